"""Screenshots of the map views, for a person to look at (1366×768, Debian chromium).

The demo network (``seed/demo.json``): the overview, a municipality (Drammen), a sector (kultur),
a focus (Drammen bibliotek); the M network (``bench_map``'s store): the aggregated first view and
all 5,000 actors. Each view is saved twice: the first screen as a user sees it, and the map canvas
alone.

Usage: ``python -m bench.map_screens OUTDIR [--no-m]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.bench_map import ARGS, CHROMIUM, GRAPHSVC, ROOT, STORES, VIEWPORT, build_store, free_port, request

DEMO_VIEWS = [("demo-overview", "/map"), ("demo-drammen", "/map?municipality=Drammen"),
              ("demo-kultur", "/map?sector=kultur"), ("demo-drammen-kultur", "/map?municipality=Drammen&sector=kultur"),
              ("demo-focus", "/map?focus=drammen-bibliotek"),
              ("demo-by-sector", "/map?group=sector"), ("demo-by-municipality", "/map?group=municipality"),
              ("demo-colour-community", "/map?colour=community")]
M_VIEWS = [("M-aggregated", "/map"), ("M-full", "/map?group=none"), ("M-by-sector", "/map?group=sector")]


def serve(url: str, instance: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE_URL": url, "GRAPHSVC_WORKERS": "1", "GRAPHSVC_PUBLIC_READ": "1",
           "GRAPHSVC_INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([*GRAPHSVC, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(600):
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    return server, port


def shoot(browser, base: str, views, out: Path) -> None:
    for name, path in views:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(base + path, timeout=300_000)
        with contextlib.suppress(Exception):  # a picture of a broken page is still worth looking at
            page.wait_for_selector("#map-canvas[data-ready=true]", timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / f"{name}.png"))
        canvas = page.locator("#map-canvas")
        if canvas.count():
            canvas.screenshot(path=str(out / f"{name}-canvas.png"))
        context.close()
        print(out / f"{name}.png")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--no-m", action="store_true", help="only the demo network")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    demo_dir = Path(tempfile.mkdtemp(prefix="map-screens-"))
    demo_url = f"sqlite:///{demo_dir / 'demo.db'}"
    os.environ["PYTHONPATH"] = str(ROOT)
    subprocess.run([*GRAPHSVC, "--store", demo_url, "seed"], check=True, cwd=ROOT, capture_output=True)
    servers = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            server, port = serve(demo_url, demo_dir)
            servers.append(server)
            shoot(browser, f"http://127.0.0.1:{port}", DEMO_VIEWS, args.out)
            if not args.no_m:
                m_url, _ = build_store("M")
                server, port = serve(m_url, STORES / "instance-map-M")
                servers.append(server)
                shoot(browser, f"http://127.0.0.1:{port}", M_VIEWS, args.out)
            browser.close()
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
