"""A fake Neo4j driver for offline tests of the Neo4j store: it records sessions (with their bookmark
manager), transactions (read or write, their timeout) and every statement with its parameters, and
answers like a small database that holds the actors, initiatives and bulk-job state it is told about.

Statements are recognised by their name in ``graphsvc.storage.neo4j.cypher`` — the store sends only
those — so a test can assert the order and size of what a method sends.
"""

from __future__ import annotations

from collections.abc import Callable

from neo4j.exceptions import DriverError, Neo4jError
from neo4j.time import Date as Neo4jDate

from graphsvc.storage.neo4j import Neo4jStore, cypher

#: How often a unit of work that failed with a retryable error runs again.
RETRIES = 3

STATEMENT_NAMES = {value: name for name, value in vars(cypher).items() if name.isupper() and isinstance(value, str)}


class FakeResult:
    def __init__(self, records: list[dict]):
        self._records = records

    def __iter__(self):
        return iter([FakeRecord(r) for r in self._records])

    def single(self, strict: bool = False):
        if not self._records:
            assert not strict, "single(strict=True) on an empty result"
            return None
        assert len(self._records) == 1, f"single() on {len(self._records)} records"
        return FakeRecord(self._records[0])

    def consume(self):
        return None


class FakeRecord(dict):
    def data(self):
        return dict(self)


class Transaction:
    """What one unit of work sent: its mode, session, timeout and statements ``(name, parameters)``."""

    def __init__(self, mode: str, session: int, timeout: float | None):
        self.mode, self.session, self.timeout = mode, session, timeout
        self.statements: list[tuple[str, dict]] = []
        self.outcome = "open"

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.statements]

    def __iter__(self):  # (mode, statements), as the older tests unpack it
        return iter((self.mode, self.statements))

    def __getitem__(self, index: int):
        return (self.mode, self.statements)[index]


class FakeTransaction:
    """Answers like a database that holds the actors and initiatives it is told about."""

    def __init__(self, db: FakeDatabase, record: Transaction):
        self.db = db
        self.record = record

    def run(self, statement, parameters=None):
        assert statement in STATEMENT_NAMES, f"not a cypher.py constant: {statement!r}"
        name = STATEMENT_NAMES[statement]
        parameters = dict(parameters or {})
        self.record.statements.append((name, parameters))
        if self.db.fail_on.get(name):
            raise self.db.fail_on[name].pop(0)
        answer = getattr(self.db, f"answer_{name}", None)
        if answer is not None:
            return FakeResult(answer(parameters))
        return FakeResult([])


class FakeDatabase:
    """The state behind the fake driver, and the log of everything sent to it."""

    def __init__(self):
        self.version = 0
        self.audit_counter = 0
        self.actors: set[str] = set()
        self.initiatives: set[str] = set()
        self.partner_in: dict[str, list[str]] = {}
        self.identities: set[str] = set()
        self.audit: list[dict] = []
        self.meta: dict = {}  # the bulk job's properties on (:GraphMeta {key: 'graph'})
        self.clock = 0.0  # the server's clock, in seconds: tests move it to let a job's lease run out
        self._staged: dict[tuple, dict[int, dict[str, dict]]] = {}  # (job, kind) → batch → key → row
        self.accounts = 0
        self.sessions: list[dict] = []  # the config of every session opened
        self.transactions: list[Transaction] = []
        self.fail_on: dict[str, list[BaseException]] = {}  # statement name → errors to raise, in turn
        self.versions: list[dict] | None = None  # READ_VERSIONS answers to give first, in turn

    # -- helpers ------------------------------------------------------------------------------------
    def actor_props(self, actor_id: str) -> dict:
        return {"id": actor_id, "name": actor_id, "kind": "association", "municipality": "Drammen"}

    def initiative_record(self, initiative_id: str) -> dict:
        return {"initiative": {"id": initiative_id, "title": "T", "started": Neo4jDate(2021, 1, 1),
                               "location": "library", "initiator": "a"},
                "partners": [{"actor": "a", "role": "lead", "position": 0},
                             {"actor": "b", "role": "participant", "position": 1}]}

    def writes(self) -> list[Transaction]:
        return [t for t in self.transactions if t.mode == "write"]

    # -- answers, by statement name --------------------------------------------------------------------
    def job_expired(self) -> bool:
        """A lease set through the statements runs until ``until`` on :attr:`clock`; a test may also
        set ``expired`` on a job it puts in place."""
        if "until" in self.meta:
            return self.meta["until"] < self.clock
        return self.meta.get("expired", True)

    def answer_BUMP_GRAPH_VERSION(self, p):
        self.version += 1
        return [{"version": self.version, "job": self.meta.get("job"), "job_owner": self.meta.get("owner"),
                 "job_kind": self.meta.get("kind"), "job_state": self.meta.get("state"),
                 "job_step": self.meta.get("step"), "job_by": self.meta.get("by"),
                 "job_audit": self.meta.get("audit"), "job_expired": self.job_expired()}]

    def answer_LOCK_GRAPH_META(self, p):
        return [{"job": self.meta.get("job"), "job_kind": self.meta.get("kind"),
                 "job_expired": self.job_expired()}]

    def answer_JOB_STATUS(self, p):
        until = self.meta.get("until")
        return [{"job": self.meta.get("job"), "kind": self.meta.get("kind"), "state": self.meta.get("state"),
                 "step": self.meta.get("step"), "by": self.meta.get("by"),
                 "until": None if until is None else f"T+{until:g}s", "expired": self.job_expired()}]

    def answer_STAGED_COUNTS(self, p):
        counts = {kind: sum(len(rows) for rows in batches.values())
                  for (job, kind), batches in self._staged.items() if job == p["job"]}
        return [{"kind": kind, "rows": rows} for kind, rows in sorted(counts.items()) if rows]

    def answer_GRAPH_VERSION(self, p):
        return [{"version": self.version}]

    def answer_READ_VERSIONS(self, p):
        if self.versions:
            return [self.versions.pop(0)]
        return [{"graph": self.version, "audit": self.audit_counter, "job_state": self.meta.get("state")}]

    def answer_BEGIN_JOB(self, p):
        self.meta = {"job": p["job"], "owner": p["owner"], "kind": p["kind"], "state": "staging", "by": p["by"],
                     "until": self.clock + p["lease"]}
        return []

    def answer_RENEW_JOB(self, p):
        if self.meta.get("job") != p["job"] or self.meta.get("owner") != p["owner"]:
            return []
        self.meta["until"] = self.clock + p["lease"]
        return [{"state": self.meta["state"], "step": self.meta.get("step")}]

    def answer_TAKE_OVER_JOB(self, p):
        self.meta.pop("expired", None)
        self.meta.update(owner=p["owner"], until=self.clock + p["lease"])
        return []

    def answer_SET_JOB_STATE(self, p):
        self.meta.update(state=p["state"], step=p["step"])
        if p["audit"] is not None:
            self.meta["audit"] = p["audit"]
        self.version += 1
        return []

    def answer_END_JOB(self, p):
        self.meta = {}
        self.version += 1
        return []

    @property
    def staged(self) -> list[dict]:
        """Every staged row, with its job, kind and batch."""
        return [row for batches in self._staged.values() for rows in batches.values() for row in rows.values()]

    @staged.setter
    def staged(self, rows: list[dict]) -> None:
        self._staged = {}
        for row in rows:
            self._staged.setdefault((row["job"], row["kind"]), {}).setdefault(row["batch"], {})[row["key"]] = row

    def answer_STAGE_ROWS(self, p):
        batch = self._staged.setdefault((p["job"], p["kind"]), {}).setdefault(p["batch"], {})
        for row in p["rows"]:
            batch[row["key"]] = {**row, "job": p["job"], "kind": p["kind"], "batch": p["batch"]}
        return []

    def answer_NEXT_STAGED_BATCH(self, p):
        batches = self._staged.get((p["job"], p["kind"]), {})
        first = min((b for b, rows in batches.items() if rows), default=None)
        return [] if first is None else [{"batch": first}]

    def _batch(self, p, kind: str) -> dict[str, dict]:
        """The staged rows of one batch, as the statements that read or delete them find them: by
        job, kind and batch (the staged_rows index), never key by key."""
        assert "keys" not in p, "staged rows are found by their batch"
        return self._staged.get((p["job"], kind), {}).get(p["batch"], {})

    def answer_STAGED_KEYS(self, p):
        return [{"key": key} for key in self._staged.get((p["job"], p["kind"]), {}).get(p["batch"], {})]

    def answer_DELETE_STAGED(self, p):
        self._batch(p, p["kind"]).clear()
        return []

    def answer_DELETE_STAGED_BATCH(self, p):
        deleted = 0
        for (job, _), batches in self._staged.items():
            for rows in batches.values():
                while job == p["job"] and rows and deleted < p["limit"]:
                    rows.popitem()
                    deleted += 1
        return [{"deleted": deleted}]

    def answer_APPLY_STAGED_ACTORS(self, p):
        self.actors.update(row["id"] for row in self._batch(p, "actor").values())
        return []

    def answer_APPLY_STAGED_INITIATIVES(self, p):
        self.initiatives.update(row["id"] for row in self._batch(p, "initiative").values())
        return []

    def answer_CREATE_STAGED_PARTNERS(self, p):
        return [{"created": sum(len(s["partner_actors"]) for s in self._batch(p, "initiative").values())}]

    def answer_DELETE_GRAPH_BATCH(self, p):
        nodes = sorted(self.actors | self.initiatives)[:p["limit"]]
        self.actors -= set(nodes)
        self.initiatives -= set(nodes)
        return [{"deleted": len(nodes)}]

    def answer_DELETE_ACCOUNTS_BATCH(self, p):
        deleted = min(self.accounts, p["limit"])
        self.accounts -= deleted
        return [{"deleted": deleted}]

    def answer_ACTORS_WITH_IDENTITIES(self, p):
        return [{"id": row["id"], "other": "someone-else", "name": "Someone else"} for row in p["rows"]
                if row["identity_key"] in self.identities]

    def answer_GET_ACTOR(self, p):
        return [{"actor": self.actor_props(p["id"])}] if p["id"] in self.actors else []

    def answer_GET_ACTORS(self, p):
        return [{"actor": self.actor_props(i)} for i in p["ids"] if i in self.actors]

    def answer_GET_INITIATIVE(self, p):
        return [self.initiative_record(p["id"])] if p["id"] in self.initiatives else []

    def answer_GET_INITIATIVES(self, p):
        return [self.initiative_record(i) for i in p["ids"] if i in self.initiatives]

    def answer_ACTOR_WITH_IDENTITY(self, p):
        return [{"id": "someone-else"}] if p["identity_key"] in self.identities else []

    def answer_CREATE_AUDIT_ENTRY(self, p):
        self.audit_counter += 1
        self.audit.append(p["entry"])
        return []

    def answer_EXISTING_ACTOR_IDS(self, p):
        return [{"id": i} for i in p["ids"] if i in self.actors]

    def answer_EXISTING_INITIATIVE_IDS(self, p):
        return [{"id": i} for i in p["ids"] if i in self.initiatives]

    def answer_CREATE_PARTNERS(self, p):
        return [{"created": sum(row["actor"] in self.actors for row in p["partners"])}]

    def answer_UPDATE_INITIATIVE(self, p):
        return [{"id": p["initiative"]["id"]}] if p["initiative"]["id"] in self.initiatives else []

    def answer_UPDATE_ACTOR(self, p):
        return [{"id": p["actor"]["id"]}] if p["actor"]["id"] in self.actors else []

    def answer_ACTOR_INITIATIVE_IDS(self, p):
        if p["id"] not in self.actors:
            return []
        return [{"initiative_ids": self.partner_in.get(p["id"], [])}]

    def answer_COUNT_ACTORS(self, p):
        return [{"total": 0}]

    answer_COUNT_INITIATIVES = answer_COUNT_ACTORS
    answer_COUNT_AUDIT = answer_COUNT_ACTORS

    def answer_SERVER_COMPONENTS(self, p):
        return [{"name": "Neo4j Kernel", "versions": ["5.26.0"], "edition": "community"}]

    def answer_ADD_CREDENTIAL(self, p):
        return [{"digest": p["credential"]["digest"]}]

    def answer_DELETE_CREDENTIALS(self, p):
        return [{"deleted": 0}]


class FakeSession:
    def __init__(self, db: FakeDatabase, number: int):
        self.db = db
        self.number = number

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _run(self, mode: str, work: Callable):
        """Like the driver's managed transactions: a retryable driver error runs the unit again
        (here at most :data:`RETRIES` times, without waiting)."""
        for attempt in range(RETRIES + 1):
            record = Transaction(mode, self.number, getattr(work, "timeout", None))
            self.db.transactions.append(record)
            try:
                result = work(FakeTransaction(self.db, record))
            except (Neo4jError, DriverError) as exc:
                record.outcome = "rolled back"
                if not exc.is_retryable() or attempt == RETRIES:
                    raise
                continue
            except BaseException:
                record.outcome = "rolled back"
                raise
            record.outcome = "committed"
            return result
        raise AssertionError("not reached")

    def execute_read(self, work):
        return self._run("read", work)

    def execute_write(self, work):
        return self._run("write", work)


class FakeDriver:
    def __init__(self, db: FakeDatabase):
        self.db = db

    def session(self, **config):
        self.db.sessions.append(config)
        return FakeSession(self.db, len(self.db.sessions))

    def close(self):
        pass


def fake_store() -> tuple[Neo4jStore, FakeDatabase]:
    """A Neo4jStore whose driver is a recording fake, and the fake database behind it."""
    store = Neo4jStore("neo4j://localhost:7687", user="neo4j", password="pw")
    store._driver.close()
    db = FakeDatabase()
    store._driver = FakeDriver(db)
    return store, db
