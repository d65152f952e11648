"""Rules both stores follow, written once: what an import changes, how it is summed up and audited,
the registration date of imported actors, and the conflicts a store reports.

The SQLite and the Neo4j store once coded these separately and drifted (the Neo4j import's audit
entry listed every changed id and no counts). Each store now reads what it needs inside its own
transaction and hands the rows to these functions, so both answer alike; the contract suite
(tests/test_store_contract.py) compares them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Conflict

#: How many ids of changed actors (and of changed initiatives) an import's audit entry names.
AUDIT_IDS = 1000


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: per kind, how many objects were created, updated and left unchanged."""

    actors_created: int = 0
    actors_updated: int = 0
    actors_unchanged: int = 0
    initiatives_created: int = 0
    initiatives_updated: int = 0
    initiatives_unchanged: int = 0

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @property
    def changed(self) -> bool:
        return bool(self.actors_created or self.actors_updated or self.initiatives_created
                    or self.initiatives_updated)


def with_registered(actor: Actor, stored: Actor | None, today: date) -> Actor:
    """An imported actor without ``registered`` keeps the stored actor's date, else gets ``today``.

    The one place this rule lives: importing the same hand-written file on another day must change
    nothing, and a new actor is registered on the day it arrives.

    >>> a = Actor("a", "A-lag", "association", "Lier")
    >>> with_registered(a, None, date(2024, 1, 2)).registered
    datetime.date(2024, 1, 2)
    >>> with_registered(a, Actor("a", "A", "association", "Lier", registered=date(2020, 5, 1)),
    ...                 date(2024, 1, 2)).registered
    datetime.date(2020, 5, 1)
    """
    if actor.registered is not None:
        return actor
    return replace(actor, registered=stored.registered if stored is not None and stored.registered else today)


_COUNTED = {"added": "created", "changed": "updated", "unchanged": "unchanged"}


class ImportTally:
    """The diff of one import, batch by batch: which objects to write and what to report.

    An object equal to the stored one is counted as unchanged and not rewritten, so importing the
    same data twice changes nothing; a new one is created, a different one updated. The tally keeps
    the counts and the first :data:`AUDIT_IDS` changed ids of each kind — the import's summary and
    its one audit entry, the same shape in every store. With ``list_ids`` it also lists every id by
    outcome (``listed["actors"]["added"]`` …): an import's preview.
    """

    def __init__(self, *, list_ids: bool = False) -> None:
        self.counts = dict.fromkeys(("actors_created", "actors_updated", "actors_unchanged",
                                     "initiatives_created", "initiatives_updated", "initiatives_unchanged"), 0)
        self.changed_ids: dict[str, list[str]] = {"actors": [], "initiatives": []}
        self.listed: dict[str, dict[str, list[str]]] | None = (
            {kind: {"added": [], "changed": [], "unchanged": []} for kind in ("actors", "initiatives")}
            if list_ids else None)

    def _count(self, kind: str, items: Sequence, stored: Mapping) -> list:
        changed = []
        for item in items:
            old = stored.get(item.id)
            outcome = "added" if old is None else "unchanged" if old == item else "changed"
            self.counts[f"{kind}_{_COUNTED[outcome]}"] += 1
            if self.listed is not None:
                self.listed[kind][outcome].append(item.id)
            if outcome != "unchanged":
                changed.append(item)
        ids = self.changed_ids[kind]
        ids.extend(item.id for item in changed[:max(0, AUDIT_IDS - len(ids))])
        return changed

    def actors(self, batch: Iterable[Actor], stored: Mapping[str, Actor], *,
               today: date | None = None) -> list[Actor]:
        """The actors of ``batch`` to write (new or different from ``stored``, the stored actors of
        the batch's ids), counted. With ``today``, undated actors first get :func:`with_registered`."""
        items = list(batch) if today is None else [with_registered(a, stored.get(a.id), today) for a in batch]
        return self._count("actors", items, stored)

    def initiatives(self, batch: Iterable[Initiative], stored: Mapping[str, Initiative]) -> list[Initiative]:
        """The initiatives of ``batch`` to write, counted (``stored``: the stored ones of its ids)."""
        return self._count("initiatives", list(batch), stored)

    def merge(self, other: ImportTally) -> None:
        """Add ``other``'s counts and changed ids (a batch tallied in a transaction of its own)."""
        for name, count in other.counts.items():
            self.counts[name] += count
        for kind, ids in other.changed_ids.items():
            mine = self.changed_ids[kind]
            mine.extend(ids[:max(0, AUDIT_IDS - len(mine))])
        if self.listed is not None and other.listed is not None:
            for kind, outcomes in other.listed.items():
                for outcome, listed_ids in outcomes.items():
                    self.listed[kind][outcome].extend(listed_ids)

    def summary(self) -> ImportSummary:
        return ImportSummary(**self.counts)

    @property
    def changed(self) -> bool:
        return self.summary().changed

    def audit_payload(self) -> dict:
        """The ``after`` of the import's audit entry: the counts, and the first :data:`AUDIT_IDS`
        ids of the changed actors and initiatives (an L import stays a few kB, not 7 MB)."""
        c = self.counts
        return {"actors_changed": c["actors_created"] + c["actors_updated"],
                "initiatives_changed": c["initiatives_created"] + c["initiatives_updated"],
                "actors_created": c["actors_created"], "actors_updated": c["actors_updated"],
                "initiatives_created": c["initiatives_created"], "initiatives_updated": c["initiatives_updated"],
                "actors": list(self.changed_ids["actors"]), "initiatives": list(self.changed_ids["initiatives"])}


# -- conflicts, worded once -------------------------------------------------------------------------

def identity_conflict(actor: Actor | None, existing: tuple[str, str] | None = None) -> Conflict:
    """A second actor of one kind, municipality and normalised name; ``existing`` is the stored
    actor's (id, name), which the message then names."""
    return Conflict(msg.actor_exists(actor, existing), field="name")


def import_identity_clash() -> Conflict:
    """Two actors of one identity in an import, or one of it and a stored one (not named)."""
    return Conflict(msg.IMPORT_IDENTITY_CLASH(), field="name")


def actor_id_taken(actor_id: str) -> Conflict:
    return Conflict(msg.ACTOR_ID_TAKEN(id=actor_id), field="id")


def initiative_id_taken(initiative_id: str) -> Conflict:
    return Conflict(msg.INITIATIVE_ID_TAKEN(id=initiative_id), field="id")


def user_name_taken(name: str) -> Conflict:
    return Conflict(msg.USER_NAME_TAKEN(name=name), field="name")


def still_a_partner(actor_id: str, initiative_ids: Sequence[str], shown: int = 5) -> Conflict:
    """Deleting an actor that is a partner in initiatives, without ``cascade``."""
    head = ", ".join(initiative_ids[:shown])
    if len(initiative_ids) > shown:
        head = f"{head}, … ({len(initiative_ids) - shown} more)"
    return Conflict(msg.ACTOR_IN_INITIATIVES(id=actor_id, count=len(initiative_ids), initiatives=head), field="id")


def merge_into_itself() -> Conflict:
    return Conflict(msg.MERGE_SAME_ACTOR(), field="merged")


def proposal_decided(proposal_id: str, expected_status: str) -> Conflict:
    return Conflict(msg.PROPOSAL_NOT_PENDING(id=proposal_id, status=expected_status), field="status")
