"""A project leader opens the network map, filters it, focuses on an actor, saves pictures, reads the table."""

from __future__ import annotations

import re
from datetime import date

import pytest

from graphsvc.analytics.mapview import MapFilter, map_base, map_view, visible_at
from graphsvc.analytics.network import co_creation_graph
from graphsvc.model.validation import parse_document
from helpers import EVIL, evil_document, load


@pytest.fixture
def demo(app, client):
    load(app, evil_document())
    return client


@pytest.fixture(scope="module")
def demo_graph():
    return parse_document(evil_document(), existing_actor_ids=set())


def test_the_map_shows_the_whole_network_with_positions(demo):
    data = demo.get("/api/v1/map").json
    network = demo.get("/api/v1/network").json
    assert data["aggregated"] is None
    assert data["counts"]["actors"] == network["counts"]["actors"] == len(data["nodes"])
    assert data["counts"]["ties"] == network["counts"]["ties"] == len(data["edges"])
    assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in data["nodes"])
    assert data["periods"][0]["label"] == "2016" and data["periods"][-1]["end"] >= "2024-12-31"
    alta = next(n for n in data["nodes"] if n["id"] == "alta-bibliotek")
    assert alta["shape"] == "star" and alta["group"] == "bibliotek" and alta["metrics"]["degree"] > 0
    assert {"sectors", "kinds"} <= data["legend"].keys()


def test_positions_are_stable_across_filters_and_calls(demo):
    whole = {n["id"]: (n["x"], n["y"]) for n in demo.get("/api/v1/map").json["nodes"]}
    alta = demo.get("/api/v1/map?municipality=alta").json["nodes"]
    assert alta and all(n["municipality"] == "Alta" for n in alta)
    assert all(whole[n["id"]] == (n["x"], n["y"]) for n in alta)
    assert {n["id"]: (n["x"], n["y"]) for n in demo.get("/api/v1/map").json["nodes"]} == whole


def test_filters_by_sector_kind_category_and_dates(demo):
    skole = demo.get("/api/v1/map?sector=Skole").json
    assert skole["nodes"] and {n["group"] for n in skole["nodes"]} == {"skole"}
    libraries = demo.get("/api/v1/map?kind=library").json
    assert {n["kind"] for n in libraries["nodes"]} == {"library"}
    cafe = demo.get("/api/v1/map?category=språkkafé&from=2020-01-01&to=2021-12-31").json
    assert cafe["edges"] and all("2020-01-01" <= e["since"] <= "2021-12-31" for e in cafe["edges"])
    bad = demo.get("/api/v1/map?from=2022-01-01&to=2021-01-01")
    assert bad.status_code == 422 and bad.json["problems"][0]["field"] == "to"
    assert demo.get("/api/v1/map?kind=wizard").status_code == 422


def test_focus_shows_an_actors_neighbourhood(demo):
    profile = demo.get("/api/v1/actors/alta-bibliotek/profile").json
    one = demo.get("/api/v1/map?focus=alta-bibliotek").json
    assert {n["id"] for n in one["nodes"]} == {"alta-bibliotek"} | {p["id"] for p in profile["partners"]}
    two = demo.get("/api/v1/map?focus=alta-bibliotek&depth=2").json
    assert len(two["nodes"]) > len(one["nodes"])
    missing = demo.get("/api/v1/map?focus=nobody")
    assert missing.status_code == 404 and missing.json["field"] == "focus"


def test_big_maps_start_aggregated_and_drill_down(demo_graph):
    actors, initiatives = demo_graph
    base = map_base(actors, initiatives)
    view = map_view(base, MapFilter(), threshold=50)
    assert view.aggregated == "municipality"
    assert sum(n["count"] for n in view.nodes) == view.counts["actors"] == len(actors)
    assert all(n["drill"] == {"municipality": n["group"]} for n in view.nodes)
    drilled = map_view(base, MapFilter(municipality="Alta"), threshold=50)
    assert drilled.aggregated is None and drilled.counts["actors"] < 50
    by_sector = map_view(base, MapFilter(group="sector"))
    assert by_sector.aggregated == "sector" and any(n["id"] == "sector:skole" for n in by_sector.nodes)


@pytest.mark.parametrize("mode", ["cumulative", "active"])
def test_the_slider_shows_the_network_as_it_was(demo_graph, mode):
    """What the slider shows at a date (the rule map.js applies) is the network at that date."""
    actors, initiatives = demo_graph
    view = map_view(map_base(actors, initiatives), MapFilter(group="none"))
    for day in (date(2016, 12, 31), date(2018, 6, 30), date(2021, 12, 31), date(2025, 12, 31)):
        graph = co_creation_graph(actors, initiatives, at=day, view=mode)
        nodes, edges = visible_at(view, day, mode)
        assert nodes == set(graph.nodes), day
        assert edges == {tuple(sorted(e)) for e in graph.edges}, day


def test_summary_names_the_most_closed_sector_and_the_bridges(demo):
    page = demo.get("/map").get_data(as_text=True)
    summary = demo.get("/api/v1/map").json["summary"]
    assert summary["most_closed_sector"]["sector"] in page
    assert "Mest lukket sektor" in page and summary["bridges"][0]["name"] in page


def test_pages_use_only_the_apps_own_scripts_and_styles(demo):
    for url in ("/map", "/growth", "/map/table", "/actors/alta-bibliotek"):
        html = demo.get(url).get_data(as_text=True)
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), url
        assert "<script>" not in html, f"{url} has an inline script"
    with demo.get("/static/vendor/vis-network-9.1.2/vis-network.min.js") as vendored:
        assert vendored.status_code == 200


def test_names_are_text_in_every_html_answer(demo):
    for url in ("/map/table?municipality=Alta", "/actors/evil", "/actors/alta-bibliotek", "/map/export.html"):
        html = demo.get(url).get_data(as_text=True)
        assert EVIL not in html and "<script>alert(2)" not in html, url
    assert "&lt;img src=x onerror=alert(1)&gt;" in demo.get("/actors/evil").get_data(as_text=True)


def test_the_table_twin_sorts_and_filters(demo):
    html = demo.get("/map/table?sort=name&order=asc&municipality=Alta").get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a href="/actors/[^"]+">([^<]+)</a>', html)
    assert names == sorted(names, key=str.casefold) and len(names) > 5
    assert 'aria-sort="ascending"' in html
    found = demo.get("/map/table?q=bibliotek").get_data(as_text=True)
    assert "Alta bibliotek" in found and "Alta historielag" not in found.split('id="ties-table"')[0]


def test_the_map_saves_as_standalone_html_png_and_svg(demo):
    html = demo.get("/map/export.html?municipality=Alta")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    text = html.get_data(as_text=True)
    assert "vis.Network" in text and not re.search(r"""<(script|link)[^>]+(src|href)=""", text)
    png = demo.get("/map/export.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = demo.get("/map/export.svg?municipality=Alta")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data[:500]
    assert EVIL.encode() not in svg.data


def test_the_growth_is_exported_as_gif_and_mp4(demo):
    gif = demo.get("/growth/animation.gif?municipality=Alta&freq=year")
    assert gif.status_code == 200 and gif.data[:6] == b"GIF89a"
    import io

    from PIL import Image

    frames = Image.open(io.BytesIO(gif.data)).n_frames
    assert frames == len(demo.get("/api/v1/map?municipality=Alta&freq=year").json["periods"])
    mp4 = demo.get("/growth/animation.mp4?municipality=Alta&view=active")
    assert mp4.status_code == 200 and mp4.data[4:8] == b"ftyp" and mp4.mimetype == "video/mp4"


def test_an_actor_page_lists_initiatives_partners_and_numbers(demo):
    profile = demo.get("/api/v1/actors/alta-bibliotek/profile").json
    assert profile["actor"]["name"] == "Alta bibliotek"
    assert profile["metrics"]["degree"] == len(profile["partners"])
    html = demo.get("/actors/alta-bibliotek").get_data(as_text=True)
    assert profile["partners"][0]["name"] in html and profile["initiatives"][0]["title"] in html
    assert demo.get("/actors/nobody").status_code == 404
    assert demo.get("/api/v1/actors/nobody/profile").status_code == 404


def test_the_map_data_is_fast_when_warm(demo):
    import time

    demo.get("/api/v1/map")
    started = time.perf_counter()
    for _ in range(5):
        assert demo.get("/api/v1/map").status_code == 200
    assert (time.perf_counter() - started) / 5 < 0.3
