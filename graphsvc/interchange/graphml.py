"""GraphML export and import (Gephi, yEd, igraph, networkx, Cytoscape), lossless.

Nodes are actors with every field as a plain ``<data>`` value (plus ``label`` for Gephi,
``kind_label``, ``public`` and the numbers ``partner_in`` and ``initiated``); edges are the
weighted co-creation ties with ``first``, ``last`` and the ``initiatives`` they come from (ids
joined by ``;``). Initiatives travel whole, as graphsvc/1 JSON, in the graph's own
``graphsvc_initiatives`` data (see :mod:`.records`), so ``from_graphml(to_graphml(a, i))`` gives
back the same actors and initiatives. Edge data is derived: :func:`from_graphml` ignores it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import networkx as nx

from graphsvc.interchange.filters import filter_network
from graphsvc.interchange.records import (
    actor_node_attributes,
    initiative_counts,
    initiatives_json,
    read_graph_file,
    tie_rows,
)
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.validation import FORMAT


def to_graphml(actors: Iterable[Actor], initiatives: Iterable[Initiative], *, at: date | None = None,
               view: str = "cumulative", municipality: str | None = None, sector: str | None = None,
               lang: str = "nb") -> bytes:
    """The network as a GraphML document (UTF-8 bytes); filters as in :func:`filter_network`;
    ``kind_label`` in ``lang``."""
    actors, initiatives = filter_network(actors, initiatives, at=at, view=view, municipality=municipality,
                                         sector=sector)
    graph: nx.Graph[str] = nx.Graph(format=FORMAT, graphsvc_initiatives=initiatives_json(initiatives))
    partner_in, initiated = initiative_counts(initiatives)
    for actor in sorted(actors, key=lambda a: a.id):
        graph.add_node(actor.id, label=actor.name, **actor_node_attributes(
            actor, partner_in=partner_in.get(actor.id, 0), initiated=initiated.get(actor.id, 0), lang=lang))
    for row in tie_rows(actors, initiatives):
        graph.add_edge(row["source"], row["target"], weight=row["weight"], first=row["first"].isoformat(),
                       last=row["last"].isoformat(), initiatives=";".join(row["initiatives"]))
    text = "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True, named_key_ids=True))
    return text.encode("utf-8")


def from_graphml(data: bytes | str) -> tuple[list[Actor], list[Initiative]]:
    """Actors and initiatives (sorted by id) from a file written by :func:`to_graphml`.

    Raises :class:`~graphsvc.model.errors.Invalid` when the file is not GraphML or its content
    breaks the data model (same checks and messages as the JSON import).
    """
    return read_graph_file(data, lambda stream: nx.read_graphml(stream, node_type=str, force_multigraph=False),
                           "GraphML", initiatives_of=lambda graph, raw: graph.graph.get("graphsvc_initiatives"))
