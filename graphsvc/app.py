"""The application factory, ``create_app``: settings, the store, the cache and the blueprints.

Nothing connects to a database at import time. Files the service makes are private: the factory
sets a umask of 077 (the SQLite file, its ``-wal``/``-shm``, uploads and backups hold password
hashes or user data), tightens an existing database's mode, and creates the generated secret key
with ``O_CREAT|O_EXCL`` and mode 0600, so it is never readable by others, not even for a moment.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from graphsvc.model import messages as msg
from graphsvc.model.errors import ConfigError, StoreUnavailable
from graphsvc.services.cache import ResultCache
from graphsvc.settings import defaults, from_environ
from graphsvc.storage import Store, open_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _web_dir() -> Path:
    """Templates and static files live in web/ beside the package (or where GRAPHSVC_WEB_DIR says)."""
    return Path(os.environ.get("GRAPHSVC_WEB_DIR", PROJECT_ROOT / "web"))


class AppState:
    """What the app holds for its requests: the store (schema ensured once, lazily) and the cache.

    Until ``ensure_schema`` has succeeded, every new request tries it again, so an app started
    while its database was down recovers by itself when the database returns (no restart). Requests
    that queued behind a failing attempt get that attempt's error at once instead of each waiting
    out its own retries.
    """

    def __init__(self, store: Store):
        self._store = store
        self._ready = False
        self._lock = threading.Lock()
        self._failures = 0  # attempts that failed so far
        self._failure: StoreUnavailable | None = None
        self.cache = ResultCache()

    @property
    def unprepared_store(self) -> Store:
        """The store without ``ensure_schema`` — which, on Neo4j, first completes a bulk job left
        behind: ``graphsvc jobs`` looks at such a job when completing it is what keeps failing."""
        return self._store

    @property
    def store(self) -> Store:
        if self._ready:
            return self._store
        failures_seen = self._failures
        with self._lock:
            if self._ready:
                return self._store
            if self._failures != failures_seen and self._failure is not None:
                # An attempt failed while this request waited for the lock: answer with its error now.
                raise StoreUnavailable(self._failure.message) from self._failure
            try:
                self._store.ensure_schema()
            except StoreUnavailable as exc:
                self._failure = exc
                self._failures += 1
                raise
            self._failure = None
            self._ready = True
        return self._store


def private_umask() -> None:
    """No access for group or others to anything this process creates from now on."""
    current = os.umask(0o077)
    os.umask(current | 0o077)


def _tighten(path: Path) -> None:
    """Remove group and other access from a file of ours (a database made before the umask)."""
    try:
        info = path.stat()
    except OSError:  # missing, or a path the store itself will report on
        return
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(stat.S_IMODE(info.st_mode) & 0o700)


def _secret_key(app: Flask) -> str:
    """A random key kept in the instance folder, so sessions survive restarts without configuration.

    Created with ``O_CREAT|O_EXCL`` and mode 0600: never world-readable, and two processes starting
    at once agree on one key (the second reads what the first wrote).
    """
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _tighten(path)
        for _ in range(50):  # another process may be between creating and writing it
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise ConfigError(msg.SECRET_KEY_FILE_EMPTY(path=str(path))) from None
    key = secrets.token_hex(32)
    with os.fdopen(handle, "w") as out:
        out.write(key)
    return key


PLACEHOLDER_SECRETS = {"change-me", "changeme", "secret", "dev", "development"}


def _refuse_placeholder_secret(value: str | None) -> None:
    """A production secret from the environment must not be the example's placeholder or short."""
    if value is not None and (value.strip().lower() in PLACEHOLDER_SECRETS or len(value.strip()) < 16):
        raise ConfigError(msg.SECRET_KEY_PLACEHOLDER())


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests)."""
    private_umask()
    web = _web_dir()
    instance = os.environ.get("GRAPHSVC_INSTANCE_DIR") or (config or {}).get("GRAPHSVC_INSTANCE_DIR") \
        or PROJECT_ROOT / "instance"
    app = Flask("graphsvc", instance_path=str(Path(instance).resolve()),
                template_folder=str(web / "templates"), static_folder=str(web / "static"))
    app.config.update(defaults())
    try:
        app.config.update(from_environ())
    except ValueError as exc:
        raise ConfigError(msg.SETTING_INVALID(reason=str(exc))) from None
    if config:
        app.config.update(config)
    if not app.config["GRAPHSVC_STORE_URL"]:
        Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
        app.config["GRAPHSVC_STORE_URL"] = f"sqlite:///{Path(app.instance_path) / 'graphsvc.db'}"
    if str(app.config["GRAPHSVC_STORE_URL"]).startswith("sqlite:///"):
        database = Path(unquote(str(app.config["GRAPHSVC_STORE_URL"])[len("sqlite:///"):]))  # as open_store reads it
        for suffix in ("", "-wal", "-shm"):
            _tighten(database.with_name(database.name + suffix))
    _refuse_placeholder_secret(os.environ.get("GRAPHSVC_SECRET_KEY"))
    app.config["SECRET_KEY"] = app.config.get("GRAPHSVC_SECRET_KEY") or app.config.get("SECRET_KEY") or _secret_key(app)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["GRAPHSVC_MAX_UPLOAD_MB"]) * 1024 * 1024
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      JSON_SORT_KEYS=False)
    if isinstance(app.json, DefaultJSONProvider):  # Flask's own; web.middleware wraps it keeping both
        app.json.sort_keys = False
        app.json.ensure_ascii = False

    store = open_store(app.config["GRAPHSVC_STORE_URL"], neo4j_user=app.config["NEO4J_USER"],
                       neo4j_password=app.config["NEO4J_PASSWORD"], neo4j_database=app.config["NEO4J_DATABASE"],
                       neo4j_retry_seconds=app.config.get("NEO4J_RETRY_SECONDS"),
                       neo4j_connect_timeout=app.config.get("NEO4J_CONNECT_TIMEOUT"))
    app.extensions["graphsvc"] = AppState(store)

    from graphsvc.web import register

    register(app)
    from graphsvc.web import compression

    compression.init_app(app)  # JSON, scripts, styles, SVG: zstd/brotli/gzip (web/compression.py)
    proxies = int(app.config.get("GRAPHSVC_TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app

