"""The embedded store: one SQLite file, the default, so a fresh clone runs with nothing else.

Concurrency (field-notes, "SQLite under several server processes"): WAL journal, a busy
timeout, and ``BEGIN IMMEDIATE`` for every write so that a writer takes the lock before it
reads — a deferred transaction cannot upgrade once another process has committed, and would
fail with "database is locked". Identity is guarded by PRIMARY KEY / UNIQUE constraints, never
by check-then-insert alone. Connections are per thread and per process (safe after fork).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from itertools import groupby
from operator import itemgetter

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, Page, Partner, normalise_key
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem, StoreUnavailable
from graphsvc.model.serialize import actor_to_dict, initiative_to_dict
from graphsvc.storage.base import ActorFilter, ImportSummary, InitiativeFilter, NetworkRows, Store, StoreDump
from graphsvc.storage.sqlite_accounts import ACCOUNTS_MIGRATION, SQLiteAccounts, audit, identity_conflict

SCHEMA_VERSION = 2

#: Migrations by target version; each runs once, inside one transaction, in order.
MIGRATIONS: dict[int, str] = {
    1: """
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
    """,
    2: ACCOUNTS_MIGRATION,
}

ACTOR_COLUMNS = ("id", "name", "name_key", "kind", "sector", "municipality", "municipality_key",
                 "municipality_number", "org_number", "service_model", "registered", "tags")
UPSERT_ACTOR = (
    f"INSERT INTO actors ({', '.join(ACTOR_COLUMNS)}) VALUES ({', '.join('?' * len(ACTOR_COLUMNS))}) "
    "ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in ACTOR_COLUMNS[1:])
)
INSERT_ACTOR = f"INSERT INTO actors ({', '.join(ACTOR_COLUMNS)}) VALUES ({', '.join('?' * len(ACTOR_COLUMNS))})"
UPSERT_INITIATIVE = (
    "INSERT INTO initiatives (id, title, category, started, ended, initiator, location) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET title = excluded.title, category = excluded.category, "
    "started = excluded.started, ended = excluded.ended, initiator = excluded.initiator, location = excluded.location"
)
INSERT_PARTNER = "INSERT INTO partners (initiative_id, actor_id, role, position) VALUES (?, ?, ?, ?)"
BUMP_VERSION = ("INSERT INTO meta (key, value) VALUES ('graph_version', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
#: A restore takes the backup's graph version, or moves on by one if the store was already past it.
RESTORE_VERSION = ("INSERT INTO meta (key, value) VALUES ('graph_version', ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER) + 1, "
                   "CAST(excluded.value AS INTEGER))")


def _actor_row(actor: Actor) -> tuple:
    return (actor.id, actor.name, normalise_key(actor.name), actor.kind, actor.sector, actor.municipality,
            normalise_key(actor.municipality), actor.municipality_number, actor.org_number, actor.service_model,
            actor.registered.isoformat() if actor.registered else None,
            json.dumps(list(actor.tags), ensure_ascii=False))


def _actor_from_row(row: sqlite3.Row) -> Actor:
    return Actor(id=row["id"], name=row["name"], kind=row["kind"], municipality=row["municipality"],
                 sector=row["sector"], municipality_number=row["municipality_number"],
                 org_number=row["org_number"], service_model=row["service_model"],
                 registered=date.fromisoformat(row["registered"]) if row["registered"] else None,
                 tags=tuple(json.loads(row["tags"])))


def _initiative_row(initiative: Initiative) -> tuple:
    return (initiative.id, initiative.title, initiative.category, initiative.started.isoformat(),
            initiative.ended.isoformat() if initiative.ended else None, initiative.initiator, initiative.location)


def _columns(rows: list[tuple], width: int) -> list:
    """Rows as ``width`` column lists (``itemgetter`` passes: ~10× faster than ``zip(*rows)``)."""
    return [list(map(itemgetter(k), rows)) for k in range(width)]


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is still open (SQLite ends some failed ones by itself)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _partner_rows(initiative: Initiative) -> list[tuple]:
    return [(initiative.id, p.actor, p.role, position) for position, p in enumerate(initiative.partners)]


def _note_changed(ids: list[str], changed, limit: int = 1000) -> None:
    """Keep the first ``limit`` ids of what an import changed (for its audit entry)."""
    if len(ids) < limit:
        ids.extend(item.id for item in changed[:limit - len(ids)])


class SQLiteStore(SQLiteAccounts, Store):
    kind = "sqlite"

    def __init__(self, path: str, *, timeout: float = 5.0):
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    # -- connections and transactions --------------------------------------
    def _connection(self) -> sqlite3.Connection:
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
    def _write(self, *, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        ``bump=False`` for writes outside the graph (accounts), which must not invalidate caches.
        """
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._unavailable("write to", exc) from exc
        try:
            yield conn
            if bump:
                conn.execute(BUMP_VERSION)
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # busy past the timeout, disk full, I/O error: 503, not 500
            _rollback(conn)
            raise self._unavailable("write to", exc) from exc
        except BaseException:
            _rollback(conn)
            raise

    def _unavailable(self, doing: str, exc: sqlite3.OperationalError) -> StoreUnavailable:
        """The 503 for an operational error; SQLite's own lock messages are not shown to users."""
        if "locked" in str(exc) or "busy" in str(exc):
            return StoreUnavailable(msg.STORE_BUSY())
        return StoreUnavailable((msg.SQLITE_CANNOT_WRITE if doing == "write to" else msg.SQLITE_CANNOT_READ)(
            path=self.path, reason=str(exc)))

    def _read(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_READ(path=self.path, reason=str(exc))) from exc

    # -- life cycle ----------------------------------------------------------
    def ensure_schema(self) -> None:
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise StoreUnavailable(msg.SCHEMA_NEWER(path=self.path, found=current, supported=SCHEMA_VERSION))
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(version),))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreUnavailable(msg.SCHEMA_NOT_CREATED(path=self.path, reason=str(exc))) from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def check(self) -> dict:
        rows = self._read("SELECT key, value FROM meta WHERE key IN ('schema_version', 'graph_version')")
        facts = {row["key"]: int(row["value"]) for row in rows}
        return {"store": self.kind, "path": self.path, "schema_version": facts.get("schema_version"),
                "graph_version": facts.get("graph_version", 0)}

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def graph_version(self) -> int:
        rows = self._read("SELECT value FROM meta WHERE key = 'graph_version'")
        return int(rows[0][0]) if rows else 0

    # -- actors ----------------------------------------------------------------
    def get_actor(self, actor_id: str) -> Actor:
        rows = self._read("SELECT * FROM actors WHERE id = ?", (actor_id,))
        if not rows:
            raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
        return _actor_from_row(rows[0])

    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        where, params = [], []
        if flt.kind:
            where.append("kind = ?")
            params.append(flt.kind)
        if flt.sector:
            where.append("sector = ?")
            params.append(normalise_key(flt.sector))
        if flt.municipality:
            where.append("municipality_key = ?")
            params.append(normalise_key(flt.municipality))
        if flt.q:
            where.append("instr(name_key, ?) > 0")
            params.append(normalise_key(flt.q))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self._read(f"SELECT count(*) FROM actors {clause}", params)[0][0]
        rows = self._read(f"SELECT * FROM actors {clause} ORDER BY name_key, id LIMIT ? OFFSET ?",
                          [*params, limit, offset])
        return Page([_actor_from_row(r) for r in rows], total, limit, offset)

    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = self._read(f"SELECT id FROM actors WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            found.update(r[0] for r in rows)
        return found

    def create_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        try:
            with self._write() as conn:
                conn.execute(INSERT_ACTOR, _actor_row(actor))
                audit(conn, by, "create", "actor", actor.id, after=actor_to_dict(actor))
        except sqlite3.IntegrityError as exc:
            conflict = identity_conflict(exc, actor, self._same_identity(actor))
            if conflict:
                raise conflict from exc
            raise Conflict(msg.ACTOR_ID_TAKEN(id=actor.id), field="id") from exc
        return actor

    def _same_identity(self, actor: Actor) -> tuple[str, str] | None:
        """(id, name) of another stored actor with this kind, municipality and normalised name."""
        rows = self._read("SELECT id, name FROM actors WHERE kind = ? AND municipality_key = ? AND name_key = ? "
                          "AND id <> ? LIMIT 1", [actor.kind, normalise_key(actor.municipality),
                                                  normalise_key(actor.name), actor.id])
        return (rows[0][0], rows[0][1]) if rows else None

    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        try:
            with self._write() as conn:
                row = conn.execute("SELECT * FROM actors WHERE id = ?", (actor.id,)).fetchone()
                if row is None:
                    raise NotFound(msg.NO_ACTOR(id=actor.id), field="id")
                conn.execute(UPSERT_ACTOR, _actor_row(actor))
                audit(conn, by, "update", "actor", actor.id, before=actor_to_dict(_actor_from_row(row)),
                      after=actor_to_dict(actor))
        except sqlite3.IntegrityError as exc:
            raise identity_conflict(exc, actor, self._same_identity(actor)) or Conflict(
                msg.STORE_REFUSED(reason=str(exc))) from exc
        return actor

    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        with self._write() as conn:
            row = conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
            if row is None:
                raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
            linked = [r[0] for r in conn.execute(
                "SELECT initiative_id FROM partners WHERE actor_id = ? ORDER BY initiative_id", (actor_id,))]
            if linked and not cascade:
                raise Conflict(msg.ACTOR_IN_INITIATIVES(id=actor_id, count=len(linked), initiatives=", ".join(
                    linked[:5]) + (", …" if len(linked) > 5 else "")), field="id")
            for initiative_id in linked:
                before = self._initiative_in(conn, initiative_id)
                assert before is not None  # a partner row's initiative exists (foreign key)
                audit(conn, by, "delete", "initiative", initiative_id, before=initiative_to_dict(before))
            conn.executemany("DELETE FROM initiatives WHERE id = ?", [(i,) for i in linked])
            conn.execute("DELETE FROM actors WHERE id = ?", (actor_id,))
            audit(conn, by, "delete", "actor", actor_id, before=actor_to_dict(_actor_from_row(row)))
        return linked

    # -- initiatives ---------------------------------------------------------------
    def _partners_of(self, ids: list[str]) -> dict[str, list[Partner]]:
        partners: dict[str, list[Partner]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self._read(
                f"SELECT initiative_id, actor_id, role FROM partners WHERE initiative_id IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY initiative_id, position", chunk)
            for r in rows:
                partners[r[0]].append(Partner(r[1], r[2]))
        return partners

    @staticmethod
    def _initiative(row, partners: list[Partner]) -> Initiative:
        return Initiative(id=row["id"], title=row["title"], category=row["category"],
                          started=date.fromisoformat(row["started"]),
                          ended=date.fromisoformat(row["ended"]) if row["ended"] else None,
                          initiator=row["initiator"], location=row["location"], partners=tuple(partners))

    def get_initiative(self, initiative_id: str) -> Initiative:
        rows = self._read("SELECT * FROM initiatives WHERE id = ?", (initiative_id,))
        if not rows:
            raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
        return self._initiative(rows[0], self._partners_of([initiative_id])[initiative_id])

    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        where, params = [], []
        if flt.actor:
            where.append("id IN (SELECT initiative_id FROM partners WHERE actor_id = ?)")
            params.append(flt.actor)
        if flt.category:
            where.append("category = ?")
            params.append(flt.category)
        if flt.started_from:
            where.append("started >= ?")
            params.append(flt.started_from.isoformat())
        if flt.started_to:
            where.append("started <= ?")
            params.append(flt.started_to.isoformat())
        if flt.active_at:
            where.append("started <= ? AND (ended IS NULL OR ended >= ?)")
            params += [flt.active_at.isoformat()] * 2
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self._read(f"SELECT count(*) FROM initiatives {clause}", params)[0][0]
        rows = self._read(f"SELECT * FROM initiatives {clause} ORDER BY started, id LIMIT ? OFFSET ?",
                          [*params, limit, offset])
        partners = self._partners_of([r["id"] for r in rows])
        return Page([self._initiative(r, partners[r["id"]]) for r in rows], total, limit, offset)

    @staticmethod
    def _check_partners_exist(conn: sqlite3.Connection, initiative: Initiative) -> None:
        ids = list(initiative.actor_ids)
        found = {r[0] for r in conn.execute(
            f"SELECT id FROM actors WHERE id IN ({', '.join('?' * len(ids))})", ids)}
        problems = [Problem(f"partners[{n}].actor", msg.UNKNOWN_ACTOR(actor=p.actor))
                    for n, p in enumerate(initiative.partners) if p.actor not in found]
        if problems:
            raise Invalid(problems)

    def _initiative_in(self, conn: sqlite3.Connection, initiative_id: str) -> Initiative | None:
        """The stored initiative, read inside a write transaction (for the audit's "before")."""
        row = conn.execute("SELECT * FROM initiatives WHERE id = ?", (initiative_id,)).fetchone()
        if row is None:
            return None
        partners = [Partner(r[0], r[1]) for r in conn.execute(
            "SELECT actor_id, role FROM partners WHERE initiative_id = ? ORDER BY position", (initiative_id,))]
        return self._initiative(row, partners)

    def _write_initiative(self, initiative: Initiative, *, create: bool, by: str | None = None) -> Initiative:
        with self._write() as conn:
            old = self._initiative_in(conn, initiative.id)
            exists = old is not None
            if create and exists:
                raise Conflict(msg.INITIATIVE_ID_TAKEN(id=initiative.id), field="id")
            if not create and not exists:
                raise NotFound(msg.NO_INITIATIVE(id=initiative.id), field="id")
            self._check_partners_exist(conn, initiative)
            conn.execute(UPSERT_INITIATIVE, _initiative_row(initiative))
            conn.execute("DELETE FROM partners WHERE initiative_id = ?", (initiative.id,))
            conn.executemany(INSERT_PARTNER, _partner_rows(initiative))
            audit(conn, by, "create" if create else "update", "initiative", initiative.id,
                  before=initiative_to_dict(old) if old else None, after=initiative_to_dict(initiative))
        return initiative

    def create_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        return self._write_initiative(initiative, create=True, by=by)

    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        return self._write_initiative(initiative, create=False, by=by)

    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None:
        with self._write() as conn:
            old = self._initiative_in(conn, initiative_id)
            if old is None or conn.execute("DELETE FROM initiatives WHERE id = ?", (initiative_id,)).rowcount == 0:
                raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
            audit(conn, by, "delete", "initiative", initiative_id, before=initiative_to_dict(old))

    # -- whole graph ---------------------------------------------------------------------
    def _read_all(self, conn: sqlite3.Connection) -> tuple[list[Actor], list[Initiative]]:
        """Everything, ordered by id. Plain tuples and one ordered pass over the partners: on the
        L network (300,000 initiatives, a million partners) this is the cold path of every metric."""
        actors = [_actor_from_row(r) for r in conn.execute("SELECT * FROM actors ORDER BY id")]
        cursor = conn.cursor()
        cursor.row_factory = None
        partners = {
            initiative_id: tuple(Partner(actor_id, role) for _, actor_id, role in rows)
            for initiative_id, rows in groupby(cursor.execute(
                "SELECT initiative_id, actor_id, role FROM partners ORDER BY initiative_id, position"),
                key=itemgetter(0))}
        day = date.fromisoformat
        initiatives = [
            Initiative(id_, title, day(started), initiator, location, partners.get(id_, ()), category=category,
                       ended=day(ended) if ended else None)
            for id_, title, category, started, ended, initiator, location in cursor.execute(
                "SELECT id, title, category, started, ended, initiator, location FROM initiatives ORDER BY id")]
        return actors, initiatives

    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        conn = self._connection()
        # One read transaction, so actors and initiatives come from the same moment.
        try:
            conn.execute("BEGIN")
            try:
                return self._read_all(conn)
            finally:
                conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_READ(path=self.path, reason=str(exc))) from exc

    def network_rows(self) -> NetworkRows:
        """Three plain-tuple SELECTs in one read transaction, ids mapped to positions; no domain
        objects (on L: ~1 s instead of ~8 s for :meth:`snapshot`)."""
        conn = self._connection()
        try:
            conn.execute("BEGIN")
            try:
                cursor = conn.cursor()
                cursor.row_factory = None
                actors = cursor.execute("SELECT id, name, kind, sector, municipality, registered, tags "
                                        "FROM actors ORDER BY id").fetchall()
                initiatives = cursor.execute("SELECT id, started, ended, initiator FROM initiatives "
                                             "ORDER BY id").fetchall()
                partners = cursor.execute("SELECT initiative_id, actor_id FROM partners").fetchall()
            finally:
                conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_READ(path=self.path, reason=str(exc))) from exc
        ids, names, kinds, sectors, municipalities, registered, tags = _columns(actors, 7)
        initiative_ids, started, ended, initiators = _columns(initiatives, 4)
        partner_initiative, partner_actor = _columns(partners, 2)
        del actors, initiatives, partners
        actor_at = {a: n for n, a in enumerate(ids)}
        initiative_at = {i: n for n, i in enumerate(initiative_ids)}
        try:
            initiators = list(map(actor_at.__getitem__, initiators))
            partner_actor = list(map(actor_at.__getitem__, partner_actor))
            partner_initiative = list(map(initiative_at.__getitem__, partner_initiative))
        except KeyError as exc:  # the foreign keys forbid it
            raise ValueError(f"initiatives refer to unknown actors or initiatives: {exc.args[0]}") from None
        tags = [() if t == "[]" else tuple(json.loads(t)) for t in tags]
        return NetworkRows(ids, names, kinds, sectors, municipalities, registered, tags, initiative_ids, started,
                           ended, initiators, partner_initiative, partner_actor)

    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        try:
            with self._write() as conn:
                stored_actors, stored_initiatives = self._read_all(conn)
                old_actors = {a.id: a for a in stored_actors}
                old_initiatives = {i.id: i for i in stored_initiatives}
                changed_actors = [a for a in actors if old_actors.get(a.id) != a]
                changed_initiatives = [i for i in initiatives if old_initiatives.get(i.id) != i]
                conn.executemany(UPSERT_ACTOR, (_actor_row(a) for a in changed_actors))
                conn.executemany(UPSERT_INITIATIVE, (_initiative_row(i) for i in changed_initiatives))
                conn.executemany("DELETE FROM partners WHERE initiative_id = ?",
                                 [(i.id,) for i in changed_initiatives if i.id in old_initiatives])
                conn.executemany(INSERT_PARTNER, (row for i in changed_initiatives for row in _partner_rows(i)))
                if changed_actors or changed_initiatives:
                    # One entry per import, so bulk imports stay fast; it names (the first 1000 of) what changed.
                    audit(conn, by, "import", "graph", None, after={
                        "actors_changed": len(changed_actors), "initiatives_changed": len(changed_initiatives),
                        "actors": [a.id for a in changed_actors[:1000]],
                        "initiatives": [i.id for i in changed_initiatives[:1000]]})
        except sqlite3.IntegrityError as exc:
            conflict = identity_conflict(exc)
            if conflict:
                raise conflict from exc
            raise Invalid(msg.IMPORT_MISSING_ACTOR(reason=str(exc)), field="initiatives") from exc
        actors_updated = sum(1 for a in changed_actors if a.id in old_actors)
        initiatives_updated = sum(1 for i in changed_initiatives if i.id in old_initiatives)
        return ImportSummary(
            actors_created=len(changed_actors) - actors_updated, actors_updated=actors_updated,
            actors_unchanged=len(actors) - len(changed_actors),
            initiatives_created=len(changed_initiatives) - initiatives_updated,
            initiatives_updated=initiatives_updated,
            initiatives_unchanged=len(initiatives) - len(changed_initiatives))

    def import_batches(self, actor_batches, initiative_batches, *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        """Batch by batch inside one ``BEGIN IMMEDIATE`` transaction: each batch is compared with the
        stored rows of just its ids (``IN json_each(?)``), so memory stays one batch whatever the size
        of the store or of the import. A kill or an error anywhere leaves the store as it was."""
        today = today or date.today()
        counts = dict.fromkeys(("ac", "au", "an", "ic", "iu", "in"), 0)
        changed_ids: dict[str, list[str]] = {"actors": [], "initiatives": []}
        try:
            with self._write() as conn:
                for batch in actor_batches:
                    ids = json.dumps([a.id for a in batch])
                    stored = {r["id"]: _actor_from_row(r) for r in conn.execute(
                        "SELECT * FROM actors WHERE id IN (SELECT value FROM json_each(?))", (ids,))}
                    changed = []
                    for actor in batch:
                        old = stored.get(actor.id)
                        if actor.registered is None:
                            actor = replace(actor, registered=old.registered if old and old.registered else today)
                        if old is None:
                            counts["ac"] += 1
                        elif old == actor:
                            counts["an"] += 1
                            continue
                        else:
                            counts["au"] += 1
                        changed.append(actor)
                    conn.executemany(UPSERT_ACTOR, [_actor_row(a) for a in changed])
                    _note_changed(changed_ids["actors"], changed)
                for batch in initiative_batches:
                    known = self._initiatives_in(conn, [i.id for i in batch])
                    changed, replaced = [], []
                    for initiative in batch:
                        previous = known.get(initiative.id)
                        if previous is None:
                            counts["ic"] += 1
                        elif previous == initiative:
                            counts["in"] += 1
                            continue
                        else:
                            counts["iu"] += 1
                            replaced.append((initiative.id,))
                        changed.append(initiative)
                    conn.executemany(UPSERT_INITIATIVE, [_initiative_row(i) for i in changed])
                    conn.executemany("DELETE FROM partners WHERE initiative_id = ?", replaced)
                    conn.executemany(INSERT_PARTNER, [row for i in changed for row in _partner_rows(i)])
                    _note_changed(changed_ids["initiatives"], changed)
                actors_changed, initiatives_changed = counts["ac"] + counts["au"], counts["ic"] + counts["iu"]
                if actors_changed or initiatives_changed:
                    # One entry per import, as import_graph writes: it names (the first 1000 of) what changed.
                    audit(conn, by, "import", "graph", None, after={
                        "actors_changed": actors_changed, "initiatives_changed": initiatives_changed,
                        "actors": changed_ids["actors"], "initiatives": changed_ids["initiatives"]})
        except sqlite3.IntegrityError as exc:
            conflict = identity_conflict(exc)
            if conflict:
                raise conflict from exc
            raise Invalid(msg.IMPORT_MISSING_ACTOR(reason=str(exc)), field="initiatives") from exc
        return ImportSummary(actors_created=counts["ac"], actors_updated=counts["au"], actors_unchanged=counts["an"],
                             initiatives_created=counts["ic"], initiatives_updated=counts["iu"],
                             initiatives_unchanged=counts["in"])

    def _initiatives_in(self, conn: sqlite3.Connection, ids: list[str]) -> dict[str, Initiative]:
        """The stored initiatives among ``ids``, read inside the current transaction."""
        key = json.dumps(ids)
        cursor = conn.cursor()
        cursor.row_factory = None
        partners = {
            initiative_id: tuple(Partner(actor_id, role) for _, actor_id, role in rows)
            for initiative_id, rows in groupby(cursor.execute(
                "SELECT initiative_id, actor_id, role FROM partners WHERE initiative_id IN "
                "(SELECT value FROM json_each(?)) ORDER BY initiative_id, position", (key,)), key=itemgetter(0))}
        day = date.fromisoformat
        return {id_: Initiative(id_, title, day(started), initiator, location, partners.get(id_, ()),
                                category=category, ended=day(ended) if ended else None)
                for id_, title, category, started, ended, initiator, location in cursor.execute(
                    "SELECT id, title, category, started, ended, initiator, location FROM initiatives "
                    "WHERE id IN (SELECT value FROM json_each(?))", (key,))}

    def clear(self) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM partners")
            conn.execute("DELETE FROM initiatives")
            conn.execute("DELETE FROM actors")

    # -- backup and restore -----------------------------------------------------------------------
    def dump_all(self) -> StoreDump:
        conn = self._connection()
        try:
            conn.execute("BEGIN")  # one read transaction: graph, accounts and audit of one moment
            try:
                actors, initiatives = self._read_all(conn)
                accounts = self._dump_accounts(conn)
                row = conn.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()
            finally:
                conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(msg.SQLITE_CANNOT_READ(path=self.path, reason=str(exc))) from exc
        return StoreDump(graph_version=int(row[0]) if row else 0, actors=actors, initiatives=initiatives,
                         **accounts)

    def restore_all(self, dump: StoreDump) -> None:
        try:
            with self._write(bump=False) as conn:
                for table in ("partners", "initiatives", "actors"):
                    conn.execute(f"DELETE FROM {table}")
                conn.executemany(INSERT_ACTOR, (_actor_row(a) for a in dump.actors))
                conn.executemany(UPSERT_INITIATIVE, (_initiative_row(i) for i in dump.initiatives))
                conn.executemany(INSERT_PARTNER, (row for i in dump.initiatives for row in _partner_rows(i)))
                self._replace_accounts(conn, dump)
                conn.execute(RESTORE_VERSION, (dump.graph_version,))
        except sqlite3.IntegrityError as exc:
            raise Invalid(msg.BACKUP_INCONSISTENT(reason=str(exc)), field="backup") from exc
