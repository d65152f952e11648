"""The SQLite store's graph: actors, initiatives and their partners, each write one ``BEGIN IMMEDIATE``
transaction that bumps the graph version and records its audit entry."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, Page, normalise_key
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.model.serialize import actor_to_dict, initiative_to_dict
from graphsvc.storage.base import ActorFilter, GraphStore, ImportSummary, InitiativeFilter, NetworkRows
from graphsvc.storage.rules import (
    ImportTally,
    actor_id_taken,
    identity_conflict,
    import_identity_clash,
    initiative_id_taken,
    merge_into_itself,
    still_a_partner,
)
from graphsvc.storage.sqlite.audit import record
from graphsvc.storage.sqlite.database import SQLiteDatabase
from graphsvc.storage.sqlite.rows import (
    INITIATIVE_SELECT,
    INSERT_ACTOR,
    INSERT_PARTNER,
    UPSERT_ACTOR,
    UPSERT_INITIATIVE,
    actor_from_row,
    actor_row,
    initiative_from_tuple,
    initiative_row,
    partner_rows,
    partners_by_initiative,
)

#: Ids per ``IN (…)`` list of bound parameters (SQLite allows 999 in old builds).
CHUNK = 500


def _columns(rows: list[tuple], width: int) -> list:
    """Rows as ``width`` column lists (``itemgetter`` passes: ~10× faster than ``zip(*rows)``)."""
    return [list(map(itemgetter(k), rows)) for k in range(width)]


def is_identity_breach(exc: sqlite3.IntegrityError) -> bool:
    """Did the one-actor-per-kind-municipality-and-name index refuse a write?"""
    return "actors.kind" in str(exc) or "actors_identity" in str(exc)


def read_all(conn: sqlite3.Connection) -> tuple[list[Actor], list[Initiative]]:
    """Everything, ordered by id, inside the caller's transaction. Plain tuples and one ordered pass
    over the partners: on the L network (300,000 initiatives, a million partners) this is the cold
    path of every metric."""
    actors = [actor_from_row(r) for r in conn.execute("SELECT * FROM actors ORDER BY id")]
    cursor = conn.cursor()
    cursor.row_factory = None
    partners = partners_by_initiative(cursor.execute(
        "SELECT initiative_id, actor_id, role FROM partners ORDER BY initiative_id, position"))
    initiatives = [initiative_from_tuple(values, partners.get(values[0], ()))
                   for values in cursor.execute(f"{INITIATIVE_SELECT} ORDER BY id")]
    return actors, initiatives


def actors_in(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Actor]:
    """The stored actors among ``ids``, read inside the caller's transaction."""
    return {r["id"]: actor_from_row(r) for r in conn.execute(
        "SELECT * FROM actors WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))}


def initiatives_in(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Initiative]:
    """The stored initiatives among ``ids``, read inside the caller's transaction."""
    key = json.dumps(list(ids))
    cursor = conn.cursor()
    cursor.row_factory = None
    partners = partners_by_initiative(cursor.execute(
        "SELECT initiative_id, actor_id, role FROM partners WHERE initiative_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY initiative_id, position", (key,)))
    return {values[0]: initiative_from_tuple(values, partners.get(values[0], ()))
            for values in cursor.execute(f"{INITIATIVE_SELECT} WHERE id IN (SELECT value FROM json_each(?))", (key,))}


def write_graph(conn: sqlite3.Connection, actors: Iterable[Actor], initiatives: Sequence[Initiative]) -> None:
    """Insert actors, then initiatives and their partners, into emptied tables (a restore)."""
    conn.executemany(INSERT_ACTOR, (actor_row(a) for a in actors))
    conn.executemany(UPSERT_INITIATIVE, (initiative_row(i) for i in initiatives))
    conn.executemany(INSERT_PARTNER, (row for i in initiatives for row in partner_rows(i)))


def delete_graph(conn: sqlite3.Connection) -> None:
    for table in ("partners", "initiatives", "actors"):
        conn.execute(f"DELETE FROM {table}")


class SQLiteGraph(GraphStore):
    def __init__(self, db: SQLiteDatabase):
        self.db = db

    def graph_version(self) -> int:
        return self.db.graph_version()

    # -- actors ----------------------------------------------------------------
    def get_actor(self, actor_id: str) -> Actor:
        rows = self.db.read("SELECT * FROM actors WHERE id = ?", (actor_id,))
        if not rows:
            raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
        return actor_from_row(rows[0])

    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        keys = flt.keys()
        where, params = [], []
        for column, value in (("kind", keys["kind"]), ("sector_key", keys["sector_key"]),
                              ("municipality_key", keys["municipality_key"])):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if keys["q"] is not None:
            where.append("instr(name_key, ?) > 0")
            params.append(keys["q"])
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self.db.read(f"SELECT count(*) FROM actors {clause}", params)[0][0]
        rows = self.db.read(f"SELECT * FROM actors {clause} ORDER BY name_key, id LIMIT ? OFFSET ?",
                            [*params, limit, offset])
        return Page([actor_from_row(r) for r in rows], total, limit, offset)

    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start:start + CHUNK]
            rows = self.db.read(f"SELECT id FROM actors WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            found.update(r[0] for r in rows)
        return found

    def stored_actors(self, ids: Sequence[str]) -> dict[str, Actor]:
        with self.db.snapshot() as conn:
            return actors_in(conn, ids)

    def create_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        try:
            with self.db.write() as conn:
                conn.execute(INSERT_ACTOR, actor_row(actor))
                record(conn, by, "create", "actor", actor.id, after=actor_to_dict(actor))
        except sqlite3.IntegrityError as exc:
            if is_identity_breach(exc):
                raise identity_conflict(actor, self._same_identity(actor)) from exc
            raise actor_id_taken(actor.id) from exc
        return actor

    def _same_identity(self, actor: Actor) -> tuple[str, str] | None:
        """(id, name) of another stored actor with this kind, municipality and normalised name."""
        rows = self.db.read("SELECT id, name FROM actors WHERE kind = ? AND municipality_key = ? AND name_key = ? "
                            "AND id <> ? LIMIT 1", [actor.kind, normalise_key(actor.municipality),
                                                    normalise_key(actor.name), actor.id])
        return (rows[0][0], rows[0][1]) if rows else None

    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        try:
            with self.db.write() as conn:
                row = conn.execute("SELECT * FROM actors WHERE id = ?", (actor.id,)).fetchone()
                if row is None:
                    raise NotFound(msg.NO_ACTOR(id=actor.id), field="id")
                conn.execute(UPSERT_ACTOR, actor_row(actor))
                record(conn, by, "update", "actor", actor.id, before=actor_to_dict(actor_from_row(row)),
                       after=actor_to_dict(actor))
        except sqlite3.IntegrityError as exc:
            if is_identity_breach(exc):
                raise identity_conflict(actor, self._same_identity(actor)) from exc
            raise Conflict(msg.STORE_REFUSED(reason=str(exc))) from exc
        return actor

    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        with self.db.write() as conn:
            row = conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
            if row is None:
                raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
            linked = [r[0] for r in conn.execute(
                "SELECT initiative_id FROM partners WHERE actor_id = ? ORDER BY initiative_id", (actor_id,))]
            if linked and not cascade:
                raise still_a_partner(actor_id, linked)
            stored = initiatives_in(conn, linked)
            for initiative_id in linked:
                record(conn, by, "delete", "initiative", initiative_id,
                       before=initiative_to_dict(stored[initiative_id]))
            conn.executemany("DELETE FROM initiatives WHERE id = ?", [(i,) for i in linked])
            conn.execute("DELETE FROM actors WHERE id = ?", (actor_id,))
            record(conn, by, "delete", "actor", actor_id, before=actor_to_dict(actor_from_row(row)))
        return linked

    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        if survivor.id == merged_id:
            raise merge_into_itself()
        try:
            with self.db.write() as conn:
                found = actors_in(conn, [survivor.id, merged_id])
                for actor_id in (survivor.id, merged_id):
                    if actor_id not in found:
                        raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
                before_survivor, before_merged = found[survivor.id], found[merged_id]
                moved = [r[0] for r in conn.execute(
                    "SELECT initiative_id FROM partners WHERE actor_id = ? ORDER BY initiative_id", (merged_id,))]
                # Where both were partners the survivor keeps its own role; elsewhere it takes the merged one's place.
                conn.execute("DELETE FROM partners WHERE actor_id = ? AND initiative_id IN "
                             "(SELECT initiative_id FROM partners WHERE actor_id = ?)", (merged_id, survivor.id))
                conn.execute("UPDATE partners SET actor_id = ? WHERE actor_id = ?", (survivor.id, merged_id))
                conn.execute("UPDATE initiatives SET initiator = ? WHERE initiator = ?", (survivor.id, merged_id))
                conn.execute("DELETE FROM actors WHERE id = ?", (merged_id,))
                conn.execute(UPSERT_ACTOR, actor_row(survivor))
                record(conn, by, "merge", "actor", survivor.id,
                       before={"survivor": actor_to_dict(before_survivor), "merged": actor_to_dict(before_merged)},
                       after={"survivor": actor_to_dict(survivor), "initiatives_moved": moved})
                record(conn, by, "merged_into", "actor", merged_id, before=actor_to_dict(before_merged),
                       after={"survivor": survivor.id, "initiatives_moved": moved})
        except sqlite3.IntegrityError as exc:
            if is_identity_breach(exc):
                raise identity_conflict(survivor) from exc
            raise Conflict(msg.MERGE_REFUSED(reason=str(exc))) from exc
        return moved

    # -- initiatives ---------------------------------------------------------------
    def get_initiative(self, initiative_id: str) -> Initiative:
        found = self.stored_initiatives([initiative_id])
        if initiative_id not in found:
            raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
        return found[initiative_id]

    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        keys = flt.keys()
        where: list[str] = []
        params: list = []
        if keys["actor"] is not None:
            where.append("id IN (SELECT initiative_id FROM partners WHERE actor_id = ?)")
            params.append(keys["actor"])
        if keys["category_key"] is not None:
            where.append("category_key = ?")
            params.append(keys["category_key"])
        if keys["started_from"] is not None:
            where.append("started >= ?")
            params.append(keys["started_from"])
        if keys["started_to"] is not None:
            where.append("started <= ?")
            params.append(keys["started_to"])
        if keys["active_at"] is not None:
            where.append("started <= ? AND (ended IS NULL OR ended >= ?)")
            params += [keys["active_at"]] * 2
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self.db.snapshot() as conn:
            total = conn.execute(f"SELECT count(*) FROM initiatives {clause}", params).fetchone()[0]
            ids = [r[0] for r in conn.execute(f"SELECT id FROM initiatives {clause} ORDER BY started, id "
                                              "LIMIT ? OFFSET ?", [*params, limit, offset])]
            found = initiatives_in(conn, ids)
        return Page([found[i] for i in ids], total, limit, offset)

    def stored_initiatives(self, ids: Sequence[str]) -> dict[str, Initiative]:
        with self.db.snapshot() as conn:
            return initiatives_in(conn, ids)

    @staticmethod
    def _check_partners_exist(conn: sqlite3.Connection, initiative: Initiative) -> None:
        ids = list(initiative.actor_ids)
        found = {r[0] for r in conn.execute(
            f"SELECT id FROM actors WHERE id IN ({', '.join('?' * len(ids))})", ids)}
        problems = [Problem(f"partners[{n}].actor", msg.UNKNOWN_ACTOR(actor=p.actor))
                    for n, p in enumerate(initiative.partners) if p.actor not in found]
        if problems:
            raise Invalid(problems)

    def _write_initiative(self, initiative: Initiative, *, create: bool, by: str | None = None) -> Initiative:
        with self.db.write() as conn:
            old = initiatives_in(conn, [initiative.id]).get(initiative.id)
            if create and old is not None:
                raise initiative_id_taken(initiative.id)
            if not create and old is None:
                raise NotFound(msg.NO_INITIATIVE(id=initiative.id), field="id")
            self._check_partners_exist(conn, initiative)
            conn.execute(UPSERT_INITIATIVE, initiative_row(initiative))
            conn.execute("DELETE FROM partners WHERE initiative_id = ?", (initiative.id,))
            conn.executemany(INSERT_PARTNER, partner_rows(initiative))
            record(conn, by, "create" if create else "update", "initiative", initiative.id,
                   before=initiative_to_dict(old) if old else None, after=initiative_to_dict(initiative))
        return initiative

    def create_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        return self._write_initiative(initiative, create=True, by=by)

    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        return self._write_initiative(initiative, create=False, by=by)

    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None:
        with self.db.write() as conn:
            old = initiatives_in(conn, [initiative_id]).get(initiative_id)
            if old is None:
                raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
            conn.execute("DELETE FROM initiatives WHERE id = ?", (initiative_id,))
            record(conn, by, "delete", "initiative", initiative_id, before=initiative_to_dict(old))

    # -- whole graph ---------------------------------------------------------------------
    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        with self.db.snapshot() as conn:  # one read transaction: actors and initiatives of one moment
            return read_all(conn)

    def network_rows(self) -> NetworkRows:
        """Three plain-tuple SELECTs in one read transaction, ids mapped to positions; no model
        objects (on L: ~1 s instead of ~8 s for :meth:`snapshot`)."""
        with self.db.snapshot() as conn:
            cursor = conn.cursor()
            cursor.row_factory = None
            actors = cursor.execute("SELECT id, name, kind, sector, municipality, registered, tags "
                                    "FROM actors ORDER BY id").fetchall()
            initiatives = cursor.execute("SELECT id, started, ended, initiator FROM initiatives "
                                         "ORDER BY id").fetchall()
            partners = cursor.execute("SELECT initiative_id, actor_id FROM partners").fetchall()
        ids, names, kinds, sectors, municipalities, registered, tags = _columns(actors, 7)
        initiative_ids, started, ended, initiators = _columns(initiatives, 4)
        partner_initiative, partner_actor = _columns(partners, 2)
        del actors, initiatives, partners
        actor_at = {a: n for n, a in enumerate(ids)}
        initiative_at = {i: n for n, i in enumerate(initiative_ids)}
        try:
            initiators = [-1 if i is None else actor_at[i] for i in initiators]  # −1: unknown
            partner_actor = list(map(actor_at.__getitem__, partner_actor))
            partner_initiative = list(map(initiative_at.__getitem__, partner_initiative))
        except KeyError as exc:  # the foreign keys forbid it
            raise ValueError(f"initiatives refer to unknown actors or initiatives: {exc.args[0]}") from None
        tags = [() if t == "[]" else tuple(json.loads(t)) for t in tags]
        return NetworkRows(ids, names, kinds, sectors, municipalities, registered, tags, initiative_ids, started,
                           ended, initiators, partner_initiative, partner_actor)

    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        return self._import([actors], [initiatives], by=by, today=None)

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        """Batch by batch inside one ``BEGIN IMMEDIATE`` transaction: each batch is compared with the
        stored rows of just its ids (``IN json_each(?)``), so memory stays one batch whatever the size
        of the store or of the import. A kill or an error anywhere leaves the store as it was."""
        return self._import(actor_batches, initiative_batches, by=by, today=today or date.today())

    def _import(self, actor_batches: Iterable[Sequence[Actor]], initiative_batches: Iterable[Sequence[Initiative]],
                *, by: str | None, today: date | None) -> ImportSummary:
        tally = ImportTally()
        try:
            with self.db.write() as conn:
                for actors in actor_batches:
                    changed = tally.actors(actors, actors_in(conn, [a.id for a in actors]), today=today)
                    conn.executemany(UPSERT_ACTOR, [actor_row(a) for a in changed])
                for initiatives in initiative_batches:
                    stored = initiatives_in(conn, [i.id for i in initiatives])
                    changed_initiatives = tally.initiatives(initiatives, stored)
                    conn.executemany(UPSERT_INITIATIVE, [initiative_row(i) for i in changed_initiatives])
                    conn.executemany("DELETE FROM partners WHERE initiative_id = ?",
                                     [(i.id,) for i in changed_initiatives if i.id in stored])
                    conn.executemany(INSERT_PARTNER, [row for i in changed_initiatives for row in partner_rows(i)])
                if tally.changed:  # one entry per import, so bulk imports stay fast
                    record(conn, by, "import", "graph", None, after=tally.audit_payload())
        except sqlite3.IntegrityError as exc:
            if is_identity_breach(exc):
                raise import_identity_clash() from exc
            raise Invalid(msg.IMPORT_MISSING_ACTOR(reason=str(exc)), field="initiatives") from exc
        return tally.summary()

    def clear(self) -> None:
        with self.db.write() as conn:
            delete_graph(conn)
