"""The SQLite store's connection object: one file, a connection per thread and process, transactions.

Concurrency (field-notes, "SQLite under several server processes"): WAL journal, a busy
timeout, and ``BEGIN IMMEDIATE`` for every write so that a writer takes the lock before it
reads — a deferred transaction cannot upgrade once another process has committed, and would
fail with "database is locked". Identity is guarded by PRIMARY KEY / UNIQUE constraints, never
by check-then-insert alone. Connections are per thread and per process (safe after fork).

Every part of the store (graph, accounts, audit, backup) holds the same :class:`SQLiteDatabase`
and reaches the file only through it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from graphsvc.model import messages as msg
from graphsvc.model.errors import StoreUnavailable
from graphsvc.storage.base import StoreLife
from graphsvc.storage.sqlite.schema import SCHEMA_VERSION, migrate

BUMP_VERSION = ("INSERT INTO meta (key, value) VALUES ('graph_version', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (SQLite ends some failed ones by itself)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


class SQLiteDatabase(StoreLife):
    """The file, its connections and transactions; also the store's life cycle (schema, check)."""

    kind = "sqlite"

    def __init__(self, path: str, *, timeout: float = 5.0):
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    # -- connections and transactions --------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        try:
            directory = os.path.dirname(os.path.abspath(self.path))
            os.makedirs(directory, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self.timeout)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_OPEN(path=self.path, reason=str(exc))) from exc
        self._local.conn = conn
        self._local.pid = os.getpid()
        return conn

    @contextmanager
    def write(self, *, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        ``bump=False`` for writes outside the graph (accounts), which must not invalidate caches.
        """
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self.unavailable("write to", exc) from exc
        try:
            yield conn
            if bump:
                conn.execute(BUMP_VERSION)
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # busy past the timeout, disk full, I/O error: 503, not 500
            _rollback(conn)
            raise self.unavailable("write to", exc) from exc
        except BaseException:
            _rollback(conn)
            raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every read inside it sees the same committed state (WAL)."""
        conn = self.connection()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_READ(path=self.path, reason=str(exc))) from exc

    def unavailable(self, doing: str, exc: sqlite3.OperationalError) -> StoreUnavailable:
        """The 503 for an operational error; SQLite's own lock messages are not shown to users."""
        if "locked" in str(exc) or "busy" in str(exc):
            return StoreUnavailable(msg.STORE_BUSY())
        code = msg.SQLITE_CANNOT_WRITE if doing == "write to" else msg.SQLITE_CANNOT_READ
        return StoreUnavailable(code(path=self.path, reason=str(exc)))

    def read(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        try:
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_READ(path=self.path, reason=str(exc))) from exc

    def graph_version(self) -> int:
        rows = self.read("SELECT value FROM meta WHERE key = 'graph_version'")
        return int(rows[0][0]) if rows else 0

    # -- life cycle ----------------------------------------------------------
    def ensure_schema(self) -> None:
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise StoreUnavailable(msg.SCHEMA_NEWER(path=self.path, found=current, supported=SCHEMA_VERSION))
            for version in range(current + 1, SCHEMA_VERSION + 1):
                migrate(conn, version)
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(version),))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise StoreUnavailable(msg.SCHEMA_NOT_CREATED(path=self.path, reason=str(exc))) from exc
        except BaseException:
            _rollback(conn)
            raise

    def check(self) -> dict:
        rows = self.read("SELECT key, value FROM meta WHERE key IN ('schema_version', 'graph_version')")
        facts = {row["key"]: int(row["value"]) for row in rows}
        return {"store": self.kind, "path": self.path, "schema_version": facts.get("schema_version"),
                "graph_version": facts.get("graph_version", 0)}

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
