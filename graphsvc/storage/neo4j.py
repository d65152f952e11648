"""The Neo4j store: the graph in Neo4j, co-creation shown as ties between actor nodes (docs/neo4j-schema.md).

One driver per store; every method is one managed transaction (``execute_read`` /
``execute_write``) whose unit of work may run more than once, so each is idempotent: it reads
what it needs, writes, and consumes every result inside the transaction. Every statement is a
constant in :mod:`graphsvc.storage.cypher` (linted offline by tests/test_cypher_lint.py); values
travel as parameters only. Driver errors become the project's own exceptions at this boundary.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, LiteralString, TypeVar
from urllib.parse import urlsplit, urlunsplit

from neo4j import GraphDatabase, ManagedTransaction, exceptions as neo4j_errors

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, Page, Partner, normalise_key
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem, StoreUnavailable
from graphsvc.model.serialize import actor_to_dict, initiative_to_dict
from graphsvc.storage import cypher
from graphsvc.storage.base import ActorFilter, ImportSummary, InitiativeFilter, Store, StoreDump
from graphsvc.storage.neo4j_accounts import Neo4jAccounts, audit, dump_accounts, write_accounts

T = TypeVar("T")

#: Seconds to open a TCP connection; a dead server is reported quickly instead of hanging a request.
CONNECTION_TIMEOUT = 5.0
#: Seconds a managed transaction keeps retrying transient failures (leader switch, deadlock, restart).
MAX_RETRY_TIME = 10.0
#: ``check()`` answers health probes: one attempt, no retries.
CHECK_RETRY_TIME = 0.0
#: Rows per ``UNWIND`` statement in an import; all batches still run in one transaction.
BATCH_SIZE = 5000

# Neo4j's codes for a database name that the server does not know.
_DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"


class Neo4jStore(Neo4jAccounts, Store):
    """A store in a Neo4j 5 database, reached with the official driver.

    ``uri`` is a ``neo4j://`` (routing) or ``bolt://`` URL without credentials; ``database``
    ``None`` means the server's default database. Nothing connects until the first call.
    """

    kind = "neo4j"

    def __init__(self, uri: str, *, user: str = "neo4j", password: str = "", database: str | None = None,
                 max_retry_time: float = MAX_RETRY_TIME, connection_timeout: float = CONNECTION_TIMEOUT):
        parts = urlsplit(uri)
        if parts.username or parts.password:  # credentials in the URL: use them, but never show them
            user = parts.username or user
            password = parts.password or password
            netloc = parts.hostname or "localhost"
            if parts.port:
                netloc = f"{netloc}:{parts.port}"
            uri = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
        self.uri = uri
        self.user = user
        self.database = database
        self._driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connection_timeout,
            connection_acquisition_timeout=connection_timeout * 2,
            max_transaction_retry_time=max_retry_time,
            # Server notifications (unknown labels in an empty database, performance hints) stay
            # out of Python's warnings, which the test suite turns into errors.
            warn_notification_severity="OFF",
            user_agent="graphsvc",
        )

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, user={self.user!r}, database={self.database!r})"

    # -- plumbing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _translated_errors(self, *, conflict: msg.Message | None = None,
                           actor: Actor | None = None) -> Iterator[None]:
        """Turn driver errors into graphsvc's: one line, naming the URI, never the password.

        A uniqueness constraint failing is a ``Conflict``: on ``identity_key`` (one actor per kind,
        municipality and name; described with ``actor`` when given), else described by ``conflict``.
        """
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise StoreUnavailable(msg.NEO4J_CREDENTIALS(uri=self.uri, user=self.user)) from exc
        except neo4j_errors.ConstraintError as exc:
            if "identity_key" in str(exc):
                raise Conflict(msg.actor_exists(actor) if actor else conflict or msg.actor_exists(),
                               field="name") from exc
            raise Conflict(conflict or msg.NEO4J_DUPLICATE(reason=_one_line(exc)), field="id") from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired,
                neo4j_errors.ConnectionPoolError, neo4j_errors.TransientError) as exc:
            raise StoreUnavailable(msg.NEO4J_UNAVAILABLE(uri=self.uri, reason=_one_line(exc))) from exc
        except (neo4j_errors.Forbidden, neo4j_errors.DatabaseError) as exc:
            raise StoreUnavailable(msg.NEO4J_UNUSABLE(uri=self.uri, reason=_one_line(exc))) from exc
        except neo4j_errors.ClientError as exc:
            if exc.code == _DATABASE_NOT_FOUND:
                raise StoreUnavailable(msg.NEO4J_NO_DATABASE(uri=self.uri, database=self.database)) from exc
            raise

    def _read(self, work: Callable[[ManagedTransaction], T], *, retry_time: float | None = None) -> T:
        config: dict[str, Any] = {"database": self.database}
        if retry_time is not None:
            config["max_transaction_retry_time"] = retry_time
        with self._translated_errors(), self._driver.session(**config) as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[ManagedTransaction], T], *, conflict: msg.Message | None = None,
               actor: Actor | None = None) -> T:
        with (self._translated_errors(conflict=conflict, actor=actor),
              self._driver.session(database=self.database) as session):
            return session.execute_write(work)

    # -- life cycle ---------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        # Schema commands cannot share a transaction with data writes: one transaction each.
        for statement in cypher.SCHEMA_STATEMENTS:
            try:
                self._write(_runner(statement))
            except neo4j_errors.ClientError as exc:
                # Several server processes starting at once may race to create the same rule.
                if "AlreadyExists" not in (exc.code or ""):
                    raise
        self._write(_runner(cypher.ENSURE_GRAPH_META))

    def check(self) -> dict:
        def work(tx: ManagedTransaction) -> dict:
            components = [record.data() for record in tx.run(cypher.SERVER_COMPONENTS)]
            version = tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"]
            return {"components": components, "graph_version": version}

        facts = self._read(work, retry_time=CHECK_RETRY_TIME)
        kernel = next((c for c in facts["components"] if c.get("name") == "Neo4j Kernel"),
                      facts["components"][0] if facts["components"] else {})
        return {
            "store": self.kind,
            "uri": self.uri,
            "database": self.database or "(default)",
            "server_version": (kernel.get("versions") or ["?"])[0],
            "edition": kernel.get("edition", "?"),
            "graph_version": facts["graph_version"],
        }

    def close(self) -> None:
        self._driver.close()

    def graph_version(self) -> int:
        return self._read(lambda tx: tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"])

    # -- actors --------------------------------------------------------------------------------
    def get_actor(self, actor_id: str) -> Actor:
        def work(tx: ManagedTransaction) -> dict | None:
            record = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
            return record["actor"] if record else None

        props = self._read(work)
        if props is None:
            raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
        return _actor_from(props)

    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        params = {
            "kind": flt.kind or None,
            "sector_key": _key(flt.sector),
            "municipality_key": _key(flt.municipality),
            "q": _key(flt.q),
        }

        def work(tx: ManagedTransaction) -> tuple[int, list[dict]]:
            total = tx.run(cypher.COUNT_ACTORS, params).single(strict=True)["total"]
            rows = [record["actor"] for record in
                    tx.run(cypher.LIST_ACTORS, {**params, "limit": int(limit), "offset": int(offset)})]
            return total, rows

        total, rows = self._read(work)
        return Page(items=[_actor_from(r) for r in rows], total=total, limit=limit, offset=offset)

    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        return self._read(lambda tx: _existing_ids(tx, cypher.EXISTING_ACTOR_IDS, ids))

    def create_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        row = _actor_row(actor)

        def work(tx: ManagedTransaction) -> None:
            _bump_version(tx)
            if _existing_ids(tx, cypher.EXISTING_ACTOR_IDS, [actor.id]):
                raise Conflict(msg.ACTOR_ID_TAKEN(id=actor.id), field="id")
            _refuse_identity_taken(tx, actor, row)
            # Two writers racing past these checks: the uniqueness constraints refuse the second
            # (ConstraintError, which _write turns into Conflict).
            tx.run(cypher.CREATE_ACTOR, {"actor": row}).consume()
            audit(tx, by, "create", "actor", actor.id, after=actor_to_dict(actor))

        self._write(work, conflict=msg.ACTOR_ID_TAKEN(id=actor.id), actor=actor)
        return actor

    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        row = _actor_row(actor)

        def work(tx: ManagedTransaction) -> None:
            _bump_version(tx)
            record = tx.run(cypher.GET_ACTOR, {"id": actor.id}).single()
            if record is None:
                raise NotFound(msg.NO_ACTOR(id=actor.id), field="id")
            _refuse_identity_taken(tx, actor, row)
            tx.run(cypher.UPDATE_ACTOR, {"actor": row}).consume()
            audit(tx, by, "update", "actor", actor.id, before=actor_to_dict(_actor_from(record["actor"])),
                  after=actor_to_dict(actor))

        self._write(work, actor=actor)
        return actor

    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        def work(tx: ManagedTransaction) -> list[str]:
            _bump_version(tx)
            record = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
            if record is None:
                raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
            before = _actor_from(record["actor"])
            linked = tx.run(cypher.ACTOR_INITIATIVE_IDS, {"id": actor_id}).single(strict=True)
            initiative_ids = sorted(set(linked["initiative_ids"]))
            if initiative_ids and not cascade:
                raise Conflict(msg.ACTOR_IN_INITIATIVES(id=actor_id, count=len(initiative_ids),
                                                        initiatives=_preview(initiative_ids)), field="id")
            if initiative_ids:
                stored = _stored_initiatives(tx, initiative_ids)
                for initiative_id in initiative_ids:
                    audit(tx, by, "delete", "initiative", initiative_id,
                          before=initiative_to_dict(stored[initiative_id]))
                _delete_initiatives(tx, initiative_ids)
            tx.run(cypher.DELETE_ACTOR, {"id": actor_id}).consume()
            audit(tx, by, "delete", "actor", actor_id, before=actor_to_dict(before))
            return initiative_ids

        return self._write(work)

    # -- initiatives ---------------------------------------------------------------------------
    def get_initiative(self, initiative_id: str) -> Initiative:
        def work(tx: ManagedTransaction) -> tuple[dict, list[dict]] | None:
            record = tx.run(cypher.GET_INITIATIVE, {"id": initiative_id}).single()
            return (record["initiative"], record["partners"]) if record else None

        found = self._read(work)
        if found is None:
            raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
        return _initiative_from(*found)

    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        params = {
            "actor": flt.actor or None,
            "category_key": _key(flt.category),
            "started_from": _iso(flt.started_from),
            "started_to": _iso(flt.started_to),
            "active_at": _iso(flt.active_at),
        }

        def work(tx: ManagedTransaction) -> tuple[int, list[tuple[dict, list[dict]]]]:
            total = tx.run(cypher.COUNT_INITIATIVES, params).single(strict=True)["total"]
            rows = [(record["initiative"], record["partners"]) for record in
                    tx.run(cypher.LIST_INITIATIVES, {**params, "limit": int(limit), "offset": int(offset)})]
            return total, rows

        total, rows = self._read(work)
        return Page(items=[_initiative_from(*r) for r in rows], total=total, limit=limit, offset=offset)

    def create_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        row = _initiative_row(initiative)
        partners = _partner_rows([initiative])

        def work(tx: ManagedTransaction) -> None:
            _bump_version(tx)
            if _existing_ids(tx, cypher.EXISTING_INITIATIVE_IDS, [initiative.id]):
                raise Conflict(msg.INITIATIVE_ID_TAKEN(id=initiative.id), field="id")
            _check_partners_exist(tx, [initiative], _no_prefix)
            tx.run(cypher.CREATE_INITIATIVE, {"initiative": row}).consume()
            _create_partners(tx, partners, [initiative], _no_prefix)
            _rebuild_ties(tx, [initiative.id])
            audit(tx, by, "create", "initiative", initiative.id, after=initiative_to_dict(initiative))

        self._write(work, conflict=msg.INITIATIVE_ID_TAKEN(id=initiative.id))
        return initiative

    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        row = _initiative_row(initiative)
        partners = _partner_rows([initiative])

        def work(tx: ManagedTransaction) -> None:
            _bump_version(tx)
            before = _initiative_in(tx, initiative.id)
            if before is None:
                raise NotFound(msg.NO_INITIATIVE(id=initiative.id), field="id")
            _check_partners_exist(tx, [initiative], _no_prefix)
            tx.run(cypher.UPDATE_INITIATIVE, {"initiative": row}).consume()
            tx.run(cypher.DELETE_PARTNERS, {"ids": [initiative.id]}).consume()
            _create_partners(tx, partners, [initiative], _no_prefix)
            _rebuild_ties(tx, [initiative.id])
            audit(tx, by, "update", "initiative", initiative.id, before=initiative_to_dict(before),
                  after=initiative_to_dict(initiative))

        self._write(work)
        return initiative

    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None:
        def work(tx: ManagedTransaction) -> None:
            _bump_version(tx)
            before = _initiative_in(tx, initiative_id)
            if before is None:
                raise NotFound(msg.NO_INITIATIVE(id=initiative_id), field="id")
            _delete_initiatives(tx, [initiative_id])
            audit(tx, by, "delete", "initiative", initiative_id, before=initiative_to_dict(before))

        self._write(work)

    # -- whole graph -----------------------------------------------------------------------------
    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        def work(tx: ManagedTransaction) -> tuple[list[dict], list[tuple[dict, list[dict]]]]:
            actors = [record["actor"] for record in tx.run(cypher.ALL_ACTORS)]
            initiatives = [(record["initiative"], record["partners"]) for record in tx.run(cypher.ALL_INITIATIVES)]
            return actors, initiatives

        actor_rows, initiative_rows = self._read(work)
        return [_actor_from(r) for r in actor_rows], [_initiative_from(*r) for r in initiative_rows]

    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        def work(tx: ManagedTransaction) -> ImportSummary:
            _bump_version(tx)
            # Partners may be actors of this import (written below, in this transaction) or stored ones.
            _check_partners_exist(tx, initiatives, _document_prefix, also_known={a.id for a in actors})
            old_actors = _stored_actors(tx, [a.id for a in actors])
            old_initiatives = _stored_initiatives(tx, [i.id for i in initiatives])
            # Objects equal to the stored ones are not rewritten: importing the same data twice is a no-op.
            changed_actors = [a for a in actors if old_actors.get(a.id) != a]
            changed_initiatives = [i for i in initiatives if old_initiatives.get(i.id) != i]
            changed_ids = [i.id for i in changed_initiatives]
            for batch in _batches([_actor_row(a) for a in changed_actors]):
                tx.run(cypher.UPSERT_ACTORS, {"actors": batch}).consume()
            for batch in _batches([_initiative_row(i) for i in changed_initiatives]):
                tx.run(cypher.UPSERT_INITIATIVES, {"initiatives": batch}).consume()
            for id_batch in _batches(changed_ids):
                tx.run(cypher.DELETE_PARTNERS, {"ids": id_batch}).consume()
            _create_partners(tx, _partner_rows(changed_initiatives), changed_initiatives, _document_prefix)
            _rebuild_ties(tx, changed_ids)
            if changed_actors or changed_initiatives:
                # One entry per import (bulk imports stay fast); it lists what changed.
                audit(tx, by, "import", "graph", None, after={
                    "actors": [a.id for a in changed_actors], "initiatives": changed_ids})
            actors_updated = sum(1 for a in changed_actors if a.id in old_actors)
            initiatives_updated = sum(1 for i in changed_initiatives if i.id in old_initiatives)
            return ImportSummary(
                actors_created=len(changed_actors) - actors_updated, actors_updated=actors_updated,
                actors_unchanged=len(actors) - len(changed_actors),
                initiatives_created=len(changed_initiatives) - initiatives_updated,
                initiatives_updated=initiatives_updated,
                initiatives_unchanged=len(initiatives) - len(changed_initiatives),
            )

        return self._write(work, conflict=msg.IMPORT_IDENTITY_CLASH())

    def clear(self) -> None:
        def work(tx: ManagedTransaction) -> None:
            _bump_version(tx)
            tx.run(cypher.CLEAR_GRAPH).consume()

        self._write(work)

    # -- backup and restore -----------------------------------------------------------------------
    def dump_all(self) -> StoreDump:
        def work(tx: ManagedTransaction) -> tuple:
            actors = [record["actor"] for record in tx.run(cypher.ALL_ACTORS)]
            initiatives = [(record["initiative"], record["partners"]) for record in tx.run(cypher.ALL_INITIATIVES)]
            version = tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"]
            return actors, initiatives, version, dump_accounts(tx)

        actor_rows, initiative_rows, version, accounts = self._read(work)
        return StoreDump(graph_version=version, actors=[_actor_from(r) for r in actor_rows],
                         initiatives=[_initiative_from(*r) for r in initiative_rows], **accounts)

    def restore_all(self, dump: StoreDump) -> None:
        initiative_ids = [i.id for i in dump.initiatives]

        def work(tx: ManagedTransaction) -> None:
            # Idempotent, as a retried unit of work must be: it empties the store before writing.
            tx.run(cypher.CLEAR_GRAPH).consume()
            tx.run(cypher.CLEAR_ACCOUNTS).consume()
            for batch in _batches([_actor_row(a) for a in dump.actors]):
                tx.run(cypher.UPSERT_ACTORS, {"actors": batch}).consume()
            for batch in _batches([_initiative_row(i) for i in dump.initiatives]):
                tx.run(cypher.UPSERT_INITIATIVES, {"initiatives": batch}).consume()
            _create_partners(tx, _partner_rows(dump.initiatives), dump.initiatives, _document_prefix)
            _rebuild_ties(tx, initiative_ids)
            write_accounts(tx, dump, _batches)
            tx.run(cypher.RESTORE_GRAPH_VERSION, {"version": int(dump.graph_version)}).consume()

        self._write(work, conflict=msg.BACKUP_DUPLICATES())


# -- units of work's helpers (all run inside a transaction) -------------------------------------

def _runner(statement: LiteralString) -> Callable[[ManagedTransaction], None]:
    def work(tx: ManagedTransaction) -> None:
        tx.run(statement).consume()

    return work


def _initiative_in(tx: ManagedTransaction, initiative_id: str) -> Initiative | None:
    """The stored initiative, read inside a write transaction (the audit's "before")."""
    record = tx.run(cypher.GET_INITIATIVE, {"id": initiative_id}).single()
    return _initiative_from(record["initiative"], record["partners"]) if record else None


def _no_prefix(index: int) -> str:
    return ""


def _document_prefix(index: int) -> str:
    return f"initiatives[{index}]."


def _bump_version(tx: ManagedTransaction) -> int:
    return tx.run(cypher.BUMP_GRAPH_VERSION).single(strict=True)["version"]


def _existing_ids(tx: ManagedTransaction, statement: LiteralString, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for batch in _batches(list(ids)):
        found.update(record["id"] for record in tx.run(statement, {"ids": batch}))
    return found


def _check_partners_exist(tx: ManagedTransaction, initiatives: Sequence[Initiative],
                          prefix: Callable[[int], str], *, also_known: set[str] | frozenset[str] = frozenset()
                          ) -> None:
    """Raise ``Invalid`` naming every partner (``partners[1].actor``) that is neither a stored actor
    nor in ``also_known`` (actors written in the same transaction)."""
    wanted = list(dict.fromkeys(actor_id for i in initiatives for actor_id in (*i.actor_ids, i.initiator)
                                if actor_id not in also_known))
    known = _existing_ids(tx, cypher.EXISTING_ACTOR_IDS, wanted) | set(also_known)
    problems: list[Problem] = []
    for index, initiative in enumerate(initiatives):
        for position, partner in enumerate(initiative.partners):
            if partner.actor not in known:
                problems.append(Problem(f"{prefix(index)}partners[{position}].actor",
                                        msg.UNKNOWN_ACTOR(actor=partner.actor)))
        if initiative.initiator not in known and initiative.initiator not in initiative.actor_ids:
            problems.append(Problem(f"{prefix(index)}initiator", msg.UNKNOWN_ACTOR(actor=initiative.initiator)))
    if problems:
        raise Invalid(problems)


def _refuse_identity_taken(tx: ManagedTransaction, actor: Actor, row: dict[str, Any]) -> None:
    other = tx.run(cypher.ACTOR_WITH_IDENTITY, {"identity_key": row["identity_key"], "id": actor.id}).single()
    if other is not None:
        raise Conflict(msg.actor_exists(actor, (other["id"], other.get("name") or other["id"])), field="name")


def _stored_actors(tx: ManagedTransaction, ids: Sequence[str]) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for batch in _batches(list(dict.fromkeys(ids))):
        for record in tx.run(cypher.GET_ACTORS, {"ids": batch}):
            actor = _actor_from(record["actor"])
            found[actor.id] = actor
    return found


def _stored_initiatives(tx: ManagedTransaction, ids: Sequence[str]) -> dict[str, Initiative]:
    found: dict[str, Initiative] = {}
    for batch in _batches(list(dict.fromkeys(ids))):
        for record in tx.run(cypher.GET_INITIATIVES, {"ids": batch}):
            initiative = _initiative_from(record["initiative"], record["partners"])
            found[initiative.id] = initiative
    return found


def _create_partners(tx: ManagedTransaction, rows: list[dict], initiatives: Sequence[Initiative],
                     prefix: Callable[[int], str]) -> None:
    created = 0
    for batch in _batches(rows):
        created += tx.run(cypher.CREATE_PARTNERS, {"partners": batch}).single(strict=True)["created"]
    if created != len(rows):
        # Only if an actor vanished between the check and the write (a concurrent delete).
        _check_partners_exist(tx, initiatives, prefix)
        raise Invalid(msg.PARTNER_DELETED_MEANWHILE(), field=f"{prefix(0)}partners")


def _rebuild_ties(tx: ManagedTransaction, initiative_ids: Sequence[str]) -> None:
    """Replace the derived CO_CREATES ties of these initiatives from their PARTNER_IN relationships."""
    for batch in _batches(list(initiative_ids)):
        tx.run(cypher.DELETE_CO_CREATES, {"ids": batch}).consume()
        tx.run(cypher.CREATE_CO_CREATES, {"ids": batch}).consume()


def _delete_initiatives(tx: ManagedTransaction, initiative_ids: Sequence[str]) -> None:
    for batch in _batches(list(initiative_ids)):
        tx.run(cypher.DELETE_CO_CREATES, {"ids": batch}).consume()
        tx.run(cypher.DELETE_INITIATIVES, {"ids": batch}).consume()


# -- between domain objects and parameters / records --------------------------------------------

def _key(text: str | None) -> str | None:
    return normalise_key(text) if text else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _identity_key(actor: Actor) -> str:
    """One actor per kind, municipality and normalised name: the value the ``actor_identity``
    constraint keeps unique. A JSON list, so no name can make two different triples collide."""
    return json.dumps([actor.kind, normalise_key(actor.municipality), normalise_key(actor.name)], ensure_ascii=False)


def _actor_row(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "name_key": normalise_key(actor.name),
        "kind": actor.kind,
        "sector": actor.sector,
        "sector_key": _key(actor.sector),
        "municipality": actor.municipality,
        "municipality_key": _key(actor.municipality),
        "municipality_number": actor.municipality_number,
        "org_number": actor.org_number,
        "service_model": actor.service_model,
        "registered": _iso(actor.registered),
        # An empty list is stored as no property: Neo4j cannot tell the type of an empty list.
        "tags": list(actor.tags) or None,
        "identity_key": _identity_key(actor),
    }


def _initiative_row(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.id,
        "title": initiative.title,
        "category": initiative.category,
        "category_key": _key(initiative.category),
        "started": _iso(initiative.started),
        "ended": _iso(initiative.ended),
        "location": initiative.location,
        "initiator": initiative.initiator,
    }


def _partner_rows(initiatives: Iterable[Initiative]) -> list[dict[str, Any]]:
    return [{"initiative": i.id, "actor": p.actor, "role": p.role, "position": position}
            for i in initiatives for position, p in enumerate(i.partners)]


def _to_date(value: Any) -> date | None:
    """A Neo4j ``date`` (``neo4j.time.Date``) as a ``datetime.date``."""
    if value is None:
        return None
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _actor_from(props: dict[str, Any]) -> Actor:
    return Actor(
        id=props["id"],
        name=props["name"],
        kind=props["kind"],
        municipality=props["municipality"],
        sector=props.get("sector"),
        municipality_number=props.get("municipality_number"),
        org_number=props.get("org_number"),
        service_model=props.get("service_model"),
        registered=_to_date(props.get("registered")),
        tags=tuple(props.get("tags") or ()),
    )


def _initiative_from(props: dict[str, Any], partners: list[dict[str, Any]]) -> Initiative:
    ordered = sorted(partners, key=lambda p: (p["position"] if p.get("position") is not None else 1 << 30,
                                              p["actor"]))
    started = _to_date(props["started"])
    assert started is not None  # every stored initiative has a start date (the store writes only valid ones)
    return Initiative(
        id=props["id"],
        title=props["title"],
        started=started,
        initiator=props["initiator"],
        location=props["location"],
        partners=tuple(Partner(actor=p["actor"], role=p["role"]) for p in ordered),
        category=props.get("category"),
        ended=_to_date(props.get("ended")),
    )


def _batches(rows: list[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _one_line(exc: BaseException, limit: int = 240) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _preview(ids: list[str], shown: int = 5) -> str:
    head = ", ".join(ids[:shown])
    return head if len(ids) <= shown else f"{head}, … ({len(ids) - shown} more)"


__all__ = ["Neo4jStore"]
