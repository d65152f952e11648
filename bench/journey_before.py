"""Count the librarian journey on the forms before issue 14 (commit 8bb6505): actions and round trips.

    git worktree add /tmp/before 8bb6505
    .venv/bin/python bench/journey_before.py /tmp/before     # prints every action, then the totals

Actions: every fill, choice, tick or click a person makes (typing a few letters of a partner and
picking the suggestion are two). Round trips: every form that loads a new page (a document POST).
The journey: a new initiative with three partners — two registered, found by typing and picking
a suggestion, one new — and three honest mistakes: the new partner typed into its row before it
is registered, an end date before the start date, and "Hvor" forgotten.

Measured on 8bb6505: 23 actions, 5 round trips. The same journey after issue 14 is walked and
counted by tests/test_browser_forms.py (…three_mistakes_at_once_and_a_new_partner_into_its_row):
19 actions, 2 round trips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from servers import free_port, stop_process_group  # tests/ is not a package

GRAPHSVC = str(Path(sys.executable).with_name("graphsvc"))
PASSWORD = "browser test password"


class Count:
    def __init__(self):
        self.actions, self.round_trips, self.log = 0, 0, []

    def act(self, what: str) -> None:
        self.actions += 1
        self.log.append(f"{self.actions:2d} {what}")

    def request(self, request) -> None:
        if request.method == "POST" and request.resource_type == "document":
            self.round_trips += 1
            self.log.append(f"   POST {request.url}")


def serve(checkout: str, work: Path):
    store = f"sqlite:///{work / 'journey.db'}"
    env = {**os.environ, "PYTHONPATH": checkout}

    def run(*args, **kw):
        return subprocess.run([GRAPHSVC, "--store", store, *args], check=True, capture_output=True, text=True,
                              env=env, **kw)

    run("seed")
    run("users", "add", "eva", "--role", "editor", input=PASSWORD + "\n")
    port = free_port()
    log = (work / "serve.log").open("w")
    process = subprocess.Popen([GRAPHSVC, "--store", store, "serve", "--port", str(port), "--workers", "1"],
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    return process, base


def walk(page, base: str, count: Count) -> None:
    def pick(n: int, typed: str, suggestion: str) -> None:
        field = page.get_by_label(f"Partner {n}", exact=True)
        field.fill(typed)
        count.act(f"type {typed!r} in partner {n}")
        page.wait_for_function("document.querySelectorAll('#actor-options option').length > 0")
        value = page.locator("#actor-options option", has_text=suggestion).first.get_attribute("value")
        field.fill(value)
        count.act(f"pick the suggestion {value!r}")
        page.evaluate("document.getElementById('actor-options').textContent = ''")

    def step(locator_action, what: str) -> None:
        locator_action()
        count.act(what)

    page.goto(f"{base}/initiatives/new")
    step(lambda: page.get_by_label("Tittel").fill("Høytlesning i parken"), "Tittel")
    step(lambda: page.get_by_label("Startet").fill("2024-06-01"), "Startet")
    step(lambda: page.get_by_label("Avsluttet").fill("2024-05-01"), "Avsluttet (before Startet: mistake 1)")
    pick(1, "Drammen bib", "Bibliotek")
    step(lambda: page.get_by_label("Rollen til partner 1").select_option("lead"), "role 1")
    pick(2, "Røde Kors", "Forening")
    step(lambda: page.get_by_label("Rollen til partner 2").select_option("co_creator"), "role 2")
    step(lambda: page.get_by_label("Partner 3", exact=True).fill("Lesehesten"),
         "type the new partner in row 3 (mistake 3; Hvor forgotten is mistake 2)")
    step(lambda: page.get_by_label("Rollen til partner 3").select_option("participant"), "role 3")
    step(lambda: page.get_by_label("Hvem tok initiativet").select_option("0"), "initiator")
    step(lambda: page.get_by_role("button", name="Lagre initiativet").click(), "save")
    count.log.append("   errors: " + page.locator("#error-summary").inner_text().replace("\n", " | "))
    step(lambda: page.get_by_role("button", name="Registrer en ny partner").click(), "register a new partner")
    count.log.append(f"   the partner form's name: {page.locator('#f-name').input_value()!r}")
    step(lambda: page.locator("#f-name").fill("Lesehesten"), "Navn (typed again)")
    step(lambda: page.get_by_label("Type").select_option("citizen_group"), "Type")
    step(lambda: page.locator("#f-municipality").fill("Drammen"), "Kommune")
    step(lambda: page.get_by_role("button", name="Lagre partneren").click(), "save the partner")
    rows = [page.locator(f"#f-partner-{i}-actor").input_value()
            for i in range(page.locator("input[data-partner-row]").count())]
    count.log.append(f"   back on the initiative, rows: {rows}")
    step(lambda: page.get_by_role("button", name="Lagre initiativet").click(), "save")
    count.log.append("   errors: " + page.locator("#error-summary").inner_text().replace("\n", " | "))
    step(lambda: page.get_by_label("Avsluttet").fill("2024-08-31"), "correct Avsluttet")
    step(lambda: page.get_by_label("Utenfor biblioteket").check(), "Hvor")
    step(lambda: page.locator("#f-partner-3-actor").fill(""), "empty the extra row")
    step(lambda: page.get_by_role("button", name="Lagre initiativet").click(), "save")
    count.log.append("   " + page.locator(".messages").inner_text())


def main(checkout: str) -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp())
    process, base = serve(checkout, work)
    count = Count()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(locale="nb-NO", bypass_csp=True).new_page()
            page.set_default_timeout(10_000)
            page.goto(f"{base}/login")
            page.get_by_label("Brukernavn").fill("eva")
            page.get_by_label("Passord").fill(PASSWORD)
            page.get_by_role("button", name="Logg inn").click()
            page.wait_for_url(f"{base}/")
            page.on("request", count.request)
            walk(page, base, count)
            browser.close()
    finally:
        stop_process_group(process)
    print("\n".join(count.log))
    print(f"actions={count.actions} round_trips={count.round_trips}")


if __name__ == "__main__":
    main(sys.argv[1])
