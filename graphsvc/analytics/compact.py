"""Compact array form of the co-creation network: the fast path behind the silo metrics.

networkx stays the model users see (:mod:`graphsvc.analytics.network`); the metrics convert a
graph (or the domain objects directly) to integer arrays once and compute with numpy. Both
builders give the same network as ``co_creation_graph`` / ``invitation_graph`` (tested).

Nodes are numbered 0..n-1 in the graph's node order (sorted ids when built from the domain).
Undirected ties are stored once with ``u < v``; directed arcs as ``src -> dst``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import networkx as nx
import numpy as np

from graphsvc.analytics.network import check_view, select_initiatives
from graphsvc.model.entities import Actor, Initiative, normalise_key

#: What to do with an actor that lacks the group attribute (external actors have no sector).
MISSING = ("kind", "single")


def check_choice(name: str, value, legal) -> None:
    if value not in legal:
        raise ValueError(f"{name} must be one of {', '.join(map(str, legal))}, not {value!r}")


@dataclass
class Compact:
    """A network as arrays. ``attrs`` holds per-node attribute lists (``kind``, ``sector``...)."""

    ids: list
    attrs: dict
    u: np.ndarray
    v: np.ndarray
    weight: np.ndarray
    directed: bool = False
    first: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.u)

    def weights(self, weighted: bool) -> np.ndarray:
        return self.weight.astype(np.float64) if weighted else np.ones(self.m, dtype=np.float64)

    def groups(self, attribute: str = "sector", missing: str = "kind") -> tuple[np.ndarray, list[str]]:
        """Integer group code per node and the group labels (see :func:`group_codes`)."""
        key = (attribute, missing)
        if key not in self._cache:
            self._cache[key] = group_codes(self.attrs.get(attribute, [None] * self.n),
                                           self.attrs.get("kind", [None] * self.n), missing)
        return self._cache[key]

    def degree(self) -> np.ndarray:
        return np.bincount(self.u, minlength=self.n) + np.bincount(self.v, minlength=self.n)


def group_codes(values: list, kinds: list, missing: str = "kind") -> tuple[np.ndarray, list[str]]:
    """Group each node by an attribute value, compared case- and space-insensitively.

    A node without the attribute joins the group ``"(<kind>)"`` (``missing="kind"``, so an
    association without a sector is grouped with the associations) or the single group
    ``"(none)"`` (``missing="single"``). A group's label is the first spelling met in node
    order. Labels are sorted: real groups alphabetically, then the parenthesised ones.
    """
    check_choice("missing", missing, MISSING)
    keys: list[str] = []
    label_of: dict[str, str] = {}
    for value, kind in zip(values, kinds):
        if value is None or (isinstance(value, str) and not value.strip()):
            key = f"({kind or 'none'})" if missing == "kind" else "(none)"
            label_of.setdefault(key, key)
        else:
            key = normalise_key(str(value))
            label_of.setdefault(key, str(value))
        keys.append(key)
    ordered = sorted(label_of, key=lambda k: (k.startswith("("), k))
    code_of = {k: i for i, k in enumerate(ordered)}
    codes = np.fromiter((code_of[k] for k in keys), dtype=np.int64, count=len(keys))
    return codes, [label_of[k] for k in ordered]


_NODE_ATTRS = ("kind", "sector", "municipality")


def from_graph(graph: nx.Graph, *, weight: str | None = "weight") -> Compact:
    """Arrays from a networkx graph. Self-loops are dropped; a multigraph's parallel ties merge
    into one tie whose weight is their sum (documented convention of the silo metrics)."""
    ids = list(graph)
    index = {node: i for i, node in enumerate(ids)}
    names = set(_NODE_ATTRS).union(*(data.keys() for _, data in graph.nodes(data=True)))
    attrs = {a: [graph.nodes[node].get(a) for node in ids] for a in names}
    us, vs, ws = [], [], []
    # weight=None: no attribute is named None, so every tie gets the default, 1 (the stubs only allow a name).
    for a, b, w in graph.edges(data=weight, default=1):  # type: ignore[arg-type]
        i, j = index[a], index[b]
        if i == j:
            continue
        if not graph.is_directed() and i > j:
            i, j = j, i
        us.append(i)
        vs.append(j)
        ws.append(1 if weight is None or w is None else w)
    u, v, w = _merge(np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64),
                     np.array(ws, dtype=np.float64), len(ids))
    return Compact(ids, attrs, u, v, w, directed=graph.is_directed())


def as_compact(graph, weighted: bool) -> Compact:
    """A networkx graph (or an already compact one) as arrays, with weights if ``weighted``."""
    if isinstance(graph, Compact):
        return graph
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"expected a networkx graph, not {type(graph).__name__}")
    return from_graph(graph, weight="weight" if weighted else None)


def _merge(u, v, w, n, first=None):
    """Merge repeated (u, v) pairs: weights add up, ``first`` takes the minimum."""
    if len(u) == 0:
        return (u, v, w) if first is None else (u, v, w, first)
    key = u * n + v
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    uk = key[starts]
    out: tuple[np.ndarray, ...] = (uk // n, uk % n, np.add.reduceat(w[order], starts))
    if first is not None:
        out = out + (np.minimum.reduceat(first[order], starts),)
    return out


@dataclass
class Projection:
    """Everything the report needs at one date: the tie network, the invitation arcs, the
    selected initiatives and the actor lookup."""

    ties: Compact
    arcs: Compact
    initiatives: list
    actors: dict
    #: Partner rows of the selected initiatives: node index and initiative position (sorted, unique).
    members: np.ndarray | None = None
    member_of: np.ndarray | None = None
    #: Node index of each selected initiative's initiator (−1: unknown).
    initiators: np.ndarray | None = None
    #: Per node: the actor's name and tags.
    names: list | None = None
    tags: list | None = None


def actor_lookup(actors: Iterable[Actor] | Mapping[str, Actor]) -> dict:
    if isinstance(actors, Mapping):
        return dict(actors)
    return {a.id: a for a in actors}


def from_domain(actors: Iterable[Actor] | Mapping[str, Actor], initiatives: Iterable[Initiative], *,
                at: date | None = None, view: str = "cumulative") -> Projection:
    """The same networks as ``co_creation_graph`` and ``invitation_graph``, as arrays."""
    check_view(view)
    by_id = actor_lookup(actors)
    selected = select_initiatives(initiatives, at=at, view=view)
    keep = {a_id for a_id, a in by_id.items() if at is None or a.registered is None or a.registered <= at}
    # One flat pass over the partners; everything after it is numpy.
    sizes = np.fromiter((len(i.partners) for i in selected), dtype=np.int64, count=len(selected))
    flat = [p.actor for i in selected for p in i.partners]
    initiator_ids = [i.initiator for i in selected]
    keep.update(flat)
    keep.update(a for a in initiator_ids if a is not None)
    unknown = keep - by_id.keys()
    if unknown:
        raise ValueError(f"initiatives refer to unknown actors: {', '.join(sorted(unknown)[:5])}")
    ids = sorted(keep)
    index = {a: i for i, a in enumerate(ids)}
    attrs = {a: [getattr(by_id[i], a) for i in ids] for a in _NODE_ATTRS}
    count = len(selected)
    member = np.fromiter((index[a] for a in flat), dtype=np.int64, count=len(flat))
    src_all = np.fromiter((-1 if a is None else index[a] for a in initiator_ids), dtype=np.int64, count=count)
    day_all = np.fromiter((i.started.toordinal() for i in selected), dtype=np.int64, count=count)
    owner = np.repeat(np.arange(count, dtype=np.int64), sizes)
    return _assemble(ids, attrs, member, owner, src_all, day_all, initiatives=selected, actors=by_id,
                     names=[by_id[i].name for i in ids], tags=[by_id[i].tags for i in ids])


#: ``date.toordinal()`` of 1970-01-01, numpy's day 0.
_EPOCH_ORDINAL = 719163
_NO_DAY = np.iinfo(np.int64).max


def _ordinals(days, missing: int = _NO_DAY) -> np.ndarray:
    """ISO dates (``YYYY-MM-DD``; None for none) as ``date.toordinal()`` numbers, vectorised."""
    parsed = np.array(days, dtype="datetime64[D]") if len(days) else np.zeros(0, dtype="datetime64[D]")
    out = parsed.astype(np.int64) + _EPOCH_ORDINAL
    out[np.isnat(parsed)] = missing
    return out


def from_rows(rows, *, at: date | None = None, view: str = "cumulative") -> Projection:
    """:func:`from_domain` from a store's plain columns (``storage.base.NetworkRows``): the same
    arrays (tested), without domain objects. ``projection.initiatives`` holds the selected
    initiatives' ids and ``projection.actors`` is None; names and tags are per node."""
    check_view(view)
    n_all, n_init = len(rows.actor_ids), len(rows.initiative_ids)
    started = _ordinals(rows.initiative_started)
    if at is None:
        chosen = np.ones(n_init, dtype=bool)
    elif view == "cumulative":
        chosen = started <= at.toordinal()
    else:  # running at ``at``: started by then and not ended before
        chosen = (started <= at.toordinal()) & (_ordinals(rows.initiative_ended) >= at.toordinal())
    selected = np.flatnonzero(chosen)
    count = len(selected)
    p_init = np.asarray(rows.partner_initiative, dtype=np.int64).reshape(-1)
    p_actor = np.asarray(rows.partner_actor, dtype=np.int64).reshape(-1)
    initiator = np.asarray(rows.initiative_initiators, dtype=np.int64).reshape(-1)[selected]
    in_selected = chosen[p_init]
    p_init, p_actor = p_init[in_selected], p_actor[in_selected]
    # Nodes: actors registered by ``at`` (or undated), and everyone in a selected initiative.
    keep = np.ones(n_all, dtype=bool) if at is None else _ordinals(rows.actor_registered, -1) <= at.toordinal()
    keep[p_actor] = True
    keep[initiator[initiator >= 0]] = True
    kept = sorted(np.flatnonzero(keep).tolist(), key=rows.actor_ids.__getitem__)  # node order: by id
    node_of = np.full(n_all, -1, dtype=np.int64)
    node_of[kept] = np.arange(len(kept), dtype=np.int64)
    position = np.full(n_init, -1, dtype=np.int64)
    position[selected] = np.arange(count, dtype=np.int64)
    columns = {"kind": rows.actor_kinds, "sector": rows.actor_sectors, "municipality": rows.actor_municipalities}

    def pick(column):
        return [column[i] for i in kept]

    attrs = {a: pick(columns[a]) for a in _NODE_ATTRS}
    ids = pick(rows.actor_ids)
    # Partner rows in any order: _assemble sorts them by (initiative, member).
    return _assemble(ids, attrs, node_of[p_actor], position[p_init], np.where(initiator >= 0, node_of[initiator], -1),
                     started[selected],
                     initiatives=[rows.initiative_ids[i] for i in selected.tolist()], actors=None,
                     names=pick(rows.actor_names), tags=pick(rows.actor_tags))


def _assemble(ids, attrs, member, owner, src_all, day_all, *, initiatives, actors, names, tags) -> Projection:
    """Tie and arc arrays from the partner rows (``member`` node, ``owner`` initiative position)."""
    n = len(ids)
    count = len(src_all)
    # Members sorted within each initiative, a partner listed twice counted once.
    order = np.lexsort((member, owner))
    member, owner = member[order], owner[order]
    if len(member):
        fresh = np.r_[True, (owner[1:] != owner[:-1]) | (member[1:] != member[:-1])]
        member, owner = member[fresh], owner[fresh]
    sizes = np.bincount(owner, minlength=count)
    starts = np.cumsum(sizes) - sizes
    # Form all pairs of the initiatives of each size at once.
    parts_u, parts_v, parts_f, arcs_s, arcs_d, arcs_f = [], [], [], [], [], []
    for size in np.unique(sizes).tolist():
        if size == 0:
            continue
        which = np.flatnonzero(sizes == size)
        block = member[starts[which][:, None] + np.arange(size)]
        day = day_all[which]
        src = src_all[which]
        if size >= 2:
            x, y = np.triu_indices(size, 1)
            parts_u.append(block[:, x].ravel())
            parts_v.append(block[:, y].ravel())
            parts_f.append(np.repeat(day, len(x)))
        # No arcs from an unknown initiator (−1): who invited whom is not known.
        keep_arc = (block != src[:, None]) & (src[:, None] >= 0)
        arcs_s.append(np.broadcast_to(src[:, None], block.shape)[keep_arc])
        arcs_d.append(block[keep_arc])
        arcs_f.append(np.broadcast_to(day[:, None], block.shape)[keep_arc])

    def compact(a, b, f, directed):
        def cat(parts):
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        a, b, f = cat(a), cat(b), cat(f)
        a, b, w, first = _merge(a, b, np.ones(len(a), dtype=np.float64), n, f)
        return Compact(ids, attrs, a, b, w, directed=directed, first=first)

    return Projection(compact(parts_u, parts_v, parts_f, False), compact(arcs_s, arcs_d, arcs_f, True),
                      initiatives, actors, member, owner, src_all, names, tags)


def expand_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + l)`` for each pair, vectorised."""
    lengths = lengths.astype(np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts.astype(np.int64) - (ends - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def closing_paths(src: np.ndarray, dst: np.ndarray, n: int, *, chunk: int = 4_000_000):
    """Every (a, b, c) with arcs a→b, b→c and a→c, a, b, c distinct: transitive triples.

    ``src``/``dst`` must be sorted by (src, dst) without repeats. For an undirected graph pass
    both directions of each tie; then each triangle appears once for each of its 6 orderings.
    Work is the sum over arcs (a, c) of min(out-degree a, in-degree c). Yields, in chunks,
    the positions of the arcs a→b, b→c and a→c in the input arrays.
    """
    m = len(src)
    if m == 0:
        return
    keys = src * n + dst
    if m > 1 and np.any(keys[1:] <= keys[:-1]):
        raise ValueError("closing_paths needs arcs sorted by (src, dst) without repeats")
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=out_ptr[1:])
    in_order = np.lexsort((src, dst))              # arc positions sorted by (dst, src)
    in_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(dst, minlength=n), out=in_ptr[1:])
    out_deg = np.diff(out_ptr)
    in_deg = np.diff(in_ptr)
    via_out = out_deg[src] <= in_deg[dst]
    for side in (True, False):
        arcs = np.flatnonzero(via_out == side)
        lens = out_deg[src[arcs]] if side else in_deg[dst[arcs]]
        cum = np.cumsum(lens)
        start = 0
        while start < len(arcs):
            stop = int(np.searchsorted(cum, (cum[start - 1] if start else 0) + chunk, side="right"))
            stop = max(stop, start + 1)
            part = arcs[start:stop]
            a, c = src[part], dst[part]
            if side:  # b among a's out-neighbours; look up b → c
                reps = out_deg[a]
                ab = expand_ranges(out_ptr[a], reps)
                b = dst[ab]
                c_rep = np.repeat(c, reps)
                other = np.searchsorted(keys, b * n + c_rep)
            else:  # b among c's in-neighbours; look up a → b
                reps = in_deg[c]
                bc = in_order[expand_ranges(in_ptr[c], reps)]
                b = src[bc]
                a_rep = np.repeat(a, reps)
                other = np.searchsorted(keys, a_rep * n + b)
            other[other == m] = 0
            ac = np.repeat(part, reps)
            if side:
                ok = keys[other] == b * n + c_rep
                ok &= b != c_rep
                yield ab[ok], other[ok], ac[ok]
            else:
                ok = keys[other] == a_rep * n + b
                ok &= b != a_rep
                yield other[ok], bc[ok], ac[ok]
            start = stop
