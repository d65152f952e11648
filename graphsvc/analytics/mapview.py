"""What a network map shows: the actors and ties of one view, laid out for that view, with dates and metrics.

:func:`map_base` does the per-graph-version work (projection, metrics, colourings) once;
:func:`map_view` applies a user's filters to it with numpy masks and lays the result out
(:mod:`graphsvc.analytics.layout`). The :class:`MapView` it returns is what the JSON API, the
table twin, the standalone HTML and the pictures all read, so they all show the same picture.

What a filter keeps (so that a view answers the silo question instead of hiding it):

* ``municipality`` (and ``to``) narrow the *universe*: the actors there and the ties among them;
* ``sector`` and ``kind`` choose the *members* of the view; their partners (inside the universe)
  are shown too, dimmed and marked ``role="partner"``, with every tie between a member and a
  partner: the ties that leave the sector are visible and counted (``ties_leaving``);
* ``category``, ``from`` and ``to`` choose initiatives: the view shows the ties they make;
* ``focus`` shows the actors within ``depth`` steps of one actor over the ties above, laid out
  in rings around it (``distance`` 0, 1, 2 …).

The summary's numbers (most closed sector, share of ties across sectors) are computed over a
stated *scope* (``summary["scope"]``), never over whichever actors happen to be drawn: the whole
network, a municipality's network, all ties of the chosen sector(s), the chosen initiatives; a
focus reports the scope it sits in plus the focus actor's own ties.

Big views are aggregated by municipality or sector (``AGGREGATE_ABOVE``): one bubble per group,
sized by its actors, showing their composition (by sector, or by whatever the map is coloured
by), with ties between bubbles weighted by the ties that cross the groups.

Dates: a node's ``since`` is when it joins the cumulative network (its registration or first
initiative, whichever is first; ``None`` = always); a tie's ``spans`` are the merged
[start, end] intervals of its initiatives (``end`` ``None`` = still running), which the active
view needs. The record form (``to_json("records")``) writes ISO dates; the compact column form
(``to_json("columns")``, the page's) writes days since 1970-01-01.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np

from graphsvc.analytics import layout as lay
from graphsvc.analytics.compact import actor_lookup, check_choice, group_codes
from graphsvc.analytics.palette import (
    COLOUR_BY,
    KIND_SHAPES,
    MUTED,
    OTHER,
    SHAPE_REACH,
    kind_colours,
    ranked_colours,
    sector_colours,
)
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, normalise_key
from graphsvc.model.errors import NotFound
from graphsvc.model.vocab import KINDS

#: Above this many actors a map starts aggregated (``group="auto"``).
AGGREGATE_ABOVE = 2000
GROUPINGS = ("auto", "none", "municipality", "sector")
METRICS = ("degree", "strength", "betweenness", "brokerage")
ROLES = ("member", "partner", "focus")
MAX_DEPTH = 3
SHAPES = ("records", "columns")
NEVER = date.max.toordinal()
ALWAYS = 0  # before every real date (date.min is ordinal 1)
EPOCH = date(1970, 1, 1).toordinal()
#: Bump when the layout algorithm changes: the key of every stored layout includes it.
LAYOUT_VERSION = 6
#: Bubble radii of an aggregated map, in canvas units (area-true to the number of actors).
BUBBLE_RADIUS = (16.0, 70.0)
#: ``memo(key, compute)``: the service's layout store shared by its processes, or no cache at all.
LayoutMemo = Callable[[str, Callable[[], np.ndarray]], np.ndarray]


def _iso(ordinal: int) -> str | None:
    return None if ordinal in (ALWAYS, NEVER) else date.fromordinal(int(ordinal)).isoformat()


def _day(ordinal: int) -> int | None:
    return None if ordinal in (ALWAYS, NEVER) else int(ordinal) - EPOCH


def no_memo(key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    return compute()


@dataclass
class Colouring:
    """One way of colouring the map: a code per actor and a colour per code (the whole network's)."""

    name: str
    codes: np.ndarray
    values: list
    colours: list

    def colour(self, code: int) -> str:
        return self.colours[code] if code >= 0 else OTHER


@dataclass
class MapBase:
    """The whole graph as arrays per actor and per (pair, initiative) record; no layout (views have their own)."""

    ids: list
    names: list
    kinds: list
    sectors: list
    municipalities: list
    group: np.ndarray
    group_labels: list
    municipality_code: np.ndarray
    municipality_labels: list
    registered: np.ndarray
    since: np.ndarray
    metrics: dict
    colourings: dict
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
        """A sector group's colour (the palette's fixed place for default sectors; externals grey)."""
        sector = self.colourings["sector"]
        return sector.colour(sector.values.index(label)) if label in sector.values else OTHER

    def choices(self) -> dict:
        """Distinct values for the filter form."""
        return {"municipalities": sorted({m for m in self.municipalities if m}, key=str.casefold),
                "sectors": list(self.group_labels),
                "kinds": sorted(set(self.kinds)),
                "categories": sorted({c for c in self.ini_categories if c}, key=str.casefold)}


def map_base(actors: Iterable[Actor] | Mapping[str, Actor], initiatives: Iterable[Initiative], *,
             metrics: Mapping[str, Mapping] | None = None) -> MapBase:
    """Project and attach metrics and colourings. ``metrics`` is the ``actors`` part of the silo
    report (``{id: {degree, strength, betweenness, brokerage: {role: n}, community}}``); missing
    values become 0 (no community: grey)."""
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
    kinds = [a.kind for a in actor_list]
    codes, labels = group_codes([a.sector for a in actor_list], kinds, "kind")
    mun_codes, mun_labels = group_codes([a.municipality for a in actor_list], kinds, "single")
    registered = np.array([a.registered.toordinal() if a.registered else ALWAYS for a in actor_list],
                          dtype=np.int64)
    first = np.full(n, NEVER, dtype=np.int64)
    if len(rec_k):
        np.minimum.at(first, rec_u, ini_start[rec_k])
        np.minimum.at(first, rec_v, ini_start[rec_k])
    since = np.where(registered == ALWAYS, ALWAYS, np.minimum(registered, first))

    values = {m: np.zeros(n) for m in METRICS}
    community = np.full(n, -1, dtype=np.int64)
    for i, actor_id in enumerate(ids):
        row = (metrics or {}).get(actor_id) or {}
        values["degree"][i] = row.get("degree") or 0
        values["strength"][i] = row.get("strength") or 0
        values["betweenness"][i] = row.get("betweenness") or 0
        brokerage = row.get("brokerage") or {}
        values["brokerage"][i] = sum(brokerage.values()) if isinstance(brokerage, Mapping) else brokerage or 0
        if row.get("community") is not None:
            community[i] = int(row["community"])
    colourings = _colourings(codes, labels, mun_codes, mun_labels, kinds, community)
    return MapBase(ids, [a.name for a in actor_list], kinds, [a.sector for a in actor_list],
                   [a.municipality for a in actor_list], codes, labels, mun_codes, mun_labels, registered, since,
                   values, colourings, rec_u, rec_v, rec_k, [i.id for i in initiatives],
                   [i.title for i in initiatives], [i.category for i in initiatives], ini_start, ini_end, index)


def _colourings(codes, labels, mun_codes, mun_labels, kinds, community) -> dict:
    """Sector, municipality, kind and community colourings of the whole network (palette module)."""
    sector = sector_colours(labels)
    # Actors of an unknown municipality ("(none)") stay grey.
    municipality = ranked_colours(mun_labels[c] for c in mun_codes.tolist() if mun_labels[c] != "(none)")
    kind_code = np.array([KINDS.index(k) if k in KINDS else -1 for k in kinds], dtype=np.int64)
    by_kind = kind_colours()
    # Communities numbered by size (1 = the largest), so "group 1" means the same on every page.
    sizes = np.bincount(community[community >= 0]) if np.any(community >= 0) else np.zeros(0, dtype=np.int64)
    rank_of = {int(c): r for r, c in enumerate(np.lexsort((np.arange(len(sizes)), -sizes)).tolist())
               if sizes[c] > 0}
    community_code = np.array([rank_of.get(int(c), -1) for c in community.tolist()], dtype=np.int64)
    community_values = [str(r + 1) for r in range(len(rank_of))]
    community_colours = ranked_colours(community_values[c] for c in community_code.tolist() if c >= 0)
    return {
        "sector": Colouring("sector", codes, list(labels), [sector[g] for g in labels]),
        "municipality": Colouring("municipality", mun_codes, list(mun_labels),
                                  [municipality.get(m, OTHER) for m in mun_labels]),
        "kind": Colouring("kind", kind_code, list(KINDS), [by_kind[k] for k in KINDS]),
        "community": Colouring("community", community_code, community_values,
                               [community_colours.get(v, OTHER) for v in community_values]),
    }


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

    @property
    def selects_actors(self) -> bool:
        """Sector or kind: members and their partners."""
        return bool(self.sector or self.kind)


@dataclass
class MapView:
    """One view: the drawn nodes (actors or bubbles) with positions, the actor-level ties, the summary."""

    filter: MapFilter
    aggregated: str | None
    counts: dict
    summary: dict
    legend: dict
    base: MapBase = field(repr=False)
    actor_index: np.ndarray  # base indices of the actors in the view
    role: np.ndarray  # per actor in the view: index into ROLES
    distance: np.ndarray | None  # per actor: steps from the focus
    tie_u: np.ndarray  # base indices, one per actor-level tie
    tie_v: np.ndarray
    tie_weight: np.ndarray
    tie_since: np.ndarray
    tie_last: np.ndarray
    tie_spans: list
    tie_records: list  # initiative indices per tie
    tie_cross: np.ndarray  # the tie joins two sector groups
    degree: dict  # base index -> ties in this view
    xy: np.ndarray  # per drawn node (actors, or bubbles when aggregated)
    sizes: dict  # metric -> radius per drawn node (canvas units)
    label_scale: np.ndarray  # per drawn node: the zoom from which its label fits (inf: never)
    label_dy: np.ndarray  # per drawn node: how far below its centre its label starts (the shape's reach)
    groups: dict | None = None  # aggregated: bubbles and the ties between them

    # -- drawn nodes, in the two JSON shapes ------------------------------------------------
    @property
    def drawn(self) -> int:
        return len(self.xy)

    @cached_property
    def nodes(self) -> list[dict]:
        return self._records()[0]

    @cached_property
    def edges(self) -> list[dict]:
        return self._records()[1]

    def positions(self) -> dict[str, tuple[float, float]]:
        """Drawn node id → (x, y) as the JSON writes them."""
        return {n["id"]: (n["x"], n["y"]) for n in self.nodes}

    def to_json(self, shape: str = "records") -> dict:
        check_choice("shape", shape, SHAPES)
        head = {"aggregated": self.aggregated, "filters": self.filter.query(), "counts": self.counts,
                "summary": self.summary, "legend": self.legend, "shape": shape}
        if shape == "records":
            return {**head, "nodes": self.nodes, "edges": self.edges}
        return {**head, **self._columns()}

    def _colour_rows(self, name: str, codes: np.ndarray) -> list[int]:
        rows = self.legend["colourings"][name]["code_rows"]
        return [rows.get(int(c), rows.get(-1, 0)) for c in codes.tolist()]

    @property
    def bubbles(self) -> dict:
        """The aggregated view's bubbles and the ties between them (only when ``aggregated``)."""
        if self.groups is None:
            raise ValueError("this view is not aggregated: it has no bubbles")
        return self.groups

    def _records(self) -> tuple[list[dict], list[dict]]:
        base = self.base
        if self.groups is not None:
            return self._group_records()
        idx = self.actor_index
        colourings = base.colourings
        nodes = []
        for p, i in enumerate(idx.tolist()):
            colours = {c: colourings[c].colour(int(colourings[c].codes[i])) for c in COLOUR_BY}
            node = {"id": base.ids[i], "label": base.names[i], "kind": base.kinds[i],
                    "group": base.group_labels[base.group[i]], "colour": colours["sector"], "colours": colours,
                    "shape": KIND_SHAPES.get(base.kinds[i], "dot"), "municipality": base.municipalities[i],
                    "community": _community_label(colourings["community"], i),
                    "role": ROLES[int(self.role[p])],
                    "x": round(float(self.xy[p, 0]), 1), "y": round(float(self.xy[p, 1]), 1),
                    "size": {m: round(float(self.sizes[m][p]), 1) for m in METRICS},
                    "label_scale": _finite(self.label_scale[p]), "label_dy": round(float(self.label_dy[p]), 1),
                    "since": _iso(base.since[i]), "registered": _iso(base.registered[i]),
                    "metrics": self._metrics(i)}
            if self.distance is not None:
                node["distance"] = int(self.distance[p])
            nodes.append(node)
        edges = [{"from": base.ids[self.tie_u[t]], "to": base.ids[self.tie_v[t]], "weight": int(self.tie_weight[t]),
                  "since": _iso(self.tie_since[t]), "last": _iso(self.tie_last[t]),
                  "spans": [[_iso(a), _iso(b)] for a, b in self.tie_spans[t]],
                  "cross": bool(self.tie_cross[t]),
                  "titles": [base.ini_titles[k] for k in self.tie_records[t][:3].tolist()]}
                 for t in range(len(self.tie_u))]
        return nodes, edges

    def _metrics(self, i: int) -> dict:
        m = self.base.metrics
        return {"degree": int(self.degree.get(int(i), 0)), "strength": _num(m["strength"][i]),
                "betweenness": round(float(m["betweenness"][i]), 5), "brokerage": _num(m["brokerage"][i])}

    def _group_records(self) -> tuple[list[dict], list[dict]]:
        g = self.bubbles
        nodes = []
        for p, bubble in enumerate(g["bubbles"]):
            nodes.append({"id": bubble["id"], "label": f"{bubble['label']} ({bubble['count']})", "kind": "group",
                          "group": bubble["label"], "colour": bubble["colour"], "colours": bubble["colours"],
                          "shape": "dot", "aggregate": self.aggregated, "drill": bubble["drill"],
                          "count": bubble["count"], "composition": bubble["composition"],
                          "role": "member", "x": round(float(self.xy[p, 0]), 1), "y": round(float(self.xy[p, 1]), 1),
                          "size": {m: round(float(self.sizes[m][p]), 1) for m in METRICS},
                          "label_scale": _finite(self.label_scale[p]), "label_dy": round(float(self.label_dy[p]), 1),
                          "since": _iso(bubble["since"]),
                          "registered": None,
                          "metrics": {"actors": bubble["count"], "internal_ties": bubble["internal_ties"]}})
        ids = [b["id"] for b in g["bubbles"]]
        edges = [{"from": ids[a], "to": ids[b], "weight": int(w), "since": _iso(s), "last": _iso(last),
                  "spans": [[_iso(x), _iso(y)] for x, y in spans], "cross": True, "titles": []}
                 for a, b, w, s, last, spans in zip(g["edge_a"].tolist(), g["edge_b"].tolist(), g["weight"].tolist(),
                                                    g["since"].tolist(), g["last"].tolist(), g["spans"])]
        return nodes, edges

    def _columns(self) -> dict:
        """Arrays instead of one dict per node: about a fifth of the bytes, and quick to read."""
        base = self.base
        sizes = {m: [round(float(r), 1) for r in self.sizes[m].tolist()] for m in METRICS}
        xs = [round(float(x), 1) for x in self.xy[:, 0].tolist()]
        ys = [round(float(y), 1) for y in self.xy[:, 1].tolist()]
        label_scale = [_finite(s) for s in self.label_scale.tolist()]
        label_dy = [round(float(d), 1) for d in self.label_dy.tolist()]
        if self.groups is not None:
            g = self.groups
            nodes = {"id": [b["id"] for b in g["bubbles"]], "label": [b["label"] for b in g["bubbles"]],
                     "count": [b["count"] for b in g["bubbles"]], "x": xs, "y": ys, "size": sizes,
                     "label_scale": label_scale, "label_dy": label_dy, "drill": [b["drill"] for b in g["bubbles"]],
                     "since": [_day(b["since"]) for b in g["bubbles"]],
                     "internal_ties": [b["internal_ties"] for b in g["bubbles"]],
                     "composition": {c: [b["composition_rows"][c] for b in g["bubbles"]] for c in COLOUR_BY},
                     "colour": {c: [b["colour_rows"][c] for b in g["bubbles"]] for c in COLOUR_BY}}
            edges = {"from": g["edge_a"].tolist(), "to": g["edge_b"].tolist(), "weight": g["weight"].tolist(),
                     "since": [_day(s) for s in g["since"].tolist()], "last": [_day(s) for s in g["last"].tolist()],
                     "spans": [[_day(x) for span in spans for x in span] for spans in g["spans"]],
                     "cross": [1] * len(g["weight"]), "initiatives": [[] for _ in g["spans"]]}
            return {"nodes": nodes, "edges": edges, "tables": self._tables([])}
        idx = self.actor_index
        position = {int(i): p for p, i in enumerate(idx.tolist())}
        colourings = base.colourings
        records = [self.tie_records[t][:3].tolist() for t in range(len(self.tie_u))]
        used = sorted({k for r in records for k in r})
        ini_pos = {k: p for p, k in enumerate(used)}
        nodes = {"id": [base.ids[i] for i in idx.tolist()], "label": [base.names[i] for i in idx.tolist()],
                 "x": xs, "y": ys, "size": sizes, "label_scale": label_scale, "label_dy": label_dy,
                 "kind": [KINDS.index(base.kinds[i]) if base.kinds[i] in KINDS else -1 for i in idx.tolist()],
                 "group": base.group[idx].tolist(), "municipality": base.municipality_code[idx].tolist(),
                 "community": [int(c) + 1 if c >= 0 else None for c in colourings["community"].codes[idx].tolist()],
                 "role": self.role.tolist(),
                 "since": [_day(x) for x in base.since[idx].tolist()],
                 "registered": [_day(x) for x in base.registered[idx].tolist()],
                 "metrics": {"degree": [int(self.degree.get(int(i), 0)) for i in idx.tolist()],
                             "strength": [_num(x) for x in base.metrics["strength"][idx].tolist()],
                             "betweenness": [round(float(x), 5) for x in base.metrics["betweenness"][idx].tolist()],
                             "brokerage": [_num(x) for x in base.metrics["brokerage"][idx].tolist()]},
                 "colour": {c: self._colour_rows(c, colourings[c].codes[idx]) for c in COLOUR_BY}}
        if self.distance is not None:
            nodes["distance"] = self.distance.tolist()
        edges = {"from": [position[int(i)] for i in self.tie_u.tolist()],
                 "to": [position[int(i)] for i in self.tie_v.tolist()],
                 "weight": self.tie_weight.astype(int).tolist(),
                 "since": [_day(x) for x in self.tie_since.tolist()],
                 "last": [_day(x) for x in self.tie_last.tolist()],
                 "spans": [[_day(x) for span in spans for x in span] for spans in self.tie_spans],
                 "cross": self.tie_cross.astype(int).tolist(),
                 "initiatives": [[ini_pos[k] for k in r] for r in records]}
        return {"nodes": nodes, "edges": edges, "tables": self._tables(used)}

    def _tables(self, initiatives: list[int]) -> dict:
        base = self.base
        return {"kinds": list(KINDS), "shapes": [KIND_SHAPES.get(k, "dot") for k in KINDS],
                "groups": list(base.group_labels), "municipalities": list(base.municipality_labels),
                "roles": list(ROLES), "initiatives": [base.ini_titles[k] for k in initiatives]}


def _community_label(colouring: Colouring, i: int) -> str | None:
    code = int(colouring.codes[i])
    return colouring.values[code] if code >= 0 else None


def _finite(x) -> float | None:
    x = float(x)
    return round(x, 4) if np.isfinite(x) else None


def _bfs(n, u, v, start, depth) -> dict[int, int]:
    """Steps from ``start`` to every node within ``depth`` steps over the ties ``u``–``v``."""
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(u.tolist(), v.tolist()):
        adjacency[a].append(b)
        adjacency[b].append(a)
    seen = {start: 0}
    frontier = [start]
    for step in range(1, depth + 1):
        nxt = []
        for a in frontier:
            for b in adjacency[a]:
                if b not in seen:
                    seen[b] = step
                    nxt.append(b)
        frontier = nxt
    return seen


def _group_ties(keys, starts, ends):
    """Merge records by key: (unique keys, record index lists, weight, first, last, spans)."""
    if len(keys) == 0:
        return keys, [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
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
        spans[t].append((a, b))
    records = np.split(order, first_pos[1:])
    return uniq, records, counts, s[first_pos], last, spans


def _ei(external, internal):
    total = external + internal
    return None if total == 0 else round(float((external - internal) / total), 4)


def _masks(base: MapBase, flt: MapFilter):
    """(universe, records, members): the actors and (pair, initiative) records a filter keeps."""
    n = base.n
    universe = np.ones(n, dtype=bool)
    if flt.municipality:
        key = normalise_key(flt.municipality)
        universe &= np.array([normalise_key(m or "") == key for m in base.municipalities], dtype=bool)
    if flt.end:
        universe &= base.since <= flt.end.toordinal()
    rec_ok = universe[base.rec_u] & universe[base.rec_v] if len(base.rec_u) else np.zeros(0, dtype=bool)
    if flt.category:
        key = normalise_key(flt.category)
        cat_ok = np.array([normalise_key(c or "") == key for c in base.ini_categories], dtype=bool)
        rec_ok &= cat_ok[base.rec_k]
    rec_start = base.ini_start[base.rec_k]
    if flt.start:
        rec_ok &= rec_start >= flt.start.toordinal()
    if flt.end:
        rec_ok &= rec_start <= flt.end.toordinal()
    members = universe.copy()
    if flt.sector:
        key = normalise_key(flt.sector)
        wanted = [g for g, label in enumerate(base.group_labels) if normalise_key(label) == key]
        members &= np.isin(base.group, wanted)
    if flt.kind:
        members &= np.array([k == flt.kind for k in base.kinds], dtype=bool)
    if flt.category or flt.start:
        # An initiative filter shows the actors those initiatives connect.
        touched = np.zeros(n, dtype=bool)
        touched[base.rec_u[rec_ok]] = True
        touched[base.rec_v[rec_ok]] = True
        members &= touched
    return universe, rec_ok, members


def map_view(base: MapBase, flt: MapFilter = MapFilter(), *, threshold: int = AGGREGATE_ABOVE,
             memo: LayoutMemo = no_memo, seed: int = 0) -> MapView:
    """Apply ``flt`` to ``base``: the view's actors, ties and summary, laid out for what it shows.

    ``memo(key, compute)`` may return a layout computed before for the same ``key`` (a digest
    of everything the layout depends on); the service keeps them in a file shared by the
    server's processes.
    """
    check_choice("group", flt.group, GROUPINGS)
    if not 1 <= flt.depth <= MAX_DEPTH:
        raise ValueError(f"depth must be 1 to {MAX_DEPTH}, not {flt.depth!r}")
    n = base.n
    universe, rec_ok, members = _masks(base, flt)
    if flt.selects_actors:
        # Members and every tie they have inside the universe; their partners come with those ties.
        rec_ok &= members[base.rec_u] | members[base.rec_v]
    else:
        rec_ok &= members[base.rec_u] & members[base.rec_v]
    scope_ties = rec_ok.copy()  # what the summary's sector numbers describe (before any focus)
    shown = members.copy()
    shown[base.rec_u[rec_ok]] = True
    shown[base.rec_v[rec_ok]] = True

    distance_of: dict[int, int] | None = None
    if flt.focus:
        if flt.focus not in base.index:
            raise NotFound(msg.NO_ACTOR(id=flt.focus), field="focus")
        centre = base.index[flt.focus]
        distance_of = _bfs(n, base.rec_u[rec_ok], base.rec_v[rec_ok], centre, flt.depth)
        keep = np.zeros(n, dtype=bool)
        keep[list(distance_of)] = True
        shown = keep
        rec_ok = rec_ok & keep[base.rec_u] & keep[base.rec_v]

    visible = np.flatnonzero(shown)
    role = np.where(members[visible], 0, 1)
    distance = None
    if distance_of is not None:
        distance = np.array([distance_of[int(i)] for i in visible.tolist()], dtype=np.int64)
        role = np.where(distance == 0, 2, role)
    ru, rv, rk = base.rec_u[rec_ok], base.rec_v[rec_ok], base.rec_k[rec_ok]
    keys = ru * max(n, 1) + rv
    uniq, records, weight, first, last, spans = _group_ties(keys, base.ini_start[rk], base.ini_end[rk])
    tu, tv = uniq // max(n, 1), uniq % max(n, 1)
    tie_records = [rk[r] for r in records]
    tie_cross = base.group[tu] != base.group[tv]
    degree_arr = np.bincount(tu, minlength=n) + np.bincount(tv, minlength=n)
    initiatives_shown = len(np.unique(rk))
    leaving = int(np.sum(members[tu] != members[tv])) if flt.selects_actors else 0

    grouping = flt.group
    if grouping == "auto":
        grouping = "none"
        if len(visible) > threshold and not flt.focus:
            single_municipality = len({base.municipalities[i] for i in visible}) == 1
            grouping = "sector" if single_municipality else "municipality"
    if flt.focus:
        grouping = "none"  # a focus is about actors: never bubbles

    summary = _summary(base, flt, universe, visible, members, scope_ties, tu, tv, initiatives_shown, leaving)
    counts = {"actors": int(len(visible)), "members": int((role != 1).sum()), "partners": int((role == 1).sum()),
              "ties": int(len(uniq)), "ties_leaving": leaving, "initiatives": int(initiatives_shown)}
    degree = {int(i): int(degree_arr[i]) for i in visible.tolist()}
    view_parts = dict(filter=flt, summary=summary, base=base, actor_index=visible, role=role, distance=distance,
                      tie_u=tu, tie_v=tv, tie_weight=weight, tie_since=first, tie_last=last, tie_spans=spans,
                      tie_records=tie_records, tie_cross=tie_cross, degree=degree)
    if grouping == "none":
        sizes = _actor_sizes(base, visible, degree_arr)
        xy, label_scale, label_dy = _actor_layout(base, visible, tu, tv, weight, sizes, role, distance, memo, seed)
        legend = _legend(base, visible, None)
        counts.update(nodes=int(len(visible)), edges=int(len(uniq)))
        return MapView(aggregated=None, counts=counts, legend=legend, xy=xy, sizes=sizes, label_scale=label_scale,
                       label_dy=label_dy,
                       **view_parts)
    groups = _aggregate(base, grouping, visible, ru, rv, rk)
    legend = _legend(base, visible, groups)
    _compose(base, groups, visible, legend)
    radius = _bubble_radius(np.array([b["count"] for b in groups["bubbles"]], dtype=np.float64))
    sizes = {m: radius for m in METRICS}
    xy, label_scale = _bubble_layout(groups, radius, memo, seed)
    counts.update(nodes=len(groups["bubbles"]), edges=int(len(groups["weight"])))
    legend["min_ties"] = _default_min_ties(groups["weight"], len(groups["bubbles"]))
    return MapView(aggregated=grouping, counts=counts, legend=legend, xy=xy, sizes=sizes, label_scale=label_scale,
                   label_dy=radius,
                   groups=groups, **view_parts)


def _actor_sizes(base: MapBase, visible: np.ndarray, degree_arr: np.ndarray) -> dict:
    """Radius per actor for each size-by metric: area-true between NODE_RADIUS, relative to the view."""
    lo, hi = lay.NODE_RADIUS
    out = {}
    for m in METRICS:
        values = degree_arr[visible].astype(np.float64) if m == "degree" else base.metrics[m][visible]
        top = float(values.max()) if len(values) else 0.0
        out[m] = lo + (hi - lo) * np.sqrt(np.clip(values, 0, None) / top) if top > 0 else np.full(len(values), lo)
    return out


def _bubble_radius(count: np.ndarray) -> np.ndarray:
    lo, hi = BUBBLE_RADIUS
    top = float(count.max()) if len(count) else 0.0
    return lo + (hi - lo) * np.sqrt(count / top) if top > 0 else np.full(len(count), lo)


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(str(part.dtype).encode() + str(part.shape).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"|")
    return h.hexdigest()


def _actor_layout(base, visible, tu, tv, weight, sizes, role, distance, memo, seed):
    """Positions and label zooms for the actors of a view (cached under a digest of their inputs)."""
    m = len(visible)
    local = np.full(base.n, -1, dtype=np.int64)
    local[visible] = np.arange(m)
    u, v = local[tu], local[tv]
    reach = np.array([SHAPE_REACH[KIND_SHAPES.get(base.kinds[i], "dot")] for i in visible.tolist()])
    radius = np.round(np.maximum.reduce([sizes[k] for k in METRICS]) * reach if m else np.zeros(0), 1)
    chars = np.array([min(len(base.names[i]), 48) for i in visible.tolist()], dtype=np.int64)
    priority = radius + np.where(role == 0, 100.0, 0.0) + np.where(role == 2, 1e6, 0.0)
    ids = "\x1f".join(base.ids[i] for i in visible.tolist())
    if distance is not None:
        order = base.group[visible] * 1e6 - radius  # ring 1: sectors together, big ones first
        key = _digest("radial", LAYOUT_VERSION, ids, u, v, radius, chars, distance)

        def compute():
            xy = lay.radial_layout(distance, u, v, radius=radius, order=order)
            return np.column_stack([xy, lay.label_scales(xy, radius, chars, priority)])
    else:
        key = _digest("spread", LAYOUT_VERSION, seed, ids, u, v, weight, radius, chars, role)

        def compute():
            xy = lay.spread_layout(m, u, v, weight=weight, radius=radius, seed=seed)
            return np.column_stack([xy, lay.label_scales(xy, radius, chars, priority)])
    out = memo(key, compute) if m else np.zeros((0, 3))
    return out[:, :2], out[:, 2], radius


def _bubble_layout(groups, radius, memo, seed):
    k = len(groups["bubbles"])
    a, b, w = groups["edge_a"], groups["edge_b"], groups["weight"]
    chars = np.array([len(bubble["label"]) + 6 for bubble in groups["bubbles"]], dtype=np.int64)
    key = _digest("bubbles", LAYOUT_VERSION, seed, [bb["id"] for bb in groups["bubbles"]], a, b, w, np.round(radius, 1))

    def compute():
        xy = lay.spread_layout(k, a, b, weight=w, radius=radius, seed=seed)
        return np.column_stack([xy, lay.label_scales(xy, radius, chars, radius)])

    out = memo(key, compute) if k else np.zeros((0, 3))
    return out[:, :2], out[:, 2]


def _aggregate(base: MapBase, grouping: str, visible: np.ndarray, ru, rv, rk) -> dict:
    """One bubble per municipality or sector group of the view, and the ties between bubbles."""
    if grouping == "municipality":
        codes, labels = base.municipality_code, base.municipality_labels
    else:
        codes, labels = base.group, base.group_labels
    k = len(labels)
    members = np.bincount(codes[visible], minlength=k)
    since = np.full(k, NEVER, dtype=np.int64)
    np.minimum.at(since, codes[visible], base.since[visible])
    gu, gv = codes[ru], codes[rv]
    inside = gu == gv
    pair = ru * base.n + rv
    internal = np.zeros(k, dtype=np.int64)
    if inside.any():
        uniq_pairs, where = np.unique(pair[inside], return_index=True)
        internal = np.bincount(gu[inside][where], minlength=k)
    present = np.flatnonzero(members > 0)
    position = np.full(k, -1, dtype=np.int64)
    position[present] = np.arange(len(present))
    prefix = grouping
    bubbles = [{"id": f"{prefix}:{labels[g]}", "label": labels[g], "code": int(g), "count": int(members[g]),
                "drill": {prefix: labels[g]}, "since": int(since[g]), "internal_ties": int(internal[g])}
               for g in present.tolist()]
    cross = ~inside
    a, b = np.minimum(gu, gv)[cross], np.maximum(gu, gv)[cross]
    keys = a * k + b
    uniq, records, _, first, last, spans = _group_ties(keys, base.ini_start[rk[cross]], base.ini_end[rk[cross]])
    pair_cross = pair[cross]
    weight = np.array([len(np.unique(pair_cross[r])) for r in records], dtype=np.int64)  # actor ties, not records
    return {"grouping": grouping, "codes": codes, "labels": labels, "bubbles": bubbles,
            "edge_a": position[uniq // k] if len(uniq) else np.zeros(0, dtype=np.int64),
            "edge_b": position[uniq % k] if len(uniq) else np.zeros(0, dtype=np.int64),
            "weight": weight, "since": first, "last": last, "spans": spans}


def _compose(base: MapBase, groups: dict, visible: np.ndarray, legend: dict) -> None:
    """Each bubble's composition per colouring: [[legend row, actors], …], largest first."""
    codes = groups["codes"]
    vis_codes = codes[visible]
    for c in COLOUR_BY:
        rows = legend["colourings"][c]["code_rows"]
        colouring = base.colourings[c]
        actor_rows = np.array([rows.get(int(x), rows.get(-1, 0)) for x in colouring.codes[visible].tolist()],
                              dtype=np.int64)
        n_rows = len(legend["colourings"][c]["rows"])
        table = np.zeros((len(groups["labels"]), max(n_rows, 1)), dtype=np.int64)
        np.add.at(table, (vis_codes, actor_rows), 1)
        for bubble in groups["bubbles"]:
            counts = table[bubble["code"]]
            order = [int(r) for r in np.lexsort((np.arange(len(counts)), -counts)) if counts[r] > 0]
            bubble.setdefault("composition_rows", {})[c] = [[r, int(counts[r])] for r in order]
            bubble.setdefault("composition", {})[c] = [
                {"value": legend["colourings"][c]["rows"][r]["value"], "count": int(counts[r]),
                 "colour": legend["colourings"][c]["rows"][r]["colour"]} for r in order]
            main = order[0] if order else 0
            bubble.setdefault("colour_rows", {})[c] = main
            bubble.setdefault("colours", {})[c] = legend["colourings"][c]["rows"][main]["colour"] if order else OTHER
        for bubble in groups["bubbles"]:
            bubble["colour"] = bubble["colours"]["sector"]


def _default_min_ties(weight: np.ndarray, bubbles: int) -> int:
    """The weakest tie between bubbles drawn at first: about two ties per bubble, the strongest
    (80 municipalities have ~1,900 ties between them: all of them is a hairball)."""
    if len(weight) <= 2 * bubbles:
        return 1
    return int(np.sort(weight)[::-1][2 * bubbles - 1])


def _legend(base: MapBase, visible: np.ndarray, groups: dict | None) -> dict:
    """Per colouring, the rows the view needs (its values' colours, then one row for all grey values)."""
    out: dict = {"colourings": {}, "kinds": [{"kind": k, "shape": s} for k, s in KIND_SHAPES.items()],
                 "aggregated": groups["grouping"] if groups else None}
    for c in COLOUR_BY:
        colouring = base.colourings[c]
        present = colouring.codes[visible]
        counts = np.bincount(present[present >= 0], minlength=len(colouring.values))
        coloured = [g for g in range(len(colouring.values)) if counts[g] > 0 and colouring.colours[g] != OTHER]
        if c != "sector":  # sectors by name; ranked colourings (municipality, community) largest first
            coloured.sort(key=lambda g: MUTED.index(colouring.colours[g]))
        rows = [{"value": colouring.values[g], "colour": colouring.colours[g], "count": int(counts[g])}
                for g in coloured]
        code_rows = {g: r for r, g in enumerate(coloured)}
        grey = [g for g in range(len(colouring.values)) if counts[g] > 0 and colouring.colours[g] == OTHER]
        nones = int((present < 0).sum())
        if c == "sector":
            # Actors without a sector: one row per kind (the shape tells them apart), all grey.
            for g in grey:
                code_rows[g] = len(rows)
                rows.append({"value": colouring.values[g], "colour": OTHER, "count": int(counts[g])})
        elif grey or nones:
            for g in grey:
                code_rows[g] = len(rows)
            code_rows[-1] = len(rows)
            rows.append({"value": None, "colour": OTHER, "count": int(counts[grey].sum()) + nones,
                         "others": len(grey) + (1 if nones else 0)})
        out["colourings"][c] = {"rows": rows, "code_rows": code_rows}
    out["sectors"] = [{"label": r["value"], "colour": r["colour"]} for r in out["colourings"]["sector"]["rows"]]
    return out


def _sector_rows(base: MapBase, tu, tv, only: np.ndarray | None = None) -> tuple[list, float | None]:
    """E-I and internal share per sector from ties ``tu``–``tv``; share of ties across sectors."""
    k = len(base.group_labels)
    cu, cv = base.group[tu], base.group[tv]
    inside = cu == cv
    internal = np.bincount(cu[inside], minlength=k)
    external = np.bincount(cu[~inside], minlength=k) + np.bincount(cv[~inside], minlength=k)
    sectors = []
    for g, label in enumerate(base.group_labels):
        if label.startswith("(") or internal[g] + external[g] == 0:
            continue
        if only is not None and not only[g]:
            continue
        sectors.append({"sector": label, "ei_index": _ei(external[g], internal[g]),
                        "internal_share": round(float(internal[g] / (internal[g] + external[g])), 4),
                        "ties": int(internal[g] + external[g])})
    sectors.sort(key=lambda s: (s["ei_index"], -s["ties"]))
    total = len(tu)
    return sectors, (round(float((~inside).sum() / total), 4) if total else None)


def _summary(base: MapBase, flt: MapFilter, universe, visible, members, scope_ties, tu, tv, initiatives,
             leaving) -> dict:
    """The view's numbers, and what the sector numbers describe (``scope``)."""
    n = base.n
    # The scope's ties, one per pair (records of several initiatives count once).
    keys = np.unique(base.rec_u[scope_ties] * max(n, 1) + base.rec_v[scope_ties])
    su, sv = keys // max(n, 1), keys % max(n, 1)
    only = None
    if flt.selects_actors:
        basis = "selection"
        # Only groups all of whose actors are members: their ties are all in the scope.
        k = len(base.group_labels)
        in_universe = np.bincount(base.group[universe], minlength=k)
        chosen = np.bincount(base.group[members], minlength=k)
        only = (chosen > 0) & (chosen == in_universe)
    elif flt.category or flt.start or flt.end:
        basis = "initiatives"
    elif flt.municipality:
        basis = "municipality"
    else:
        basis = "network"
    sectors, share = _sector_rows(base, su, sv, only)
    scope = {"basis": basis, **{k: v for k, v in flt.query().items() if k not in ("focus", "depth", "group")}}
    focus = None
    if flt.focus:
        centre = base.index[flt.focus]
        own = (su == centre) | (sv == centre)
        crossing = base.group[su[own]] != base.group[sv[own]]
        focus = {"id": flt.focus, "name": base.names[centre], "depth": flt.depth,
                 "ties": int(own.sum()),
                 "cross_sector_share": round(float(crossing.mean()), 4) if own.any() else None,
                 "group": base.group_labels[base.group[centre]]}
    between = base.metrics["betweenness"][visible]
    top = visible[np.argsort(-between, kind="stable")[:3]] if len(visible) else []
    bridges = [{"id": base.ids[i], "name": base.names[i],
                "betweenness": round(float(base.metrics["betweenness"][i]), 4)}
               for i in top if base.metrics["betweenness"][i] > 0]
    shown_cross = base.group[tu] != base.group[tv]
    return {"actors": int(len(visible)), "ties": int(len(tu)), "initiatives": int(initiatives),
            "members": int(members[visible].sum()), "partners": int((~members[visible]).sum()),
            "ties_leaving": leaving, "ties_across_shown": int(shown_cross.sum()),
            "scope": scope, "scope_ties": int(len(su)),
            "cross_sector_share": share, "most_closed_sector": sectors[0] if sectors else None,
            "sectors": sectors, "focus": focus, "bridges": bridges}


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
             or (n.get("aggregate") and (n["since"] is None or n["since"] <= iso))}
    return nodes, edges


def visibility(view: MapView, day: date, mode: str = "cumulative") -> tuple[np.ndarray, np.ndarray]:
    """Which drawn nodes and edges the slider shows at ``day`` (the rule of :func:`visible_at`), as masks."""
    t = day.toordinal()
    if view.groups is not None:
        g = view.groups
        since = np.array([b["since"] for b in g["bubbles"]], dtype=np.int64)
        edge_since, spans = g["since"], g["spans"]
        registered = None
        u, v = g["edge_a"], g["edge_b"]
    else:
        base = view.base
        since = base.since[view.actor_index]
        registered = base.registered[view.actor_index]
        edge_since, spans = view.tie_since, view.tie_spans
        position = np.full(base.n, -1, dtype=np.int64)
        position[view.actor_index] = np.arange(len(view.actor_index))
        u, v = position[view.tie_u], position[view.tie_v]
    if mode == "cumulative":
        edges = (edge_since != ALWAYS) & (edge_since <= t)
        nodes = (since == ALWAYS) | (since <= t)
        return nodes, edges
    edges = np.array([any(a <= t and (b == NEVER or b >= t) for a, b in s) for s in spans], dtype=bool)
    # A bubble is there from its first actor (ALWAYS sorts first); an actor from its registration.
    nodes = since <= t if registered is None else (registered == ALWAYS) | (registered <= t)
    nodes[u[edges]] = True
    nodes[v[edges]] = True
    return nodes, edges
