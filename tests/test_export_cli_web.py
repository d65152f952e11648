"""A researcher exports for Gephi, R and Excel from the command line and the browser; a librarian uploads."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphsvc.cli import main
from graphsvc.interchange.templates import template_xlsx

SEED = Path(__file__).resolve().parents[1] / "seed" / "demo.json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def graphsvc(store_url: str, *args):
    result = CliRunner().invoke(main, ["--store", store_url, *map(str, args)], catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """A store holding the demo network, and its graphsvc/1 export."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    assert graphsvc(url, "import", SEED).exit_code == 0
    return url, json.loads(graphsvc(url, "export").output)


# -- the command line -------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_export_then_import_through_the_cli_gives_the_same_graph(demo_store, tmp_path, fmt):
    url, expected = demo_store
    out = tmp_path / f"net.{fmt}"
    exported = graphsvc(url, "export", "--format", fmt, "-o", out)
    assert exported.exit_code == 0 and out.stat().st_size > 1000
    other = f"sqlite:///{tmp_path / 'other.db'}"
    imported = graphsvc(other, "import", out)
    assert imported.exit_code == 0, imported.output
    assert json.loads(graphsvc(other, "export").output) == expected
    again = graphsvc(other, "import", out, "--dry-run")
    assert again.exit_code == 0 and f"actors: 0 new, 0 changed, {len(expected['actors'])} unchanged" in again.output


def test_csv_and_xlsx_exports_are_read_by_csv_pandas_and_openpyxl(demo_store, tmp_path):
    url, expected = demo_store
    assert graphsvc(url, "export", "--format", "csv", "-o", tmp_path / "net.zip").exit_code == 0
    with zipfile.ZipFile(tmp_path / "net.zip") as archive:
        nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
    assert len(nodes) == len(expected["actors"]) and nodes[0]["id"] == expected["actors"][0]["id"]
    pandas = pytest.importorskip("pandas")
    with zipfile.ZipFile(tmp_path / "net.zip") as archive:
        edges = pandas.read_csv(io.BytesIO(archive.read("edges.csv")), encoding="utf-8-sig")
    assert list(edges.columns[:3]) == ["source", "target", "weight"] and len(edges) > 100

    assert graphsvc(url, "export", "--format", "xlsx", "-o", tmp_path / "net.xlsx").exit_code == 0
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "net.xlsx", read_only=True)
    assert book.sheetnames == ["actors", "initiatives", "ties"]
    book.close()
    # The workbook uses the import's column names: it can be imported again, changing nothing.
    again = graphsvc(url, "import", tmp_path / "net.xlsx", "--dry-run")
    assert again.exit_code == 0, again.output
    assert f"actors: 0 new, 0 changed, {len(expected['actors'])} unchanged" in again.output
    assert f"initiatives: 0 new, 0 changed, {len(expected['initiatives'])} unchanged" in again.output


def test_binary_exports_go_to_stdout_as_bytes_and_filters_apply(demo_store):
    url, expected = demo_store
    data = graphsvc(url, "export", "--format", "csv").stdout_bytes
    assert data.startswith(b"PK\x03\x04")
    filtered = json.loads(graphsvc(url, "export", "--municipality", "Drammen", "--at", "2019-12-31").output)
    assert 0 < len(filtered["actors"]) < len(expected["actors"])
    assert all(i["started"] <= "2019-12-31" for i in filtered["initiatives"])
    sector = graphsvc(url, "export", "--format", "graphml", "--sector", "helse").output
    assert sector.startswith("<graphml") and "helse" in sector
    bad = graphsvc(url, "export", "--at", "31.12.2019")
    assert bad.exit_code == 1 and "--at" in bad.output and "YYYY-MM-DD" in bad.output


# -- the API ----------------------------------------------------------------------------------------
@pytest.fixture
def loaded(client):
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    assert client.post("/api/v1/import", json=doc).status_code == 200
    return client


@pytest.mark.parametrize("fmt,media_type,start", [
    ("json", "application/json", b"{"), ("graphml", "application/graphml+xml", b"<graphml"),
    ("gexf", "application/gexf+xml", b"<gexf"), ("csv", "application/zip", b"PK\x03\x04"),
    ("xlsx", XLSX, b"PK\x03\x04")])
def test_downloads_have_the_right_content_type_and_a_file_name(loaded, fmt, media_type, start):
    response = loaded.get(f"/api/v1/export?format={fmt}&municipality=Drammen")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert re.match(r'attachment; filename="graphsvc\.[a-z]+"', response.headers["Content-Disposition"])
    assert response.data.startswith(start)


def test_the_default_export_is_still_the_graphsvc1_document(loaded):
    response = loaded.get("/api/v1/export")
    assert response.mimetype == "application/json" and "Content-Disposition" not in response.headers
    assert response.json["format"] == "graphsvc/1" and len(response.json["actors"]) == len(
        json.loads(SEED.read_text(encoding="utf-8"))["actors"])
    filtered = loaded.get("/api/v1/export?at=2018-01-01&format=json").json
    assert len(filtered["initiatives"]) < len(response.json["initiatives"])
    assert loaded.get("/api/v1/export?format=pdf").status_code == 422
    assert loaded.get("/api/v1/export?at=yesterday").json["field"] == "at"


def upload(client, path: str, files: dict, **fields):
    data = {**fields, **{name: (io.BytesIO(content), filename) for name, (filename, content) in files.items()}}
    return client.post(path, data=data, content_type="multipart/form-data")


BAD_ACTORS = "navn;type;kommune\r\nNy forening;lag;Drammen\r\nTrollmenn;wizard;Hamar\r\n".encode("cp1252")


def test_upload_through_the_api_dry_run_refusal_and_valid_only(loaded):
    before = loaded.get("/api/v1/export").json
    dry = upload(loaded, "/api/v1/import", {"file": ("a.csv", BAD_ACTORS)}, dry_run="1")
    assert dry.status_code == 200
    report = dry.json["report"]
    assert report["dry_run"] and not report["applied"] and report["actors"]["added"] == ["ny-forening"]
    assert report["rejected"] == [{"table": "a.csv", "row": 3, "column": "type",
                                   "message": "must be one of: library, municipal_unit, association, citizen_group, "
                                              "business, other_public (got 'wizard')",
                                   "code": "choice.invalid",
                                   "params": {"legal": ["library", "municipal_unit", "association", "citizen_group",
                                                        "business", "other_public"], "value": "wizard"}}]
    refused = upload(loaded, "/api/v1/import", {"file": ("a.csv", BAD_ACTORS)})
    assert refused.status_code == 422
    assert refused.json["problems"][0]["field"] == "a.csv row 3, column type"
    assert loaded.get("/api/v1/export").json == before
    accepted = upload(loaded, "/api/v1/import", {"file": ("a.csv", BAD_ACTORS)}, valid_only="true")
    assert accepted.status_code == 200 and accepted.json["report"]["applied"]
    assert loaded.get("/api/v1/actors/ny-forening").status_code == 200


def test_unusable_uploads_are_refused_with_the_field(loaded):
    empty = upload(loaded, "/api/v1/import", {"file": ("a.csv", b"")})
    assert empty.status_code == 422 and empty.json["problems"][0] == {
        "field": "file", "message": "a.csv: the file is empty",
        "code": "problem.at_field", "params": {"field": "a.csv", "problem": {"code": "file.empty", "params": {}}}}
    assert upload(loaded, "/api/v1/import", {}).json["problems"][0]["field"] == "file"


def sheet_values(data: bytes) -> dict:
    """Every sheet's cell values: the bytes also hold a save time, so compare what a user sees."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_templates_download(client):
    xlsx = client.get("/api/v1/import/template?format=xlsx")
    assert xlsx.mimetype == XLSX and sheet_values(xlsx.data) == sheet_values(template_xlsx())
    assert 'filename="graphsvc-mal.xlsx"' in xlsx.headers["Content-Disposition"]
    assert client.get("/api/v1/import/template?format=csv").mimetype == "application/zip"
    assert client.get("/api/v1/import/template?format=ods").status_code == 422


# -- the pages ---------------------------------------------------------------------------------------
def no_inline_script(html: str) -> bool:
    return all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)) and " on" + "click=" not in html


def test_import_page_previews_then_imports_on_confirmation(loaded):
    page = loaded.get("/import").get_data(as_text=True)
    assert '<label for="file">' in page and 'enctype="multipart/form-data"' in page
    assert no_inline_script(page)
    before = loaded.get("/api/v1/export").json

    preview = upload(loaded, "/import", {"file": ("a.csv", BAD_ACTORS)})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'role="status"' in html and "ingenting er lagret ennå" in html
    assert "<td>a.csv</td><td>3</td><td>type</td>" in html and "(ikke &#39;wizard&#39;)" in html
    assert "must be one of" not in html  # the rejected row in the page's language, not the API's English
    assert loaded.get("/api/v1/export").json == before
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert "Importer bare de gyldige radene" in html

    done = loaded.post("/import/confirm", data={"token": token, "valid_only": "1"}).get_data(as_text=True)
    assert "De gyldige radene er importert" in done and 'role="status"' in done
    assert loaded.get("/api/v1/actors/ny-forening").status_code == 200
    again = loaded.post("/import/confirm", data={"token": token, "valid_only": "1"})
    assert again.status_code == 422 and "last opp filen på nytt" in again.get_data(as_text=True)


def test_import_page_ties_a_file_error_to_the_field(client):
    response = upload(client, "/import", {"file": ("a.csv", b"foo;bar\r\n1;2\r\n")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in html and 'aria-describedby="file-help file-error"' in html
    assert 'id="file-error"' in html and "navngir verken aktører" in html and 'role="alert"' in html
    assert html.count("navngir verken aktører") == 1  # once, next to the field


def test_export_page_offers_every_format_with_filters(loaded):
    html = loaded.get("/export").get_data(as_text=True)
    for fmt in ("json", "graphml", "gexf", "csv", "xlsx"):
        assert f'name="format" value="{fmt}"' in html
    for field in ("at", "municipality", "sector", "view"):
        assert f'<label for="{field}">' in html
    assert '<option value="Drammen">' in html and no_inline_script(html)
    nav = loaded.get("/").get_data(as_text=True)
    assert 'href="/import"' in nav and 'href="/export"' in nav
