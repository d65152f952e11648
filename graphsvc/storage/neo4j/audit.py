"""The Neo4j store's audit trail: :func:`record` writes an entry inside the transaction of the change it
describes, numbered by the counter ``(:GraphMeta {key: 'audit'})``; :class:`Neo4jAudit` reads them."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graphsvc.model.accounts import new_id, now
from graphsvc.model.entities import Page
from graphsvc.storage.base import AuditLog
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.records import audit_entry_from, json_text


def record(tx: ManagedTransaction, by: str | None, action: str, object_kind: str, object_id: str | None,
           before: dict | None = None, after: dict | None = None) -> None:
    """Record one change inside the caller's transaction."""
    tx.run(cypher.CREATE_AUDIT_ENTRY, {"entry": {
        "id": new_id(), "at": now().isoformat(), "user": by, "action": action, "object_kind": object_kind,
        "object_id": object_id, "before": json_text(before), "after": json_text(after)}}).consume()


class Neo4jAudit(AuditLog):
    def __init__(self, db: Neo4jDatabase):
        self.db = db

    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None,
                   limit: int = 100, offset: int = 0) -> Page:
        params = {"object_kind": object_kind, "object_id": object_id}

        def work(tx: ManagedTransaction) -> tuple[int, list[dict]]:
            total = tx.run(cypher.COUNT_AUDIT, params).single(strict=True)["total"]
            rows = [r["entry"] for r in tx.run(cypher.LIST_AUDIT, {**params, "limit": int(limit),
                                                                     "offset": int(offset)})]
            return total, rows

        total, rows = self.db.read(work)
        return Page([audit_entry_from(r) for r in rows], total, limit, offset)
