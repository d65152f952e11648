"""A project leader watches the network grow: /api/v1/growth, the /growth page and `graphsvc growth`."""

from __future__ import annotations

import json
import re
from datetime import date

from graphsvc.analytics.network import co_creation_graph
from graphsvc.model.validation import parse_document
from helpers import evil_document, load


def test_the_growth_series_matches_the_network_at_each_period_end(app, client):
    load(app, evil_document())
    actors, initiatives = parse_document(evil_document(), existing_actor_ids=set())
    for view in ("cumulative", "active"):
        data = client.get(f"/api/v1/growth?freq=year&view={view}").json
        assert data["freq"] == "year" and data["view"] == view
        for p in data["periods"]:
            assert {"period", "period_end", "actors", "ties", "initiatives", "ei_index"} <= p.keys()
            graph = co_creation_graph(actors, initiatives, at=date.fromisoformat(p["period_end"]), view=view)
            assert (p["actors"], p["ties"]) == (graph.number_of_nodes(), graph.number_of_edges()), p["period"]
    quarters = client.get("/api/v1/growth?freq=quarter").json["periods"]
    assert quarters[0]["period"].endswith(("Q1", "Q2", "Q3", "Q4"))
    assert client.get("/api/v1/growth?freq=week").status_code == 422


def test_the_growth_page_has_charts_with_tables_behind_them(app, client):
    load(app, evil_document())
    html = client.get("/growth?freq=year").get_data(as_text=True)
    for chart in ("size", "cross", "sectors", "libraries"):
        assert f"/growth/chart/{chart}.svg" in html
        svg = client.get(f"/growth/chart/{chart}.svg?freq=year")
        assert svg.status_code == 200 and b"<svg" in svg.data[:500]
    assert 'id="growth-table"' in html and 'id="library-table"' in html and "Alta bibliotek" in html
    assert client.get("/growth/chart/pie.svg").status_code == 404


def test_the_cli_prints_the_same_series(cli, tmp_path):
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(evil_document()), encoding="utf-8")
    assert cli("import", path).exit_code == 0
    as_json = cli("growth", "--freq", "year", "--json")
    assert as_json.exit_code == 0
    periods = json.loads(as_json.output)["periods"]
    table = cli("growth", "--freq", "year").output.splitlines()
    assert table[0].split()[:3] == ["period", "end", "actors"]
    assert table[-1].split()[:4] == [periods[-1]["period"], periods[-1]["period_end"], str(periods[-1]["actors"]),
                                     str(periods[-1]["ties"])]


def test_the_growth_page_writes_numbers_as_bokmal_does(app, client):
    """Decimal comma and one minus sign (−, never a hyphen) in the E-I columns."""
    load(app, evil_document())
    html = client.get("/growth?freq=year").get_data(as_text=True)
    tables = "".join(re.findall(r'<table class="data" id="(?:growth|sector)-table">.*?</table>', html, re.S))
    assert tables and re.search(r">−?\d,\d\d</td>", tables)
    assert not re.search(r">-\d", tables) and not re.search(r"\d\.\d", tables)
