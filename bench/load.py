"""A bounded load test against a real server on 127.0.0.1: requests per second and p50/p99 latency.

It builds (once, then reuses) a SQLite store holding the synthetic M network (5,000 actors,
20,000 initiatives; bench/synthetic.py), starts ``graphsvc serve`` with several gunicorn workers
on a free loopback port, makes an editor token, and measures each endpoint twice:

* **cold**: right after a write, so every worker's cache of derived results is invalid;
* **warm**: the same requests again, answered from the per-process cache.

Every phase is bounded by a request count and a time limit, and only 127.0.0.1 is contacted.

Usage: ``python -m bench.load [--size S|M] [--workers 2] [--concurrency 8] [--requests 200]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORES = ROOT / "bench" / ".stores"
GRAPHSVC = [sys.executable, "-m", "graphsvc.cli"]

READS = [
    ("network", "/api/v1/network"),
    ("map data", "/api/v1/map"),
    ("metrics", "/api/v1/metrics/silo?permutations=100"),
    ("growth", "/api/v1/growth?freq=year"),
    ("actors page 1", "/api/v1/actors?limit=50"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(size: str) -> str:
    """A SQLite file with the synthetic network and an editor; made once per size."""
    STORES.mkdir(parents=True, exist_ok=True)
    path = STORES / f"load-{size}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        from bench.synthetic import generate, write_json

        document = STORES / f"load-{size}.json"
        write_json(str(document), *generate(size, seed=7))
        subprocess.run([*GRAPHSVC, "--store", url, "import", str(document)], check=True, cwd=ROOT)
        subprocess.run([*GRAPHSVC, "--store", url, "users", "add", "bench", "--role", "editor"],
                       input="bench-password-123\nbench-password-123\n", text=True, check=True, cwd=ROOT)
    token = subprocess.run([*GRAPHSVC, "--store", url, "tokens", "create", "bench"], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout.strip().splitlines()[-1]
    return url, token


class Client:
    """One keep-alive connection per thread."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, elapsed


def run_phase(client: Client, method: str, path: str, *, requests: int, concurrency: int, seconds: float,
              body_for=None) -> dict:
    deadline = time.monotonic() + seconds
    latencies, statuses = [], {}

    def one(n: int):
        if time.monotonic() > deadline:
            return None
        return client.request(method, path, body_for(n) if body_for else None)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for result in pool.map(one, range(requests)):
            if result is None:
                continue
            status, elapsed = result
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(elapsed)
    wall = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / wall if wall else 0.0,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else None,
            "statuses": statuses}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["S", "M"], default="M")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit of each phase")
    args = parser.parse_args(argv)

    url, token = build_store(args.size)
    port = free_port()
    env = {**os.environ, "GRAPHSVC_STORE_URL": url, "GRAPHSVC_WORKERS": str(args.workers)}
    server = subprocess.Popen([*GRAPHSVC, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    client = Client(port, token)
    try:
        for _ in range(300):
            try:
                if client.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        rows = []
        counter = iter(range(10**9))

        def new_actor(_):
            return {"name": f"Lastprøve-lag {os.getpid()}-{next(counter)}-{time.time_ns()}",
                    "kind": "association", "municipality": "Kommune 001"}

        for name, path in READS:
            client.request("POST", "/api/v1/actors", new_actor(0))  # a write: every cache is cold again
            cold = run_phase(client, "GET", path, requests=args.workers * 2, concurrency=args.workers,
                             seconds=args.seconds)
            warm = run_phase(client, "GET", path, requests=args.requests, concurrency=args.concurrency,
                             seconds=args.seconds)
            rows += [(name, "cold", cold), (name, "warm", warm)]
        writes = run_phase(client, "POST", "/api/v1/actors", requests=args.requests // 2,
                           concurrency=args.concurrency, seconds=args.seconds, body_for=new_actor)
        rows.append(("create actor", "write", writes))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"size {args.size}, {args.workers} workers, {args.concurrency} concurrent clients, 127.0.0.1:{port}")
    print(f"{'endpoint':16} {'cache':6} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for name, phase, r in rows:
        p50 = f"{r['p50_ms']:8.1f}" if r["p50_ms"] is not None else "       -"
        p99 = f"{r['p99_ms']:8.1f}" if r["p99_ms"] is not None else "       -"
        print(f"{name:16} {phase:6} {r['requests']:8d} {r['rps']:8.1f} {p50} {p99}  {r['statuses']}")


if __name__ == "__main__":
    main()
