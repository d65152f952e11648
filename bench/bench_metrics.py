"""Benchmark: the silo report on synthetic networks next to a plain-networkx baseline.

    .venv/bin/python bench/bench_metrics.py            # S and M
    .venv/bin/python bench/bench_metrics.py --large    # also L (the baseline takes minutes)
    .venv/bin/python bench/bench_metrics.py --sizes M --no-baseline
    .venv/bin/python bench/bench_metrics.py --service --sizes M L   # cold/warm through the service

Times are CPU seconds of this process (``time.process_time``) and wall seconds; on a shared
2-core machine the CPU time is the stable number. "report" starts from domain objects (the
store's read is not included) and includes the projection. ``--service`` loads each size into a
SQLite store (kept in ``bench/out/stores/``, reused while the generator's output is the same) and
times :func:`graphsvc.services.metrics.silo_metrics` with the API's defaults: *cold* (empty cache:
the store read — ``network_rows()``, plain columns —, the report) and *warm* (the same call again,
served from the cache). "read" is ``network_rows()`` alone; "snapshot" is the domain-object read
the service used before (``store.snapshot()``), for comparison.

"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import networkx as nx

from bench.synthetic import SIZES, generate
from graphsvc.analytics.cocreation import cocreation
from graphsvc.analytics.growth import growth_series
from graphsvc.analytics.network import co_creation_graph, invitation_graph
from graphsvc.analytics.report import silo_report


class Timer:
    def __init__(self):
        self.cpu = self.wall = 0.0

    def __enter__(self):
        self._c, self._w = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu = time.process_time() - self._c
        self.wall = time.perf_counter() - self._w


def baseline(actors, initiatives, *, permutations: int, k: int, seed: int = 0) -> dict:
    """The same suite written the plain way: networkx functions and Python loops."""
    G = co_creation_graph(actors, initiatives)
    D = invitation_graph(actors, initiatives)
    for H in (G, D):
        for _, data in H.nodes(data=True):
            data["group"] = data["sector"] or f"({data['kind']})"
    group = nx.get_node_attributes(G, "group")
    nx.attribute_mixing_matrix(G, "group")

    def ei(labels):
        e = sum(1 for u, v in G.edges if labels[u] != labels[v])
        return (2 * e - G.number_of_edges()) / G.number_of_edges()

    observed = ei(group)
    rng = random.Random(seed)
    nodes, labels = list(group), list(group.values())
    below = 0
    for _ in range(permutations):
        rng.shuffle(labels)
        below += ei(dict(zip(nodes, labels))) <= observed
    nx.attribute_assortativity_coefficient(G, "group")
    for n in G:  # actor E-I and Blau
        counts = {}
        for m in G[n]:
            counts[group[m]] = counts.get(group[m], 0) + 1
    nx.betweenness_centrality(G, k=k if k < len(G) else None, seed=seed)
    nx.constraint(G)
    nx.effective_size(G)  # binary ties: networkx's default path is right here
    roles = {}
    for b in D:  # Gould–Fernandez by enumeration
        gb = group[b]
        for a in D.predecessors(b):
            ga = group[a]
            for c in D.successors(b):
                if a != c and not D.has_edge(a, c):
                    gc = group[c]
                    role = ("coordinator" if ga == gb == gc else "itinerant" if ga == gc else
                            "gatekeeper" if gb == gc else "representative" if ga == gb else "liaison")
                    roles[b, role] = roles.get((b, role), 0) + 1
    parts = nx.community.louvain_communities(G, seed=seed, weight=None)
    nx.community.modularity(G, parts, weight=None)
    by_group = {}
    for n, g in group.items():
        by_group.setdefault(g, set()).add(n)
    nx.community.modularity(G, list(by_group.values()), weight=None)
    cocreation(actors, initiatives)
    return {"p": below / max(permutations, 1)}


def service_bench(sizes, *, runs: int = 3) -> None:
    """Cold (store read + report) and warm (cached) through the service on a SQLite store."""
    from graphsvc.services.cache import ResultCache
    from graphsvc.services.metrics import DEFAULT_PERMUTATIONS, silo_metrics
    from graphsvc.storage import open_store

    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "stores")
    os.makedirs(folder, exist_ok=True)
    print(f"service, API defaults ({DEFAULT_PERMUTATIONS} permutations, k = 256); best of {runs} cold runs")
    print(f"{'size':4} {'actors':>7} {'inits':>7} | {'read cpu':>8} {'wall':>6} | {'cold cpu':>8} {'wall':>6} | "
          f"{'warm ms':>7} | {'snapshot cpu':>12}")
    for size in sizes:
        actors, initiatives = generate(size, seed=0)
        sizes_line = f"{size:4} {len(actors):7d} {len(initiatives):7d}"
        store = open_store(f"sqlite:///{os.path.join(folder, size + '.db')}")
        store.ensure_schema()
        if store.snapshot()[1][:1] != initiatives[:1] or len(store.snapshot()[1]) != len(initiatives):
            store.clear()
            store.import_graph(actors, initiatives)
        del actors, initiatives
        silo_metrics(store, cache=ResultCache(), permutations=1)  # warm imports and the page cache
        best_read = best_cold = best_snapshot = None
        for _ in range(runs):
            with Timer() as t_snapshot:
                store.snapshot()
            with Timer() as t_read:
                store.network_rows()
            cache = ResultCache()
            with Timer() as t_cold:
                silo_metrics(store, cache=cache)
            with Timer() as t_warm:
                silo_metrics(store, cache=cache)
            best_read = t_read if best_read is None or t_read.cpu < best_read.cpu else best_read
            best_cold = t_cold if best_cold is None or t_cold.cpu < best_cold.cpu else best_cold
            best_snapshot = t_snapshot if best_snapshot is None or t_snapshot.cpu < best_snapshot.cpu else best_snapshot
        print(f"{sizes_line} | {best_read.cpu:8.3f} {best_read.wall:6.2f} | {best_cold.cpu:8.3f} "
              f"{best_cold.wall:6.2f} | {t_warm.wall * 1000:7.2f} | {best_snapshot.cpu:12.3f}", flush=True)
        store.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=None, choices=list(SIZES))
    parser.add_argument("--large", action="store_true", help="include L (50,000 actors / 300,000 initiatives)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--permutations", type=int, default=1000)
    parser.add_argument("--baseline-permutations", type=int, default=100,
                        help="permutations in the pure-Python baseline (it spends ~0.1 s per 100 on S)")
    parser.add_argument("--k", type=int, default=256, help="betweenness sample size")
    parser.add_argument("--service", action="store_true",
                        help="time the service (SQLite store read + report, then cached) instead")
    parser.add_argument("--runs", type=int, default=3, help="cold runs per size with --service (best is shown)")
    args = parser.parse_args(argv)
    sizes = args.sizes or (["S", "M", "L"] if args.large else ["S", "M"])
    if args.service:
        service_bench(sizes, runs=args.runs)
        return

    print(f"{'size':4} {'actors':>7} {'inits':>7} {'ties':>8} | {'report cpu':>10} {'wall':>6} | "
          f"{'growth(q) cpu':>13} | {'networkx cpu':>12} {'wall':>7} | {'ratio cpu':>9}")
    for size in sizes:
        actors, initiatives = generate(size, seed=0)
        silo_report(actors[:50], [], permutations=1)  # warm imports only
        with Timer() as t_report:
            r = silo_report(actors, initiatives, at=date(2024, 12, 31), permutations=args.permutations,
                            betweenness_k=args.k)
        with Timer() as t_growth:
            growth_series(actors, initiatives, freq="quarter")
        line = (f"{size:4} {len(actors):7d} {len(initiatives):7d} {r['counts']['ties']:8d} | "
                f"{t_report.cpu:10.3f} {t_report.wall:6.2f} | {t_growth.cpu:13.3f} | ")
        if args.no_baseline:
            print(line + "-")
            continue
        with Timer() as t_base:
            baseline(actors, initiatives, permutations=args.baseline_permutations, k=args.k)
        print(line + f"{t_base.cpu:12.2f} {t_base.wall:7.2f} | {t_base.cpu / t_report.cpu:8.1f}×", flush=True)
        print(f"     betweenness: {r['betweenness']['method']}, cross-group ties "
              f"{r['ei_index']['external'] / max(r['counts']['ties'], 1):.0%}, E-I {r['ei_index']['network']:.3f}, "
              f"p {r['ei_index']['p_value']}, Louvain Q {r['communities']['modularity']:.3f}, "
              f"group Q {r['communities']['group_modularity']:.3f}")


if __name__ == "__main__":
    main()
