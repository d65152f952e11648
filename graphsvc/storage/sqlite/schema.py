"""The SQLite store's schema: migrations by target version, each run once, in order, in one transaction.

The version is kept in the table ``meta`` (``schema_version``); ``SQLiteDatabase.ensure_schema``
applies what is missing. A migration is SQL text (statements separated by ``;``) or a function
of the open connection, for the steps SQL alone cannot do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from graphsvc.model.entities import normalise_key

SCHEMA_VERSION = 4

GRAPH_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    sector TEXT,
    municipality TEXT NOT NULL,
    municipality_key TEXT NOT NULL,
    municipality_number TEXT,
    org_number TEXT,
    service_model TEXT,
    registered TEXT,
    tags TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX actors_by_name ON actors (name_key, id);
CREATE TABLE initiatives (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    category TEXT,
    started TEXT NOT NULL,
    ended TEXT,
    initiator TEXT NOT NULL REFERENCES actors (id),
    location TEXT NOT NULL
);
CREATE INDEX initiatives_by_start ON initiatives (started, id);
CREATE TABLE partners (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES actors (id),
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, actor_id)
);
CREATE INDEX partners_by_actor ON partners (actor_id);
"""

#: Version 2: one actor per (kind, municipality, normalised name); users, credentials, proposals, audit.
ACCOUNTS_TABLES = """
CREATE UNIQUE INDEX actors_identity ON actors (kind, municipality_key, name_key);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE credentials (
    digest TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    expires TEXT
);
CREATE INDEX credentials_by_user ON credentials (user_name, kind);
CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    proposer TEXT NOT NULL,
    created TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    note TEXT,
    result_id TEXT
);
CREATE INDEX proposals_by_status ON proposals (status, created);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_name TEXT,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_by_object ON audit (object_kind, object_id, seq);
"""


def add_filter_keys(conn: sqlite3.Connection) -> None:
    """Version 3: ``sector_key`` and ``category_key``, the normalised keys the sector and category
    filters compare (as the Neo4j store always did), filled in for the rows already stored.

    SQLite's ``lower()`` folds ASCII only, so the keys are computed by ``normalise_key`` itself,
    through a function registered on this connection for the migration alone.
    """
    conn.create_function("graphsvc_key", 1, lambda text: normalise_key(text) if text is not None else None,
                         deterministic=True)
    for statement in ("ALTER TABLE actors ADD COLUMN sector_key TEXT",
                      "ALTER TABLE initiatives ADD COLUMN category_key TEXT",
                      "UPDATE actors SET sector_key = graphsvc_key(sector)",
                      "UPDATE initiatives SET category_key = graphsvc_key(category)",
                      "CREATE INDEX actors_by_sector ON actors (sector_key)",
                      "CREATE INDEX initiatives_by_category ON initiatives (category_key)"):
        conn.execute(statement)


#: NOT NULL constraints that version 4 removes: (table, column definition before, after).
_UNKNOWN_ALLOWED = (("actors", "municipality TEXT NOT NULL,", "municipality TEXT,"),
                    ("initiatives", "initiator TEXT NOT NULL REFERENCES actors (id),",
                     "initiator TEXT REFERENCES actors (id),"),
                    ("initiatives", "location TEXT NOT NULL", "location TEXT"))


def allow_unknown(conn: sqlite3.Connection) -> None:
    """Version 4: ``municipality``, ``initiator`` and ``location`` may be unknown (NULL), as in a
    study's data that does not come from a municipality.

    SQLite cannot drop a NOT NULL constraint with ALTER TABLE; its documented procedure for
    removing NOT NULL constraints (https://www.sqlite.org/lang_altertable.html, "Making Other
    Kinds Of Table Schema Changes") edits the stored CREATE TABLE text and bumps the schema
    version, inside the migration's transaction. The rows on disk do not change, and no table is
    rebuilt (the foreign keys to ``actors`` stay as they are).
    """
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        for table, before, after in _UNKNOWN_ALLOWED:
            changed = conn.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                                   "WHERE type = 'table' AND name = ? AND instr(sql, ?) > 0",
                                   (before, after, table, before)).rowcount
            if changed != 1:
                raise sqlite3.OperationalError(f"schema 4: {table} does not read {before!r}")
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    1: GRAPH_TABLES,
    2: ACCOUNTS_TABLES,
    3: add_filter_keys,
    4: allow_unknown,
}


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Run the migration to ``version`` on ``conn`` (inside the caller's transaction)."""
    step = MIGRATIONS[version]
    if callable(step):
        step(conn)
        return
    for statement in step.split(";"):
        if statement.strip():
            conn.execute(statement)
