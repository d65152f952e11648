"""How fast the map draws in a real browser on the M network, against vis-network's own drawing floor.

Builds (once) a SQLite store with the synthetic M network (5,000 actors, 20,000 initiatives,
``bench/synthetic.py``, seed 0), serves it with ``graphsvc serve`` (gunicorn, 2 workers, public
read) on a free loopback port, and drives Debian's chromium (Python Playwright,
``executable_path=/usr/bin/chromium``, 1366×768, cache off) the way
``/work/shared/tools/map-timing`` does: the time from navigation start until the page's largest
canvas holds a drawn picture. It measures

* ``/map`` (what a project leader opens first) and ``/map?group=none`` (all 5,000 actors) with
  the server's cache warm, three fresh page loads each;
* the same right after a write (cold: a new graph version, every worker's cache invalid): the
  first two page loads after the write, which usually land on both workers;
* growth-slider steps on ``/map?group=none``: the time from moving the range input until the
  canvas changes (five steps, as the map-timing tool moves it);
* the bytes of the map data on the wire (the browser's own count, compressed if the server
  compresses) and unpacked;
* the floor: the same vendored vis-network drawing the same positioned nodes and edges from a
  static JSON file, physics off (the map-timing tool's ``floor.html``).

Usage: ``python -m bench.bench_map [--label after] [--runs 3] [--screenshots DIR]``; prints a
table and writes ``bench/out/bench_map-<label>.json``.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import http.server
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORES = ROOT / "bench" / ".stores"
OUT = ROOT / "bench" / "out"
GRAPHSVC = [sys.executable, "-c", "from graphsvc.cli import main; main(prog_name='graphsvc')"]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}

#: The map-timing tool's measure: ms from navigation start until the largest canvas has > 200 inked samples.
FIRST_PICTURE_JS = """() => new Promise(resolve => {
  const tick = () => {
    const cs = [...document.querySelectorAll('canvas')].sort((a, b) => b.width * b.height - a.width * a.height);
    const c = cs[0];
    if (c && c.width > 50) {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let k = 0; k < d.length; k += 4 * 37)
        if (d[k + 3] > 0 && (d[k] < 235 || d[k + 1] < 235 || d[k + 2] < 235)) ink++;
      if (ink > 200) return resolve(performance.now());
    }
    if (performance.now() > 110000) return resolve(-1);
    setTimeout(tick, 25);
  };
  tick();
})"""

#: The map-timing tool's slider measure: move the first range input, wait for the canvas to change.
SLIDER_JS = """async () => {
  const hash = () => {
    const c = [...document.querySelectorAll('canvas')].sort((a, b) => b.width * b.height - a.width * a.height)[0];
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0; for (let k = 0; k < d.length; k += 4 * 13) h = (h * 31 + d[k] + d[k + 1] * 7 + d[k + 2] * 13) | 0;
    return h;
  };
  const r = document.querySelector('input[type=range]');
  if (!r) return [];
  const lo = Number(r.min || 0), hi = Number(r.max || 100);
  const times = [];
  for (const f of [0.5, 0.3, 0.7, 0.4, 0.6]) {
    const before = hash();
    const t0 = performance.now();
    r.value = String(Math.round(lo + f * (hi - lo)));
    r.dispatchEvent(new Event('input', { bubbles: true }));
    r.dispatchEvent(new Event('change', { bubbles: true }));
    let t = -1;
    while (performance.now() - t0 < 10000) {
      await new Promise(res => requestAnimationFrame(res));
      if (hash() !== before) { t = performance.now() - t0; break; }
    }
    times.push(Math.round(t));
  }
  return times;
}"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(size: str) -> tuple[str, str]:
    """A SQLite file with the synthetic network (seed 0) and an editor token; the file is made once."""
    os.environ["PYTHONPATH"] = str(ROOT)  # the subprocesses import this checkout's graphsvc
    STORES.mkdir(parents=True, exist_ok=True)
    path = STORES / f"map-{size}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        from bench.synthetic import generate, write_json

        document = STORES / f"map-{size}.json"
        write_json(str(document), *generate(size, seed=0))
        subprocess.run([*GRAPHSVC, "--store", url, "import", str(document)], check=True, cwd=ROOT)
        subprocess.run([*GRAPHSVC, "--store", url, "users", "add", "bench", "--role", "editor"],
                       input="bench-password-123\nbench-password-123\n", text=True, check=True, cwd=ROOT)
    token = subprocess.run([*GRAPHSVC, "--store", url, "tokens", "create", "bench"], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout.strip().splitlines()[-1]
    return url, token


def request(port: int, method: str, path: str, *, token: str | None = None, body: dict | None = None,
            headers: dict | None = None) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=h)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, payload, dict(response.getheaders())


def write_something(port: int, token: str) -> None:
    """One new partner: a new graph version, so every cache keyed by it is cold."""
    status, body, _ = request(port, "POST", "/api/v1/actors", token=token,
                              body={"name": f"Benkmerke-lag {time.time_ns()}", "kind": "association",
                                    "municipality": "Kommune 001"})
    if status != 201:
        raise RuntimeError(f"write failed: {status} {body[:200]!r}")


class Browser:
    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

    def close(self):
        self.browser.close()
        self._pw.stop()

    def first_picture(self, url: str, *, slider: bool = False, screenshot: Path | None = None) -> dict:
        """One fresh load: ms to the first drawn picture, bytes of the map data, slider steps."""
        context = self.browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_(headers={**r.request.headers, "cache-control": "no-cache"}))
        data = {}

        def finished(req):
            if "/api/v1/map" in req.url:
                try:
                    sizes = req.sizes()
                    data["wire_bytes"] = sizes["responseBodySize"]
                    data["encoding"] = (req.response().headers or {}).get("content-encoding", "")
                except Exception as exc:
                    data["wire_error"] = str(exc)

        page.on("requestfinished", finished)
        page.goto(url, wait_until="commit", timeout=300_000)
        ms = page.evaluate(FIRST_PICTURE_JS)
        out = {"ms": round(ms)}
        if slider and ms > 0:
            page.wait_for_timeout(1000)
            out["slider_ms"] = page.evaluate(SLIDER_JS)
        if screenshot is not None:
            page.wait_for_timeout(1500)
            page.screenshot(path=str(screenshot))
        page.wait_for_timeout(200)
        out.update(data)
        context.close()
        return out


def serve_floor(port_data: bytes, vendor: Path) -> tuple[http.server.ThreadingHTTPServer, str, str]:
    folder = tempfile.mkdtemp(prefix="map-floor-")
    tool = Path("/work/shared/tools/map-timing")
    for name in ("floor.html", "floor.js"):
        shutil.copy(tool / name, folder)
    shutil.copy(vendor / "vis-network.min.js", folder)
    shutil.copy(vendor / "vis-network.css", folder)
    Path(folder, "data.json").write_bytes(port_data)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}/floor.html", folder


def floor_data(port: int) -> bytes:
    """The M network's nodes (positions from the whole-network layout) and edges, as the floor wants them."""
    status, body, _ = request(port, "GET", "/api/v1/map?group=none")
    data = json.loads(body)
    nodes, edges = data["nodes"], data["edges"]
    if isinstance(nodes, dict):  # columns
        nodes = [{"id": i, "x": x, "y": y, "label": label} for i, x, y, label in
                 zip(nodes["id"], nodes["x"], nodes["y"], nodes["label"])]
        ids = [n["id"] for n in nodes]
        edges = [{"from": ids[a], "to": ids[b]} for a, b in zip(edges["from"], edges["to"])]
    return json.dumps({"nodes": [{"id": n["id"], "x": n["x"], "y": n["y"], "label": n["label"]} for n in nodes],
                       "edges": [{"from": e["from"], "to": e["to"]} for e in edges]}).encode()


def median(values):
    values = [v for v in values if v is not None and v >= 0]
    return round(statistics.median(values)) if values else None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["S", "M"], default="M")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--label", default="run")
    parser.add_argument("--screenshots", type=Path, default=None, help="save screenshots of the views here")
    args = parser.parse_args(argv)

    url, token = build_store(args.size)
    instance = STORES / f"instance-map-{args.size}"
    instance.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE_URL": url, "GRAPHSVC_WORKERS": str(args.workers),
           "GRAPHSVC_PUBLIC_READ": "1", "GRAPHSVC_INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([*GRAPHSVC, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results: dict = {"label": args.label, "size": args.size, "workers": args.workers}
    browser = None
    floor_server = None
    try:
        for _ in range(600):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        browser = Browser()
        pages = {"map": "/map", "full": "/map?group=none"}

        # Cold: right after a write, the first two loads (each worker has to compute).
        for name, path in pages.items():
            cold = []
            for _ in range(2):
                write_something(port, token)
                loads = [browser.first_picture(base + path) for _ in range(2)]
                cold.append([load["ms"] for load in loads])
            results[f"{name}_cold"] = cold

        # The JSON API right after a write, four requests in a row (they land on both workers): the
        # first on each worker pays for the store read, the metrics and (without a shared layout) the
        # layout. Records: the API's default form; columns: the form the page asks for.
        for label, path in (("api_full_after_write_ms", "/api/v1/map?group=none"),
                            ("api_full_columns_after_write_ms", "/api/v1/map?group=none&shape=columns")):
            write_something(port, token)
            api_cold = []
            for _ in range(4):
                started = time.perf_counter()
                request(port, "GET", path)
                api_cold.append(round(1000 * (time.perf_counter() - started)))
            results[label] = api_cold

        # Warm: make sure both workers hold the views, then measure fresh page loads.
        for path in pages.values():
            for _ in range(2 * args.workers):
                request(port, "GET", path)
                request(port, "GET", "/api/v1/map" + (path.split("/map", 1)[1] or ""))
        for name, path in pages.items():
            loads = [browser.first_picture(base + path, slider=(name == "full" and i == 0))
                     for i in range(args.runs)]
            results[f"{name}_warm"] = [load["ms"] for load in loads]
            results[f"{name}_wire_bytes"] = loads[-1].get("wire_bytes")
            results[f"{name}_encoding"] = loads[-1].get("encoding")
            if name == "full":
                results["slider_ms"] = loads[0].get("slider_ms")
        for name, path in (("map", "/api/v1/map"), ("full", "/api/v1/map?group=none")):
            _, raw, _ = request(port, "GET", path)
            results[f"{name}_json_bytes"] = len(raw)
            _, packed, headers = request(port, "GET", path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
            results[f"{name}_packed_bytes"] = len(packed)
            results[f"{name}_packed_encoding"] = headers.get("Content-Encoding", "")

        vendor = ROOT / "web" / "static" / "vendor" / "vis-network-9.1.2"
        floor_server, floor_url, floor_dir = serve_floor(floor_data(port), vendor)
        results["floor"] = [browser.first_picture(floor_url)["ms"] for _ in range(args.runs)]
        shutil.rmtree(floor_dir, ignore_errors=True)

        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            for name, path in (("M-map", "/map"), ("M-full", "/map?group=none")):
                browser.first_picture(base + path, screenshot=args.screenshots / f"{name}.png")
    finally:
        if browser is not None:
            browser.close()
        if floor_server is not None:
            floor_server.shutdown()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"bench_map-{args.label}.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    print()
    print(f"| measure ({args.label}) | median | runs |")
    print("|---|---:|---|")
    rows = [("first picture /map, warm (ms)", results["map_warm"]),
            ("first picture /map, right after a write (ms)", sum(results["map_cold"], [])),
            ("first picture /map?group=none, warm (ms)", results["full_warm"]),
            ("first picture /map?group=none, after a write (ms)", sum(results["full_cold"], [])),
            ("floor: vis-network alone, same 5,000 nodes (ms)", results["floor"]),
            ("growth-slider step, /map?group=none (ms)", results.get("slider_ms") or []),
            ("/api/v1/map?group=none after a write, 4 requests (ms)", results["api_full_after_write_ms"]),
            ("the same, shape=columns (the page's form), 4 requests (ms)",
             results["api_full_columns_after_write_ms"])]
    for label, values in rows:
        print(f"| {label} | {median(values)} | {values} |")
    print(f"| map data /map?group=none on the wire | {results['full_wire_bytes']} B "
          f"({results['full_encoding'] or 'identity'}) | unpacked {results['full_json_bytes']} B |")
    print(f"| map data /map on the wire | {results['map_wire_bytes']} B ({results['map_encoding'] or 'identity'}) "
          f"| unpacked {results['map_json_bytes']} B |")


if __name__ == "__main__":
    main()
