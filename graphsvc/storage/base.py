"""The storage interfaces, one per concern, and :class:`Store`, the whole that services use.

SQLite (embedded, default) and Neo4j (production) implement them, each as a package composed of
parts that share one connection or driver object (``storage/sqlite/``, ``storage/neo4j/``): a
graph part (:class:`GraphStore`), an accounts part (:class:`AccountStore`), the audit trail
(:class:`AuditLog`) and backups (:class:`BackupStore`); :class:`ComposedStore` puts the parts
together. Rules both stores follow (the import diff and its summary, the import's audit entry,
conflict messages, filter keys) are written once, in :mod:`graphsvc.storage.rules`.

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
from graphsvc.model.entities import Actor, Initiative, Page, normalise_key
from graphsvc.storage.rules import ImportSummary, with_registered


def _key(text: str | None) -> str | None:
    return normalise_key(text) if text else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


@dataclass(frozen=True)
class ActorFilter:
    """Filters for listing actors; ``None`` (or empty) means "any". Text filters compare via
    ``normalise_key``: ``sector="Kultur"`` finds ``kultur``, in every store (:meth:`keys`)."""

    kind: str | None = None
    sector: str | None = None
    municipality: str | None = None
    q: str | None = None  # substring of the name, case-insensitive

    def keys(self) -> dict[str, str | None]:
        """What every store compares, written once: ``kind`` exactly, ``sector_key`` and
        ``municipality_key`` with the stored keys, ``q`` as a substring of the stored name key;
        None means "any".

        >>> ActorFilter(sector=" Kultur ", q="RØDE  kors").keys()
        {'kind': None, 'sector_key': 'kultur', 'municipality_key': None, 'q': 'røde kors'}
        """
        return {"kind": self.kind or None, "sector_key": _key(self.sector),
                "municipality_key": _key(self.municipality), "q": _key(self.q)}


@dataclass(frozen=True)
class InitiativeFilter:
    """Filters for listing initiatives; ``None`` means "any". ``category`` compares via
    ``normalise_key`` (``category="språkkafé"`` finds ``Språkkafé``), in every store (:meth:`keys`)."""

    actor: str | None = None  # initiatives this actor is a partner in
    category: str | None = None
    started_from: date | None = None
    started_to: date | None = None
    active_at: date | None = None  # started by then and not ended before then

    def keys(self) -> dict[str, str | None]:
        """What every store compares: the partner's id exactly, ``category_key`` with the stored
        key, dates as ISO strings (inclusive bounds); None means "any".

        >>> InitiativeFilter(category="SPRÅKKAFÉ", active_at=date(2022, 5, 17)).keys()["category_key"]
        'språkkafé'
        """
        return {"actor": self.actor or None, "category_key": _key(self.category),
                "started_from": _iso(self.started_from), "started_to": _iso(self.started_to),
                "active_at": _iso(self.active_at)}


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
    actor columns (−1: the initiator is unknown). Partner rows come in no particular order (one
    row per partner; the role and the position in the partner list are left out: no metric reads
    them). Treat as read-only.
    """

    actor_ids: Sequence[str]
    actor_names: Sequence[str]
    actor_kinds: Sequence[str]
    actor_sectors: Sequence[str | None]
    actor_municipalities: Sequence[str | None]
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

        def position(actor_id: str | None) -> int:
            if actor_id is None:
                return -1
            try:
                return index[actor_id]
            except KeyError:
                raise ValueError(f"initiatives refer to unknown actors: {actor_id}") from None

        iso = _iso
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


class StoreLife(ABC):
    """Opening, checking and closing a store: what the connection (or driver) object does."""

    #: Short name for messages and health checks ("sqlite", "neo4j").
    kind: str = "?"

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create or migrate the schema (idempotent). Called once at start."""

    @abstractmethod
    def check(self) -> dict:
        """Prove the store answers; return facts for /healthz. Raises ``StoreUnavailable``."""

    @abstractmethod
    def close(self) -> None: ...


class GraphStore(ABC):
    """Actors and initiatives. Every write is one transaction, bumps :meth:`graph_version` and
    records an audit entry in the same transaction."""

    @abstractmethod
    def graph_version(self) -> int:
        """A number that changes on every write: the key for caches of derived results."""

    # -- actors -------------------------------------------------------------
    @abstractmethod
    def get_actor(self, actor_id: str) -> Actor:
        """Raises ``NotFound``."""

    @abstractmethod
    def list_actors(self, flt: ActorFilter = ActorFilter(), *, limit: int = 50, offset: int = 0) -> Page:
        """Actors ordered by name then id; filters compare as :func:`rules.actor_filter_keys` says."""

    @abstractmethod
    def existing_actor_ids(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` are stored."""

    @abstractmethod
    def stored_actors(self, ids: Sequence[str]) -> dict[str, Actor]:
        """The stored actors among ``ids``, by id (what an import compares a batch with)."""

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

    @abstractmethod
    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        """In one transaction: store ``survivor`` (already combined by the caller), move every
        partnership and initiator reference of ``merged_id`` to it (where both were partners, the
        survivor's role stays), delete ``merged_id`` and record the merge. Returns the ids of the
        initiatives that moved. Raises ``NotFound`` for either actor."""

    # -- initiatives ----------------------------------------------------------
    @abstractmethod
    def get_initiative(self, initiative_id: str) -> Initiative: ...

    @abstractmethod
    def list_initiatives(self, flt: InitiativeFilter = InitiativeFilter(), *, limit: int = 50,
                         offset: int = 0) -> Page:
        """Initiatives ordered by start date then id."""

    @abstractmethod
    def stored_initiatives(self, ids: Sequence[str]) -> dict[str, Initiative]:
        """The stored initiatives among ``ids``, by id (what an import compares a batch with)."""

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
        """Every actor (by id) and initiative (by id), read at one moment: the input of analytics
        and export."""

    def network_rows(self) -> NetworkRows:
        """The graph as plain columns (:class:`NetworkRows`), read at one moment: the cold path of
        the silo metrics. This default derives them from :meth:`snapshot`; a store may read them
        directly (SQLite does: no domain objects)."""
        actors, initiatives = self.snapshot()
        return NetworkRows.from_domain(actors, initiatives)

    @abstractmethod
    def import_graph(self, actors: list[Actor], initiatives: list[Initiative], *,
                     by: str | None = None) -> ImportSummary:
        """Upsert by id, all or nothing: either everything is stored or nothing changes.

        Initiatives may refer to actors in ``actors`` or already stored. Objects equal to the stored
        ones are counted as unchanged and not rewritten, so importing the same data twice is a no-op
        (:class:`rules.ImportTally` decides, for both stores). One audit entry
        (:meth:`rules.ImportTally.audit_payload`) records an import that changed something.
        """

    def import_batches(self, actor_batches: Iterable[Sequence[Actor]],
                       initiative_batches: Iterable[Sequence[Initiative]], *, by: str | None = None,
                       today: date | None = None) -> ImportSummary:
        """:meth:`import_graph` fed in batches (every actor batch is read before the first initiative
        batch): the streaming import of large files. Same guarantees — all or nothing, unchanged
        objects not rewritten, one audit summary entry.

        An actor whose ``registered`` is None keeps the stored date, or gets ``today`` (default:
        the current date) when new (:func:`rules.with_registered`). This default collects the
        batches, reads the stored dates of just the undated actors and calls :meth:`import_graph`;
        both stores override it to write batch by batch.
        """
        day = today or date.today()
        actors = [a for batch in actor_batches for a in batch]
        undated = [a.id for a in actors if a.registered is None]
        stored = self.stored_actors(undated) if undated else {}
        actors = [with_registered(a, stored.get(a.id), day) for a in actors]
        initiatives = [i for batch in initiative_batches for i in batch]
        return self.import_graph(actors, initiatives, by=by)

    @abstractmethod
    def clear(self) -> None:
        """Remove the graph (actors and initiatives; tests). Accounts and the audit trail stay."""


class AccountStore(ABC):
    """Users, their credentials (sessions and API tokens) and proposals. These writes leave
    :meth:`GraphStore.graph_version` alone; users and proposals are audited."""

    @abstractmethod
    def create_user(self, user: User, *, by: str | None = None) -> User:
        """Raises ``Conflict`` (field ``name``) when the name is taken."""

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
    def add_credential(self, credential: Credential) -> None:
        """Raises ``NotFound`` (field ``user``) when the user does not exist."""

    @abstractmethod
    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        """The credential with this digest and its user, or None (unknown or expired)."""

    @abstractmethod
    def list_credentials(self, user: str, kind: str) -> list[Credential]: ...

    @abstractmethod
    def delete_credentials(self, *, digest: str | None = None, user: str | None = None,
                           kind: str | None = None, label: str | None = None) -> int:
        """Delete the credentials matching every given filter (at least one); returns how many."""

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


class AuditLog(ABC):
    """The audit trail. Entries are written by each store's parts inside the transaction of the
    change they describe; this is the reading side."""

    @abstractmethod
    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None,
                   limit: int = 100, offset: int = 0) -> Page:
        """Audit entries, newest first, optionally of one object."""


class BackupStore(ABC):
    """Everything a store holds, out and back in."""

    @abstractmethod
    def dump_all(self) -> StoreDump:
        """The graph, users, credentials (digests), proposals, the audit trail and the graph
        version, read so that they belong together (one moment)."""

    @abstractmethod
    def restore_all(self, dump: StoreDump) -> None:
        """Replace everything the store holds with ``dump``: on any failure nothing changes. Audit
        entries keep their sequence numbers. The graph version becomes the dump's, or one more than
        the store's if that is higher, so it never goes back to a number caches may have seen for
        other data. Writes no audit entry of its own (the restored trail stays exactly the
        backed-up one)."""


class Store(StoreLife, GraphStore, AccountStore, AuditLog, BackupStore, ABC):
    """A place the graph lives: every concern in one object, as services use it. Implemented by
    :class:`graphsvc.storage.composed.ComposedStore` from one part per concern."""
