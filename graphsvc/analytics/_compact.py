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

from graphsvc.domain.model import Actor, Initiative, normalise_key
from graphsvc.analytics.network import check_view, select_initiatives

#: Group attributes the report accepts.
GROUP_BY = ("sector", "kind", "municipality")
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
    keys, label_of = [], {}
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
    for a, b, w in graph.edges(data=weight, default=1):
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
    out = (uk // n, uk % n, np.add.reduceat(w[order], starts))
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
    for initiative in selected:
        keep.update(initiative.actor_ids)
        keep.add(initiative.initiator)
    unknown = keep - by_id.keys()
    if unknown:
        raise ValueError(f"initiatives refer to unknown actors: {', '.join(sorted(unknown)[:5])}")
    ids = sorted(keep)
    index = {a: i for i, a in enumerate(ids)}
    attrs = {a: [getattr(by_id[i], a) for i in ids] for a in _NODE_ATTRS}
    us, vs, fs, srcs, dsts, afs = [], [], [], [], [], []
    for initiative in selected:
        members = sorted({index[a] for a in initiative.actor_ids})
        day = initiative.started.toordinal()
        k = len(members)
        for x in range(k):
            mx = members[x]
            for y in range(x + 1, k):
                us.append(mx)
                vs.append(members[y])
        fs.extend([day] * (k * (k - 1) // 2))
        src = index[initiative.initiator]
        for mx in members:
            if mx != src:
                srcs.append(src)
                dsts.append(mx)
                afs.append(day)
    n = len(ids)

    def compact(a, b, days, directed):
        a = np.array(a, dtype=np.int64)
        b = np.array(b, dtype=np.int64)
        days = np.array(days, dtype=np.int64)
        a, b, w, first = _merge(a, b, np.ones(len(a), dtype=np.float64), n, days)
        return Compact(ids, attrs, a, b, w, directed=directed, first=first)

    return Projection(compact(us, vs, fs, False), compact(srcs, dsts, afs, True), selected, by_id)


def expand_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + l)`` for each pair, vectorised."""
    lengths = lengths.astype(np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts.astype(np.int64) - (ends - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def csr(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indptr, indices sorted within each row, position of each entry in the input order)."""
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols[order], order


def has_pairs(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Membership of ``keys`` in the sorted array ``sorted_keys``."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == keys


def closing_paths(src: np.ndarray, dst: np.ndarray, n: int, *, chunk: int = 4_000_000):
    """Every (a, b, c) with arcs a→b, b→c and a→c, a, b, c distinct: transitive triples.

    For an undirected graph pass both directions of each tie; then each triangle appears once for
    each of its 6 orderings. Work is the sum over arcs (a, c) of min(out-degree a, in-degree c).
    Yields arrays (a, b, c) in chunks.
    """
    m = len(src)
    if m == 0:
        return
    keys = np.sort(src * n + dst)
    out_ptr, out_idx, _ = csr(src, dst, n)
    in_ptr, in_idx, _ = csr(dst, src, n)
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
            if side:  # b among a's out-neighbours; need b → c
                pos = expand_ranges(out_ptr[a], out_deg[a])
                b = out_idx[pos]
                reps = out_deg[a]
                a_rep, c_rep = np.repeat(a, reps), np.repeat(c, reps)
                ok = has_pairs(keys, b * n + c_rep)
            else:  # b among c's in-neighbours; need a → b
                pos = expand_ranges(in_ptr[c], in_deg[c])
                b = in_idx[pos]
                reps = in_deg[c]
                a_rep, c_rep = np.repeat(a, reps), np.repeat(c, reps)
                ok = has_pairs(keys, a_rep * n + b)
            ok &= (b != a_rep) & (b != c_rep)
            yield a_rep[ok], b[ok], c_rep[ok]
            start = stop
