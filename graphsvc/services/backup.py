"""Backups: everything a store holds as one ``graphsvc-backup/1`` JSON document, and back.

The document is store-agnostic (written and read through the ``Store`` interface), so a backup
of the SQLite store restores into Neo4j and the other way round. It holds::

    {"format": "graphsvc-backup/1", "created": "…", "graphsvc": "0.1.0", "graph_version": 42,
     "graph": {…a graphsvc/1 document…},
     "users": [{"name", "role", "password_hash", "disabled", "created"}],
     "credentials": [{"digest", "kind", "user", "label", "created", "expires"}],
     "proposals": [{"id", "kind", "data", "proposer", "created", "status", "decided_by",
                    "decided_at", "note", "result_id"}],
     "audit": [{"seq", "at", "user", "action", "object_kind", "object_id", "before", "after"}]}

Passwords are there only as argon2 hashes and sessions and API tokens only as SHA-256 digests,
so the file holds no usable secret — but it names every user and holds the whole audit trail:
keep it as safe as the database. Every list is sorted, so backing up the same store twice gives
the same document (but for ``created``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphsvc.model import messages as msg
from graphsvc.model.accounts import (
    CREDENTIAL_KINDS,
    PROPOSAL_KINDS,
    PROPOSAL_STATES,
    ROLES,
    AuditEntry,
    Credential,
    Proposal,
    User,
    now,
)
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.serialize import to_document
from graphsvc.model.validation import FORMAT as GRAPH_FORMAT, parse_document
from graphsvc.storage.base import Store, StoreDump

FORMAT = "graphsvc-backup/1"
FIELDS = ("format", "created", "graphsvc", "graph_version", "graph", "users", "credentials", "proposals", "audit")


class NotABackup(Invalid):
    """The input is not a graphsvc backup at all (another format, or not a JSON object): one line says so."""


@dataclass(frozen=True)
class Contents:
    """How much a store, or a backup, holds: for messages and for "is this store empty?"."""

    actors: int
    initiatives: int
    users: int
    credentials: int
    proposals: int
    audit: int

    @property
    def empty(self) -> bool:
        return not (self.actors or self.initiatives or self.users or self.proposals or self.audit)

    def __str__(self) -> str:
        return (f"{self.actors} actors, {self.initiatives} initiatives, {self.users} users, "
                f"{self.credentials} sessions and tokens, {self.proposals} proposals, {self.audit} audit entries")


def contents_of(dump: StoreDump) -> Contents:
    return Contents(len(dump.actors), len(dump.initiatives), len(dump.users), len(dump.credentials),
                    len(dump.proposals), len(dump.audit))


def store_contents(store: Store) -> Contents:
    """What a store holds, counted without reading the graph."""
    users = store.list_users()
    credentials = sum(len(store.list_credentials(u.name, kind)) for u in users for kind in CREDENTIAL_KINDS)
    return Contents(actors=store.list_actors(limit=1).total, initiatives=store.list_initiatives(limit=1).total,
                    users=len(users), credentials=credentials, proposals=len(store.list_proposals()),
                    audit=store.list_audit(limit=1).total)


# -- writing -------------------------------------------------------------------------------------------
def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def to_backup(dump: StoreDump, *, created: datetime | None = None) -> dict:
    """The ``graphsvc-backup/1`` document of a store dump."""
    from graphsvc.version import __version__

    return {
        "format": FORMAT,
        "created": _iso(created or now()),
        "graphsvc": __version__,
        "graph_version": dump.graph_version,
        "graph": to_document(dump.actors, dump.initiatives),
        "users": [{"name": u.name, "role": u.role, "password_hash": u.password_hash, "disabled": u.disabled,
                   "created": _iso(u.created)} for u in sorted(dump.users, key=lambda u: u.name)],
        "credentials": [{"digest": c.digest, "kind": c.kind, "user": c.user, "label": c.label,
                         "created": _iso(c.created), "expires": _iso(c.expires)}
                        for c in sorted(dump.credentials, key=lambda c: (c.user, c.kind, c.digest))],
        "proposals": [{"id": p.id, "kind": p.kind, "data": p.data, "proposer": p.proposer, "created": _iso(p.created),
                       "status": p.status, "decided_by": p.decided_by, "decided_at": _iso(p.decided_at),
                       "note": p.note, "result_id": p.result_id}
                      for p in sorted(dump.proposals, key=lambda p: (_iso(p.created) or "", p.id))],
        "audit": [{"seq": int(e.id), "at": _iso(e.at), "user": e.user, "action": e.action,
                   "object_kind": e.object_kind, "object_id": e.object_id, "before": e.before, "after": e.after}
                  for e in sorted(dump.audit, key=lambda e: int(e.id))],
    }


def backup_document(store: Store) -> dict:
    """Everything ``store`` holds, read in one transaction, as a backup document."""
    return to_backup(store.dump_all())


# -- reading -------------------------------------------------------------------------------------------
class _Reader:
    """Collects every problem of the non-graph parts, with paths like ``users[2].role``."""

    def __init__(self):
        self.problems: list[Problem] = []

    def items(self, doc: Mapping, name: str) -> list[tuple[str, Mapping]]:
        value = doc.get(name, [])
        if not isinstance(value, list):
            self.problems.append(Problem(name, msg.NOT_A_LIST()))
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append((f"{name}[{index}]", item))
            else:
                self.problems.append(Problem(f"{name}[{index}]", msg.NOT_AN_OBJECT()))
        return out

    def text(self, item: Mapping, path: str, key: str, *, required: bool = True, choices=None) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                self.problems.append(Problem(f"{path}.{key}", msg.REQUIRED()))
            return None
        if not isinstance(value, str) or (required and not value):
            wanted = msg.NOT_A_NON_EMPTY_STRING if required else msg.NOT_A_STRING
            self.problems.append(Problem(f"{path}.{key}", wanted()))
            return None
        if choices is not None and value not in choices:
            self.problems.append(Problem(f"{path}.{key}", msg.CHOICE_INVALID(legal=choices, value=value)))
            return None
        return value

    def moment(self, item: Mapping, path: str, key: str, *, required: bool = True) -> datetime | None:
        value = self.text(item, path, key, required=required)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            self.problems.append(Problem(f"{path}.{key}", msg.DATETIME_FORMAT(value=value)))
            return None

    def flag(self, item: Mapping, path: str, key: str) -> bool:
        value = item.get(key, False)
        if not isinstance(value, bool):
            self.problems.append(Problem(f"{path}.{key}", msg.NOT_TRUE_OR_FALSE()))
            return False
        return value

    def whole(self, item: Mapping, path: str, key: str) -> int:
        value = item.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.problems.append(Problem(f"{path}.{key}", msg.NOT_COUNT()))
            return 0
        return value

    def mapping(self, item: Mapping, path: str, key: str, *, required: bool = False) -> dict | None:
        value = item.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, Mapping):
            wanted = msg.NOT_AN_OBJECT if required else msg.NOT_AN_OBJECT_OR_NULL
            self.problems.append(Problem(f"{path}.{key}", wanted()))
            return None
        return dict(value)


def check_format(doc) -> None:
    """Raise :class:`NotABackup` (one problem, one line) unless ``doc`` says it is a graphsvc backup."""
    if not isinstance(doc, Mapping):
        raise NotABackup([Problem("format", msg.NOT_A_BACKUP(expected=FORMAT))])
    found = doc.get("format")
    if found == FORMAT:
        return
    hinted = msg.BACKUP_FORMAT_EXPORT if found == GRAPH_FORMAT else msg.BACKUP_FORMAT  # a graphsvc/1 export
    raise NotABackup([Problem("format", hinted(found=found, expected=FORMAT))])


def parse_backup(doc) -> StoreDump:
    """Check a whole backup document; raise :class:`Invalid` listing every problem (paths such as
    ``graph.initiatives[3].partners[1].actor`` or ``credentials[0].user``)."""
    check_format(doc)
    r = _Reader()
    for key in doc:
        if key not in FIELDS:
            r.problems.append(Problem(str(key), msg.UNKNOWN_FIELD()))
    graph_version = doc.get("graph_version", 0)
    if not isinstance(graph_version, int) or isinstance(graph_version, bool) or graph_version < 0:
        r.problems.append(Problem("graph_version", msg.NOT_COUNT()))
        graph_version = 0

    actors: list[Actor] = []
    initiatives: list[Initiative] = []
    try:
        actors, initiatives = parse_document(doc.get("graph"))
    except Invalid as exc:
        r.problems.extend(Problem(f"graph.{p.path}" if p.path else "graph", p.message) for p in exc.problems)

    users: list[User] = []
    for path, item in r.items(doc, "users"):
        name, role = r.text(item, path, "name"), r.text(item, path, "role", choices=ROLES)
        password_hash = r.text(item, path, "password_hash", required=False)
        disabled, created = r.flag(item, path, "disabled"), r.moment(item, path, "created")
        if name and role:
            users.append(User(name, role, password_hash, disabled, created))
    names = [u.name for u in users]
    for name in sorted({n for n in names if names.count(n) > 1}):
        r.problems.append(Problem("users", msg.BACKUP_USER_REPEATED(name=name)))

    credentials: list[Credential] = []
    known = set(names)
    for path, item in r.items(doc, "credentials"):
        digest, kind = r.text(item, path, "digest"), r.text(item, path, "kind", choices=CREDENTIAL_KINDS)
        user, label = r.text(item, path, "user"), r.text(item, path, "label", required=False) or ""
        created, expires = r.moment(item, path, "created"), r.moment(item, path, "expires", required=False)
        if user and user not in known:
            r.problems.append(Problem(f"{path}.user", msg.BACKUP_UNKNOWN_USER(name=user)))
        elif digest and kind and user:
            credentials.append(Credential(digest, kind, user, label, created, expires))

    proposals: list[Proposal] = []
    for path, item in r.items(doc, "proposals"):
        values: dict[str, Any] = {
                  "id": r.text(item, path, "id"), "kind": r.text(item, path, "kind", choices=PROPOSAL_KINDS),
                  "data": r.mapping(item, path, "data", required=True), "proposer": r.text(item, path, "proposer"),
                  "created": r.moment(item, path, "created"),
                  "status": r.text(item, path, "status", choices=PROPOSAL_STATES),
                  "decided_by": r.text(item, path, "decided_by", required=False),
                  "decided_at": r.moment(item, path, "decided_at", required=False),
                  "note": r.text(item, path, "note", required=False),
                  "result_id": r.text(item, path, "result_id", required=False)}
        if all(values[k] is not None for k in ("id", "kind", "data", "proposer", "created", "status")):
            proposals.append(Proposal(**values))

    audit: list[AuditEntry] = []
    seen_seq: set[int] = set()
    for path, item in r.items(doc, "audit"):
        seq = r.whole(item, path, "seq")
        at, by = r.moment(item, path, "at"), r.text(item, path, "user", required=False)
        action, object_kind = r.text(item, path, "action"), r.text(item, path, "object_kind")
        object_id = r.text(item, path, "object_id", required=False)
        before, after = r.mapping(item, path, "before"), r.mapping(item, path, "after")
        if seq in seen_seq:
            r.problems.append(Problem(f"{path}.seq", msg.BACKUP_SEQ_REPEATED(seq=seq)))
        seen_seq.add(seq)
        if at and action and object_kind:
            audit.append(AuditEntry(at=at, user=by, action=action, object_kind=object_kind, object_id=object_id,
                                    before=before, after=after, id=str(seq)))

    if r.problems:
        raise Invalid(r.problems)
    return StoreDump(graph_version=graph_version, actors=actors, initiatives=initiatives, users=users,
                     credentials=credentials, proposals=proposals, audit=audit)


def restore_document(store: Store, doc) -> Contents:
    """Check ``doc`` whole, then replace everything in ``store`` with it in one transaction."""
    dump = parse_backup(doc)
    store.restore_all(dump)
    return contents_of(dump)
