"""Between model objects and SQLite rows: the column lists, the statements that write whole rows,
and the mappers both ways. Rows never leave the store; every part maps through here."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from graphsvc.model.accounts import AuditEntry, Credential, Proposal, User
from graphsvc.model.entities import Actor, Initiative, Partner, normalise_key

ACTOR_COLUMNS = ("id", "name", "name_key", "kind", "sector", "sector_key", "municipality", "municipality_key",
                 "municipality_number", "org_number", "service_model", "registered", "tags")
INITIATIVE_COLUMNS = ("id", "title", "category", "category_key", "started", "ended", "initiator", "location")

UPSERT_ACTOR = (
    f"INSERT INTO actors ({', '.join(ACTOR_COLUMNS)}) VALUES ({', '.join('?' * len(ACTOR_COLUMNS))}) "
    "ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in ACTOR_COLUMNS[1:])
)
INSERT_ACTOR = f"INSERT INTO actors ({', '.join(ACTOR_COLUMNS)}) VALUES ({', '.join('?' * len(ACTOR_COLUMNS))})"
UPSERT_INITIATIVE = (
    f"INSERT INTO initiatives ({', '.join(INITIATIVE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(INITIATIVE_COLUMNS))}) "
    "ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in INITIATIVE_COLUMNS[1:])
)
INSERT_PARTNER = "INSERT INTO partners (initiative_id, actor_id, role, position) VALUES (?, ?, ?, ?)"
#: An initiative's own columns as :func:`initiative_from_tuple` reads them.
INITIATIVE_SELECT = "SELECT id, title, category, started, ended, initiator, location FROM initiatives"


def _key(text: str | None) -> str | None:
    return normalise_key(text) if text is not None else None


def iso(moment: date | datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# -- the graph ------------------------------------------------------------------------------------
def actor_row(actor: Actor) -> tuple:
    return (actor.id, actor.name, normalise_key(actor.name), actor.kind, actor.sector, _key(actor.sector),
            actor.municipality, normalise_key(actor.municipality), actor.municipality_number, actor.org_number,
            actor.service_model, iso(actor.registered), json.dumps(list(actor.tags), ensure_ascii=False))


def actor_from_row(row: sqlite3.Row) -> Actor:
    return Actor(id=row["id"], name=row["name"], kind=row["kind"], municipality=row["municipality"],
                 sector=row["sector"], municipality_number=row["municipality_number"],
                 org_number=row["org_number"], service_model=row["service_model"],
                 registered=date.fromisoformat(row["registered"]) if row["registered"] else None,
                 tags=tuple(json.loads(row["tags"])))


def initiative_row(initiative: Initiative) -> tuple:
    return (initiative.id, initiative.title, initiative.category, _key(initiative.category),
            initiative.started.isoformat(), iso(initiative.ended), initiative.initiator, initiative.location)


def initiative_from_tuple(values: Sequence, partners: Sequence[Partner]) -> Initiative:
    """``values``: the columns of :data:`INITIATIVE_SELECT`, in its order."""
    id_, title, category, started, ended, initiator, location = values
    return Initiative(id_, title, date.fromisoformat(started), initiator, location, tuple(partners),
                      category=category, ended=date.fromisoformat(ended) if ended else None)


def partner_rows(initiative: Initiative) -> list[tuple]:
    return [(initiative.id, p.actor, p.role, position) for position, p in enumerate(initiative.partners)]


def partners_by_initiative(rows) -> dict[str, tuple[Partner, ...]]:
    """``rows`` of (initiative_id, actor_id, role) ordered by initiative and position."""
    return {initiative_id: tuple(Partner(actor_id, role) for _, actor_id, role in group)
            for initiative_id, group in groupby(rows, key=itemgetter(0))}


# -- accounts and the audit trail -----------------------------------------------------------------
def user_from_row(row) -> User:
    return User(name=row["name"], role=row["role"], password_hash=row["password_hash"],
                disabled=bool(row["disabled"]), created=moment(row["created"]))


def credential_from_row(row) -> Credential:
    return Credential(digest=row["digest"], kind=row["kind"], user=row["user_name"], label=row["label"],
                      created=moment(row["created"]), expires=moment(row["expires"]))


def proposal_from_row(row) -> Proposal:
    return Proposal(id=row["id"], kind=row["kind"], data=json.loads(row["data"]), proposer=row["proposer"],
                    created=datetime.fromisoformat(row["created"]), status=row["status"], decided_by=row["decided_by"],
                    decided_at=moment(row["decided_at"]), note=row["note"], result_id=row["result_id"])


def audit_entry_from_row(row) -> AuditEntry:
    return AuditEntry(at=datetime.fromisoformat(row["at"]), user=row["user_name"], action=row["action"],
                      object_kind=row["object_kind"], object_id=row["object_id"],
                      before=json.loads(row["before"]) if row["before"] else None,
                      after=json.loads(row["after"]) if row["after"] else None, id=str(row["seq"]))
