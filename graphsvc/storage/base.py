"""The one storage interface; SQLite (embedded, default) and Neo4j (production) implement it.

Stores speak the domain: they take and return :mod:`graphsvc.domain.model` objects and raise
:mod:`graphsvc.domain.errors`; driver records and sqlite rows never leave a store.
Validation of single objects happens before a store is called (``domain.validation``);
stores still enforce identity and referential integrity, because only they can do it
atomically under concurrent writers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date

from graphsvc.domain.model import Actor, Initiative, Page


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
    def create_actor(self, actor: Actor) -> Actor:
        """Raises ``Conflict`` when the id is taken."""

    @abstractmethod
    def update_actor(self, actor: Actor) -> Actor:
        """Replace the stored actor with the same id. Raises ``NotFound``."""

    @abstractmethod
    def delete_actor(self, actor_id: str, *, cascade: bool = False) -> list[str]:
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
    def create_initiative(self, initiative: Initiative) -> Initiative:
        """Raises ``Conflict`` when the id is taken, ``Invalid`` when a partner is unknown."""

    @abstractmethod
    def update_initiative(self, initiative: Initiative) -> Initiative: ...

    @abstractmethod
    def delete_initiative(self, initiative_id: str) -> None: ...

    # -- whole graph ------------------------------------------------------------
    @abstractmethod
    def snapshot(self) -> tuple[list[Actor], list[Initiative]]:
        """Every actor (by id) and initiative (by id): the input of analytics and export."""

    @abstractmethod
    def import_graph(self, actors: list[Actor], initiatives: list[Initiative]) -> ImportSummary:
        """Upsert by id, all in one transaction: either everything is stored or nothing changes.

        Initiatives may refer to actors in ``actors`` or already stored. Objects equal to the stored
        ones are counted as unchanged and not rewritten, so importing the same data twice is a no-op.
        """

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (tests, restore)."""
