"""The Neo4j store's graph: actors, initiatives, their ``PARTNER_IN`` relationships and the derived
``CO_CREATES`` ties (docs/neo4j-schema.md).

Every write is one managed transaction that bumps the graph version first (its lock orders
concurrent writers) and records its audit entry; every statement is a constant of
:mod:`.cypher`, values travel as parameters only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from neo4j import ManagedTransaction

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, Page
from graphsvc.model.errors import NotFound
from graphsvc.model.serialize import actor_to_dict, initiative_to_dict
from graphsvc.storage.base import ActorFilter, GraphStore, ImportSummary, InitiativeFilter
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.audit import record
from graphsvc.storage.neo4j.bulk import Bulk
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.records import actor_from, actor_row, by_id, initiative_from, initiative_row
from graphsvc.storage.neo4j.units import (
    bump_version,
    check_partners_exist,
    create_partners,
    delete_initiatives,
    existing_ids,
    initiative_in,
    no_prefix,
    rebuild_ties,
    refuse_identity_taken,
    stored_actors_in,
    stored_initiatives_in,
)
from graphsvc.storage.rules import actor_id_taken, initiative_id_taken, merge_into_itself, still_a_partner


class Neo4jGraph(GraphStore):
    def __init__(self, db: Neo4jDatabase, bulk: Bulk):
        self.db = db
        self.bulk = bulk

    def graph_version(self) -> int:
        return self.db.graph_version()

    # -- actors --------------------------------------------------------------------------------
    def get_actor(self, actor_id: str) -> Actor:
        def work(tx: ManagedTransaction) -> dict | None:
            r = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
            return r["actor"] if r else None

        props = self.db.read(work)
        if props is None:
            raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
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

        self.bulk.write(work, conflict=actor_id_taken(actor.id), actor=actor)
        return actor

    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        row = actor_row(actor)

        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            r = tx.run(cypher.GET_ACTOR, {"id": actor.id}).single()
            if r is None:
                raise NotFound(msg.NO_ACTOR(id=actor.id), field="id")
            refuse_identity_taken(tx, actor, row)
            tx.run(cypher.UPDATE_ACTOR, {"actor": row}).consume()
            record(tx, by, "update", "actor", actor.id, before=actor_to_dict(actor_from(r["actor"])),
                   after=actor_to_dict(actor))

        self.bulk.write(work, actor=actor)
        return actor

    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        def work(tx: ManagedTransaction) -> list[str]:
            bump_version(tx)
            r = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
            if r is None:
                raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
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

        return self.bulk.write(work)

    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        if survivor.id == merged_id:
            raise merge_into_itself()

        def work(tx: ManagedTransaction) -> list[str]:
            bump_version(tx)
            found = stored_actors_in(tx, [survivor.id, merged_id])
            for actor_id in (survivor.id, merged_id):
                if actor_id not in found:
                    raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
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

        return self.bulk.write(work, actor=survivor)

    # -- initiatives ---------------------------------------------------------------------------
    def get_initiative(self, initiative_id: str) -> Initiative:
        found = self.stored_initiatives([initiative_id])
        if initiative_id not in found:
            raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
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

        self.bulk.write(work, conflict=initiative_id_taken(initiative.id))
        return initiative

    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        row = initiative_row(initiative)

        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            before = initiative_in(tx, initiative.id)
            if before is None:
                raise NotFound(msg.NO_INITIATIVE(id=initiative.id), field="id")
            check_partners_exist(tx, [initiative], no_prefix)
            tx.run(cypher.UPDATE_INITIATIVE, {"initiative": row}).consume()
            tx.run(cypher.DELETE_PARTNERS, {"ids": [initiative.id]}).consume()
            create_partners(tx, [initiative], no_prefix)
            rebuild_ties(tx, [initiative.id])
            record(tx, by, "update", "initiative", initiative.id, before=initiative_to_dict(before),
                   after=initiative_to_dict(initiative))

        self.bulk.write(work)
        return initiative

    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None:
        def work(tx: ManagedTransaction) -> None:
            bump_version(tx)
            before = initiative_in(tx, initiative_id)
            if before is None:
                raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
            delete_initiatives(tx, [initiative_id])
            record(tx, by, "delete", "initiative", initiative_id, before=initiative_to_dict(before))

        self.bulk.write(work)

    # -- whole graph -----------------------------------------------------------------------------
    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        """Actors and initiatives of one moment (``consistent_read``: read again if a write committed
        in between, so no initiative names a partner the snapshot lacks)."""
        def work(tx: ManagedTransaction) -> tuple[list[dict], list[tuple[dict, list[dict]]]]:
            actors = [r["actor"] for r in tx.run(cypher.ALL_ACTORS)]
            initiatives = [(r["initiative"], r["partners"]) for r in tx.run(cypher.ALL_INITIATIVES)]
            return actors, initiatives

        actor_rows, initiative_rows = self.db.consistent_read(work)
        return by_id([actor_from(r) for r in actor_rows]), by_id([initiative_from(*r) for r in initiative_rows])

    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        return self.bulk.import_batches([actors], [initiatives], by=by, today=None)

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        """A bulk job (:mod:`.bulk`): staged batch by batch, each compared with the stored objects of
        just its ids (never the whole graph), committed in one small transaction, then applied."""
        return self.bulk.import_batches(actor_batches, initiative_batches, by=by, today=today or date.today())

    def clear(self) -> None:
        self.bulk.clear()
