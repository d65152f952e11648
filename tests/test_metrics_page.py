"""The /metrics page: the mixing matrix as an accessible heat-map table, the bridges, co-creation
shares, links to the CSV and JSON twins; user text is escaped and no script is inline."""

from __future__ import annotations

import re

from markupsafe import escape

from graphsvc.model import messages as msg
from graphsvc.model.messages import CATALOGUE
from graphsvc.services import metrics as m
from helpers import DEMO

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


# -- bokmål throughout: reasons, labels, numbers --------------------------------------------------------
UNDEFINED_REASONS = [entry for code, entry in CATALOGUE.items() if code.startswith("metrics.undefined.")]


def _actor(client, name, sector):
    return post(client, "/api/v1/actors", {"name": name, "kind": "municipal_unit", "sector": sector,
                                            "municipality": "Drammen"})["id"]


def test_why_a_measure_is_undefined_is_said_in_bokmal_with_a_code_in_the_api(client):
    """No ties at all (E-I and r are 0/0), then ties inside one group only (r is 0/0): the page gives
    each reason in bokmål, never the analytics' English; the API keeps the English and adds its code."""
    a, b = _actor(client, "Fjell skole", "skole"), _actor(client, "Huset", "kultur")
    assert len(UNDEFINED_REASONS) >= 5
    html = client.get("/metrics").data.decode()
    for entry in UNDEFINED_REASONS:
        assert str(escape(entry.text)) not in html, entry.code
    assert "ingen bånd: E + I = 0, indeksen er 0/0" in html and "ingen bånd: r er 0/0" in html
    api = client.get("/api/v1/metrics/silo").json
    assert api["ei_index"]["undefined"]["network"] == msg.EI_NO_TIES.text
    assert api["ei_index"]["undefined_codes"] == {"network": "metrics.undefined.ei_no_ties",
                                                  "groups": {"kultur": "metrics.undefined.ei_no_ties",
                                                             "skole": "metrics.undefined.ei_no_ties"}}
    assert api["assortativity"]["reason_code"] == "metrics.undefined.assortativity_no_ties"

    c = _actor(client, "Dal skole", "skole")
    post(client, "/api/v1/initiatives", {"title": "Lesekurs", "started": "2021-01-01", "initiator": a,
                                         "location": "library", "partners": [{"actor": a, "role": "lead"},
                                                                             {"actor": c, "role": "co_creator"}]})
    html = client.get("/metrics").data.decode()
    assert "alle bånd ligger innenfor én gruppe: r er 0/0" in html
    assert msg.ASSORTATIVITY_ONE_GROUP.text not in html and b in client.get("/api/v1/metrics/silo").text
    english = client.get("/language/en?next=/metrics", follow_redirects=True).data.decode()
    assert msg.ASSORTATIVITY_ONE_GROUP.text in english


def test_every_csv_link_on_the_metrics_page_has_a_label(client):
    build_bridge_network(client)
    for lang in ("nb", "en"):
        html = client.get(f"/language/{lang}?next=/metrics", follow_redirects=True).data.decode()
        downloads = re.search(r'<p class="downloads">.*?</p>', html, re.S).group(0)
        links = re.findall(r'<a href="[^"]*silo\.csv\?table=(\w+)[^"]*" download>([^<]*)</a>', downloads)
        assert [t for t, _ in links] == list(m.CSV_TABLES), lang
        labels = [label.replace("(CSV)", "").strip() for _, label in links]
        assert all(labels) and len(set(labels)) == len(labels), (lang, labels)


def test_numbers_are_written_as_the_language_writes_them(client):
    """Bokmål: decimal comma and the true minus sign (+0,43, −1,00); English: decimal point."""
    build_bridge_network(client)
    html = client.get("/metrics?mixing=ratio").data.decode()
    ei = re.search(r'<p id="ei-network">.*?</p>', html, re.S).group(0)
    assert re.search(r"<strong>[+−]\d,\d\d</strong>", ei), ei
    table = re.search(r'<table class="data" id="ei-table">.*?</table>', html, re.S).group(0)
    assert re.findall(r">[+−]\d,\d\d", table) and not re.search(r"\d\.\d", table)
    heat = re.search(r'<table class="data heat" id="mixing-matrix">.*?</table>', html, re.S).group(0)
    assert re.search(r">\d,\d\d</td>", heat) and not re.search(r"\d\.\d", heat)
    assert not re.search(r"\d\.\d\d", re.search(r'<ol class="bridges".*?</ol>', html, re.S).group(0))
    english = client.get("/language/en?next=/metrics", follow_redirects=True).data.decode()
    assert re.search(r"<strong>[+−]\d\.\d\d</strong>", re.search(r'<p id="ei-network">.*?</p>', english,
                                                                   re.S).group(0))


def test_a_bridge_in_a_pseudo_group_has_one_pair_of_brackets(client):
    """An association has no sector: its group is "(lag og foreninger)", shown once in brackets."""
    assert client.post("/api/v1/import", data=DEMO.read_bytes(), content_type="application/json").status_code == 200
    html = client.get("/metrics").data.decode()
    bridges = re.search(r'<ol class="bridges" id="bridge-list">.*?</ol>', html, re.S).group(0)
    assert "(lag og foreninger)" in bridges and "((" not in bridges and "))" not in bridges
