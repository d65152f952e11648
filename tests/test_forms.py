"""A librarian adds partners and initiatives in the forms; a viewer proposes; an admin merges; history shows it all."""

from __future__ import annotations

import re

from graphsvc.storage.base import ActorFilter
from helpers import csrf, login, post_form


def test_new_partner_with_errors_next_to_fields_in_norwegian_keeping_input(app, librarian_store):
    eva = login(app, "eva")
    page = post_form(eva, "/partners/new", {"name": "Lier skole", "kind": "municipal_unit", "municipality": "Lier",
                                            "org_number": "974760674"})
    assert page.status_code == 422
    assert 'id="f-sector-error"' in page.text and 'aria-describedby="f-sector-hint f-sector-error"' in page.text
    assert "kontrollsifferet stemmer ikke" in page.text
    assert 'value="Lier skole"' in page.text and 'value="974760674"' in page.text
    assert 'role="alert"' in page.text

    done = post_form(eva, "/partners/new", {"name": "Lier skole", "kind": "municipal_unit", "municipality": "Lier",
                                            "sector": "Skole", "org_number": "974760673", "tags": "skole, lesing"})
    assert done.status_code == 302
    actor = librarian_store.get_actor("lier-skole")
    assert (actor.sector, actor.tags) == ("skole", ("skole", "lesing"))
    history = librarian_store.list_audit(object_kind="actor", object_id="lier-skole").items
    assert [(e.user, e.action) for e in history] == [("eva", "create")]


def test_a_likely_duplicate_asks_for_confirmation_and_an_exact_one_is_refused(app, librarian_store):
    eva = login(app, "eva")
    similar = eva.get("/forms/similar-actors?name=Drammen%20Bibliotek%2C%20hovedbiblioteket").json
    assert similar["suggestions"][0]["id"] == "drammen-bibliotek"
    data = {"name": "Drammen Bibliotek, hovedbiblioteket", "kind": "library", "sector": "bibliotek",
            "municipality": "Drammen"}
    asked = post_form(eva, "/partners/new", data)
    assert asked.status_code == 422 and "Er det en av disse?" in asked.text and "Drammen bibliotek" in asked.text
    assert post_form(eva, "/partners/new", {**data, "confirm_duplicate": "1"}).status_code == 302

    exact = post_form(eva, "/partners/new", {"name": "røde kors  DRAMMEN", "kind": "association",
                                             "municipality": "Drammen", "confirm_duplicate": "1"})
    assert exact.status_code == 422 and "allerede registrert" in exact.text
    assert librarian_store.list_actors(ActorFilter(q="røde kors")).total == 1


def test_new_initiative_with_three_partners_and_a_new_partner_made_on_the_way(app, librarian_store):
    """Without scripts: "New partner" beside a row opens the panel inside the form, with the name typed in
    the row and the municipality of the partners already chosen; saving it puts the partner into that row."""
    eva = login(app, "eva")
    typed = {"title": "Lesesirkel på huset", "category": "lesesirkel", "started": "01.09.2024", "location": "library",
             "rows": "3", "partner-0-actor": "Drammen bibliotek — Drammen (drammen-bibliotek)",
             "partner-0-role": "lead", "partner-1-actor": "Røde Kors Drammen", "partner-1-role": "co_creator",
             "partner-2-actor": "Bokormen lesegruppe", "partner-2-role": "participant", "initiator": "0"}
    opened = post_form(eva, "/initiatives/new", {**typed, "action": "new_partner-2"})
    assert opened.status_code == 200 and 'id="new-partner"' in opened.text
    assert 'id="new-partner" aria-labelledby="np-legend"' in opened.text and "hidden>" not in opened.text.split(
        'id="new-partner"')[1].split("\n")[0]
    assert 'name="np-name" type="text" value="Bokormen lesegruppe"' in opened.text
    assert 'name="np-municipality" type="text" value="Drammen"' in opened.text
    assert 'value="Lesesirkel på huset"' in opened.text and 'value="01.09.2024"' in opened.text
    back = post_form(eva, "/initiatives/new", {**typed, "action": "create_partner", "np-row": "2",
                                               "np-name": "Bokormen lesegruppe", "np-kind": "citizen_group",
                                               "np-municipality": "Drammen"})
    assert back.status_code == 200
    assert 'value="Bokormen lesegruppe — Drammen (bokormen-lesegruppe)"' in back.text
    assert back.text.count("Bokormen lesegruppe — Drammen (bokormen-lesegruppe)") >= 1
    assert 'name="partner-3-actor"' not in back.text  # the partner is in its own row, not an extra one
    assert 'value="Lesesirkel på huset"' in back.text and "Bokormen lesegruppe er registrert som partner." in back.text
    assert librarian_store.get_actor("bokormen-lesegruppe").municipality == "Drammen"

    form = {**typed, "partner-2-actor": "Bokormen lesegruppe — Drammen (bokormen-lesegruppe)",
            "partner-2-role": "participant", "action": "save"}
    saved = post_form(eva, "/initiatives/new", form)
    assert saved.status_code == 302, saved.text
    initiative = librarian_store.get_initiative("lesesirkel-pa-huset-2024")
    assert [p.actor for p in initiative.partners] == ["drammen-bibliotek", "rode-kors-drammen", "bokormen-lesegruppe"]
    page = eva.get(saved.headers["Location"])
    assert "Lesesirkel på huset" in page.text and "1. september 2024" in page.text and "eva" in page.text


def test_initiative_errors_point_at_the_row_and_recovering_works(app, librarian_store):
    eva = login(app, "eva")
    bad = post_form(eva, "/initiatives/new", {"title": "Konsert", "started": "2024-13-01", "location": "outside",
                                              "rows": "3", "partner-0-actor": "Drammen bibliotek",
                                              "partner-0-role": "lead", "partner-1-actor": "Ingen slik forening",
                                              "partner-1-role": "co_creator", "initiator": "0"})
    assert bad.status_code == 422
    assert 'id="f-partner-1-actor-error"' in bad.text and "Ingen partner er registrert" in bad.text
    assert 'value="Ingen slik forening"' in bad.text
    again = post_form(eva, "/initiatives/new", {"title": "Konsert", "started": "2024-13-01", "location": "outside",
                                                "rows": "3", "partner-0-actor": "Drammen bibliotek",
                                                "partner-0-role": "lead", "partner-1-actor": "Røde Kors Drammen",
                                                "partner-1-role": "", "initiator": "0"})
    assert 'id="f-started-error"' in again.text and 'id="f-partner-1-role-error"' in again.text
    ok = post_form(eva, "/initiatives/new", {"title": "Konsert", "started": "2024-12-01", "location": "outside",
                                             "rows": "3", "partner-0-actor": "Drammen bibliotek",
                                             "partner-0-role": "lead", "partner-1-actor": "Røde Kors Drammen",
                                             "partner-1-role": "participant", "initiator": "0"})
    assert ok.status_code == 302


def test_an_editor_ends_and_corrects_an_initiative_and_the_history_shows_it(app, librarian_store):
    eva = login(app, "eva")
    page = eva.get("/initiatives/sprakkafe-2021")
    ended = eva.post("/initiatives/sprakkafe-2021/end", data={"ended": "2023-06-30", "csrf_token": csrf(page)})
    assert ended.status_code == 302
    assert librarian_store.get_initiative("sprakkafe-2021").ended.isoformat() == "2023-06-30"
    too_early = eva.post("/initiatives/sprakkafe-2021/end", data={"ended": "2020-01-01", "csrf_token": csrf(page)})
    assert too_early.status_code == 422 and "Sluttdatoen kan ikke være før startdatoen" in too_early.text
    edit = eva.get("/initiatives/sprakkafe-2021/edit")
    assert 'value="Språkkafé"' in edit.text
    values = dict(re.findall(r'name="([^"]+)" type="[^"]+" value="([^"]*)"', edit.text))
    values.update({"title": "Språkkafé for alle", "location": "library", "partner-0-role": "lead",
                   "partner-1-role": "co_creator", "initiator": "0"})
    values.pop("csrf_token", None)
    assert post_form(eva, "/initiatives/sprakkafe-2021/edit", values).status_code == 302
    history = eva.get("/initiatives/sprakkafe-2021")
    assert "Språkkafé for alle" in history.text and history.text.count("<td>eva</td>") == 2


def test_a_viewer_proposes_and_an_editor_accepts_after_correcting(app, librarian_store):
    vera = login(app, "vera")
    sent = post_form(vera, "/partners/new", {"name": "Strikkeklubben", "kind": "citizen_group",
                                             "municipality": "drammen"})
    assert sent.status_code == 302
    assert librarian_store.list_actors(ActorFilter(q="strikke")).total == 0
    proposal = librarian_store.list_proposals(status="pending")[0]
    assert vera.post(f"/proposals/{proposal.id}", data={"decision": "accept",
                                                         "csrf_token": csrf(vera.get("/proposals"))}).status_code == 403
    eva = login(app, "eva")
    assert "Strikkeklubben" in eva.get("/proposals").text
    accepted = post_form(eva, f"/proposals/{proposal.id}", {"decision": "accept", "name": "Strikkeklubben",
                                                            "kind": "citizen_group", "municipality": "Drammen"})
    assert accepted.status_code == 302
    assert librarian_store.get_actor("strikkeklubben").municipality == "Drammen"
    mine = vera.get(f"/proposals/{proposal.id}")
    assert "godtatt" in mine.text and "eva" in mine.text
    assert post_form(eva, f"/proposals/{proposal.id}", {"decision": "reject"}).status_code == 422  # decided already
    assert librarian_store.get_proposal(proposal.id).status == "accepted"


def test_an_admin_merges_two_actors_and_nothing_is_lost(app, librarian_store, client):
    client.post("/api/v1/actors", json={"name": "Røde Kors i Drammen", "kind": "association",
                                        "municipality": "Drammen", "org_number": "974760673"})
    client.post("/api/v1/actors", json={"name": "Fjell skole", "kind": "municipal_unit", "sector": "skole",
                                        "municipality": "Drammen"})
    client.post("/api/v1/initiatives", json={
        "title": "Leksehjelp", "started": "2022-01-10", "initiator": "fjell-skole", "location": "outside",
        "partners": [{"actor": "fjell-skole", "role": "lead"}, {"actor": "rode-kors-i-drammen", "role": "co_creator"}]})
    assert login(app, "eva").get("/partners/merge").status_code == 403
    ada = login(app, "ada")
    merged = post_form(ada, "/partners/merge", {"survivor": "Røde Kors Drammen", "merged": "rode-kors-i-drammen"})
    assert merged.status_code == 302, merged.text
    survivor = librarian_store.get_actor("rode-kors-drammen")
    assert survivor.org_number == "974760673"
    partners = librarian_store.get_initiative("leksehjelp-2022").partners
    assert [p.actor for p in partners] == ["fjell-skole", "rode-kors-drammen"]
    assert librarian_store.existing_actor_ids(["rode-kors-i-drammen"]) == set()
    assert "slått inn i en annen partner" in ada.get("/actors/rode-kors-i-drammen/history").text
    history = librarian_store.list_audit(object_kind="actor", object_id="rode-kors-drammen").items
    assert [e.action for e in history][0] == "merge"
    refused = post_form(ada, "/partners/merge", {"survivor": "drammen-bibliotek", "merged": "rode-kors-drammen"})
    assert refused.status_code == 422  # they are the only partners of the Språkkafé


def test_english_is_selectable_and_dates_follow_the_language(app, librarian_store):
    eva = login(app, "eva")
    assert "Ny partner" in eva.get("/partners/new").text
    eva.get("/language/en?next=/partners/new")
    page = eva.get("/partners/new")
    assert '<html lang="en">' in page.text and "New partner" in page.text
    assert "February 1, 2021" in eva.get("/initiatives/sprakkafe-2021").text
    bad = post_form(eva, "/partners/new", {"name": "", "kind": "association", "municipality": "Lier"})
    assert "This field is required." in bad.text


def test_account_page_makes_and_revokes_tokens(app, librarian_store):
    vera = login(app, "vera")
    made = post_form(vera, "/account", {"action": "token", "label": "skript"})
    token = re.search(r'<code id="new-token">([^<]+)</code>', made.text).group(1)
    assert app.test_client().get("/api/v1/actors", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    post_form(vera, "/account", {"action": "revoke", "label": "skript"})
    assert app.test_client().get("/api/v1/actors", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_catalogue_is_complete_and_compiled():
    from babel.messages.pofile import read_po

    from graphsvc.web.i18n import TRANSLATIONS

    po = TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    assert not [m.id for m in catalog if m.id and not m.string], "untranslated messages in nb"
    assert po.with_suffix(".mo").exists()


def test_the_history_shows_users_and_imports_in_the_glossarys_words(app, librarian_store):
    """Users' roles, flags and an import's counts and actors in bokmål, not raw keys and codes."""
    page = login(app, "ada").get("/history")
    assert page.status_code == 200
    changes = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.text))
    assert "Rolle: – → Redaktør" in changes and "Rolle: – → Administrator" in changes
    assert "Deaktivert: – → Nei" in changes
    assert "Nye initiativ: – → " in changes and "Aktører lagt til eller endret: – → " in changes
    assert "Aktører: – → Drammen bibliotek" in changes
    for raw in ("False", "→ editor", "actors_changed", "initiatives_created", "actors:", "drammen-bibliotek,"):
        assert raw not in changes, raw
