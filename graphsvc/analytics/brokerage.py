"""Gould–Fernandez brokerage roles on the directed invitation network (initiator → partner).

An actor b brokers an ordered pair (a, c) when a → b → c, a ≠ c and there is no arc a → c.
The role depends on the groups of the three (b is in group B):

============== ================ ==============================================
role           path (a → b → c)  meaning
============== ================ ==============================================
coordinator    A → A → A        all three in one group
itinerant      A → B → A        an outsider links two members of one group
representative A → A → B        b passes from its own group to another
gatekeeper     A → B → B        b lets an outsider into its own group
liaison        A → B → C        three different groups
============== ================ ==============================================

(Some help pages, e.g. R ``sna::brokerage``, attach the representative and gatekeeper labels to
the wrong columns; the paths above are the definitions of Gould and Fernandez 1989, p. 93.)

The count is over ordered pairs of the binary arcs: weights and reciprocity are ignored except
that a → b → a is never a brokered pair. Computed in O(arcs · groups + transitive triples) with
numpy: per broker, all two-paths by role from in- and out-neighbour group counts, minus the
two-paths closed by an arc a → c.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from graphsvc.analytics.compact import Compact, closing_paths, from_graph

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


def brokerage(D, attribute: str = "sector", *, missing: str = "kind") -> dict:
    """The five Gould–Fernandez brokerage counts of every node of a directed graph.

    .. math:: \\mathrm{role}_b = \\#\\{(a, c) : a \\to b \\to c,\\ a \\ne c,\\ a \\not\\to c,
              \\ (g_a, g_b, g_c) \\text{ of that role}\\}

    Parameters
    ----------
    D : networkx.DiGraph
        The invitation network (:func:`graphsvc.analytics.network.invitation_graph`).
    attribute : str
        Node attribute giving the groups (``"sector"`` by default).
    missing : {"kind", "single"}
        Group of a node without the attribute, as in :mod:`graphsvc.analytics.silo`.

    Returns
    -------
    dict
        ``{node: {"coordinator": n, "itinerant": n, "gatekeeper": n, "representative": n,
        "liaison": n}}``; every count is defined (0 for a node that brokers nothing).

    Examples
    --------
    >>> D = nx.DiGraph([("s", "lib"), ("lib", "h")])
    >>> nx.set_node_attributes(D, {"s": "skole", "lib": "bibliotek", "h": "helse"}, "sector")
    >>> brokerage(D)["lib"]["liaison"]
    1
    >>> nx.set_node_attributes(D, {"h": "bibliotek"}, "sector")
    >>> brokerage(D)["lib"]["gatekeeper"]
    1

    References
    ----------
    R. V. Gould and R. M. Fernandez, "Structures of mediation: a formal approach to brokerage in
    transaction networks", Sociological Methodology 19, 89–126 (1989).
    """
    if not isinstance(D, nx.DiGraph):
        raise ValueError("brokerage needs a directed graph (initiator → partner)")
    c = from_graph(D, weight=None)
    codes, labels = c.groups(attribute, missing)
    counts = brokerage_counts(c, codes, len(labels))
    return {node: dict(zip(ROLES, map(int, row))) for node, row in zip(c.ids, counts)}


def _role(ga, gb, gc) -> np.ndarray:
    """Role index (position in ROLES) of paths a → b → c from group codes."""
    role = np.full(len(ga), 4)                           # liaison
    role[(ga != gb) & (ga == gc)] = 1                    # itinerant
    role[(ga != gb) & (gb == gc)] = 2                    # gatekeeper
    role[(ga == gb) & (gb != gc)] = 3                    # representative
    role[(ga == gb) & (gb == gc)] = 0                    # coordinator
    return role


def brokerage_counts(c: Compact, codes: np.ndarray, k: int) -> np.ndarray:
    """n × 5 array of role counts (columns in ROLES order)."""
    n = c.n
    src, dst = c.u, c.v
    ga, gc = codes[src], codes[dst]
    same_arc = ga == gc
    in_total = np.bincount(dst, minlength=n).astype(np.int64)
    out_total = np.bincount(src, minlength=n).astype(np.int64)
    in_same = np.bincount(dst, weights=same_arc, minlength=n).astype(np.int64)
    out_same = np.bincount(src, weights=same_arc, minlength=n).astype(np.int64)
    # Σ_g In_b[g] · Out_b[g] over all groups g, from sparse (broker, group) counts.
    in_keys, in_cnt = np.unique(dst * k + ga, return_counts=True)
    out_keys, out_cnt = np.unique(src * k + gc, return_counts=True)
    common, ii, oi = np.intersect1d(in_keys, out_keys, assume_unique=True, return_indices=True)
    same_group_pairs = np.bincount(common // k, weights=in_cnt[ii] * out_cnt[oi], minlength=n).astype(np.int64)
    other_same_pairs = same_group_pairs - in_same * out_same  # g_a = g_c ≠ g_b
    # a → b → a (a = c) is not a pair; it falls in coordinator or itinerant.
    keys = np.sort(src * n + dst)
    reciprocal = np.isin(dst * n + src, keys, assume_unique=True)
    rec_same = np.bincount(dst[reciprocal], weights=same_arc[reciprocal], minlength=n).astype(np.int64)
    rec_other = np.bincount(dst[reciprocal], weights=~same_arc[reciprocal], minlength=n).astype(np.int64)
    out = np.zeros((n, 5), dtype=np.int64)
    out[:, 0] = in_same * out_same - rec_same
    out[:, 1] = other_same_pairs - rec_other
    out[:, 2] = (in_total - in_same) * out_same
    out[:, 3] = in_same * (out_total - out_same)
    out[:, 4] = (in_total - in_same) * (out_total - out_same) - other_same_pairs
    # Remove the two-paths closed by a direct arc a → c.
    order = np.argsort(src * n + dst)
    s_src, s_dst = src[order], dst[order]
    for ab, bc, _ in closing_paths(s_src, s_dst, n):
        b = s_dst[ab]
        role = _role(codes[s_src[ab]], codes[b], codes[s_dst[bc]])
        out -= np.bincount(b * 5 + role, minlength=n * 5).reshape(n, 5)
    return out

