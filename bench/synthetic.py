"""Seeded synthetic co-creation networks for benchmarks and tests (sizes S, M, L of issue 3).

Realistic skew, tuned to what the 2024 follow-up report describes:

* actors live in municipalities; each has one main library (a hub) and some branches;
* activity is heavy-tailed (Pareto weights), libraries are the busiest initiators;
* partners are mostly chosen in the initiator's own sector ("sectors mostly inward"), so
  20–35 % of ties cross groups (sector, externals grouped by kind);
* start dates grow over 2014–2024; about 40 % of initiatives are still running.

Usage: ``python bench/synthetic.py M out.json`` writes a ``graphsvc/1`` document.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import sys
from datetime import date, timedelta

from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.model.vocab import CATEGORIES, DEFAULT_SECTORS, LOCATIONS

#: name: (actors, initiatives, municipalities, inward) — ``inward`` tuned to 20–35 % cross-group ties
SIZES = {"S": (300, 1_000, 6, 0.97), "M": (5_000, 20_000, 80, 0.96), "L": (50_000, 300_000, 356, 0.93)}

_KIND_SHARES = (("municipal_unit", 0.36), ("association", 0.33), ("citizen_group", 0.14),
                ("business", 0.08), ("other_public", 0.04), ("library", 0.05))
_SECTORS = [s for s in DEFAULT_SECTORS if s != "bibliotek"]
_START, _END = date(2014, 1, 1), date(2024, 12, 31)


def _group(actor: Actor) -> str:
    return actor.sector or f"({actor.kind})"


def generate(size: str = "S", *, seed: int = 0, actors: int | None = None, initiatives: int | None = None,
             municipalities: int | None = None, inward: float | None = None) -> tuple[list[Actor], list[Initiative]]:
    """Actors and initiatives of a synthetic network; same seed, same network.

    ``inward`` is the probability that a partner is drawn from the initiator's own group
    (before the draw falls back to the municipality); the size's default gives 20–35 %
    cross-group ties (sector; externals grouped by kind).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    n_act, n_ini, n_mun, default_inward = SIZES[size]
    n_act, n_ini, n_mun = actors or n_act, initiatives or n_ini, municipalities or n_mun
    inward = default_inward if inward is None else inward
    rng = random.Random(seed)
    names = [f"Kommune {i:03d}" for i in range(n_mun)]
    numbers = [f"{3000 + i:04d}" for i in range(n_mun)]
    mun_weights = [rng.paretovariate(1.2) for _ in range(n_mun)]
    mun_cum = list(itertools.accumulate(mun_weights))
    kinds, kind_cum = zip(*_KIND_SHARES)
    kind_cum = list(itertools.accumulate(kind_cum))

    actor_list: list[Actor] = []
    activity: list[float] = []
    # Every municipality gets its main library first: the hubs.
    for m in range(min(n_mun, n_act)):
        actor_list.append(Actor(f"bibliotek-{m:03d}", f"{names[m]} bibliotek", "library", names[m],
                                sector="bibliotek", municipality_number=numbers[m]))
        activity.append(rng.paretovariate(1.1) * 40)
    while len(actor_list) < n_act:
        i = len(actor_list)
        m = bisect.bisect(mun_cum, rng.random() * mun_cum[-1])
        kind = kinds[min(bisect.bisect(kind_cum, rng.random() * kind_cum[-1]), len(kinds) - 1)]
        sector = "bibliotek" if kind == "library" else rng.choice(_SECTORS) if kind == "municipal_unit" else None
        registered = None if rng.random() < 0.7 else _START + timedelta(days=rng.randrange((_END - _START).days))
        actor_list.append(Actor(f"{kind.replace('_', '-')}-{i:06d}", f"{kind} {i}", kind, names[m], sector=sector,
                                municipality_number=numbers[m], registered=registered))
        activity.append(rng.paretovariate(1.6) * (8 if kind == "library" else 1))

    # Lookup tables: by municipality, and by (municipality, group), with cumulative weights.
    def table(keyfunc):
        groups: dict = {}
        for idx, a in enumerate(actor_list):
            groups.setdefault(keyfunc(a), []).append(idx)
        return {key: (idx, list(itertools.accumulate(activity[j] for j in idx))) for key, idx in groups.items()}

    by_mun = table(lambda a: a.municipality)
    by_mun_group = table(lambda a: (a.municipality, _group(a)))
    everyone = (list(range(len(actor_list))), list(itertools.accumulate(activity)))

    def draw(pool):
        idx, cum = pool
        return idx[min(bisect.bisect(cum, rng.random() * cum[-1]), len(idx) - 1)]

    span = (_END - _START).days
    initiative_list: list[Initiative] = []
    for n in range(n_ini):
        initiator = draw(everyone)
        a = actor_list[initiator]
        k = 1 + min(int(rng.expovariate(0.9)), 6)  # partners besides the initiator: mostly 1–2
        chosen = {initiator}
        for _ in range(k * 3):
            if len(chosen) > k:
                break
            r = rng.random()
            if r < inward:
                pool = by_mun_group[(a.municipality, _group(a))]
            elif r < 0.96:
                pool = by_mun[a.municipality]
            else:
                pool = everyone
            chosen.add(draw(pool))
        while len(chosen) < 2:
            chosen.add(draw(everyone))
        started = _START + timedelta(days=int(span * rng.random() ** 0.6))
        ended = None if rng.random() < 0.4 else started + timedelta(days=rng.randrange(1, 730))
        partners = tuple(Partner(actor_list[j].id, "lead" if j == initiator else rng.choice(
            ("co_creator", "facilitator", "participant"))) for j in sorted(chosen))
        initiative_list.append(Initiative(f"i-{n:07d}", f"Initiative {n}", started, a.id, rng.choice(LOCATIONS),
                                          partners, category=rng.choice(CATEGORIES), ended=ended))
    return actor_list, initiative_list


def to_graphsvc_json(actors: list[Actor], initiatives: list[Initiative]) -> dict:
    """The ``graphsvc/1`` interchange document (domain.md)."""
    def actor(a: Actor) -> dict:
        out = {"id": a.id, "name": a.name, "kind": a.kind, "municipality": a.municipality}
        for key in ("sector", "municipality_number", "org_number", "service_model"):
            if getattr(a, key) is not None:
                out[key] = getattr(a, key)
        if a.registered:
            out["registered"] = a.registered.isoformat()
        if a.tags:
            out["tags"] = list(a.tags)
        return out

    def initiative(i: Initiative) -> dict:
        return {"id": i.id, "title": i.title, "category": i.category, "started": i.started.isoformat(),
                "ended": i.ended.isoformat() if i.ended else None, "initiator": i.initiator,
                "location": i.location, "partners": [{"actor": p.actor, "role": p.role} for p in i.partners]}

    return {"format": "graphsvc/1", "actors": [actor(a) for a in actors],
            "initiatives": [initiative(i) for i in initiatives]}


def write_json(path: str, actors: list[Actor], initiatives: list[Initiative]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(to_graphsvc_json(actors, initiatives), fh, ensure_ascii=False)


if __name__ == "__main__":
    size = sys.argv[1] if len(sys.argv) > 1 else "S"
    out = sys.argv[2] if len(sys.argv) > 2 else f"synthetic-{size}.json"
    act, ini = generate(size)
    write_json(out, act, ini)
    print(f"{out}: {len(act)} actors, {len(ini)} initiatives")
