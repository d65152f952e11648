"""Benchmark: the E-I permutation test with and without the group-level p-values (issue 14).

    .venv/bin/python -m bench.bench_permutations S M L

The same shuffles serve both; the group p-values add one bincount over the actors and one over the
ties inside a group per permutation. CPU seconds of this process, best of three, 500 permutations.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.synthetic import generate
from graphsvc.analytics import silo
from graphsvc.analytics.compact import from_domain


def seconds(ties, codes, labels, network: float, observed: list | None) -> float:
    """CPU seconds of one run of 500 permutations (with the group p-values when ``observed`` is given)."""
    start = time.process_time()
    silo._permutation_ei(codes, ties, ties.weights(False), 500, 0, network, k=len(labels), group_observed=observed)
    return time.process_time() - start


def main(sizes: list[str]) -> None:
    for size in sizes:
        actors, initiatives = generate(size)
        ties = from_domain(actors, initiatives).ties
        codes, labels = ties.groups("sector", "kind")
        r = silo.ei_from_compact(ties, codes, labels, weighted=False, convention="ties", permutations=0, seed=0)
        observed = [r["groups"][label] for label in labels]
        seconds(ties, codes, labels, r["network"], None)  # warm up
        network_only = min(seconds(ties, codes, labels, r["network"], None) for _ in range(3))
        with_groups = min(seconds(ties, codes, labels, r["network"], observed) for _ in range(3))
        print(f"{size}: {ties.n} actors, {ties.m} ties: network only {network_only:.2f} s, "
              f"with group p-values {with_groups:.2f} s (×{with_groups / network_only:.2f})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["S", "M"])
