"""Faults: a killed import changes nothing, a store that is down is a clear 503, and the app recovers
by itself when the store returns.

The Neo4j server cannot run here, so "Neo4j down" is a Neo4j store URL pointing at a closed local
port (what the app sees when the server is stopped), and recovery is shown with a store that
fails, then works — the same path a Neo4j server coming back takes, since nothing in the app
remembers a failure. The Neo4j driver itself reconnects on the next transaction.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graphsvc import create_app
from graphsvc.app import AppState
from graphsvc.model import messages as msg
from graphsvc.model.accounts import User
from graphsvc.model.errors import StoreUnavailable
from graphsvc.services import accounts, graph as svc
from graphsvc.storage import open_store

ROOT = Path(__file__).resolve().parent.parent


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _state(store_url: str) -> dict:
    """What a user could see of a store: the export, the graph version and the audit trail's length."""
    store = open_store(store_url)
    try:
        store.ensure_schema()
        return {"export": svc.export_document(store), "graph_version": store.graph_version(),
                "audit": store.list_audit(limit=1).total}
    finally:
        store.close()


# -- a process killed in the middle of an import ------------------------------------------------------

@pytest.mark.slow
def test_an_import_killed_inside_its_transaction_leaves_the_store_as_before(tmp_path):
    db = tmp_path / "store.db"
    wal = Path(f"{db}-wal")
    store_url = f"sqlite:///{db}"
    cli = [sys.executable, "-m", "graphsvc.cli", "--store", store_url]
    env = {**os.environ, "GRAPHSVC_INSTANCE_DIR": str(tmp_path / "instance")}
    seeded = subprocess.run([*cli, "import", str(ROOT / "seed" / "demo.json")], env=env, capture_output=True,
                            text=True, timeout=60)
    assert seeded.returncode == 0, seeded.stderr
    big = tmp_path / "M.json"
    made = subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), "M", str(big)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    before = _state(store_url)
    assert not wal.exists() or wal.stat().st_size == 0  # every connection closed: nothing pending

    # The import validates 25,000 objects first, then writes them in one BEGIN IMMEDIATE transaction.
    # SQLite spills that transaction's pages into the -wal file long before it commits (measured:
    # ~0.35 s of growth, then the commit), so the first bytes in the WAL mean "inside, not committed".
    process = subprocess.Popen([*cli, "import", str(big)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > 0:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        if process.poll() is None and time.monotonic() >= deadline:
            os.kill(process.pid, signal.SIGKILL)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == -signal.SIGKILL, f"the import ended by itself before it could be killed:\n{output}"
    assert "new" not in output  # it never reported success
    assert wal.stat().st_size > 0  # the uncommitted pages are left behind in the WAL

    with sqlite3.connect(db) as conn:  # opening the database rolls the torn transaction back
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert _state(store_url) == before


# -- the store is down: a clear 503, quickly --------------------------------------------------------------

def _app(tmp_path, store_url: str, **config):
    return create_app({"GRAPHSVC_STORE_URL": store_url, "SECRET_KEY": "test", "GRAPHSVC_SECRET_KEY": "test",
                       "TESTING": True, "GRAPHSVC_INSTANCE_DIR": str(tmp_path / "instance"), **config})


def _assert_clear_503(response, *words: str) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers.get("Retry-After")
    body = response.get_json()
    assert body is not None, "the answer is not JSON"
    text = json.dumps(body)
    assert "Traceback" not in text and "s3cret" not in text
    for word in words:
        assert word in body["message"], body


def test_neo4j_down_is_a_503_with_a_clear_message_within_seconds(tmp_path):
    port = _closed_port()
    app = _app(tmp_path, f"neo4j://neo4j:s3cret@127.0.0.1:{port}")  # the app's default retry settings
    responses: dict[str, object] = {}
    took: dict[str, float] = {}

    def call(path: str) -> None:
        started = time.monotonic()
        responses[path] = app.test_client().get(path, headers={"Authorization": "Bearer whatever"})
        took[path] = time.monotonic() - started

    # Concurrent, as a load balancer's probes and users' requests would be: none waits out more than
    # one attempt's retries (those queued behind a failing attempt get its answer at once).
    threads = [threading.Thread(target=call, args=(path,)) for path in ("/healthz", "/readyz", "/api/v1/actors")]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert time.monotonic() - started < 6, took
    for response in responses.values():
        _assert_clear_503(response, "Neo4j", f"127.0.0.1:{port}", "unavailable")
    assert len(responses) == 3
    app.extensions["graphsvc"]._store.close()


def test_the_app_bounds_neo4j_retries_and_connection_waits_from_its_settings(tmp_path, monkeypatch):
    from graphsvc.storage import neo4j as neo4j_store

    made: list[dict] = []
    real_driver = neo4j_store.GraphDatabase.driver
    monkeypatch.setattr(neo4j_store.GraphDatabase, "driver",
                        lambda uri, **options: made.append(options) or real_driver(uri, **options))
    for config, retry, connect in (({}, 2.0, 3.0), ({"NEO4J_RETRY_SECONDS": 0.5, "NEO4J_CONNECT_TIMEOUT": 1}, 0.5, 1)):
        app = _app(tmp_path, "neo4j://localhost:7687", **config)
        app.extensions["graphsvc"]._store.close()
        assert made[-1]["max_transaction_retry_time"] == retry
        assert made[-1]["connection_timeout"] == connect


def test_a_write_that_waits_too_long_for_the_lock_is_a_503_that_does_not_say_locked(tmp_path):
    db = tmp_path / "busy.db"
    store = open_store(f"sqlite:///{db}")
    store.ensure_schema()
    impatient = type(store)(str(db), timeout=0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write (a big import) holds the lock
    try:
        from helpers import library

        with pytest.raises(StoreUnavailable) as caught:
            impatient.create_actor(library())
        assert "busy" in caught.value.message and "locked" not in caught.value.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    impatient.create_actor(library())  # the lock is free again: the same store writes
    assert store.get_actor("drammen-bibliotek").name == "Drammen bibliotek"
    impatient.close()
    store.close()


# -- recovery without a restart ------------------------------------------------------------------------

class FlakyStore:
    """A real store behind a switch: while ``down``, every call fails as an unreachable database does."""

    def __init__(self, store, *, down: bool = True, delay: float = 0.0):
        self._store = store
        self.down = down
        self.delay = delay
        self.schema_attempts = 0

    def ensure_schema(self) -> None:
        self.schema_attempts += 1
        time.sleep(self.delay)
        self._guard()
        self._store.ensure_schema()

    def _guard(self) -> None:
        if self.down:
            raise StoreUnavailable(msg.NEO4J_UNAVAILABLE(uri="test://flaky", reason="connection refused"))

    def __getattr__(self, name):
        attribute = getattr(self._store, name)
        if not callable(attribute):
            return attribute

        def guarded(*args, **kwargs):
            self._guard()
            return attribute(*args, **kwargs)

        return guarded


@pytest.fixture
def flaky_app(tmp_path):
    """An app whose store starts down, and an editor's API token made while it was up."""
    store_url = f"sqlite:///{tmp_path / 'flaky.db'}"
    real = open_store(store_url)
    real.ensure_schema()
    real.create_user(User("eva", "editor"))
    token = accounts.create_token(real, "eva", "tests")
    app = _app(tmp_path, store_url)
    flaky = FlakyStore(real)
    app.extensions["graphsvc"] = AppState(flaky)
    yield app, flaky, {"Authorization": f"Bearer {token}"}
    real.close()


def test_an_app_started_while_its_store_was_down_recovers_when_it_returns(flaky_app):
    app, flaky, auth = flaky_app
    client = app.test_client()
    for _ in range(2):
        _assert_clear_503(client.get("/healthz"), "unavailable")
        _assert_clear_503(client.get("/api/v1/actors", headers=auth), "unavailable")
    assert flaky.schema_attempts == 4  # every request tried again: nothing remembered the failure

    flaky.down = False  # the database is back; no restart
    assert client.get("/healthz").status_code == 200
    created = client.post("/api/v1/actors", headers=auth,
                          json={"name": "Lier bibliotek", "kind": "library", "sector": "bibliotek",
                                "municipality": "Lier"})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert flaky.schema_attempts == 5  # the schema was ensured once it could be, then not again


def test_a_store_that_goes_down_and_returns_while_the_app_runs(flaky_app):
    app, flaky, auth = flaky_app
    client = app.test_client()
    flaky.down = False
    assert client.get("/api/v1/actors", headers=auth).status_code == 200
    flaky.down = True
    _assert_clear_503(client.get("/api/v1/actors", headers=auth), "unavailable")
    _assert_clear_503(client.get("/readyz"), "unavailable")
    flaky.down = False
    assert client.get("/api/v1/actors", headers=auth).status_code == 200
    assert client.get("/readyz").get_json()["status"] == "ok"


def test_requests_queued_behind_a_failing_attempt_do_not_each_wait_it_out(tmp_path):
    real = open_store(f"sqlite:///{tmp_path / 'slow.db'}")
    flaky = FlakyStore(real, delay=0.5)
    services = AppState(flaky)
    errors: list[Exception] = []

    def use() -> None:
        try:
            _ = services.store  # opening the store is the point
        except StoreUnavailable as exc:
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(0.01)  # all arrive while the first attempt is still running
    for thread in threads:
        thread.join(timeout=10)
    assert len(errors) == 6 and time.monotonic() - started < 1.5
    assert flaky.schema_attempts == 1
    flaky.down = False
    assert services.store is flaky and flaky.schema_attempts == 2  # a new request tries again, and succeeds
    real.close()


def test_a_sqlite_file_that_cannot_be_opened_is_503_until_it_can(tmp_path):
    blocker = tmp_path / "volume"
    blocker.write_text("not a folder: the volume is not mounted yet")
    app = _app(tmp_path, f"sqlite:///{blocker / 'graphsvc.db'}")
    client = app.test_client()
    _assert_clear_503(client.get("/healthz"), "cannot open SQLite database")
    _assert_clear_503(client.get("/api/v1/actors"), "cannot open SQLite database")
    blocker.unlink()
    blocker.mkdir()  # the volume appears
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    assert client.get("/api/v1/actors").status_code == 401  # answering again: now it asks who you are
    app.extensions["graphsvc"].store.close()
