"""Bulk import into the embedded store: graphsvc's validated, all-or-nothing import vs a raw floor.

The baseline, run in the same process on the same rows, is the fastest thing SQLite can do:
``executemany`` of pre-built tuples into the same tables in one transaction, with no validation,
no duplicate detection and no change counting. The ratio says what graphsvc's checks cost.

Usage: ``python -m bench.bench_import [--size S|M|L]`` (L: 50,000 actors, 300,000 initiatives).
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.synthetic import generate, to_graphsvc_json
from graphsvc.domain import services
from graphsvc.storage import open_store
from graphsvc.storage.sqlite import INSERT_PARTNER, MIGRATIONS, UPSERT_ACTOR, UPSERT_INITIATIVE, _actor_row, \
    _initiative_row, _partner_rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_floor(path: Path, actors, initiatives) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[1].split(";"):
        if statement.strip():
            conn.execute(statement)
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(UPSERT_ACTOR, [_actor_row(a) for a in actors])
    conn.executemany(UPSERT_INITIATIVE, [_initiative_row(i) for i in initiatives])
    conn.executemany(INSERT_PARTNER, [row for i in initiatives for row in _partner_rows(i)])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["S", "M", "L"], default="M")
    args = parser.parse_args(argv)
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
