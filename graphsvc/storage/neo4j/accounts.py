"""The Neo4j store's users, credentials and proposals, built like the graph part: one managed
transaction per method, every statement a constant of :mod:`.cypher`, values as parameters. These
writes leave the graph version alone; users and proposals are audited in the change's transaction."""

from __future__ import annotations

from neo4j import ManagedTransaction

from graphsvc.model import messages as msg
from graphsvc.model.accounts import Credential, Proposal, User, now, user_to_dict
from graphsvc.model.errors import Conflict, NotFound
from graphsvc.storage.base import AccountStore
from graphsvc.storage.neo4j import cypher
from graphsvc.storage.neo4j.audit import record
from graphsvc.storage.neo4j.bulk import Bulk
from graphsvc.storage.neo4j.database import Neo4jDatabase
from graphsvc.storage.neo4j.records import (
    credential_from,
    credential_row,
    iso,
    proposal_from,
    proposal_row,
    user_from,
    user_row,
)
from graphsvc.storage.neo4j.units import lock_graph_meta
from graphsvc.storage.rules import proposal_decided, user_name_taken


def read_accounts(tx: ManagedTransaction) -> dict:
    """Users, credentials and proposals, inside the caller's (read) transaction: part of a dump."""
    return {
        "users": [user_from(r["user"]) for r in tx.run(cypher.LIST_USERS)],
        "credentials": [credential_from(r["credential"]) for r in tx.run(cypher.ALL_CREDENTIALS)],
        "proposals": [proposal_from(r["proposal"]) for r in tx.run(cypher.LIST_PROPOSALS,
                                                                     {"status": None, "proposer": None})],
    }


class Neo4jAccounts(AccountStore):
    """Every write takes the graph meta node's lock first (:func:`lock_graph_meta`), as graph writes
    do, so it is ordered with them and refused while a restore replaces the accounts."""

    def __init__(self, db: Neo4jDatabase, bulk: Bulk):
        self.db = db
        self.bulk = bulk

    # -- users ----------------------------------------------------------------------------------
    def create_user(self, user: User, *, by: str | None = None) -> User:
        created = user.created or now()

        def work(tx: ManagedTransaction) -> None:
            lock_graph_meta(tx)
            tx.run(cypher.CREATE_USER, {"user": user_row(user, created)}).consume()
            record(tx, by, "create", "user", user.name, after=user_to_dict(user))

        self.bulk.write(work, conflict=user_name_taken(user.name))
        return User(user.name, user.role, user.password_hash, user.disabled, created)

    def get_user(self, name: str) -> User:
        def work(tx: ManagedTransaction) -> dict | None:
            r = tx.run(cypher.GET_USER, {"name": name}).single()
            return r["user"] if r else None

        props = self.db.read(work)
        if props is None:
            raise NotFound(msg.NO_USER(name=name), field="name")
        return user_from(props)

    def list_users(self) -> list[User]:
        return [user_from(p) for p in self.db.read(lambda tx: [r["user"] for r in tx.run(cypher.LIST_USERS)])]

    def update_user(self, user: User, *, by: str | None = None) -> User:
        def work(tx: ManagedTransaction) -> User:
            lock_graph_meta(tx)
            r = tx.run(cypher.UPDATE_USER, {"user": user_row(user, now())}).single()
            if r is None:
                raise NotFound(msg.NO_USER(name=user.name), field="name")
            before = user_from(r["before"])
            if user.disabled:
                tx.run(cypher.DELETE_CREDENTIALS, {"digest": None, "user": user.name, "kind": "session",
                                                   "label": None}).consume()
            after = User(user.name, user.role, user.password_hash, user.disabled, before.created)
            record(tx, by, "update", "user", user.name, before=user_to_dict(before), after=user_to_dict(after))
            return after

        return self.bulk.write(work)

    def delete_user(self, name: str, *, by: str | None = None) -> None:
        def work(tx: ManagedTransaction) -> None:
            lock_graph_meta(tx)
            r = tx.run(cypher.DELETE_USER, {"name": name}).single()
            if r is None:
                raise NotFound(msg.NO_USER(name=name), field="name")
            tx.run(cypher.DELETE_CREDENTIALS, {"digest": None, "user": name, "kind": None, "label": None}).consume()
            record(tx, by, "delete", "user", name, before=user_to_dict(user_from(r["before"])))

        self.bulk.write(work)

    # -- credentials -----------------------------------------------------------------------------
    def add_credential(self, credential: Credential) -> None:
        row = credential_row(credential, credential.created or now())

        def work(tx: ManagedTransaction) -> bool:
            lock_graph_meta(tx)
            return tx.run(cypher.ADD_CREDENTIAL, {"credential": row}).single() is not None

        if not self.bulk.write(work):
            raise NotFound(msg.NO_USER(name=credential.user), field="user")

    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        def work(tx: ManagedTransaction) -> tuple[dict, dict] | None:
            r = tx.run(cypher.FIND_CREDENTIAL, {"digest": digest}).single()
            return (r["credential"], r["user"]) if r else None

        found = self.db.read(work)
        if found is None:
            return None
        credential = credential_from(found[0])
        if credential.expires is not None and credential.expires <= now():
            return None
        return credential, user_from(found[1])

    def list_credentials(self, user: str, kind: str) -> list[Credential]:
        return [credential_from(p) for p in self.db.read(
            lambda tx: [r["credential"] for r in tx.run(cypher.LIST_CREDENTIALS, {"user": user, "kind": kind})])]

    def delete_credentials(self, *, digest: str | None = None, user: str | None = None,
                           kind: str | None = None, label: str | None = None) -> int:
        if digest is None and user is None and kind is None and label is None:
            raise ValueError("delete_credentials needs at least one filter")
        params = {"digest": digest, "user": user, "kind": kind, "label": label}

        def work(tx: ManagedTransaction) -> int:
            lock_graph_meta(tx)
            return tx.run(cypher.DELETE_CREDENTIALS, params).single(strict=True)["deleted"]

        return self.bulk.write(work)

    # -- proposals ---------------------------------------------------------------------------------
    def add_proposal(self, proposal: Proposal) -> Proposal:
        row = proposal_row(proposal)

        def work(tx: ManagedTransaction) -> None:
            lock_graph_meta(tx)
            tx.run(cypher.CREATE_PROPOSAL, {"proposal": row}).consume()
            record(tx, proposal.proposer, "propose", "proposal", proposal.id,
                   after={"kind": proposal.kind, "data": proposal.data})

        self.bulk.write(work, conflict=Conflict(msg.PROPOSAL_ID_TAKEN(id=proposal.id), field="id"))
        return proposal

    def get_proposal(self, proposal_id: str) -> Proposal:
        def work(tx: ManagedTransaction) -> dict | None:
            r = tx.run(cypher.GET_PROPOSAL, {"id": proposal_id}).single()
            return r["proposal"] if r else None

        props = self.db.read(work)
        if props is None:
            raise NotFound(msg.NO_PROPOSAL(id=proposal_id), field="id")
        return proposal_from(props)

    def list_proposals(self, *, status: str | None = None, proposer: str | None = None) -> list[Proposal]:
        params = {"status": status, "proposer": proposer}
        return [proposal_from(p) for p in self.db.read(
            lambda tx: [r["proposal"] for r in tx.run(cypher.LIST_PROPOSALS, params)])]

    def decide_proposal(self, proposal: Proposal, *, expected_status: str = "pending") -> Proposal:
        row = {"id": proposal.id, "status": proposal.status, "decided_by": proposal.decided_by,
               "decided_at": iso(proposal.decided_at), "note": proposal.note, "result_id": proposal.result_id}

        def work(tx: ManagedTransaction) -> None:
            lock_graph_meta(tx)
            if tx.run(cypher.DECIDE_PROPOSAL, {"proposal": row, "expected_status": expected_status}).single() is None:
                if tx.run(cypher.GET_PROPOSAL, {"id": proposal.id}).single() is None:
                    raise NotFound(msg.NO_PROPOSAL(id=proposal.id), field="id")
                raise proposal_decided(proposal.id, expected_status)
            record(tx, proposal.decided_by, proposal.status, "proposal", proposal.id,
                   after={"status": proposal.status, "note": proposal.note, "result_id": proposal.result_id})

        self.bulk.write(work)
        return proposal
