"""The SQLite store's audit trail: :func:`record` writes an entry inside the transaction of the change
it describes (so a change and its record commit together); :class:`SQLiteAudit` reads them."""

from __future__ import annotations

import sqlite3

from graphsvc.model.accounts import now
from graphsvc.model.entities import Page
from graphsvc.storage.base import AuditLog
from graphsvc.storage.sqlite.database import SQLiteDatabase
from graphsvc.storage.sqlite.rows import audit_entry_from_row, json_text

INSERT_AUDIT = ("INSERT INTO audit (at, user_name, action, object_kind, object_id, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)")


def record(conn: sqlite3.Connection, by: str | None, action: str, object_kind: str, object_id: str | None,
           before: dict | None = None, after: dict | None = None) -> None:
    """Record one change inside the caller's transaction."""
    conn.execute(INSERT_AUDIT, (now().isoformat(), by, action, object_kind, object_id, json_text(before),
                                json_text(after)))


class SQLiteAudit(AuditLog):
    def __init__(self, db: SQLiteDatabase):
        self.db = db

    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None,
                   limit: int = 100, offset: int = 0) -> Page:
        where, params = [], []
        if object_kind:
            where.append("object_kind = ?")
            params.append(object_kind)
        if object_id:
            where.append("object_id = ?")
            params.append(object_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self.db.read(f"SELECT count(*) FROM audit {clause}", params)[0][0]
        rows = self.db.read(f"SELECT * FROM audit {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
                            [*params, limit, offset])
        return Page([audit_entry_from_row(r) for r in rows], total, limit, offset)
