"""Co-creation share and the library's invited-vs-initiated counts (the report's figures 16–17).

These need the initiatives themselves, not only the projected network: whether an initiative
had an external partner, and who took the initiative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from graphsvc.analytics.compact import actor_lookup
from graphsvc.analytics.network import select_initiatives
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.vocab import PUBLIC_KINDS

REASON_NO_INITIATIVES = "no initiatives at this date: the share is 0/0"
REASON_NO_LIBRARIES = "no libraries at this date: the share is 0/0"
REASON_NO_INITIATOR = ("the initiator is unknown (data that does not come from a municipality): who invited whom "
                       "cannot be read, so the initiative is left out of the initiated and invited counts")


def _share(part, whole):
    return None if whole == 0 else part / whole


def cocreation(actors: Iterable[Actor] | Mapping[str, Actor], initiatives: Iterable[Initiative], *,
               at: date | None = None, view: str = "cumulative", libraries: Iterable[str] | None = None) -> dict:
    """How much of the work is co-creation, and how libraries meet the other municipal units.

    An initiative is *co-creation* when at least one partner is external (kind not in
    ``PUBLIC_KINDS``: an association, citizen group or business); otherwise it is internal
    collaboration only (domain.md: purely internal collaboration between municipal units is not
    co-creation).

    For each library at the date:

    * ``initiated_with_municipal_units``: initiatives it initiated that have at least one
      partner of kind ``municipal_unit`` (figure 17, "took such initiatives");
    * ``invited_by_municipal_units``: initiatives it is a partner in whose initiator is a
      municipal unit (figure 16, "was invited into co-creation by other municipal units");
    * ``initiated`` and ``partner_in``: all its initiatives as initiator and as partner.

    Any municipality counts; compare ``municipality`` on the actors to restrict. An initiative
    whose initiator is unknown counts in the co-creation share and in ``partner_in``, but not in
    ``initiated`` or the two municipal-unit counts; ``left_out`` says how many were left out and why.

    Parameters
    ----------
    actors : iterable of Actor, or {id: Actor}
    initiatives : iterable of Initiative
    at, view :
        The date and view, as in :func:`graphsvc.analytics.network.co_creation_graph`.
    libraries : iterable of str, optional
        The library ids to list; by default every library actor registered by ``at`` or a
        partner in a selected initiative.

    Returns
    -------
    dict
        ``initiatives``, ``with_external``, ``internal_only``, ``external_share``,
        ``internal_share``, ``libraries`` ({id: counts}), ``summary`` (number and share of
        libraries with at least one of each), ``undefined`` ({key: reason}).

    Examples
    --------
    >>> from graphsvc.model.entities import Partner
    >>> a = [Actor("lib", "Bibliotek", "library", "Drammen", sector="bibliotek"),
    ...      Actor("skole", "Skole", "municipal_unit", "Drammen", sector="skole"),
    ...      Actor("rk", "Røde Kors", "association", "Drammen")]
    >>> i = [Initiative("x", "Lesesirkel", date(2021, 1, 1), "skole", "library",
    ...                 (Partner("skole", "lead"), Partner("lib", "co_creator"))),
    ...      Initiative("y", "Språkkafé", date(2021, 2, 1), "lib", "library",
    ...                 (Partner("lib", "lead"), Partner("rk", "co_creator")))]
    >>> r = cocreation(a, i)
    >>> r["external_share"], r["libraries"]["lib"]["invited_by_municipal_units"]
    (0.5, 1)

    References
    ----------
    Biblioteket som samskaper, follow-up report (2024), figures 16–17 (shared/reference).
    """
    by_id = actor_lookup(actors)
    selected = select_initiatives(initiatives, at=at, view=view)
    if libraries is None:
        present = {p.actor for i in selected for p in i.partners}
        libraries = [a_id for a_id, a in by_id.items() if a.kind == "library"
                     and (a_id in present or at is None or a.registered is None or a.registered <= at)]
    counts = {lib: {"initiated": 0, "partner_in": 0, "initiated_with_municipal_units": 0,
                    "invited_by_municipal_units": 0} for lib in sorted(libraries)}
    kind_of = {a_id: a.kind for a_id, a in by_id.items()}
    public = PUBLIC_KINDS
    with_external = 0
    unknown = 0
    for initiative in selected:
        partners = [p.actor for p in initiative.partners]
        kinds = [kind_of[a] for a in partners]
        if not public.issuperset(kinds):
            with_external += 1
        initiator = initiative.initiator
        if initiator is None:
            unknown += 1
            for a in partners:
                if a in counts:
                    counts[a]["partner_in"] += 1
            continue
        mine = counts.get(initiator)
        if mine is not None:
            mine["initiated"] += 1
            if any(kind == "municipal_unit" for a, kind in zip(partners, kinds) if a != initiator):
                mine["initiated_with_municipal_units"] += 1
        invited_by_unit = kind_of[initiator] == "municipal_unit"
        for a in partners:
            if a != initiator and a in counts:
                counts[a]["partner_in"] += 1
                if invited_by_unit:
                    counts[a]["invited_by_municipal_units"] += 1
    return _summarise(len(selected), with_external, counts, unknown)


def cocreation_from_projection(projection, libraries: Iterable[str]) -> dict:
    """:func:`cocreation` from the report's array projection: the same counts without a second
    pass over the initiatives (tested equal)."""
    ties = projection.ties
    n, count = ties.n, len(projection.initiatives)
    kinds = ties.attrs["kind"]
    member, owner, initiator = projection.members, projection.member_of, projection.initiators
    external_node = np.fromiter((k not in PUBLIC_KINDS for k in kinds), dtype=bool, count=n)
    unit_node = np.fromiter((k == "municipal_unit" for k in kinds), dtype=bool, count=n)
    with_external = int(np.count_nonzero(np.bincount(owner, weights=external_node[member], minlength=count)))
    known = initiator >= 0                                # −1: the initiator is unknown
    other = member != initiator[owner]                    # partner rows that are not the initiator
    unit_partner = np.bincount(owner, weights=other & unit_node[member], minlength=count) > 0
    initiated = np.bincount(initiator[known], minlength=n)
    initiated_units = np.bincount(initiator[known], weights=unit_partner[known], minlength=n)
    partner_in = np.bincount(member[other], minlength=n)
    invited_by_unit = known[owner] & unit_node[np.where(known, initiator, 0)[owner]]
    invited = np.bincount(member[other & invited_by_unit], minlength=n)
    index = {a: i for i, a in enumerate(ties.ids)}
    counts = {}
    for lib in sorted(libraries):
        i = index[lib]
        counts[lib] = {"initiated": int(initiated[i]), "partner_in": int(partner_in[i]),
                       "initiated_with_municipal_units": int(initiated_units[i]),
                       "invited_by_municipal_units": int(invited[i])}
    return _summarise(count, with_external, counts, int(count - np.count_nonzero(known)))


def _summarise(total: int, with_external: int, counts: dict, unknown_initiator: int = 0) -> dict:
    n_lib = len(counts)
    initiated = sum(1 for c in counts.values() if c["initiated_with_municipal_units"])
    invited = sum(1 for c in counts.values() if c["invited_by_municipal_units"])
    undefined = {}
    if total == 0:
        undefined["external_share"] = undefined["internal_share"] = REASON_NO_INITIATIVES
    if n_lib == 0:
        undefined["summary"] = REASON_NO_LIBRARIES
    return {
        "initiatives": total,
        "with_external": with_external,
        "internal_only": total - with_external,
        "external_share": _share(with_external, total),
        "internal_share": _share(total - with_external, total),
        "libraries": counts,
        "summary": {
            "libraries": n_lib,
            "initiated_with_municipal_units": initiated,
            "invited_by_municipal_units": invited,
            "initiated_with_municipal_units_share": _share(initiated, n_lib),
            "invited_by_municipal_units_share": _share(invited, n_lib),
        },
        "undefined": undefined,
        "left_out": {"initiated_and_invited": unknown_initiator,
                     "reason": REASON_NO_INITIATOR if unknown_initiator else None},
    }
