"""The /metrics page: the mixing matrix as an accessible heat-map table, the bridges, co-creation
shares, links to the CSV and JSON twins; user text is escaped and no script is inline."""

from __future__ import annotations

import re

HOSTILE = "<img src=x onerror=alert(1)>"


def post(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 201, response.json
    return response.json


def build_bridge_network(client) -> str:
    """A school invites a hostile-named culture unit, which invites an association: it brokers between groups."""
    hostile = post(client, "/api/v1/actors", {"name": HOSTILE, "kind": "municipal_unit", "sector": "kultur",
                                              "municipality": "Drammen"})["id"]
    school = post(client, "/api/v1/actors", {"name": "Fjell skole", "kind": "municipal_unit",
                                             "sector": "<b>skole</b>", "municipality": "Drammen"})["id"]
    club = post(client, "/api/v1/actors", {"name": "Røde Kors Drammen", "kind": "association",
                                           "municipality": "Drammen"})["id"]
    library = post(client, "/api/v1/actors", {"name": "Drammen bibliotek", "kind": "library",
                                              "sector": "bibliotek", "municipality": "Drammen"})["id"]
    for n, (initiator, other) in enumerate([(school, hostile), (hostile, club), (school, library), (library, club)]):
        post(client, "/api/v1/initiatives", {"title": f"Samarbeid {n}", "started": f"2021-0{n + 1}-01",
                                             "initiator": initiator, "location": "library",
                                             "partners": [{"actor": initiator, "role": "lead"},
                                                          {"actor": other, "role": "co_creator"}]})
    return hostile


def test_metrics_page_shows_heat_map_and_bridges(client):
    hostile = build_bridge_network(client)
    response = client.get("/metrics")
    assert response.status_code == 200
    html = response.data.decode()
    table = re.search(r'<table class="data heat" id="mixing-matrix">.*?</table>', html, re.S).group(0)
    assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
    assert re.search(r'<td class="num heat-\d( diagonal)?">\d+</td>', table)
    bridges = re.search(r'<ol class="bridges" id="bridge-list">.*?</ol>', html, re.S).group(0)
    assert f'/actors/{hostile}"' in bridges
    assert 'id="cocreation-share"' in html and 'id="ei-table"' in html
    assert "/api/v1/metrics/silo.csv?table=actors" in html and "/api/v1/metrics/silo?" in html


def test_metrics_page_escapes_user_text_and_has_no_inline_script(client):
    build_bridge_network(client)
    html = client.get("/metrics").data.decode()
    assert HOSTILE not in html and "<b>skole</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;skole&lt;/b&gt;" in html  # a hostile sector name is a group label too
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # scripts only from files (CSP script-src 'self')


def test_metrics_page_follows_the_form_and_speaks_norwegian(client):
    build_bridge_network(client)
    html = client.get("/metrics?group_by=kind&view=active&at=2021-03-15&weighted=true").data.decode()
    assert '<option value="kind" selected>' in html and '<option value="active" selected>' in html
    assert 'value="15.03.2021"' in html and 'name="weighted" value="true" checked' in html  # dd.mm.åååå
    assert "Blandingsmatrise" in html and "forandringsagenter" in html
    assert 'href="/metrics"' in client.get("/").data.decode()  # in the main menu


def test_metrics_page_shows_a_bad_parameter_as_an_error_page(client):
    response = client.get("/metrics?group_by=silo", headers={"Accept": "text/html"})
    assert response.status_code == 422 and b"<html" in response.data
