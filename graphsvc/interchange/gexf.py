"""GEXF 1.2 export and import for Gephi, as a dynamic graph so Gephi's timeline works.

* ``<graph mode="dynamic" timeformat="date">``; a node starts at its actor's ``registered`` date
  or its first initiative, whichever is earlier, and never ends; an edge has one ``<spell>`` per
  period in which at least one of its initiatives ran (overlapping initiatives merged; an ongoing
  one leaves the spell open).
* Node attributes are declared in ``<attributes class="node">`` (kind, sector, municipality,
  public, …); the label is the actor's name. Edge attributes: ``first``, ``last``,
  ``initiatives``; the edge ``weight`` is the number of shared initiatives.
* Lossless: initiatives travel whole in the node attribute ``initiated`` of their initiator
  (see :mod:`.records`), so ``from_gexf(to_gexf(a, i))`` gives back the same actors and initiatives.

Written and read with networkx's GEXF writer and reader (version ``1.2draft``, the default that
Gephi and networkx both read).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import networkx as nx

from graphsvc.interchange.filters import filter_network
from graphsvc.interchange.records import (
    actor_node_attributes,
    first_activity,
    initiated_by,
    merged_spells,
    read_graph_file,
    tie_rows,
)
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.validation import FORMAT

GEXF_VERSION = "1.2draft"


def to_gexf(actors: Iterable[Actor], initiatives: Iterable[Initiative], *, at: date | None = None,
            view: str = "cumulative", municipality: str | None = None, sector: str | None = None) -> bytes:
    """The network as a dynamic GEXF document (UTF-8 bytes); filters as in :func:`filter_network`."""
    actors, initiatives = filter_network(actors, initiatives, at=at, view=view, municipality=municipality,
                                         sector=sector)
    by_id = {i.id: i for i in initiatives}
    first = first_activity(initiatives)
    by_initiator = initiated_by(initiatives)
    graph: nx.Graph[str] = nx.Graph(mode="dynamic", name=FORMAT)
    for actor in sorted(actors, key=lambda a: a.id):
        starts = [d for d in (actor.registered, first.get(actor.id)) if d is not None]
        node = {"label": actor.name, **actor_node_attributes(actor, by_initiator.get(actor.id, []))}
        if starts:
            node["start"] = min(starts).isoformat()
        graph.add_node(actor.id, **node)
    for number, row in enumerate(tie_rows(actors, initiatives)):
        periods = [(by_id[i].started, by_id[i].ended) for i in row["initiatives"]]
        spells = [(s.isoformat(), e.isoformat() if e else None) for s, e in merged_spells(periods)]
        graph.add_edge(row["source"], row["target"], id=f"e{number}", weight=row["weight"], spells=spells,
                       first=row["first"].isoformat(), last=row["last"].isoformat(),
                       initiatives=";".join(row["initiatives"]))
    text = "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True, version=GEXF_VERSION))
    return text.encode("utf-8")


def from_gexf(data: bytes | str) -> tuple[list[Actor], list[Initiative]]:
    """Actors and initiatives (sorted by id) from a file written by :func:`to_gexf`.

    Raises :class:`~graphsvc.model.errors.Invalid` when the file is not GEXF or its content
    breaks the data model (same checks and messages as the JSON import).
    """
    return read_graph_file(data, lambda stream: nx.read_gexf(stream, node_type=str), "GEXF", name_key="label")
