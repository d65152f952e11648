"""Data that does not come from a municipality: a study's two-mode network (networkx's Davis
Southern Women, 18 participants × 14 events, pseudonymised: named private persons are never
actors) imported without municipality, initiator or location. Nothing is invented; the network
is networkx's weighted bipartite projection tie for tie; metrics that need the initiator say
which initiatives they left out and why."""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
from networkx.algorithms import bipartite

from graphsvc.interchange import from_gexf, from_graphml, to_csv_zip, to_gexf, to_graphml
from graphsvc.model.validation import parse_document


def davis_document() -> dict:
    G = nx.davis_southern_women_graph()
    women, events = G.graph["top"], G.graph["bottom"]
    wid = {w: f"p{n:02d}" for n, w in enumerate(women, start=1)}
    actors = [{"id": wid[w], "name": f"Deltaker {n}", "kind": "citizen_group"} for n, w in enumerate(women, 1)]
    initiatives = [{"id": f"e{n:02d}", "title": e, "started": (date(1936, 1, 1) + timedelta(days=7 * n)).isoformat(),
                    "partners": [{"actor": wid[w], "role": "participant"} for w in sorted(G[e])]}
                   for n, e in enumerate(events, start=1)]
    return {"format": "graphsvc/1", "actors": actors, "initiatives": initiatives}, G, wid


def test_a_two_mode_study_imports_without_invented_context(client):
    doc, G, wid = davis_document()
    answer = client.post("/api/v1/import", json=doc)
    assert answer.status_code == 200, answer.json
    exported = client.get("/api/v1/export?format=json").json
    assert all(a["municipality"] is None for a in exported["actors"])
    assert all(i["initiator"] is None and i["location"] is None for i in exported["initiatives"])
    network = client.get("/api/v1/network").json
    projection = bipartite.weighted_projected_graph(G, G.graph["top"])
    expected = {frozenset((wid[u], wid[v])): d["weight"] for u, v, d in projection.edges(data=True)}
    assert {frozenset((t["source"], t["target"])): t["weight"] for t in network["ties"]} == expected
    assert network["invitations"] == []  # who invited whom is unknown


def test_metrics_that_need_the_initiator_say_what_they_left_out(client):
    doc, _, _ = davis_document()
    assert client.post("/api/v1/import", json=doc).status_code == 200
    r = client.get("/api/v1/metrics/silo?group_by=municipality").json
    [gap] = r["left_out"]
    assert gap["count"] == 14 and gap["initiatives"] == [f"e{n:02d}" for n in range(1, 15)]
    assert "brokerage" in gap["measures"] and "initiator is unknown" in gap["reason"]
    assert r["unknown"] == {"municipality": 18, "initiator": 14}
    assert all(sum(a["brokerage"].values()) == 0 for a in r["actors"].values())
    assert r["cocreation"]["left_out"]["initiated_and_invited"] == 14
    assert r["cocreation"]["with_external"] == 14  # co-creation needs no initiator
    assert r["ei_index"]["undefined"]["network"]  # one group: every actor's municipality is unknown
    page = client.get("/metrics")
    assert page.status_code == 200 and 'id="left-out"' in page.text and "14 initiativ" in page.text


def test_the_forms_and_pages_show_unknown_values_without_inventing_them(app, client):
    doc, _, _ = davis_document()
    assert client.post("/api/v1/import", json=doc).status_code == 200
    from graphsvc.services import accounts
    from helpers import login

    accounts.add_user(app.extensions["graphsvc"].store, "eva", "editor", "a long enough password")
    eva = login(app, "eva", "a long enough password")
    page = eva.get("/initiatives/e01")
    assert page.status_code == 200 and "None" not in page.text and "ukjent" in page.text
    edit = eva.get("/initiatives/e01/edit")
    assert edit.status_code == 200 and "Deltaker" in edit.text and "None" not in edit.text


def test_exports_round_trip_unknown_values(client):
    doc, _, _ = davis_document()
    actors, initiatives = parse_document(doc)
    actors, initiatives = sorted(actors, key=lambda a: a.id), sorted(initiatives, key=lambda i: i.id)
    assert from_graphml(to_graphml(actors, initiatives)) == (actors, initiatives)
    assert from_gexf(to_gexf(actors, initiatives)) == (actors, initiatives)
    assert to_csv_zip(actors, initiatives)  # empty cells, no "None"
    assert client.post("/api/v1/import", json=doc).status_code == 200
    for fmt in ("graphml", "gexf", "csv", "xlsx"):
        response = client.get(f"/api/v1/export?format={fmt}")
        assert response.status_code == 200, fmt
        if fmt in ("graphml", "gexf"):
            assert b">None<" not in response.data and b'"None"' not in response.data
