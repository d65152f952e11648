"""The SQLite store's accounts, credentials, proposals, audit trail and actor merge (schema version 2).

A mixin of :class:`graphsvc.storage.sqlite.SQLiteStore`: it uses that class's ``_write`` (one
``BEGIN IMMEDIATE`` transaction) and ``_read``. Audit rows are written by :func:`audit` inside
the transaction of the change they describe, so a change and its record commit together.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from graphsvc.model import messages as msg
from graphsvc.model.accounts import AuditEntry, Credential, Proposal, User, now, user_to_dict
from graphsvc.model.entities import Actor, Page
from graphsvc.model.errors import Conflict, NotFound
from graphsvc.model.serialize import actor_to_dict

#: Version 2: one actor per (kind, municipality, normalised name); users, credentials, proposals, audit.
ACCOUNTS_MIGRATION = """
CREATE UNIQUE INDEX actors_identity ON actors (kind, municipality_key, name_key);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE credentials (
    digest TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    expires TEXT
);
CREATE INDEX credentials_by_user ON credentials (user_name, kind);
CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    proposer TEXT NOT NULL,
    created TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    note TEXT,
    result_id TEXT
);
CREATE INDEX proposals_by_status ON proposals (status, created);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_name TEXT,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_by_object ON audit (object_kind, object_id, seq);
"""

INSERT_AUDIT = ("INSERT INTO audit (at, user_name, action, object_kind, object_id, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)")


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit(conn: sqlite3.Connection, by: str | None, action: str, object_kind: str, object_id: str | None,
          before: dict | None = None, after: dict | None = None) -> None:
    """Record one change inside the caller's transaction."""
    conn.execute(INSERT_AUDIT, (now().isoformat(), by, action, object_kind, object_id, _json(before), _json(after)))


def identity_conflict(exc: sqlite3.IntegrityError, actor: Actor | None = None,
                      existing: tuple[str, str] | None = None) -> Conflict | None:
    """The Conflict for a breach of the one-actor-per-name rule, or None for other integrity errors;
    ``existing``: the stored actor's (id, name), which the message then names."""
    if "actors.kind" not in str(exc) and "actors_identity" not in str(exc):
        return None
    return Conflict(msg.actor_exists(actor, existing), field="name")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _user(row) -> User:
    return User(name=row["name"], role=row["role"], password_hash=row["password_hash"],
                disabled=bool(row["disabled"]), created=_time(row["created"]))


def _credential(row) -> Credential:
    return Credential(digest=row["digest"], kind=row["kind"], user=row["user_name"], label=row["label"],
                      created=_time(row["created"]), expires=_time(row["expires"]))


def _proposal(row) -> Proposal:
    return Proposal(id=row["id"], kind=row["kind"], data=json.loads(row["data"]), proposer=row["proposer"],
                    created=datetime.fromisoformat(row["created"]), status=row["status"], decided_by=row["decided_by"],
                    decided_at=_time(row["decided_at"]), note=row["note"], result_id=row["result_id"])


def _audit_entry(row) -> AuditEntry:
    return AuditEntry(at=datetime.fromisoformat(row["at"]), user=row["user_name"], action=row["action"],
                      object_kind=row["object_kind"], object_id=row["object_id"],
                      before=json.loads(row["before"]) if row["before"] else None,
                      after=json.loads(row["after"]) if row["after"] else None, id=str(row["seq"]))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class SQLiteAccounts:
    """Mixed into SQLiteStore."""

    # -- merging two actors ------------------------------------------------------------------
    def merge_actors(self, survivor: Actor, merged_id: str, *, by: str | None = None) -> list[str]:
        from graphsvc.storage.sqlite import UPSERT_ACTOR, _actor_from_row, _actor_row

        if survivor.id == merged_id:
            raise Conflict(msg.MERGE_SAME_ACTOR(), field="merged")
        try:
            with self._write() as conn:
                rows = {r["id"]: r for r in conn.execute("SELECT * FROM actors WHERE id IN (?, ?)",
                                                         (survivor.id, merged_id))}
                for actor_id in (survivor.id, merged_id):
                    if actor_id not in rows:
                        raise NotFound(msg.NO_ACTOR(id=actor_id), field="id")
                before_survivor, before_merged = _actor_from_row(rows[survivor.id]), _actor_from_row(rows[merged_id])
                moved = [r[0] for r in conn.execute(
                    "SELECT initiative_id FROM partners WHERE actor_id = ? ORDER BY initiative_id", (merged_id,))]
                # Where both were partners the survivor keeps its own role; elsewhere it takes the merged one's place.
                conn.execute("DELETE FROM partners WHERE actor_id = ? AND initiative_id IN "
                             "(SELECT initiative_id FROM partners WHERE actor_id = ?)", (merged_id, survivor.id))
                conn.execute("UPDATE partners SET actor_id = ? WHERE actor_id = ?", (survivor.id, merged_id))
                conn.execute("UPDATE initiatives SET initiator = ? WHERE initiator = ?", (survivor.id, merged_id))
                conn.execute("DELETE FROM actors WHERE id = ?", (merged_id,))
                conn.execute(UPSERT_ACTOR, _actor_row(survivor))
                audit(conn, by, "merge", "actor", survivor.id,
                      before={"survivor": actor_to_dict(before_survivor), "merged": actor_to_dict(before_merged)},
                      after={"survivor": actor_to_dict(survivor), "initiatives_moved": moved})
                audit(conn, by, "merged_into", "actor", merged_id, before=actor_to_dict(before_merged),
                      after={"survivor": survivor.id, "initiatives_moved": moved})
        except sqlite3.IntegrityError as exc:
            raise identity_conflict(exc, survivor) or Conflict(msg.MERGE_REFUSED(reason=str(exc))) from exc
        return moved

    # -- users ---------------------------------------------------------------------------------
    def create_user(self, user: User, *, by: str | None = None) -> User:
        created = user.created or now()
        try:
            with self._write(bump=False) as conn:
                conn.execute("INSERT INTO users (name, role, password_hash, disabled, created) VALUES (?, ?, ?, ?, ?)",
                             (user.name, user.role, user.password_hash, int(user.disabled), created.isoformat()))
                audit(conn, by, "create", "user", user.name, after=user_to_dict(user))
        except sqlite3.IntegrityError as exc:
            raise Conflict(msg.USER_NAME_TAKEN(name=user.name), field="name") from exc
        return User(user.name, user.role, user.password_hash, user.disabled, created)

    def get_user(self, name: str) -> User:
        rows = self._read("SELECT * FROM users WHERE name = ?", (name,))
        if not rows:
            raise NotFound(msg.NO_USER(name=name), field="name")
        return _user(rows[0])

    def list_users(self) -> list[User]:
        return [_user(r) for r in self._read("SELECT * FROM users ORDER BY name")]

    def update_user(self, user: User, *, by: str | None = None) -> User:
        with self._write(bump=False) as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (user.name,)).fetchone()
            if row is None:
                raise NotFound(msg.NO_USER(name=user.name), field="name")
            conn.execute("UPDATE users SET role = ?, password_hash = ?, disabled = ? WHERE name = ?",
                         (user.role, user.password_hash, int(user.disabled), user.name))
            if user.disabled:
                conn.execute("DELETE FROM credentials WHERE user_name = ? AND kind = 'session'", (user.name,))
            before = _user(row)
            after = User(user.name, user.role, user.password_hash, user.disabled, before.created)
            audit(conn, by, "update", "user", user.name, before=user_to_dict(before), after=user_to_dict(after))
        return after

    def delete_user(self, name: str, *, by: str | None = None) -> None:
        with self._write(bump=False) as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound(msg.NO_USER(name=name), field="name")
            conn.execute("DELETE FROM credentials WHERE user_name = ?", (name,))
            conn.execute("DELETE FROM users WHERE name = ?", (name,))
            audit(conn, by, "delete", "user", name, before=user_to_dict(_user(row)))

    # -- credentials -------------------------------------------------------------------------------
    def add_credential(self, credential: Credential) -> None:
        try:
            with self._write(bump=False) as conn:
                conn.execute("INSERT INTO credentials (digest, kind, user_name, label, created, expires) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             (credential.digest, credential.kind, credential.user, credential.label,
                              (credential.created or now()).isoformat(),
                              credential.expires.isoformat() if credential.expires else None))
        except sqlite3.IntegrityError as exc:
            raise NotFound(msg.NO_USER(name=credential.user), field="user") from exc

    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        rows = self._read("SELECT c.*, u.name, u.role, u.password_hash, u.disabled, u.created AS user_created "
                          "FROM credentials c JOIN users u ON u.name = c.user_name WHERE c.digest = ?", (digest,))
        if not rows:
            return None
        row = rows[0]
        credential = _credential(row)
        if credential.expires is not None and credential.expires <= now():
            return None
        user = User(name=row["name"], role=row["role"], password_hash=row["password_hash"],
                    disabled=bool(row["disabled"]), created=_time(row["user_created"]))
        return credential, user

    def list_credentials(self, user: str, kind: str) -> list[Credential]:
        return [_credential(r) for r in self._read(
            "SELECT * FROM credentials WHERE user_name = ? AND kind = ? ORDER BY created", (user, kind))]

    def delete_credentials(self, *, digest: str | None = None, user: str | None = None,
                           kind: str | None = None, label: str | None = None) -> int:
        where, params = [], []
        for column, value in (("digest", digest), ("user_name", user), ("kind", kind), ("label", label)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if not where:
            raise ValueError("delete_credentials needs at least one filter")
        with self._write(bump=False) as conn:
            return conn.execute(f"DELETE FROM credentials WHERE {' AND '.join(where)}", params).rowcount

    # -- proposals ---------------------------------------------------------------------------------
    def add_proposal(self, proposal: Proposal) -> Proposal:
        with self._write(bump=False) as conn:
            conn.execute("INSERT INTO proposals (id, kind, data, proposer, created, status) VALUES (?, ?, ?, ?, ?, ?)",
                         (proposal.id, proposal.kind, _json(proposal.data), proposal.proposer,
                          proposal.created.isoformat(), proposal.status))
            audit(conn, proposal.proposer, "propose", "proposal", proposal.id,
                  after={"kind": proposal.kind, "data": proposal.data})
        return proposal

    def get_proposal(self, proposal_id: str) -> Proposal:
        rows = self._read("SELECT * FROM proposals WHERE id = ?", (proposal_id,))
        if not rows:
            raise NotFound(msg.NO_PROPOSAL(id=proposal_id), field="id")
        return _proposal(rows[0])

    def list_proposals(self, *, status: str | None = None, proposer: str | None = None) -> list[Proposal]:
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if proposer:
            where.append("proposer = ?")
            params.append(proposer)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return [_proposal(r) for r in self._read(f"SELECT * FROM proposals {clause} ORDER BY created DESC, id",
                                                 params)]

    def decide_proposal(self, proposal: Proposal, *, expected_status: str = "pending") -> Proposal:
        with self._write(bump=False) as conn:
            changed = conn.execute(
                "UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, note = ?, result_id = ? "
                "WHERE id = ? AND status = ?",
                (proposal.status, proposal.decided_by, proposal.decided_at.isoformat() if proposal.decided_at else None,
                 proposal.note, proposal.result_id, proposal.id, expected_status)).rowcount
            if not changed:
                if conn.execute("SELECT 1 FROM proposals WHERE id = ?", (proposal.id,)).fetchone() is None:
                    raise NotFound(msg.NO_PROPOSAL(id=proposal.id), field="id")
                raise Conflict(msg.PROPOSAL_NOT_PENDING(id=proposal.id, status=expected_status), field="status")
            audit(conn, proposal.decided_by, proposal.status, "proposal", proposal.id,
                  after={"status": proposal.status, "note": proposal.note, "result_id": proposal.result_id})
        return proposal

    # -- audit ---------------------------------------------------------------------------------------
    def list_audit(self, *, object_kind: str | None = None, object_id: str | None = None,
                   limit: int = 100, offset: int = 0) -> Page:
        where, params = [], []
        if object_kind:
            where.append("object_kind = ?")
            params.append(object_kind)
        if object_id:
            where.append("object_id = ?")
            params.append(object_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = self._read(f"SELECT count(*) FROM audit {clause}", params)[0][0]
        rows = self._read(f"SELECT * FROM audit {clause} ORDER BY seq DESC LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page([_audit_entry(r) for r in rows], total, limit, offset)

    # -- backup and restore (called by SQLiteStore.dump_all / restore_all inside their transaction) ----
    @staticmethod
    def _dump_accounts(conn: sqlite3.Connection) -> dict:
        return {
            "users": [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY name")],
            "credentials": [_credential(r) for r in conn.execute(
                "SELECT * FROM credentials ORDER BY user_name, kind, digest")],
            "proposals": [_proposal(r) for r in conn.execute("SELECT * FROM proposals ORDER BY created, id")],
            "audit": [_audit_entry(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")],
        }

    @staticmethod
    def _replace_accounts(conn: sqlite3.Connection, dump) -> None:
        """Delete every user, credential, proposal and audit entry, then write the dump's."""
        for table in ("credentials", "users", "proposals", "audit"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany("INSERT INTO users (name, role, password_hash, disabled, created) VALUES (?, ?, ?, ?, ?)",
                         [(u.name, u.role, u.password_hash, int(u.disabled), _iso(u.created or now()))
                          for u in dump.users])
        conn.executemany("INSERT INTO credentials (digest, kind, user_name, label, created, expires) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [(c.digest, c.kind, c.user, c.label, _iso(c.created or now()), _iso(c.expires))
                          for c in dump.credentials])
        conn.executemany("INSERT INTO proposals (id, kind, data, proposer, created, status, decided_by, decided_at, "
                         "note, result_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [(p.id, p.kind, _json(p.data), p.proposer, _iso(p.created), p.status, p.decided_by,
                           _iso(p.decided_at), p.note, p.result_id) for p in dump.proposals])
        conn.executemany("INSERT INTO audit (seq, at, user_name, action, object_kind, object_id, before, after) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(int(e.id), _iso(e.at), e.user, e.action, e.object_kind, e.object_id, _json(e.before),
                           _json(e.after)) for e in dump.audit])
