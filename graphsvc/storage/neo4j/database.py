"""The Neo4j store's driver object: one driver per store, a managed transaction per unit of work,
driver errors turned into graphsvc's at this boundary; also the store's life cycle.

Every part of the store (graph, accounts, audit, backup) holds the same :class:`Neo4jDatabase`
and reaches Neo4j only through :meth:`Neo4jDatabase.read` and :meth:`Neo4jDatabase.write`.
Units of work may run more than once (the driver retries transient failures), so each one only
reads and writes inside its transaction and consumes every result there.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any, LiteralString, TypeVar
from urllib.parse import urlsplit, urlunsplit

from neo4j import GraphDatabase, ManagedTransaction, exceptions as neo4j_errors, unit_of_work

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor
from graphsvc.model.errors import Conflict, StoreUnavailable
from graphsvc.storage.base import StoreLife
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.records import one_line
from graphsvc.storage.rules import identity_conflict

T = TypeVar("T")

#: Seconds to open a TCP connection; a dead server is reported quickly instead of hanging a request.
CONNECTION_TIMEOUT = 5.0
#: Seconds a managed transaction keeps retrying transient failures (leader switch, deadlock, restart).
MAX_RETRY_TIME = 10.0
#: ``check()`` answers health probes: one attempt, no retries.
CHECK_RETRY_TIME = 0.0
#: Seconds the server gives one write transaction of a request before it aborts it (a write that
#: waits on locks or grows too large fails with a clear 503 instead of holding locks indefinitely).
WRITE_TIMEOUT = 30.0
#: How long a consistent read (a dump, a snapshot) keeps trying to read the graph at one moment.
CONSISTENT_READ_WAIT = 60.0

# Neo4j's codes for a database name that the server does not know.
_DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
#: A transaction that outgrew its memory: never retried (it would only fail again, slowly).
_OUT_OF_MEMORY = ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",
                  "Neo.ClientError.General.TransactionOutOfMemoryError")
_TIMED_OUT = ("Neo.ClientError.Transaction.TransactionTimedOut",
              "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")
_ENTITY_NOT_FOUND = "Neo.ClientError.Statement.EntityNotFound"


class TransactionTooLarge(StoreUnavailable):
    """A transaction outgrew the memory Neo4j allows it (raised inside the unit of work, so the
    driver does not retry it)."""


class _Inconsistent(Exception):
    """A consistent read saw the graph change while it read (or a bulk write half applied)."""


def runner(statement: LiteralString) -> Callable[[ManagedTransaction], None]:
    """A unit of work that runs one statement without parameters."""
    def work(tx: ManagedTransaction) -> None:
        tx.run(statement).consume()

    return work


def too_large(exc: BaseException) -> TransactionTooLarge:
    return TransactionTooLarge(msg.NEO4J_TOO_LARGE(reason=one_line(exc)))


def guarded(work: Callable[[ManagedTransaction], T], *, timeout: float | None = None
            ) -> Callable[[ManagedTransaction], T]:
    """``work`` as a unit of work whose memory errors are not retried, with a server-side timeout."""
    def unit(tx: ManagedTransaction) -> T:
        try:
            return work(tx)
        except neo4j_errors.Neo4jError as exc:
            if exc.code in _OUT_OF_MEMORY:
                raise too_large(exc) from exc
            raise

    return unit_of_work(timeout=timeout)(unit) if timeout is not None else unit


class Neo4jDatabase(StoreLife):
    """A Neo4j 5 database reached with the official driver.

    ``uri`` is a ``neo4j://`` (routing) or ``bolt://`` URL; credentials in it are taken out and
    never shown. ``database`` ``None`` means the server's default database. Nothing connects
    until the first call.
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
        #: One bookmark manager for every session of this store: each session starts after the
        #: writes the store's earlier sessions committed, also on a cluster (causal consistency:
        #: a login is followed by requests that find the session, a create by reads that find it).
        self.bookmarks = GraphDatabase.bookmark_manager()
        self.driver = GraphDatabase.driver(
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

    # -- transactions -----------------------------------------------------------------------
    @contextlib.contextmanager
    def translated_errors(self, *, conflict: Conflict | None = None, actor: Actor | None = None) -> Iterator[None]:
        """Turn driver errors into graphsvc's: one line, naming the URI, never the password.

        A uniqueness constraint failing is a ``Conflict``: on ``identity_key`` (one actor per kind,
        municipality and name; described with ``actor`` when given), else ``conflict``. A node
        deleted by a concurrent write is a ``Conflict`` too; a transaction too large for Neo4j's
        memory, or past its timeout, a 503 that says so; a connection lost during the commit a 503
        that says the change may have been saved.
        """
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise StoreUnavailable(msg.NEO4J_CREDENTIALS(uri=self.uri, user=self.user)) from exc
        except neo4j_errors.IncompleteCommit as exc:
            raise StoreUnavailable(msg.NEO4J_INCOMPLETE_COMMIT(uri=self.uri)) from exc
        except neo4j_errors.ConstraintError as exc:
            if "identity_key" in str(exc):
                raise (identity_conflict(actor) if actor or not conflict else conflict) from exc
            raise (conflict or Conflict(msg.NEO4J_DUPLICATE(reason=one_line(exc)), field="id")) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired,
                neo4j_errors.ConnectionPoolError, neo4j_errors.TransientError) as exc:
            if isinstance(exc, neo4j_errors.Neo4jError) and exc.code in _OUT_OF_MEMORY:
                raise too_large(exc) from exc
            raise StoreUnavailable(msg.NEO4J_UNAVAILABLE(uri=self.uri, reason=one_line(exc))) from exc
        except (neo4j_errors.Forbidden, neo4j_errors.DatabaseError) as exc:
            raise StoreUnavailable(msg.NEO4J_UNUSABLE(uri=self.uri, reason=one_line(exc))) from exc
        except neo4j_errors.ClientError as exc:
            if exc.code == _DATABASE_NOT_FOUND:
                raise StoreUnavailable(msg.NEO4J_NO_DATABASE(uri=self.uri, database=self.database)) from exc
            if exc.code in _OUT_OF_MEMORY:
                raise too_large(exc) from exc
            if exc.code in _TIMED_OUT:
                raise StoreUnavailable(msg.NEO4J_TIMED_OUT(uri=self.uri)) from exc
            if exc.code == _ENTITY_NOT_FOUND:
                raise Conflict(msg.CHANGED_MEANWHILE()) from exc
            raise

    def session(self, **config: Any):
        """A session of this store: its database and its one bookmark manager, always."""
        return self.driver.session(database=self.database, bookmark_manager=self.bookmarks, **config)

    def read(self, work: Callable[[ManagedTransaction], T], *, retry_time: float | None = None) -> T:
        config: dict[str, Any] = {}
        if retry_time is not None:
            config["max_transaction_retry_time"] = retry_time
        with self.translated_errors(), self.session(**config) as session:
            return session.execute_read(guarded(work))

    def write(self, work: Callable[[ManagedTransaction], T], *, conflict: Conflict | None = None,
              actor: Actor | None = None, timeout: float = WRITE_TIMEOUT) -> T:
        """One managed write transaction that the server aborts after ``timeout`` seconds; a
        transaction that runs out of memory fails at once (the driver would retry it whole)."""
        with (self.translated_errors(conflict=conflict, actor=actor), self.session() as session):
            return session.execute_write(guarded(work, timeout=timeout))

    def consistent_read(self, work: Callable[[ManagedTransaction], T], *, wait: float = CONSISTENT_READ_WAIT) -> T:
        """``work`` read at one moment. Neo4j reads committed data, so several reads in one
        transaction are no snapshot: a dump could name a partner it did not read. Every graph write
        bumps the graph version and every audited write the audit counter (each as its first
        statement), so reading both before and after ``work`` and finding them equal proves no write
        committed in between; otherwise the read is run again. While a bulk write is being applied
        it waits for it to finish."""
        def unit(tx: ManagedTransaction) -> T:
            before = tx.run(cypher.READ_VERSIONS).single(strict=True)
            if before["job_state"] == "applying":
                raise _Inconsistent()
            result = work(tx)
            after = tx.run(cypher.READ_VERSIONS).single(strict=True)
            if (after["graph"], after["audit"], after["job_state"]) != (before["graph"], before["audit"],
                                                                     before["job_state"]):
                raise _Inconsistent()
            return result

        deadline, pause = time.monotonic() + wait, 0.05
        while True:
            try:
                return self.read(unit)
            except _Inconsistent:
                if time.monotonic() + pause > deadline:
                    raise StoreUnavailable(msg.GRAPH_KEPT_CHANGING()) from None
                time.sleep(pause)
                pause = min(pause * 2, 2.0)

    def graph_version(self) -> int:
        return self.read(lambda tx: tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"])

    # -- life cycle ---------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        # Schema commands cannot share a transaction with data writes: one transaction each.
        for statement in cypher.SCHEMA_STATEMENTS:
            try:
                self.write(runner(statement))
            except neo4j_errors.ClientError as exc:
                # Several server processes starting at once may race to create the same rule.
                if "AlreadyExists" not in (exc.code or ""):
                    raise
        self.write(runner(cypher.ENSURE_GRAPH_META))
        self.write(runner(cypher.LINK_CREDENTIALS))  # credentials of an older schema hang on their users

    def check(self) -> dict:
        def work(tx: ManagedTransaction) -> dict:
            components = [record.data() for record in tx.run(cypher.SERVER_COMPONENTS)]
            version = tx.run(cypher.GRAPH_VERSION).single(strict=True)["version"]
            return {"components": components, "graph_version": version}

        facts = self.read(work, retry_time=CHECK_RETRY_TIME)
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
        self.driver.close()
