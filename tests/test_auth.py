"""Who may do what: every route checked for its role, logins that end when they should, tokens, CSRF."""

from __future__ import annotations

import re

import pytest

from graphsvc.services import accounts
from graphsvc.web.auth import required_level
from helpers import PASSWORD, example_document, login

#: The level each route needs, when it is not the default (GET: "read", other methods: "editor").
#: A new route that should differ from the default must be added here — the test then checks it.
EXPECTED = {
    "static": "public", "health.healthz": "public", "health.readyz": "public",
    "auth.login": "public", "auth.logout": "public", "auth.language": "public",
    "forms.new_partner": "viewer", "forms.initiative_new": "viewer", "forms.similar_actors": "viewer",
    "forms.actor_search": "viewer", "forms.actor_history": "viewer", "forms.proposals": "viewer",
    "forms.proposal": "viewer", "admin.account": "viewer", "forms.new_partner_json": "viewer",
    "forms.panel_prefill": "viewer",
    "forms.session_state": "public",  # tells a form whether its session is still valid (your own name only)
    "forms.initiative_edit": "editor", "forms.audit_log": "editor",
    "forms.initiative_list": "viewer", "forms.partner_edit": "editor",
    "forms.merge": "admin", "admin.users": "admin",
}


def csrf_of(client, url="/partners/new"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


@pytest.fixture
def people(app):
    store = app.extensions["graphsvc"].store
    for name, role in (("vera", "viewer"), ("eva", "editor"), ("ada", "admin")):
        accounts.add_user(store, name, role, PASSWORD)
    return store


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = rule.rule
            for argument in rule.arguments:
                url = re.sub(rf"<(?:\w+:)?{argument}>", "x" if argument != "filename" else "style.css", url)
            yield rule.endpoint, method, url


def test_every_route_requires_the_expected_role(app, anonymous_client, client_as):
    """Anonymous: 401 (API) or a redirect to login (pages); a role too low: 403; enough: neither."""
    clients = {None: anonymous_client, "viewer": client_as("viewer"), "editor": client_as("editor"),
               "admin": client_as("admin")}
    assert clients["editor"].post("/api/v1/import", json=example_document()).status_code == 200
    checked = 0
    for endpoint, method, url in routes(app):
        expected = EXPECTED.get(endpoint, "read" if method == "GET" else "editor")
        assert required_level(app, endpoint, method) == expected, f"{method} {url} ({endpoint})"
        needed = {"public": None, "read": "viewer"}.get(expected, expected)
        if endpoint == "auth.login" and method == "POST":
            continue  # answers 401 for the wrong (here: missing) password, whoever asks
        for role, test_client in clients.items():
            try:
                response = test_client.open(url, method=method, headers={"Accept": "application/json"})
                status = response.status_code
                response.close()  # static files are streamed from open files
            except Exception:  # the view ran and failed on the dummy input: the gate let it through
                status = 500
            allowed = needed is None or (role is not None and
                                         ("viewer", "editor", "admin").index(role) >= ("viewer", "editor",
                                                                                       "admin").index(needed))
            if allowed:
                assert status not in (401, 403), f"{role} {method} {url}: {status}"
            elif role is None:
                assert status in (401, 302), f"anonymous {method} {url}: {status}"
            else:
                assert status == 403, f"{role} {method} {url}: {status}"
            checked += 1
    assert checked > 50


def test_anonymous_api_calls_get_401_and_viewers_403_on_writes(anonymous_client, viewer_client, client):
    assert client.post("/api/v1/import", json=example_document()).status_code == 200
    for c, status in ((anonymous_client, 401), (viewer_client, 403)):
        response = c.post("/api/v1/actors", json={"name": "X", "kind": "association", "municipality": "Lier"})
        assert response.status_code == status and response.json["status"] == status
        assert c.delete("/api/v1/initiatives/sprakkafe-2021").status_code == status
    unauthenticated = anonymous_client.get("/api/v1/actors")
    assert unauthenticated.status_code == 401 and unauthenticated.headers["WWW-Authenticate"].startswith("Bearer")
    assert viewer_client.get("/api/v1/actors").status_code == 200
    assert anonymous_client.get("/healthz").status_code == 200


def test_public_read_opens_reading_but_never_writing(tmp_path):
    from graphsvc import create_app

    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "t", "TESTING": True,
                      "GRAPHSVC_PUBLIC_READ": True})
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/actors").status_code == 200
    assert anonymous.post("/api/v1/actors", json={}).status_code == 401
    assert anonymous.get("/partners/new").status_code == 302


def test_a_wrong_or_revoked_token_is_refused(app, client):
    store = app.extensions["graphsvc"].store
    bad = app.test_client()
    assert bad.get("/api/v1/actors", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/actors").status_code == 200
    accounts.revoke_tokens(store, client.user_name)
    assert client.get("/api/v1/actors").status_code == 401


def test_a_session_cookie_copied_before_logout_does_not_work_after_it(app, people):
    browser = login(app, "eva")
    assert browser.last_login.status_code == 302
    assert browser.get("/partners/new").status_code == 200
    cookie = browser.get_cookie("graphsvc_session").value
    browser.post("/logout", data={"csrf_token": csrf_of(browser)})
    thief = app.test_client()
    thief.set_cookie("graphsvc_session", cookie)
    response = thief.get("/partners/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_disabled_users_sessions_and_tokens_stop_at_once(app, people):
    browser = login(app, "eva")
    token = accounts.create_token(people, "eva")
    assert browser.get("/partners/new").status_code == 200
    accounts.set_disabled(people, "eva", True)
    assert browser.get("/partners/new").status_code == 302
    assert app.test_client().get("/api/v1/actors", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert login(app, "eva").last_login.status_code == 401


def test_wrong_passwords_are_refused_and_then_rate_limited(app, people):
    for _ in range(5):
        assert login(app, "eva", "wrong password!").last_login.status_code == 401
    refused = login(app, "eva")  # the right password, but too late
    assert refused.last_login.status_code == 429 and refused.last_login.headers["Retry-After"]


def test_forms_refuse_posts_without_a_csrf_token(app, people):
    browser = login(app, "eva")
    response = browser.post("/partners/new", data={"name": "X", "kind": "association", "municipality": "Lier"})
    assert response.status_code == 400
    # A cookie-authenticated API write needs the token too; a bearer token does not.
    assert browser.post("/api/v1/actors", json={"name": "X", "kind": "association",
                                                 "municipality": "Lier"}).status_code == 400


def test_session_cookie_settings_are_safe(app, people):
    cookies = login(app, "eva").last_login.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("graphsvc_session="))  # (the device cookie is another)
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # a browser-session cookie; the server ends the session after 12 hours


def test_login_does_not_redirect_off_site(app, people):
    client = app.test_client()
    page = client.get("/login?next=https://evil.example/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login?next=https://evil.example/", data={"name": "eva", "password": PASSWORD,
                                                                      "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_viewer_pages_and_admin_pages(app, people):
    viewer = login(app, "vera")
    assert viewer.get("/admin/users").status_code == 403
    admin = login(app, "ada")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "vera" in page.text


def test_the_last_admin_cannot_be_removed_or_demoted(app, people):
    from graphsvc.model.errors import Conflict

    with pytest.raises(Conflict):
        accounts.set_role(people, "ada", "editor")
    with pytest.raises(Conflict):
        accounts.remove_user(people, "ada")


def test_cli_users_and_tokens(cli):
    assert cli("users", "add", "kari", "--role", "editor", input="a long password\n").exit_code == 0
    assert "kari\teditor\tactive" in cli("users", "list").output
    token = cli("tokens", "create", "kari").output.strip().splitlines()[-1]
    assert len(token) >= 40
    assert cli("users", "set-role", "kari", "viewer").exit_code == 0
    assert "1 token(s)" in cli("tokens", "revoke", "kari").output
    made = cli("users", "ensure-admin")
    assert "password:" in made.output
    assert "nothing to do" in cli("users", "ensure-admin").output
    short = cli("users", "add", "per", input="short\n")
    assert short.exit_code == 1 and "at least 10" in short.output
    assert cli("users", "remove", "kari").exit_code == 0
