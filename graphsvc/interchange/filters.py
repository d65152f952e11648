"""One filter for every export: the network at a date, in a municipality, in a sector."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from graphsvc.analytics.network import select_initiatives
from graphsvc.model.entities import Actor, Initiative, normalise_key


def filter_network(actors: Iterable[Actor], initiatives: Iterable[Initiative], *, at: date | None = None,
                   view: str = "cumulative", municipality: str | None = None, sector: str | None = None,
                   ) -> tuple[list[Actor], list[Initiative]]:
    """The part of the network an export should contain; without options, everything.

    * ``at`` (with ``view``, as in :mod:`graphsvc.analytics.network`): the initiatives started by
      ``at`` (cumulative) or running at ``at`` (active), and the actors registered by then plus
      every partner of those initiatives.
    * ``municipality`` / ``sector`` (compared case- and space-insensitively) choose the *focus*
      actors. An initiative stays when at least one partner is a focus actor, and all of its
      partners stay with it, so the result is a consistent graphsvc/1 network: the focus actors
      with their direct co-creation partners, wherever those are.

    The result keeps the input order, so exports stay reproducible.
    """
    actors = list(actors)
    selected = select_initiatives(initiatives, at=at, view=view)
    if at is not None:
        involved = {a for i in selected for a in i.actor_ids}
        actors = [a for a in actors if a.registered is None or a.registered <= at or a.id in involved]
    if municipality is None and sector is None:
        return actors, selected

    wanted_municipality = normalise_key(municipality) if municipality is not None else None
    wanted_sector = normalise_key(sector) if sector is not None else None

    def in_focus(actor: Actor) -> bool:
        if wanted_municipality is not None and normalise_key(actor.municipality) != wanted_municipality:
            return False
        return wanted_sector is None or (actor.sector is not None and normalise_key(actor.sector) == wanted_sector)

    focus = {a.id for a in actors if in_focus(a)}
    kept = [i for i in selected if focus.intersection(i.actor_ids)]
    keep_ids = focus | {a for i in kept for a in i.actor_ids}
    return [a for a in actors if a.id in keep_ids], kept
