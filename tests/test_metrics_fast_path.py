"""The service's cold path: ``Store.network_rows()`` (plain columns, no domain objects) and
``_compact.from_rows`` give exactly what ``silo_report(*store.snapshot(), ...)`` gives.

``silo_metrics`` runs the report on the store's columns; these tests hold it to the pure-function
API on the demo seed and a synthetic S network, over dates, views, group attributes, weights and
the library tag, and hold the SQLite store's columns to the ones derived from ``snapshot()``
(the default every other store uses).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from bench.synthetic import generate
from graphsvc.analytics.compact import from_domain, from_rows
from graphsvc.analytics.report import silo_report, silo_report_from_rows
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.services.cache import ResultCache
from graphsvc.services.graph import import_document
from graphsvc.services.metrics import silo_metrics
from graphsvc.storage import open_store
from graphsvc.storage.base import NetworkRows, Store

SEED = Path(__file__).resolve().parents[1] / "seed" / "demo.json"
PILOT_TAG = "biblioteket-som-samskaper"


def _open(path) -> Store:
    store = open_store(f"sqlite:///{path}")
    store.ensure_schema()
    return store


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = _open(tmp_path_factory.mktemp("demo") / "demo.db")
    import_document(store, json.loads(SEED.read_text(encoding="utf-8")))
    yield store
    store.close()


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    store = _open(tmp_path_factory.mktemp("synthetic") / "s.db")
    actors, initiatives = generate("S", seed=3)
    store.import_graph(actors, initiatives)
    yield store
    store.close()


def _service(store, **params) -> dict:
    report = silo_metrics(store, cache=ResultCache(), **params)
    return {k: v for k, v in report.items() if k not in ("graph_version", "sample")}


DEMO_CASES = [
    {},
    {"at": date(2018, 6, 30)},
    {"at": date(2021, 3, 1), "view": "active"},
    {"at": date(2023, 12, 31), "group_by": "kind", "weighted": True},
    {"at": date(2024, 6, 30), "group_by": "municipality", "view": "active", "weighted": True},
    {"at": date(2025, 1, 1), "library_tag": PILOT_TAG},
    {"at": date(2016, 1, 1)},  # before the first initiative: registered actors only
    {"at": date(2010, 1, 1)},  # before everything: an empty network
]


@pytest.mark.parametrize("params", DEMO_CASES, ids=repr)
def test_service_on_demo_seed_equals_report_from_snapshot(demo_store, params):
    expected = silo_report(*demo_store.snapshot(), permutations=200, seed=5, **params)
    assert _service(demo_store, permutations=200, seed=5, **params) == expected


SYNTHETIC_CASES = [
    {"at": date(2024, 12, 31)},
    {"at": date(2019, 6, 30), "view": "active"},
    {"at": date(2017, 1, 1), "group_by": "municipality", "weighted": True},
    {"at": date(2022, 9, 30), "group_by": "kind", "view": "active", "weighted": True},
    {"exact_betweenness": True},
]


@pytest.mark.parametrize("params", SYNTHETIC_CASES, ids=repr)
def test_service_on_synthetic_s_equals_report_from_snapshot(synthetic_store, params):
    expected = silo_report(*synthetic_store.snapshot(), permutations=300, seed=1, betweenness_k=64, **params)
    assert _service(synthetic_store, permutations=300, seed=1, betweenness_k=64, **params) == expected


def test_sampled_betweenness_on_m_sized_rows_equals_domain_objects():
    """Above 1,000 actors betweenness is sampled: the node order must match for the same sample."""
    actors, initiatives = generate("S", seed=2, actors=1500, initiatives=3000)
    rows = NetworkRows.from_domain(actors, initiatives)
    params = {"at": date(2023, 1, 1), "permutations": 50, "betweenness_k": 40}
    report = silo_report_from_rows(rows, **params)
    assert report["betweenness"]["method"] == "sampled"
    assert report == silo_report(actors, initiatives, **params)


def _columns(rows: NetworkRows) -> dict:
    return {name: list(value) for name, value in vars(rows).items()}


@pytest.mark.parametrize("which", ["demo_store", "synthetic_store"])
def test_sqlite_rows_equal_the_default_from_snapshot(request, which):
    store = request.getfixturevalue(which)
    fast, default = store.network_rows(), Store.network_rows(store)
    # Partner rows come in no particular order: compare them as sorted pairs.
    def pairs(r):
        return sorted(zip(r.partner_initiative, r.partner_actor))

    assert pairs(fast) == pairs(default)
    skip = ("partner_initiative", "partner_actor")
    assert ({k: v for k, v in _columns(fast).items() if k not in skip}
            == {k: v for k, v in _columns(default).items() if k not in skip})


def _arrays(p):
    out = {"ids": p.ties.ids, "attrs": p.ties.attrs, "initiatives": len(p.initiatives),
           "names": p.names, "tags": [tuple(t) for t in p.tags]}
    for side, c in (("ties", p.ties), ("arcs", p.arcs)):
        out[side] = [x.tolist() for x in (c.u, c.v, c.weight, c.first)]
    out["members"] = sorted(zip(p.member_of.tolist(), p.members.tolist()))
    out["initiators"] = p.initiators.tolist()
    return out


@pytest.mark.parametrize("view", ["cumulative", "active"])
@pytest.mark.parametrize("at", [None, date(2015, 1, 1), date(2018, 6, 30), date(2024, 1, 1)])
def test_projection_from_rows_equals_from_domain(synthetic_store, at, view):
    actors, initiatives = synthetic_store.snapshot()
    assert _arrays(from_rows(synthetic_store.network_rows(), at=at, view=view)) == _arrays(
        from_domain(actors, initiatives, at=at, view=view))


def test_rows_in_any_order_and_edge_cases():
    """Unsorted input, an actor registered later, undated actors, repeated partners, no partners."""
    d = date
    actors = [Actor("z", "Z", "library", "Oslo", sector="bibliotek", registered=d(2020, 1, 1), tags=("T",)),
              Actor("a", "A", "association", "Oslo", registered=None),
              Actor("m", "M", "municipal_unit", "Oslo", sector="kultur", registered=d(2019, 1, 1)),
              Actor("late", "Late", "business", "Bergen", registered=d(2030, 1, 1))]
    initiatives = [Initiative("i2", "Two", d(2021, 5, 1), "z", "library",
                              (Partner("z", "lead"), Partner("a", "participant"), Partner("a", "co_creator"))),
                   Initiative("i1", "One", d(2019, 5, 1), "m", "outside",
                              (Partner("m", "lead"), Partner("z", "participant")), ended=d(2020, 1, 1)),
                   Initiative("i0", "Zero", d(2018, 1, 1), "m", "digital", ())]
    rows = NetworkRows.from_domain(actors, initiatives)
    assert list(rows.actor_ids) == ["a", "late", "m", "z"]
    for at in (None, d(2017, 1, 1), d(2019, 6, 1), d(2020, 6, 1), d(2022, 1, 1)):
        for view in ("cumulative", "active"):
            for params in ({}, {"weighted": True, "group_by": "kind"}, {"library_tag": "t"}):
                assert silo_report_from_rows(rows, at=at, view=view, permutations=20, **params) == silo_report(
                    actors, initiatives, at=at, view=view, permutations=20, **params), (at, view, params)
    with pytest.raises(ValueError, match="unknown actors"):
        NetworkRows.from_domain(actors[:1], initiatives)


def test_empty_store_through_the_service(tmp_path):
    store = _open(tmp_path / "empty.db")
    try:
        rows = store.network_rows()
        assert len(rows.actor_ids) == len(rows.partner_actor) == 0
        assert _service(store, permutations=10) == silo_report([], [], permutations=10)
    finally:
        store.close()


def test_network_rows_are_cached_per_graph_version(synthetic_store, monkeypatch):
    from graphsvc.services import graph as services

    cache = ResultCache()
    calls = []
    real = synthetic_store.network_rows
    monkeypatch.setattr(synthetic_store, "network_rows", lambda: calls.append(1) or real())
    first = services.network_rows(synthetic_store, cache)
    assert services.network_rows(synthetic_store, cache) is first and len(calls) == 1
    assert isinstance(np.asarray(first.partner_actor), np.ndarray)
