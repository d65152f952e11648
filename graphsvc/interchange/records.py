"""Actors, initiatives and ties as flat records: the shared core of every export format.

Lossless formats (GraphML, GEXF) carry each actor's fields as node attributes with plain values
a tool can filter on (strings, numbers, booleans: ``kind`` and its ``kind_label``, ``tags`` joined
with ``;``, the numbers of initiatives it is a partner in, ``partner_in``, and ``initiated`` by it).
The initiatives themselves, whole and in ``graphsvc/1`` shape, travel once for the whole graph
(GraphML: the graph's ``graphsvc_initiatives`` data; GEXF: the ``<meta><description>``), not on
the nodes.
Reading rebuilds a ``graphsvc/1`` document and checks it with the same validation as the JSON
import, so a hand-edited file is refused with the same messages. Files written before this
change (initiatives as JSON in each initiator's ``initiated``, tags as JSON) are still read.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from graphsvc.analytics.network import co_creation_graph
from graphsvc.model import glossary, messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid
from graphsvc.model.serialize import initiative_to_dict
from graphsvc.model.validation import FORMAT, parse_document

#: Optional actor fields, written only when set.
OPTIONAL_ACTOR_FIELDS = ("sector", "municipality_number", "org_number", "service_model")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def join_tags(tags) -> str:
    r"""Tags as one plain value: joined with ``;``, a ``;`` or ``\`` inside a tag escaped with ``\``.

    >>> join_tags(["samskaping", "a;b"]), split_tags(join_tags(["samskaping", "a;b"]))
    ('samskaping;a\\;b', ['samskaping', 'a;b'])
    """
    return ";".join(t.replace("\\", "\\\\").replace(";", "\\;") for t in tags)


def split_tags(text: str) -> list[str]:
    tags, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ";":
            tags.append("".join(current))
            current = []
        else:
            current.append(ch)
    tags.append("".join(current))
    return [t for t in tags if t.strip()]


def actor_node_attributes(actor: Actor, *, partner_in: int = 0, initiated: int = 0, lang: str = "nb") -> dict:
    """Node attributes of one actor, plain values only; ``None`` fields are left out (GraphML/GEXF
    have no null). ``partner_in``/``initiated``: how many initiatives it is a partner in / took the
    initiative to."""
    data = {"name": actor.name, "kind": actor.kind, "kind_label": glossary.label("kind", actor.kind, lang),
            "public": actor.is_public}
    if actor.municipality is not None:
        data["municipality"] = actor.municipality
    for name in OPTIONAL_ACTOR_FIELDS:
        value = getattr(actor, name)
        if value is not None:
            data[name] = value
    if actor.registered is not None:
        data["registered"] = actor.registered.isoformat()
    data["tags"] = join_tags(actor.tags)
    data["partner_in"] = partner_in
    data["initiated"] = initiated
    return data


def initiative_counts(initiatives: Iterable[Initiative]) -> tuple[dict[str, int], dict[str, int]]:
    """(initiatives each actor is a partner in, initiatives each actor initiated)."""
    partner_in: dict[str, int] = defaultdict(int)
    initiated: dict[str, int] = defaultdict(int)
    for initiative in initiatives:
        for actor_id in set(initiative.actor_ids):
            partner_in[actor_id] += 1
        if initiative.initiator is not None:
            initiated[initiative.initiator] += 1
    return partner_in, initiated


def initiatives_json(initiatives: Iterable[Initiative]) -> str:
    """The initiatives, whole, as the graph-level payload of GraphML and GEXF."""
    return _json([initiative_to_dict(i) for i in sorted(initiatives, key=lambda i: i.id)])


def _tags_of(value) -> list[str]:
    if isinstance(value, str) and value.startswith("["):
        try:  # written before tags became a plain value
            old = json.loads(value)
        except ValueError:
            old = None
        if isinstance(old, list) and all(isinstance(t, str) for t in old):
            return old
    return split_tags(str(value))


def document_from_nodes(nodes: Iterable[tuple[str, Mapping]], *, name_key: str = "name",
                        initiatives: str | None = None) -> dict:
    """A ``graphsvc/1`` document from (node id, attributes) pairs written by :func:`actor_node_attributes`
    and the graph's ``initiatives`` payload (:func:`initiatives_json`)."""
    actors, found = [], []
    if initiatives not in (None, ""):
        found.extend(_loads(initiatives, msg.GRAPH_INITIATIVES_NOT_JSON))
    for node_id, data in nodes:
        actor = {"id": str(node_id), "name": data.get(name_key), "kind": data.get("kind"),
                 "municipality": data.get("municipality")}
        for name in (*OPTIONAL_ACTOR_FIELDS, "registered"):
            if data.get(name) not in (None, ""):
                actor[name] = str(data[name])
        tags = data.get("tags")
        if tags not in (None, ""):
            actor["tags"] = _tags_of(tags)
        actors.append(actor)
        initiated = data.get("initiated")
        if isinstance(initiated, str) and initiated.startswith("["):  # a file from before: initiatives per node
            found.extend(_loads(initiated, msg.NODE_INITIATED_NOT_JSON, node=str(node_id)))
    return {"format": FORMAT, "actors": actors, "initiatives": found}


def _loads(text, problem: msg.MessageCode, **where):
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise Invalid(problem(**where, reason=str(exc))) from exc


def parse_nodes(nodes: Iterable[tuple[str, Mapping]], *, name_key: str = "name", initiatives: str | None = None
                ) -> tuple[list[Actor], list[Initiative]]:
    """Validated actors and initiatives (sorted by id) from node attributes and the graph's initiatives."""
    actors, found = parse_document(document_from_nodes(nodes, name_key=name_key, initiatives=initiatives))
    return sorted(actors, key=lambda a: a.id), sorted(found, key=lambda i: i.id)


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


def read_graph_file(data: bytes | str, reader, what: str, *, name_key: str = "name", initiatives_of=None
                    ) -> tuple[list[Actor], list[Initiative]]:
    """Actors and initiatives from a graph file that one of our writers made.

    ``reader(stream)`` is networkx's reader for the format; ``initiatives_of(graph, data)`` finds
    the graph-level initiatives payload. Unreadable files and content that breaks the data model
    both raise :class:`Invalid` with the JSON import's messages.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        graph = reader(io.BytesIO(data))
        payload = initiatives_of(graph, data) if initiatives_of else None
    except Exception as exc:  # networkx raises several kinds (ParseError, NetworkXError, KeyError…)
        raise Invalid(msg.GRAPH_FILE_UNREADABLE(format=what, reason=str(exc))) from exc
    return parse_nodes(graph.nodes(data=True), name_key=name_key, initiatives=payload)
