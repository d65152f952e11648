"""Maps, growth and actor profiles: what the /map, /growth and /actors pages and their API twins show.

Each function takes the store and the app's cache; the expensive part (projection, metrics, each
view's layout) is computed once per graph version and kept in the cache, so a map, its table,
its pictures and its animation all read the same view. Layouts are also kept in files shared by
the server's processes (``services.layouts``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

import numpy as np

from graphsvc.analytics import growth as growth_series
from graphsvc.analytics.compact import group_codes
from graphsvc.analytics.mapview import (
    ALWAYS,
    EPOCH,
    NEVER,
    LayoutMemo,
    MapBase,
    MapFilter,
    MapView,
    map_base,
    map_view,
    no_memo,
)
from graphsvc.analytics.palette import sector_colours
from graphsvc.analytics.report import silo_report
from graphsvc.model.entities import Actor, Initiative
from graphsvc.services.cache import ResultCache
from graphsvc.services.graph import snapshot
from graphsvc.storage.base import Store


def cached(store: Store, cache: ResultCache, name: str, params: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per graph version, name and parameters."""
    return cache.get_or_compute(store.graph_version(), name, params, compute)


def map_report(store: Store, cache: ResultCache) -> dict:
    """The silo report the map sizes its nodes by (no permutation test: the map needs no p-values)."""

    def compute():
        actors, initiatives = snapshot(store, cache)
        return silo_report(actors, initiatives, permutations=0)

    return cached(store, cache, "map-report", (), compute)


def sector_palette(store: Store, cache: ResultCache) -> dict[str, str]:
    """Colour per sector group of the whole network: the one mapping the map, its exports, the growth
    charts and the metrics page all use (``analytics.palette.sector_colours`` on every actor's group)."""

    def compute():
        actors, _ = snapshot(store, cache)
        _, labels = group_codes([a.sector for a in actors], [a.kind for a in actors], "kind")
        return sector_colours(labels)

    return cached(store, cache, "sector-palette", (), compute)


def current_base(store: Store, cache: ResultCache) -> MapBase:
    """The whole network's arrays, metrics and colourings, once per graph version (no layout: views have their own)."""

    def compute():
        actors, initiatives = snapshot(store, cache)
        return map_base(actors, initiatives, metrics=map_report(store, cache)["actors"])

    return cached(store, cache, "map-base", (), compute)


def current_view(store: Store, cache: ResultCache, flt: MapFilter, *,
                 layouts: LayoutMemo = no_memo) -> tuple[MapBase, MapView]:
    """The base and the view of it that ``flt`` asks for, laid out for that view.

    ``layouts`` keeps layouts across processes (``services.layouts.LayoutFiles`` in the
    instance folder): one layout per graph version and view for the whole server.
    """
    base = current_base(store, cache)
    return base, cached(store, cache, "map-view", flt, lambda: map_view(base, flt, memo=layouts))


def period_label(end: date, freq: str) -> str:
    """``2024``, ``2024-Q3`` or ``2024-07``: how a period is named on the slider and in the series."""
    if freq == "year":
        return f"{end.year}"
    if freq == "quarter":
        return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    return f"{end.year}-{end.month:02d}"


def growth(store: Store, cache: ResultCache, freq: str, view: str) -> dict:
    """The growth series (``/api/v1/growth``): one point per period, with the groups and libraries named."""

    def compute():
        actors, initiatives = snapshot(store, cache)
        series = growth_series.growth_series(actors, initiatives, freq=freq, view=view)
        groups = sorted({g for p in series for g in p["ei_by_sector"]}, key=lambda g: (g.startswith("("), g))
        names = {a.id: a.name for a in actors if a.kind == "library"}
        for p in series:
            p["period"] = period_label(date.fromisoformat(p["period_end"]), freq)
        return {"freq": freq, "view": view, "groups": groups, "libraries": names,
                "periods": [{"period": p["period"], **{k: v for k, v in p.items() if k != "period"}}
                            for p in series]}

    return cached(store, cache, "growth", (freq, view), compute)


def slider_periods(view: MapView, freq: str) -> list[dict]:
    """The period ends the slider steps through, from the first date the map shows to the last.

    Each period carries its end as an ISO date and as days since 1970-01-01 (the page's form).
    """
    base = view.base
    since = base.since[view.actor_index]
    dates = np.concatenate([since[(since != ALWAYS) & (since != NEVER)], view.tie_since, view.tie_last])
    dates = dates[(dates != ALWAYS) & (dates != NEVER)]
    if len(dates) == 0:
        return []
    first, last = date.fromordinal(int(dates.min())), date.fromordinal(int(dates.max()))
    ends = growth_series.period_ends(first, last, freq)
    return [{"label": period_label(d, freq), "end": d.isoformat(), "day": d.toordinal() - EPOCH} for d in ends]


def _partners_of(actor_id: str, mine: list[Initiative], names: dict[str, str]) -> list[dict]:
    partners: dict[str, dict] = {}
    for i in mine:
        for other in i.actor_ids:
            if other != actor_id:
                p = partners.setdefault(other, {"id": other, "name": names.get(other, other), "initiatives": 0,
                                                "first": i.started.isoformat()})
                p["initiatives"] += 1
    return sorted(partners.values(), key=lambda p: (-p["initiatives"], p["name"].casefold()))


def actor_profile(store: Store, cache: ResultCache, actor_id: str) -> dict:
    """One actor with its measures, partners and initiatives (``/actors/<id>`` and its JSON twin)."""
    actor: Actor = store.get_actor(actor_id)
    actors, initiatives = snapshot(store, cache)
    names = {a.id: a.name for a in actors}
    mine = sorted((i for i in initiatives if actor_id in i.actor_ids), key=lambda i: (i.started, i.id))
    metrics = map_report(store, cache)["actors"].get(actor_id, {})
    return {
        "actor": {"id": actor.id, "name": actor.name, "kind": actor.kind, "sector": actor.sector,
                  "municipality": actor.municipality,
                  "registered": actor.registered.isoformat() if actor.registered else None},
        "metrics": {k: metrics.get(k) for k in ("degree", "strength", "betweenness", "ei_index", "constraint",
                                                "effective_size", "brokerage")},
        "partners": _partners_of(actor_id, mine, names),
        "initiatives": [{"id": i.id, "title": i.title, "category": i.category, "started": i.started.isoformat(),
                         "ended": i.ended.isoformat() if i.ended else None,
                         "initiated": i.initiator == actor_id,
                         "role": next(p.role for p in i.partners if p.actor == actor_id)} for i in mine],
    }
