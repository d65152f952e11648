"""The embedded store: one SQLite file, the default, so a fresh clone runs with nothing else.

Composed of parts that share one :class:`SQLiteDatabase` (the file, its connections and
transactions): :class:`SQLiteGraph`, :class:`SQLiteAccounts`, :class:`SQLiteAudit` and
:class:`SQLiteBackup`. The schema and its migrations are in :mod:`.schema`.
"""

from __future__ import annotations

from graphsvc.storage.composed import ComposedStore
from graphsvc.storage.sqlite.accounts import SQLiteAccounts
from graphsvc.storage.sqlite.audit import SQLiteAudit
from graphsvc.storage.sqlite.backup import SQLiteBackup
from graphsvc.storage.sqlite.database import SQLiteDatabase
from graphsvc.storage.sqlite.graph import SQLiteGraph


class SQLiteStore(ComposedStore):
    """The store in the SQLite file at ``path``; nothing is opened until the first call."""

    def __init__(self, path: str, *, timeout: float = 5.0):
        self.db = SQLiteDatabase(path, timeout=timeout)
        super().__init__(life=self.db, graph=SQLiteGraph(self.db), accounts=SQLiteAccounts(self.db),
                         audit=SQLiteAudit(self.db), backup=SQLiteBackup(self.db))

    @property
    def path(self) -> str:
        return self.db.path

    def __repr__(self) -> str:
        return f"SQLiteStore({self.db.path!r})"


__all__ = ["SQLiteStore", "SQLiteDatabase", "SQLiteGraph", "SQLiteAccounts", "SQLiteAudit", "SQLiteBackup"]
