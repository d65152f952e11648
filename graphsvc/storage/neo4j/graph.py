"""The Neo4j store's graph: actors, initiatives, their ``PARTNER_IN`` relationships and the derived
``CO_CREATES`` ties (docs/neo4j-schema.md).

Every write is one managed transaction that bumps the graph version first (its lock orders
concurrent writers) and records its audit entry; every statement is a constant of
:mod:`.cypher`, values travel as parameters only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graphsvc.model.entities import Actor, Initiative, Page
from graphsvc.model.errors import Invalid, NotFound, Problem
from graphsvc.model.serialize import actor_to_dict, initiative_to_dict
from graphsvc.storage.base import ActorFilter, GraphStore, ImportSummary, InitiativeFilter
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.audit import record
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.records import (
    actor_from, actor_row, batches, initiative_from, initiative_row, partner_rows,
)
from graphsvc.storage.rules import (
    ImportTally, actor_id_taken, identity_conflict, initiative_id_taken, merge_into_itself, still_a_partner,
)

# -- units of work's helpers (all run inside the caller's transaction) ------------------------------


def no_prefix(index: int) -> str:
    return ""


def document_prefix(index: int) -> str:
    return f"initiatives[{index}]."


def bump_version(tx: ManagedTransaction) -> int:
    return tx.run(cypher.BUMP_GRAPH_VERSION).single(strict=True)["version"]


def existing_ids(tx: ManagedTransaction, statement: LiteralString, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for batch in batches(list(ids)):
        found.update(r["id"] for r in tx.run(statement, {"ids": batch}))
    return found


def check_partners_exist(tx: ManagedTransaction, initiatives: Sequence[Initiative],
                         prefix: Callable[[int], str], *, first: int = 0) -> None:
    """Raise ``Invalid`` naming every partner (``partners[1].actor``) or initiator that is not a
    stored actor (actors written earlier in the same transaction count); ``first`` is the position
    of ``initiatives[0]`` in the whole import, for the paths."""
    wanted = list(dict.fromkeys(a for i in initiatives for a in (*i.actor_ids, i.initiator)))
    known = existing_ids(tx, cypher.EXISTING_ACTOR_IDS, wanted)
    problems: list[Problem] = []
    for index, initiative in enumerate(initiatives, start=first):
        for position, partner in enumerate(initiative.partners):
            if partner.actor not in known:
                problems.append(Problem(f"{prefix(index)}partners[{position}].actor",
                                        f"unknown actor {partner.actor!r}"))
        if initiative.initiator not in known and initiative.initiator not in initiative.actor_ids:
            problems.append(Problem(f"{prefix(index)}initiator", f"unknown actor {initiative.initiator!r}"))
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
        raise Invalid("a partner was deleted while the initiative was being saved; try again",
                      field=f"{prefix(first)}partners")


def rebuild_ties(tx: ManagedTransaction, initiative_ids: Sequence[str]) -> None:
    """Replace the derived CO_CREATES ties of these initiatives from their PARTNER_IN relationships."""
    for batch in batches(list(initiative_ids)):
        tx.run(cypher.DELETE_CO_CREATES, {"ids": batch}).consume()
        tx.run(cypher.CREATE_CO_CREATES, {"ids": batch}).consume()


def delete_initiatives(tx: ManagedTransaction, initiative_ids: Sequence[str]) -> None:
    for batch in batches(list(initiative_ids)):
        tx.run(cypher.DELETE_CO_CREATES, {"ids": batch}).consume()
        tx.run(cypher.DELETE_INITIATIVES, {"ids": batch}).consume()


def write_actors(tx: ManagedTransaction, actors: Sequence[Actor]) -> None:
    for batch in batches([actor_row(a) for a in actors]):
        tx.run(cypher.UPSERT_ACTORS, {"actors": batch}).consume()


def write_initiatives(tx: ManagedTransaction, initiatives: Sequence[Initiative], *, first: int = 0) -> None:
    """Upsert initiatives and replace their partners and derived ties."""
    ids = [i.id for i in initiatives]
    for rows in batches([initiative_row(i) for i in initiatives]):
        tx.run(cypher.UPSERT_INITIATIVES, {"initiatives": rows}).consume()
    for batch in batches(ids):
        tx.run(cypher.DELETE_PARTNERS, {"ids": batch}).consume()
    create_partners(tx, initiatives, document_prefix, first=first)
    rebuild_ties(tx, ids)


class Neo4jGraph(GraphStore):
    def __init__(self, db: Neo4jDatabase):
        self.db = db

    def graph_version(self) -> int:
        return self.db.graph_version()

    # -- actors --------------------------------------------------------------------------------
    def get_actor(self, actor_id: str) -> Actor:
        def work(tx: ManagedTransaction) -> dict | None:
            r = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
            return r["actor"] if r else None

        props = self.db.read(work)
        if props is None:
            raise NotFound(f"no actor with id {actor_id!r}", field="id")
        return actor_from(props)

    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        params = flt.keys()

        def work(tx: ManagedTransaction) -> tuple[int, list[dict]]:
            total = tx.run(cypher.COUNT_ACTORS, params).single(strict=True)["total"]
            rows = [r["actor"] for r in
                    tx.run(cypher.LIST_ACTORS, {**params, "limit": int(limit), "offset": int(offset)})]
            return total, rows

        total, rows = self.db.read(work)
        return Page(items=[actor_from(r) for r in rows], total=total, limit=limit, offset=offset)

    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        return self.db.read(lambda tx: existing_ids(tx, cypher.EXISTING_ACTOR_IDS, ids))

    def stored_actors(self, ids: Sequence[str]) -> dict[str, Actor]:
        return self.db.read(lambda tx: stored_actors_in(tx, ids)) if ids else {}

    def create_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        row = actor_row(actor)

        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            if existing_ids(tx, cypher.EXISTING_ACTOR_IDS, [actor.id]):
                raise actor_id_taken(actor.id)
            refuse_identity_taken(tx, actor, row)
            # Two writers racing past these checks: the uniqueness constraints refuse the second
            # (ConstraintError, which the database object turns into Conflict).
            tx.run(cypher.CREATE_ACTOR, {"actor": row}).consume()
            record(tx, by, "create", "actor", actor.id, after=actor_to_dict(actor))

        self.db.write(work, conflict=actor_id_taken(actor.id), actor=actor)
        return actor

    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        row = actor_row(actor)

        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            r = tx.run(cypher.GET_ACTOR, {"id": actor.id}).single()
            if r is None:
                raise NotFound(f"no actor with id {actor.id!r}", field="id")
            refuse_identity_taken(tx, actor, row)
            tx.run(cypher.UPDATE_ACTOR, {"actor": row}).consume()
            record(tx, by, "update", "actor", actor.id, before=actor_to_dict(actor_from(r["actor"])),
                   after=actor_to_dict(actor))

        self.db.write(work, actor=actor)
        return actor

    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        def work(tx: ManagedTransaction) -> list[str]:
            bump_version(tx)
            r = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
            if r is None:
                raise NotFound(f"no actor with id {actor_id!r}", field="id")
            before = actor_from(r["actor"])
            linked = tx.run(cypher.ACTOR_INITIATIVE_IDS, {"id": actor_id}).single(strict=True)
            initiative_ids = sorted(set(linked["initiative_ids"]))
            if initiative_ids and not cascade:
                raise still_a_partner(actor_id, initiative_ids)
            if initiative_ids:
                stored = stored_initiatives_in(tx, initiative_ids)
                for initiative_id in initiative_ids:
                    record(tx, by, "delete", "initiative", initiative_id,
                           before=initiative_to_dict(stored[initiative_id]))
                delete_initiatives(tx, initiative_ids)
            tx.run(cypher.DELETE_ACTOR, {"id": actor_id}).consume()
            record(tx, by, "delete", "actor", actor_id, before=actor_to_dict(before))
            return initiative_ids

        return self.db.write(work)

    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        if survivor.id == merged_id:
            raise merge_into_itself()

        def work(tx: ManagedTransaction) -> list[str]:
            bump_version(tx)
            found = stored_actors_in(tx, [survivor.id, merged_id])
            for actor_id in (survivor.id, merged_id):
                if actor_id not in found:
                    raise NotFound(f"no actor with id {actor_id!r}", field="id")
            r = tx.run(cypher.ACTOR_INITIATIVE_IDS, {"id": merged_id}).single()
            moved = sorted(set(r["initiative_ids"])) if r else []
            params = {"survivor": survivor.id, "merged": merged_id}
            tx.run(cypher.MOVE_PARTNERSHIPS, params).consume()
            tx.run(cypher.MOVE_INITIATOR, params).consume()
            tx.run(cypher.DELETE_ACTOR, {"id": merged_id}).consume()
            tx.run(cypher.UPDATE_ACTOR, {"actor": actor_row(survivor)}).consume()
            rebuild_ties(tx, moved)
            record(tx, by, "merge", "actor", survivor.id,
                   before={"survivor": actor_to_dict(found[survivor.id]), "merged": actor_to_dict(found[merged_id])},
                   after={"survivor": actor_to_dict(survivor), "initiatives_moved": moved})
            record(tx, by, "merged_into", "actor", merged_id, before=actor_to_dict(found[merged_id]),
                   after={"survivor": survivor.id, "initiatives_moved": moved})
            return moved

        return self.db.write(work, actor=survivor)

    # -- initiatives ---------------------------------------------------------------------------
    def get_initiative(self, initiative_id: str) -> Initiative:
        found = self.stored_initiatives([initiative_id])
        if initiative_id not in found:
            raise NotFound(f"no initiative with id {initiative_id!r}", field="id")
        return found[initiative_id]

    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        params = flt.keys()

        def work(tx: ManagedTransaction) -> tuple[int, list[tuple[dict, list[dict]]]]:
            total = tx.run(cypher.COUNT_INITIATIVES, params).single(strict=True)["total"]
            rows = [(r["initiative"], r["partners"]) for r in
                    tx.run(cypher.LIST_INITIATIVES, {**params, "limit": int(limit), "offset": int(offset)})]
            return total, rows

        total, rows = self.db.read(work)
        return Page(items=[initiative_from(*r) for r in rows], total=total, limit=limit, offset=offset)

    def stored_initiatives(self, ids: Sequence[str]) -> dict[str, Initiative]:
        return self.db.read(lambda tx: stored_initiatives_in(tx, ids)) if ids else {}

    def create_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        row = initiative_row(initiative)

        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            if existing_ids(tx, cypher.EXISTING_INITIATIVE_IDS, [initiative.id]):
                raise initiative_id_taken(initiative.id)
            check_partners_exist(tx, [initiative], no_prefix)
            tx.run(cypher.CREATE_INITIATIVE, {"initiative": row}).consume()
            create_partners(tx, [initiative], no_prefix)
            rebuild_ties(tx, [initiative.id])
            record(tx, by, "create", "initiative", initiative.id, after=initiative_to_dict(initiative))

        self.db.write(work, conflict=initiative_id_taken(initiative.id))
        return initiative

    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        row = initiative_row(initiative)

        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            before = initiative_in(tx, initiative.id)
            if before is None:
                raise NotFound(f"no initiative with id {initiative.id!r}", field="id")
            check_partners_exist(tx, [initiative], no_prefix)
            tx.run(cypher.UPDATE_INITIATIVE, {"initiative": row}).consume()
            tx.run(cypher.DELETE_PARTNERS, {"ids": [initiative.id]}).consume()
            create_partners(tx, [initiative], no_prefix)
            rebuild_ties(tx, [initiative.id])
            record(tx, by, "update", "initiative", initiative.id, before=initiative_to_dict(before),
                   after=initiative_to_dict(initiative))

        self.db.write(work)
        return initiative

    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None:
        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            before = initiative_in(tx, initiative_id)
            if before is None:
                raise NotFound(f"no initiative with id {initiative_id!r}", field="id")
            delete_initiatives(tx, [initiative_id])
            record(tx, by, "delete", "initiative", initiative_id, before=initiative_to_dict(before))

        self.db.write(work)

    # -- whole graph -----------------------------------------------------------------------------
    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        def work(tx: ManagedTransaction) -> tuple[list[dict], list[tuple[dict, list[dict]]]]:
            actors = [r["actor"] for r in tx.run(cypher.ALL_ACTORS)]
            initiatives = [(r["initiative"], r["partners"]) for r in tx.run(cypher.ALL_INITIATIVES)]
            return actors, initiatives

        actor_rows, initiative_rows = self.db.read(work)
        return [actor_from(r) for r in actor_rows], [initiative_from(*r) for r in initiative_rows]

    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        return self._import([actors], [initiatives], by=by, today=None)

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        """Each batch compared with the stored objects of just its ids, read inside the import
        (never the whole graph)."""
        return self._import(actor_batches, initiative_batches, by=by, today=today or date.today())

    def _import(self, actor_batches: Iterable[Sequence[Actor]], initiative_batches: Iterable[Sequence[Initiative]],
                *, by: str | None, today: date | None) -> ImportSummary:
        # A unit of work may run again (a transient failure): it must not consume a generator twice.
        actor_lists = [list(batch) for batch in actor_batches]
        initiative_lists = [list(batch) for batch in initiative_batches]

        def work(tx: ManagedTransaction) -> ImportSummary:
            bump_version(tx)
            tally = ImportTally()
            for actors in actor_lists:
                write_actors(tx, tally.actors(actors, stored_actors_in(tx, [a.id for a in actors]), today=today))
            first = 0
            for initiatives in initiative_lists:
                # Partners may be actors of this import (written above, in this transaction) or stored ones.
                check_partners_exist(tx, initiatives, document_prefix, first=first)
                stored = stored_initiatives_in(tx, [i.id for i in initiatives])
                changed = tally.initiatives(initiatives, stored)
                if changed:
                    write_initiatives(tx, changed, first=first)
                first += len(initiatives)
            if tally.changed:  # one entry per import (bulk imports stay fast)
                record(tx, by, "import", "graph", None, after=tally.audit_payload())
            return tally.summary()

        return self.db.write(work)

    def clear(self) -> None:
        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            tx.run(cypher.CLEAR_GRAPH).consume()

        self.db.write(work)
