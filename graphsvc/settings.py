"""The one settings table: defaults, environment variables and help, read by the app, CLI and docs.

Every setting is an environment variable of the same name. ``python -m graphsvc.settings``
prints the table in Markdown for the README.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphsvc.model.vocab import parse_yes_no


def _bool(value: str) -> bool:
    parsed = parse_yes_no(value)
    if parsed is not None:
        return parsed
    raise ValueError(f"expected 1/0, true/false, yes/no or on/off, got {value!r}")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("GRAPHSVC_STORE_URL", None,
            "Where the graph lives: sqlite:///path/to/file.db (default: graphsvc.db in the instance folder) "
            "or neo4j://host:7687, neo4j+s://…, bolt://…"),
    Setting("GRAPHSVC_INSTANCE_DIR", None,
            "Folder for the SQLite file and the generated secret key (default: instance/ in the project)."),
    Setting("NEO4J_USER", "neo4j", "Neo4j user name, when the store URL carries none."),
    Setting("NEO4J_PASSWORD", "", "Neo4j password, when the store URL carries none."),
    Setting("NEO4J_DATABASE", None, "Neo4j database name (default: the server's default database)."),
    Setting("NEO4J_RETRY_SECONDS", 2.0,
            "How long a Neo4j transaction keeps retrying transient failures (deadlock, leader change, "
            "a connection lost) before the request gets 503. The driver's backoff may add about a second.",
            float),
    Setting("NEO4J_CONNECT_TIMEOUT", 3.0,
            "Seconds to wait for a connection to Neo4j; an unreachable server is reported as 503 "
            "instead of hanging requests.", float),
    Setting("GRAPHSVC_SECRET_KEY", None,
            "Key that signs session cookies. Set it in production; without it a random key is made and "
            "kept in the instance folder."),
    Setting("GRAPHSVC_SEED_PATH", None,
            "The demo data `graphsvc seed` loads (a graphsvc/1 JSON file). Default: seed/demo.json."),
    Setting("GRAPHSVC_MAX_UPLOAD_MB", 64, "Largest request body or upload accepted, in MiB (larger gets 413).",
            int),
    Setting("GRAPHSVC_MAX_IMPORT_MB", 20,
            "Largest spreadsheet (CSV, zip, xlsx) `graphsvc import` and the upload page accept, in MiB.", int),
    Setting("GRAPHSVC_WORKERS", 2, "Server worker processes for `graphsvc serve`.", int),
    Setting("GRAPHSVC_THREADS", 4, "Threads per worker process for `graphsvc serve`.", int),
    Setting("GRAPHSVC_WORKER_MEMORY_MB", 2048,
            "Address-space ceiling of each `graphsvc serve` worker, in MiB (RLIMIT_AS): past it a request "
            "fails with 500 instead of the host running out of memory. 0: no ceiling.", int),
    Setting("GRAPHSVC_WORKER_MAX_REQUESTS", 1000,
            "A `graphsvc serve` worker is replaced after this many requests (± 10 %), giving back memory. "
            "0: never.", int),
    Setting("GRAPHSVC_REQUEST_TIMEOUT", 300,
            "Seconds one request may run before its worker is ended and replaced (the largest accepted "
            "upload takes well under a minute). 0: no limit.", float),
    Setting("GRAPHSVC_PUBLIC_READ", False, "1 opens maps, metrics and the read API to everyone.", _bool),
    Setting("GRAPHSVC_SECURE_COOKIES", True,
            "Send the session cookie over HTTPS only (browsers also accept it on http://localhost and "
            "127.0.0.1). Set 0 only to try the app over plain HTTP on another host.", _bool),
    Setting("GRAPHSVC_LOGIN_ATTEMPTS", 5,
            "Failed logins allowed per user name from one client address in 15 minutes; after that each "
            "further attempt from there waits longer (30 s, 1 min, 2 min … up to 15 min; 429). Attempts "
            "from other addresses, and from browsers the user has logged in with before, are not delayed.",
            int),
    Setting("GRAPHSVC_LOGIN_ADDRESS_ATTEMPTS", 30,
            "Failed logins allowed per client address in 15 minutes, whatever the user names (429 after "
            "that); browsers a user has logged in with before are exempt for that user.", int),
    Setting("GRAPHSVC_TRUSTED_PROXIES", 0,
            "How many reverse proxies (TLS terminators, load balancers) stand in front of the app. With 1 or "
            "more, the client address and scheme are taken from X-Forwarded-For/-Proto, so login limits "
            "count real clients, not the proxy. Leave 0 when the app is reached directly.", int),
    Setting("GRAPHSVC_WEB_DIR", None,
            "Folder with templates/ and static/ (default: web/ beside the package); only needed when the "
            "package is installed away from its checkout."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings given in the environment, parsed; a bad value raises ``ValueError`` naming it."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        if setting.name in environ:
            raw = environ[setting.name]
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as exc:
                raise ValueError(f"{setting.name}: {exc}") from None
    return values


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}


def markdown_table() -> str:
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for s in SETTINGS:
        default = "" if s.default is None else f"`{s.default}`"
        rows.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(rows)


if __name__ == "__main__":  # pragma: no cover
    print(markdown_table())
