"""An editor's upload can never exhaust a worker (issue 11): every file is read as a stream with its
limits applied while reading, and a file over a limit is refused with a message naming the limit.

The five hostile files of the security review are built here at their real (small) sizes where
that is cheap, and imported in a child process whose address space is capped: the old readers
needed gigabytes for them (MemoryError under the cap); these must not. The full-size files and
the peak memory of a real server worker are in ``bench/bench_upload_memory.py``.
"""

from __future__ import annotations

import io
import json
import os
import resource
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bench import hostile_uploads
from graphsvc.services import graph as services
from helpers import example_document

ROOT = Path(__file__).resolve().parents[1]
#: The child's address-space cap: Python with graphsvc imported needs ~0.5 GB of it.
CAP_BYTES = 1536 * 1024 * 1024

CHILD = r"""
import json, sys, tempfile
from bench import hostile_uploads as h
from graphsvc.storage import open_store
from graphsvc.model.errors import Invalid
import graphsvc.services.imports as imports

imports.MAX_DOCUMENT_OBJECTS = 10_000  # a smaller limit, so the test stays fast (the benchmark uses the real one)
files = {
    "xlsx-dimension": h.xlsx_declared_dimension,
    "zip-100MiB": h.zip_of_repeated_rows,
    "csv-20MiB": h.csv_of_short_rows,
    "json-2.5M-actors": h.json_many_actors,
    "xlsx-600k-strings": lambda: h.xlsx_shared_strings(600_000),
}
store = open_store(f"sqlite:///{tempfile.mkdtemp()}/child.db")
store.ensure_schema()
results = {}
for case, make in files.items():
    name, data = make()
    try:
        report = imports.import_files(store, [(name, data)], dry_run=True)
        results[case] = {"outcome": "report", "rows": report.rows, "rejected": [str(r) for r in report.rejected][:3]}
    except Invalid as exc:
        results[case] = {"outcome": "refused", "message": str(exc)}
    except MemoryError:
        results[case] = {"outcome": "MemoryError"}
    del data
print(json.dumps(results))
"""


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


@pytest.fixture(scope="module")
def hostile_results() -> dict:
    """Each hostile file imported (dry run) in one child process under the memory cap."""
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=300, preexec_fn=_capped)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, f"the child failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return json.loads(lines[-1])


def test_an_xlsx_declaring_a_billion_cells_is_read_by_the_rows_it_has(hostile_results):
    # 1.5 KB, <dimension ref="A1:XFD1048576"/>, rows 1, 2 and 1048576: openpyxl padded it to gigabytes.
    result = hostile_results["xlsx-dimension"]
    assert result["outcome"] == "report" and result["rows"] == {"actors": 2, "initiatives": 0}, result


def test_a_zip_that_unpacks_to_100_mib_is_refused_naming_the_limit(hostile_results):
    result = hostile_results["zip-100MiB"]
    assert result["outcome"] == "refused", result
    assert "unpacks to 100.0 MB; the largest accepted is 64.0 MB" in result["message"]


def test_a_csv_of_millions_of_rows_stops_at_the_row_limit(hostile_results):
    result = hostile_results["csv-20MiB"]
    assert result["outcome"] == "refused", result
    assert "more than 40000 rows; the largest table accepted has 40000 data rows" in result["message"]


def test_a_json_of_millions_of_actors_stops_at_the_item_limit(hostile_results):
    result = hostile_results["json-2.5M-actors"]
    assert result["outcome"] == "report", result
    assert result["rejected"] == ["actors.json, column actors: more than 10000 actors; the largest document "
                                  "accepted here has 10000 (import larger files with `graphsvc import`)"]


def test_a_workbook_with_too_many_shared_strings_is_refused_naming_the_limit(hostile_results):
    result = hostile_results["xlsx-600k-strings"]
    assert result["outcome"] == "refused", result
    assert "more than 500000 shared strings; the largest accepted has 500000" in result["message"]


# -- the same limits through the API, on small files -----------------------------------------------------
def _upload(client, name: str, data: bytes, **fields):
    return client.post("/api/v1/import", data={"file": (io.BytesIO(data), name), **fields})


def test_an_xlsx_reads_only_the_headers_columns(client):
    # A workbook whose data row has 5,000 cells right of the header: only the header's three are kept.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "aktører"
    sheet.append(["navn", "type", "kommune"])
    sheet.append(["Vidde lag", "lag", "Alta", *(["x"] * 5000)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(client, "vid.xlsx", buffer.getvalue(), dry_run="1")
    assert response.status_code == 200 and response.json["report"]["actors"]["added"] == ["vidde-lag"]


def test_a_header_row_wider_than_the_limit_is_refused(client):
    header = ";".join(["navn", "type", "kommune"] + [f"ekstra{i}" for i in range(100)])
    response = _upload(client, "a.csv", f"{header}\nLag;lag;Alta\n".encode())
    assert response.status_code == 422
    assert "the header row has 103 columns; the largest accepted has 64" in response.json["message"]


def test_a_file_with_more_text_than_the_limit_is_refused_while_it_is_read():
    from graphsvc.interchange.limits import ReadLimits
    from graphsvc.interchange.readers import read_tables
    from graphsvc.model.errors import Invalid

    rows = "".join(f"{'Lang forening ' * 5}{n};lag;Alta\n" for n in range(10))
    with pytest.raises(Invalid, match="more than 500 characters of text in its columns"):
        read_tables([("a.csv", f"navn;type;kommune\n{rows}".encode())], limits=ReadLimits(text_chars=500))


def test_a_zip_member_that_fails_its_crc_gets_422_not_500(client):
    name, data = hostile_uploads.zip_bad_crc()
    response = _upload(client, name, data)
    assert response.status_code == 422 and "Bad CRC-32" in response.json["message"]


def test_a_csv_whose_first_line_is_one_huge_cell_gets_422_not_500(client):
    response = _upload(client, "a.csv", b"navn;type;kommune" + b"x" * 200_000 + b"\n")
    assert response.status_code == 422
    assert "longer than 131072 characters" in response.json["message"]


def test_rejected_rows_are_listed_up_to_a_limit_and_counted_beyond_it(client):
    rows = "".join(f"Lag {n};wizard;Alta\n" for n in range(1500))
    response = _upload(client, "a.csv", f"navn;type;kommune\n{rows}".encode())
    assert response.status_code == 422
    problems = response.json["problems"]
    assert len(problems) == 1001 and problems[-1]["message"] == "… and 500 more problem(s) not listed"
    assert response.json["report"]["rejected_rows"]["actors"] == 1500


def test_a_large_json_document_is_streamed_with_the_same_report(client, app):
    # Over IN_MEMORY_DOCUMENT_BYTES: checked, compared and written as a stream; the report is the usual one.
    doc = example_document()
    doc["description"] = "x" * (300 * 1024)
    data = json.dumps(doc).encode()
    preview = _upload(client, "stor.json", data, dry_run="1")
    assert preview.status_code == 200
    assert preview.json["report"]["counts"]["actors"]["added"] == len(doc["actors"])
    done = _upload(client, "stor.json", data)
    assert done.status_code == 200 and done.json["report"]["applied"]
    assert len(app.extensions["graphsvc"].store.snapshot()[0]) == len(doc["actors"])
    raw = client.post("/api/v1/import", data=data, content_type="application/json")
    assert raw.status_code == 200 and raw.json["imported"]["actors_unchanged"] == len(doc["actors"])


def test_a_streamed_document_with_an_unpaired_surrogate_is_refused_not_altered(client):
    doc = example_document()
    doc["description"] = "x" * (300 * 1024)
    data = json.dumps(doc).encode().replace(b'"name": "', b'"name": "\\ud800', 1)
    response = _upload(client, "stor.json", data)
    assert response.status_code == 422 and "unpaired surrogate" in response.json["problems"][0]["message"]


def test_a_chunked_body_over_the_upload_limit_gets_413(tmp_path):
    from graphsvc import create_app
    from helpers import client_for

    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'small.db'}", "SECRET_KEY": "test",
                      "GRAPHSVC_SECRET_KEY": "test", "TESTING": True, "GRAPHSVC_MAX_UPLOAD_MB": 1})
    client = client_for(app, "editor")
    big = json.dumps({"name": "x" * (1024 * 1024), "kind": "association", "municipality": "Alta"}).encode()
    small = json.dumps({"name": "Lag", "kind": "association", "municipality": "Alta"}).encode()
    chunked = {"headers": {"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
               "environ_overrides": {"wsgi.input_terminated": True}}  # what gunicorn hands over for chunked bodies
    response = client.post("/api/v1/actors", input_stream=io.BytesIO(big), **chunked)
    assert response.status_code == 413 and "GRAPHSVC_MAX_UPLOAD_MB" in response.json["message"]
    assert client.post("/api/v1/actors", input_stream=io.BytesIO(small), **chunked).status_code == 201
    app.extensions["graphsvc"].store.close()


def test_one_actor_or_initiative_is_at_most_a_mebibyte_of_json(client):
    body = json.dumps({"name": "Lag", "kind": "association", "municipality": "Alta", "x": "y" * (1024 * 1024)})
    response = client.post("/api/v1/actors", data=body, content_type="application/json")
    assert response.status_code == 413 and "accepts at most 1048576" in response.json["message"]


# -- previews are kept in a private folder of the service ---------------------------------------------------
def _preview(app, tmp_path):
    """An editor's browser previewing an upload: returns the client and the preview's token."""
    import re

    from graphsvc.services import accounts

    accounts.add_user(app.extensions["graphsvc"].store, "eva", "editor", "correct horse battery")
    browser = app.test_client()
    page = browser.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    browser.post("/login", data={"name": "eva", "password": "correct horse battery", "csrf_token": csrf})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/import").text).group(1)
    upload = (io.BytesIO(b"navn;type;kommune\nLag;lag;Alta\n"), "a.csv")
    response = browser.post("/import", data={"csrf_token": csrf, "file": upload})
    token = re.search(r'name="token" value="([^"]+)"', response.text)
    return browser, response, token.group(1) if token else None


@pytest.fixture
def private_app(tmp_path):
    from graphsvc import create_app

    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "test",
                      "GRAPHSVC_SECRET_KEY": "test", "TESTING": True, "GRAPHSVC_INSTANCE_DIR": str(tmp_path / "inst")})
    yield app
    app.extensions["graphsvc"].store.close()


def test_previews_are_kept_in_the_instance_folder_readable_only_by_the_service(private_app, tmp_path):
    _, response, token = _preview(private_app, tmp_path)
    assert response.status_code == 200 and token
    uploads = Path(private_app.instance_path) / "uploads"
    kept = uploads / token
    assert kept.is_dir() and (kept / "0").read_bytes() == b"navn;type;kommune\nLag;lag;Alta\n"
    for path in (uploads, kept):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700 and path.stat().st_uid == os.getuid()
    assert stat.S_IMODE((kept / "0").stat().st_mode) == 0o600


def test_a_planted_upload_folder_is_not_used(private_app, tmp_path):
    uploads = Path(private_app.instance_path) / "uploads"
    uploads.parent.mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / "planted"
    elsewhere.mkdir(mode=0o777)
    uploads.symlink_to(elsewhere)  # another local user's folder, linked where the service looks
    _, response, token = _preview(private_app, tmp_path)
    assert response.status_code == 500 and token is None  # refused (and logged), nothing kept
    assert list(elsewhere.iterdir()) == []


def test_an_upload_folder_open_to_others_is_made_private_again(private_app, tmp_path):
    uploads = Path(private_app.instance_path) / "uploads"
    uploads.mkdir(parents=True)
    uploads.chmod(0o777)
    _, response, token = _preview(private_app, tmp_path)
    assert response.status_code == 200 and token
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700


@pytest.mark.skipif(os.getuid() != 0, reason="making a folder owned by another user needs root")
def test_an_upload_folder_owned_by_another_user_is_refused(private_app, tmp_path):
    uploads = Path(private_app.instance_path) / "uploads"
    uploads.mkdir(parents=True, mode=0o700)
    os.chown(uploads, 4242, 4242)
    _, response, token = _preview(private_app, tmp_path)
    assert response.status_code == 500 and token is None and list(uploads.iterdir()) == []


def test_the_spreadsheet_limits_are_the_documented_ones():
    from graphsvc.interchange import limits

    readme = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for value in (f"{limits.MAX_ROWS:,}", f"{limits.MAX_COLUMNS}", f"{limits.MAX_SHARED_STRINGS:,}",
                  f"{limits.MAX_UNPACKED_BYTES // 2**20} MiB", f"{limits.MAX_ZIP_MEMBERS:,}",
                  f"{limits.MAX_TEXT_CHARS:,}"):
        assert value in readme, value


def test_the_template_zip_still_imports_through_the_streaming_readers(tmp_path):
    from graphsvc.interchange.templates import template_csv_zip, template_xlsx
    from graphsvc.services.imports import import_files
    from graphsvc.storage import open_store

    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    store.ensure_schema()
    for name, data in (("mal.zip", template_csv_zip()), ("mal.xlsx", template_xlsx())):
        assert zipfile.is_zipfile(io.BytesIO(data))
        report = import_files(store, [(name, data)], dry_run=True)
        assert report.ok and report.rows == {"actors": 2, "initiatives": 1}, name
    services.import_document(store, example_document())
    store.close()
