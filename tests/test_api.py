"""A client of the JSON API creates, reads, changes and deletes actors and initiatives, and reads the network."""

from __future__ import annotations

from helpers import example_document


def post(client, url, body):
    return client.post(url, json=body)


def seed_example(client):
    response = post(client, "/api/v1/import", example_document())
    assert response.status_code == 200, response.json


def test_create_read_update_delete_an_actor(client):
    created = post(client, "/api/v1/actors", {"name": "Lier frivilligsentral", "kind": "association",
                                               "municipality": "Lier", "tags": ["frivillighet"]})
    assert created.status_code == 201
    body = created.json
    assert body["id"] == "lier-frivilligsentral"
    assert created.headers["Location"].endswith("/api/v1/actors/lier-frivilligsentral")
    assert client.get("/api/v1/actors/lier-frivilligsentral").json["name"] == "Lier frivilligsentral"

    changed = client.put("/api/v1/actors/lier-frivilligsentral",
                         json={"name": "Frivilligsentralen i Lier", "kind": "association", "municipality": "Lier"})
    assert changed.status_code == 200 and changed.json["name"] == "Frivilligsentralen i Lier"
    assert changed.json["registered"] == body["registered"]

    assert client.delete("/api/v1/actors/lier-frivilligsentral").status_code == 200
    missing = client.get("/api/v1/actors/lier-frivilligsentral")
    assert missing.status_code == 404 and missing.json["field"] == "id"


def test_a_second_actor_with_the_same_name_gets_its_own_id(client):
    first = post(client, "/api/v1/actors", {"name": "Bokklubben", "kind": "citizen_group", "municipality": "Hamar"})
    second = post(client, "/api/v1/actors", {"name": "Bokklubben", "kind": "citizen_group", "municipality": "Gjøvik"})
    assert (first.json["id"], second.json["id"]) == ("bokklubben", "bokklubben-2")


def test_bad_input_names_the_field_and_the_problem(client):
    response = post(client, "/api/v1/actors", {"name": "Skolen", "kind": "municipal_unit", "municipality": "Lier",
                                                "org_number": "974760674"})
    assert response.status_code == 422
    fields = {p["field"]: p["message"] for p in response.json["problems"]}
    assert "is required" in fields["sector"]
    assert "MOD11" in fields["org_number"]
    assert response.json["status"] == 422 and response.json["message"]

    not_json = client.post("/api/v1/actors", data="name=x", content_type="text/plain")
    assert not_json.status_code == 422 and "JSON" in not_json.json["message"]


def test_initiatives_are_checked_against_the_rules(client):
    seed_example(client)
    bad = post(client, "/api/v1/initiatives", {
        "title": "Lesesirkel", "started": "2022-05-01", "ended": "2022-01-01", "initiator": "fjell-skole",
        "location": "library", "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                                            {"actor": "ghost", "role": "helper"}]})
    assert bad.status_code == 422
    problems = {p["field"]: p["message"] for p in bad.json["problems"]}
    assert problems["ended"].startswith("must not be before started")
    assert problems["partners[1].actor"] == "unknown actor 'ghost'"
    assert "must be one of" in problems["partners[1].role"]
    assert "must be one of the partners" in problems["initiator"]

    too_few = post(client, "/api/v1/initiatives", {
        "title": "Alene", "started": "2022-05-01", "initiator": "drammen-bibliotek", "location": "library",
        "partners": [{"actor": "drammen-bibliotek", "role": "lead"}]})
    assert {p["field"] for p in too_few.json["problems"]} == {"partners"}


def test_create_list_update_and_delete_an_initiative(client):
    seed_example(client)
    created = post(client, "/api/v1/initiatives", {
        "title": "Bøker rundt bålet", "category": "arrangement", "started": "2023-08-15", "ended": "2023-08-15",
        "initiator": "rode-kors-drammen", "location": "outside",
        "partners": [{"actor": "rode-kors-drammen", "role": "lead"},
                     {"actor": "drammen-bibliotek", "role": "facilitator"}]})
    assert created.status_code == 201, created.json
    new_id = created.json["id"]
    assert new_id == "boker-rundt-balet-2023"
    listing = client.get("/api/v1/initiatives?actor=rode-kors-drammen").json
    assert listing["total"] == 2 and [i["id"] for i in listing["items"]] == ["sprakkafe-2021", new_id]
    assert client.get("/api/v1/initiatives?active_at=2023-08-16").json["total"] == 1

    body = dict(created.json, ended=None)
    assert client.put(f"/api/v1/initiatives/{new_id}", json=body).json["ended"] is None
    assert client.delete(f"/api/v1/initiatives/{new_id}").status_code == 200
    assert client.get(f"/api/v1/initiatives/{new_id}").status_code == 404


def test_deleting_a_partner_is_refused_unless_cascade(client):
    seed_example(client)
    refused = client.delete("/api/v1/actors/rode-kors-drammen")
    assert refused.status_code == 409 and "sprakkafe-2021" in refused.json["message"]
    done = client.delete("/api/v1/actors/rode-kors-drammen?cascade=true")
    assert done.json == {"deleted": "rode-kors-drammen", "deleted_initiatives": ["sprakkafe-2021"]}


def test_listing_pages_and_bad_paging(client):
    for n in range(5):
        post(client, "/api/v1/actors", {"name": f"Lag {n}", "kind": "association", "municipality": "Hamar"})
    page = client.get("/api/v1/actors?limit=2&offset=4").json
    assert page["total"] == 5 and [a["name"] for a in page["items"]] == ["Lag 4"]
    bad = client.get("/api/v1/actors?limit=0")
    assert bad.status_code == 422 and bad.json["field"] == "limit"
    assert client.get("/api/v1/actors?kind=wizard").json["field"] == "kind"


def test_the_network_at_a_date(client):
    seed_example(client)
    before = client.get("/api/v1/network?at=2021-01-31").json
    assert before["counts"]["ties"] == 0 and before["ties"] == []
    after = client.get("/api/v1/network?at=2021-02-01").json
    assert after["counts"] == {"actors": 2, "ties": 1, "initiatives": 1}
    assert after["ties"] == [{"source": "drammen-bibliotek", "target": "rode-kors-drammen", "weight": 1,
                              "first": "2021-02-01", "last": "2021-02-01", "initiatives": ["sprakkafe-2021"]}]
    assert after["invitations"] == [{"source": "drammen-bibliotek", "target": "rode-kors-drammen", "weight": 1}]
    names = {n["id"]: n["name"] for n in after["nodes"]}
    assert names["rode-kors-drammen"] == "Røde Kors Drammen"
    bad = client.get("/api/v1/network?at=2021-02-30")
    assert bad.status_code == 422 and bad.json["field"] == "at"


def test_the_network_cache_follows_writes(client):
    seed_example(client)
    assert client.get("/api/v1/network").json["counts"]["actors"] == 2
    post(client, "/api/v1/actors", {"name": "Ny forening", "kind": "association", "municipality": "Drammen"})
    assert client.get("/api/v1/network").json["counts"]["actors"] == 3


def test_healthz_checks_the_store(client):
    body = client.get("/healthz").json
    assert body["status"] == "ok" and body["store"] == "sqlite"


def test_unknown_api_routes_answer_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.json["status"] == 404
    assert client.patch("/api/v1/actors").status_code == 405


def test_export_gives_back_the_imported_document(client):
    doc = example_document()
    seed_example(client)
    exported = client.get("/api/v1/export").json
    for actor in exported["actors"]:
        actor.pop("registered")
    assert exported == doc


def test_openapi_document_is_valid_and_covers_every_api_route(app, client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops if method != "parameters"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule in ("/healthz", "/readyz"):
            path = rule.rule.replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, f"{method} {path} is not in the OpenAPI document"


def test_pages_show_errors_as_html(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and b"<html" in response.data
