"""What people do with accounts: add users, log in and out, make and revoke API tokens.

Called alike by the CLI, the login page and the admin pages. A login makes a *session*
credential: a random secret whose digest is stored and which logout deletes, so a session cookie
copied before logout is worthless after it (OWASP ASVS 7.4.1). Disabling a user deletes their
sessions and tokens (and every request looks the user up again, so they stop at once).
"""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

from graphsvc.model import messages as msg
from graphsvc.model.accounts import (
    MIN_PASSWORD,
    ROLES,
    USER_NAME,
    Credential,
    User,
    digest,
    hash_password,
    new_secret,
    now,
    verify_password,
)
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.storage.base import Store

#: A session ends this long after login, whatever the browser keeps.
SESSION_HOURS = 12


def check_name(name: str) -> str:
    if not isinstance(name, str) or not USER_NAME.match(name):
        raise Invalid([Problem("name", msg.USER_NAME_INVALID())])
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Invalid([Problem("role", msg.CHOICE_INVALID(legal=ROLES, value=role))])
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid([Problem("password", msg.PASSWORD_TOO_SHORT(limit=MIN_PASSWORD))])
    return password


def random_password(length: int = 20) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def add_user(store: Store, name: str, role: str, password: str, *, by: str | None = None) -> User:
    user = User(check_name(name), check_role(role), hash_password(check_password(password)))
    return store.create_user(user, by=by)


def set_role(store: Store, name: str, role: str, *, by: str | None = None) -> User:
    user = store.get_user(name)
    check_role(role)
    if user.role == "admin" and role != "admin":
        _keep_an_admin(store, name)
    return store.update_user(User(user.name, role, user.password_hash, user.disabled, user.created), by=by)


def set_disabled(store: Store, name: str, disabled: bool, *, by: str | None = None) -> User:
    """Disable (or enable) a user. Disabling ends their sessions and deletes their API tokens: enabling
    them again later does not bring an old token or a copied session cookie back to life."""
    user = store.get_user(name)
    if disabled and user.role == "admin":
        _keep_an_admin(store, name)
    updated = store.update_user(User(user.name, user.role, user.password_hash, disabled, user.created), by=by)
    if disabled:  # after the flag: from the update on, every credential of theirs is refused anyway
        store.delete_credentials(user=name)
    return updated


def set_password(store: Store, name: str, password: str, *, by: str | None = None) -> User:
    user = store.get_user(name)
    updated = store.update_user(User(user.name, user.role, hash_password(check_password(password)), user.disabled,
                                     user.created), by=by)
    store.delete_credentials(user=name, kind="session")  # a new password logs out everywhere
    return updated


def remove_user(store: Store, name: str, *, by: str | None = None) -> None:
    user = store.get_user(name)
    if user.role == "admin":
        _keep_an_admin(store, name)
    store.delete_user(name, by=by)


def _keep_an_admin(store: Store, leaving: str) -> None:
    others = [u for u in store.list_users() if u.role == "admin" and not u.disabled and u.name != leaving]
    if not others:
        raise Conflict(msg.LAST_ADMIN(), field="role")


def ensure_admin(store: Store) -> tuple[str, str] | None:
    """Create ``admin`` with a random password when no active admin exists; return (name, password) or None."""
    if any(u.role == "admin" and not u.disabled for u in store.list_users()):
        return None
    name = "admin"
    password = random_password()
    try:
        existing = store.get_user(name)
    except NotFound:
        add_user(store, name, "admin", password, by="graphsvc")
    else:
        store.update_user(User(name, "admin", hash_password(password), False, existing.created), by="graphsvc")
    return name, password


# -- logging in and out ------------------------------------------------------------------------------
def login(store: Store, name: str, password: str) -> tuple[str, User] | None:
    """Check a name and password; on success make a session and return (its secret, the user)."""
    try:
        user = store.get_user(name)
    except NotFound:
        verify_password(None, password)  # the same work, so timing does not tell which names exist
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    secret = new_secret()
    moment = now()
    store.add_credential(Credential(digest(secret), "session", user.name, "", moment,
                                    moment + timedelta(hours=SESSION_HOURS)))
    return secret, user


def logout(store: Store, secret: str) -> None:
    store.delete_credentials(digest=digest(secret))


def user_for(store: Store, secret: str | None, kind: str) -> User | None:
    """The active user a session or token secret belongs to, or None."""
    if not secret:
        return None
    found = store.find_credential(digest(secret))
    if found is None:
        return None
    credential, user = found
    if credential.kind != kind or user.disabled:
        return None
    return user


# -- API tokens -------------------------------------------------------------------------------------
def create_token(store: Store, user: str, label: str = "") -> str:
    """A new API token for ``user``; the secret is returned once and only its digest is kept."""
    store.get_user(user)
    secret = new_secret()
    store.add_credential(Credential(digest(secret), "token", user, label or "token", now(), None))
    return secret


def revoke_tokens(store: Store, user: str, label: str | None = None) -> int:
    store.get_user(user)
    return store.delete_credentials(user=user, kind="token", label=label)

