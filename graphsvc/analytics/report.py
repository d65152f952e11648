"""The silo report: every silo metric of issue 3 at one date, as one JSON-ready dict.

The API (``GET /api/v1/metrics/silo``), the CLI (``graphsvc metrics``) and the metrics page all
call :func:`silo_report`. It projects the initiatives straight into arrays (the same network
as ``co_creation_graph``/``invitation_graph``, tested) instead of building networkx graphs,
then runs the metric kernels of :mod:`.silo`, :mod:`.structural` and :mod:`.brokerage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from graphsvc.analytics import silo, structural
from graphsvc.analytics.brokerage import ROLES, brokerage_counts
from graphsvc.analytics.cocreation import cocreation_from_projection
from graphsvc.analytics.compact import MISSING, check_choice, from_domain, from_rows
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, normalise_key
from graphsvc.model.vocab import GROUP_BY, VIEWS

DEFAULT_PERMUTATIONS = 1000
DEFAULT_BETWEENNESS_K = 256


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, not {value!r}")


def silo_report(actors: Iterable[Actor] | Mapping[str, Actor], initiatives: Iterable[Initiative], *,
                at: date | None = None, view: str = "cumulative", group_by: str = "sector",
                weighted: bool = False, convention: str = "ties", missing: str = "kind",
                permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0,
                betweenness_k: int = DEFAULT_BETWEENNESS_K, exact_betweenness: bool = False,
                library_tag: str | None = None) -> dict:
    """All silo metrics of the co-creation network at ``at``, JSON-ready.

    Parameters
    ----------
    actors : iterable of Actor, or {id: Actor}
    initiatives : iterable of Initiative
    at : date, optional
        The date; None takes every initiative.
    view : {"cumulative", "active"}
        Initiatives started by ``at``, or running at ``at``.
    group_by : {"sector", "kind", "municipality"}
        The group attribute. Actors without it (externals have no sector) are grouped by kind as
        ``"(association)"`` etc. (``missing="kind"``) or together as ``"(none)"``
        (``missing="single"``).
    weighted : bool
        Weight ties by shared initiatives in the mixing matrix, E-I, assortativity, Blau,
        constraint, effective size and modularity. Betweenness and brokerage always use
        binary ties.
    convention : {"ties", "members"}
        Group-level E-I: a group's internal ties counted once (default) or its members' sums
        (UCINET); see :func:`graphsvc.analytics.silo.ei_index`.
    permutations : int
        Label permutations for the E-I p-value (0 skips the test).
    seed : int
        One seed for the permutations, the betweenness sample and Louvain.
    betweenness_k : int
        Sampled source nodes when the network has more than
        ``structural.BETWEENNESS_EXACT_UP_TO`` actors.
    exact_betweenness : bool
        Exact betweenness whatever the size (slow above ~10,000 actors: a background job).
    library_tag : str, optional
        List in ``cocreation["libraries"]`` only the libraries carrying this tag (compared case-
        and space-insensitively), e.g. ``"biblioteket-som-samskaper"`` for the pilot libraries.
        Only the co-creation section changes; every other metric covers the whole network.

    Returns
    -------
    dict
        ``at`` (ISO date or None), ``view``, ``group_by``, ``weighted``, ``parameters``,
        ``counts``, ``groups`` ({group: {actors, ties_internal, ties_external}}),
        ``mixing_matrix`` ({groups, matrix, row_shares, expected, ratio}, see
        ``silo.mixing_shares_and_ratios``), ``ei_index`` (see ``silo.ei_index``, with
        ``group_p_values``),
        ``assortativity`` ({value, weighted, reason}), ``actors`` ({id: {name, kind, group,
        degree, strength, ei_index, betweenness, constraint, effective_size, blau, brokerage
        {5 roles}, community, undefined {metric: reason}}}), ``betweenness`` ({method, k,
        seed, normalized}), ``communities`` ({method, seed, weighted, count, sizes, modularity,
        group_modularity, composition, undefined}), ``cocreation`` (see
        ``cocreation.cocreation``), ``left_out`` (a list: which initiatives a measure left out
        and why, e.g. brokerage and the invited/initiated counts leave out initiatives whose
        initiator is unknown) and ``unknown`` (how many actors have no municipality, grouped by
        their kind when grouping by municipality, and how many initiatives no initiator). Values
        that are 0/0 are None with a reason next to them.
    """
    _check_parameters(view=view, group_by=group_by, weighted=weighted, convention=convention, missing=missing,
                      exact_betweenness=exact_betweenness, permutations=permutations, seed=seed,
                      betweenness_k=betweenness_k, library_tag=library_tag)
    return _report(from_domain(actors, initiatives, at=at, view=view), at=at, view=view, group_by=group_by,
                   weighted=weighted, convention=convention, missing=missing, permutations=permutations,
                   seed=seed, betweenness_k=betweenness_k, exact_betweenness=exact_betweenness,
                   library_tag=library_tag)


def silo_report_from_rows(rows, *, at: date | None = None, view: str = "cumulative", group_by: str = "sector",
                          weighted: bool = False, convention: str = "ties", missing: str = "kind",
                          permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0,
                          betweenness_k: int = DEFAULT_BETWEENNESS_K, exact_betweenness: bool = False,
                          library_tag: str | None = None) -> dict:
    """:func:`silo_report` from a store's plain columns (``Store.network_rows()``) instead of
    domain objects: the same result (tested), the cold path of the service."""
    _check_parameters(view=view, group_by=group_by, weighted=weighted, convention=convention, missing=missing,
                      exact_betweenness=exact_betweenness, permutations=permutations, seed=seed,
                      betweenness_k=betweenness_k, library_tag=library_tag)
    return _report(from_rows(rows, at=at, view=view), at=at, view=view, group_by=group_by,
                   weighted=weighted, convention=convention, missing=missing, permutations=permutations,
                   seed=seed, betweenness_k=betweenness_k, exact_betweenness=exact_betweenness,
                   library_tag=library_tag)


def _check_parameters(*, view, group_by, weighted, convention, missing, exact_betweenness, permutations, seed,
                      betweenness_k, library_tag) -> None:
    check_choice("view", view, VIEWS)
    check_choice("group_by", group_by, GROUP_BY)
    check_choice("weighted", weighted, (False, True))
    check_choice("convention", convention, silo.EI_CONVENTIONS)
    check_choice("missing", missing, MISSING)
    check_choice("exact_betweenness", exact_betweenness, (False, True))
    _check_int("permutations", permutations, 0)
    _check_int("betweenness_k", betweenness_k, 1)
    _check_int("seed", seed, 0)
    if library_tag is not None and (not isinstance(library_tag, str) or not library_tag.strip()):
        raise ValueError(f"library_tag must be a non-empty string or None, not {library_tag!r}")


def _report(projection, *, at, view, group_by, weighted, convention, missing, permutations, seed, betweenness_k,
            exact_betweenness, library_tag) -> dict:
    ties, arcs = projection.ties, projection.arcs
    codes, labels = ties.groups(group_by, missing)
    k = len(labels)
    w = ties.weights(weighted)
    n = ties.n

    counts = silo._mixing_counts(ties, codes, k, w)
    matrix = silo._tie_matrix(counts, False)
    ei = silo.ei_from_compact(ties, codes, labels, weighted=weighted, convention=convention,
                               permutations=permutations, seed=seed)
    r = silo._assortativity(ties, codes, k, w)
    r_reason = None
    if r is None:
        r_reason = msg.ASSORTATIVITY_NO_TIES() if ties.m == 0 else msg.ASSORTATIVITY_ONE_GROUP()

    # Per actor.
    degree = ties.degree()
    strength = (np.bincount(ties.u, weights=ties.weight, minlength=n)
                + np.bincount(ties.v, weights=ties.weight, minlength=n))
    actor_ei = silo._actor_ei(ties, codes, k, w)
    blau = silo._blau(ties, codes, k, w)
    cons, eff = structural._holes(ties, weighted)
    graph = structural.to_igraph(ties)
    sampled = not exact_betweenness and n > structural.BETWEENNESS_EXACT_UP_TO and betweenness_k < n
    between = structural._betweenness(ties, k=betweenness_k if sampled else None, seed=seed, graph=graph)
    roles = brokerage_counts(arcs, codes, k) if arcs.m else np.zeros((n, 5), dtype=np.int64)
    membership, sizes, q = structural._louvain(ties, weighted=weighted, seed=seed, graph=graph)
    q_groups = structural._modularity(ties, codes, weighted=weighted)

    reason_ei = silo.REASON_ONE_GROUP if k < 2 else silo.REASON_ISOLATE
    actors_out = {}
    for i, actor_id in enumerate(ties.ids):
        undefined = {}
        if actor_ei[i] is None:
            undefined["ei_index"] = reason_ei
        if degree[i] == 0:
            undefined["blau"] = msg.BLAU_ISOLATE()
            undefined["constraint"] = undefined["effective_size"] = structural.REASON_ISOLATE
        actors_out[actor_id] = {
            "name": projection.names[i],
            "kind": ties.attrs["kind"][i],
            "group": labels[codes[i]],
            "degree": int(degree[i]),
            "strength": _num(strength[i]),
            "ei_index": actor_ei[i],
            "betweenness": between[i],
            "constraint": cons[i],
            "effective_size": eff[i],
            "blau": blau[i],
            "brokerage": dict(zip(ROLES, map(int, roles[i]))),
            "community": membership[i],
            "undefined": undefined,
        }

    composition: dict[int, dict[str, int]] = {}
    for community, group in zip(membership, codes):
        composition.setdefault(community, {}).setdefault(labels[group], 0)
        composition[community][labels[group]] += 1
    sizes_g = np.bincount(codes, minlength=k)
    g_int, g_ext = silo._group_ei_parts(counts, False, "ties")
    return {
        "at": at.isoformat() if at else None,
        "view": view,
        "group_by": group_by,
        "weighted": weighted,
        "parameters": {"convention": convention, "missing": missing, "permutations": permutations,
                       "seed": seed, "betweenness_k": betweenness_k, "exact_betweenness": exact_betweenness,
                       "library_tag": library_tag},
        "counts": {"actors": n, "ties": ties.m, "initiatives": len(projection.initiatives),
                   "invitations": arcs.m, "isolates": int((degree == 0).sum()), "groups": k},
        "groups": {label: {"actors": int(sizes_g[g]), "ties_internal": _num(g_int[g]),
                           "ties_external": _num(g_ext[g])} for g, label in enumerate(labels)},
        "mixing_matrix": {"groups": labels, "matrix": [[_num(x) for x in row] for row in matrix],
                          **silo.mixing_shares_and_ratios(matrix)},
        "ei_index": ei,
        "assortativity": {"value": r, "weighted": weighted, "reason": r_reason,
                          "reason_code": silo.reason_code(r_reason)},
        "actors": actors_out,
        "betweenness": {"method": "sampled" if sampled else "exact", "k": betweenness_k if sampled else None,
                        "seed": seed if sampled else None, "normalized": True, "weighted": False},
        "communities": {
            "method": "louvain", "seed": seed, "resolution": 1.0, "weighted": weighted,
            "count": len(sizes), "sizes": sizes, "modularity": q, "group_modularity": q_groups,
            "composition": [composition.get(c, {}) for c in range(len(sizes))],
            "undefined": {} if q is not None else {"modularity": msg.MODULARITY_NO_TIES(),
                                                   "group_modularity": msg.MODULARITY_NO_TIES()},
        },
        "cocreation": cocreation_from_projection(projection, _libraries(projection, library_tag)),
        "left_out": _left_out(projection),
        "unknown": {"municipality": sum(1 for m in ties.attrs["municipality"] if m in (None, "")),
                    "initiator": int(np.count_nonzero(projection.initiators < 0))},
    }


#: How many left-out initiatives a report names (the count is always complete).
LEFT_OUT_NAMED = 100


def _left_out(projection) -> list[dict]:
    """The initiatives a measure had to leave out, and why: brokerage (initiator → partner arcs)
    and the invited/initiated counts need the initiator, which data from outside a municipality
    may not have."""
    unknown = np.flatnonzero(projection.initiators < 0)
    if not len(unknown):
        return []
    ids = sorted(_initiative_id(projection.initiatives[i]) for i in unknown.tolist())
    return [{"measures": ["brokerage", "initiated_with_municipal_units", "invited_by_municipal_units"],
             "count": len(ids), "initiatives": ids[:LEFT_OUT_NAMED],
             "reason": "the initiator is unknown: who invited whom cannot be read from these initiatives"}]


def _initiative_id(item) -> str:
    return item if isinstance(item, str) else item.id


def _libraries(projection, tag: str | None) -> list[str]:
    """The library actors of the network, only those tagged ``tag`` when given."""
    ties = projection.ties
    if tag is None:
        return [a for a, kind in zip(ties.ids, ties.attrs["kind"]) if kind == "library"]
    key = normalise_key(tag)
    return [a for a, kind, tags in zip(ties.ids, ties.attrs["kind"], projection.tags)
            if kind == "library" and any(normalise_key(t) == key for t in tags)]


def _num(x):
    x = float(x)
    return int(x) if x.is_integer() else x
