"""The Neo4j store's backup and restore: a dump read at one moment (``consistent_read``), a restore
run as a bulk job (:mod:`.bulk`) in transactions of bounded size, all or nothing."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graphsvc.storage.base import BackupStore, StoreDump
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.accounts import read_accounts
from graphsvc.storage.neo4j.bulk import Bulk
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.records import actor_from, audit_entry_from, by_id, initiative_from


class Neo4jBackup(BackupStore):
    def __init__(self, db: Neo4jDatabase, bulk: Bulk):
        self.db = db
        self.bulk = bulk

    def dump_all(self) -> StoreDump:
        """Everything, read again until no write committed while it was read (every graph write
        changes the graph version, every account change that matters the audit counter)."""
        def work(tx: ManagedTransaction) -> tuple:
            actors = [r["actor"] for r in tx.run(cypher.ALL_ACTORS)]
            initiatives = [(r["initiative"], r["partners"]) for r in tx.run(cypher.ALL_INITIATIVES)]
            version = tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"]
            accounts = read_accounts(tx)
            audit = [audit_entry_from(r["entry"]) for r in tx.run(cypher.ALL_AUDIT_ENTRIES)]
            return actors, initiatives, version, accounts, audit

        actor_rows, initiative_rows, version, accounts, audit = self.db.consistent_read(work)
        accounts["credentials"].sort(key=lambda c: (c.user, c.kind, c.digest))
        return StoreDump(graph_version=version, actors=by_id([actor_from(r) for r in actor_rows]),
                         initiatives=by_id([initiative_from(*r) for r in initiative_rows]),
                         audit=sorted(audit, key=lambda e: int(e.id)), **accounts)

    def restore_all(self, dump: StoreDump) -> None:
        self.bulk.restore(dump)
