"""The librarian's journey of issue 14, through the forms without scripts (forms.js adds the same on top):
every mistake on the first save, a new partner registered inside the initiative form, near-duplicate
initiatives, look-alike names, the glossary's words in the history, unambiguous dates, and proposals
that bring a new partner."""

from __future__ import annotations

import json

from graphsvc.model.entities import Actor
from graphsvc.services import editing
from graphsvc.storage.base import ActorFilter
from helpers import csrf, login, post_form

MISTAKES = {"title": "Høytlesning i parken", "started": "01.06.2024", "ended": "01.05.2024", "rows": "3",
            "partner-0-actor": "Drammen bibliotek — Drammen (drammen-bibliotek)", "partner-0-role": "lead",
            "partner-1-actor": "Røde Kors Drammen — Drammen (rode-kors-drammen)", "partner-1-role": "co_creator",
            "partner-2-actor": "Lesehesten", "partner-2-role": "participant", "initiator": "0"}


def test_every_mistake_is_reported_on_the_first_save_next_to_its_field(app, librarian_store):
    eva = login(app, "eva")
    page = post_form(eva, "/initiatives/new", MISTAKES)
    assert page.status_code == 422
    for field in ("partner-2-actor", "ended", "location"):
        assert f'id="f-{field}-error"' in page.text, field
    assert "Ingen partner er registrert som «Lesehesten»" in page.text
    assert "Sluttdatoen kan ikke være før startdatoen" in page.text
    # Nothing that only repeats the unknown row: two partners are enough, the initiator is fine.
    assert 'id="f-partners-error"' not in page.text and 'id="f-initiator-error"' not in page.text
    summary = page.text.split('id="error-summary"')[1].split("</div>")[0]
    assert summary.count("<li>") == 3
    assert 'value="Lesehesten"' in page.text and 'value="01.05.2024"' in page.text
    assert librarian_store.list_initiatives().total == 1


def test_an_unknown_initiator_row_is_reported_once(app, librarian_store):
    eva = login(app, "eva")
    page = post_form(eva, "/initiatives/new", {**MISTAKES, "location": "outside", "ended": "", "initiator": "2"})
    assert page.status_code == 422
    assert 'id="f-partner-2-actor-error"' in page.text and 'id="f-initiator-error"' not in page.text


def test_the_forms_still_ask_for_where_and_who_took_the_initiative(app, librarian_store):
    eva = login(app, "eva")
    page = post_form(eva, "/initiatives/new", {**MISTAKES, "partner-2-actor": "", "ended": "", "initiator": ""})
    assert page.status_code == 422
    assert 'id="f-location-error"' in page.text and 'id="f-initiator-error"' in page.text
    partner = post_form(eva, "/partners/new", {"name": "Lesehesten", "kind": "citizen_group"})
    assert partner.status_code == 422 and 'id="f-municipality-error"' in partner.text


def test_the_new_partner_panel_refuses_a_name_already_registered_and_offers_it(app, librarian_store):
    eva = login(app, "eva")
    page = post_form(eva, "/initiatives/new", {**MISTAKES, "action": "create_partner", "np-row": "2",
                                               "np-name": "røde  KORS drammen", "np-kind": "association",
                                               "np-municipality": "Drammen"})
    assert page.status_code == 409
    assert 'id="f-np-same"' in page.text and 'href="/actors/rode-kors-drammen"' in page.text
    assert 'name="np-confirm_duplicate"' not in page.text
    assert 'value="Lesehesten"' in page.text  # the row keeps what was typed
    invalid = post_form(eva, "/initiatives/new", {**MISTAKES, "action": "create_partner", "np-row": "2",
                                                  "np-name": "Lesehesten", "np-municipality": "Drammen"})
    assert invalid.status_code == 422 and 'id="f-np-kind-error"' in invalid.text
    assert librarian_store.list_actors(ActorFilter(q="lesehesten")).total == 0


def test_the_new_partner_json_answers_each_case(app, librarian_store):
    eva = login(app, "eva")
    token = csrf(eva.get("/initiatives/new"))
    def post(data):
        return eva.post("/forms/new-partner", data=data, headers={"X-CSRFToken": token, "Accept": "application/json"})

    invalid = post({"name": "Lesehesten", "municipality": "Drammen"})
    assert invalid.status_code == 422 and invalid.json["errors"]["kind"] == ["Velg et av alternativene."]
    same = post({"name": "Drаmmen bibliotek", "kind": "library", "sector": "bibliotek", "municipality": "drammen"})
    assert same.status_code == 409
    assert same.json["existing"][0]["label"] == "Drammen bibliotek — Drammen (drammen-bibliotek)"
    likely = post({"name": "Drammen bibliotek Konnerud", "kind": "library", "sector": "bibliotek",
                   "municipality": "Drammen"})
    assert likely.json["status"] == "confirm" and likely.json["duplicates"][0]["name"] == "Drammen bibliotek"
    saved = post({"name": "Lesehesten", "kind": "citizen_group", "municipality": "Drammen"})
    assert saved.json == {"status": "saved", "label": "Lesehesten — Drammen (lesehesten)", "id": "lesehesten",
                          "message": "Lesehesten er registrert som partner."}
    assert eva.post("/forms/new-partner", data={"name": "X"}).status_code == 400  # no CSRF token


def test_the_session_state_is_told_to_the_script(app, librarian_store):
    assert app.test_client().get("/forms/session?next=/initiatives/new").json["user"] is None
    assert "next=/initiatives/new" in app.test_client().get("/forms/session?next=/initiatives/new").json["login_url"]
    assert login(app, "eva").get("/forms/session").json["user"] == "eva"


def test_a_near_duplicate_initiative_warns_with_a_link_to_the_existing_one(app, librarian_store, client):
    client.post("/api/v1/actors", json={"name": "Fjell skole", "kind": "municipal_unit", "sector": "skole",
                                        "municipality": "Drammen"})
    assert client.post("/api/v1/initiatives", json={
        "title": "Leseløve", "started": "2024-03-01", "initiator": "drammen-bibliotek", "location": "library",
        "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                     {"actor": "rode-kors-drammen", "role": "co_creator"},
                     {"actor": "fjell-skole", "role": "participant"}]}).status_code == 201
    eva = login(app, "eva")
    form = {"title": "leseløve ", "started": "01.03.2024", "location": "library", "rows": "3", "initiator": "0",
            "partner-0-actor": "Drammen bibliotek", "partner-0-role": "lead",
            "partner-1-actor": "Fjell skole", "partner-1-role": "co_creator"}
    asked = post_form(eva, "/initiatives/new", form)  # 2 of the 3 partners, the same title and day
    assert asked.status_code == 422 and "Finnes dette initiativet allerede?" in asked.text
    assert 'href="/initiatives/leselove-2024"' in asked.text and 'name="confirm_duplicate"' in asked.text
    other = post_form(eva, "/initiatives/new", {**form, "partner-0-actor": "Røde Kors Drammen",
                                                "partner-1-actor": "Lesesirkel"})
    assert other.status_code == 422 and "Finnes dette initiativet" not in other.text  # unknown partner first
    assert post_form(eva, "/initiatives/new", {**form, "confirm_duplicate": "1"}).status_code == 302


def test_similar_initiatives_need_half_of_the_partners(librarian_store):
    from graphsvc.model.validation import parse_initiative

    def one(*partners):
        return parse_initiative({"title": "Språkkafé", "started": "2021-02-01", "initiator": partners[0],
                                 "location": "library", "partners": [{"actor": a, "role": "lead"} for a in partners]},
                                require_id=False)

    librarian_store.create_actor(Actor("a3", "Tredje", "association", "Drammen"))
    librarian_store.create_actor(Actor("a4", "Fjerde", "association", "Drammen"))
    found = editing.similar_initiatives(librarian_store, one("drammen-bibliotek", "a3"))
    assert [i.id for i in found] == ["sprakkafe-2021"]
    assert editing.similar_initiatives(librarian_store, one("drammen-bibliotek", "a3", "a4")) == []  # 1 of 3 shared


def test_names_differing_in_case_spacing_or_look_alike_letters_are_the_same_name(app, librarian_store):
    eva = login(app, "eva")
    assert post_form(eva, "/partners/new", {"name": "Drammen sjakklubb", "kind": "association",
                                            "municipality": "Drammen"}).status_code == 302
    for typed in ("drammen  Sjakklubb", "Drammen sjak\u200bklubb", "Drаmmen Sjakklubb"):  # zero width; Cyrillic а
        page = post_form(eva, "/partners/new", {"name": typed, "kind": "business", "municipality": "drammen"})
        assert page.status_code == 422, typed
        assert 'id="f-_same"' in page.text and 'href="/actors/drammen-sjakklubb"' in page.text
        assert 'name="confirm_duplicate"' not in page.text  # nothing to confirm: it is the same partner
        assert "allerede registrert" in page.text
    elsewhere = post_form(eva, "/partners/new", {"name": "Drammen sjakklubb", "kind": "association",
                                                 "municipality": "Lier"})
    assert elsewhere.status_code == 422 and 'name="confirm_duplicate"' in elsewhere.text  # likely, not certain
    assert librarian_store.list_actors(ActorFilter(q="sjakklubb")).total == 1


def test_the_history_speaks_the_glossary(app, librarian_store):
    eva = login(app, "eva")
    page = eva.get("/initiatives/sprakkafe-2021/edit")
    values = {"title": "Språkkafé", "category": "språkkafé", "started": "01.02.2021", "location": "outside",
              "rows": "3", "partner-0-actor": "Drammen bibliotek — Drammen (drammen-bibliotek)",
              "partner-0-role": "lead",
              "partner-1-actor": "Røde Kors Drammen — Drammen (rode-kors-drammen)", "partner-1-role": "facilitator",
              "initiator": "0", "csrf_token": csrf(page)}
    assert eva.post("/initiatives/sprakkafe-2021/edit", data=values).status_code == 302
    history = eva.get("/initiatives/sprakkafe-2021").text.split("history")[-1]
    assert "<strong>Hvor</strong>: I biblioteket → Utenfor biblioteket" in history
    assert "Røde Kors Drammen (Tilrettelegger)" in history
    assert "location" not in history and "co_creator" not in history


def test_dates_are_written_and_shown_day_month_year_whatever_the_browser(app, librarian_store):
    eva = login(app, "eva")
    for url in ("/initiatives/new", "/initiatives/sprakkafe-2021/edit", "/initiatives/sprakkafe-2021"):
        assert 'type="date"' not in eva.get(url).text, url
    edit = eva.get("/initiatives/sprakkafe-2021/edit").text
    assert 'name="started" type="text" value="01.02.2021" inputmode="numeric"' in edit
    assert "DD.MM.ÅÅÅÅ" in edit and 'id="f-started-echo"' in edit
    bad = post_form(eva, "/initiatives/new", {**MISTAKES, "started": "2024-06-01", "ended": "31.02.2024",
                                              "partner-2-actor": "", "location": "library"})
    assert 'value="01.06.2024"' in bad.text and 'value="31.02.2024"' in bad.text  # ISO is read too, shown back dd.mm


def test_a_viewer_proposes_an_initiative_with_a_new_partner_and_the_editor_accepts_both(app, librarian_store):
    vera = login(app, "vera")
    typed = {**MISTAKES, "ended": "", "location": "outside"}
    attached = post_form(vera, "/initiatives/new", {**typed, "action": "create_partner", "np-row": "2",
                                                    "np-name": "Lesehesten", "np-kind": "citizen_group",
                                                    "np-municipality": "Drammen"})
    assert attached.status_code == 200
    assert 'value="Lesehesten — Drammen (ny partner)"' in attached.text
    new = json.loads(attached.text.split('name="partner-2-new" value="')[1].split('"')[0].replace("&#34;", '"'))
    assert new == {"name": "Lesehesten", "kind": "citizen_group", "municipality": "Drammen", "id": "lesehesten"}
    assert librarian_store.list_actors(ActorFilter(q="lesehesten")).total == 0  # nothing stored by a viewer
    sent = post_form(vera, "/initiatives/new", {**typed, "partner-2-actor": "Lesehesten — Drammen (ny partner)",
                                                "partner-2-new": json.dumps(new)})
    assert sent.status_code == 302, sent.text
    [proposal] = librarian_store.list_proposals(status="pending")
    assert proposal.data["new_partners"] == [new]
    assert librarian_store.list_actors(ActorFilter(q="lesehesten")).total == 0

    eva = login(app, "eva")
    review = eva.get(f"/proposals/{proposal.id}")
    assert "Nye partnere i dette forslaget" in review.text and "Lesehesten — Drammen (ny partner)" in review.text
    form = {**typed, "partner-2-actor": "Lesehesten — Drammen (ny partner)", "partner-2-new": json.dumps(new),
            "decision": "accept"}
    accepted = post_form(eva, f"/proposals/{proposal.id}", form)
    assert accepted.status_code == 302, accepted.text
    initiative = librarian_store.get_initiative(accepted.headers["Location"].rsplit("/", 1)[1])
    assert [p.actor for p in initiative.partners] == ["drammen-bibliotek", "rode-kors-drammen", "lesehesten"]
    assert librarian_store.get_actor("lesehesten").kind == "citizen_group"
    assert [e.user for e in librarian_store.list_audit(object_kind="actor", object_id="lesehesten").items] == ["eva"]


def test_accepting_a_proposal_whose_initiative_fails_leaves_no_new_partner_behind(app, librarian_store):
    from graphsvc.model.accounts import User
    from graphsvc.model.errors import Invalid

    vera = User("vera", "viewer")
    new = {"id": "lesehesten", "name": "Lesehesten", "kind": "citizen_group", "municipality": "Drammen"}
    data = {"title": "Lesestund", "started": "2024-06-01", "location": "library", "initiator": "drammen-bibliotek",
            "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                         {"actor": "lesehesten", "role": "participant"}]}
    outcome = editing.submit_initiative(librarian_store, data, user=vera, new_partners=[new])
    assert outcome.status == "proposed"
    broken = {**outcome.proposal.data, "ended": "2020-01-01"}
    try:
        editing.accept(librarian_store, outcome.proposal.id, broken, by="eva")
    except Invalid:
        pass
    else:
        raise AssertionError("an initiative that ends before it starts must be refused")
    assert librarian_store.existing_actor_ids(["lesehesten"]) == set()
    assert librarian_store.get_proposal(outcome.proposal.id).status == "pending"
    # Someone registers another partner under the provisional id meanwhile.
    librarian_store.create_actor(Actor("lesehesten", "Lesehesten AS", "business", "Lier"))
    done, initiative_id = editing.accept(librarian_store, outcome.proposal.id, by="eva")
    partners = [p.actor for p in librarian_store.get_initiative(initiative_id).partners]
    assert partners == ["drammen-bibliotek", "lesehesten-2"]
    assert librarian_store.get_actor("lesehesten-2").name == "Lesehesten"


def test_saving_or_proposing_is_decided_by_the_service(librarian_store):
    from graphsvc.model.accounts import User

    data = {"name": "Strikkeklubben", "kind": "citizen_group", "municipality": "Drammen"}
    proposed = editing.submit_actor(librarian_store, data, user=User("vera", "viewer"))
    assert proposed.status == "proposed" and librarian_store.existing_actor_ids(["strikkeklubben"]) == set()
    saved = editing.submit_actor(librarian_store, data, user=User("eva", "editor"))
    assert saved.status == "saved" and saved.saved.id == "strikkeklubben"
