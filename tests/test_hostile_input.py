"""Hostile input: script in every text field stays text on every page and in every export, Cypher and SQL
stay data in both stores, oversized and malformed requests get a clear 4xx — never a 500.

Formula injection (cells starting with = + - @), decided: the xlsx export stores every text cell as
text (type "s"), so Excel never evaluates it. The CSV exports stay verbatim: they are data for R,
pandas and re-import, where a leading apostrophe would corrupt the value; SECURITY.md tells people
who open exports in Excel to use the xlsx.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import threading
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from graphsvc import create_app
from graphsvc.model.entities import Actor, Initiative, Partner, normalise_key
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from helpers import require_tool

ROOT = Path(__file__).resolve().parent.parent

#: Payloads that would run if a page wrote them without escaping.
MARKUP = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
]
#: Payloads that are only dangerous in a URL or to a template engine: they must show as written.
INERT_TEXT = ["javascript:alert(1)", "{{7*7}}", "{% print 7*7 %}"]
FORMULAS = ['=HYPERLINK("http://evil.example","klikk")', "+1+1", "-1+1", "@SUM(1,1)"]
CYPHER = ["' OR 1=1 //", '"}) MATCH (n) DETACH DELETE n //', "$x", "`x` RETURN 1 //",
          "'; DROP TABLE actors; --", "\\' OR '1'='1", "{id: 1}) WITH 1 AS x MATCH (n) RETURN n //"]
XSS = MARKUP + INERT_TEXT


def hostile_document(payloads=XSS + FORMULAS) -> dict:
    """A library and one association per payload, every text field of each carrying the payload,
    and one initiative per payload whose title and category carry it too."""
    actors = [{"id": "xss-lib", "name": MARKUP[1], "kind": "library", "sector": MARKUP[0],
               "municipality": MARKUP[2], "tags": [MARKUP[3]], "registered": "2019-01-01"}]
    initiatives = []
    for number, payload in enumerate(payloads):
        actors.append({"id": f"xss-{number}", "name": payload, "kind": "association", "sector": payload,
                       "municipality": payload, "tags": [payload, "ok"], "registered": "2019-06-01"})
        initiatives.append({"id": f"xss-ini-{number}", "title": payload, "category": payload,
                            "started": f"2020-{number % 12 + 1:02d}-01", "ended": None, "initiator": "xss-lib",
                            "location": "library", "partners": [{"actor": "xss-lib", "role": "lead"},
                                                                {"actor": f"xss-{number}", "role": "co_creator"}]})
    return {"format": "graphsvc/1", "actors": actors, "initiatives": initiatives}


@pytest.fixture
def hostile(app, client):
    response = client.post("/api/v1/import", json=hostile_document())
    assert response.status_code == 200, response.get_data(as_text=True)
    return client


_LIVE_TAG = re.compile(r"<script>alert|<(?:img|svg)\b[^<>]*\bon(?:error|load)=", re.I)
_URL_ATTRIBUTE = re.compile(r"""(?:href|src|action|formaction|data)\s*=\s*["']?\s*javascript:""", re.I)


def assert_inert(html: str, where: str) -> None:
    """No payload's markup reaches the page unescaped, and no link points at javascript:."""
    for payload in MARKUP:
        assert payload not in html, f"{where}: {payload!r} is written unescaped"
    assert not _LIVE_TAG.search(html), f"{where}: {_LIVE_TAG.search(html).group()!r}"
    assert not _URL_ATTRIBUTE.search(html), f"{where}: a javascript: URL"


HOSTILE_PAGES = ["/", "/map", "/map?group=none", "/map/table", "/map/table?q=%3Cimg", "/growth", "/metrics",
                 "/history", "/export", "/import", "/partners/new", "/initiatives/new", "/partners/merge",
                 "/proposals", "/actors/xss-lib", "/actors/xss-lib/history", "/initiatives/xss-ini-0",
                 "/initiatives/xss-ini-1/edit",
                 # payloads in the query string and the path are reflected in filters and messages
                 "/map?municipality=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&focus=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
                 "/map/table?sector=%27%3E%3Csvg+onload%3Dalert(1)%3E&q=%3C/textarea%3E%3Cscript%3Ealert(1)%3C/script%3E",
                 "/metrics?library_tag=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&group_by=municipality",
                 "/metrics?at=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
                 "/actors/%3Cimg%20src=x%20onerror=alert(1)%3E",
                 "/forms/similar-actors?name=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
                 "/forms/actor-search?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"]


def test_script_in_every_field_is_inert_on_every_page(hostile):
    pages = HOSTILE_PAGES + [f"/actors/xss-{n}" for n in range(len(XSS))] + \
        [f"/initiatives/xss-ini-{n}" for n in range(len(MARKUP))]
    for url in pages:
        response = hostile.get(url, headers={"Accept": "text/html"})
        assert response.status_code < 500, url
        body = response.get_data(as_text=True)
        if response.mimetype == "application/json":  # suggestions for the forms' scripts: they use textContent
            assert json.loads(body) is not None, url
            continue
        assert response.mimetype == "text/html", url
        assert_inert(body, url)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if response.mimetype == "text/html":
            assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
    # The payloads are shown, as text: escaped markup and template syntax left alone.
    actor_page = hostile.get("/actors/xss-0").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in actor_page
    template = hostile.get(f"/actors/xss-{XSS.index('{{7*7}}')}").get_data(as_text=True)
    assert "{{7*7}}" in template


def test_the_import_preview_and_the_form_errors_show_payloads_as_text(hostile):
    doc = hostile_document()
    doc["actors"].append({"id": "bad", "name": MARKUP[0], "kind": MARKUP[1], "municipality": MARKUP[4]})
    upload = {"file": (io.BytesIO(json.dumps(doc).encode()), "hostile.json")}
    preview = hostile.post("/import", data=upload, headers={"Accept": "text/html"})
    assert preview.status_code in (200, 422)
    assert "hostile.json" in preview.get_data(as_text=True)
    assert_inert(preview.get_data(as_text=True), "import preview")
    form = hostile.post("/partners/new", data={"name": MARKUP[1], "kind": MARKUP[0], "municipality": MARKUP[4],
                                               "sector": MARKUP[2]}, headers={"Accept": "text/html"})
    assert form.status_code == 422
    assert_inert(form.get_data(as_text=True), "partner form with errors")


def _xml_values(data: bytes) -> tuple[set[str], set[str]]:
    root = ElementTree.fromstring(data)
    tags = {element.tag.rsplit("}", 1)[-1].lower() for element in root.iter()}
    values = {element.text or "" for element in root.iter()}
    values |= {value for element in root.iter() for value in element.attrib.values()}
    return tags, values


def test_every_export_keeps_payloads_as_data(hostile):
    names = {payload for payload in XSS + FORMULAS}

    doc = hostile.get("/api/v1/export?format=json")
    assert doc.mimetype == "application/json" and "attachment" in doc.headers["Content-Disposition"]
    assert names <= {a["name"] for a in json.loads(doc.data)["actors"]}

    for fmt in ("graphml", "gexf"):
        tags, values = _xml_values(hostile.get(f"/api/v1/export?format={fmt}").data)
        assert not tags & {"script", "img", "svg"}, fmt  # the payload did not become markup
        assert names <= values, fmt  # … and comes back as the very text stored

    with zipfile.ZipFile(io.BytesIO(hostile.get("/api/v1/export?format=csv").data)) as archive:
        cells = {cell for name in archive.namelist() if name.endswith(".csv")
                 for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))) for cell in row}
    assert names <= cells  # verbatim: the CSV is data for R/pandas (see the module docstring)

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(hostile.get("/api/v1/export?format=xlsx").data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    for formula in FORMULAS:
        stored = [cell for cell in cells if cell.value == formula]
        assert stored and all(cell.data_type == "s" for cell in stored), f"{formula!r} is not stored as text"
    assert not any(cell.data_type == "f" for cell in cells)

    standalone = hostile.get("/map/export.html?group=none")
    assert standalone.status_code == 200 and "attachment" in standalone.headers["Content-Disposition"]
    assert_inert(standalone.get_data(as_text=True), "standalone map")
    svg_tags, _ = _xml_values(hostile.get("/map/export.svg?municipality=Alta").data)
    assert "script" not in svg_tags

    metrics_csv = hostile.get("/api/v1/metrics/silo.csv?table=actors&permutations=0")
    assert metrics_csv.status_code == 200 and metrics_csv.mimetype == "text/csv"


def test_the_api_answers_with_json_that_no_browser_renders(hostile):
    for url in ("/api/v1/actors?limit=100", "/api/v1/map?group=none", "/api/v1/actors/xss-0/profile",
                "/api/v1/network", "/api/v1/metrics/silo?permutations=0&group_by=municipality"):
        response = hostile.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_ids_cannot_carry_markup_or_cypher(client):
    for bad in MARKUP + CYPHER + ["javascript:alert(1)"]:
        response = client.post("/api/v1/actors", json={"id": bad, "name": "x", "kind": "association",
                                                       "municipality": "y"})
        assert response.status_code == 422 and response.json["field"] == "id", bad


# -- Cypher and SQL injection: stored and returned as text ----------------------------------------
def test_cypher_and_sql_payloads_are_stored_as_text(store):
    store.create_actor(Actor("lib", "Biblioteket", "library", "Drammen", sector="bibliotek",
                             registered=date(2020, 1, 1)))
    for number, payload in enumerate(CYPHER):
        actor = Actor(f"c{number}", payload, "association", payload, sector=normalise_key(payload),
                      registered=date(2020, 1, 1), tags=(payload,))
        assert store.create_actor(actor) == actor
        assert store.get_actor(actor.id) == actor
        initiative = Initiative(f"i{number}", payload, date(2021, 1, 1), "lib", "library",
                                (Partner("lib", "lead"), Partner(actor.id, "co_creator")), category=payload)
        store.create_initiative(initiative)
        assert store.get_initiative(initiative.id) == initiative
        found = store.list_actors(ActorFilter(q=payload, municipality=payload, sector=payload)).items
        assert [a.id for a in found] == [actor.id], payload
        assert [i.id for i in store.list_initiatives(InitiativeFilter(category=payload)).items] == [initiative.id]
    actors, initiatives = store.snapshot()
    assert len(actors) == len(CYPHER) + 1 and len(initiatives) == len(CYPHER)  # nothing was deleted or added
    assert store.list_actors(ActorFilter(q="' OR 1=1 //x")).total == 0  # no always-true filter


def test_cypher_payloads_travel_through_the_api_as_text(client):
    for payload in CYPHER:
        created = client.post("/api/v1/actors", json={"name": payload, "kind": "association",
                                                      "municipality": payload, "sector": payload,
                                                      "tags": [payload]})
        assert created.status_code == 201, created.json
        fetched = client.get(created.headers["Location"]).json
        assert (fetched["name"], fetched["municipality"], fetched["tags"]) == (payload, payload, [payload])
        listed = client.get("/api/v1/actors", query_string={"q": payload, "municipality": payload})
        assert listed.status_code == 200 and listed.json["total"] == 1, payload
    assert client.get("/api/v1/actors").json["total"] == len(CYPHER)


NEO4J_MODULES = tuple(f"neo4j/{p.name}" for p in sorted((ROOT / "graphsvc" / "storage" / "neo4j").glob("*.py")))
_CYPHER_WORDS = re.compile(r"\b(MATCH|MERGE|CREATE|RETURN|UNWIND|DELETE|DETACH|WHERE|SET|CALL|WITH)\b")


def _literal_string_parameters(tree: ast.Module) -> set[str]:
    return {arg.arg for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.Lambda))
            for arg in node.args.args + node.args.kwonlyargs
            if isinstance(arg.annotation, ast.Name) and arg.annotation.id == "LiteralString"}


def test_neo4j_stores_never_build_cypher_from_values():
    """Statements are constants of cypher.py (or parameters typed LiteralString) run with $parameters;
    no f-string, %, .format or + ever makes text that reads like Cypher."""
    storage = ROOT / "graphsvc" / "storage"
    for module in NEO4J_MODULES:
        tree = ast.parse((storage / module).read_text(encoding="utf-8"))
        literal_params = _literal_string_parameters(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
                statement = node.args[0]
                from_cypher_py = (isinstance(statement, ast.Attribute) and isinstance(statement.value, ast.Name)
                                  and statement.value.id == "cypher" and statement.attr.isupper())
                typed = isinstance(statement, ast.Name) and statement.id in literal_params
                assert from_cypher_py or typed, f"{module}:{node.lineno}: run() of {ast.unparse(statement)}"
            built = None
            if (isinstance(node, ast.JoinedStr)
                    or isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))
                    or isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format"):
                built = node
            if built is not None:
                text = " ".join(c.value for c in ast.walk(built) if isinstance(c, ast.Constant)
                                and isinstance(c.value, str))
                assert not _CYPHER_WORDS.search(text), f"{module}:{built.lineno}: Cypher built from values"
        # Whoever calls a LiteralString helper passes a cypher.py constant too.
        helpers = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                   and any(isinstance(a.annotation, ast.Name) and a.annotation.id == "LiteralString"
                           for a in node.args.args)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
                for arg in node.args:
                    assert not isinstance(arg, (ast.JoinedStr, ast.BinOp, ast.Constant)), \
                        f"{module}:{node.lineno}: {ast.unparse(arg)}"

    cypher = ast.parse((storage / "neo4j" / "cypher.py").read_text(encoding="utf-8"))
    for node in cypher.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            parts = list(ast.walk(node.value))
            assert not any(isinstance(p, (ast.JoinedStr, ast.Call)) for p in parts), \
                f"cypher.py:{node.lineno}: statements are plain literals"
            assert all(isinstance(p, (ast.Constant, ast.Tuple, ast.Name, ast.Load, ast.BinOp, ast.Add))
                       for p in parts), f"cypher.py:{node.lineno}: {ast.unparse(node.value)[:60]}"


# -- oversized and malformed requests ------------------------------------------------------------------
@pytest.fixture
def small_app(tmp_path):
    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'small.db'}", "SECRET_KEY": "test",
                      "GRAPHSVC_SECRET_KEY": "test", "TESTING": True, "GRAPHSVC_MAX_UPLOAD_MB": 1})
    yield app
    app.extensions["graphsvc"].store.close()


def test_oversized_bodies_and_uploads_get_413(small_app):
    from helpers import client_for

    client = client_for(small_app, "editor")
    big = b"x" * (1024 * 1024 + 1)
    upload = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="aktorer.csv"\r\n\r\n' + big
              + b"\r\n--B--\r\n")  # built by hand: the test client would spool it to a temporary file
    multipart = "multipart/form-data; boundary=B"
    for response in (client.post("/api/v1/actors", data=big, content_type="application/json"),
                     client.post("/api/v1/import", data=upload, content_type=multipart)):
        assert response.status_code == 413 and response.mimetype == "application/json"
        assert "1 MiB" in response.json["message"] and "GRAPHSVC_MAX_UPLOAD_MB" in response.json["message"]
    page = client.post("/import", data=upload, content_type=multipart, headers={"Accept": "text/html"})
    assert page.status_code == 413 and page.mimetype == "text/html"
    assert "1 MiB" in page.get_data(as_text=True)


@pytest.mark.parametrize("field, length", [("name", 301), ("municipality", 121), ("sector", 81),
                                           ("name", 200_000)])
def test_a_very_long_field_gets_422_naming_it(client, field, length):
    actor = {"name": "Lag", "kind": "association", "municipality": "Alta", field: "å" * length}
    response = client.post("/api/v1/actors", json=actor)
    assert response.status_code == 422 and response.json["field"] == field
    long_title = client.post("/api/v1/initiatives", json={"title": "t" * 301, "started": "2020-01-01",
                                                          "initiator": "a", "location": "library",
                                                          "partners": []})
    assert long_title.status_code == 422 and "title" in {p["field"] for p in long_title.json["problems"]}


ACTOR = '"kind": "association", "municipality": "Alta"'
MALFORMED = [
    ("not JSON", b'{"name": ', "application/json", "not valid JSON: Expecting value at line 1 column 10"),
    ("wrong content type", b"name=Lag", "text/plain", "Content-Type: application/json"),
    ("form body", b"name=Lag", "application/x-www-form-urlencoded", "Content-Type: application/json"),
    ("no body", b"", "application/json", "not valid JSON"),
    ("a list", b"[1, 2]", "application/json", "must be an object"),
    ("Latin-1", '{"name": "Bl\xe5", %s}' % ACTOR, "application/json", "not UTF-8"),
    ("nested 5,000 deep", b"[" * 5000 + b"]" * 5000, "application/json", "nested too deeply"),
    ("a 5,000-digit number", ('{"name": %s, %s}' % ("9" * 5000, ACTOR)).encode(), "application/json",
     "4300 digits"),
    ("a number as name", ('{"name": 1e999, %s}' % ACTOR).encode(), "application/json", "must be a string"),
    ("NUL", ('{"name": "La\\u0000g", %s}' % ACTOR).encode(), "application/json", "control characters"),
    ("RTL override", ('{"name": "Lag\\u202egnp.exe", %s}' % ACTOR).encode(), "application/json",
     "text-direction"),
    ("lone surrogate", ('{"name": "Lag\\ud800", %s}' % ACTOR).encode(), "application/json", "surrogate"),
    ("surrogate key", ('{"\\udc00": 1, "name": "Lag", %s}' % ACTOR).encode(), "application/json", "surrogate"),
    ("surrogate tag", ('{"name": "Lag", "tags": ["\\ud83d"], %s}' % ACTOR).encode(), "application/json",
     "surrogate"),
]


@pytest.mark.parametrize("body, content_type, message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_bodies_get_422_with_a_clear_message(client, body, content_type, message):
    body = body.encode("latin-1") if isinstance(body, str) else body
    response = client.post("/api/v1/actors", data=body, content_type=content_type)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)
    assert client.get("/api/v1/actors").json["total"] == 0


def test_emoji_and_every_script_are_welcome(client):
    for name in ("Strikk 🧶 og prat", "Sámi giellaguovddáš", "مكتبة الحي", "👩🏽‍💻 Kodeklubben"):
        created = client.post("/api/v1/actors", json={"name": name, "kind": "association", "municipality": "Alta"})
        assert created.status_code == 201 and created.json["name"] == name


@pytest.mark.parametrize("query", ["limit=99999999999999999999999999", "limit=1e3", "limit=-1", "limit=0",
                                   "offset=1e400", "offset=10000000000", "limit=%00", "limit=%F0%9F%99%82",
                                   "kind=%3Cscript%3E", "started_from=2020-02-30", "active_at=%ED%A0%80"])
def test_bad_query_parameters_get_422(client, query):
    path = "/api/v1/initiatives" if "started" in query or "active" in query else "/api/v1/actors"
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422 and response.json["field"] == query.split("=")[0]


@pytest.mark.parametrize("query", ["q=%00", "q=%ED%A0%80", "q=%E2%80%AE", "municipality=%F0%9F%A7%B6",
                                   "sector=" + "x" * 5000])
def test_odd_text_filters_simply_find_nothing(client, query):
    response = client.get(f"/api/v1/actors?{query}")
    assert response.status_code == 200 and response.json["total"] == 0


def test_a_surrogate_in_an_uploaded_document_is_reported_not_a_500(client):
    doc = b'{"format": "graphsvc/1", "actors": [{"\\ud800": 1}]}'
    response = client.post("/api/v1/import", data={"file": (io.BytesIO(doc), "doc.json")})
    assert response.status_code == 422 and "\\ud800" in response.json["problems"][0]["field"]
    deep = client.post("/api/v1/import", data={"file": (io.BytesIO(b"[" * 5000 + b"]" * 5000), "deep.json")})
    assert deep.status_code == 422 and "nested too deeply" in deep.get_data(as_text=True)


def test_reading_an_empty_network_never_fails(client):
    for url in ("/api/v1/map", "/api/v1/map?group=none", "/api/v1/growth?freq=month", "/api/v1/network",
                "/api/v1/metrics/silo", "/api/v1/metrics/silo.csv", "/api/v1/export?format=xlsx", "/map",
                "/map/table", "/growth", "/metrics", "/", "/export", "/map/export.html"):
        assert client.get(url, headers={"Accept": "text/html"}).status_code == 200, url


# -- in a real browser: no payload runs -----------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from graphsvc.model.accounts import User
    from graphsvc.services import accounts, graph as svc

    path = tmp_path_factory.mktemp("hostile") / "app.db"
    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{path}", "SECRET_KEY": "test", "GRAPHSVC_SECRET_KEY": "test",
                      "TESTING": True})
    store = app.extensions["graphsvc"].store
    store.ensure_schema()
    svc.import_document(store, hostile_document())
    store.create_user(User("browser", "editor"))
    token = accounts.create_token(store, "browser", "browser test")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", token
    httpd.shutdown()
    store.close()


@pytest.mark.browser
@pytest.mark.slow
def test_no_payload_runs_in_a_real_browser(hostile_server):
    chromium = require_tool("chromium", "browser tests drive Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev extra)")
    server, token = hostile_server
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for url in [u for u in HOSTILE_PAGES if not u.startswith("/forms/")] + ["/actors/xss-1", "/actors/xss-4"]:
            page.goto(server + url)
            if url.startswith("/map?group"):
                page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)
        page.goto(f"{server}/partners/new")  # the name field suggests similar partners as you type
        page.fill("#f-name", MARKUP[0][:8])
        page.wait_for_timeout(800)
        page.goto(f"{server}/map?group=none&focus=xss-lib")
        page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)
        box = page.locator("#map-canvas").bounding_box()
        for dx in range(0, int(box["width"]), 60):  # hover across the map: tooltips carry names and titles
            page.mouse.move(box["x"] + dx, box["y"] + box["height"] / 2)
        # The standalone export is a file people open from disk: its inline scripts run, the names must not.
        standalone = context.request.get(f"{server}/map/export.html?group=none").text()
        page.set_content(standalone)
        page.wait_for_timeout(500)
        browser.close()
    assert dialogs == [], "a payload ran as script"
