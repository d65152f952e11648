"""The one storage interface; SQLite (embedded, default) and Neo4j (production) implement it.

Stores speak the domain: they take and return :mod:`graphsvc.model.entities` objects and raise
:mod:`graphsvc.model.errors`; driver records and sqlite rows never leave a store.
Validation of single objects happens before a store is called (``model.validation``);
stores still enforce identity and referential integrity, because only they can do it
atomically under concurrent writers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from graphsvc.model.accounts import AuditEntry, Credential, Proposal, User
from graphsvc.model.entities import Actor, Initiative, Page


@dataclass(frozen=True)
class ActorFilter:
    """Filters for listing actors; ``None`` means "any". Text filters compare via ``normalise_key``."""

    kind: str | None = None
    sector: str | None = None
    municipality: str | None = None
    q: str | None = None  # substring of the name, case-insensitive


@dataclass(frozen=True)
class InitiativeFilter:
    actor: str | None = None  # initiatives this actor is a partner in
    category: str | None = None
    started_from: date | None = None
    started_to: date | None = None
    active_at: date | None = None  # started by then and not ended before then


@dataclass(frozen=True)
class ImportSummary:
    actors_created: int = 0
    actors_updated: int = 0
    actors_unchanged: int = 0
    initiatives_created: int = 0
    initiatives_updated: int = 0
    initiatives_unchanged: int = 0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class StoreDump:
    """Everything a store holds, read in one transaction: what a backup writes and a restore puts back.

    Lists are in a stable order (actors and initiatives by id, users by name); ``audit`` is oldest
    first and each entry's ``id`` is its sequence number, which a restore keeps.
    """

    graph_version: int
    actors: list[Actor]
    initiatives: list[Initiative]
    users: list[User]
    credentials: list[Credential]
    proposals: list[Proposal]
    audit: list[AuditEntry]


@dataclass(frozen=True)
class NetworkRows:
    """The network as plain columns: what the analytics read, without building domain objects.

    Actors and initiatives are in id order. Dates are ISO strings (``YYYY-MM-DD``) or None.
    ``initiative_initiators`` and the partner rows refer to positions: ``partner_initiative[r]``
    indexes the initiative columns, ``partner_actor[r]`` and ``initiative_initiators[i]`` the
    actor columns. Partner rows come in no particular order (one row per partner; the role and
    the position in the partner list are left out: no metric reads them). Treat as read-only.
    """

    actor_ids: Sequence[str]
    actor_names: Sequence[str]
    actor_kinds: Sequence[str]
    actor_sectors: Sequence[str | None]
    actor_municipalities: Sequence[str]
    actor_registered: Sequence[str | None]
    actor_tags: Sequence[tuple[str, ...]]
    initiative_ids: Sequence[str]
    initiative_started: Sequence[str]
    initiative_ended: Sequence[str | None]
    initiative_initiators: Sequence[int]
    partner_initiative: Sequence[int]
    partner_actor: Sequence[int]

    @classmethod
    def from_domain(cls, actors: list[Actor], initiatives: list[Initiative]) -> NetworkRows:
        """The columns of domain objects (any order; sorted by id here)."""
        actors = sorted(actors, key=lambda a: a.id)
        initiatives = sorted(initiatives, key=lambda i: i.id)
        index = {a.id: n for n, a in enumerate(actors)}

        def position(actor_id: str) -> int:
            try:
                return index[actor_id]
            except KeyError:
                raise ValueError(f"initiatives refer to unknown actors: {actor_id}") from None

        def iso(d):
            return d.isoformat() if d is not None else None

        partner_initiative, partner_actor = [], []
        for n, i in enumerate(initiatives):
            for p in i.partners:
                partner_initiative.append(n)
                partner_actor.append(position(p.actor))
        return cls([a.id for a in actors], [a.name for a in actors], [a.kind for a in actors],
                   [a.sector for a in actors], [a.municipality for a in actors],
                   [iso(a.registered) for a in actors], [tuple(a.tags) for a in actors],
                   [i.id for i in initiatives], [i.started.isoformat() for i in initiatives],
                   [iso(i.ended) for i in initiatives], [position(i.initiator) for i in initiatives],
                   partner_initiative, partner_actor)


class Store(ABC):
    """A place the graph lives. Every write is one transaction and bumps :meth:`graph_version`."""

    #: Short name for messages and health checks ("sqlite", "neo4j").
    kind: str = "?"

    # -- life cycle -------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create or migrate the schema (idempotent). Called once at start."""

    @abstractmethod
    def check(self) -> dict:
        """Prove the store answers; return facts for /healthz. Raises ``StoreUnavailable``."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def graph_version(self) -> int:
        """A number that changes on every write: the key for caches of derived results."""

    # -- actors -------------------------------------------------------------
    @abstractmethod
    def get_actor(self, actor_id: str) -> Actor:
        """Raises ``NotFound``."""

    @abstractmethod
    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        """Actors ordered by name then id."""

    @abstractmethod
    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` are stored."""

    @abstractmethod
    def create_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        """Raises ``Conflict`` when the id is taken, or when an actor of the same kind in the same
        municipality has the same normalised name (two librarians adding one partner at once).

        Every write takes ``by`` (the acting user's name) and records an audit entry in the same
        transaction."""

    @abstractmethod
    def update_actor(self, actor: Actor, *, by: str | None = None) -> Actor:
        """Replace the stored actor with the same id. Raises ``NotFound``."""

    @abstractmethod
    def delete_actor(self, actor_id: str, *, cascade: bool = False, by: str | None = None) -> list[str]:
        """Delete an actor. If it is a partner in initiatives, raise ``Conflict`` unless ``cascade``,
        in which case those initiatives are deleted too; returns their ids."""

    # -- initiatives ----------------------------------------------------------
    @abstractmethod
    def get_initiative(self, initiative_id: str) -> Initiative: ...

    @abstractmethod
    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        """Initiatives ordered by start date then id."""

    @abstractmethod
    def create_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative:
        """Raises ``Conflict`` when the id is taken, ``Invalid`` when a partner is unknown."""

    @abstractmethod
    def update_initiative(self, initiative: Initiative, *, by: str | None = None) -> Initiative: ...

    @abstractmethod
    def delete_initiative(self, initiative_id: str, *, by: str | None = None) -> None: ...

    # -- whole graph ------------------------------------------------------------
    @abstractmethod
    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        """Every actor (by id) and initiative (by id): the input of analytics and export."""

    def network_rows(self) -> NetworkRows:
        """The graph as plain columns (:class:`NetworkRows`), read at one moment: the cold path of
        the silo metrics. This default derives them from :meth:`snapshot`; a store may read them
        directly (SQLite does: no domain objects)."""
        actors, initiatives = self.snapshot()
        return NetworkRows.from_domain(actors, initiatives)

    @abstractmethod
    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        """Upsert by id, all in one transaction: either everything is stored or nothing changes.

        Initiatives may refer to actors in ``actors`` or already stored. Objects equal to the stored
        ones are counted as unchanged and not rewritten, so importing the same data twice is a no-op.
        """

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        """:meth:`import_graph` fed in batches (every actor batch is read before the first initiative
        batch): the streaming import of large files. Same guarantees — one transaction, all or
        nothing, unchanged objects not rewritten, one audit summary entry.

        An actor whose ``registered`` is None keeps the stored date, or gets ``today`` (default:
        the current date) when new. This default collects the batches and calls
        :meth:`import_graph`; a store that can write batch by batch overrides it (SQLite).
        """
        from dataclasses import replace

        actors = [a for batch in actor_batches for a in batch]
        undated = [a.id for a in actors if a.registered is None]
        if undated:
            stored = ({a.id: a.registered for a in self.snapshot()[0]}
                      if self.existing_actor_ids(undated) else {})
            day = today or date.today()
            actors = [a if a.registered else replace(a, registered=stored.get(a.id) or day) for a in actors]
        initiatives = [i for batch in initiative_batches for i in batch]
        return self.import_graph(actors, initiatives, by=by)

    @abstractmethod
    def clear(self) -> None:
        """Remove the graph (actors and initiatives; tests). Accounts and the audit trail stay."""

    # -- backup and restore ----------------------------------------------------------------
    @abstractmethod
    def dump_all(self) -> StoreDump:
        """The graph, users, credentials (digests), proposals, the audit trail and the graph
        version, all read in one transaction so they belong together."""

    @abstractmethod
    def restore_all(self, dump: StoreDump) -> None:
        """Replace everything the store holds with ``dump`` in one transaction: on any failure
        nothing changes. Audit entries keep their sequence numbers. The graph version becomes the
        dump's, or one more than the store's if that is higher, so it never goes back to a number
        caches may have seen for other data. Writes no audit entry of its own (the restored trail
        stays exactly the backed-up one)."""

    # -- merging ----------------------------------------------------------------------
    @abstractmethod
    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        """In one transaction: store ``survivor`` (already combined by the caller), move every
        partnership and initiator reference of ``merged_id`` to it (where both were partners, the
        survivor's role stays), delete ``merged_id`` and record the merge. Returns the ids of the
        initiatives that moved. Raises ``NotFound`` for either actor."""

    # -- accounts (users, sessions and API tokens); these writes leave graph_version alone --------
    @abstractmethod
    def create_user(self, user: User, *, by: str | None = None) -> User:
        """Raises ``Conflict`` when the name is taken."""

    @abstractmethod
    def get_user(self, name: str) -> User:
        """Raises ``NotFound``."""

    @abstractmethod
    def list_users(self) -> list[User]:
        """Every user, by name."""

    @abstractmethod
    def update_user(self, user: User, *, by: str | None = None) -> User:
        """Replace role, password hash and disabled flag. Raises ``NotFound``. Disabling a user
        also deletes their sessions (their tokens stop working because the user is disabled)."""

    @abstractmethod
    def delete_user(self, name: str, *, by: str | None = None) -> None:
        """Delete a user and every credential of theirs. Raises ``NotFound``."""

    @abstractmethod
    def add_credential(self, credential: Credential) -> None: ...

    @abstractmethod
    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        """The credential with this digest and its user, or None (unknown or expired)."""

    @abstractmethod
    def list_credentials(self, user: str, kind: str) -> list[Credential]: ...

    @abstractmethod
    def delete_credentials(self, *, digest: str | None = None, user: str | None = None,
                           kind: str | None = None, label: str | None = None) -> int:
        """Delete the credentials matching every given filter (at least one); returns how many."""

    # -- proposals ------------------------------------------------------------------------
    @abstractmethod
    def add_proposal(self, proposal: Proposal) -> Proposal: ...

    @abstractmethod
    def get_proposal(self, proposal_id: str) -> Proposal:
        """Raises ``NotFound``."""

    @abstractmethod
    def list_proposals(self, *, status: str | None = None, proposer: str | None = None) -> list[Proposal]:
        """Newest first."""

    @abstractmethod
    def decide_proposal(self, proposal: Proposal, *, expected_status: str = "pending") -> Proposal:
        """Store the decision fields of ``proposal`` only if the stored status is still
        ``expected_status`` (so two editors cannot both accept); raises ``Conflict`` otherwise."""

    # -- the audit trail ---------------------------------------------------------------------
    @abstractmethod
    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None,
                   limit: int = 100, offset: int = 0) -> Page:
        """Audit entries, newest first, optionally of one object."""
