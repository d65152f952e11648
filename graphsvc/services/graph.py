"""Services: what a user can do with the graph, called alike by the API, the CLI and the pages.

Each function takes the store first, validates untrusted input through ``model.validation``
and returns model objects or JSON-ready dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from graphsvc.analytics.network import check_view, co_creation_graph, invitation_graph
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, normalise_key, slugify
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.model.serialize import to_document
from graphsvc.model.validation import parse_actor, parse_initiative
from graphsvc.services import streaming
from graphsvc.services.cache import ResultCache
from graphsvc.services.imports import Document, DocumentFile, run_import
from graphsvc.services.streaming import partner_ids
from graphsvc.storage.base import ImportSummary, InitiativeFilter, NetworkRows, Store

_default_cache = ResultCache()


def _unique_id(taken, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free (``taken(id) -> bool``)."""
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _with_id(data, actor_id: str):
    if not isinstance(data, Mapping):
        raise Invalid([Problem("", msg.BODY_NOT_OBJECT())])
    if "id" in data and data["id"] != actor_id:
        raise Invalid([Problem("id", msg.ID_MISMATCH(id=actor_id))])
    return {**data, "id": actor_id}


# -- actors ----------------------------------------------------------------------------
def create_actor(store: Store, data, *, today: date | None = None, by: str | None = None) -> Actor:
    """Validate and store a new actor; without an id, one is made from the name."""
    actor = parse_actor(data, today=today or date.today(), require_id=False)
    if not actor.id:
        actor_id = _unique_id(lambda c: bool(store.existing_actor_ids([c])), slugify(actor.name))
        actor = Actor(**{**actor.__dict__, "id": actor_id})
    return store.create_actor(actor, by=by)


def update_actor(store: Store, actor_id: str, data, *, by: str | None = None) -> Actor:
    """Replace an actor's fields (a full update); ``registered`` is kept when not given."""
    current = store.get_actor(actor_id)
    actor = parse_actor(_with_id(data, actor_id), today=current.registered)
    return store.update_actor(actor, by=by)


# -- initiatives -----------------------------------------------------------------------
def same_initiatives(store: Store, initiative: Initiative, *, exclude: str | None = None) -> list[Initiative]:
    """Stored initiatives that are the same as ``initiative``: the same normalised title, the same
    start date and the same set of partners (roles and initiator aside). Saving one twice would
    count every tie between its partners twice."""
    if not initiative.partners:
        return []
    first = sorted(initiative.actor_ids)[0]
    candidates = store.list_initiatives(InitiativeFilter(actor=first, started_from=initiative.started,
                                                         started_to=initiative.started), limit=1000).items
    key, partners = normalise_key(initiative.title), set(initiative.actor_ids)
    return [i for i in candidates if i.id != exclude and i.started == initiative.started
            and normalise_key(i.title) == key and set(i.actor_ids) == partners]


def create_initiative(store: Store, data, *, by: str | None = None, allow_duplicate: bool = False) -> Initiative:
    """Validate and store a new initiative; without an id, one is made from title and start year.

    One already stored with the same normalised title, start date and partner set is a ``Conflict``
    (it would count every tie twice), as a second actor with the same name is, unless
    ``allow_duplicate``: the forms ask the user to confirm first, the API takes ``?allow_duplicate=true``.
    """
    known = store.existing_actor_ids(partner_ids(data))
    initiative = parse_initiative(data, known_actor_ids=known, require_id=False)
    if not allow_duplicate:
        same = same_initiatives(store, initiative)
        if same:
            raise Conflict(msg.SAME_INITIATIVE_EXISTS(id=same[0].id, title=same[0].title), field="title")
    if not initiative.id:
        base = slugify(f"{initiative.title} {initiative.started.year}")

        def taken(candidate: str) -> bool:
            try:
                store.get_initiative(candidate)
                return True
            except NotFound:
                return False

        initiative = Initiative(**{**initiative.__dict__, "id": _unique_id(taken, base)})
    return store.create_initiative(initiative, by=by)


def update_initiative(store: Store, initiative_id: str, data, *, by: str | None = None) -> Initiative:
    store.get_initiative(initiative_id)  # NotFound first: a clearer answer than validation errors
    data = _with_id(data, initiative_id)
    known = store.existing_actor_ids(partner_ids(data))
    return store.update_initiative(parse_initiative(data, known_actor_ids=known), by=by)


# -- documents -------------------------------------------------------------------------
# Every import goes through services.imports.run_import (plan → compare → write); these two are its
# shortcuts for a graphsvc/1 document, returning the store's summary.
def import_document(store: Store, doc, *, today: date | None = None, by: str | None = None) -> ImportSummary:
    """Validate a whole ``graphsvc/1`` document, then store it all or nothing (``Invalid`` lists every
    problem). An actor without ``registered`` keeps the date already stored for it (or gets today's
    when new), so importing the same hand-written file on another day still changes nothing."""
    return run_import(store, Document(doc), today=today, by=by).to_summary()


def import_document_file(store: Store, path: str | Path, *, today: date | None = None, by: str | None = None,
                         progress=None, batch_size: int | None = None,
                         max_problems: int = streaming.MAX_PROBLEMS) -> ImportSummary:
    """Import a ``graphsvc/1`` JSON file without holding it in memory (``services.streaming``): the
    same checks, messages and result as :func:`import_document` on the decoded file, all or
    nothing, memory of one batch. ``progress(label, done, total)`` is told how far it got."""
    source = DocumentFile(Path(path), batch_size or streaming.BATCH_SIZE, max_problems)
    return run_import(store, source, today=today, by=by, progress=progress).to_summary()


def export_document(store: Store) -> dict:
    actors, initiatives = store.snapshot()
    return to_document(actors, initiatives)


# -- the network -----------------------------------------------------------------------
def snapshot(store: Store, cache: ResultCache | None = None) -> tuple[list[Actor], list[Initiative]]:
    """The whole graph, read once per graph version."""
    cache = cache or _default_cache
    return cache.get_or_compute(store.graph_version(), "snapshot", (id(store),), store.snapshot)


def network_rows(store: Store, cache: ResultCache | None = None) -> NetworkRows:
    """The whole graph as plain columns (``Store.network_rows``), read once per graph version."""
    cache = cache or _default_cache
    return cache.get_or_compute(store.graph_version(), "network-rows", (id(store),), store.network_rows)


def network_json(store: Store, *, at: date | None = None, view: str = "cumulative",
                 cache: ResultCache | None = None) -> dict:
    """Nodes and weighted ties at a date, as the API serves them."""
    check_view(view)
    cache = cache or _default_cache
    version = store.graph_version()

    def compute() -> dict:
        actors, initiatives = snapshot(store, cache)
        graph = co_creation_graph(actors, initiatives, at=at, view=view)
        invited = invitation_graph(actors, initiatives, at=at, view=view)
        nodes = [{"id": n, "name": d["name"], "kind": d["kind"], "sector": d["sector"],
                  "municipality": d["municipality"], "public": d["public"],
                  "degree": graph.degree(n), "strength": graph.degree(n, weight="weight")}
                 for n, d in graph.nodes(data=True)]
        ties = [{"source": u, "target": v, "weight": d["weight"], "first": d["first"].isoformat(),
                 "last": d["last"].isoformat(), "initiatives": d["initiatives"]}
                for u, v, d in graph.edges(data=True)]
        invitations = [{"source": u, "target": v, "weight": d["weight"]} for u, v, d in invited.edges(data=True)]
        return {"at": at.isoformat() if at else None, "view": view, "graph_version": version,
                "counts": {"actors": graph.number_of_nodes(), "ties": graph.number_of_edges(),
                           "initiatives": graph.graph["initiatives"]},
                "nodes": nodes, "ties": ties, "invitations": invitations}

    return cache.get_or_compute(version, "network", (id(store), at, view), compute)
