"""What the tests share: small graphs built like a librarian would describe them, logins, forms, tools.

Fixtures live in conftest.py; plain helpers live here, so no test module imports another.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from graphsvc.model.accounts import User
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.services import accounts

PASSWORD = "correct horse battery"
DEMO = Path(__file__).resolve().parent.parent / "seed" / "demo.json"


def require_tool(name: str, why: str) -> str:
    """Path of a command the test needs: skip on a user's machine without it, fail in CI (``CI`` set)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed: {why}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must run this test; .ci/run installs it)")
        pytest.skip(message)
    return path


def login(app, name, password=PASSWORD):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    client.last_login = response
    return client


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def post_form(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf(client.get(url))})


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


# -- the demo network, and one with an HTML payload in a name -------------------------------
EVIL = "<img src=x onerror=alert(1)>"


def demo_document() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def evil_document() -> dict:
    """A partner whose name is an HTML payload, tied to a library of the demo."""
    doc = demo_document()
    doc["actors"].append({"id": "evil", "name": EVIL, "kind": "association", "municipality": "Alta",
                          "registered": "2016-01-01"})
    doc["initiatives"].append({"id": "evil-kafe", "title": "<script>alert(2)</script>", "category": "språkkafé",
                               "started": "2018-03-01", "ended": None, "initiator": "alta-bibliotek",
                               "location": "library", "partners": [{"actor": "alta-bibliotek", "role": "lead"},
                                                                   {"actor": "evil", "role": "co_creator"}]})
    return doc


def load(app, doc) -> None:
    """Store a document through the services (no HTTP: the test is about reading maps)."""
    from graphsvc.services import graph as svc

    svc.import_document(app.extensions["graphsvc"].store, doc)
    # Reads pass whatever the client's login; the auth suite tests the gate itself.
    app.config["GRAPHSVC_PUBLIC_READ"] = True


def client_for(app, role: str | None):
    """A test client that sends an API token of a fresh user with ``role`` (None: anonymous)."""
    test_client = app.test_client()
    if role is not None:
        store = app.extensions["graphsvc"].store
        store.create_user(User(f"test-{role}", role))  # no password: this user only has a token
        token = accounts.create_token(store, f"test-{role}", "tests")
        test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        test_client.user_name = f"test-{role}"
    return test_client


def small_dump():
    """A whole store in a few rows (two actors, one initiative, a user with a session, one audit entry)."""
    from graphsvc.model.accounts import AuditEntry, Credential, User, now
    from graphsvc.storage.base import StoreDump

    moment = now()
    return StoreDump(
        graph_version=12,
        actors=[Actor("a", "A-lag", "association", "Lier"), Actor("b", "B bibliotek", "library", "Lier")],
        initiatives=[Initiative("i", "Lesesirkel", date(2021, 1, 1), "b", "library",
                                (Partner("b", "lead"), Partner("a", "co_creator")))],
        users=[User("eva", "editor", "$argon2id$x", False, moment)],
        credentials=[Credential("d" * 64, "session", "eva", "", moment, moment)],
        proposals=[], audit=[AuditEntry(moment, "eva", "create", "actor", "a", None, {"id": "a"}, id="41")])
