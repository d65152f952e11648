"""Silo metrics by group: mixing matrix, Krackhardt–Stern E-I index, assortativity, Blau.

Each function takes a networkx graph first (the co-creation network of
:func:`graphsvc.analytics.network.co_creation_graph`, or any graph whose nodes carry the group
attribute) and computes with numpy on a compact copy. Conventions shared by all of them:

* **Groups.** Nodes are grouped by ``attribute`` (``"sector"`` by default), compared case- and
  space-insensitively. A node without the attribute (an association has no sector) joins the
  group ``"(<kind>)"`` — ``missing="kind"``, the default — or one group ``"(none)"``
  (``missing="single"``).
* **Ties.** A tie is an edge; self-loops are ignored; a multigraph's parallel edges count as one
  tie whose weight is their sum. ``weighted=False`` (default) counts ties, ``weighted=True``
  sums the ``weight`` attribute (shared initiatives).
* **Undefined is None.** Where a formula is 0/0 (no ties, an isolate, a single group) the value
  is ``None``, never 0; the report functions attach the reason.
"""

from __future__ import annotations

import networkx as nx  # noqa: F401  (the doctests use it)
import numpy as np

from graphsvc.analytics.compact import Compact, as_compact, check_choice
from graphsvc.model import messages as msg

#: Group-level E-I conventions: count a group's internal ties once, or sum its members' counts.
EI_CONVENTIONS = ("ties", "members")
#: Directed assortativity: Newman's r on the asymmetric mixing matrix, or on its symmetrisation.
DIRECTED_ASSORTATIVITY = ("newman", "symmetrized")

#: Why an E-I index is undefined: messages of the catalogue, so the report carries the English text
#: (``str``) and its stable ``code`` (``undefined_codes``), which the pages show in the user's language.
REASON_NO_TIES = msg.EI_NO_TIES()
REASON_ONE_GROUP = msg.EI_ONE_GROUP()
REASON_ISOLATE = msg.EI_ISOLATE()


def reason_code(reason) -> str | None:
    """The catalogue code of an undefined value's reason (None for None)."""
    return None if reason is None else reason.code


# --------------------------------------------------------------------------------------- mixing


def _mixing_counts(c: Compact, codes: np.ndarray, k: int, w: np.ndarray) -> np.ndarray:
    """k × k matrix C with C[g, h] = ties (or weight) stored u → v with u in g, v in h."""
    return np.bincount(codes[c.u] * k + codes[c.v], weights=w, minlength=k * k).reshape(k, k)


def _tie_matrix(counts: np.ndarray, directed: bool) -> np.ndarray:
    if directed:
        return counts
    return counts + counts.T - np.diag(np.diag(counts))


def _number(x):
    x = float(x)
    return int(x) if x.is_integer() else x


def mixing_matrix(G, attribute: str = "sector", *, weighted: bool = False, missing: str = "kind") -> dict:
    """Ties counted by the groups of their two ends.

    For an undirected graph the matrix is symmetric: ``M[g][h] = M[h][g]`` is the number of ties
    between groups g and h (g ≠ h) and ``M[g][g]`` the number of ties inside g, each tie counted
    once, so the upper triangle with the diagonal sums to the number of ties. For a directed
    graph ``M[g][h]`` counts arcs from g to h. (``networkx.attribute_mixing_matrix`` instead
    counts each undirected edge in both directions, doubling the diagonal.)

    Parameters
    ----------
    G : networkx graph
    attribute : str
        Node attribute to group by (default ``"sector"``).
    weighted : bool
        Sum tie weights (shared initiatives) instead of counting ties.
    missing : {"kind", "single"}
        Group of a node without the attribute (see the module docstring).

    Returns
    -------
    dict
        ``{"groups": [label, ...], "matrix": [[count, ...], ...]}``, rows and columns in the
        order of ``groups``; only groups with at least one node appear.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "b"}, "sector")
    >>> mixing_matrix(G)
    {'groups': ['a', 'b'], 'matrix': [[1, 1], [1, 1]]}

    References
    ----------
    M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003).
    """
    check_choice("weighted", weighted, (False, True))
    c = as_compact(G, weighted)
    codes, labels = c.groups(attribute, missing)
    k = len(labels)
    matrix = _tie_matrix(_mixing_counts(c, codes, k, c.weights(weighted)), c.directed)
    return {"groups": labels, "matrix": [[_number(x) for x in row] for row in matrix]}


def mixing_shares_and_ratios(matrix) -> dict:
    """The mixing matrix as row shares and as observed/expected ratios.

    ``row_shares[g][h]`` = M[g][h] / Σ_h M[g][h]: of the ties group g takes part in, the share
    with group h (the diagonal: inside g). ``expected[g][h]`` is the number of ties between g and
    h if ties were made at random given each group's tie ends ``D_g`` (its members' degrees, or
    strengths when weighted; the configuration model behind Newman's assortativity):
    ``D_g·D_h / 2m`` for g ≠ h and ``D_g² / 4m`` inside g, with m the number of ties (or total
    weight); ``ratio`` = observed / expected, above 1 more ties than chance, below 1 fewer. A row
    without ties has undefined shares and ratios (None). For the undirected matrix of
    :func:`mixing_matrix` only.

    Examples
    --------
    >>> r = mixing_shares_and_ratios([[1, 1], [1, 1]])
    >>> r["row_shares"], r["expected"]
    ([[0.5, 0.5], [0.5, 0.5]], [[0.75, 1.5], [1.5, 0.75]])
    >>> [[round(x, 3) for x in row] for row in r["ratio"]]
    [[1.333, 0.667], [0.667, 1.333]]

    References
    ----------
    M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003).
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.size == 0:
        return {"row_shares": [], "expected": [], "ratio": []}
    diag = np.diag(m)
    rows = m.sum(axis=1)
    ends = rows + diag  # a tie inside g has both its ends in g
    ties = float(np.triu(m).sum())
    expected = np.outer(ends, ends) / (2 * ties) if ties else np.zeros_like(m)
    if ties:
        np.fill_diagonal(expected, ends * ends / (4 * ties))

    def cell(a, b):
        return None if b == 0 else float(a / b)

    k = len(m)
    return {"row_shares": [[cell(m[g, h], rows[g]) for h in range(k)] for g in range(k)],
            "expected": [[float(expected[g, h]) if ties else None for h in range(k)] for g in range(k)],
            "ratio": [[cell(m[g, h], expected[g, h]) for h in range(k)] for g in range(k)]}


# ----------------------------------------------------------------------------------------- E-I


def _ei(external, internal):
    total = external + internal
    return None if total == 0 else float((external - internal) / total)


def _group_ei_parts(counts: np.ndarray, directed: bool, convention: str):
    """(internal, external) per group from the k × k stored-direction counts."""
    diag = np.diag(counts)
    # Ties (or arcs, sent and received) with exactly one end in the group.
    external = counts.sum(axis=1) + counts.sum(axis=0) - 2 * diag
    internal = diag if convention == "ties" else 2 * diag
    return internal, external


def _expected_parts(sizes: np.ndarray, directed: bool, convention: str):
    """Possible internal and external pairs given group sizes (network and per group)."""
    n = int(sizes.sum())
    factor = 1 if directed else 0.5
    possible = n * (n - 1) * factor
    internal_net = float((sizes * (sizes - 1)).sum() * factor)
    group_internal = sizes * (sizes - 1) * factor
    if convention == "members":
        group_internal = group_internal * 2
    group_external = sizes * (n - sizes) * (2 if directed else 1)
    return possible - internal_net, internal_net, group_external, group_internal


#: What the permutation test shuffles and which side it tests (reported with every p-value).
PERMUTATION_SCHEME = ("group labels are shuffled among the actors (each group keeps its size; the ties "
                      "and their weights stay where they are)")
PERMUTATION_ALTERNATIVE = ("one-sided, lower tail: p is the share of shuffles whose E-I is at most the observed "
                           "one (the group or network is more closed than chance)")


def _permutation_p(extreme, shuffles: int) -> float:
    """The permutation p-value (b + 1) / (m + 1): b of m random shuffles at least as extreme as
    the observed value. The observed labelling is itself one of the equally likely labellings, so
    counting it keeps the test exact and the p-value never 0 (the smallest is 1 / (m + 1)); b / m
    would reject too often.

    >>> _permutation_p(0, 999), _permutation_p(999, 999)
    (0.001, 1.0)

    References
    ----------
    B. Phipson and G. K. Smyth, "Permutation p-values should never be zero: calculating exact
    p-values when permutations are randomly drawn", Statistical Applications in Genetics and
    Molecular Biology 9(1), article 39 (2010). doi:10.2202/1544-6115.1585
    """
    return (int(extreme) + 1) / (shuffles + 1)


def _permutation_ei(codes, c: Compact, w, permutations: int, seed, observed, *, k: int | None = None,
                    group_observed=None, convention: str = "ties"):
    """E-I of the network — and of each group — after randomly reassigning group labels to nodes
    (sizes kept), ``permutations`` times with one seeded generator.

    The network's p-values are (b + 1) / (m + 1) over all m permutations (:func:`_permutation_p`);
    a group's count only the permutations in which its E-I is defined (its members have a tie).
    """
    rng = np.random.default_rng(seed)
    small = codes.astype(np.int64)  # numpy shuffles int64 fastest
    total = float(w.sum())
    binary = bool(np.all(w == 1))
    values = np.empty(permutations)
    k = int(small.max(initial=-1)) + 1 if k is None else k
    groups = group_observed is not None
    if groups:
        g_values = np.full((permutations, k), np.nan)
    # Narrow index and label types: the two gathers per permutation move 4-8× fewer bytes
    # (same values, same draws: the shuffle is of ``small``; only the copy is narrowed).
    index_type: type[np.signedinteger] = np.int32 if c.n < 2**31 else np.int64
    u, v = c.u.astype(index_type), c.v.astype(index_type)
    label_type = np.min_scalar_type(max(int(small.max(initial=0)), 0))
    # A group's tie ends are its members' degrees (strengths): one bincount over the nodes per
    # permutation instead of two over the ties.
    degree = (np.bincount(c.u, weights=w, minlength=c.n) + np.bincount(c.v, weights=w, minlength=c.n)) \
        if groups else None
    for i in range(permutations):
        p = rng.permutation(small).astype(label_type)
        pu, pv = p.take(u), p.take(v)
        same = pu == pv
        internal = float(np.count_nonzero(same)) if binary else float(w[same].sum())
        values[i] = (total - 2 * internal) / total
        if groups:
            ends = np.bincount(p, weights=degree, minlength=k)
            inside = np.bincount(pu[same], weights=None if binary else w[same], minlength=k).astype(np.float64)
            outside = ends - 2 * inside
            counted = inside if convention == "ties" else 2 * inside
            denominator = outside + counted
            with np.errstate(invalid="ignore", divide="ignore"):
                g_values[i] = np.where(denominator > 0, (outside - counted) / denominator, np.nan)
    tol = 1e-12
    p_le = _permutation_p(np.count_nonzero(values <= observed + tol), permutations)
    p_ge = _permutation_p(np.count_nonzero(values >= observed - tol), permutations)
    result = {
        "permutations": permutations,
        "seed": seed,
        "shuffled": PERMUTATION_SCHEME,
        "alternative": PERMUTATION_ALTERNATIVE,
        "mean": float(values.mean()),
        "sd": float(values.std(ddof=1)) if permutations > 1 else None,
        "min": float(values.min()),
        "max": float(values.max()),
        "p_le": p_le,
        "p_ge": p_ge,
        "p_two_sided": min(1.0, 2 * min(p_le, p_ge)),
    }
    if groups:
        result["groups"] = {}
        for g, obs in enumerate(group_observed):
            column = g_values[:, g]
            defined = column[~np.isnan(column)]
            if obs is None or len(defined) == 0:
                result["groups"][g] = None
                continue
            result["groups"][g] = {"p_le": _permutation_p(np.count_nonzero(defined <= obs + tol), len(defined)),
                                   "p_ge": _permutation_p(np.count_nonzero(defined >= obs - tol), len(defined)),
                                   "mean": float(defined.mean()), "defined": int(len(defined))}
    return result


def ei_index(G, attribute: str = "sector", *, weighted: bool = False, convention: str = "ties",
             missing: str = "kind", permutations: int = 0, seed: int | None = 0) -> dict:
    """Krackhardt–Stern E-I index of the network and of each group, with its expectation.

    .. math:: EI = \\frac{E - I}{E + I}

    E counts ties between different groups, I ties inside a group (weights summed when
    ``weighted``). −1 is a closed silo, +1 only outward ties.

    *Group level.* For group g, E is the number of ties with one end in g and the other outside.
    With ``convention="ties"`` (default; the definition in domain.md, "ties within a group") I is
    the number of ties inside g, each counted once. With ``convention="members"`` I is the sum
    of the members' internal ties, so every internal tie counts twice: this is what UCINET's
    group-level table reports (row sums of the adjacency matrix) and what summing the per-actor
    counts gives. The network value is the same under both conventions.

    *Expected value* (as UCINET reports it): the E-I index if every possible pair were tied,
    i.e. under random mixing given the group sizes (isolates included),
    ``E* = n(n-1)/2 - Σ n_g(n_g-1)/2``, ``I* = Σ n_g(n_g-1)/2``; per group
    ``E*_g = n_g (n - n_g)`` and ``I*_g = n_g(n_g-1)/2`` (doubled under ``"members"``).

    *Permutation test* (as UCINET runs it): group labels are shuffled among the nodes
    ``permutations`` times with a seeded generator, keeping the group sizes and leaving the ties
    where they are; with b of the m shuffles giving an E-I at most the observed one,
    ``p_le`` = (b + 1) / (m + 1) (evidence of a silo, the one-sided test we report as
    ``p_value``; the observed labelling counts as one of the labellings, so p is never 0 —
    Phipson and Smyth 2010), ``p_ge`` the same for shuffles at least as high,
    ``p_two_sided`` = min(1, 2·min(p_le, p_ge)). The same shuffles give each group's E-I too:
    ``group_p_values[g]`` is the one-sided ``p_le`` of group g among the shuffles in which its
    E-I is defined (None when the observed value is undefined or the test is skipped);
    ``permutation["groups"]`` has both tails. The same seed gives the same p-values.

    Parameters
    ----------
    G : networkx graph
    attribute : str
        Node attribute to group by.
    weighted : bool
        Sum tie weights instead of counting ties.
    convention : {"ties", "members"}
        Group-level count of internal ties, see above.
    missing : {"kind", "single"}
        Group of a node without the attribute.
    permutations : int
        Number of label permutations; 0 (default) skips the test.
    seed : int or None
        Seed of the permutations.

    Returns
    -------
    dict
        ``network``, ``groups`` ({group: value}), ``expected``, ``expected_groups``,
        ``p_value`` and ``permutation`` (None when skipped), ``group_p_values`` ({group: p}),
        ``internal``, ``external``,
        ``convention``, ``weighted``, and ``undefined``: ``{"network": reason or None,
        "groups": {group: reason}}``. A value is None when the network has no ties, has a single
        group, or (per group) the group has no ties.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "b"}, "sector")
    >>> r = ei_index(G)
    >>> round(r["network"], 4), r["groups"], round(r["expected"], 4)
    (-0.3333, {'a': 0.0, 'b': 0.0}, 0.3333)

    References
    ----------
    D. Krackhardt and R. N. Stern, "Informal networks and organizational crises: an experimental
    simulation", Social Psychology Quarterly 51(2), 123–140 (1988).
    S. P. Borgatti, M. G. Everett and L. C. Freeman, UCINET for Windows, "E-I Index" (2002).
    B. Phipson and G. K. Smyth, "Permutation p-values should never be zero", Stat. Appl. Genet.
    Mol. Biol. 9(1):39 (2010), doi:10.2202/1544-6115.1585.
    """
    check_choice("convention", convention, EI_CONVENTIONS)
    check_choice("weighted", weighted, (False, True))
    if not isinstance(permutations, int) or permutations < 0:
        raise ValueError(f"permutations must be a non-negative integer, not {permutations!r}")
    c = as_compact(G, weighted)
    codes, labels = c.groups(attribute, missing)
    return ei_from_compact(c, codes, labels, weighted=weighted, convention=convention,
                            permutations=permutations, seed=seed)


def ei_from_compact(c, codes, labels, *, weighted, convention, permutations, seed) -> dict:
    k = len(labels)
    w = c.weights(weighted)
    counts = _mixing_counts(c, codes, k, w)
    sizes = np.bincount(codes, minlength=k)
    internal = float(np.trace(counts))
    external = float(counts.sum() - internal)
    one_group = k < 2
    undefined_groups: dict = {}
    network_reason = REASON_ONE_GROUP if one_group else (REASON_NO_TIES if c.m == 0 else None)
    network = None if network_reason else _ei(external, internal)
    g_int, g_ext = _group_ei_parts(counts, c.directed, convention)
    groups = {}
    for i, label in enumerate(labels):
        value = None if one_group else _ei(g_ext[i], g_int[i])
        if value is None:
            undefined_groups[label] = REASON_ONE_GROUP if one_group else REASON_NO_TIES
        groups[label] = value
    e_net, i_net, e_grp, i_grp = _expected_parts(sizes.astype(np.float64), c.directed, convention)
    expected = None if one_group else _ei(e_net, i_net)
    expected_groups = {label: (None if one_group else _ei(e_grp[i], i_grp[i])) for i, label in enumerate(labels)}
    permutation = None
    group_p_values = {label: None for label in labels}
    if permutations and network is not None:
        permutation = _permutation_ei(codes, c, w, permutations, seed, network, k=k,
                                      group_observed=[groups[label] for label in labels], convention=convention)
        by_group = permutation.pop("groups")
        permutation["groups"] = {labels[g]: value for g, value in by_group.items()}
        group_p_values = {label: (value["p_le"] if value else None) for label, value in permutation["groups"].items()}
    return {
        "network": network,
        "groups": groups,
        "expected": expected,
        "expected_groups": expected_groups,
        "p_value": permutation["p_le"] if permutation else None,
        "group_p_values": group_p_values,
        "permutation": permutation,
        "internal": _number(internal),
        "external": _number(external),
        "convention": convention,
        "weighted": weighted,
        "undefined": {"network": network_reason, "groups": undefined_groups},
        "undefined_codes": {"network": reason_code(network_reason),
                            "groups": {g: reason_code(r) for g, r in undefined_groups.items()}},
    }


def actor_ei_index(G, attribute: str = "sector", *, weighted: bool = False, missing: str = "kind") -> dict:
    """E-I index of each actor's own ties: E = ties to other groups, I = ties to its own group.

    .. math:: EI_i = \\frac{E_i - I_i}{E_i + I_i}

    Directed graphs count arcs in both directions. Isolates, and every actor when there is a
    single group, get ``None``.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3)])
    >>> G.add_node(4)
    >>> nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "b"}, "sector")
    >>> actor_ei_index(G)
    {1: -1.0, 2: 0.0, 3: 1.0, 4: None}

    References
    ----------
    Krackhardt and Stern (1988), see :func:`ei_index`.
    """
    c = as_compact(G, weighted)
    codes, labels = c.groups(attribute, missing)
    values = _actor_ei(c, codes, len(labels), c.weights(weighted))
    return dict(zip(c.ids, values))


def _actor_ei(c: Compact, codes, k, w) -> list:
    n = c.n
    same = codes[c.u] == codes[c.v]
    total = np.bincount(c.u, weights=w, minlength=n) + np.bincount(c.v, weights=w, minlength=n)
    ws = w * same
    internal = np.bincount(c.u, weights=ws, minlength=n) + np.bincount(c.v, weights=ws, minlength=n)
    if k < 2:
        return [None] * n
    return [None if t == 0 else float((t - 2 * i) / t) for t, i in zip(total, internal)]


# --------------------------------------------------------------------------------- assortativity


def attribute_assortativity(G, attribute: str = "sector", *, weighted: bool = False,
                            directed: str = "newman", missing: str = "kind") -> float | None:
    """Newman's attribute assortativity coefficient r by group.

    .. math:: r = \\frac{\\sum_g e_{gg} - \\sum_g a_g b_g}{1 - \\sum_g a_g b_g}

    ``e`` is the mixing matrix normalised to sum 1 with each undirected tie counted in both
    directions, ``a`` its row sums and ``b`` its column sums. r = 1 is perfect sorting into
    groups, 0 random mixing, negative values prefer other groups. Computed on the simple
    projection: self-loops are ignored, parallel edges merged (``networkx`` would count them);
    ``weighted=True`` weights each tie by its weight. For a directed graph ``directed="newman"``
    (default, as ``networkx``) uses the asymmetric matrix, ``"symmetrized"`` uses e + eᵀ. The
    report's co-creation network is undirected, where both agree.

    Returns None when there are no ties or all tie ends fall in one group (r = 0/0).

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (3, 4), (2, 3)])
    >>> nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "b"}, "sector")
    >>> round(attribute_assortativity(G), 4)
    0.3333

    References
    ----------
    M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003), eq. (2).
    """
    check_choice("directed", directed, DIRECTED_ASSORTATIVITY)
    c = as_compact(G, weighted)
    codes, labels = c.groups(attribute, missing)
    return _assortativity(c, codes, len(labels), c.weights(weighted), directed)


def _assortativity(c: Compact, codes, k, w, directed="newman"):
    counts = _mixing_counts(c, codes, k, w)
    e = counts if (c.directed and directed == "newman") else counts + counts.T
    total = e.sum()
    if total == 0:
        return None
    e = e / total
    ab = float(e.sum(axis=1) @ e.sum(axis=0))
    if abs(1 - ab) < 1e-15:
        return None
    return float((np.trace(e) - ab) / (1 - ab))


# ------------------------------------------------------------------------------------------ Blau


def blau_index(G, attribute: str = "sector", *, weighted: bool = False, normalized: bool = False,
               missing: str = "kind") -> dict:
    """Blau's heterogeneity of each actor's partners' groups.

    .. math:: B_i = 1 - \\sum_g p_{ig}^2

    ``p_ig`` is the share of i's ties (or tie weight) that go to group g. 0 means all partners
    are in one group; the maximum is 1 − 1/k for k groups. ``normalized=True`` divides by
    1 − 1/k with k the number of groups in the network (the index of qualitative variation);
    that is 0/0, so None, with a single group. Isolates get None.

    Examples
    --------
    >>> G = nx.star_graph(3)
    >>> nx.set_node_attributes(G, {0: "a", 1: "a", 2: "b", 3: "c"}, "sector")
    >>> round(blau_index(G)[0], 4), blau_index(G)[1]
    (0.6667, 0.0)

    References
    ----------
    P. M. Blau, Inequality and Heterogeneity, Free Press (1977).
    """
    c = as_compact(G, weighted)
    codes, labels = c.groups(attribute, missing)
    return dict(zip(c.ids, _blau(c, codes, len(labels), c.weights(weighted), normalized)))


def _blau(c: Compact, codes, k, w, normalized=False) -> list:
    n = c.n
    keys = np.concatenate([c.u * k + codes[c.v], c.v * k + codes[c.u]])
    ww = np.concatenate([w, w])
    uniq, inv = np.unique(keys, return_inverse=True)
    per = np.bincount(inv, weights=ww)
    node = uniq // k
    total = np.bincount(node, weights=per, minlength=n)
    square = np.bincount(node, weights=per * per, minlength=n)
    scale = None if normalized and k < 2 else (1 - 1 / k if normalized else 1.0)
    out = []
    for t, s in zip(total, square):
        out.append(None if t == 0 or scale is None else float((1 - s / (t * t)) / scale))
    return out
