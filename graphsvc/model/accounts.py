"""Accounts, credentials, proposals and the audit trail: the objects behind who may do what.

Stores keep them beside the graph (``Store`` methods) and speak these dataclasses. Passwords
are argon2id hashes; session and API tokens are random strings of which only a SHA-256 digest
is stored, so a copy of the database holds no usable credential.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Roles in increasing power: each may do what the ones before it may.
ROLES = ("viewer", "editor", "admin")
#: Credential kinds: a browser session (per login) or an API token (per client).
CREDENTIAL_KINDS = ("session", "token")
PROPOSAL_KINDS = ("actor", "initiative")
PROPOSAL_STATES = ("pending", "accepted", "rejected")
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
#: Verified against when a user does not exist, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("graphsvc-no-such-user")


def role_at_least(role: str | None, needed: str) -> bool:
    """Does ``role`` include the powers of ``needed``?

    >>> role_at_least("admin", "editor"), role_at_least("viewer", "editor"), role_at_least(None, "viewer")
    (True, False, False)
    """
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def now() -> datetime:
    """The current moment in UTC (seconds are enough for people; microseconds keep order)."""
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; constant work when there is no hash (unknown user)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    """A fresh random credential (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the store keeps of a credential: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_id() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str | None = None
    disabled: bool = False
    created: datetime | None = None

    def can(self, needed: str) -> bool:
        return not self.disabled and role_at_least(self.role, needed)


@dataclass(frozen=True)
class Credential:
    """A session (one per login, deleted at logout) or an API token; ``digest`` is the key."""

    digest: str
    kind: str
    user: str
    label: str = ""
    created: datetime | None = None
    expires: datetime | None = None  # None: until revoked


@dataclass(frozen=True)
class Proposal:
    """A new actor or initiative proposed by a viewer, waiting for an editor."""

    id: str
    kind: str
    data: dict
    proposer: str
    created: datetime
    status: str = "pending"
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    result_id: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One change: who, when, what (action on an object) and the object before and after (JSON-ready)."""

    at: datetime
    user: str | None
    action: str
    object_kind: str
    object_id: str | None
    before: dict | None = None
    after: dict | None = None
    id: str = ""


def user_to_dict(user: User) -> dict:
    """A user as shown to admins and in the audit trail: never the password hash."""
    return {"name": user.name, "role": user.role, "disabled": user.disabled,
            "created": user.created.isoformat() if user.created else None}
