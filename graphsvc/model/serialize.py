"""Model objects as plain JSON-ready dicts, in the ``graphsvc/1`` interchange shape."""

from __future__ import annotations

from collections.abc import Iterable

from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.validation import FORMAT


def actor_to_dict(actor: Actor) -> dict:
    """Required fields always; optional ones only when set (so documents stay small and stable)."""
    data: dict[str, object] = {"id": actor.id, "name": actor.name, "kind": actor.kind}
    if actor.sector is not None:
        data["sector"] = actor.sector
    data["municipality"] = actor.municipality
    for name in ("municipality_number", "org_number", "service_model"):
        value = getattr(actor, name)
        if value is not None:
            data[name] = value
    if actor.registered is not None:
        data["registered"] = actor.registered.isoformat()
    if actor.tags:
        data["tags"] = list(actor.tags)
    return data


def initiative_to_dict(initiative: Initiative) -> dict:
    return {
        "id": initiative.id,
        "title": initiative.title,
        "category": initiative.category,
        "started": initiative.started.isoformat(),
        "ended": initiative.ended.isoformat() if initiative.ended else None,
        "initiator": initiative.initiator,
        "location": initiative.location,
        "partners": [{"actor": p.actor, "role": p.role} for p in initiative.partners],
    }


def to_document(actors: Iterable[Actor], initiatives: Iterable[Initiative]) -> dict:
    """A ``graphsvc/1`` document, actors and initiatives sorted by id so exports are reproducible."""
    return {
        "format": FORMAT,
        "actors": [actor_to_dict(a) for a in sorted(actors, key=lambda a: a.id)],
        "initiatives": [initiative_to_dict(i) for i in sorted(initiatives, key=lambda i: i.id)],
    }
