"""Silo metrics through the whole path: graphsvc/1 import → store → GET /api/v1/metrics/silo (and .csv)
and ``graphsvc metrics``: the same numbers, the engine's verified values, the demo's calibration,
undefined cases, the seeded p-value, the cache and parameter errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from graphsvc.analytics.silo import REASON_ONE_GROUP
from graphsvc.services import metrics as m
from metrics_datasets import florentine, karate, to_document

DEMO = Path(__file__).resolve().parent.parent / "seed" / "demo.json"
PILOT_TAG = "biblioteket-som-samskaper"


@pytest.fixture
def store_url(app):
    """The CLI works on the app's own SQLite file, so the API and the command read the same graph."""
    return app.config["GRAPHSVC_STORE_URL"]


def load(client, doc) -> None:
    response = client.post("/api/v1/import", json=doc)
    assert response.status_code == 200, response.json


@pytest.fixture
def demo(client):
    load(client, json.loads(DEMO.read_text(encoding="utf-8")))
    return client


def silo(client, **params) -> dict:
    response = client.get("/api/v1/metrics/silo", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def cache_of(app):
    return app.extensions["graphsvc"].cache


# -- one service, three doors ---------------------------------------------------------------------
@pytest.mark.parametrize("options, query", [
    ((), {}),
    (("--at", "2020-06-30", "--group-by", "kind", "--weighted", "--view", "active", "--permutations", "50",
      "--seed", "7", "--library-tag", PILOT_TAG),
     {"at": "2020-06-30", "group_by": "kind", "weighted": "true", "view": "active", "permutations": 50,
      "seed": 7, "library_tag": PILOT_TAG}),
])
def test_api_and_cli_json_are_the_same(demo, cli, options, query):
    result = cli("metrics", "--json", *options)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == silo(demo, **query)


def test_report_has_what_the_issue_asks_for(demo):
    r = silo(demo, at="2022-12-31")
    assert (r["at"], r["group_by"], r["view"], r["weighted"]) == ("2022-12-31", "sector", "cumulative", False)
    for key in ("actors", "ties", "initiatives"):
        assert r["counts"][key] > 0
    assert {"mixing_matrix", "ei_index", "assortativity", "actors", "communities", "cocreation"} <= r.keys()
    assert {"network", "groups", "expected", "expected_groups", "p_value"} <= r["ei_index"].keys()
    actor = next(iter(r["actors"].values()))
    assert {"ei_index", "degree", "betweenness", "constraint", "effective_size", "blau", "brokerage"} <= actor.keys()
    assert set(actor["brokerage"]) == {"coordinator", "itinerant", "gatekeeper", "representative", "liaison"}
    assert {"modularity", "group_modularity", "seed"} <= r["communities"].keys()
    assert r["sample"] == {"permutations": m.DEFAULT_PERMUTATIONS, "seed": 0,
                           "p_value_resolution": 1 / (m.DEFAULT_PERMUTATIONS + 1), "betweenness": "exact",
                           "betweenness_k": None, "betweenness_exact_up_to": 1000}


def test_cli_prints_a_readable_table_not_json(demo, cli):
    result = cli("metrics", "--library-tag", PILOT_TAG)
    assert result.exit_code == 0, result.output
    text = result.output
    assert not text.lstrip().startswith("{")
    for heading in ("Mixing matrix", "E-I index", "Assortativity", "Bridges", "Co-creation"):
        assert heading in text
    assert "invited into co-creation by municipal units: 3 (30%)" in text


# -- CSV ------------------------------------------------------------------------------------------
def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_tables(demo, cli, tmp_path):
    r = silo(demo)
    response = demo.get("/api/v1/metrics/silo.csv?table=actors")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert len(rows) == r["counts"]["actors"]
    assert tuple(rows[0]) == m.ACTOR_COLUMNS
    by_id = {row["id"]: row for row in rows}
    for actor_id, a in r["actors"].items():
        row = by_id[actor_id]
        assert row["name"] == a["name"] and int(row["degree"]) == a["degree"]
        assert row["ei_index"] == ("" if a["ei_index"] is None else row["ei_index"])
        assert int(row["brokerage_total"]) == sum(a["brokerage"].values())

    groups = read_csv(demo.get("/api/v1/metrics/silo.csv?table=groups").data)
    assert [g["group"] for g in groups] == r["mixing_matrix"]["groups"]
    assert (float(next(g for g in groups if g["group"] == "skole")["ei_index"])
            == pytest.approx(r["ei_index"]["groups"]["skole"], abs=1e-9))
    # Labels as the pages show them, beside the stable code.
    assert next(g for g in groups if g["group"] == "(association)")["group_label"] == "(lag og foreninger)"
    mixing = list(csv.reader(io.StringIO(demo.get("/api/v1/metrics/silo.csv?table=mixing").data.decode("utf-8-sig"))))
    assert mixing[0] == ["group", "group_label", *r["mixing_matrix"]["groups"]]
    assert [[float(x) for x in row[2:]] for row in mixing[1:]] == r["mixing_matrix"]["matrix"]
    ratios = list(csv.reader(io.StringIO(demo.get("/api/v1/metrics/silo.csv?table=mixing_ratios").data.decode(
        "utf-8-sig"))))
    for row, expected in zip(ratios[1:], r["mixing_matrix"]["ratio"]):
        assert [float(x) if x else None for x in row[2:]] == pytest.approx(expected)

    out = tmp_path / "actors.csv"
    result = cli("metrics", "--csv", "actors", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == response.data


# -- verified values through the import ----------------------------------------------------------
def test_karate_club_through_the_import(client):
    load(client, to_document(*karate()))
    r = silo(client, permutations=200, seed=3)
    assert r["counts"]["actors"] == 34 and r["counts"]["ties"] == 78
    assert (r["ei_index"]["internal"], r["ei_index"]["external"]) == (67, 11)
    assert r["ei_index"]["network"] == pytest.approx(-0.717949, abs=1e-6)
    assert r["ei_index"]["p_value"] == 1 / 201  # none of 200 shuffles as closed: (0 + 1) / (200 + 1), never 0
    assert r["assortativity"]["value"] == pytest.approx(0.717531, abs=1e-6)
    assert r["assortativity"]["value"] == pytest.approx(
        nx.attribute_assortativity_coefficient(nx.karate_club_graph(), "club"))
    # The store keeps sectors in their normalised spelling.
    mixing = r["mixing_matrix"]
    assert (mixing["groups"], mixing["matrix"]) == (["mr. hi", "officer"], [[35, 11], [11, 32]])
    assert mixing["row_shares"][0] == pytest.approx([35 / 46, 11 / 46])
    G = nx.karate_club_graph()
    expected = nx.betweenness_centrality(G)
    assert [r["actors"][f"n{n:02d}"]["betweenness"] for n in G] == pytest.approx([expected[n] for n in G])


def test_weighted_karate_through_the_import(client):
    load(client, to_document(*karate(weighted=True)))
    r = silo(client, weighted="true", permutations=0)
    G = nx.karate_club_graph()
    club = nx.get_node_attributes(G, "club")
    external = sum(d["weight"] for u, v, d in G.edges(data=True) if club[u] != club[v])
    total = G.size(weight="weight")
    assert r["ei_index"]["network"] == pytest.approx((2 * external - total) / total)
    assert r["ei_index"]["p_value"] is None and r["sample"]["p_value_resolution"] is None


def test_florentine_families_medici_broker(client):
    load(client, to_document(*florentine()))
    r = silo(client, permutations=0)
    assert r["counts"]["actors"] == 16 and r["counts"]["isolates"] == 1
    # Padgett's marriage network: the Medici lie on 47.5 of the shortest paths (n = 16 with Pucci).
    assert r["actors"]["medici"]["betweenness"] == pytest.approx(47.5 / (15 * 14 / 2))
    assert max(r["actors"], key=lambda a: r["actors"][a]["betweenness"]) == "medici"
    assert r["actors"]["pucci"]["ei_index"] is None
    assert "isolate" in r["actors"]["pucci"]["undefined"]["ei_index"]


# -- the demo's calibration (the report's figures 16-17; skole and helse are silos) ---------------
def test_demo_reproduces_the_calibration(demo):
    r = silo(demo, library_tag=PILOT_TAG)
    summary = r["cocreation"]["summary"]
    assert summary["libraries"] == 10
    assert summary["invited_by_municipal_units"] == 3
    assert summary["initiated_with_municipal_units"] == 3
    assert summary["invited_by_municipal_units_share"] == summary["initiated_with_municipal_units_share"] == 0.3
    for weighted in ("false", "true"):
        groups = silo(demo, weighted=weighted, permutations=0)["ei_index"]["groups"]
        ranked = sorted((g for g in groups if groups[g] is not None), key=groups.get)
        assert set(ranked[:2]) == {"skole", "helse"}, groups


def test_library_tag_only_changes_the_library_counts(demo):
    everyone, pilots = silo(demo, permutations=0), silo(demo, permutations=0, library_tag=PILOT_TAG.upper())
    assert len(pilots["cocreation"]["libraries"]) == 10 < len(everyone["cocreation"]["libraries"])
    assert pilots["ei_index"] == everyone["ei_index"] and pilots["actors"] == everyone["actors"]


# -- undefined cases ------------------------------------------------------------------------------
def test_a_single_group_gives_null_with_a_reason(client):
    load(client, to_document(*karate()))  # every actor is a municipal unit
    r = silo(client, group_by="kind")
    assert r["ei_index"]["network"] is None and r["ei_index"]["undefined"]["network"] == REASON_ONE_GROUP
    assert r["ei_index"]["p_value"] is None
    assert r["assortativity"]["value"] is None and "one group" in r["assortativity"]["reason"]
    assert r["actors"]["n00"]["ei_index"] is None and r["actors"]["n00"]["undefined"]["ei_index"]


def test_an_empty_store_gives_nulls_not_errors(client):
    r = silo(client)
    assert r["counts"]["actors"] == 0
    assert r["ei_index"]["network"] is None and r["cocreation"]["external_share"] is None
    assert r["cocreation"]["undefined"]["external_share"]


# -- reproducibility and the cache ---------------------------------------------------------------
def test_seeded_p_value_is_reproducible(app, demo):
    first = silo(demo, group_by="municipality", permutations=300, seed=11)["ei_index"]["permutation"]
    cache_of(app).clear()
    again = silo(demo, group_by="municipality", permutations=300, seed=11)["ei_index"]["permutation"]
    other = silo(demo, group_by="municipality", permutations=300, seed=12)["ei_index"]["permutation"]
    assert first == again
    assert (first["seed"], first["permutations"]) == (11, 300)
    assert other["mean"] != first["mean"]


def test_second_call_is_cached_and_a_write_invalidates(app, client):
    load(client, to_document(*karate()))
    cache = cache_of(app)
    first = silo(client, permutations=100)
    misses, hits = cache.misses, cache.hits
    assert silo(client, permutations=100) == first
    assert cache.misses == misses and cache.hits > hits  # served from the cache
    response = client.post("/api/v1/actors", json={"name": "Ny forening", "kind": "association",
                                                   "municipality": "Testby"})
    assert response.status_code == 201
    after = silo(client, permutations=100)
    assert cache.misses > misses
    assert after["graph_version"] > first["graph_version"]
    assert after["counts"]["actors"] == 35 and after["counts"]["isolates"] == 1


# -- bad parameters -------------------------------------------------------------------------------
@pytest.mark.parametrize("query, field", [
    ("group_by=silo", "group_by"),
    ("view=sometimes", "view"),
    ("at=2021-13-01", "at"),
    ("weighted=maybe", "weighted"),
    ("permutations=-1", "permutations"),
    ("permutations=many", "permutations"),
    (f"permutations={m.MAX_PERMUTATIONS + 1}", "permutations"),
    ("seed=-3", "seed"),
    ("betweenness_k=0", "betweenness_k"),
    ("exact_betweenness=perhaps", "exact_betweenness"),
])
def test_bad_parameters_give_422_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/metrics/silo?{query}")
    assert response.status_code == 422
    assert response.json["field"] == field
    csv_response = client.get(f"/api/v1/metrics/silo.csv?table=actors&{query}")
    assert csv_response.status_code == 422 and csv_response.json["field"] == field


def test_bad_table_and_legal_values_are_listed(client):
    response = client.get("/api/v1/metrics/silo.csv?table=everything")
    assert response.status_code == 422 and response.json["field"] == "table"
    assert "actors, groups, mixing" in response.json["message"]
    assert "sector, kind, municipality" in client.get("/api/v1/metrics/silo?group_by=x").json["message"]


def test_cli_reports_a_bad_option_in_one_line(demo, cli):
    result = cli("metrics", "--at", "2021-02-30")
    assert result.exit_code == 1 and "--at" in result.output


def test_exact_betweenness_on_request(client):
    load(client, to_document(*karate()))
    assert silo(client, exact_betweenness="true", permutations=0)["betweenness"]["method"] == "exact"


# -- the report's one-pass co-creation counts equal the reference function -------------------------
@pytest.mark.parametrize("view", ["cumulative", "active"])
@pytest.mark.parametrize("at", [None, "2017-06-30", "2023-01-01"])
def test_report_cocreation_equals_the_reference(view, at):
    from datetime import date

    from bench.synthetic import generate
    from graphsvc.analytics.cocreation import cocreation
    from graphsvc.analytics.report import silo_report

    actors, initiatives = generate("S", seed=2, actors=150, initiatives=400)
    day = date.fromisoformat(at) if at else None
    r = silo_report(actors, initiatives, at=day, view=view, permutations=0)
    libraries = [a for a, v in r["actors"].items() if v["kind"] == "library"]
    assert r["cocreation"] == cocreation(actors, initiatives, at=day, view=view, libraries=libraries)
