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


def test_a_schema_3_database_is_migrated_and_keeps_its_rows(tmp_path, monkeypatch):
    """SQLite schema 4 drops the NOT NULL of municipality, initiator and location in place."""
    import sqlite3

    import pytest

    from graphsvc.model.entities import Actor, Initiative, Partner
    from graphsvc.storage import open_store
    from graphsvc.storage.sqlite import database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setattr(database, "SCHEMA_VERSION", 3)  # a database written before this change
    old = open_store(url)
    old.ensure_schema()
    old.create_actor(Actor("lib", "Bibliotek", "library", "Drammen", sector="bibliotek"))
    old.create_actor(Actor("rk", "Røde Kors", "association", "Drammen"))
    old.create_initiative(Initiative("kafe", "Språkkafé", date(2021, 2, 1), "lib", "library",
                                     (Partner("lib", "lead"), Partner("rk", "co_creator"))))
    with sqlite3.connect(tmp_path / "old.db") as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO actors (id, name, name_key, kind, municipality, municipality_key) "
                     "VALUES ('x', 'X', 'x', 'citizen_group', NULL, '')")
    old.close()
    monkeypatch.undo()

    store = open_store(url)
    store.ensure_schema()
    assert store.check()["schema_version"] == 4
    store.create_actor(Actor("p01", "Deltaker 1", "citizen_group", None))
    store.create_initiative(Initiative("e01", "Event", date(1933, 1, 1), None, None,
                                       (Partner("p01", "participant"), Partner("rk", "participant"))))
    assert store.get_actor("p01").municipality is None
    assert (store.get_initiative("e01").initiator, store.get_initiative("e01").location) == (None, None)
    assert store.get_initiative("kafe").initiator == "lib"  # the old rows are as they were
    rows = store.network_rows()
    assert rows.initiative_initiators[rows.initiative_ids.index("e01")] == -1
    store.close()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
