"""A :class:`Store` put together from one part per concern: how both stores are built.

Each store package (``storage/sqlite``, ``storage/neo4j``) makes a connection (or driver) object
and hands it to its parts — graph, accounts, audit, backup — which share it and nothing else: no
part reaches into another or into the class that composes them. This class only forwards each
method of the interface to the part that owns it, so mypy checks every part against its interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from graphsvc.model.accounts import Credential, Proposal, User
from graphsvc.model.entities import Actor, Initiative, Page
from graphsvc.storage.base import (
    AccountStore,
    ActorFilter,
    AuditLog,
    BackupStore,
    GraphStore,
    ImportSummary,
    InitiativeFilter,
    NetworkRows,
    Store,
    StoreDump,
    StoreLife,
)


class ComposedStore(Store):
    """The whole interface, forwarded to ``life``, ``graph``, ``accounts``, ``audit`` and ``backup``."""

    def __init__(self, *, life: StoreLife, graph: GraphStore, accounts: AccountStore, audit: AuditLog,
                 backup: BackupStore):
        self.life, self.graph, self.accounts, self.audit, self.backup = life, graph, accounts, audit, backup
        self.kind = life.kind

    # -- StoreLife: self.life -------------------------------------------------------------------
    def ensure_schema(self) -> None:
        return self.life.ensure_schema()

    def check(self) -> dict:
        return self.life.check()

    def close(self) -> None:
        return self.life.close()

    # -- GraphStore: self.graph -----------------------------------------------------------------
    def graph_version(self) -> int:
        return self.graph.graph_version()

    def get_actor(self, actor_id: str) -> Actor:
        return self.graph.get_actor(actor_id)

    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        return self.graph.list_actors(flt, limit=limit, offset=offset)

    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        return self.graph.existing_actor_ids(ids)

    def stored_actors(self, ids: Sequence[str]) -> dict[str, Actor]:
        return self.graph.stored_actors(ids)

    def create_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        return self.graph.create_actor(actor, by=by)

    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        return self.graph.update_actor(actor, by=by)

    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        return self.graph.delete_actor(actor_id, cascade=cascade, by=by)

    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        return self.graph.merge_actors(survivor, merged_id, by=by)

    def get_initiative(self, initiative_id: str) -> Initiative:
        return self.graph.get_initiative(initiative_id)

    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        return self.graph.list_initiatives(flt, limit=limit, offset=offset)

    def stored_initiatives(self, ids: Sequence[str]) -> dict[str, Initiative]:
        return self.graph.stored_initiatives(ids)

    def create_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        return self.graph.create_initiative(initiative, by=by)

    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        return self.graph.update_initiative(initiative, by=by)

    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None:
        return self.graph.delete_initiative(initiative_id, by=by)

    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        return self.graph.snapshot()

    def network_rows(self) -> NetworkRows:
        return self.graph.network_rows()

    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        return self.graph.import_graph(actors, initiatives, by=by)

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        return self.graph.import_batches(actor_batches, initiative_batches, by=by, today=today)

    def clear(self) -> None:
        return self.graph.clear()

    # -- AccountStore: self.accounts ------------------------------------------------------------
    def create_user(self, user: User, *, by: str | None = None) -> User:
        return self.accounts.create_user(user, by=by)

    def get_user(self, name: str) -> User:
        return self.accounts.get_user(name)

    def list_users(self) -> list[User]:
        return self.accounts.list_users()

    def update_user(self, user: User, *, by: str | None = None) -> User:
        return self.accounts.update_user(user, by=by)

    def delete_user(self, name: str, *, by: str | None = None) -> None:
        return self.accounts.delete_user(name, by=by)

    def add_credential(self, credential: Credential) -> None:
        return self.accounts.add_credential(credential)

    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        return self.accounts.find_credential(digest)

    def list_credentials(self, user: str, kind: str) -> list[Credential]:
        return self.accounts.list_credentials(user, kind)

    def delete_credentials(self, *, digest: str | None = None, user: str | None = None,
                           kind: str | None = None, label: str | None = None) -> int:
        return self.accounts.delete_credentials(digest=digest, user=user, kind=kind, label=label)

    def add_proposal(self, proposal: Proposal) -> Proposal:
        return self.accounts.add_proposal(proposal)

    def get_proposal(self, proposal_id: str) -> Proposal:
        return self.accounts.get_proposal(proposal_id)

    def list_proposals(self, *, status: str | None = None, proposer: str | None = None) -> list[Proposal]:
        return self.accounts.list_proposals(status=status, proposer=proposer)

    def decide_proposal(self, proposal: Proposal, *, expected_status: str = 'pending') -> Proposal:
        return self.accounts.decide_proposal(proposal, expected_status=expected_status)

    # -- AuditLog: self.audit -------------------------------------------------------------------
    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None, limit: int = 100,
                   offset: int = 0) -> Page:
        return self.audit.list_audit(object_kind=object_kind, object_id=object_id, limit=limit, offset=offset)

    # -- BackupStore: self.backup ---------------------------------------------------------------
    def dump_all(self) -> StoreDump:
        return self.backup.dump_all()

    def restore_all(self, dump: StoreDump) -> None:
        return self.backup.restore_all(dump)
