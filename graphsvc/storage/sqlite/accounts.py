"""The SQLite store's users, credentials and proposals. These writes leave the graph version alone;
users and proposals are audited in the transaction of the change."""

from __future__ import annotations

import sqlite3

from graphsvc.model import messages as msg
from graphsvc.model.accounts import Credential, Proposal, User, now, user_to_dict
from graphsvc.model.errors import NotFound
from graphsvc.storage.base import AccountStore
from graphsvc.storage.rules import proposal_decided, user_name_taken
from graphsvc.storage.sqlite.audit import record
from graphsvc.storage.sqlite.database import SQLiteDatabase
from graphsvc.storage.sqlite.rows import credential_from_row, iso, json_text, moment, proposal_from_row, user_from_row

INSERT_USER = "INSERT INTO users (name, role, password_hash, disabled, created) VALUES (?, ?, ?, ?, ?)"
INSERT_CREDENTIAL = ("INSERT INTO credentials (digest, kind, user_name, label, created, expires) "
                     "VALUES (?, ?, ?, ?, ?, ?)")
INSERT_PROPOSAL = ("INSERT INTO proposals (id, kind, data, proposer, created, status, decided_by, decided_at, "
                   "note, result_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def read_accounts(conn: sqlite3.Connection) -> dict:
    """Users, credentials and proposals, inside the caller's (read) transaction: part of a dump."""
    return {
        "users": [user_from_row(r) for r in conn.execute("SELECT * FROM users ORDER BY name")],
        "credentials": [credential_from_row(r) for r in conn.execute(
            "SELECT * FROM credentials ORDER BY user_name, kind, digest")],
        "proposals": [proposal_from_row(r) for r in conn.execute("SELECT * FROM proposals ORDER BY created, id")],
    }


def replace_accounts(conn: sqlite3.Connection, users: list[User], credentials: list[Credential],
                     proposals: list[Proposal]) -> None:
    """Delete every user, credential and proposal, then write these (a restore's transaction)."""
    for table in ("credentials", "users", "proposals"):
        conn.execute(f"DELETE FROM {table}")
    conn.executemany(INSERT_USER, [(u.name, u.role, u.password_hash, int(u.disabled), iso(u.created or now()))
                                   for u in users])
    conn.executemany(INSERT_CREDENTIAL, [(c.digest, c.kind, c.user, c.label, iso(c.created or now()), iso(c.expires))
                                         for c in credentials])
    conn.executemany(INSERT_PROPOSAL, [(p.id, p.kind, json_text(p.data), p.proposer, iso(p.created), p.status,
                                        p.decided_by, iso(p.decided_at), p.note, p.result_id) for p in proposals])


class SQLiteAccounts(AccountStore):
    def __init__(self, db: SQLiteDatabase):
        self.db = db

    # -- users ---------------------------------------------------------------------------------
    def create_user(self, user: User, *, by: str | None = None) -> User:
        created = user.created or now()
        try:
            with self.db.write(bump=False) as conn:
                conn.execute(INSERT_USER, (user.name, user.role, user.password_hash, int(user.disabled),
                                           created.isoformat()))
                record(conn, by, "create", "user", user.name, after=user_to_dict(user))
        except sqlite3.IntegrityError as exc:
            raise user_name_taken(user.name) from exc
        return User(user.name, user.role, user.password_hash, user.disabled, created)

    def get_user(self, name: str) -> User:
        rows = self.db.read("SELECT * FROM users WHERE name = ?", (name,))
        if not rows:
            raise NotFound(msg.NO_USER(name=name), field="name")
        return user_from_row(rows[0])

    def list_users(self) -> list[User]:
        return [user_from_row(r) for r in self.db.read("SELECT * FROM users ORDER BY name")]

    def update_user(self, user: User, *, by: str | None = None) -> User:
        with self.db.write(bump=False) as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (user.name,)).fetchone()
            if row is None:
                raise NotFound(msg.NO_USER(name=user.name), field="name")
            conn.execute("UPDATE users SET role = ?, password_hash = ?, disabled = ? WHERE name = ?",
                         (user.role, user.password_hash, int(user.disabled), user.name))
            if user.disabled:
                conn.execute("DELETE FROM credentials WHERE user_name = ? AND kind = 'session'", (user.name,))
            before = user_from_row(row)
            after = User(user.name, user.role, user.password_hash, user.disabled, before.created)
            record(conn, by, "update", "user", user.name, before=user_to_dict(before), after=user_to_dict(after))
        return after

    def delete_user(self, name: str, *, by: str | None = None) -> None:
        with self.db.write(bump=False) as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFound(msg.NO_USER(name=name), field="name")
            conn.execute("DELETE FROM credentials WHERE user_name = ?", (name,))
            conn.execute("DELETE FROM users WHERE name = ?", (name,))
            record(conn, by, "delete", "user", name, before=user_to_dict(user_from_row(row)))

    # -- credentials -------------------------------------------------------------------------------
    def add_credential(self, credential: Credential) -> None:
        try:
            with self.db.write(bump=False) as conn:
                conn.execute(INSERT_CREDENTIAL, (credential.digest, credential.kind, credential.user, credential.label,
                                                 iso(credential.created or now()), iso(credential.expires)))
        except sqlite3.IntegrityError as exc:
            raise NotFound(msg.NO_USER(name=credential.user), field="user") from exc

    def find_credential(self, digest: str) -> tuple[Credential, User] | None:
        rows = self.db.read("SELECT c.*, u.name, u.role, u.password_hash, u.disabled, u.created AS user_created "
                            "FROM credentials c JOIN users u ON u.name = c.user_name WHERE c.digest = ?", (digest,))
        if not rows:
            return None
        row = rows[0]
        credential = credential_from_row(row)
        if credential.expires is not None and credential.expires <= now():
            return None
        user = User(name=row["name"], role=row["role"], password_hash=row["password_hash"],
                    disabled=bool(row["disabled"]), created=moment(row["user_created"]))
        return credential, user

    def list_credentials(self, user: str, kind: str) -> list[Credential]:
        return [credential_from_row(r) for r in self.db.read(
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
        with self.db.write(bump=False) as conn:
            return conn.execute(f"DELETE FROM credentials WHERE {' AND '.join(where)}", params).rowcount

    # -- proposals ---------------------------------------------------------------------------------
    def add_proposal(self, proposal: Proposal) -> Proposal:
        with self.db.write(bump=False) as conn:
            conn.execute("INSERT INTO proposals (id, kind, data, proposer, created, status) VALUES (?, ?, ?, ?, ?, ?)",
                         (proposal.id, proposal.kind, json_text(proposal.data), proposal.proposer,
                          proposal.created.isoformat(), proposal.status))
            record(conn, proposal.proposer, "propose", "proposal", proposal.id,
                   after={"kind": proposal.kind, "data": proposal.data})
        return proposal

    def get_proposal(self, proposal_id: str) -> Proposal:
        rows = self.db.read("SELECT * FROM proposals WHERE id = ?", (proposal_id,))
        if not rows:
            raise NotFound(msg.NO_PROPOSAL(id=proposal_id), field="id")
        return proposal_from_row(rows[0])

    def list_proposals(self, *, status: str | None = None, proposer: str | None = None) -> list[Proposal]:
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if proposer:
            where.append("proposer = ?")
            params.append(proposer)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.db.read(f"SELECT * FROM proposals {clause} ORDER BY created DESC, id", params)
        return [proposal_from_row(r) for r in rows]

    def decide_proposal(self, proposal: Proposal, *, expected_status: str = "pending") -> Proposal:
        with self.db.write(bump=False) as conn:
            changed = conn.execute(
                "UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, note = ?, result_id = ? "
                "WHERE id = ? AND status = ?",
                (proposal.status, proposal.decided_by, iso(proposal.decided_at), proposal.note, proposal.result_id,
                 proposal.id, expected_status)).rowcount
            if not changed:
                if conn.execute("SELECT 1 FROM proposals WHERE id = ?", (proposal.id,)).fetchone() is None:
                    raise NotFound(msg.NO_PROPOSAL(id=proposal.id), field="id")
                raise proposal_decided(proposal.id, expected_status)
            record(conn, proposal.decided_by, proposal.status, "proposal", proposal.id,
                   after={"status": proposal.status, "note": proposal.note, "result_id": proposal.result_id})
        return proposal
