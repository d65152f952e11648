"""The co-creation network: the one-mode projection of actor × initiative, at a date.

Definitions (../shared/domain.md, "The network" and "Time"):

* Two actors are tied when they are partners in the same initiative; the tie's ``weight`` is the
  number of initiatives they share, ``first`` the earliest and ``last`` the latest start date of
  those initiatives, ``initiatives`` their ids (sorted).
* The directed invitation graph has a tie initiator → every other partner of each initiative
  ("who invited whom"), weighted the same way; an initiative whose initiator is unknown (None)
  adds no invitation ties.
* At a date ``t``, the *cumulative* view holds the initiatives started on or before ``t``; the
  *active* view those running at ``t`` (started on or before ``t`` and not ended before ``t``).
  Without a date every initiative counts.
* Nodes at ``t`` are the actors registered on or before ``t`` (an actor without a registration
  date always counts) plus every partner of a selected initiative, so isolates are kept: silo
  metrics must see actors that have no ties yet.

Partners of one initiative are distinct (validation refuses repeats), so the projection has no
self-loops and, being a simple graph with weights, no parallel edges.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import combinations

import networkx as nx

from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.vocab import VIEWS


def check_view(view: str) -> str:
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    return view


def select_initiatives(initiatives: Iterable[Initiative], *, at: date | None = None,
                       view: str = "cumulative") -> list[Initiative]:
    """The initiatives that belong to the network at ``at`` in the given view."""
    check_view(view)
    if at is None:
        return list(initiatives)
    if view == "cumulative":
        return [i for i in initiatives if i.started <= at]
    return [i for i in initiatives if i.running_at(at)]


def actor_attributes(actor: Actor) -> dict:
    """Node attributes: what analytics group by and what maps show."""
    return {
        "name": actor.name,
        "kind": actor.kind,
        "sector": actor.sector,
        "municipality": actor.municipality,
        "public": actor.is_public,
        "service_model": actor.service_model,
        "registered": actor.registered,
    }


def _add_nodes(graph: nx.Graph, actors: Iterable[Actor], selected: list[Initiative], at: date | None) -> None:
    by_id = {a.id: a for a in actors}
    keep = {a_id for a_id, a in by_id.items() if at is None or a.registered is None or a.registered <= at}
    for initiative in selected:
        keep.update(initiative.actor_ids)
    for actor_id in sorted(keep):
        actor = by_id.get(actor_id)
        if actor is not None:
            graph.add_node(actor_id, **actor_attributes(actor))


def _add_tie(graph: nx.Graph, u: str, v: str, initiative: Initiative) -> None:
    if graph.has_edge(u, v):
        data = graph[u][v]
        data["weight"] += 1
        data["first"] = min(data["first"], initiative.started)
        data["last"] = max(data["last"], initiative.started)
        data["initiatives"].append(initiative.id)
    else:
        graph.add_edge(u, v, weight=1, first=initiative.started, last=initiative.started,
                       initiatives=[initiative.id])


def co_creation_graph(actors: Iterable[Actor], initiatives: Iterable[Initiative], *,
                      at: date | None = None, view: str = "cumulative") -> nx.Graph:
    """The undirected, weighted co-creation network at ``at``.

    >>> from graphsvc.model.entities import Actor, Initiative, Partner
    >>> a = [Actor("lib", "Bibliotek", "library", "Drammen", sector="bibliotek"),
    ...      Actor("rk", "Røde Kors", "association", "Drammen")]
    >>> i = Initiative("kafe", "Språkkafé", date(2021, 2, 1), "lib", "library",
    ...                (Partner("lib", "lead"), Partner("rk", "co_creator")))
    >>> g = co_creation_graph(a, [i], at=date(2021, 3, 1))
    >>> g["lib"]["rk"]["weight"], g.number_of_nodes()
    (1, 2)
    """
    selected = select_initiatives(initiatives, at=at, view=view)
    graph: nx.Graph[str] = nx.Graph(at=at, view=view, initiatives=len(selected))
    _add_nodes(graph, actors, selected, at)
    for initiative in selected:
        for u, v in combinations(sorted(set(initiative.actor_ids)), 2):
            _add_tie(graph, u, v, initiative)
    for _, _, data in graph.edges(data=True):
        data["initiatives"].sort()
    return graph


def invitation_graph(actors: Iterable[Actor], initiatives: Iterable[Initiative], *,
                     at: date | None = None, view: str = "cumulative") -> nx.DiGraph:
    """The directed network initiator → partner ("who invited whom"), weighted by initiatives."""
    selected = select_initiatives(initiatives, at=at, view=view)
    graph: nx.DiGraph[str] = nx.DiGraph(at=at, view=view, initiatives=len(selected))
    _add_nodes(graph, actors, selected, at)
    for initiative in selected:
        if initiative.initiator is None:
            continue
        for partner in sorted(set(initiative.actor_ids) - {initiative.initiator}):
            _add_tie(graph, initiative.initiator, partner, initiative)
    for _, _, data in graph.edges(data=True):
        data["initiatives"].sort()
    return graph
