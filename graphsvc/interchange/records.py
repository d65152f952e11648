"""Actors, initiatives and ties as flat records: the shared core of every export format.

Lossless formats (GraphML, GEXF) carry each actor's fields as node attributes and each
initiative, whole and in ``graphsvc/1`` shape, as JSON in the node attribute ``initiated`` of its
initiator (the initiator is always a partner, so every initiative sits on exactly one node of its
own network). Reading rebuilds a ``graphsvc/1`` document and checks it with the same validation
as the JSON import, so a hand-edited file is refused with the same messages.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from graphsvc.analytics.network import co_creation_graph
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid
from graphsvc.model.serialize import initiative_to_dict
from graphsvc.model.validation import FORMAT, parse_document

#: Optional actor fields, written only when set.
OPTIONAL_ACTOR_FIELDS = ("sector", "municipality_number", "org_number", "service_model")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def actor_node_attributes(actor: Actor, initiated: list[Initiative]) -> dict:
    """Node attributes of one actor; ``None`` fields are left out (GraphML/GEXF have no null)."""
    data = {"name": actor.name, "kind": actor.kind, "municipality": actor.municipality,
            "public": actor.is_public}
    for name in OPTIONAL_ACTOR_FIELDS:
        value = getattr(actor, name)
        if value is not None:
            data[name] = value
    if actor.registered is not None:
        data["registered"] = actor.registered.isoformat()
    data["tags"] = _json(list(actor.tags))
    data["initiated"] = _json([initiative_to_dict(i) for i in sorted(initiated, key=lambda i: i.id)])
    return data


def initiated_by(initiatives: Iterable[Initiative]) -> dict[str, list[Initiative]]:
    result: dict[str, list[Initiative]] = defaultdict(list)
    for initiative in initiatives:
        result[initiative.initiator].append(initiative)
    return result


def document_from_nodes(nodes: Iterable[tuple[str, Mapping]], *, name_key: str = "name") -> dict:
    """A ``graphsvc/1`` document from (node id, attributes) pairs written by :func:`actor_node_attributes`."""
    actors, initiatives = [], []
    for node_id, data in nodes:
        actor = {"id": str(node_id), "name": data.get(name_key), "kind": data.get("kind"),
                 "municipality": data.get("municipality")}
        for name in (*OPTIONAL_ACTOR_FIELDS, "registered"):
            if data.get(name) not in (None, ""):
                actor[name] = str(data[name])
        tags = data.get("tags")
        if tags not in (None, ""):
            actor["tags"] = _loads(tags, msg.NODE_TAGS_NOT_JSON, node_id)
        actors.append(actor)
        initiated = data.get("initiated")
        if initiated not in (None, ""):
            initiatives.extend(_loads(initiated, msg.NODE_INITIATED_NOT_JSON, node_id))
    return {"format": FORMAT, "actors": actors, "initiatives": initiatives}


def _loads(text, problem: msg.MessageCode, node_id):
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise Invalid(problem(node=str(node_id), reason=str(exc))) from exc


def parse_nodes(nodes: Iterable[tuple[str, Mapping]], *, name_key: str = "name"
                ) -> tuple[list[Actor], list[Initiative]]:
    """Validated actors and initiatives (sorted by id) from node attributes."""
    actors, initiatives = parse_document(document_from_nodes(nodes, name_key=name_key))
    return sorted(actors, key=lambda a: a.id), sorted(initiatives, key=lambda i: i.id)


def tie_rows(actors: Iterable[Actor], initiatives: Iterable[Initiative]) -> list[dict]:
    """The co-creation ties (one-mode projection), one row per actor pair, sorted.

    Columns: ``source``, ``target`` (ids, source < target), ``weight`` (shared initiatives),
    ``first`` / ``last`` (earliest / latest start date), ``initiatives`` (ids, sorted).
    """
    graph = co_creation_graph(actors, initiatives)
    rows = []
    for u, v, data in graph.edges(data=True):
        source, target = sorted((u, v))
        rows.append({"source": source, "target": target, "weight": data["weight"], "first": data["first"],
                     "last": data["last"], "initiatives": list(data["initiatives"])})
    rows.sort(key=lambda r: (r["source"], r["target"]))
    return rows


def merged_spells(periods: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    """Overlapping or touching periods merged (``None`` = still running), sorted by start.

    >>> merged_spells([(date(2020, 1, 1), date(2020, 3, 1)), (date(2020, 2, 1), None),
    ...                (date(2019, 1, 1), date(2019, 1, 1))])
    [(datetime.date(2019, 1, 1), datetime.date(2019, 1, 1)), (datetime.date(2020, 1, 1), None)]
    """
    merged: list[list] = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            if merged[-1][1] is not None and (end is None or end > merged[-1][1]):
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def first_activity(initiatives: Iterable[Initiative]) -> dict[str, date]:
    first: dict[str, date] = {}
    for initiative in initiatives:
        for actor_id in initiative.actor_ids:
            if actor_id not in first or initiative.started < first[actor_id]:
                first[actor_id] = initiative.started
    return first


def partners_cell(initiative: Initiative) -> str:
    """Partners as the spreadsheet format writes them: ``actor:role;actor:role``."""
    return ";".join(f"{p.actor}:{p.role}" for p in initiative.partners)


def read_graph_file(data: bytes | str, reader, what: str, *, name_key: str = "name"
                    ) -> tuple[list[Actor], list[Initiative]]:
    """Actors and initiatives from a graph file that one of our writers made.

    ``reader(stream)`` is networkx's reader for the format. Unreadable files and content that
    breaks the data model both raise :class:`Invalid` with the JSON import's messages.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        graph = reader(io.BytesIO(data))
    except Exception as exc:  # networkx raises several kinds (ParseError, NetworkXError, KeyError…)
        raise Invalid(msg.GRAPH_FILE_UNREADABLE(format=what, reason=str(exc))) from exc
    return parse_nodes(graph.nodes(data=True), name_key=name_key)
