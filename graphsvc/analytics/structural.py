"""Bridges and clusters: betweenness, Burt's constraint and effective size, Louvain communities.

networkx-style functions on the undirected co-creation network; igraph's C core (betweenness,
Louvain) and numpy (constraint, effective size from an enumeration of triangles) do the work,
because networkx is 20–60× slower here and its ``effective_size`` is wrong on weighted graphs
with the default ``nodes=None`` (networkx PR #8906). Tests check every value against networkx
on graphs where networkx is right.
"""

from __future__ import annotations

import random
import threading

import igraph as ig
import numpy as np

from graphsvc.analytics.compact import Compact, as_compact, closing_paths
from graphsvc.model import messages as msg

#: Above this many nodes the report samples betweenness unless exact betweenness is asked for.
BETWEENNESS_EXACT_UP_TO = 1000

#: Why constraint and effective size are undefined (a catalogue message: English text and a code).
REASON_ISOLATE = msg.HOLES_ISOLATE()


def to_igraph(c: Compact, weighted: bool = False) -> ig.Graph:
    # Plain int pairs: igraph converts a numpy array row by row, 2-4× slower on 350,000 ties.
    g = ig.Graph(n=c.n, edges=list(zip(c.u.tolist(), c.v.tolist())), directed=c.directed)
    if weighted:
        g.es["weight"] = c.weight.tolist()
    return g


# ----------------------------------------------------------------------------------- betweenness


def sample_sources(n: int, k: int, seed) -> list[int]:
    """The k source positions networkx would sample: ``random.Random(seed).sample(range(n), k)``."""
    return random.Random(seed).sample(range(n), k)


def betweenness(G, *, k: int | None = None, seed: int | None = 0, normalized: bool = True) -> dict:
    """Shortest-path betweenness of each actor on the binary ties (Brandes' algorithm).

    .. math:: c_B(v) = \\sum_{s \\ne v \\ne t} \\frac{\\sigma_{st}(v)}{\\sigma_{st}}

    normalised by the (n−1)(n−2)/2 pairs of an undirected graph. Ties are unweighted on purpose:
    a tie's weight is its strength, not a distance. With ``k`` the sum runs over k source nodes
    sampled with ``seed`` and is rescaled exactly as ``networkx.betweenness_centrality(G, k=k,
    seed=seed)`` does (networkx 3.6: sources are divided by k−1, other nodes by k), so both give
    the same numbers for the same seed and node order; igraph computes it.

    Examples
    --------
    >>> import networkx as nx
    >>> round(betweenness(nx.path_graph(3))[1], 4)
    1.0

    References
    ----------
    U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25 (2001);
    U. Brandes and C. Pich, "Centrality estimation in large networks", IJBC 17 (2007).
    """
    c = as_compact(G, False)
    return dict(zip(c.ids, _betweenness(c, k=k, seed=seed, normalized=normalized)))


def _betweenness(c: Compact, *, k=None, seed=0, normalized=True, graph=None) -> list[float]:
    n = c.n
    if k is not None and not (isinstance(k, int) and k >= 1):
        raise ValueError(f"k must be a positive integer or None, not {k!r}")
    if k is not None and k >= n:
        k = None
    g = graph if graph is not None else to_igraph(c)
    factor = 1 if c.directed else 2  # igraph reports unordered pairs for undirected graphs
    if k is None:
        raw = np.asarray(g.betweenness(directed=c.directed), dtype=np.float64) * factor
        if n <= 2:
            return [0.0] * n
        scale: float | np.ndarray = 1 / ((n - 1) * (n - 2)) if normalized else 1 / factor
        return (raw * scale).tolist()
    sources = sample_sources(n, k, seed)
    raw = np.asarray(g.betweenness(directed=c.directed, sources=sources), dtype=np.float64) * factor
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    if n <= 2:
        return [0.0] * n
    if normalized:
        den_source, den_other = (k - 1) * (n - 2), k * (n - 2)
        scale = np.where(is_source, 1 / den_source if k > 1 else np.nan, 1 / den_other)
    else:
        scale = np.where(is_source, n / ((k - 1) * factor) if k > 1 else np.nan, n / (k * factor))
    out = raw * scale
    return [0.0 if np.isnan(x) else float(x) for x in out]


# ----------------------------------------------------------------------------- structural holes


def _holes(c: Compact, weighted: bool):
    """Burt's constraint and effective size for every node of an undirected compact graph."""
    n = c.n
    w = c.weights(weighted)
    src = np.concatenate([c.u, c.v])
    dst = np.concatenate([c.v, c.u])
    ww = np.concatenate([w, w])
    order = np.argsort(src * n + dst)
    src, dst, ww = src[order], dst[order], ww[order]
    strength = np.bincount(src, weights=ww, minlength=n)
    wmax = np.zeros(n)
    np.maximum.at(wmax, src, ww)
    deg = np.bincount(src, minlength=n)
    p = ww / strength[src]                       # p_ij for each directed copy i → j
    indirect = np.zeros(len(src))                # Σ_q p_iq p_qj for each i → j
    redundancy = np.zeros(n)                     # Σ_j Σ_q p_iq m_jq for each i
    for ab, bc, ac in closing_paths(src, dst, n):  # a–b–c a triangle; i = a, q = b, j = c
        indirect += np.bincount(ac, weights=p[ab] * p[bc], minlength=len(src))
        m_cb = ww[bc] / wmax[dst[bc]]                # m_jq with j = c, q = b
        redundancy += np.bincount(src[ab], weights=p[ab] * m_cb, minlength=n)
    constraint = np.bincount(src, weights=(p + indirect) ** 2, minlength=n)
    effective = deg - redundancy
    isolate = deg == 0
    return ([None if z else float(x) for x, z in zip(constraint, isolate)],
            [None if z else float(x) for x, z in zip(effective, isolate)])


def constraint(G, *, weighted: bool = False) -> dict:
    """Burt's constraint of each actor: how much its ties lead to partners tied to each other.

    .. math:: c_i = \\sum_{j \\in N(i)} \\Big(p_{ij} + \\sum_{q \\ne i, j} p_{iq} p_{qj}\\Big)^2

    with ``p_ij = (w_ij + w_ji) / Σ_k (w_ik + w_ki)`` the share of i's ties invested in j
    (``w = 1`` unless ``weighted``). High constraint: a closed group; low: a broker across
    structural holes. An isolate gets None (0/0). Same values as ``networkx.constraint`` and
    igraph's ``constraint`` (tested).

    Examples
    --------
    >>> import networkx as nx
    >>> constraint(nx.star_graph(2))
    {0: 0.5, 1: 1.0, 2: 1.0}

    References
    ----------
    R. S. Burt, Structural Holes: The Social Structure of Competition, Harvard UP (1992), ch. 2.
    """
    c = as_compact(G, weighted)
    _require_undirected(c)
    return dict(zip(c.ids, _holes(c, weighted)[0]))


def effective_size(G, *, weighted: bool = False) -> dict:
    """Burt's effective size of each actor's network: its partners minus their redundancy.

    .. math:: ES_i = \\sum_{j \\in N(i)} \\Big(1 - \\sum_{q \\ne i, j} p_{iq} m_{jq}\\Big)

    with ``p`` as in :func:`constraint` and ``m_jq = (w_jq + w_qj) / max_k (w_jk + w_kj)``. For
    binary ties this is ``deg_i − 2 t_i / deg_i`` with t_i the ties among i's partners
    (Borgatti 1997). An isolate gets None. Equal to ``networkx.effective_size(G,
    nodes=list(G), weight=...)``; networkx's default ``nodes=None`` is wrong on weighted graphs.

    Examples
    --------
    >>> import networkx as nx
    >>> effective_size(nx.complete_graph(3))[0]
    1.0

    References
    ----------
    R. S. Burt (1992), ch. 2; S. P. Borgatti, "Structural holes: unpacking Burt's redundancy
    measures", Connections 20(1), 35–38 (1997).
    """
    c = as_compact(G, weighted)
    _require_undirected(c)
    return dict(zip(c.ids, _holes(c, weighted)[1]))


def _require_undirected(c: Compact) -> None:
    if c.directed:
        raise ValueError("structural-hole measures are defined here on the undirected co-creation network")


# ----------------------------------------------------------------------------------- communities


_RNG_LOCK = threading.Lock()


def seeded_rng(seed):
    """Run igraph's random choices from ``random.Random(seed)`` (igraph uses one global RNG)."""

    class _Scope:
        def __enter__(self):
            _RNG_LOCK.acquire()  # the generator is global: one seeded run at a time per process
            ig.set_random_number_generator(random.Random(seed))

        def __exit__(self, *exc):
            try:
                ig.set_random_number_generator(random)
            finally:
                _RNG_LOCK.release()

    return _Scope()


def louvain(G, *, weighted: bool = False, seed: int | None = 0, resolution: float = 1.0) -> dict:
    """Louvain communities (igraph's multilevel algorithm), seeded, with their modularity.

    Communities are numbered by decreasing size (ties: lowest first node). Isolates form their
    own communities. The modularity is Newman's Q (see :func:`modularity`) on binary ties unless
    ``weighted``.

    Returns
    -------
    dict
        ``{"membership": {node: community}, "sizes": [...], "modularity": Q}``; Q is None for a
        graph without ties.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> r = louvain(G)
    >>> r["sizes"], round(r["modularity"], 4)
    ([3, 3], 0.3571)

    References
    ----------
    V. D. Blondel, J.-L. Guillaume, R. Lambiotte and E. Lefebvre, "Fast unfolding of communities
    in large networks", J. Stat. Mech. P10008 (2008).
    """
    c = as_compact(G, weighted)
    membership, sizes, q = _louvain(c, weighted=weighted, seed=seed, resolution=resolution)
    return {"membership": dict(zip(c.ids, membership)), "sizes": sizes, "modularity": q}


def _louvain(c: Compact, *, weighted, seed, resolution=1.0, graph=None):
    g = graph if graph is not None else to_igraph(c, weighted)
    weights = c.weight.tolist() if weighted else None
    with seeded_rng(seed):
        raw = np.asarray(g.community_multilevel(weights=weights, resolution=resolution).membership, dtype=np.int64)
    sizes = np.bincount(raw) if c.n else np.zeros(0, dtype=np.int64)
    first = np.full(len(sizes), c.n)
    np.minimum.at(first, raw, np.arange(c.n))
    order = np.lexsort((first, -sizes))
    relabel = np.empty(len(sizes), dtype=np.int64)
    relabel[order] = np.arange(len(sizes))
    membership = relabel[raw]
    q = _modularity(c, membership, weighted=weighted, resolution=resolution)
    return membership.tolist(), sizes[order].tolist(), q


def modularity(G, communities, *, weighted: bool = False, resolution: float = 1.0) -> float | None:
    """Newman's modularity of a partition of the undirected network.

    .. math:: Q = \\sum_c \\Big[\\frac{L_c}{m} - \\gamma \\Big(\\frac{d_c}{2m}\\Big)^2\\Big]

    ``L_c`` ties inside community c, ``d_c`` the sum of its degrees, m ties (weights when
    ``weighted``; networkx's ``community.modularity`` weights by default). ``communities`` is a
    ``{node: label}`` mapping or an iterable of node sets. None when there are no ties.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (2, 3)])
    >>> modularity(G, [{0, 1}, {2, 3}])
    0.5

    References
    ----------
    M. E. J. Newman, "Modularity and community structure in networks", PNAS 103, 8577 (2006).
    """
    c = as_compact(G, weighted)
    if isinstance(communities, dict):
        label_of = communities
    else:
        label_of = {node: i for i, block in enumerate(communities) for node in block}
    labels: dict[object, int] = {}
    membership = np.array([labels.setdefault(label_of[node], len(labels)) for node in c.ids], dtype=np.int64)
    return _modularity(c, membership, weighted=weighted, resolution=resolution)


def _modularity(c: Compact, membership: np.ndarray, *, weighted, resolution=1.0):
    w = c.weights(weighted)
    m = w.sum()
    if m == 0:
        return None
    k = int(membership.max()) + 1 if len(membership) else 0
    inside = np.bincount(membership[c.u], weights=w * (membership[c.u] == membership[c.v]), minlength=k)
    degree = np.bincount(c.u, weights=w, minlength=c.n) + np.bincount(c.v, weights=w, minlength=c.n)
    d = np.bincount(membership, weights=degree, minlength=k)
    return float((inside / m).sum() - resolution * ((d / (2 * m)) ** 2).sum())


__all__ = ["betweenness", "constraint", "effective_size", "louvain", "modularity", "BETWEENNESS_EXACT_UP_TO"]
