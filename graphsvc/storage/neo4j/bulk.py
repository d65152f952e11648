"""Bulk writes in Neo4j — imports, restores and clears — in transactions of bounded size, still all or
nothing for the user.

Neo4j keeps a transaction's changes in memory until it commits: the L network (50,000 actors,
300,000 initiatives, ~724,000 PARTNER_IN and ~622,000 CO_CREATES) in one transaction needs more
than a 1 GB heap allows (``MemoryPoolOutOfMemoryError``), and the driver would retry it whole. So
a bulk write is a *job* in four steps, none of which holds more than one batch in a transaction:

1. **begin** — one small transaction marks the job on the ``(:GraphMeta {key: 'graph'})`` node
   (id, owner, kind, ``job_until``: a lease). While it is there, every other graph write is refused
   with a 503 that says why (a restore also refuses accounts writes).
2. **stage** — batch by batch, the rows to write are compared with the stored ones (the same
   :class:`storage.rules.ImportTally` as SQLite) and the changed ones are created as ``(:Staged)``
   nodes, which no reader looks at. A problem (an unknown partner, a taken name) raises, the
   staged rows are deleted and nothing has changed.
3. **commit** — one small transaction sets ``job_state = 'applying'`` (and keeps the audit entry
   to write). This is the moment the bulk write happens, for the user: from here it only moves
   forward.
4. **apply** — batch by batch, staged rows become actors, initiatives (their ``PARTNER_IN`` and
   derived ``CO_CREATES``), users…; each batch deletes the staged rows it applied, so a batch
   that fails is simply run again. The last transaction writes the audit entry and removes the
   mark. If the process dies, the job's lease runs out and the next writer (or the next start,
   ``ensure_schema``) completes it — or, if it never committed, discards its staged rows.

Consistent reads (``Neo4jDatabase.consistent_read``) wait while a job is applying, so a backup or
a metric never sees half of an import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.model import messages as msg
from graphsvc.model.accounts import new_id, now
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Conflict, Invalid, Problem, StoreUnavailable
from graphsvc.storage.base import ImportSummary, StoreDump
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.audit import record
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.records import (
    actor_row,
    credential_row,
    identity_key,
    initiative_row,
    iso,
    json_text,
    proposal_row,
    user_row,
)
from graphsvc.storage.neo4j.units import (
    AbandonedJob,
    check_partners_exist,
    document_prefix,
    existing_ids,
    job_running,
    stored_actors_in,
    stored_initiatives_in,
)
from graphsvc.storage.rules import ImportTally, identity_conflict

#: Rows per staging or applying transaction (and per UNWIND).
JOB_BATCH = 5000
#: Nodes deleted (with their relationships) per transaction when a clear or a restore empties the store.
DELETE_BATCH = 5000
#: Timeout of one batch transaction, in seconds (the server aborts it past this).
BATCH_TIMEOUT = 300.0
#: Seconds a job's mark stays valid without a new batch; past it, another process may take the job
#: over. Every batch renews it at its start and again at its end (counted from the wall clock then,
#: ``cypher.RENEW_JOB``), and it is longer than a batch can take with the driver's retries
#: (``BATCH_TIMEOUT`` + ``MAX_RETRY_TIME``), so a live job is never taken over, however slow its
#: batches; a crashed job blocks writes at most this long (``graphsvc jobs resume`` takes it over now).
LEASE_SECONDS = int(2 * BATCH_TIMEOUT)

#: What a job does after its commit, step by step (each step runs until it has nothing left).
STEPS = {
    "import": ("actors", "initiatives", "finish"),
    "clear": ("clear_graph", "finish"),
    "restore": ("clear_graph", "clear_accounts", "actors", "initiatives", "users", "credentials", "proposals",
                "audit", "finish"),
}
#: Steps that apply staged rows, and the kind of row each one applies.
STAGED_STEPS = {"actors": "actor", "initiatives": "initiative", "users": "user", "credentials": "credential",
                "proposals": "proposal", "audit": "audit"}


@dataclass(frozen=True)
class JobStatus:
    """A bulk job as ``graphsvc jobs status`` shows it."""

    id: str
    kind: str
    state: str  # 'staging' (nothing changed yet) or 'applying' (committed: only moves forward)
    step: str | None
    by: str | None
    until: str | None  # the lease, as the server's ISO date-time
    expired: bool
    staged: dict[str, int] = field(default_factory=dict)  # staged rows left, by kind


class JobLost(StoreUnavailable):
    """This process's job was taken over by another (its lease ran out between two batches)."""


@dataclass
class Job:
    """A bulk job this process runs: its id, this process's owner token and its kind."""

    kind: str
    by: str | None = None
    id: str = field(default_factory=new_id)
    owner: str = field(default_factory=new_id)
    batches: int = 0  # staging batches so far (each staged row carries its batch number)


# -- staged rows -------------------------------------------------------------------------------------
def staged_actor(actor: Actor) -> dict[str, Any]:
    row = actor_row(actor)
    row["kind_of"] = row.pop("kind")
    return {**row, "key": actor.id}


def staged_initiative(initiative: Initiative) -> dict[str, Any]:
    return {**initiative_row(initiative), "key": initiative.id,
            "partner_actors": [p.actor for p in initiative.partners],
            "partner_roles": [p.role for p in initiative.partners]}


def _renamed_kind(row: dict[str, Any], key: str) -> dict[str, Any]:
    row = dict(row)
    row["kind_of"] = row.pop("kind")
    return {**row, "key": key}


class Bulk:
    """Runs bulk jobs on one database; shared by the graph and backup parts of the store."""

    def __init__(self, db: Neo4jDatabase):
        self.db = db

    # -- every other write -------------------------------------------------------------------------
    def write(self, work: Callable[[ManagedTransaction], Any], **options) -> Any:
        """``Neo4jDatabase.write``, but a job abandoned by a process that died is completed (or
        discarded) first, then the write is tried again."""
        try:
            return self.db.write(work, **options)
        except AbandonedJob:
            self.recover()
        try:
            return self.db.write(work, **options)
        except AbandonedJob:
            raise StoreUnavailable(msg.BULK_INTERRUPTED()) from None

    # -- the job's steps -------------------------------------------------------------------------------
    def begin(self, kind: str, by: str | None) -> Job:
        job = Job(kind, by)

        def work(tx: ManagedTransaction) -> None:
            r = tx.run(cypher.BUMP_GRAPH_VERSION).single(strict=True)
            if r["job"] is not None:
                if r["job_expired"]:
                    raise AbandonedJob(r["job"])
                raise job_running(r["job_kind"])
            tx.run(cypher.BEGIN_JOB, {"job": job.id, "owner": job.owner, "kind": kind, "by": by,
                                      "lease": LEASE_SECONDS}).consume()

        self.write(work, timeout=BATCH_TIMEOUT)
        return job

    def _renew(self, tx: ManagedTransaction, job: Job) -> tuple[str, str | None]:
        r = tx.run(cypher.RENEW_JOB, {"job": job.id, "owner": job.owner, "lease": LEASE_SECONDS}).single()
        if r is None:
            raise JobLost(msg.BULK_TAKEN_OVER())
        return r["state"], r["step"]

    def stage(self, job: Job, kind: str, make_rows: Callable[[ManagedTransaction], tuple[Any, list[dict]]]) -> Any:
        """One staging transaction: ``make_rows(tx)`` reads what it needs (and may raise) and gives a
        result and the rows, which become ``(:Staged)`` nodes of this job; returns the result."""
        job.batches += 1
        number = job.batches

        def work(tx: ManagedTransaction) -> Any:
            self._renew(tx, job)
            result, rows = make_rows(tx)
            if rows:
                tx.run(cypher.STAGE_ROWS, {"rows": rows, "job": job.id, "kind": kind, "batch": number}).consume()
            self._renew(tx, job)  # counted from now: the batch may have taken long
            return result

        return self.db.write(work, timeout=BATCH_TIMEOUT)

    def stage_rows(self, job: Job, kind: str, rows: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(rows), JOB_BATCH):
            self.stage(job, kind, _given(list(rows[start:start + JOB_BATCH])))

    def commit(self, job: Job, *, first_step: str, audit: dict | None = None) -> None:
        """The moment the bulk write happens: from here it is completed, whatever fails."""
        def work(tx: ManagedTransaction) -> None:
            self._renew(tx, job)
            tx.run(cypher.SET_JOB_STATE, {"state": "applying", "step": first_step,
                                          "audit": json.dumps(audit) if audit is not None else None}).consume()

        self.db.write(work, timeout=BATCH_TIMEOUT)

    def abort(self, job: Job) -> None:
        """Before the commit: delete the staged rows and the mark; nothing has changed."""
        while self.db.write(lambda tx: self._delete_staged(tx, job), timeout=BATCH_TIMEOUT):
            pass
        self.db.write(lambda tx: self._end(tx, job), timeout=BATCH_TIMEOUT)

    def _delete_staged(self, tx: ManagedTransaction, job: Job) -> int:
        self._renew(tx, job)
        deleted = tx.run(cypher.DELETE_STAGED_BATCH, {"job": job.id, "limit": DELETE_BATCH}).single(strict=True)
        self._renew(tx, job)
        return deleted["deleted"]

    def _end(self, tx: ManagedTransaction, job: Job) -> None:
        self._renew(tx, job)
        tx.run(cypher.END_JOB).consume()

    def apply(self, job: Job, step: str | None = None) -> None:
        """Run the job's steps from ``step`` (default: the first) to the end."""
        steps = STEPS[job.kind]
        for current in steps[steps.index(step) if step else 0:]:
            if current == "finish":
                self.db.write(lambda tx: self._finish(tx, job), timeout=BATCH_TIMEOUT)
                return
            while self.db.write(partial(self._apply_batch, job=job, step=current), timeout=BATCH_TIMEOUT):
                pass
            following = steps[steps.index(current) + 1]
            self.db.write(partial(self._set_step, job=job, step=following), timeout=BATCH_TIMEOUT)

    def _set_step(self, tx: ManagedTransaction, job: Job, step: str) -> None:
        self._renew(tx, job)
        tx.run(cypher.SET_JOB_STATE, {"state": "applying", "step": step, "audit": None}).consume()

    def _apply_batch(self, tx: ManagedTransaction, job: Job, step: str) -> bool:
        """One batch of ``step`` in the caller's transaction; False when the step has nothing left."""
        tx.run(cypher.BUMP_GRAPH_VERSION).consume()  # the graph changes: caches and readers must see it
        self._renew(tx, job)
        more = self._apply_step_batch(tx, job, step)
        self._renew(tx, job)  # counted from now: the batch may have taken long
        return more

    def _apply_step_batch(self, tx: ManagedTransaction, job: Job, step: str) -> bool:
        if step == "clear_graph":
            return tx.run(cypher.DELETE_GRAPH_BATCH, {"limit": DELETE_BATCH}).single(strict=True)["deleted"] > 0
        if step == "clear_accounts":
            return tx.run(cypher.DELETE_ACCOUNTS_BATCH, {"limit": DELETE_BATCH}).single(strict=True)["deleted"] > 0
        kind = STAGED_STEPS[step]
        first = tx.run(cypher.NEXT_STAGED_BATCH, {"job": job.id, "kind": kind}).single()
        if first is None or first["batch"] is None:
            return False
        # Staged rows are found by their batch (the staged_rows index), never key by key.
        params = {"job": job.id, "batch": first["batch"]}
        if kind == "actor":
            tx.run(cypher.APPLY_STAGED_ACTORS, params).consume()
        elif kind == "initiative":
            tx.run(cypher.APPLY_STAGED_INITIATIVES, params).consume()
        elif kind == "user":
            tx.run(cypher.APPLY_STAGED_USERS, params).consume()
        elif kind == "credential":
            tx.run(cypher.APPLY_STAGED_CREDENTIALS, params).consume()
        elif kind == "proposal":
            tx.run(cypher.APPLY_STAGED_PROPOSALS, params).consume()
        else:
            tx.run(cypher.APPLY_STAGED_AUDIT_ENTRIES, params).consume()
        if kind == "initiative":  # partners replaced, then the derived ties rebuilt, for just these
            keys = [r["key"] for r in tx.run(cypher.STAGED_KEYS, {**params, "kind": kind})]
            tx.run(cypher.DELETE_PARTNERS, {"ids": keys}).consume()
            tx.run(cypher.CREATE_STAGED_PARTNERS, params).consume()
            tx.run(cypher.DELETE_CO_CREATES, {"ids": keys}).consume()
            tx.run(cypher.CREATE_CO_CREATES, {"ids": keys}).consume()
        tx.run(cypher.DELETE_STAGED, {**params, "kind": kind}).consume()
        return True

    def _finish(self, tx: ManagedTransaction, job: Job) -> None:
        r = tx.run(cypher.BUMP_GRAPH_VERSION).single(strict=True)  # the graph lock first, as every write
        self._renew(tx, job)
        audit = json.loads(r["job_audit"]) if r["job_audit"] else None
        if job.kind == "import" and audit:
            record(tx, r["job_by"], "import", "graph", None, after=audit)
        if job.kind == "restore" and audit:
            tx.run(cypher.RESTORE_GRAPH_VERSION, {"version": int(audit["graph_version"])}).consume()
            tx.run(cypher.RESTORE_AUDIT_SEQUENCE, {"seq": int(audit["audit_seq"])}).consume()  # then the audit lock
        tx.run(cypher.END_JOB).consume()

    # -- a job left behind -------------------------------------------------------------------------------
    def recover(self, *, force: bool = False) -> JobStatus | None:
        """Complete a job whose process died after its commit, or discard one that died before it;
        returns the job as it was found, or None when nothing was done: no job is there, or its lease
        still runs (``force``: take it over all the same — for an operator who knows its process is gone)."""
        owner = new_id()
        job = self._take_over(owner, lambda r: bool(r["job_expired"]) or force)
        if job is None:
            return None
        if job.state == "applying":
            self.apply(Job(job.kind, job.by, id=job.id, owner=owner), job.step)
        else:
            self.abort(Job(job.kind, job.by, id=job.id, owner=owner))
        return job

    def _take_over(self, owner: str, wanted: Callable[[Any], bool]) -> JobStatus | None:
        """Make ``owner`` the owner of the job that holds the graph, if there is one and ``wanted(row)``."""
        taken: list[JobStatus] = []

        def work(tx: ManagedTransaction) -> None:
            taken.clear()
            r = tx.run(cypher.BUMP_GRAPH_VERSION).single(strict=True)
            if r["job"] is None or not wanted(r):
                return
            tx.run(cypher.TAKE_OVER_JOB, {"owner": owner, "lease": LEASE_SECONDS}).consume()
            taken.append(JobStatus(r["job"], r["job_kind"], r["job_state"], r["job_step"], r["job_by"], None,
                                   bool(r["job_expired"])))

        self.db.write(work, timeout=BATCH_TIMEOUT)
        return taken[0] if taken else None

    # -- the operator's escape hatch (``graphsvc jobs``) -------------------------------------------------
    def status(self) -> JobStatus | None:
        """The bulk job that holds the graph, if any, with its staged rows by kind."""
        def work(tx: ManagedTransaction) -> JobStatus | None:
            r = tx.run(cypher.JOB_STATUS).single()
            if r is None or r["job"] is None:
                return None
            staged = {c["kind"]: c["rows"] for c in tx.run(cypher.STAGED_COUNTS, {"job": r["job"]})}
            return JobStatus(r["job"], r["kind"], r["state"], r["step"], r["by"], r["until"], bool(r["expired"]),
                             staged)

        return self.db.read(work)

    def discard(self, job_id: str) -> JobStatus | None:
        """Delete job ``job_id``'s staged rows and its mark, whatever its state or lease: graph writes
        are accepted again. A job that had committed (``applying``) stays half applied — what its
        applied batches wrote stays, the rest is gone; restore a backup or import again. None: no job
        ``job_id`` holds the graph (it finished, or it is another one)."""
        owner = new_id()
        job = self._take_over(owner, lambda r: r["job"] == job_id)
        if job is not None:
            self.abort(Job(job.kind, job.by, id=job.id, owner=owner))
        return job

    # -- the bulk writes ------------------------------------------------------------------------------------
    def execute(self, job: Job, stage: Callable[[], dict | None], first_step: str, *, empty: bool = False) -> None:
        """Stage (``stage()`` returns the audit payload to keep), commit and apply ``job``; any
        failure before the commit discards it, and so does ``empty`` (nothing to write)."""
        try:
            audit = stage()
        except BaseException:
            self.abort(job)
            raise
        if empty and audit is None:
            self.abort(job)
            return
        self.commit(job, first_step=first_step, audit=audit)
        self.apply(job)

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None,
                       today: date | None) -> ImportSummary:
        """An import: each batch compared with the stored objects of just its ids, read inside its
        staging transaction; partners may be actors of the import (staged earlier) or stored ones."""
        job = self.begin("import", by)
        tally = ImportTally()
        staged_ids: set[str] = set()
        identities: dict[str, str] = {}  # identity key → id of the staged actor that takes it
        staged_keys: dict[str, str] = {}  # id → the identity key it is staged with

        def stage_actors(actors: Sequence[Actor]) -> None:
            def make_rows(tx: ManagedTransaction) -> tuple[tuple[ImportTally, list[dict]], list[dict]]:
                batch_tally = ImportTally()
                changed = batch_tally.actors(actors, stored_actors_in(tx, [a.id for a in actors]), today=today)
                rows = [staged_actor(a) for a in changed]
                keys = {row["id"]: row["identity_key"] for row in rows}
                here: dict[str, str] = {}
                for actor in changed:  # one identity per actor, within the import
                    holder = identities.get(keys[actor.id]) or here.setdefault(keys[actor.id], actor.id)
                    if holder != actor.id:
                        raise identity_conflict(actor)
                for taken in tx.run(cypher.ACTORS_WITH_IDENTITIES, {"rows": rows}):
                    # A stored actor has the name: fine only if an earlier batch of this import renames
                    # it (batches are applied in order, so it moves out of the way first).
                    key = keys[taken["id"]]
                    if staged_keys.get(taken["other"], key) == key:
                        actor = next(a for a in changed if a.id == taken["id"])
                        raise identity_conflict(actor, (taken["other"], taken["name"] or taken["other"]))
                return (batch_tally, rows), rows

            batch_tally, rows = self.stage(job, "actor", make_rows)
            tally.merge(batch_tally)
            for row in rows:  # partners of later initiatives; names later batches must not take
                staged_ids.add(row["id"])
                identities[row["identity_key"]] = row["id"]
                staged_keys[row["id"]] = row["identity_key"]

        def stage_initiatives(initiatives: Sequence[Initiative], first: int) -> None:
            def make_rows(tx: ManagedTransaction) -> tuple[ImportTally, list[dict]]:
                wanted = {a for i in initiatives for a in (*i.actor_ids, i.initiator) if a is not None} - staged_ids
                known = existing_ids(tx, cypher.EXISTING_ACTOR_IDS, sorted(wanted)) | staged_ids
                check_partners_exist(tx, initiatives, document_prefix, first=first, known=known)
                batch_tally = ImportTally()
                changed = batch_tally.initiatives(initiatives, stored_initiatives_in(tx, [i.id for i in initiatives]))
                return batch_tally, [staged_initiative(i) for i in changed]

            tally.merge(self.stage(job, "initiative", make_rows))

        def stage() -> dict | None:
            for actors in actor_batches:
                for start in range(0, len(actors), JOB_BATCH):
                    stage_actors(actors[start:start + JOB_BATCH])
            first = 0
            for initiatives in initiative_batches:
                for start in range(0, len(initiatives), JOB_BATCH):
                    stage_initiatives(initiatives[start:start + JOB_BATCH], first)
                    first += len(initiatives[start:start + JOB_BATCH])
            return tally.audit_payload() if tally.changed else None

        self.execute(job, stage, "actors", empty=True)
        return tally.summary()

    def clear(self) -> None:
        self.execute(self.begin("clear", None), lambda: None, "clear_graph")

    def restore(self, dump: StoreDump) -> None:
        check_restorable(dump)
        job = self.begin("restore", None)

        def stage() -> dict:
            self.stage_rows(job, "actor", [staged_actor(a) for a in dump.actors])
            self.stage_rows(job, "initiative", [staged_initiative(i) for i in dump.initiatives])
            self.stage_rows(job, "user", [{**user_row(u, u.created or now()), "key": u.name} for u in dump.users])
            self.stage_rows(job, "credential", [_renamed_kind(credential_row(c, c.created or now()), c.digest)
                                                for c in dump.credentials])
            self.stage_rows(job, "proposal", [_renamed_kind(proposal_row(p), p.id) for p in dump.proposals])
            entries = []
            for e in dump.audit:
                entry_id = new_id()
                entries.append({"id": entry_id, "key": entry_id, "seq": int(e.id), "at": iso(e.at), "user": e.user,
                                "action": e.action, "object_kind": e.object_kind, "object_id": e.object_id,
                                "before": json_text(e.before), "after": json_text(e.after)})
            self.stage_rows(job, "audit", entries)
            return {"graph_version": int(dump.graph_version), "audit_seq": max((int(e.id) for e in dump.audit),
                                                                               default=0)}

        self.execute(job, stage, "clear_graph")


def _given(rows: list[dict[str, Any]]) -> Callable[[ManagedTransaction], tuple[None, list[dict[str, Any]]]]:
    """A ``make_rows`` for :meth:`Bulk.stage` that stages ``rows`` as they are."""
    def make_rows(tx: ManagedTransaction) -> tuple[None, list[dict[str, Any]]]:
        return None, rows

    return make_rows


def check_restorable(dump: StoreDump) -> None:
    """What the database would refuse half-way through applying a restore, refused before it starts:
    two actors of one identity, keys that repeat, partners and credentials that point nowhere."""
    identities = [identity_key(a) for a in dump.actors]
    for keys in (identities, [u.name for u in dump.users], [c.digest for c in dump.credentials],
                 [p.id for p in dump.proposals]):
        if len(set(keys)) != len(keys):
            raise Conflict(msg.BACKUP_DUPLICATES(), field="backup")
    actor_ids = {a.id for a in dump.actors}
    missing = sorted({a for i in dump.initiatives for a in (*i.actor_ids, i.initiator) if a is not None} - actor_ids)
    if missing:
        raise Invalid([Problem("backup", msg.UNKNOWN_ACTOR(actor=actor)) for actor in missing[:20]])
    users = {u.name for u in dump.users}
    orphans = sorted({c.user for c in dump.credentials} - users)
    if orphans:
        raise Invalid([Problem("backup", msg.BACKUP_UNKNOWN_USER(name=name)) for name in orphans[:20]])
