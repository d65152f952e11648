"""What a hostile viewer, editor or local user could do with the forms, the login and the files, and
why it no longer works (issue 11): no account lockout, HEAD never writes, lengths checked before
work, formulas neutralised in the metrics CSV, disabled users' credentials gone, invisible
characters refused, private files, one animation at a time, guarded workers."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from graphsvc import create_app
from graphsvc.services import accounts, graph as services
from helpers import client_for, example_document

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[1]


def _csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def log_in(app, name: str, password: str = PASSWORD, *, client=None, address: str | None = None):
    """A browser logging in (a new one unless ``client`` is given); ``address`` goes in X-Forwarded-For."""
    client = client or app.test_client()
    headers = {"X-Forwarded-For": address} if address else {}
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login", headers=headers).text).group(1)
    client.last_login = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf},
                                    headers=headers)
    return client


def _app(tmp_path, **config):
    settings = {"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'abuse.db'}", "SECRET_KEY": "test",
                "GRAPHSVC_SECRET_KEY": "test", "TESTING": True, "GRAPHSVC_INSTANCE_DIR": str(tmp_path / "inst")}
    return create_app({**settings, **config})


@pytest.fixture
def people(app):
    store = app.extensions["graphsvc"].store
    for name, role in (("vera", "viewer"), ("eva", "editor"), ("admin", "admin")):
        accounts.add_user(store, name, role, PASSWORD)
    return store


# -- nobody can lock an account out -----------------------------------------------------------------------
def test_failures_from_one_address_never_refuse_the_right_password_from_another(tmp_path):
    app = _app(tmp_path, GRAPHSVC_TRUSTED_PROXIES=1)
    accounts.add_user(app.extensions["graphsvc"].store, "admin", "admin", PASSWORD)
    for _ in range(6):
        attacker = log_in(app, "admin", "wrong password!", address="203.0.113.66")
    assert attacker.last_login.status_code == 429 and int(attacker.last_login.headers["Retry-After"]) > 0
    real = log_in(app, "admin", address="198.51.100.7")
    assert real.last_login.status_code == 302  # logged in, not locked out
    app.extensions["graphsvc"].store.close()


def test_behind_one_address_a_browser_that_logged_in_before_is_not_locked_out(app, people):
    admin_browser = log_in(app, "admin")  # earlier, from the same address as everyone (no proxy setting)
    assert admin_browser.last_login.status_code == 302
    admin_browser.post("/logout", data={"csrf_token": _csrf(admin_browser, "/")})
    for _ in range(6):
        attacker = log_in(app, "admin", "wrong password!")
    assert attacker.last_login.status_code == 429
    again = log_in(app, "admin", client=admin_browser)
    assert again.last_login.status_code == 302


def test_login_counters_are_shared_by_every_process_on_the_host(tmp_path):
    # Two apps on one instance folder stand for two gunicorn workers: a failure counted by one is seen by the other.
    first, second = _app(tmp_path), _app(tmp_path)
    accounts.add_user(first.extensions["graphsvc"].store, "eva", "editor", PASSWORD)
    for number in range(5):
        log_in(first if number % 2 else second, "eva", "wrong password!")
    assert log_in(first, "eva", "wrong password!").last_login.status_code == 429
    assert log_in(second, "eva", "wrong password!").last_login.status_code == 429
    for app in (first, second):
        app.extensions["graphsvc"].store.close()


def test_delays_grow_per_name_and_address_and_each_address_has_a_hard_limit(tmp_path):
    from graphsvc.web.throttle import LoginThrottle

    throttle = LoginThrottle(tmp_path / "t.db", "store", free_attempts=3, address_attempts=10)
    now = 1_000_000.0
    for _ in range(3):
        assert throttle.attempt("eva", "10.0.0.1", now=now).allowed
    refused = throttle.attempt("eva", "10.0.0.1", now=now + 1)
    assert not refused.allowed and refused.reason == "name" and refused.retry_after == 30
    assert throttle.attempt("eva", "10.0.0.1", now=now + 31).allowed  # the 4th failure…
    assert throttle.attempt("eva", "10.0.0.1", now=now + 62).retry_after == 30  # …doubles the wait to 60 s
    assert throttle.attempt("eva", "10.0.0.2", now=now + 62).allowed  # another address is not delayed
    device = throttle.attempt("eva", "10.0.0.1", "nonce-of-evas-browser", now=now + 62)
    assert device.allowed  # a browser eva logged in with before is not delayed
    throttle.succeeded(device)
    assert throttle.attempt("eva", "10.0.0.1", now=now + 63).allowed  # the success forgave eva's failures here

    stuffing = LoginThrottle(tmp_path / "t.db", "another store", free_attempts=3, address_attempts=10)
    for number in range(10):  # ten names from one address: its hard limit
        assert stuffing.attempt(f"user{number}", "10.0.0.9", now=now).allowed
    limited = stuffing.attempt("someone", "10.0.0.9", now=now + 1)
    assert not limited.allowed and limited.reason == "address" and limited.retry_after == 900
    assert stuffing.attempt("someone", "10.0.0.9", now=now + 901).allowed  # the window has passed


# -- HEAD never writes ---------------------------------------------------------------------------------------
def test_head_with_a_form_body_writes_nothing_on_any_route(app, people):
    store = people
    services.import_document(store, example_document())
    editor = log_in(app, "eva")
    version, audit = store.graph_version(), store.list_audit(limit=1).total
    proposals = len(store.list_proposals())
    body = {"title": "Via HEAD", "category": "konsert", "started": "2024-01-01", "location": "library",
            "partner-0-actor": "drammen-bibliotek", "partner-0-role": "lead", "partner-1-actor": "rode-kors-drammen",
            "partner-1-role": "co_creator", "initiator": "0", "name": "Via HEAD", "kind": "association",
            "municipality": "Drammen", "ended": "2024-02-01", "survivor": "drammen-bibliotek",
            "merged": "rode-kors-drammen", "decision": "reject", "role": "admin", "action": "save",
            "password": "a new password!", "new_password": "a new password!", "confirm": "a new password!"}
    ids = {"actor_id": "drammen-bibliotek", "initiative_id": "sprakkafe-2021", "proposal_id": "x", "name": "vera",
           "code": "en", "fmt": "gif", "filename": "style.css"}
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods and "PUT" not in rule.methods and "DELETE" not in rule.methods:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{argument}>", ids.get(argument, "x"), url)
        response = editor.open(url, method="HEAD", data=body)
        assert response.status_code in (200, 302, 401, 403, 404, 405, 422), (url, response.status_code)
        checked.append(url)
    assert "/initiatives/new" in checked and "/initiatives/sprakkafe-2021/edit" in checked
    assert store.graph_version() == version and store.list_audit(limit=1).total == audit
    assert len(store.list_proposals()) == proposals and store.get_initiative("sprakkafe-2021").title == "Språkkafé"


# -- lengths before work ----------------------------------------------------------------------------------
def test_a_huge_name_is_refused_without_comparing_it_to_every_similar_name(app, people, monkeypatch):
    from graphsvc.services import editing

    services.import_document(people, example_document())
    compared: list[int] = []

    class Spy(SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            compared.append(max(len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(editing, "SequenceMatcher", Spy)
    viewer = log_in(app, "vera")
    name = "drammen " * 125_000  # a million characters
    response = viewer.post("/partners/new", data={"csrf_token": _csrf(viewer, "/partners/new"), "name": name,
                                                  "kind": "association", "municipality": "Drammen"})
    assert response.status_code == 422 and "300" in response.text
    assert max(compared, default=0) <= 300
    assert people.list_proposals() == []


# -- the metrics CSV is safe to open in a spreadsheet --------------------------------------------------------
def test_the_metrics_csv_neutralises_formulas_and_keeps_numbers(client):
    names = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+41 999", "@SUM(A1)", "-2+3", "Vanlig lag"]
    for number, name in enumerate(names):
        client.post("/api/v1/actors", json={"id": f"a{number}", "name": name, "kind": "association",
                                            "municipality": "Alta"})
    client.post("/api/v1/actors", json={"id": "lib", "name": "Alta bibliotek", "kind": "library",
                                        "sector": "bibliotek", "municipality": "Alta"})
    for number in range(len(names)):
        client.post("/api/v1/initiatives", json={"id": f"i{number}", "title": f"Tiltak {number}",
                                                 "started": "2020-01-01", "initiator": "lib", "location": "library",
                                                 "partners": [{"actor": "lib", "role": "lead"},
                                                              {"actor": f"a{number}", "role": "co_creator"}]})
    import csv

    def table(query: str) -> list[dict]:
        data = client.get(f"/api/v1/metrics/silo.csv?table=actors&permutations=0{query}").data
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    safe = {row["id"]: row for row in table("")}
    assert [safe[f"a{n}"]["name"] for n in range(4)] == ["'" + n for n in names[:4]]
    assert safe["a4"]["name"] == "Vanlig lag"
    assert all(float(row["ei_index"]) <= 1 for row in safe.values() if row["ei_index"])  # numbers stay numbers
    verbatim = {row["id"]: row for row in table("&verbatim=1")}
    assert [verbatim[f"a{n}"]["name"] for n in range(5)] == names


# -- a disabled user's credentials are gone, not paused --------------------------------------------------------
def test_disabling_a_user_deletes_their_tokens_and_sessions(app, people):
    browser = log_in(app, "eva")
    token = accounts.create_token(people, "eva")
    assert browser.get("/partners/new").status_code == 200
    accounts.set_disabled(people, "eva", True)
    accounts.set_disabled(people, "eva", False)
    assert app.test_client().get("/api/v1/actors", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert browser.get("/partners/new").status_code == 302  # the old session is over too
    assert people.list_credentials("eva", "token") == [] and people.list_credentials("eva", "session") == []
    assert log_in(app, "eva").last_login.status_code == 302  # a fresh login works


# -- invisible characters cannot make "the same" name a new actor ---------------------------------------------
@pytest.mark.parametrize("hidden", ["\u200b", "\u2060", "\ufeff", "\U000e0041", "\u00ad"])
def test_an_invisible_format_character_does_not_make_a_new_actor(client, hidden):
    client.post("/api/v1/actors", json={"name": "Alta bibliotek", "kind": "library", "sector": "bibliotek",
                                        "municipality": "Alta"})
    response = client.post("/api/v1/actors", json={"name": f"Alta{hidden} bibliotek", "kind": "library",
                                                   "sector": "bibliotek", "municipality": "Alta"})
    assert response.status_code == 409  # the same actor as the one stored
    assert client.get("/api/v1/actors").json["total"] == 1
    other = client.post("/api/v1/actors", json={"name": f"Nytt{hidden} lag", "kind": "association",
                                                "municipality": "Alta", "tags": [f"fri{hidden}villig"]})
    assert other.status_code == 201 and other.json["name"] == "Nytt lag" and other.json["tags"] == ["frivillig"]


def test_a_joiner_kept_for_emoji_does_not_make_a_new_actor(client):
    first = client.post("/api/v1/actors", json={"name": "Alta bibliotek", "kind": "library", "sector": "bibliotek",
                                                "municipality": "Alta"})
    again = client.post("/api/v1/actors", json={"name": "Alta\u200d bibliotek", "kind": "library",
                                                "sector": "bibliotek", "municipality": "Alta"})
    assert first.status_code == 201 and again.status_code == 409
    assert client.get("/api/v1/actors").json["total"] == 1


# -- the service's files are private ------------------------------------------------------------------------------
def test_the_database_and_the_secret_key_are_readable_only_by_the_service(tmp_path):
    script = (
        "import os, sys\n"
        "os.umask(0o022)\n"  # what a shell usually gives
        "from graphsvc import create_app\n"
        "app = create_app({'TESTING': True})\n"
        "store = app.extensions['graphsvc'].store\n"
        "store.ensure_schema()\n"
        "from graphsvc.services import accounts\n"
        "if not store.list_users():\n"
        "    accounts.add_user(store, 'eva', 'editor', 'correct horse battery')\n"
        "print(app.config['SECRET_KEY'])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRAPHSVC_INSTANCE_DIR": str(tmp_path / "inst")}
    env.pop("GRAPHSVC_SECRET_KEY", None)
    env.pop("GRAPHSVC_STORE_URL", None)
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    instance = tmp_path / "inst"
    for name in ("graphsvc.db", "graphsvc.db-wal", "graphsvc.db-shm", "secret_key"):
        path = instance / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert (instance / "secret_key").read_text() == first.stdout.strip()
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert second.stdout.strip() == first.stdout.strip()  # the same key, read back, not made again


def test_an_existing_database_open_to_others_is_made_private_at_start(tmp_path):
    database = tmp_path / "open.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{database}", "SECRET_KEY": "t", "GRAPHSVC_SECRET_KEY": "t",
                      "TESTING": True})
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    app.extensions["graphsvc"].store.close()


# -- one slow rendering at a time -------------------------------------------------------------------------------
def test_an_animation_is_refused_at_once_while_another_is_being_made(app, people, monkeypatch):
    import threading

    from graphsvc.web import render_media

    services.import_document(people, example_document())
    started, release, calls = threading.Event(), threading.Event(), []

    def slow_frames(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the first rendering takes its time (16 s for freq=month on the demo)
            started.set()
            release.wait(20)
        return []

    monkeypatch.setattr(render_media, "growth_frames", slow_frames)
    monkeypatch.setattr(render_media, "gif", lambda frames: b"GIF89a")
    first, second = client_for(app, "viewer"), client_for(app, "editor")
    answers = {}
    worker = threading.Thread(target=lambda: answers.setdefault("first", first.get("/growth/animation.gif?freq=month")))
    worker.start()
    assert started.wait(20)
    busy = second.get("/growth/animation.gif?freq=quarter")  # another user, another animation, meanwhile
    release.set()
    worker.join(30)
    assert busy.status_code == 503 and busy.headers["Retry-After"] and len(calls) == 1
    assert answers["first"].status_code == 200
    assert second.get("/growth/animation.gif?freq=quarter").status_code == 200 and len(calls) == 2


def test_the_same_user_cannot_run_two_renderings_at_once(app, people):
    from flask import g

    from graphsvc.model.accounts import User
    from graphsvc.web.render_slots import RenderBusy, render_slot

    with app.test_request_context("/growth/animation.gif"):
        g.user = User("vera", "viewer")
        with render_slot("growth-animation"), pytest.raises(RenderBusy, match="already making"), \
                render_slot("growth-animation"):
            pass


# -- the workers guard themselves --------------------------------------------------------------------------------
def test_a_request_running_past_the_timeout_ends_its_worker():
    from graphsvc.web.server import RequestWatchdog

    killed = []
    watchdog = RequestWatchdog(10, kill=lambda: killed.append(True))
    watchdog.begin("GET /growth/animation.gif")
    assert watchdog.overdue() is None
    late = watchdog.overdue(now=10**9)
    assert late is not None and late[1] == "GET /growth/animation.gif"
    watchdog.end()
    assert watchdog.overdue(now=10**9) is None


def test_each_worker_gets_a_memory_ceiling_and_is_recycled():
    script = ("import resource\n"
              "from graphsvc.web.server import worker_hooks\n"
              "worker_hooks(1024, 0)['post_fork'](None, None)\n"
              "print(resource.getrlimit(resource.RLIMIT_AS)[0])\n")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == str(1024 * 1024 * 1024), done.stderr
    from graphsvc.settings import defaults

    settings = defaults()
    assert settings["GRAPHSVC_WORKER_MAX_REQUESTS"] > 0 and settings["GRAPHSVC_REQUEST_TIMEOUT"] > 0
    assert settings["GRAPHSVC_WORKER_MEMORY_MB"] > 0
    operations = (ROOT / "OPERATIONS.md").read_text(encoding="utf-8")
    for name in ("GRAPHSVC_WORKER_MEMORY_MB", "GRAPHSVC_WORKER_MAX_REQUESTS", "GRAPHSVC_REQUEST_TIMEOUT"):
        assert name in operations
