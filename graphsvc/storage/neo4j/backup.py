"""The Neo4j store's backup and restore."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graphsvc.model.accounts import new_id
from graphsvc.model.errors import Conflict
from graphsvc.storage.base import BackupStore, StoreDump
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.accounts import read_accounts, write_accounts
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.graph import document_prefix, create_partners, rebuild_ties
from graphsvc.storage.neo4j.records import (
    actor_from, actor_row, audit_entry_from, batches, initiative_from, initiative_row, iso, json_text,
)

RESTORE_CONFLICT = Conflict("the backup holds two actors with the same kind, municipality and name, or two users, "
                            "credentials or proposals with the same key; nothing was changed", field="backup")


class Neo4jBackup(BackupStore):
    def __init__(self, db: Neo4jDatabase):
        self.db = db

    def dump_all(self) -> StoreDump:
        def work(tx: ManagedTransaction) -> tuple:
            actors = [r["actor"] for r in tx.run(cypher.ALL_ACTORS)]
            initiatives = [(r["initiative"], r["partners"]) for r in tx.run(cypher.ALL_INITIATIVES)]
            version = tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"]
            accounts = read_accounts(tx)
            audit = [audit_entry_from(r["entry"]) for r in tx.run(cypher.ALL_AUDIT_ENTRIES)]
            return actors, initiatives, version, accounts, audit

        actor_rows, initiative_rows, version, accounts, audit = self.db.read(work)
        return StoreDump(graph_version=version, actors=[actor_from(r) for r in actor_rows],
                         initiatives=[initiative_from(*r) for r in initiative_rows], audit=audit, **accounts)

    def restore_all(self, dump: StoreDump) -> None:
        initiative_ids = [i.id for i in dump.initiatives]
        entries = [{"id": new_id(), "seq": int(e.id), "at": iso(e.at), "user": e.user, "action": e.action,
                    "object_kind": e.object_kind, "object_id": e.object_id, "before": json_text(e.before),
                    "after": json_text(e.after)} for e in dump.audit]

        def work(tx: ManagedTransaction) -> None:
            # Idempotent, as a retried unit of work must be: it empties the store before writing.
            tx.run(cypher.CLEAR_GRAPH).consume()
            tx.run(cypher.CLEAR_ACCOUNTS).consume()
            for batch in batches([actor_row(a) for a in dump.actors]):
                tx.run(cypher.UPSERT_ACTORS, {"actors": batch}).consume()
            for batch in batches([initiative_row(i) for i in dump.initiatives]):
                tx.run(cypher.UPSERT_INITIATIVES, {"initiatives": batch}).consume()
            create_partners(tx, dump.initiatives, document_prefix)
            rebuild_ties(tx, initiative_ids)
            write_accounts(tx, dump.users, dump.credentials, dump.proposals)
            for batch in batches(entries):
                tx.run(cypher.RESTORE_AUDIT_ENTRIES, {"entries": batch}).consume()
            tx.run(cypher.RESTORE_AUDIT_SEQUENCE, {"seq": max((int(e.id) for e in dump.audit), default=0)}).consume()
            tx.run(cypher.RESTORE_GRAPH_VERSION, {"version": int(dump.graph_version)}).consume()

        self.db.write(work, conflict=RESTORE_CONFLICT)
