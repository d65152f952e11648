"""Bulk import into the embedded store: graphsvc's validated, all-or-nothing import vs a raw floor.

The baseline, run in the same process on the same rows, is the fastest thing SQLite can do:
``executemany`` of pre-built tuples into the same tables in one transaction, with no validation,
no duplicate detection and no change counting. The ratio says what graphsvc's checks cost.

Usage: ``python -m bench.bench_import [--size S|M|L]`` (L: 50,000 actors, 300,000 initiatives).

``--streaming [--sizes S M L] [--batch-sizes 5000 500]``: the streaming import of a graphsvc/1 *file*
(``graphsvc import FILE.json``), each run in a fresh subprocess so that its peak RSS (``ru_maxrss``)
is its own: import into an empty store, then the same file again (a no-op), per size and batch size,
next to the raw floor of the same size. Flat peak memory across batch sizes (more batches) and
sizes is the claim; the table goes into bench/README.md ("Bulk import").
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import generate, to_graphsvc_json
from graphsvc.services import graph as services
from graphsvc.storage import open_store
from graphsvc.storage.sqlite.rows import (
    INSERT_PARTNER,
    UPSERT_ACTOR,
    UPSERT_INITIATIVE,
    actor_row,
    initiative_row,
    partner_rows,
)
from graphsvc.storage.sqlite.schema import SCHEMA_VERSION, migrate


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_floor(path: Path, actors, initiatives) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, SCHEMA_VERSION + 1):
        migrate(conn, version)
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(UPSERT_ACTOR, [actor_row(a) for a in actors])
    conn.executemany(UPSERT_INITIATIVE, [initiative_row(i) for i in initiatives])
    conn.executemany(INSERT_PARTNER, [row for i in initiatives for row in partner_rows(i)])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def _prepare(size: str, path: Path) -> None:
    """(subprocess) Write the size's graphsvc/1 file and time the raw floor on the same rows."""
    from bench.synthetic import write_json

    actors, initiatives = generate(size, seed=1)
    write_json(str(path), actors, initiatives)
    with tempfile.TemporaryDirectory() as tmp:
        floor = raw_floor(Path(tmp) / "floor.db", actors, initiatives)
    print(json.dumps({"actors": len(actors), "initiatives": len(initiatives), "floor": floor,
                      "bytes": path.stat().st_size}))


def _stream(path: Path, batch_size: int) -> None:
    """(subprocess) The streaming import of ``path`` into an empty store, then again; times and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'graphsvc.db'}")
        store.ensure_schema()
        rss_before = peak_rss_mb()  # the interpreter and graphsvc's imports
        started = time.perf_counter()
        first = services.import_document_file(store, path, batch_size=batch_size)
        ours = time.perf_counter() - started
        rss_first = peak_rss_mb()
        started = time.perf_counter()
        again = services.import_document_file(store, path, batch_size=batch_size)
        repeat = time.perf_counter() - started
        store.close()
    assert first.actors_created and again.actors_unchanged == first.actors_created
    assert again.initiatives_unchanged == first.initiatives_created
    print(json.dumps({"import": ours, "again": repeat, "rss_before": rss_before, "rss_first": rss_first,
                      "rss": peak_rss_mb()}))


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_import", *args], check=True, capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def streaming(sizes: list[str], batch_sizes: list[int]) -> None:
    print("| size | actors | initiatives | file | raw floor | batch | streaming import | ratio | "
          "same file again | peak RSS: before; import; + again |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"{size}.json"
            facts = _child("--prepare", size, str(path))
            for batch_size in batch_sizes:
                run = _child("--stream", str(path), "--batch", str(batch_size))
                print(f"| {size} | {facts['actors']:,} | {facts['initiatives']:,} | {facts['bytes'] / 1e6:.1f} MB "
                      f"| {facts['floor']:.2f} s | {batch_size:,} | {run['import']:.1f} s "
                      f"| {run['import'] / facts['floor']:.1f}× | {run['again']:.1f} s "
                      f"| {run['rss_before']:.0f}; {run['rss_first']:.0f}; {run['rss']:.0f} MB |", flush=True)
            path.unlink()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    parser.add_argument("--streaming", action="store_true", help="the streaming file import, per size and batch size")
    parser.add_argument("--sizes", nargs="+", choices=["S", "M", "L"], default=["S", "M", "L"])
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[5000, 500])
    parser.add_argument("--prepare", nargs=2, metavar=("SIZE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--stream", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--batch", type=int, default=5000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        return _prepare(args.prepare[0], Path(args.prepare[1]))
    if args.stream:
        return _stream(Path(args.stream), args.batch)
    if args.streaming:
        return streaming(args.sizes, args.batch_sizes)
    actors, initiatives = generate(args.size, seed=1)
    document = to_graphsvc_json(actors, initiatives)
    with tempfile.TemporaryDirectory() as tmp:
        floor = raw_floor(Path(tmp) / "floor.db", actors, initiatives)
        store = open_store(f"sqlite:///{Path(tmp) / 'graphsvc.db'}")
        store.ensure_schema()
        started = time.perf_counter()
        summary = services.import_document(store, document)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        again = services.import_document(store, document)
        repeat = time.perf_counter() - started
        store.close()
    print(f"size {args.size}: {len(actors):,} actors, {len(initiatives):,} initiatives")
    print(f"  raw executemany floor      {floor:8.2f} s")
    print(f"  graphsvc import (validated) {ours:8.2f} s   ratio {ours / floor:5.1f}x  "
          f"({summary.actors_created:,} + {summary.initiatives_created:,} created)")
    print(f"  same file again (no-op)     {repeat:8.2f} s   ratio {repeat / floor:5.1f}x  "
          f"({again.actors_unchanged:,} + {again.initiatives_unchanged:,} unchanged)")
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
