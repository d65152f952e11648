"""What a network map shows: filtered actors and ties with stable positions, dates and metrics.

:func:`map_base` does the expensive work once per graph version (projection, layout, metrics);
:func:`map_view` applies a user's filters to it with numpy masks (milliseconds on 5,000 actors)
and returns a :class:`MapView` that the JSON API, the table twin, the standalone HTML and the
pictures all read. Big views are aggregated by municipality or sector (``AGGREGATE_ABOVE``).

Dates in the output are ISO strings (they sort as text in the browser). A node's ``since`` is
when it joins the cumulative network (its registration or first initiative, whichever is
first; ``None`` = always); a tie's ``spans`` are the merged [start, end] intervals of its
initiatives (``end`` ``None`` = still running), which the active view needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from graphsvc.analytics.compact import actor_lookup, check_choice, group_codes
from graphsvc.analytics.layout import centroids, fruchterman_reingold
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, normalise_key
from graphsvc.model.errors import NotFound

#: Above this many actors a map starts aggregated (``group="auto"``).
AGGREGATE_ABOVE = 2000
GROUPINGS = ("auto", "none", "municipality", "sector")
METRICS = ("degree", "strength", "betweenness", "brokerage")
NEVER = date.max.toordinal()
ALWAYS = 0  # before every real date (date.min is ordinal 1)

#: Paul Tol's "muted" palette (colour-blind safe): one colour per default sector.
PALETTE = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
EXTERNAL_COLOUR = "#DDDDDD"
KIND_SHAPES = {"library": "star", "municipal_unit": "dot", "other_public": "hexagon", "association": "square",
               "citizen_group": "triangle", "business": "diamond"}


def _iso(ordinal: int) -> str | None:
    return None if ordinal in (ALWAYS, NEVER) else date.fromordinal(int(ordinal)).isoformat()


@dataclass
class MapBase:
    """The whole graph, laid out once: arrays per actor and per (pair, initiative) record."""

    ids: list
    names: list
    kinds: list
    sectors: list
    municipalities: list
    group: np.ndarray
    group_labels: list
    xy: np.ndarray
    registered: np.ndarray
    since: np.ndarray
    metrics: dict
    rec_u: np.ndarray
    rec_v: np.ndarray
    rec_k: np.ndarray
    ini_ids: list
    ini_titles: list
    ini_categories: list
    ini_start: np.ndarray
    ini_end: np.ndarray
    index: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    def colour(self, label: str) -> str:
        """Sector colour: the palette by the sector's place in the sorted list; externals grey."""
        real = [g for g in self.group_labels if not g.startswith("(")]
        if label in real:
            return PALETTE[real.index(label) % len(PALETTE)]
        return EXTERNAL_COLOUR

    def choices(self) -> dict:
        """Distinct values for the filter form."""
        return {"municipalities": sorted(set(self.municipalities), key=str.casefold),
                "sectors": list(self.group_labels),
                "kinds": sorted(set(self.kinds)),
                "categories": sorted({c for c in self.ini_categories if c}, key=str.casefold)}


def map_base(actors: Iterable[Actor] | Mapping[str, Actor], initiatives: Iterable[Initiative], *,
             metrics: Mapping[str, Mapping] | None = None, seed: int = 0) -> MapBase:
    """Project, lay out and attach metrics. ``metrics`` is the ``actors`` part of the silo report
    (``{id: {degree, strength, betweenness, brokerage: {role: n}}}``); missing values become 0."""
    by_id = actor_lookup(actors)
    initiatives = sorted(initiatives, key=lambda i: (i.started, i.id))
    ids = sorted(by_id)
    index = {a: i for i, a in enumerate(ids)}
    n = len(ids)
    us, vs, ks = [], [], []
    for k, initiative in enumerate(initiatives):
        members = sorted({index[a] for a in initiative.actor_ids})
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                us.append(members[x])
                vs.append(members[y])
                ks.append(k)
    rec_u, rec_v, rec_k = (np.array(a, dtype=np.int64) for a in (us, vs, ks))
    ini_start = np.array([i.started.toordinal() for i in initiatives], dtype=np.int64)
    ini_end = np.array([i.ended.toordinal() if i.ended else NEVER for i in initiatives], dtype=np.int64)

    actor_list = [by_id[a] for a in ids]
    codes, labels = group_codes([a.sector for a in actor_list], [a.kind for a in actor_list], "kind")
    registered = np.array([a.registered.toordinal() if a.registered else ALWAYS for a in actor_list],
                          dtype=np.int64)
    first = np.full(n, NEVER, dtype=np.int64)
    if len(rec_k):
        np.minimum.at(first, rec_u, ini_start[rec_k])
        np.minimum.at(first, rec_v, ini_start[rec_k])
    since = np.where(registered == ALWAYS, ALWAYS, np.minimum(registered, first))

    keys = np.unique(rec_u * max(n, 1) + rec_v) if len(rec_u) else np.zeros(0, dtype=np.int64)
    xy = fruchterman_reingold(n, keys // max(n, 1), keys % max(n, 1), seed=seed)

    values = {m: np.zeros(n) for m in METRICS}
    for i, actor_id in enumerate(ids):
        row = (metrics or {}).get(actor_id) or {}
        values["degree"][i] = row.get("degree") or 0
        values["strength"][i] = row.get("strength") or 0
        values["betweenness"][i] = row.get("betweenness") or 0
        brokerage = row.get("brokerage") or {}
        values["brokerage"][i] = sum(brokerage.values()) if isinstance(brokerage, Mapping) else brokerage or 0
    return MapBase(ids, [a.name for a in actor_list], [a.kind for a in actor_list],
                   [a.sector for a in actor_list], [a.municipality for a in actor_list], codes, labels, xy,
                   registered, since, values, rec_u, rec_v, rec_k, [i.id for i in initiatives],
                   [i.title for i in initiatives], [i.category for i in initiatives], ini_start, ini_end, index)


@dataclass(frozen=True)
class MapFilter:
    """What the user asked to see. Text filters compare case- and space-insensitively; ``sector``
    matches the sector group (so ``(association)`` selects associations)."""

    municipality: str | None = None
    sector: str | None = None
    kind: str | None = None
    category: str | None = None
    start: date | None = None
    end: date | None = None
    focus: str | None = None
    depth: int = 1
    group: str = "auto"

    def query(self) -> dict:
        """The filter as URL query parameters (only those set)."""
        out = {}
        for name in ("municipality", "sector", "kind", "category", "focus"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.focus and self.depth != 1:
            out["depth"] = str(self.depth)
        if self.group != "auto":
            out["group"] = self.group
        return out


@dataclass
class MapView:
    """One filtered map: JSON-ready nodes and edges plus the arrays tables and pictures need."""

    filter: MapFilter
    aggregated: str | None
    nodes: list
    edges: list
    counts: dict
    summary: dict
    legend: dict
    actor_index: np.ndarray  # base indices of the visible actors
    tie_u: np.ndarray  # base indices, one per visible actor-level tie
    tie_v: np.ndarray
    tie_weight: np.ndarray
    tie_since: np.ndarray
    tie_last: np.ndarray
    tie_records: list  # initiative indices per tie
    degree: dict  # base index -> ties in this view

    def to_json(self) -> dict:
        return {"aggregated": self.aggregated, "filters": self.filter.query(), "counts": self.counts,
                "summary": self.summary, "legend": self.legend, "nodes": self.nodes, "edges": self.edges}


def _bfs(n, u, v, start, depth):
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(u.tolist(), v.tolist()):
        adjacency[a].append(b)
        adjacency[b].append(a)
    seen = {start}
    frontier = [start]
    for _ in range(depth):
        nxt = []
        for a in frontier:
            for b in adjacency[a]:
                if b not in seen:
                    seen.add(b)
                    nxt.append(b)
        frontier = nxt
    return seen


def _group_ties(keys, starts, ends):
    """Merge records by key: (unique keys, record index lists, weight, first, last, spans)."""
    if len(keys) == 0:
        return keys, [], np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    order = np.lexsort((starts, keys))
    keys_o, s, e = keys[order], starts[order], ends[order]
    uniq, first_pos, tie_of = np.unique(keys_o, return_index=True, return_inverse=True)
    counts = np.diff(np.r_[first_pos, len(keys_o)])
    last = np.maximum.reduceat(s, first_pos)
    span = NEVER + 2
    reach = np.maximum.accumulate(e + tie_of * span) - tie_of * span
    new = np.ones(len(keys_o), dtype=bool)
    new[1:] = (tie_of[1:] != tie_of[:-1]) | (s[1:] > reach[:-1] + 1)
    heads = np.flatnonzero(new)
    head_end = reach[np.r_[heads[1:], len(keys_o)] - 1]
    spans: list = [[] for _ in range(len(uniq))]
    for t, a, b in zip(tie_of[heads].tolist(), s[heads].tolist(), head_end.tolist()):
        spans[t].append([_iso(a), _iso(b)])
    records = np.split(order, first_pos[1:])
    return uniq, records, counts, s[first_pos], last, spans


def _ei(external, internal):
    total = external + internal
    return None if total == 0 else round(float((external - internal) / total), 4)


def map_view(base: MapBase, flt: MapFilter = MapFilter(), *, threshold: int = AGGREGATE_ABOVE) -> MapView:
    """Apply ``flt`` to ``base``: the map as nodes and edges, aggregated when big."""
    check_choice("group", flt.group, GROUPINGS)
    n = base.n
    node_ok = np.ones(n, dtype=bool)
    if flt.municipality:
        key = normalise_key(flt.municipality)
        node_ok &= np.array([normalise_key(m or "") == key for m in base.municipalities], dtype=bool)
    if flt.sector:
        key = normalise_key(flt.sector)
        wanted = [g for g, label in enumerate(base.group_labels) if normalise_key(label) == key]
        node_ok &= np.isin(base.group, wanted)
    if flt.kind:
        node_ok &= np.array([k == flt.kind for k in base.kinds], dtype=bool)
    if flt.end:
        node_ok &= base.since <= flt.end.toordinal()
    rec_ok = node_ok[base.rec_u] & node_ok[base.rec_v] if len(base.rec_u) else np.zeros(0, dtype=bool)
    rec_start = base.ini_start[base.rec_k]
    if flt.category:
        key = normalise_key(flt.category)
        cat_ok = np.array([normalise_key(c or "") == key for c in base.ini_categories], dtype=bool)
        rec_ok &= cat_ok[base.rec_k]
    if flt.start:
        rec_ok &= rec_start >= flt.start.toordinal()
    if flt.end:
        rec_ok &= rec_start <= flt.end.toordinal()
    if flt.category or flt.start:
        # An initiative filter shows the actors those initiatives connect.
        touched = np.zeros(n, dtype=bool)
        touched[base.rec_u[rec_ok]] = True
        touched[base.rec_v[rec_ok]] = True
        node_ok &= touched
    if flt.focus:
        if flt.focus not in base.index:
            raise NotFound(msg.NO_ACTOR(id=flt.focus), field="focus")
        centre = base.index[flt.focus]
        node_ok[centre] = True
        rec_ok = rec_ok | False
        rec_ok &= node_ok[base.rec_u] & node_ok[base.rec_v]
        near = _bfs(n, base.rec_u[rec_ok], base.rec_v[rec_ok], centre, max(1, min(flt.depth, 2)))
        keep = np.zeros(n, dtype=bool)
        keep[list(near)] = True
        node_ok &= keep
        rec_ok &= node_ok[base.rec_u] & node_ok[base.rec_v]

    visible = np.flatnonzero(node_ok)
    ru, rv, rk = base.rec_u[rec_ok], base.rec_v[rec_ok], base.rec_k[rec_ok]
    keys = ru * max(n, 1) + rv
    uniq, records, weight, first, last, spans = _group_ties(keys, base.ini_start[rk], base.ini_end[rk])
    tu, tv = uniq // max(n, 1), uniq % max(n, 1)
    tie_records = [rk[r] for r in records]
    degree_arr = np.bincount(tu, minlength=n) + np.bincount(tv, minlength=n)
    initiatives_shown = len(np.unique(rk))

    grouping = flt.group
    if grouping == "auto":
        grouping = "none"
        if len(visible) > threshold and not flt.focus:
            single_municipality = len({base.municipalities[i] for i in visible}) == 1
            grouping = "sector" if single_municipality else "municipality"
    legend = {"sectors": [{"label": g, "colour": base.colour(g)} for g in base.group_labels
                          if np.any(base.group[visible] == base.group_labels.index(g))],
              "kinds": [{"kind": k, "shape": s} for k, s in KIND_SHAPES.items()]}

    summary = _summary(base, visible, tu, tv, initiatives_shown)
    if grouping == "none":
        nodes = [{"id": base.ids[i], "label": base.names[i], "kind": base.kinds[i],
                  "group": base.group_labels[base.group[i]], "colour": base.colour(base.group_labels[base.group[i]]),
                  "shape": KIND_SHAPES.get(base.kinds[i], "dot"), "municipality": base.municipalities[i],
                  "x": round(float(base.xy[i, 0]), 1), "y": round(float(base.xy[i, 1]), 1),
                  "since": _iso(base.since[i]), "registered": _iso(base.registered[i]),
                  "metrics": {"degree": int(degree_arr[i]), "strength": _num(base.metrics["strength"][i]),
                              "betweenness": round(float(base.metrics["betweenness"][i]), 5),
                              "brokerage": _num(base.metrics["brokerage"][i])}}
                 for i in visible.tolist()]
        edges = []
        for t in range(len(uniq)):
            recs = tie_records[t]
            edges.append({"from": base.ids[tu[t]], "to": base.ids[tv[t]], "weight": int(weight[t]),
                          "since": _iso(first[t]), "last": _iso(last[t]), "spans": spans[t],
                          "titles": [base.ini_titles[k] for k in recs[:3].tolist()]})
    else:
        nodes, edges = _aggregate(base, grouping, visible, ru, rv, rk, tu, tv)

    return MapView(flt, None if grouping == "none" else grouping, nodes, edges,
                   {"actors": int(len(visible)), "ties": int(len(uniq)), "initiatives": int(initiatives_shown),
                    "nodes": len(nodes), "edges": len(edges)},
                   summary, legend, visible, tu, tv, weight, first, last, tie_records,
                   {int(i): int(degree_arr[i]) for i in visible.tolist()})


def _aggregate(base, grouping, visible, ru, rv, rk, tu, tv):
    if grouping == "municipality":
        codes, labels = group_codes(base.municipalities, base.kinds, "single")
    else:
        codes, labels = base.group, base.group_labels
    k = len(labels)
    present = np.zeros(k, dtype=bool)
    present[codes[visible]] = True
    members = np.bincount(codes[visible], minlength=k)
    xy = centroids(base.xy[visible], codes[visible], k)
    since = np.full(k, NEVER, dtype=np.int64)
    np.minimum.at(since, codes[visible], base.since[visible])
    internal = np.bincount(codes[tu][codes[tu] == codes[tv]], minlength=k)
    prefix = "municipality" if grouping == "municipality" else "sector"
    nodes = []
    for g in np.flatnonzero(present).tolist():
        colour = base.colour(labels[g]) if grouping == "sector" else "#88CCEE"
        nodes.append({"id": f"{prefix}:{labels[g]}", "label": f"{labels[g]} ({members[g]})", "kind": "group",
                      "group": labels[g], "colour": colour, "shape": "dot", "aggregate": prefix,
                      "drill": {prefix: labels[g]}, "count": int(members[g]),
                      "x": round(float(xy[g, 0]), 1), "y": round(float(xy[g, 1]), 1), "since": _iso(since[g]),
                      "registered": None,
                      "metrics": {"degree": int(members[g]), "strength": int(members[g]),
                                  "betweenness": int(members[g]), "brokerage": int(members[g]),
                                  "actors": int(members[g]), "internal_ties": int(internal[g])}})
    gu, gv = codes[ru], codes[rv]
    cross = gu != gv
    a, b = np.minimum(gu, gv)[cross], np.maximum(gu, gv)[cross]
    keys = a * k + b
    uniq, records, weight, first, last, spans = _group_ties(keys, base.ini_start[rk[cross]], base.ini_end[rk[cross]])
    # Weight between groups: distinct actor ties, not records.
    pair_keys = (ru * base.n + rv)[cross]
    edges = []
    for t, key in enumerate(uniq.tolist()):
        ties = len(np.unique(pair_keys[records[t]]))
        edges.append({"from": f"{prefix}:{labels[key // k]}", "to": f"{prefix}:{labels[key % k]}",
                      "weight": ties, "since": _iso(first[t]), "last": _iso(last[t]), "spans": spans[t],
                      "titles": []})
    return nodes, edges


def _summary(base, visible, tu, tv, initiatives) -> dict:
    """Numbers behind the text summary: sizes, the most closed sector, the main bridges."""
    k = len(base.group_labels)
    cu, cv = base.group[tu], base.group[tv]
    inside = cu == cv
    internal = np.bincount(cu[inside], minlength=k)
    external = np.bincount(cu[~inside], minlength=k) + np.bincount(cv[~inside], minlength=k)
    sectors = []
    for g, label in enumerate(base.group_labels):
        if label.startswith("(") or internal[g] + external[g] == 0:
            continue
        sectors.append({"sector": label, "ei_index": _ei(external[g], internal[g]),
                        "internal_share": round(float(internal[g] / (internal[g] + external[g])), 4),
                        "ties": int(internal[g] + external[g])})
    sectors.sort(key=lambda s: (s["ei_index"], -s["ties"]))
    between = base.metrics["betweenness"][visible]
    top = visible[np.argsort(-between, kind="stable")[:3]] if len(visible) else []
    bridges = [{"id": base.ids[i], "name": base.names[i],
                "betweenness": round(float(base.metrics["betweenness"][i]), 4)}
               for i in top if base.metrics["betweenness"][i] > 0]
    total = len(tu)
    return {"actors": int(len(visible)), "ties": int(total), "initiatives": int(initiatives),
            "cross_sector_share": round(float((~inside).sum() / total), 4) if total else None,
            "most_closed_sector": sectors[0] if sectors else None, "sectors": sectors, "bridges": bridges}


def _num(x):
    x = float(x)
    return int(x) if x.is_integer() else round(x, 4)


def visible_at(view: MapView, day: date, mode: str = "cumulative") -> tuple[set, set]:
    """Node ids and (from, to) edges the slider shows at ``day``: the same rule as map.js."""
    iso = day.isoformat()
    if mode == "cumulative":
        edges = {(e["from"], e["to"]) for e in view.edges if e["since"] is not None and e["since"] <= iso}
        nodes = {n["id"] for n in view.nodes if n["since"] is None or n["since"] <= iso}
        return nodes, edges
    edges = {(e["from"], e["to"]) for e in view.edges
             if any(s <= iso and (end is None or end >= iso) for s, end in e["spans"])}
    ends = {x for pair in edges for x in pair}
    nodes = {n["id"] for n in view.nodes
             if n["id"] in ends or (n.get("aggregate") is None and (n["registered"] is None or n["registered"] <= iso))
             or (n.get("aggregate") and n["since"] is not None and n["since"] <= iso)}
    return nodes, edges
