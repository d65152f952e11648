"""GEXF 1.2 export and import for Gephi, as a dynamic graph so Gephi's timeline works.

* ``<graph mode="dynamic" timeformat="date">``; a node starts at its actor's ``registered`` date
  or its first initiative, whichever is earlier, and never ends; an edge has one ``<spell>`` per
  period in which at least one of its initiatives ran (overlapping initiatives merged; an ongoing
  one leaves the spell open).
* Node attributes are declared in ``<attributes class="node">`` (kind, kind_label, sector,
  municipality, public, tags, the numbers partner_in and initiated, …), plain values Gephi can
  filter on; the label is the actor's name. Edge attributes: ``first``, ``last``,
  ``initiatives``; the edge ``weight`` is the number of shared initiatives.
* Lossless: the initiatives travel whole, as graphsvc/1 JSON, in the file's
  ``<meta><description>`` (GEXF has no graph attributes; see :mod:`.records`), so
  ``from_gexf(to_gexf(a, i))`` gives back the same actors and initiatives.

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
    initiative_counts,
    initiatives_json,
    merged_spells,
    read_graph_file,
    tie_rows,
)
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.validation import FORMAT

GEXF_VERSION = "1.2draft"
_NS = "{http://www.gexf.net/1.2draft}"


def to_gexf(actors: Iterable[Actor], initiatives: Iterable[Initiative], *, at: date | None = None,
            view: str = "cumulative", municipality: str | None = None, sector: str | None = None,
            lang: str = "nb") -> bytes:
    """The network as a dynamic GEXF document (UTF-8 bytes); filters as in :func:`filter_network`;
    ``kind_label`` in ``lang``."""
    actors, initiatives = filter_network(actors, initiatives, at=at, view=view, municipality=municipality,
                                         sector=sector)
    by_id = {i.id: i for i in initiatives}
    first = first_activity(initiatives)
    partner_in, initiated = initiative_counts(initiatives)
    graph: nx.Graph[str] = nx.Graph(mode="dynamic", name=FORMAT)
    for actor in sorted(actors, key=lambda a: a.id):
        starts = [d for d in (actor.registered, first.get(actor.id)) if d is not None]
        node = {"label": actor.name, **actor_node_attributes(actor, partner_in=partner_in.get(actor.id, 0),
                                                              initiated=initiated.get(actor.id, 0), lang=lang)}
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
    return _with_description(text, initiatives_json(initiatives)).encode("utf-8")


def _with_description(text: str, payload: str) -> str:
    """networkx writes no ``<description>``: put the initiatives there, XML-escaped."""
    from xml.sax.saxutils import escape

    marker = "</creator>"
    if marker not in text:
        raise ValueError("networkx wrote GEXF without <meta><creator>")
    return text.replace(marker, f"{marker}\n    <description>{escape(payload)}</description>", 1)


def _description(graph, raw: bytes) -> str | None:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(raw)
    found = root.find(f"{_NS}meta/{_NS}description")
    return found.text if found is not None else None


def from_gexf(data: bytes | str) -> tuple[list[Actor], list[Initiative]]:
    """Actors and initiatives (sorted by id) from a file written by :func:`to_gexf`.

    Raises :class:`~graphsvc.model.errors.Invalid` when the file is not GEXF or its content
    breaks the data model (same checks and messages as the JSON import).
    """
    return read_graph_file(data, lambda stream: nx.read_gexf(stream, node_type=str), "GEXF", name_key="label",
                           initiatives_of=_description)
