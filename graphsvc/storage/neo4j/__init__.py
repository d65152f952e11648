"""The Neo4j store: the graph in Neo4j, co-creation shown as ties between actor nodes (docs/neo4j-schema.md).

Composed of parts that share one :class:`Neo4jDatabase` (the driver, one bookmark manager for all
its sessions, managed transactions) and one :class:`Bulk` (imports, restores and clears in
transactions of bounded size): :class:`Neo4jGraph`, :class:`Neo4jAccounts`, :class:`Neo4jAudit` and
:class:`Neo4jBackup`. Every statement is a constant in :mod:`.cypher` (linted offline by
tests/test_cypher_lint.py); values travel as parameters only. Driver errors become the
project's own exceptions in :meth:`Neo4jDatabase.translated_errors`.
"""

from __future__ import annotations

from neo4j import GraphDatabase

from graphsvc.storage.composed import ComposedStore
from graphsvc.storage.neo4j.accounts import Neo4jAccounts
from graphsvc.storage.neo4j.audit import Neo4jAudit
from graphsvc.storage.neo4j.backup import Neo4jBackup
from graphsvc.storage.neo4j.bulk import Bulk, JobStatus
from graphsvc.storage.neo4j.database import CONNECTION_TIMEOUT, MAX_RETRY_TIME, Neo4jDatabase
from graphsvc.storage.neo4j.graph import Neo4jGraph


class Neo4jStore(ComposedStore):
    """A store in a Neo4j 5 database (see :class:`Neo4jDatabase` for the arguments)."""

    def __init__(self, uri: str, *, user: str = "neo4j", password: str = "", database: str | None = None,
                 max_retry_time: float = MAX_RETRY_TIME, connection_timeout: float = CONNECTION_TIMEOUT):
        self.db = Neo4jDatabase(uri, user=user, password=password, database=database,
                                max_retry_time=max_retry_time, connection_timeout=connection_timeout)
        self.bulk = Bulk(self.db)
        super().__init__(life=self.db, graph=Neo4jGraph(self.db, self.bulk), accounts=Neo4jAccounts(self.db, self.bulk),
                         audit=Neo4jAudit(self.db), backup=Neo4jBackup(self.db, self.bulk))

    def ensure_schema(self) -> None:
        """The schema, then a bulk job a process that died left behind: completed or discarded."""
        self.db.ensure_schema()
        self.bulk.recover()

    # -- bulk jobs, for ``graphsvc jobs`` (the SQLite store has none: its bulk writes are one transaction) --
    def bulk_job(self) -> JobStatus | None:
        """The bulk job (import, restore, clear) that holds the graph, if any."""
        return self.bulk.status()

    def resume_bulk_job(self, *, force: bool = False) -> JobStatus | None:
        """Complete (or, if it never committed, discard) the job whose lease ran out — or, with
        ``force``, whose process the operator knows is gone; None when nothing was done."""
        return self.bulk.recover(force=force)

    def discard_bulk_job(self, job_id: str) -> JobStatus | None:
        """Give up job ``job_id``: its staged rows and its mark deleted (see :meth:`Bulk.discard`)."""
        return self.bulk.discard(job_id)

    @property
    def uri(self) -> str:
        return self.db.uri

    @property
    def user(self) -> str:
        return self.db.user

    @property
    def database(self) -> str | None:
        return self.db.database

    @property
    def _driver(self):
        """The driver every part uses (tests put a recording fake in its place)."""
        return self.db.driver

    @_driver.setter
    def _driver(self, driver) -> None:
        self.db.driver = driver

    def _translated_errors(self, **kwargs):
        return self.db.translated_errors(**kwargs)

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, user={self.user!r}, database={self.database!r})"


__all__ = ["Neo4jStore", "Neo4jDatabase", "Neo4jGraph", "Neo4jAccounts", "Neo4jAudit", "Neo4jBackup", "Bulk",
           "JobStatus", "GraphDatabase"]
