"""The "Om målene" page: every measure with its formula and references, linked from /metrics, and its
Python code really computes the API's numbers again from the exports (demo network)."""

from __future__ import annotations

import math
import re
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from graphsvc.web import measures
from helpers import DEMO


@pytest.fixture
def demo(client):
    """The demo network, through the import."""
    assert client.post("/api/v1/import", data=DEMO.read_bytes(), content_type="application/json").status_code == 200
    return client


def silo(client) -> dict:
    response = client.get("/api/v1/metrics/silo")
    assert response.status_code == 200, response.json
    return response.json


def bokmal(app, text: str) -> str:
    with app.test_request_context(), force_locale("nb"):
        return gettext(text)


def test_the_page_has_each_measures_formula_and_references_with_dois(app, client):
    page = client.get("/metrics/om-malene")
    assert page.status_code == 200
    html = page.text
    for m in measures.MEASURES:
        section = html.split(f'id="{m.id}"')[1].split("</section>")[0]
        assert str(escape(bokmal(app, m.formula))) in section, m.id
        for key in m.references:
            ref = measures.REFERENCES[key]
            assert ref.text.split(".")[0] in section, (m.id, key)
            if ref.doi:
                assert f'href="https://doi.org/{ref.doi}"' in section, (m.id, key)
        assert "networkx" in section and "library(" in section or "R" in section
    for needed in ("Krackhardt", "10.2307/2786835", "Gould", "10.2307/270949", "10.1103/PhysRevE.67.026126",
                   "Blondel", "Burt"):
        assert needed in html
    assert "stokkes om blant aktørene" in html and "Ensidig test" in html  # what is shuffled; one-sided
    assert "EI* = (E* − I*) / (E* + I*)" in html  # E-I's expected value, stated as a formula
    assert "p = (b + 1) / (m + 1)" in html and "10.2202/1544-6115.1585" in html  # never 0: Phipson and Smyth
    english = client.get("/language/en?next=/metrics/om-malene", follow_redirects=True).text
    assert "The group labels are shuffled among the actors" in english and "One-sided test" in english
    for m in measures.MEASURES:
        assert str(escape(m.formula)) in english, m.id


def test_every_sentence_of_the_page_is_in_bokmal(app, client):
    """Each measure's texts, formulas' words and reference notes go through the catalogue: none of
    their English shows on the bokmål page (symbols and code are the same in both languages)."""
    html = unescape(client.get("/metrics/om-malene").text)
    english = []
    for m in measures.MEASURES:
        english += [m.text["what"], m.text["conventions"], m.text["undefined"]]
        if bokmal(app, m.formula) != m.formula:
            english.append(m.formula)
    english += [r.note for r in measures.REFERENCES.values() if r.note]
    for text in english:
        assert bokmal(app, text) != text, text  # translated …
        assert text not in html, text  # … and shown translated
    for phrase in ("each counted once", "one-sided, lower tail", "share of i's ties", "coordinator A→A→A",
                   "per actor", "No DOI", "the E-I Index routine", "follow-up report"):
        assert phrase not in html, phrase
    assert "Ingen DOI." in html and "Innlandet fylkesbibliotek, 2024" in html  # the report: title, owner, year
    assert "Samskaping – de langsiktige effekter av kompetanseutvikling" in html


def test_every_number_on_the_metrics_page_links_to_its_explanation(demo):
    html = demo.get("/metrics").text
    assert 'href="/metrics/om-malene"' in html
    for anchor in ("mixing-matrix", "ei-index", "permutation-test", "assortativity", "brokerage", "betweenness",
                   "constraint", "co-creation", "modularity"):
        assert f'href="/metrics/om-malene#{anchor}"' in html, anchor
        assert f'id="{anchor}"' in demo.get("/metrics/om-malene").text
    assert "p (ensidig)" in html


def test_group_p_values_are_in_the_api_keyed_like_the_groups(demo):
    r = silo(demo)
    ei = r["ei_index"]
    assert set(ei["group_p_values"]) == set(ei["groups"])
    assert all(p is None or 0 <= p <= 1 for p in ei["group_p_values"].values())
    assert ei["group_p_values"]["skole"] < 0.05  # the report's strong silo
    assert ei["permutation"]["shuffled"].startswith("group labels are shuffled among the actors")
    mixing = r["mixing_matrix"]
    assert set(mixing) >= {"groups", "matrix", "row_shares", "expected", "ratio"}
    csv = demo.get("/api/v1/metrics/silo.csv?table=groups").data.decode("utf-8-sig").splitlines()
    assert csv[0] == "group,group_label,actors,ties_internal,ties_external,ei_index,ei_expected,ei_p_value"


def _at(report: dict, path: str):
    """A value of the report by dotted path; ``actors.*.x`` gives {actor: x}."""
    head, _, rest = path.partition(".*.")
    value = report
    for key in head.split("."):
        value = value[key]
    if rest:
        return {a: v[rest] for a, v in value.items()}
    return value


def _same(ours, theirs, where):
    if isinstance(ours, dict):
        assert set(ours) == set(theirs), where
        for key in ours:
            _same(ours[key], theirs[key], f"{where}[{key}]")
    elif isinstance(ours, list):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, f"{where}[{i}]")
    elif ours is None or (isinstance(theirs, float) and math.isnan(theirs)):
        assert theirs is None or math.isnan(theirs), where
    else:
        assert theirs == pytest.approx(ours, abs=1e-9), where


@pytest.mark.parametrize("measure", measures.MEASURES, ids=lambda m: m.id)
def test_the_python_code_reproduces_the_number(demo, measure, tmp_path, monkeypatch):
    report = silo(demo)
    for name, url in measures.EXPORTS:
        response = demo.get(url)
        assert response.status_code == 200, url
        (tmp_path / name).write_bytes(response.data)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(measure.python, f"<{measure.id}>", "exec"), namespace)
    assert measure.checks
    for variable, path in measure.checks:
        _same(_at(report, path), namespace[variable], f"{measure.id}: {variable} vs {path}")


def test_the_r_code_names_real_functions():
    """R is not installed here: at least the code calls the packages the page names."""
    for m in measures.MEASURES:
        assert re.search(r"library\((jsonlite|igraph|sna)\)", m.r), m.id
