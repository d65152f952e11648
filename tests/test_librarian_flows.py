"""What a librarian reviewer missed: finding initiatives, editing a partner, no duplicate initiatives,
Norwegian dates in the forms, and a 409 that names the partner already registered."""

from __future__ import annotations

import html
import re

from graphsvc.storage.base import InitiativeFilter
from helpers import association, login, post_form

SPRAKKAFE = {"title": "  språkkafé ", "category": "språkkafé", "started": "01.02.2021", "location": "library",
             "rows": "3", "partner-0-actor": "Drammen bibliotek — Drammen (drammen-bibliotek)",
             "partner-0-role": "lead", "partner-1-actor": "Røde Kors Drammen", "partner-1-role": "co_creator",
             "initiator": "0"}


def test_an_initiative_is_found_in_the_list_and_opened(app, librarian_store):
    vera = login(app, "vera")
    assert 'href="/initiatives"' in vera.get("/").text
    found = vera.get("/initiatives?q=SPRÅK&partner=Røde+Kors+Drammen&category=språkkafé&active=ongoing")
    assert found.status_code == 200 and 'role="status"' in found.text
    assert 'href="/initiatives/sprakkafe-2021"' in found.text
    assert 'value="SPRÅK"' in found.text
    assert 'href="/initiatives/sprakkafe-2021"' not in vera.get("/initiatives?q=lesesirkel").text
    assert 'href="/initiatives/sprakkafe-2021"' not in vera.get("/initiatives?active=ended").text
    unknown = vera.get("/initiatives?partner=Ingen+slik")
    assert unknown.status_code == 422 and 'id="f-partner-error"' in unknown.text
    page = vera.get("/initiatives/sprakkafe-2021")
    assert page.status_code == 200 and "Språkkafé" in page.text
    assert login(app, "eva").get("/initiatives/sprakkafe-2021").text.count("/initiatives/sprakkafe-2021/edit") == 1


def test_the_initiative_list_is_paged(app, librarian_store, client):
    for n in range(55):
        assert client.post("/api/v1/initiatives", json={
            "title": f"Lesestund {n}", "started": "2022-01-01", "location": "library", "initiator": "drammen-bibliotek",
            "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                         {"actor": "rode-kors-drammen", "role": "participant"}]}).status_code == 201
    vera = login(app, "vera")
    first = vera.get("/initiatives?q=lesestund")
    assert "55" in first.text and 'rel="next"' in first.text and first.text.count("<tr><th scope=\"row\">") == 50
    second = vera.get("/initiatives?q=lesestund&offset=50")
    assert second.text.count("<tr><th scope=\"row\">") == 5 and 'rel="prev"' in second.text


def test_a_partner_is_edited_with_the_change_and_an_audit_entry(app, librarian_store):
    eva = login(app, "eva")
    assert login(app, "vera").get("/partners/rode-kors-drammen/edit").status_code == 403
    form = eva.get("/partners/rode-kors-drammen/edit")
    assert form.status_code == 200 and 'value="Røde Kors Drammen"' in form.text
    assert 'data-exclude="rode-kors-drammen"' in form.text
    data = {"name": "Røde Kors Drammen", "kind": "association", "municipality": "Drammen",
            "org_number": "974760673", "tags": "frivillig"}
    bad = post_form(eva, "/partners/rode-kors-drammen/edit", {**data, "org_number": "974760674"})
    assert bad.status_code == 422 and 'id="f-org_number-error"' in bad.text and 'value="974760674"' in bad.text
    done = post_form(eva, "/partners/rode-kors-drammen/edit", data)
    assert done.status_code == 302
    actor = librarian_store.get_actor("rode-kors-drammen")
    assert (actor.org_number, actor.tags) == ("974760673", ("frivillig",))
    history = librarian_store.list_audit(object_kind="actor", object_id="rode-kors-drammen").items
    assert (history[0].user, history[0].action) == ("eva", "update")
    assert history[0].after["org_number"] == "974760673"


def test_editing_a_partner_into_a_name_clash_is_a_409_next_to_the_name(app, librarian_store):
    eva = login(app, "eva")
    assert post_form(eva, "/partners/new", {"name": "Drammen frivilligsentral", "kind": "association",
                                            "municipality": "Drammen"}).status_code == 302
    clash = post_form(eva, "/partners/drammen-frivilligsentral/edit",
                      {"name": "røde kors  DRAMMEN", "kind": "association", "municipality": "Drammen",
                       "confirm_duplicate": "1"})
    assert clash.status_code == 409 and 'id="f-name-error"' in clash.text and "allerede registrert" in clash.text
    assert librarian_store.get_actor("drammen-frivilligsentral").name == "Drammen frivilligsentral"


def test_the_actor_page_links_editors_to_the_edit_form(app, librarian_store):
    link = "/partners/rode-kors-drammen/edit"
    assert link in login(app, "eva").get("/actors/rode-kors-drammen").text
    assert link not in login(app, "vera").get("/actors/rode-kors-drammen").text


def test_a_duplicate_initiative_asks_for_confirmation_and_is_saved_only_then(app, librarian_store):
    eva = login(app, "eva")
    asked = post_form(eva, "/initiatives/new", SPRAKKAFE)
    assert asked.status_code == 422 and "Finnes dette initiativet allerede?" in asked.text
    assert 'href="/initiatives/sprakkafe-2021"' in asked.text and 'name="confirm_duplicate"' in asked.text
    assert librarian_store.list_initiatives().total == 1
    other_day = post_form(eva, "/initiatives/new", {**SPRAKKAFE, "started": "02.02.2021"})
    assert other_day.status_code == 302
    saved = post_form(eva, "/initiatives/new", {**SPRAKKAFE, "confirm_duplicate": "1"})
    assert saved.status_code == 302
    assert librarian_store.list_initiatives().total == 3


def test_a_proposed_duplicate_initiative_asks_too(app, librarian_store):
    vera, eva = login(app, "vera"), login(app, "eva")
    asked = post_form(vera, "/initiatives/new", SPRAKKAFE)
    assert asked.status_code == 422 and "Finnes dette initiativet allerede?" in asked.text
    assert post_form(vera, "/initiatives/new", {**SPRAKKAFE, "confirm_duplicate": "1"}).status_code == 302
    proposal = librarian_store.list_proposals(status="pending")[0]
    accept = {**SPRAKKAFE, "decision": "accept"}
    again = post_form(eva, f"/proposals/{proposal.id}", accept)
    assert again.status_code == 422 and "Finnes dette initiativet allerede?" in again.text
    assert post_form(eva, f"/proposals/{proposal.id}", {**accept, "confirm_duplicate": "1"}).status_code == 302
    assert librarian_store.list_initiatives().total == 2


def test_the_api_refuses_a_duplicate_initiative_unless_allowed(client, librarian_store):
    body = {"title": "SPRÅKKAFÉ", "started": "2021-02-01", "location": "library", "initiator": "rode-kors-drammen",
            "partners": [{"actor": "rode-kors-drammen", "role": "lead"},
                         {"actor": "drammen-bibliotek", "role": "participant"}]}
    refused = client.post("/api/v1/initiatives", json=body)
    assert refused.status_code == 409 and "sprakkafe-2021" in refused.json["message"]
    assert client.post("/api/v1/initiatives?allow_duplicate=true", json=body).status_code == 201
    spec = client.get("/api/v1/openapi.json").json
    params = spec["paths"]["/api/v1/initiatives"]["post"]["parameters"]
    assert [p["name"] for p in params] == ["allow_duplicate"]


def test_norwegian_dates_are_accepted_in_the_form(app, librarian_store):
    eva = login(app, "eva")
    form = eva.get("/initiatives/new")
    assert "01.03.2024" in form.text  # the hint says so
    data = {**SPRAKKAFE, "title": "Lesesirkel", "started": "01.03.2024", "ended": "1.4.2024"}
    assert post_form(eva, "/initiatives/new", data).status_code == 302
    [initiative] = librarian_store.list_initiatives(InitiativeFilter(category="språkkafé", started_from=None)).items[1:]
    assert (initiative.started.isoformat(), initiative.ended.isoformat()) == ("2024-03-01", "2024-04-01")
    wrong = post_form(eva, "/initiatives/new", {**data, "title": "Annet", "started": "31.02.2024"})
    assert wrong.status_code == 422 and 'id="f-started-error"' in wrong.text
    ended = post_form(eva, f"/initiatives/{initiative.id}/end", {"ended": "30.04.2024"})
    assert ended.status_code == 302 and librarian_store.get_initiative(initiative.id).ended.isoformat() == "2024-04-30"


def test_the_api_still_takes_only_iso_dates(client, librarian_store):
    body = {"title": "Lesesirkel", "started": "01.03.2024", "location": "library", "initiator": "drammen-bibliotek",
            "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                         {"actor": "rode-kors-drammen", "role": "participant"}]}
    assert client.post("/api/v1/initiatives", json=body).status_code == 422


def test_a_409_for_a_duplicate_actor_names_the_stored_one(client, librarian_store):
    refused = client.post("/api/v1/actors", json={"name": "røde kors  DRAMMEN", "kind": "association",
                                                  "municipality": "Drammen"})
    assert refused.status_code == 409
    message = refused.json["message"]
    assert "'rode-kors-drammen'" in message and "'Røde Kors Drammen'" in message
    assert "røde kors  DRAMMEN" not in message


def _panel_municipality(eva, rows: list[str], row: int) -> tuple[str, str]:
    """The new-partner panel's municipality for ``row``, without script (POST) and as forms.js asks (JSON)."""
    values = {"title": "Lesestund", "rows": str(len(rows)),
              **{f"partner-{n}-actor": text for n, text in enumerate(rows)}}
    page = post_form(eva, "/initiatives/new", {**values, "action": f"new_partner-{row}"})
    shown = re.search(r'id="f-np-municipality"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*id="f-np-municipality"',
                      page.text)
    assert shown, page.text
    asked = eva.get("/forms/panel-prefill", query_string={**values, "row": row}).json["municipality"]
    return html.unescape(shown.group(1) or shown.group(2) or ""), asked


def test_the_new_partner_panel_starts_with_the_initiatives_municipality(app, librarian_store):
    store = librarian_store
    store.create_actor(association("lier-korps", "Lier skolekorps", "Lier"))
    store.create_actor(association("lier-frivillig", "Frivilligsentralen i Lier", "Lier"))
    eva = login(app, "eva")
    # A partner typed by its exact name (not picked from the suggestions) counts too.
    assert _panel_municipality(eva, ["Røde Kors Drammen", "Ny forening"], 1) == ("Drammen", "Drammen")
    # The most common municipality among the partners, not the first row's.
    assert _panel_municipality(eva, ["Røde Kors Drammen", "Lier skolekorps — Lier (lier-korps)",
                                     "Frivilligsentralen i Lier", "Ny"], 3) == ("Lier", "Lier")
    # … unless a library is among them: the library's municipality is the initiative's.
    assert _panel_municipality(eva, ["Lier skolekorps", "Frivilligsentralen i Lier", "Drammen bibliotek", "Ny"],
                               3) == ("Drammen", "Drammen")
    # No partner named yet: nothing is guessed.
    assert _panel_municipality(eva, ["Ny forening", ""], 0) == ("", "")


def test_the_error_summary_follows_the_form_and_quotes_dates_as_typed(app, librarian_store):
    eva = login(app, "eva")
    page = post_form(eva, "/initiatives/new", {
        "title": "", "started": "01.06.2024", "ended": "01.05.2024", "rows": "3",
        "partner-0-actor": "Drammen bibliotek — Drammen (drammen-bibliotek)", "partner-0-role": "lead",
        "partner-1-actor": "Alta historielagg", "partner-1-role": "co_creator", "initiator": "0"})
    assert page.status_code == 422
    summary = page.text[page.text.index('id="error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    linked = re.findall(r'href="#f-([\w-]+)"', summary)
    assert linked == ["title", "ended", "location", "partner-1-actor"], linked
    assert "01.06.2024" in summary and "2024-06-01" not in summary
    assert "(01.06.2024)" in page.text[page.text.index('id="f-ended-error"'):][:400]


def test_an_unknown_partner_offers_the_close_match_and_taking_it_fills_the_row(app, librarian_store):
    librarian_store.create_actor(association("alta-historielag", "Alta historielag", "Alta"))
    eva = login(app, "eva")
    values = {"title": "Historiekveld", "started": "01.06.2024", "location": "library", "rows": "3",
              "partner-0-actor": "Drammen bibliotek — Drammen (drammen-bibliotek)", "partner-0-role": "lead",
              "partner-1-actor": "Alta historielagg", "partner-1-role": "co_creator", "initiator": "0"}
    page = post_form(eva, "/initiatives/new", values)
    assert page.status_code == 422
    offer = page.text[page.text.index('id="f-partner-1-actor-error"'):]
    offer = offer[:offer.index("</div>")]
    assert 'id="f-partner-1-actor-mean"' in offer and "Mente du" in offer
    assert 'value="suggested-1"' in offer and "Alta historielag — Alta (alta-historielag)" in offer
    taken = post_form(eva, "/initiatives/new", {**values, "action": "suggested-1"})
    assert taken.status_code == 200 and 'id="error-summary"' not in taken.text
    assert 'value="Alta historielag — Alta (alta-historielag)"' in taken.text
    label = "Alta historielag — Alta (alta-historielag)"
    saved = post_form(eva, "/initiatives/new", {**values, "partner-1-actor": label})
    assert saved.status_code == 302
