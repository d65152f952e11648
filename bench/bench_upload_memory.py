"""Peak memory of a server worker for hostile and legitimate uploads (issue 11).

For each file, a fresh ``graphsvc serve --workers 1`` (gunicorn, 127.0.0.1 only) on a SQLite store
holding the demo network (or, for the "again" cases, the file's own network as well) is warmed up
(small CSV, xlsx and JSON dry runs, so the import code is loaded and the store has been read once),
then its worker's peak-RSS mark is reset (``/proc/PID/clear_refs``) and its resident size read as
*idle*; the file is posted to ``POST /api/v1/import`` as an editor; the worker's ``VmHWM`` after the
answer, minus idle, is the cost of that upload ("above a fresh worker" subtracts the resident size
before the warm-up instead). The server runs under an address-space cap (``--cap-gb``, default 4)
so the old code's runaway cases end in MemoryError instead of taking the shared machine down; such
a peak is reported as "≥ cap".

    python -m bench.bench_upload_memory                      # this checkout
    python -m bench.bench_upload_memory --tree /tmp/before   # another source tree (e.g. old main)
    python -m bench.bench_upload_memory --only csv-20MiB json-2.5M-actors

Results go to stdout as a Markdown table and to ``bench/out/upload-memory-<label>.json``.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from bench import hostile_uploads

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PASSWORD = "bench-password-0123456789"
#: The `graphsvc` command of the tree on PYTHONPATH (the console script may belong to another checkout).
GRAPHSVC = [sys.executable, "-c", "from graphsvc.cli import main; main(prog_name='graphsvc')"]


# -- the largest legitimate files -------------------------------------------------------------------
def _network_document(actors: int, initiatives: int) -> dict:
    from bench.synthetic import generate
    from graphsvc.model.serialize import to_document

    return to_document(*generate("M", actors=actors, initiatives=initiatives, municipalities=200, seed=1))


def legit_json(max_bytes: int = 63 * 1024 * 1024) -> tuple[str, bytes]:
    """A real network as graphsvc/1 JSON, as large as the upload limit (64 MiB) allows."""
    actors, initiatives = 30_000, 180_000
    data = json.dumps(_network_document(actors, initiatives), ensure_ascii=False).encode()
    while len(data) > max_bytes:
        actors, initiatives = int(actors * 0.95), int(initiatives * 0.95)
        data = json.dumps(_network_document(actors, initiatives), ensure_ascii=False).encode()
    return "network.json", data


def _table_rows(rows: int) -> tuple[list[list[str]], list[list[str]]]:
    """Actors and initiatives rows (Norwegian headers) of a synthetic network with ``rows`` of each."""
    doc = _network_document(rows, rows)
    actors = [["id", "navn", "type", "sektor", "kommune", "kommunenummer", "registrert", "stikkord"]]
    for a in doc["actors"]:
        actors.append([a["id"], a["name"], a["kind"], a.get("sector") or "", a["municipality"],
                       a.get("municipality_number") or "", a.get("registered") or "", ";".join(a.get("tags", []))])
    initiatives = [["id", "tittel", "kategori", "startet", "avsluttet", "initiativtaker", "sted", "partnere"]]
    for i in doc["initiatives"]:
        partners = ";".join(f"{p['actor']}:{p['role']}" for p in i["partners"])
        initiatives.append([i["id"], i["title"], i.get("category") or "", i["started"], i.get("ended") or "",
                            i["initiator"], i["location"], partners])
    return actors[: rows + 1], initiatives[: rows + 1]


def legit_csv_zip(rows: int) -> tuple[str, bytes]:
    """A zip of aktorer.csv and initiativ.csv with ``rows`` data rows each (the row limit)."""
    import csv

    actors, initiatives = _table_rows(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, table in (("aktorer.csv", actors), ("initiativ.csv", initiatives)):
            text = io.StringIO(newline="")
            csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(table)
            archive.writestr(name, text.getvalue().encode("utf-8-sig"))
    return "network.zip", buffer.getvalue()


def legit_text_heavy_zip(rows: int, text_chars: int) -> tuple[str, bytes]:
    """A zip of two CSV files with ``rows`` rows each and long texts, just under the text limit: long names,
    titles, tags and five partners per initiative (what the text limit is for)."""
    import csv

    per_row = int(text_chars * 0.97) // (2 * rows)  # characters per row, shared by the texts of each table
    actors = [["id", "navn", "type", "kommune", "stikkord"]]
    for n in range(rows):
        ident = f"a{n}"
        tags = ";".join(f"emne{t}-{n % 97}" for t in range(max(1, (per_row - 60) // 40)))
        name = (f"Forening {n} for kultur og frivillighet i nærmiljøet " * 8)[:max(1, per_row - len(tags) - 30)]
        actors.append([ident, name.strip() + f" {n}", "lag", f"Kommune {n % 300}", tags])
    initiatives = [["id", "tittel", "startet", "initiativtaker", "sted", "partnere"]]
    for n in range(rows):
        partners = ";".join([f"a{n}:lead"] + [f"a{(n + k) % rows}:co_creator" for k in range(1, 5)])
        title = (f"Samarbeid {n} om lesing, språk og møteplasser " * 8)[:max(1, per_row - len(partners) - 30)]
        initiatives.append([f"i{n}", title.strip() + f" {n}", "2021-03-01", f"a{n}", "library", partners])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, table in (("aktorer.csv", actors), ("initiativ.csv", initiatives)):
            text = io.StringIO(newline="")
            csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(table)
            archive.writestr(name, text.getvalue().encode("utf-8-sig"))
    return "tekst.zip", buffer.getvalue()


def legit_xlsx(rows: int) -> tuple[str, bytes]:
    """A workbook with the sheets aktører and initiativ, ``rows`` data rows each."""
    from openpyxl import Workbook

    actors, initiatives = _table_rows(rows)
    book = Workbook(write_only=True)
    for title, table in (("aktører", actors), ("initiativ", initiatives)):
        sheet = book.create_sheet(title)
        for row in table:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return "network.xlsx", buffer.getvalue()


# -- the server ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``graphsvc serve --workers 1`` from ``tree`` on a copy of a prepared store, under an address-space cap."""

    def __init__(self, tree: Path, env: dict, store_url: str, cap_bytes: int):
        self.port = _free_port()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by stop()
            "w+", prefix="bench-serve-", suffix=".log", delete=False)

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

        self.process = subprocess.Popen(
            [*GRAPHSVC, "--store", store_url, "serve", "--workers", "1",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=tree, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=limit)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not start")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 600) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def worker(self) -> int:
        import psutil

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            children = psutil.Process(self.process.pid).children()
            if children:
                return children[0].pid
            time.sleep(0.1)
        raise RuntimeError("no worker")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) * 1024
    return values


def multipart(name: str, data: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(server: Server, token: str, name: str, data: bytes, *, dry_run: bool) -> tuple[int, bytes]:
    body, content_type = multipart(name, data, {"dry_run": "1" if dry_run else "0"})
    return server.request("POST", "/api/v1/import", body, {"Content-Type": content_type,
                                                            "Authorization": f"Bearer {token}"})


def _warm_up(server: Server, token: str) -> None:
    """Load the import code (CSV, xlsx, zip, JSON) so that 'idle' is a worker that has imported before."""
    for name, data in (("a.csv", b"navn;type;kommune\r\nVarm;lag;Alta\r\n"),
                       hostile_uploads.xlsx_declared_dimension(last_row=3, dimension="A1:C3"),
                       ("a.json", b'{"format": "graphsvc/1", "actors": [], "initiatives": []}')):
        upload(server, token, name, data, dry_run=True)


def _cli(tree: Path, env: dict, url: str, *args: str, input: str | None = None) -> str:
    done = subprocess.run([*GRAPHSVC, "--store", url, *args], cwd=tree, env=env, input=input, capture_output=True,
                          text=True, timeout=900)
    if done.returncode:
        raise RuntimeError(f"graphsvc {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def prepare(tree: Path, workdir: Path) -> tuple[dict, Path, str]:
    """A SQLite store with the demo network and an editor's API token."""
    env = {**os.environ, "PYTHONPATH": str(tree), "GRAPHSVC_INSTANCE_DIR": str(workdir / "instance"),
           "GRAPHSVC_SECRET_KEY": "bench-upload-memory-secret-0123456789", "GRAPHSVC_THREADS": "4",
           "GRAPHSVC_SEED_PATH": str(tree / "seed" / "demo.json")}
    db = workdir / "seed.db"
    url = f"sqlite:///{db}"

    _cli(tree, env, url, "seed")
    _cli(tree, env, url, "users", "add", "bench", "--role", "editor", input=PASSWORD + "\n")
    token = _cli(tree, env, url, "tokens", "create", "bench").strip().splitlines()[-1]
    return env, db, token


def measure(tree: Path, cases: dict, cap_bytes: int, workdir: Path) -> list[dict]:
    import shutil

    env, seed_db, token = prepare(tree, workdir)
    results = []
    for label, (make, dry_run, preload) in cases.items():
        name, data = make()
        db = workdir / f"{uuid.uuid4().hex}.db"
        shutil.copy(seed_db, db)
        if preload:  # the store already holds what the file holds: the re-import's comparison is the cost
            stored = workdir / name
            stored.write_bytes(data)
            _cli(tree, env, f"sqlite:///{db}", "import", str(stored))
            stored.unlink()
        server = Server(tree, env, f"sqlite:///{db}", cap_bytes)
        try:
            fresh = _status(server.worker())["VmRSS"]  # before any import: the store not read yet
            _warm_up(server, token)
            pid = server.worker()
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            idle = _status(pid)["VmRSS"]
            started = time.monotonic()
            try:
                status, body = upload(server, token, name, data, dry_run=dry_run)
            except (OSError, http.client.HTTPException) as exc:
                status, body = 0, f"{type(exc).__name__}: {exc}".encode()
            seconds = time.monotonic() - started
            try:
                peak = _status(pid)["VmHWM"]
            except FileNotFoundError:
                peak = None  # the worker died
            message = body.decode("utf-8", "replace")
            try:
                parsed = json.loads(message)
                message = parsed.get("message") or json.dumps(parsed.get("report", {}).get("counts"))
                rejected = parsed.get("report", {}).get("rejected") or []
                if rejected and not parsed.get("problems"):
                    message += " — " + "; ".join(r.get("message", "") for r in rejected[:2])
                if parsed.get("problems"):
                    message += " — " + "; ".join(f"{p.get('field')}: {p.get('message')}"
                                                 for p in parsed["problems"][:2])
            except ValueError:
                message = message[:200]
            oom = "MemoryError" in Path(server.log.name).read_text()
        finally:
            server.stop()
            db.unlink(missing_ok=True)
        row = {"file": label, "size": len(data), "dry_run": dry_run, "status": status, "seconds": round(seconds, 1),
               "fresh_mb": round(fresh / 2**20), "idle_mb": round(idle / 2**20),
               "peak_mb": None if peak is None else round(peak / 2**20),
               "above_idle_mb": None if peak is None else round((peak - idle) / 2**20),
               "above_fresh_mb": None if peak is None else round((peak - fresh) / 2**20),
               "memory_error": oom, "message": message[:300]}
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
        results.append(row)
    return results


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


def table(results: list[dict], cap_bytes: int) -> str:
    lines = ["| file | size | dry run | status | seconds | worker peak above idle | above a fresh worker | note |",
             "|---|---:|---|---:|---:|---:|---:|---|"]
    for r in results:
        above = "died" if r["above_idle_mb"] is None else f"{r['above_idle_mb']} MB"
        if r["memory_error"] or (r["peak_mb"] and r["peak_mb"] * 2**20 > 0.9 * cap_bytes):
            above = f"≥ {above} (cap {cap_bytes // 2**30} GB, MemoryError)"
        note = r["message"].replace("|", "\\|").replace("\n", " ")[:140]
        fresh = "–" if r.get("above_fresh_mb") is None else f"{r['above_fresh_mb']} MB"
        lines.append(f"| {r['file']} | {_size(r['size'])} | {'yes' if r['dry_run'] else 'no'} | {r['status']} | "
                     f"{r['seconds']} | {above} | {fresh} | {note} |")
    return "\n".join(lines)


def cases(rows: int) -> dict:
    chosen = {name: (make, True, False) for name, make in hostile_uploads.ALL.items()}
    chosen.update({name: (make, True, False) for name, make in hostile_uploads.VARIANTS.items()})
    chosen[f"legit zip of CSV, {rows:,} rows each"] = (lambda: legit_csv_zip(rows), False, False)
    chosen[f"legit zip of CSV, {rows:,} rows each, again"] = (lambda: legit_csv_zip(rows), False, True)
    from graphsvc.interchange.limits import MAX_TEXT_CHARS

    heavy = f"legit zip of CSV, {rows:,} rows each, long texts at the text limit"
    chosen[heavy] = (lambda: legit_text_heavy_zip(rows, MAX_TEXT_CHARS), False, False)
    chosen[heavy + ", again"] = (lambda: legit_text_heavy_zip(rows, MAX_TEXT_CHARS), False, True)
    chosen[f"legit xlsx, {rows:,} rows each"] = (lambda: legit_xlsx(rows), False, False)
    chosen[f"legit xlsx, {rows:,} rows each, again"] = (lambda: legit_xlsx(rows), False, True)
    chosen["legit JSON, ~63 MiB"] = (legit_json, False, False)
    chosen["legit JSON, ~63 MiB, again"] = (legit_json, False, True)
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree to serve (default: this checkout)")
    parser.add_argument("--label", default=None, help="name of the result file (default: the tree's folder name)")
    parser.add_argument("--cap-gb", type=float, default=4.0, help="address-space cap of the server (GiB)")
    parser.add_argument("--rows", type=int, default=None,
                        help="rows of the legitimate spreadsheets (default: the tree's row limit)")
    parser.add_argument("--only", nargs="*", default=None, help="only these files (names as in the table)")
    args = parser.parse_args(argv)
    rows = args.rows
    if rows is None:
        from graphsvc.interchange import limits

        rows = limits.MAX_ROWS
    chosen = cases(rows)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if any(k.startswith(o) for o in args.only)}
    cap = int(args.cap_gb * 2**30)
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as work:
        results = measure(args.tree.resolve(), chosen, cap, Path(work))
    OUT.mkdir(parents=True, exist_ok=True)
    label = args.label or args.tree.resolve().name
    (OUT / f"upload-memory-{label}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(table(results, cap))


if __name__ == "__main__":
    main()
