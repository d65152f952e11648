"""In a real browser (Debian chromium via Playwright): the map draws first on a laptop screen, the
slider moves through time without moving a node, a view lives in its URL, focus is one click away,
hostile names stay text, nothing loads from the internet, and axe finds no violations."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from graphsvc import create_app
from graphsvc.analytics.mapview import MapFilter, map_base, map_view, visible_at
from graphsvc.model.validation import parse_document
from helpers import EVIL, evil_document, load, require_tool

pytestmark = pytest.mark.browser
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from werkzeug.serving import make_server

    path = tmp_path_factory.mktemp("browser") / "app.db"
    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{path}", "SECRET_KEY": "test", "GRAPHSVC_SECRET_KEY": "test",
                      "TESTING": True, "GRAPHSVC_INSTANCE_DIR": str(path.parent)})
    load(app, evil_document())
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    app.extensions["graphsvc"].store.close()


@pytest.fixture(scope="module")
def browser():
    chromium = require_tool("chromium", "browser tests drive Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev extra)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.dialogs, page.errors, page.outside = [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else page.outside.append(r.url))
    yield page
    context.close()
    assert page.dialogs == [], "a name or title ran as HTML"
    assert page.errors == []
    assert page.outside == [], "the page loaded something from outside the app"


def open_map(page, server, query=""):
    page.goto(f"{server}/map{query}")
    page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)


# The drawn network (map.js puts it on the canvas element for tests and the browser console).
POSITIONS = "() => document.getElementById('map-canvas').mapNetwork.getPositions()"
SCREEN = """ids => { const net = document.getElementById('map-canvas').mapNetwork; const out = {};
  const at = net.getPositions(ids); for (const id of ids) { out[id] = net.canvasToDOM(at[id]); } return out; }"""


def test_the_map_comes_first_on_a_laptop_screen(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    open_map(page, server)
    box = page.locator("#map-canvas").bounding_box()
    assert box["y"] < 130 and box["y"] + box["height"] <= 768  # all of it on the first screen
    assert box["height"] >= 0.6 * 768 and box["width"] >= 0.7 * 1366
    assert page.locator("#time-slider").bounding_box()["y"] < 768  # the slider too
    toggle = page.locator("#panel-toggle")
    assert toggle.get_attribute("aria-expanded") == "true" and page.locator("#f-municipality").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and not page.locator("#f-municipality").is_visible()
    assert page.locator("#map-canvas").bounding_box()["width"] > box["width"] + 200
    context.close()


def test_playing_the_slider_on_a_filtered_view_moves_no_node(page, server):
    open_map(page, server, "?municipality=Drammen")
    api = page.request.get(f"{server}/api/v1/map?municipality=Drammen").json()
    drawn = page.evaluate(POSITIONS)
    # The page draws the API's positions (vis-network reports them cut to whole canvas units).
    assert drawn.keys() == {n["id"] for n in api["nodes"]}
    assert all(abs(drawn[n["id"]]["x"] - n["x"]) < 1 and abs(drawn[n["id"]]["y"] - n["y"]) < 1 for n in api["nodes"])
    slider = page.locator("#time-slider")
    shown = set()
    for step in range(int(slider.get_attribute("max")) + 1):
        slider.fill(str(step))
        shown.add(page.locator("#map-canvas").get_attribute("data-visible-nodes"))
        now = page.evaluate(POSITIONS)  # the nodes on the map at this step, each where it always is
        assert now and all(drawn[i] == xy for i, xy in now.items()), step
    assert len(shown) > 2  # the steps did show different networks
    page.click("#play")
    for _ in range(30):  # no wait_for_function: the page's CSP forbids eval
        page.wait_for_timeout(100)
        assert all(drawn[i] == xy for i, xy in page.evaluate(POSITIONS).items())
    page.click("#play")


def test_a_view_lives_in_its_url(page, server):
    open_map(page, server, "?municipality=Drammen")
    page.select_option("#f-colour", "municipality")
    page.select_option("#f-size", "betweenness")
    page.locator("#time-slider").fill("3")
    label = page.locator("#time-label").text_content()
    url = page.url
    assert "colour=municipality" in url and "size=betweenness" in url and "at=" in url and "municipality=Drammen" in url
    assert page.locator('[data-legend="municipality"]').is_visible()
    assert not page.locator('[data-legend="sector"]').is_visible()
    png = page.locator("a[href*='export.png']").get_attribute("href")
    assert "colour=municipality" in png and "at=" in png  # the downloads follow the view
    page.goto(url)
    page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)
    assert page.locator("#f-colour").input_value() == "municipality"
    assert page.locator("#f-size").input_value() == "betweenness"
    assert page.locator("#time-slider").input_value() == "3" and page.locator("#time-label").text_content() == label
    assert page.locator('[data-legend="municipality"]').is_visible()


def test_focus_from_the_map_centres_and_rings_the_actor(page, server):
    open_map(page, server, "?municipality=Drammen")
    where = page.evaluate(SCREEN, ["drammen-bibliotek"])["drammen-bibliotek"]
    box = page.locator("#map-canvas").bounding_box()
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    panel = page.locator("#node-panel")
    assert panel.is_visible() and panel.locator("h2").text_content() == "Drammen bibliotek"
    panel.get_by_role("link", name="1 steg").click()
    page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)
    assert "focus=drammen-bibliotek" in page.url and "municipality=Drammen" in page.url
    assert "Drammen bibliotek" in page.locator(".focus-bar").text_content()
    box = page.locator("#map-canvas").bounding_box()
    centre = page.evaluate(SCREEN, ["drammen-bibliotek"])["drammen-bibliotek"]
    assert abs(centre["x"] - box["width"] / 2) < 0.1 * box["width"]
    assert abs(centre["y"] - box["height"] / 2) < 0.15 * box["height"]
    page.get_by_role("link", name="Tilbake til hele kartet").click()
    page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)
    assert "focus=" not in page.url and "municipality=Drammen" in page.url


def test_the_slider_shows_the_network_at_each_step(page, server):
    actors, initiatives = parse_document(evil_document(), existing_actor_ids=set())
    view = map_view(map_base(actors, initiatives), MapFilter(group="none"))
    open_map(page, server, "?group=none")
    canvas = page.locator("#map-canvas")
    assert canvas.get_attribute("data-visible-nodes") == str(len(view.nodes))
    periods = page.locator("#time-slider")
    for mode in ("cumulative", "active"):
        page.check(f"#mode-{mode}")
        periods.fill("2")  # the third year: 2018
        assert page.locator("#time-label").text_content().startswith("2018")
        nodes, edges = visible_at(view, date(2018, 12, 31), mode)
        assert canvas.get_attribute("data-visible-nodes") == str(len(nodes)), mode
        assert canvas.get_attribute("data-visible-edges") == str(len(edges)), mode
        assert "2018" in page.locator("#map-status").text_content()
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "true"
    for _ in range(50):  # no wait_for_function: the page's CSP forbids eval
        if int(periods.input_value()) > 2:
            break
        page.wait_for_timeout(100)
    assert int(periods.input_value()) > 2
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "false"


def test_a_hostile_name_is_shown_as_text(page, server):
    open_map(page, server, "?municipality=Alta")
    page.fill("#search-input", "onerror")
    page.click("#map-search button")
    assert page.locator("#map-status").text_content() == f"Fant {EVIL}."
    page.goto(f"{server}/actors/evil")
    assert page.locator("h1").text_content() == EVIL
    page.goto(f"{server}/map/table?municipality=Alta")
    assert page.get_by_role("link", name=EVIL).count() >= 1
    html = page.request.get(f"{server}/map/export.html?municipality=Alta").text()
    page.goto("about:blank")  # the downloaded file, opened outside the app (no CSP of ours)
    page.set_content(html)
    page.wait_for_timeout(300)
    assert page.locator("canvas").count() == 1  # the standalone viewer drew, offline, and ran nothing else


def test_an_aggregated_map_drills_down(page, server):
    open_map(page, server, "?group=municipality")
    assert page.locator("#map-status").text_content().endswith("grupper.")
    assert "samlet per kommune" in page.locator("#map-summary").text_content()


@pytest.mark.parametrize("url", ["/map/table?municipality=Alta", "/growth", "/map"])
def test_axe_finds_no_violations(page, server, url):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="pip install axe-playwright-python")
    page.goto(server + url)
    if url == "/map":
        page.wait_for_selector("#map-canvas[data-ready=true]", timeout=20_000)
    results = axe_module.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
