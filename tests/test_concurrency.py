"""Many librarians at once: concurrent API writes and form posts against the real server (several
worker processes) lose nothing, duplicate nothing and never show "database is locked".

The server is `graphsvc serve --workers 3` (gunicorn, gthread) started as a subprocess on
127.0.0.1, like a deployment; the editor's API token is made with the CLI, form users log in
through /login with its CSRF token. Every request has a timeout. The same test runs against
Neo4j when NEO4J_URI is set (the server is then started with that store URL).
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from graphsvc.storage import open_store
from servers import free_port, stop_process_group

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20  # seconds, for every request
PASSWORD = "et langt nok passord"
API_ACTORS, API_INITIATIVES, FORM_PARTNERS, SAME_VIA_API, SAME_VIA_FORM = 30, 20, 25, 10, 10
FORM_SESSIONS = 4


@dataclass
class Answer:
    status: int
    text: str
    headers: http.client.HTTPMessage | None = None


class Client:
    """One HTTP client with its own cookies (set by hand, so a Secure session cookie is kept over
    plain http to 127.0.0.1 as browsers do for localhost)."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.token = token
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, *, json_body=None, form=None) -> Answer:
        import json

        headers = {"Accept": "application/json" if json_body is not None else "text/html"}
        body = None
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            body, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError as exc:  # a refused or timed-out request is a failure the test reports
            return Answer(0, f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return Answer(response.status, text, response.headers)

    def csrf_token(self, path: str) -> str:
        page = self.send("GET", path)
        assert page.status == 200, (path, page.status, page.text[:500])
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def log_in(self, name: str, password: str) -> None:
        done = self.send("POST", "/login", form={"csrf_token": self.csrf_token("/login"), "name": name,
                                                 "password": password})
        assert done.status == 302, (done.status, done.text[:500])


# -- the server ---------------------------------------------------------------------------------------

def _store_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'concurrency.db'}"
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set: no Neo4j server to run the concurrency test against")
    return uri


def _open(store_url: str):
    return open_store(store_url, neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
                      neo4j_password=os.environ.get("NEO4J_PASSWORD", ""))


def _graphsvc(store_url: str, env: dict, *args: str, input: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "graphsvc.cli", "--store", store_url, *args], env=env, input=input,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"graphsvc {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def _wait_until_up(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    client = Client(port)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"graphsvc serve exited with {process.returncode}:\n{log.read_text()}")
        if client.send("GET", "/healthz").status == 200:
            return
        time.sleep(0.2)
    pytest.fail(f"graphsvc serve did not answer within {seconds} s:\n{log.read_text()}")


@pytest.fixture(params=["sqlite", "neo4j"])
def server(request, tmp_path):
    """`graphsvc serve --workers 3` on a free port of 127.0.0.1, and an editor who can use it."""
    store_url = _store_url(request.param, tmp_path)
    store = _open(store_url)
    store.ensure_schema()
    store.clear()
    store.close()
    env = {**os.environ, "GRAPHSVC_INSTANCE_DIR": str(tmp_path / "instance"),
           "GRAPHSVC_SECRET_KEY": "concurrency-test-secret-key-0123",
           "GRAPHSVC_THREADS": "4", "GRAPHSVC_PUBLIC_READ": "0"}
    editor = f"redaktor-{uuid.uuid4().hex[:6]}"
    _graphsvc(store_url, env, "users", "add", editor, "--role", "editor", input=PASSWORD + "\n")
    token = _graphsvc(store_url, env, "tokens", "create", editor).strip().splitlines()[-1]
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "graphsvc.cli", "--store", store_url, "serve",
                                    "--workers", "3", "--host", "127.0.0.1", "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(port, process, log)
        yield {"port": port, "token": token, "editor": editor, "store_url": store_url, "log": log,
               "kind": request.param}
    finally:
        stop_process_group(process)


# -- the test ----------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_concurrent_api_writes_and_form_posts_lose_nothing_and_duplicate_nothing(server):
    started = time.monotonic()
    port, token, run = server["port"], server["token"], uuid.uuid4().hex[:6]
    api = Client(port, token)
    for actor in ({"id": f"base-lib-{run}", "name": f"Basebibliotek {run}", "kind": "library", "sector": "bibliotek",
                   "municipality": "Drammen"},
                  {"id": f"base-lag-{run}", "name": f"Baselaget {run}", "kind": "association",
                   "municipality": "Drammen"}):
        assert api.send("POST", "/api/v1/actors", json_body=actor).status == 201
    store = _open(server["store_url"])
    audit_before = store.list_audit(object_kind="actor", limit=1).total

    browsers = [Client(port) for _ in range(FORM_SESSIONS)]
    for browser in browsers:
        browser.log_in(server["editor"], PASSWORD)
    form_tokens = [browser.csrf_token("/partners/new") for browser in browsers]

    same = {"name": f"Lesesirkelen {run}", "kind": "association", "municipality": "Lier"}
    jobs = []  # (what, name, call)
    for _ in range(API_ACTORS):
        name = f"{uuid.uuid4().hex[:12]} forening"
        jobs.append(("api-actor", name, lambda name=name: api.send(
            "POST", "/api/v1/actors", json_body={"name": name, "kind": "association", "municipality": "Drammen"})))
    for _ in range(API_INITIATIVES):
        title = f"Samarbeid {uuid.uuid4().hex[:12]}"
        jobs.append(("api-initiative", title, lambda title=title: api.send("POST", "/api/v1/initiatives", json_body={
            "title": title, "category": "språkkafé", "started": "2024-03-01", "initiator": f"base-lib-{run}",
            "location": "library", "partners": [{"actor": f"base-lib-{run}", "role": "lead"},
                                                {"actor": f"base-lag-{run}", "role": "co_creator"}]})))
    for n in range(FORM_PARTNERS):
        name = f"{uuid.uuid4().hex[:12]} lag"
        browser, csrf = browsers[n % FORM_SESSIONS], form_tokens[n % FORM_SESSIONS]
        jobs.append(("form-partner", name, lambda name=name, browser=browser, csrf=csrf: browser.send(
            "POST", "/partners/new", form={"csrf_token": csrf, "name": name, "kind": "citizen_group",
                                           "municipality": "Drammen"})))
    for _ in range(SAME_VIA_API):
        jobs.append(("same-api", same["name"], lambda: api.send("POST", "/api/v1/actors", json_body=same)))
    for n in range(SAME_VIA_FORM):
        browser, csrf = browsers[n % FORM_SESSIONS], form_tokens[n % FORM_SESSIONS]
        # confirm_duplicate skips the "similar name" question, so only the store's constraint can refuse it.
        jobs.append(("same-form", same["name"], lambda browser=browser, csrf=csrf: browser.send(
            "POST", "/partners/new", form={"csrf_token": csrf, **same, "confirm_duplicate": "1"})))

    burst = time.monotonic()
    with ThreadPoolExecutor(max_workers=48) as pool:
        answers = list(pool.map(lambda job: job[2](), jobs))
    burst = time.monotonic() - burst

    results = [(what, name, answer) for (what, name, _), answer in zip(jobs, answers)]
    bad = [(what, a.status, a.text[:300]) for what, _, a in results
           if a.status == 0 or a.status >= 500 or "database is locked" in a.text.lower()]
    assert not bad, f"failed or leaked requests: {bad}\nserver log:\n{server['log'].read_text()[-3000:]}"

    acknowledged = {"api-actor": 201, "api-initiative": 201, "form-partner": 302}
    for what, expected in acknowledged.items():
        statuses = [a.status for w, _, a in results if w == what]
        assert statuses == [expected] * len(statuses), (what, statuses,
                                                        [a.text[:200] for w, _, a in results if w == what])
    same_statuses = sorted(a.status for w, _, a in results if w.startswith("same-"))
    winners = [s for s in same_statuses if s in (201, 302)]
    assert len(winners) == 1, same_statuses
    for what, _, answer in results:
        if what == "same-api" and answer.status != 201:
            assert answer.status == 409, answer.text
        if what == "same-form" and answer.status != 302:
            assert answer.status == 422 and "<form" in answer.text  # the form again, with the error

    # Every acknowledged write is stored, once — counted through the API and in the store itself.
    expected_actors = {f"Basebibliotek {run}", f"Baselaget {run}", same["name"]} | {
        name for what, name, _ in results if what in ("api-actor", "form-partner")}
    expected_titles = {name for what, name, _ in results if what == "api-initiative"}
    listed = api.send("GET", "/api/v1/actors?limit=1000")
    assert listed.status == 200
    import json

    body = json.loads(listed.text)
    api_names = [a["name"] for a in body["items"]]
    assert body["total"] == len(expected_actors) == len(api_names)
    assert sorted(api_names) == sorted(expected_actors)
    api_titles = [i["title"] for i in json.loads(api.send("GET", "/api/v1/initiatives?limit=1000").text)["items"]]
    assert sorted(api_titles) == sorted(expected_titles)

    actors, initiatives = store.snapshot()
    assert sorted(a.name for a in actors) == sorted(expected_actors)
    assert sorted(i.title for i in initiatives) == sorted(expected_titles)
    assert len({(a.kind, a.municipality.casefold(), a.name.casefold()) for a in actors}) == len(actors)
    # and each one's creation is in the audit trail, once
    assert store.list_audit(object_kind="actor", limit=1).total - audit_before == len(expected_actors) - 2
    store.close()
    assert time.monotonic() - started < 60, f"took {time.monotonic() - started:.1f} s (burst {burst:.1f} s)"
