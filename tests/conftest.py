"""Shared fixtures: a store of every kind, an app on a temporary SQLite file, its client and CLI runner."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from graphsvc import create_app
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.storage import open_store

STORE_KINDS = ["sqlite", "neo4j"]


def require_tool(name: str, why: str) -> str:
    """Path of a command the test needs: skip on a user's machine without it, fail in CI (``CI`` set)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed: {why}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must run this test; .ci/run installs it)")
        pytest.skip(message)
    return path


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


def _client_for(app, role: str | None):
    """A test client that sends an API token of a fresh user with ``role`` (None: anonymous)."""
    test_client = app.test_client()
    if role is not None:
        from graphsvc.services import accounts
        from graphsvc.model.accounts import User

        store = app.extensions["graphsvc"].store
        store.create_user(User(f"test-{role}", role))  # no password: this user only has a token
        token = accounts.create_token(store, f"test-{role}", "tests")
        test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        test_client.user_name = f"test-{role}"
    return test_client


@pytest.fixture
def client(app):
    """An authenticated editor (Authorization: Bearer …): may read and write the graph."""
    return _client_for(app, "editor")


@pytest.fixture
def anonymous_client(app):
    return _client_for(app, None)


@pytest.fixture
def viewer_client(app):
    return _client_for(app, "viewer")


@pytest.fixture
def admin_client(app):
    return _client_for(app, "admin")


@pytest.fixture
def client_as(app):
    """A factory: ``client_as("viewer")`` → a client with a token of a new user of that role."""
    return lambda role: _client_for(app, role)


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


# -- small graphs, built like a librarian would describe them -------------------------------
def library(actor_id="drammen-bibliotek", name="Drammen bibliotek", municipality="Drammen", **kw) -> Actor:
    return Actor(actor_id, name, "library", municipality, sector="bibliotek", registered=date(2020, 1, 1), **kw)


def association(actor_id="rode-kors-drammen", name="Røde Kors Drammen", municipality="Drammen", **kw) -> Actor:
    return Actor(actor_id, name, "association", municipality, registered=date(2020, 1, 1), **kw)


def school(actor_id="fjell-skole", name="Fjell skole", municipality="Drammen", **kw) -> Actor:
    return Actor(actor_id, name, "municipal_unit", municipality, sector="skole", registered=date(2020, 1, 1), **kw)


def initiative(initiative_id="sprakkafe-2021", partners=("drammen-bibliotek", "rode-kors-drammen"),
               started=date(2021, 2, 1), ended=None, title="Språkkafé", category="språkkafé", location="library"):
    roles = ["lead"] + ["co_creator"] * (len(partners) - 1)
    return Initiative(initiative_id, title, started, partners[0], location,
                      tuple(Partner(a, r) for a, r in zip(partners, roles)), category=category, ended=ended)


def example_document() -> dict:
    """The example of ../shared/domain.md, verbatim."""
    return {
        "format": "graphsvc/1",
        "actors": [
            {"id": "drammen-bibliotek", "name": "Drammen bibliotek", "kind": "library",
             "sector": "bibliotek", "municipality": "Drammen", "service_model": "hybrid"},
            {"id": "rode-kors-drammen", "name": "Røde Kors Drammen", "kind": "association",
             "municipality": "Drammen"},
        ],
        "initiatives": [
            {"id": "sprakkafe-2021", "title": "Språkkafé", "category": "språkkafé",
             "started": "2021-02-01", "ended": None, "initiator": "drammen-bibliotek",
             "location": "library",
             "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                          {"actor": "rode-kors-drammen", "role": "co_creator"}]},
        ],
    }
