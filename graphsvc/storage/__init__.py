"""Storage: one interface (base.Store), chosen by the GRAPHSVC_STORE_URL setting."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from graphsvc.model import messages as msg
from graphsvc.model.errors import ConfigError
from graphsvc.storage.base import ActorFilter, ImportSummary, InitiativeFilter, Store, StoreDump

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def open_store(url: str, *, neo4j_user: str | None = None, neo4j_password: str | None = None,
               neo4j_database: str | None = None, neo4j_retry_seconds: float | None = None,
               neo4j_connect_timeout: float | None = None) -> Store:
    """Open the store a URL names: ``sqlite:///path.db`` or a Neo4j URL (``neo4j://host:7687``).

    Credentials for Neo4j come from the URL (``neo4j://user:pass@host``) or the arguments; the
    retry and connection times, when given, replace the Neo4j store's defaults.
    Raises ``ConfigError`` with one clear line for a URL it cannot use.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/file.db is relative to the working directory; sqlite:////abs/file.db is absolute.
        if not url.lower().startswith("sqlite:///") or len(url) == len("sqlite:///"):
            raise ConfigError(msg.STORE_URL_NO_FILE(url=url))
        from graphsvc.storage.sqlite import SQLiteStore

        return SQLiteStore(unquote(url[len("sqlite:///"):]))
    if scheme in NEO4J_SCHEMES:
        from graphsvc.storage.neo4j import Neo4jStore

        user = unquote(parts.username) if parts.username else neo4j_user
        password = unquote(parts.password) if parts.password else neo4j_password
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        database = parts.path.strip("/") or neo4j_database
        timing = {"max_retry_time": neo4j_retry_seconds, "connection_timeout": neo4j_connect_timeout}
        return Neo4jStore(f"{scheme}://{host}{port}", user=user or "neo4j", password=password or "",
                          database=database or None, **{k: v for k, v in timing.items() if v is not None})
    raise ConfigError(msg.STORE_URL_UNKNOWN(url=url))


__all__ = ["open_store", "Store", "StoreDump", "ActorFilter", "InitiativeFilter", "ImportSummary"]
