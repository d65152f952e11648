"""In a real browser: log in, add a partner and an initiative with three partners, recover from errors, and axe.

Drives headless Debian chromium (Python Playwright with ``executable_path``; never ``playwright
install``) against ``graphsvc serve`` on 127.0.0.1, and injects axe-core from npm
(tests/browser) into every form page: no serious or critical WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import require_tool
from servers import free_port, stop_process_group

ROOT = Path(__file__).resolve().parent.parent
AXE_DIR = ROOT / "tests" / "browser"
GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))
PASSWORD = "browser test password"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    path = require_tool("chromium", "browser tests run headless Debian chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("Python playwright is not installed (pip install -e '.[dev]')")
        pytest.skip("Python playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    require_tool("npm", "axe-core comes from npm (tests/browser)")
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AXE_DIR, capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            pytest.fail(f"npm ci in {AXE_DIR} failed:\n{done.stderr[-2000:]}")
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``graphsvc serve`` (the production server) on a fresh store with the demo data and two users."""
    work = tmp_path_factory.mktemp("browser")
    store = f"sqlite:///{work / 'browser.db'}"

    def run(*args, **kw):
        return subprocess.run([GRAPHSVC, "--store", store, *args], check=True, capture_output=True, text=True, **kw)

    run("seed")
    run("users", "add", "eva", "--role", "editor", input=PASSWORD + "\n")
    run("users", "add", "vera", "--role", "viewer", input=PASSWORD + "\n")
    port = free_port()
    log = (work / "serve.log").open("w")
    process = subprocess.Popen([GRAPHSVC, "--store", store, "serve", "--port", str(port), "--workers", "1"],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                log.close()
                pytest.fail(f"graphsvc serve did not start:\n{(work / 'serve.log').read_text()}")
            time.sleep(0.2)
    yield base
    stop_process_group(process)
    log.close()


def check_axe(page, axe_source: str) -> None:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document,
                                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
                                       nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe on {page.url}:\n{json.dumps(serious, indent=1)}"


def log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/")


def test_a_librarian_adds_a_partner_and_an_initiative_with_the_keyboard_and_axe_finds_nothing_serious(
        chromium, server, axe_source, tmp_path):
    context = chromium.new_context(locale="nb-NO", bypass_csp=True)  # only so axe can be injected
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # 422 pages are how forms answer errors; a missing script, style or JSON call is a failure.
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404
            and not r.url.endswith("/favicon.ico") else None)

    page.goto(f"{server}/partners/new")
    assert "/login" in page.url
    check_axe(page, axe_source)
    log_in(page, server, "eva")

    # A new partner: the similar name is suggested while typing, and saving asks first.
    page.goto(f"{server}/partners/new")
    check_axe(page, axe_source)
    page.get_by_label("Navn", exact=False).first.fill("Drammen Bibliotek")
    page.locator("#similar a", has_text="Drammen bibliotek").first.wait_for()
    page.get_by_label("Type").select_option("library")
    page.get_by_label("Sektor").fill("bibliotek")
    page.locator("#f-municipality").fill("Drammen")
    page.get_by_role("button", name="Lagre partneren").click()
    page.get_by_text("Er det en av disse?").wait_for()
    check_axe(page, axe_source)

    # Fail validation and recover: the error is next to the field, the input is kept.
    page.goto(f"{server}/partners/new")
    page.get_by_label("Navn", exact=False).first.fill("Lesehesten")
    page.get_by_label("Type").select_option("citizen_group")
    page.get_by_label("Organisasjonsnummer").fill("974760674")
    page.keyboard.press("Enter")
    page.locator("#f-org_number-error").wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_by_label("Navn", exact=False).first.input_value() == "Lesehesten"
    assert "kontrollsifferet" in page.locator("#f-org_number-error").inner_text()
    check_axe(page, axe_source)
    page.get_by_label("Organisasjonsnummer").fill("")
    page.locator("#f-municipality").fill("Drammen")
    page.get_by_role("button", name="Lagre partneren").click()
    page.get_by_text("Lesehesten er registrert som partner.").wait_for()

    # A new initiative with three partners, found by searching.
    page.goto(f"{server}/initiatives/new")
    check_axe(page, axe_source)
    page.get_by_label("Tittel").fill("Høytlesning i parken")
    page.get_by_label("Startet").fill("2024-06-01")
    page.get_by_label("Utenfor biblioteket").check()
    partner = page.get_by_label("Partner 1", exact=True)
    partner.fill("Dramm")
    page.wait_for_function("document.querySelectorAll('#actor-options option').length > 0")
    option = page.locator("#actor-options option", has_text="Bibliotek").first.get_attribute("value")
    partner.fill(option)
    page.get_by_label("Rollen til partner 1").select_option("lead")
    page.get_by_label("Partner 2", exact=True).fill("Røde Kors Drammen")
    page.get_by_label("Rollen til partner 2").select_option("co_creator")
    page.get_by_label("Partner 3", exact=True).fill("Lesehesten")
    page.get_by_label("Rollen til partner 3").select_option("participant")
    page.get_by_label("Hvem tok initiativet").select_option("0")
    page.get_by_role("button", name="Lagre initiativet").click()
    page.get_by_text("Initiativet «Høytlesning i parken» er lagret.").wait_for()
    assert page.locator("table").first.locator("tbody tr").count() == 3
    assert "1. juni 2024" in page.content()
    check_axe(page, axe_source)
    page.screenshot(path=str(tmp_path / "initiative.png"), full_page=True)

    for url in ("/proposals", "/account", "/history", "/actors/drammen-bibliotek/history"):
        page.goto(f"{server}{url}")
        check_axe(page, axe_source)
    assert not errors, errors
    context.close()
