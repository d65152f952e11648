"""Pieces of units of work for the Neo4j store: each runs inside the caller's managed transaction.

Shared by the graph part and by bulk writes (:mod:`.bulk`); every statement is a constant of
:mod:`.cypher`, values travel as parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid, Problem, StoreUnavailable
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.records import actor_from, batches, initiative_from, partner_rows
from graphsvc.storage.rules import identity_conflict


class AbandonedJob(Exception):
    """A bulk job whose process stopped renewing its lease holds the graph: complete or discard it first
    (:meth:`graphsvc.storage.neo4j.bulk.Bulk.recover`), then try again."""


def job_running(kind: str | None) -> StoreUnavailable:
    """The 503 of a write refused while a bulk job (``kind``) holds the graph."""
    if kind == "restore":
        return StoreUnavailable(msg.RESTORE_RUNNING())
    if kind == "clear":
        return StoreUnavailable(msg.CLEAR_RUNNING())
    return StoreUnavailable(msg.IMPORT_RUNNING())


def no_prefix(index: int) -> str:
    return ""


def document_prefix(index: int) -> str:
    return f"initiatives[{index}]."


def bump_version(tx: ManagedTransaction) -> int:
    """The first statement of every graph write: it takes the graph's write lock (so writers are
    ordered and cannot deadlock on it) and refuses to write while a bulk job holds the graph."""
    r = tx.run(cypher.BUMP_GRAPH_VERSION).single(strict=True)
    if r["job"] is not None:
        if r["job_expired"]:
            raise AbandonedJob(r["job"])
        raise job_running(r["job_kind"])
    return r["version"]


def lock_graph_meta(tx: ManagedTransaction) -> None:
    """The first statement of every accounts write: ordered with graph and bulk writes (a restore
    replaces accounts too), without changing the graph version."""
    r = tx.run(cypher.LOCK_GRAPH_META).single(strict=True)
    if r["job"] is not None and r["job_kind"] == "restore":
        if r["job_expired"]:
            raise AbandonedJob(r["job"])
        raise job_running("restore")


def existing_ids(tx: ManagedTransaction, statement: LiteralString, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for batch in batches(list(ids)):
        found.update(r["id"] for r in tx.run(statement, {"ids": batch}))
    return found


def check_partners_exist(tx: ManagedTransaction, initiatives: Sequence[Initiative],
                         prefix: Callable[[int], str], *, first: int = 0, known: set[str] | None = None) -> None:
    """Raise ``Invalid`` naming every partner (``partners[1].actor``) or initiator that is not a
    stored actor (actors written earlier in the same transaction count) or in ``known`` (when given,
    the caller's answer: the actors that exist); ``first`` is the position of ``initiatives[0]`` in
    the whole import, for the paths."""
    if known is None:
        wanted = list(dict.fromkeys(a for i in initiatives for a in (*i.actor_ids, i.initiator) if a is not None))
        known = existing_ids(tx, cypher.EXISTING_ACTOR_IDS, wanted)
    problems: list[Problem] = []
    for index, initiative in enumerate(initiatives, start=first):
        for position, partner in enumerate(initiative.partners):
            if partner.actor not in known:
                problems.append(Problem(f"{prefix(index)}partners[{position}].actor",
                                        msg.UNKNOWN_ACTOR(actor=partner.actor)))
        if initiative.initiator is not None and initiative.initiator not in known \
                and initiative.initiator not in initiative.actor_ids:
            problems.append(Problem(f"{prefix(index)}initiator", msg.UNKNOWN_ACTOR(actor=initiative.initiator)))
    if problems:
        raise Invalid(problems)


def refuse_identity_taken(tx: ManagedTransaction, actor: Actor, row: dict[str, Any]) -> None:
    other = tx.run(cypher.ACTOR_WITH_IDENTITY, {"identity_key": row["identity_key"], "id": actor.id}).single()
    if other is not None:
        raise identity_conflict(actor, (other["id"], other.get("name") or other["id"]))


def stored_actors_in(tx: ManagedTransaction, ids: Sequence[str]) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for batch in batches(list(dict.fromkeys(ids))):
        for r in tx.run(cypher.GET_ACTORS, {"ids": batch}):
            actor = actor_from(r["actor"])
            found[actor.id] = actor
    return found


def stored_initiatives_in(tx: ManagedTransaction, ids: Sequence[str]) -> dict[str, Initiative]:
    found: dict[str, Initiative] = {}
    for batch in batches(list(dict.fromkeys(ids))):
        for r in tx.run(cypher.GET_INITIATIVES, {"ids": batch}):
            initiative = initiative_from(r["initiative"], r["partners"])
            found[initiative.id] = initiative
    return found


def initiative_in(tx: ManagedTransaction, initiative_id: str) -> Initiative | None:
    """The stored initiative, read inside a write transaction (the audit's "before")."""
    r = tx.run(cypher.GET_INITIATIVE, {"id": initiative_id}).single()
    return initiative_from(r["initiative"], r["partners"]) if r else None


def create_partners(tx: ManagedTransaction, initiatives: Sequence[Initiative], prefix: Callable[[int], str], *,
                    first: int = 0) -> None:
    rows = partner_rows(initiatives)
    created = 0
    for batch in batches(rows):
        created += tx.run(cypher.CREATE_PARTNERS, {"partners": batch}).single(strict=True)["created"]
    if created != len(rows):
        # Only if an actor vanished between the check and the write (a concurrent delete).
        check_partners_exist(tx, initiatives, prefix, first=first)
        raise Invalid(msg.PARTNER_DELETED_MEANWHILE(), field=f"{prefix(first)}partners")


def rebuild_ties(tx: ManagedTransaction, initiative_ids: Sequence[str]) -> None:
    """Replace the derived CO_CREATES ties of these initiatives from their PARTNER_IN relationships."""
    for batch in batches(list(initiative_ids)):
        tx.run(cypher.DELETE_CO_CREATES, {"ids": batch}).consume()
        tx.run(cypher.CREATE_CO_CREATES, {"ids": batch}).consume()


def delete_initiatives(tx: ManagedTransaction, initiative_ids: Sequence[str]) -> None:
    for batch in batches(list(initiative_ids)):
        tx.run(cypher.DELETE_CO_CREATES, {"ids": batch}).consume()
        tx.run(cypher.DELETE_INITIATIVES, {"ids": batch}).consume()


