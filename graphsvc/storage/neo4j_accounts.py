"""The Neo4j store's accounts, credentials, proposals, audit trail and actor merge.

A mixin of :class:`graphsvc.storage.neo4j.Neo4jStore`, built like it: one managed transaction
per method, every statement a constant of :mod:`graphsvc.storage.cypher`, values as parameters.
Audit entries are written by :func:`audit` inside the transaction of the change they describe.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graphsvc.model import messages as msg
from graphsvc.model.accounts import AuditEntry, Credential, Proposal, User, new_id, now, user_to_dict
from graphsvc.model.entities import Actor, Page
from graphsvc.model.errors import Conflict, NotFound
from graphsvc.model.serialize import actor_to_dict
from graphsvc.storage import cypher


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if hasattr(value, "to_native"):
        return value.to_native()
    return datetime.fromisoformat(str(value))


def _moment(value: Any) -> datetime:
    """A moment the schema always stores (a proposal's ``created``, an audit entry's ``at``)."""
    moment = _time(value)
    if moment is None:
        raise ValueError("a required moment is missing")
    return moment


def audit(tx: ManagedTransaction, by: str | None, action: str, object_kind: str, object_id: str | None,
          before: dict | None = None, after: dict | None = None) -> None:
    """Record one change inside the caller's transaction."""
    tx.run(cypher.CREATE_AUDIT_ENTRY, {"entry": {
        "id": new_id(), "at": now().isoformat(), "user": by, "action": action, "object_kind": object_kind,
        "object_id": object_id, "before": _json(before), "after": _json(after)}}).consume()


def _user(props: dict) -> User:
    return User(name=props["name"], role=props["role"], password_hash=props.get("password_hash"),
                disabled=bool(props.get("disabled")), created=_time(props.get("created")))


def _credential(props: dict) -> Credential:
    return Credential(digest=props["digest"], kind=props["kind"], user=props["user"], label=props.get("label") or "",
                      created=_time(props.get("created")), expires=_time(props.get("expires")))


def _proposal(props: dict) -> Proposal:
    return Proposal(id=props["id"], kind=props["kind"], data=json.loads(props["data"]), proposer=props["proposer"],
                    created=_moment(props["created"]), status=props["status"], decided_by=props.get("decided_by"),
                    decided_at=_time(props.get("decided_at")), note=props.get("note"),
                    result_id=props.get("result_id"))


def _audit_entry(props: dict) -> AuditEntry:
    return AuditEntry(at=_moment(props["at"]), user=props.get("user"), action=props["action"],
                      object_kind=props["object_kind"], object_id=props.get("object_id"),
                      before=json.loads(props["before"]) if props.get("before") else None,
                      after=json.loads(props["after"]) if props.get("after") else None,
                      id=str(props.get("seq", props["id"])))


def dump_accounts(tx: ManagedTransaction) -> dict:
    """Users, credentials, proposals and the audit trail (oldest first), inside the caller's transaction."""
    return {
        "users": [_user(r["user"]) for r in tx.run(cypher.LIST_USERS)],
        "credentials": [_credential(r["credential"]) for r in tx.run(cypher.ALL_CREDENTIALS)],
        "proposals": [_proposal(r["proposal"]) for r in tx.run(cypher.LIST_PROPOSALS,
                                                                 {"status": None, "proposer": None})],
        "audit": [_audit_entry(r["entry"]) for r in tx.run(cypher.ALL_AUDIT_ENTRIES)],
    }


def write_accounts(tx: ManagedTransaction, dump, batches) -> None:
    """Write the dump's users, credentials, proposals and audit entries (into an emptied store, in the
    caller's transaction) and move the audit counter past the restored entries."""
    users = [_user_row(u, u.created or now()) for u in dump.users]
    credentials = [{"digest": c.digest, "kind": c.kind, "user": c.user, "label": c.label,
                    "created": _iso(c.created or now()), "expires": _iso(c.expires)} for c in dump.credentials]
    proposals = [{"id": p.id, "kind": p.kind, "data": _json(p.data), "proposer": p.proposer,
                  "created": _iso(p.created), "status": p.status, "decided_by": p.decided_by,
                  "decided_at": _iso(p.decided_at), "note": p.note, "result_id": p.result_id}
                 for p in dump.proposals]
    entries = [{"id": new_id(), "seq": int(e.id), "at": _iso(e.at), "user": e.user, "action": e.action,
                "object_kind": e.object_kind, "object_id": e.object_id, "before": _json(e.before),
                "after": _json(e.after)} for e in dump.audit]
    for batch in batches(users):
        tx.run(cypher.RESTORE_USERS, {"users": batch}).consume()
    for batch in batches(credentials):
        tx.run(cypher.RESTORE_CREDENTIALS, {"credentials": batch}).consume()
    for batch in batches(proposals):
        tx.run(cypher.RESTORE_PROPOSALS, {"proposals": batch}).consume()
    for batch in batches(entries):
        tx.run(cypher.RESTORE_AUDIT_ENTRIES, {"entries": batch}).consume()
    tx.run(cypher.RESTORE_AUDIT_SEQUENCE, {"seq": max((e["seq"] for e in entries), default=0)}).consume()


def _user_row(user: User, created: datetime) -> dict:
    return {"name": user.name, "role": user.role, "password_hash": user.password_hash,
            "disabled": user.disabled, "created": created.isoformat()}


class Neo4jAccounts:
    """Mixed into Neo4jStore."""

    # -- merging two actors --------------------------------------------------------------------
    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        from graphsvc.storage.neo4j import _actor_from, _actor_row, _rebuild_ties

        if survivor.id == merged_id:
            raise Conflict(msg.MERGE_SAME_ACTOR(), field="merged")

        def work(tx: ManagedTransaction) -> list[str]:
            tx.run(cypher.BUMP_GRAPH_VERSION).consume()
            found = {}
            for actor_id in (survivor.id, merged_id):
                record = tx.run(cypher.GET_ACTOR, {"id": actor_id}).single()
                if record is None:
                    raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
                found[actor_id] = _actor_from(record["actor"])
            record = tx.run(cypher.ACTOR_INITIATIVE_IDS, {"id": merged_id}).single()
            moved = sorted(set(record["initiative_ids"])) if record else []
            params = {"survivor": survivor.id, "merged": merged_id}
            tx.run(cypher.MOVE_PARTNERSHIPS, params).consume()
            tx.run(cypher.MOVE_INITIATOR, params).consume()
            tx.run(cypher.DELETE_ACTOR, {"id": merged_id}).consume()
            tx.run(cypher.UPDATE_ACTOR, {"actor": _actor_row(survivor)}).consume()
            _rebuild_ties(tx, moved)
            audit(tx, by, "merge", "actor", survivor.id,
                  before={"survivor": actor_to_dict(found[survivor.id]), "merged": actor_to_dict(found[merged_id])},
                  after={"survivor": actor_to_dict(survivor), "initiatives_moved": moved})
            audit(tx, by, "merged_into", "actor", merged_id, before=actor_to_dict(found[merged_id]),
                  after={"survivor": survivor.id, "initiatives_moved": moved})
            return moved

        return self._write(work, conflict=msg.actor_exists(survivor))

    # -- users ----------------------------------------------------------------------------------
    def create_user(self, user: User, *, by: str | None = None) -> User:
        created = user.created or now()

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.CREATE_USER, {"user": _user_row(user, created)}).consume()
            audit(tx, by, "create", "user", user.name, after=user_to_dict(user))

        self._write(work, conflict=msg.USER_NAME_TAKEN(name=user.name))
        return User(user.name, user.role, user.password_hash, user.disabled, created)

    def get_user(self, name: str) -> User:
        def work(tx: ManagedTransaction) -> dict | None:
            record = tx.run(cypher.GET_USER, {"name": name}).single()
            return record["user"] if record else None

        props = self._read(work)
        if props is None:
            raise NotFound(msg.NO_USER(name=name), field="name")
        return _user(props)

    def list_users(self) -> list[User]:
        return [_user(p) for p in self._read(lambda tx: [r["user"] for r in tx.run(cypher.LIST_USERS)])]

    def update_user(self, user: User, *, by: str | None = None) -> User:
        def work(tx: ManagedTransaction) -> User:
            record = tx.run(cypher.UPDATE_USER, {"user": _user_row(user, now())}).single()
            if record is None:
                raise NotFound(msg.NO_USER(name=user.name), field="name")
            before = _user(record["before"])
            if user.disabled:
                tx.run(cypher.DELETE_CREDENTIALS, {"digest": None, "user": user.name, "kind": "session",
                                                   "label": None}).consume()
            after = User(user.name, user.role, user.password_hash, user.disabled, before.created)
            audit(tx, by, "update", "user", user.name, before=user_to_dict(before), after=user_to_dict(after))
            return after

        return self._write(work)

    def delete_user(self, name: str, *, by: str | None = None) -> None:
        def work(tx: ManagedTransaction) -> None:
            record = tx.run(cypher.DELETE_USER, {"name": name}).single()
            if record is None:
                raise NotFound(msg.NO_USER(name=name), field="name")
            tx.run(cypher.DELETE_CREDENTIALS, {"digest": None, "user": name, "kind": None, "label": None}).consume()
            audit(tx, by, "delete", "user", name, before=user_to_dict(_user(record["before"])))

        self._write(work)

    # -- credentials -----------------------------------------------------------------------------
    def add_credential(self, credential: Credential) -> None:
        row = {"digest": credential.digest, "kind": credential.kind, "user": credential.user,
               "label": credential.label, "created": _iso(credential.created or now()),
               "expires": _iso(credential.expires)}

        def work(tx: ManagedTransaction) -> bool:
            return tx.run(cypher.ADD_CREDENTIAL, {"credential": row}).single() is not None

        if not self._write(work):
            raise NotFound(msg.NO_USER(name=credential.user), field="user")

    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        def work(tx: ManagedTransaction) -> tuple[dict, dict] | None:
            record = tx.run(cypher.FIND_CREDENTIAL, {"digest": digest}).single()
            return (record["credential"], record["user"]) if record else None

        found = self._read(work)
        if found is None:
            return None
        credential = _credential(found[0])
        if credential.expires is not None and credential.expires <= now():
            return None
        return credential, _user(found[1])

    def list_credentials(self, user: str, kind: str) -> list[Credential]:
        return [_credential(p) for p in self._read(
            lambda tx: [r["credential"] for r in tx.run(cypher.LIST_CREDENTIALS, {"user": user, "kind": kind})])]

    def delete_credentials(self, *, digest: str | None = None, user: str | None = None,
                           kind: str | None = None, label: str | None = None) -> int:
        if digest is None and user is None and kind is None and label is None:
            raise ValueError("delete_credentials needs at least one filter")
        params = {"digest": digest, "user": user, "kind": kind, "label": label}
        return self._write(lambda tx: tx.run(cypher.DELETE_CREDENTIALS, params).single(strict=True)["deleted"])

    # -- proposals ---------------------------------------------------------------------------------
    def add_proposal(self, proposal: Proposal) -> Proposal:
        row = {"id": proposal.id, "kind": proposal.kind, "data": _json(proposal.data), "proposer": proposal.proposer,
               "created": _iso(proposal.created), "status": proposal.status}

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.CREATE_PROPOSAL, {"proposal": row}).consume()
            audit(tx, proposal.proposer, "propose", "proposal", proposal.id,
                  after={"kind": proposal.kind, "data": proposal.data})

        self._write(work, conflict=msg.PROPOSAL_ID_TAKEN(id=proposal.id))
        return proposal

    def get_proposal(self, proposal_id: str) -> Proposal:
        def work(tx: ManagedTransaction) -> dict | None:
            record = tx.run(cypher.GET_PROPOSAL, {"id": proposal_id}).single()
            return record["proposal"] if record else None

        props = self._read(work)
        if props is None:
            raise NotFound(msg.NO_PROPOSAL(id=proposal_id), field="id")
        return _proposal(props)

    def list_proposals(self, *, status: str | None = None, proposer: str | None = None) -> list[Proposal]:
        params = {"status": status, "proposer": proposer}
        return [_proposal(p) for p in self._read(
            lambda tx: [r["proposal"] for r in tx.run(cypher.LIST_PROPOSALS, params)])]

    def decide_proposal(self, proposal: Proposal, *, expected_status: str = "pending") -> Proposal:
        row = {"id": proposal.id, "status": proposal.status, "decided_by": proposal.decided_by,
               "decided_at": _iso(proposal.decided_at), "note": proposal.note, "result_id": proposal.result_id}

        def work(tx: ManagedTransaction) -> None:
            if tx.run(cypher.DECIDE_PROPOSAL, {"proposal": row, "expected_status": expected_status}).single() is None:
                if tx.run(cypher.GET_PROPOSAL, {"id": proposal.id}).single() is None:
                    raise NotFound(msg.NO_PROPOSAL(id=proposal.id), field="id")
                raise Conflict(msg.PROPOSAL_NOT_PENDING(id=proposal.id, status=expected_status), field="status")
            audit(tx, proposal.decided_by, proposal.status, "proposal", proposal.id,
                  after={"status": proposal.status, "note": proposal.note, "result_id": proposal.result_id})

        self._write(work)
        return proposal

    # -- audit --------------------------------------------------------------------------------------
    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None,
                   limit: int = 100, offset: int = 0) -> Page:
        params = {"object_kind": object_kind, "object_id": object_id}

        def work(tx: ManagedTransaction) -> tuple[int, list[dict]]:
            total = tx.run(cypher.COUNT_AUDIT, params).single(strict=True)["total"]
            rows = [r["entry"] for r in tx.run(cypher.LIST_AUDIT, {**params, "limit": int(limit),
                                                                     "offset": int(offset)})]
            return total, rows

        total, rows = self._read(work)
        return Page([_audit_entry(r) for r in rows], total, limit, offset)
