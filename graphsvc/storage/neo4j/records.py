"""Between model objects and the Neo4j store's parameter rows and records (docs/neo4j-schema.md).

Rows are the ``$parameters`` the statements of :mod:`.cypher` take; records come back as plain
property maps (``n {.*}``). Dates travel as ISO strings and come back as ``neo4j.time`` values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from graphsvc.model.accounts import AuditEntry, Credential, Proposal, User
from graphsvc.model.entities import Actor, Initiative, Partner, normalise_key

T = TypeVar("T")

#: Rows per ``UNWIND`` statement.
BATCH_SIZE = 5000


def key(text: str | None) -> str | None:
    return normalise_key(text) if text else None


def iso(moment: date | datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def batches(rows: Sequence[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield list(rows[start:start + size])


def by_id(items: list[T]) -> list[T]:
    """Model objects in id order (whole-graph reads come unsorted: see cypher.ALL_ACTORS)."""
    return sorted(items, key=lambda item: item.id)  # type: ignore[attr-defined]


def one_line(exc: BaseException, limit: int = 240) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- the graph ------------------------------------------------------------------------------------
def identity_key(actor: Actor) -> str:
    """One actor per kind, municipality and normalised name: the value the ``actor_identity``
    constraint keeps unique. A JSON list, so no name can make two different triples collide."""
    return json.dumps([actor.kind, normalise_key(actor.municipality), normalise_key(actor.name)], ensure_ascii=False)


def actor_row(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "name_key": normalise_key(actor.name),
        "kind": actor.kind,
        "sector": actor.sector,
        "sector_key": key(actor.sector),
        "municipality": actor.municipality,
        "municipality_key": key(actor.municipality),
        "municipality_number": actor.municipality_number,
        "org_number": actor.org_number,
        "service_model": actor.service_model,
        "registered": iso(actor.registered),
        # An empty list is stored as no property: Neo4j cannot tell the type of an empty list.
        "tags": list(actor.tags) or None,
        "identity_key": identity_key(actor),
    }


def initiative_row(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.id,
        "title": initiative.title,
        "category": initiative.category,
        "category_key": key(initiative.category),
        "started": iso(initiative.started),
        "ended": iso(initiative.ended),
        "location": initiative.location,
        "initiator": initiative.initiator,
    }


def partner_rows(initiatives: Iterable[Initiative]) -> list[dict[str, Any]]:
    return [{"initiative": i.id, "actor": p.actor, "role": p.role, "position": position}
            for i in initiatives for position, p in enumerate(i.partners)]


def to_date(value: Any) -> date | None:
    """A Neo4j ``date`` (``neo4j.time.Date``) as a ``datetime.date``."""
    if value is None:
        return None
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _required_date(value: Any) -> date:
    day = to_date(value)
    if day is None:
        raise ValueError("a stored initiative has no start date")
    return day


def actor_from(props: dict[str, Any]) -> Actor:
    return Actor(
        id=props["id"],
        name=props["name"],
        kind=props["kind"],
        municipality=props.get("municipality"),
        sector=props.get("sector"),
        municipality_number=props.get("municipality_number"),
        org_number=props.get("org_number"),
        service_model=props.get("service_model"),
        registered=to_date(props.get("registered")),
        tags=tuple(props.get("tags") or ()),
    )


def initiative_from(props: dict[str, Any], partners: list[dict[str, Any]]) -> Initiative:
    ordered = sorted(partners, key=lambda p: (p["position"] if p.get("position") is not None else 1 << 30,
                                              p["actor"]))
    return Initiative(
        id=props["id"],
        title=props["title"],
        started=_required_date(props["started"]),
        initiator=props.get("initiator"),
        location=props.get("location"),
        partners=tuple(Partner(actor=p["actor"], role=p["role"]) for p in ordered),
        category=props.get("category"),
        ended=to_date(props.get("ended")),
    )


# -- accounts and the audit trail -----------------------------------------------------------------
def moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if hasattr(value, "to_native"):
        return value.to_native()
    return datetime.fromisoformat(str(value))


def _required_moment(value: Any) -> datetime:
    found = moment(value)
    if found is None:
        raise ValueError("a stored proposal or audit entry has no time")
    return found


def user_row(user: User, created: datetime) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "password_hash": user.password_hash,
            "disabled": user.disabled, "created": created.isoformat()}


def credential_row(credential: Credential, created: datetime) -> dict[str, Any]:
    return {"digest": credential.digest, "kind": credential.kind, "user": credential.user,
            "label": credential.label, "created": created.isoformat(), "expires": iso(credential.expires)}


def proposal_row(proposal: Proposal) -> dict[str, Any]:
    return {"id": proposal.id, "kind": proposal.kind, "data": json_text(proposal.data), "proposer": proposal.proposer,
            "created": iso(proposal.created), "status": proposal.status, "decided_by": proposal.decided_by,
            "decided_at": iso(proposal.decided_at), "note": proposal.note, "result_id": proposal.result_id}


def user_from(props: dict) -> User:
    return User(name=props["name"], role=props["role"], password_hash=props.get("password_hash"),
                disabled=bool(props.get("disabled")), created=moment(props.get("created")))


def credential_from(props: dict) -> Credential:
    return Credential(digest=props["digest"], kind=props["kind"], user=props["user"], label=props.get("label") or "",
                      created=moment(props.get("created")), expires=moment(props.get("expires")))


def proposal_from(props: dict) -> Proposal:
    return Proposal(id=props["id"], kind=props["kind"], data=json.loads(props["data"]), proposer=props["proposer"],
                    created=_required_moment(props["created"]), status=props["status"],
                    decided_by=props.get("decided_by"), decided_at=moment(props.get("decided_at")),
                    note=props.get("note"), result_id=props.get("result_id"))


def audit_entry_from(props: dict) -> AuditEntry:
    return AuditEntry(at=_required_moment(props["at"]), user=props.get("user"), action=props["action"],
                      object_kind=props["object_kind"], object_id=props.get("object_id"),
                      before=json.loads(props["before"]) if props.get("before") else None,
                      after=json.loads(props["after"]) if props.get("after") else None,
                      id=str(props.get("seq", props["id"])))
