"""Shared fixtures: a store of every kind, an app on a temporary SQLite file, its client and CLI runner."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from graphsvc import create_app
from graphsvc.services import accounts
from graphsvc.storage import open_store
from helpers import PASSWORD, client_for, example_document

STORE_KINDS = ["sqlite", "neo4j"]


def pytest_sessionstart(session):
    """Compile the message catalogues that are missing or older than their ``.po``, as ``make translations``
    does (``make test`` runs it first), so ``python -m pytest`` alone works too. The app never compiles them."""
    from babel.messages.frontend import CommandLineInterface

    from graphsvc.web.i18n import catalogue_state

    missing, stale = catalogue_state()
    for po in [*missing, *stale]:
        argv = ["pybabel", "-q", "compile", "-l", po.parts[-3], "-i", str(po), "-o", str(po.with_suffix(".mo"))]
        if CommandLineInterface().run(argv):
            pytest.exit(f"{po} does not compile (see above): fix the catalogue", returncode=1)
@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path):
    """An empty store of each kind; the Neo4j leg runs only where NEO4J_URI is set."""
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / 'contract.db'}")
    else:
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            pytest.skip("NEO4J_URI is not set: no Neo4j server to run the contract suite against")
        s = open_store(uri, neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
                       neo4j_password=os.environ.get("NEO4J_PASSWORD", ""))
    s.ensure_schema()
    s.clear()
    yield s
    s.clear()
    s.close()


@pytest.fixture
def app(tmp_path):
    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'app.db'}", "SECRET_KEY": "test",
                      "GRAPHSVC_SECRET_KEY": "test", "TESTING": True, "GRAPHSVC_INSTANCE_DIR": str(tmp_path)})
    yield app
    app.extensions["graphsvc"].store.close()


@pytest.fixture
def client(app):
    """An authenticated editor (Authorization: Bearer …): may read and write the graph."""
    return client_for(app, "editor")


@pytest.fixture
def anonymous_client(app):
    return client_for(app, None)


@pytest.fixture
def viewer_client(app):
    return client_for(app, "viewer")


@pytest.fixture
def admin_client(app):
    return client_for(app, "admin")


@pytest.fixture
def client_as(app):
    """A factory: ``client_as("viewer")`` → a client with a token of a new user of that role."""
    return lambda role: client_for(app, role)


@pytest.fixture
def store_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def cli(store_url):
    """Run ``graphsvc --store <tmp> ARGS`` and return click's result."""
    from graphsvc.cli import main

    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, ["--store", store_url, *map(str, args)], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def librarian_store(app, client):
    """The example graph of domain.md and three users with a password: vera (viewer), eva (editor), ada (admin)."""
    assert client.post("/api/v1/import", json=example_document()).status_code == 200
    store = app.extensions["graphsvc"].store
    for name, role in (("vera", "viewer"), ("eva", "editor"), ("ada", "admin")):
        accounts.add_user(store, name, role, PASSWORD)
    return store
