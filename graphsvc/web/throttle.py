"""Login throttling shared by every server process on the host, that never locks an account out.

OWASP's guidance on credential stuffing and online guessing (Authentication and Credential
Stuffing Prevention cheat sheets; "Slow Down Online Guessing Attacks with Device Cookies") asks for
limits that stop guessing without letting an attacker lock a real user out. So:

* **Per name and address, progressive delays.** After ``free`` failed attempts for a user name from
  one address within the window, each further attempt from that address for that name must wait
  ``first_delay`` seconds after the last failure, doubling each time up to ``max_delay`` (429 with
  ``Retry-After``). Someone failing for ``admin`` from one address never delays ``admin`` at another.
* **Per address, a hard limit.** At most ``address_attempts`` failures per address within the
  window (credential stuffing tries many names from one address).
* **Device cookies.** A browser that has logged in as a user carries a signed cookie naming that
  user; its attempts for that user skip both limits above, so a real user keeps logging in even
  behind the attacker's address (one proxy, one NAT). A device that fails ``free`` times loses
  that trust until the window has passed.

Counters live in a small SQLite file in the instance folder, written in ``BEGIN IMMEDIATE``
transactions (WAL), so every worker process sees the same counts: an attempt is checked and
counted in one transaction before the password is verified, and uncounted only when it succeeds.
They never touch the graph store. Keys carry a namespace (the store's URL, hashed), so two apps on
one instance folder (tests) do not share counters.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

WINDOW_S = 15 * 60
FIRST_DELAY_S = 30
MAX_DELAY_S = 15 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_by_key ON attempts (key, at);
"""


@dataclass
class Attempt:
    """One login attempt as the throttle decided it: allowed (and counted) or refused for ``retry_after``."""

    allowed: bool
    retry_after: int = 0
    reason: str = ""  # "name" (progressive delay) | "address" (hard limit)
    rows: list[int] = field(default_factory=list)  # the counted rows, removed when the attempt succeeds
    clear: list[str] = field(default_factory=list)  # keys a success clears


class LoginThrottle:
    """Failed-login counters in ``path`` (SQLite), shared by all processes that open the same file."""

    def __init__(self, path: Path, namespace: str, *, free_attempts: int = 5, address_attempts: int = 30,
                 window: int = WINDOW_S, first_delay: int = FIRST_DELAY_S, max_delay: int = MAX_DELAY_S):
        self.path = Path(path)
        self.namespace = hashlib.sha256(namespace.encode()).hexdigest()[:16]
        self.free_attempts, self.address_attempts = free_attempts, address_attempts
        self.window, self.first_delay, self.max_delay = window, first_delay, max_delay
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=5)
        if not self._ready:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            self._ready = True
        return connection

    def _key(self, *parts: str) -> str:
        return "|".join((self.namespace, *parts))

    def delay_after(self, failures: int) -> int:
        """Seconds a name and address must wait after their last failure, having failed ``failures`` times."""
        if failures < self.free_attempts:
            return 0
        return min(self.first_delay * 2 ** (failures - self.free_attempts), self.max_delay)

    def attempt(self, name: str, address: str | None, device: str | None = None, *, now: float | None = None
                ) -> Attempt:
        """Check the limits for one attempt and, if it may go ahead, count it (as a failure until
        :meth:`succeeded` says otherwise). ``device`` is the nonce of a valid device cookie for ``name``."""
        now = time.time() if now is None else now
        name_key = self._key("name", name.casefold(), "addr", address or "-")
        address_key = self._key("addr", address or "-")
        device_key = self._key("device", device) if device else None
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("DELETE FROM attempts WHERE at < ?", (now - self.window,))

            def recent(key: str) -> tuple[int, float | None, float | None]:
                count, first, last = connection.execute(
                    "SELECT COUNT(*), MIN(at), MAX(at) FROM attempts WHERE key = ?", (key,)).fetchone()
                return count, first, last

            counted: list[str]
            if device_key is not None and recent(device_key)[0] < self.free_attempts:  # a trusted browser
                counted = [device_key]
            else:
                count, first, _ = recent(address_key)
                if count >= self.address_attempts and first is not None:
                    connection.execute("COMMIT")
                    return Attempt(False, max(1, int(first + self.window - now) + 1), "address")
                count, _, last = recent(name_key)
                wait = self.delay_after(count)
                if wait and last is not None and now < last + wait:
                    connection.execute("COMMIT")
                    return Attempt(False, max(1, int(last + wait - now) + 1), "name")
                counted = [name_key, address_key] + ([device_key] if device_key else [])
            rows = [connection.execute("INSERT INTO attempts (key, at) VALUES (?, ?)", (key, now)).lastrowid
                    for key in counted]
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
        return Attempt(True, rows=[r for r in rows if r is not None],
                       clear=[name_key] + ([device_key] if device_key else []))

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: this attempt is not a failure, and the name's (and device's)
        earlier failures from here are forgiven. The address's count stays (an attacker with one
        account of their own must not reset it)."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("DELETE FROM attempts WHERE id = ?", [(r,) for r in attempt.rows])
            connection.executemany("DELETE FROM attempts WHERE key = ?", [(k,) for k in attempt.clear])
            connection.execute("COMMIT")
        finally:
            connection.close()


def new_device_nonce() -> str:
    return secrets.token_urlsafe(16)
