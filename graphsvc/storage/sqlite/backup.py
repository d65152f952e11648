"""The SQLite store's backup and restore: everything read in one read transaction, replaced in one
write transaction."""

from __future__ import annotations

import sqlite3

from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid
from graphsvc.storage.base import BackupStore, StoreDump
from graphsvc.storage.sqlite.accounts import read_accounts, replace_accounts
from graphsvc.storage.sqlite.database import SQLiteDatabase
from graphsvc.storage.sqlite.graph import delete_graph, read_all, write_graph
from graphsvc.storage.sqlite.rows import audit_entry_from_row, iso, json_text

#: A restore takes the backup's graph version, or moves on by one if the store was already past it.
RESTORE_VERSION = ("INSERT INTO meta (key, value) VALUES ('graph_version', ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER) + 1, "
                   "CAST(excluded.value AS INTEGER))")
#: Restored entries keep their sequence numbers.
RESTORE_AUDIT = ("INSERT INTO audit (seq, at, user_name, action, object_kind, object_id, before, after) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


class SQLiteBackup(BackupStore):
    def __init__(self, db: SQLiteDatabase):
        self.db = db

    def dump_all(self) -> StoreDump:
        with self.db.snapshot() as conn:  # one read transaction: graph, accounts and audit of one moment
            actors, initiatives = read_all(conn)
            accounts = read_accounts(conn)
            audit = [audit_entry_from_row(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
            row = conn.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()
        return StoreDump(graph_version=int(row[0]) if row else 0, actors=actors, initiatives=initiatives,
                         audit=audit, **accounts)

    def restore_all(self, dump: StoreDump) -> None:
        try:
            with self.db.write(bump=False) as conn:
                delete_graph(conn)
                write_graph(conn, dump.actors, dump.initiatives)
                replace_accounts(conn, dump.users, dump.credentials, dump.proposals)
                conn.execute("DELETE FROM audit")
                conn.executemany(RESTORE_AUDIT, [(int(e.id), iso(e.at), e.user, e.action, e.object_kind, e.object_id,
                                                  json_text(e.before), json_text(e.after)) for e in dump.audit])
                conn.execute(RESTORE_VERSION, (dump.graph_version,))
        except sqlite3.IntegrityError as exc:
            raise Invalid(msg.BACKUP_INCONSISTENT(reason=str(exc)), field="backup") from exc
