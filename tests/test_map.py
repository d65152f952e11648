"""A project leader opens the network map, filters it, focuses on an actor, saves pictures, reads the table."""

from __future__ import annotations

import json
import re
from datetime import date

import numpy as np
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


CANVAS = (1000.0, 600.0)


def fitted(nodes: list[dict]) -> np.ndarray:
    """The view's positions scaled to fit a 1000 × 600 canvas (aspect kept), as the page fits them."""
    xy = np.array([(n["x"], n["y"]) for n in nodes], dtype=float)
    span = np.maximum(xy.max(axis=0) - xy.min(axis=0), 1e-9)
    return (xy - xy.min(axis=0)) * min(CANVAS[0] / span[0], CANVAS[1] / span[1])


def distances(xy: np.ndarray) -> np.ndarray:
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return d


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
    assert {"sector", "municipality", "kind", "community"} == data["legend"]["colourings"].keys()


def test_a_filtered_view_is_laid_out_for_what_it_shows(demo):
    """Drammen's 18 actors use the canvas: no clump in a corner, no node on another (issue 12)."""
    whole = demo.get("/api/v1/map").json["nodes"]
    drammen = demo.get("/api/v1/map?municipality=Drammen").json["nodes"]
    assert len(drammen) == 18 and all(n["municipality"] == "Drammen" for n in drammen)
    # Spread: the median distance to the nearest neighbour on the fitted canvas is a fair share of
    # the spacing 18 evenly spread points would have (the whole network's positions gave 0.15 of it).
    even = np.sqrt(CANVAS[0] * CANVAS[1] / len(drammen))
    assert np.median(distances(fitted(drammen)).min(axis=1)) >= 0.35 * even
    # No two nodes overlap, at any zoom: centres at least their largest radii apart.
    xy = np.array([(n["x"], n["y"]) for n in drammen])
    radius = np.array([max(n["size"].values()) for n in drammen])
    assert np.all(distances(xy) >= radius[:, None] + radius[None, :])
    # Its own layout, not the whole network's positions; and the same every time.
    position = {n["id"]: (n["x"], n["y"]) for n in whole}
    assert sum(position[n["id"]] == (n["x"], n["y"]) for n in drammen) < 3
    assert demo.get("/api/v1/map?municipality=drammen").json["nodes"] == drammen


def test_labels_are_planned_so_that_they_do_not_collide(demo):
    """At any zoom, the labels the map shows (label_scale ≤ zoom) have boxes that do not overlap,
    and the largest actors are named first."""
    from graphsvc.analytics.layout import LABEL_CHAR_PX, LABEL_PX

    nodes = demo.get("/api/v1/map").json["nodes"]
    for scale in (0.3, 0.6, 1.2):
        shown = [n for n in nodes if n["label_scale"] is not None and n["label_scale"] <= scale]
        assert shown, scale
        boxes = [(n["x"] * scale, (n["y"] + n["label_dy"]) * scale, len(n["label"]) * LABEL_CHAR_PX / 2)
                 for n in shown]
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                (xa, ya, wa), (xb, yb, wb) = boxes[a], boxes[b]
                apart = abs(xa - xb) >= wa + wb - 1e-6 or abs(ya - yb) >= LABEL_PX - 1e-6
                assert apart, (scale, shown[a]["id"], shown[b]["id"])
    fit = min(CANVAS[0] / np.ptp([n["x"] for n in nodes]), CANVAS[1] / np.ptp([n["y"] for n in nodes]))
    named = {n["id"] for n in nodes if n["label_scale"] is not None and n["label_scale"] <= fit}
    hubs = sorted(nodes, key=lambda n: -max(n["size"].values()))[:3]
    assert {n["id"] for n in hubs} <= named
    assert len(named) < len(nodes) / 3  # the rest on zoom and hover


def test_filters_by_kind_category_and_dates(demo):
    libraries = demo.get("/api/v1/map?kind=library").json
    roles = {n["role"] for n in libraries["nodes"]}
    assert roles == {"member", "partner"}
    assert {n["kind"] for n in libraries["nodes"] if n["role"] == "member"} == {"library"}
    assert all(n["kind"] != "library" for n in libraries["nodes"] if n["role"] == "partner")
    cafe = demo.get("/api/v1/map?category=språkkafé&from=2020-01-01&to=2021-12-31").json
    assert cafe["edges"] and all("2020-01-01" <= e["since"] <= "2021-12-31" for e in cafe["edges"])
    assert cafe["summary"]["scope"]["basis"] == "initiatives"
    bad = demo.get("/api/v1/map?from=2022-01-01&to=2021-01-01")
    assert bad.status_code == 422 and bad.json["problems"][0]["field"] == "to"
    assert demo.get("/api/v1/map?kind=wizard").status_code == 422


def test_a_sector_filter_shows_the_sector_with_its_partners_and_the_ties_that_leave_it(demo):
    kultur = demo.get("/api/v1/map?sector=kultur").json
    nodes = {n["id"]: n for n in kultur["nodes"]}
    members = {i for i, n in nodes.items() if n["role"] == "member"}
    partners = {i for i, n in nodes.items() if n["role"] == "partner"}
    assert members and {nodes[i]["group"] for i in members} == {"kultur"}
    assert partners and all(nodes[i]["group"] != "kultur" for i in partners)
    # Every tie shown touches the sector; every partner is there through such a tie.
    assert all(e["from"] in members or e["to"] in members for e in kultur["edges"])
    assert partners <= {x for e in kultur["edges"] for x in (e["from"], e["to"])}
    leaving = [e for e in kultur["edges"] if (e["from"] in members) != (e["to"] in members)]
    assert leaving and kultur["counts"]["ties_leaving"] == len(leaving)
    assert all(e["cross"] for e in leaving)
    # The summary is about all of kultur's ties: the E-I the silo metrics give the group.
    silo = demo.get("/api/v1/metrics/silo?permutations=0").json
    summary = kultur["summary"]
    assert summary["scope"] == {"basis": "selection", "sector": "kultur"}
    assert summary["most_closed_sector"]["sector"] == "kultur"
    assert summary["most_closed_sector"]["ei_index"] == pytest.approx(silo["ei_index"]["groups"]["kultur"])
    assert summary["cross_sector_share"] > 0
    page = demo.get("/map?sector=kultur").get_data(as_text=True)
    assert "partnere utenfor utvalget" in page and "alle båndene til de valgte aktørene" in page
    # Drammen + kultur: the municipality's culture unit and its partners in Drammen, not 1 lonely actor.
    both = demo.get("/api/v1/map?municipality=Drammen&sector=kultur").json
    assert both["counts"]["members"] >= 1 and both["counts"]["partners"] >= 3
    assert all(n["municipality"] == "Drammen" for n in both["nodes"])


def test_the_summary_describes_the_scope_it_names(demo, demo_graph):
    """A municipality's numbers are its own network's; a focus does not change them."""
    actors, initiatives = demo_graph
    group = {a.id: a.sector or f"({a.kind})" for a in actors}
    whole_graph = co_creation_graph(actors, initiatives)
    drammen = whole_graph.subgraph({a.id for a in actors if a.municipality == "Drammen"})
    view = demo.get("/api/v1/map?municipality=Drammen").json["summary"]
    assert view["scope"] == {"basis": "municipality", "municipality": "Drammen"}
    across = sum(group[u] != group[v] for u, v in drammen.edges)
    assert view["cross_sector_share"] == pytest.approx(across / drammen.number_of_edges(), abs=1e-4)
    whole = demo.get("/api/v1/map").json["summary"]
    focus = demo.get("/api/v1/map?focus=drammen-bibliotek").json["summary"]
    assert focus["scope"] == {"basis": "network"}
    assert focus["most_closed_sector"] == whole["most_closed_sector"]
    assert focus["cross_sector_share"] == whole["cross_sector_share"]
    own = list(whole_graph.edges("drammen-bibliotek"))
    assert focus["focus"]["ties"] == len(own)
    assert focus["focus"]["cross_sector_share"] == pytest.approx(
        sum(group[u] != group[v] for u, v in own) / len(own), abs=1e-4)
    page = demo.get("/map?focus=drammen-bibliotek").get_data(as_text=True)
    assert "Tallene under gjelder hele nettverket." in page and "Fokuset endrer dem ikke" in page


def test_focus_shows_an_actors_neighbourhood_centred_and_in_rings(demo):
    profile = demo.get("/api/v1/actors/alta-bibliotek/profile").json
    one = demo.get("/api/v1/map?focus=alta-bibliotek").json
    assert {n["id"] for n in one["nodes"]} == {"alta-bibliotek"} | {p["id"] for p in profile["partners"]}
    for depth in (1, 2, 3):
        view = demo.get(f"/api/v1/map?focus=alta-bibliotek&depth={depth}").json
        xy = {n["id"]: np.array((n["x"], n["y"])) for n in view["nodes"]}
        every = np.array(list(xy.values()))
        focus = next(n for n in view["nodes"] if n["role"] == "focus")
        assert focus["id"] == "alta-bibliotek" and focus["distance"] == 0
        # The focus is the centre of its view.
        centre = (every.max(axis=0) + every.min(axis=0)) / 2
        assert np.hypot(*(xy[focus["id"]] - centre)) <= 0.05 * float(np.ptp(every, axis=0).max())
        # Its direct partners around it, each further step on a ring further out.
        reach = {}
        for n in view["nodes"]:
            reach.setdefault(n["distance"], []).append(float(np.hypot(*(xy[n["id"]] - xy[focus["id"]]))))
        assert max(reach) == depth
        for d in range(1, depth):
            assert max(reach[d]) < min(reach[d + 1])
        radius = np.array([max(n["size"].values()) for n in view["nodes"]])
        assert np.all(distances(every) >= radius[:, None] + radius[None, :])
    assert demo.get("/api/v1/map?focus=alta-bibliotek&depth=4").status_code == 422
    missing = demo.get("/api/v1/map?focus=nobody")
    assert missing.status_code == 404 and missing.json["field"] == "focus"


def test_big_maps_aggregate_into_bubbles_that_show_their_sectors(demo_graph):
    actors, initiatives = demo_graph
    base = map_base(actors, initiatives)
    view = map_view(base, MapFilter(), threshold=50)
    assert view.aggregated == "municipality"
    assert sum(n["count"] for n in view.nodes) == view.counts["actors"] == len(actors)
    assert all(n["drill"] == {"municipality": n["group"]} for n in view.nodes)
    for bubble in view.nodes:  # composition by sector: counts add up, colours from the legend
        parts = bubble["composition"]["sector"]
        assert sum(p["count"] for p in parts) == bubble["count"]
        here = [a for a in actors if a.municipality == bubble["group"]]
        assert {p["value"]: p["count"] for p in parts} == {
            g: sum((a.sector or f"({a.kind})") == g for a in here) for g in {a.sector or f"({a.kind})" for a in here}}
    by_size = sorted(view.nodes, key=lambda n: n["count"])
    assert by_size[0]["size"]["degree"] < by_size[-1]["size"]["degree"]  # bubble size: actor count
    # Ties between bubbles: distinct actor ties across the two municipalities.
    muni = {a.id: a.municipality for a in actors}
    graph = co_creation_graph(actors, initiatives)
    expected: dict = {}
    for u, v in graph.edges:
        if muni[u] != muni[v]:
            key = frozenset((f"municipality:{muni[u]}", f"municipality:{muni[v]}"))
            expected[key] = expected.get(key, 0) + 1
    assert {frozenset((e["from"], e["to"])): e["weight"] for e in view.edges} == expected
    assert 1 <= view.legend["min_ties"] <= max(expected.values())
    # Drill-down: a group's own, laid-out view.
    drilled = map_view(base, MapFilter(municipality="Alta"), threshold=50)
    assert drilled.aggregated is None and drilled.counts["actors"] < 50
    by_sector = map_view(base, MapFilter(group="sector"))
    assert by_sector.aggregated == "sector" and any(n["id"] == "sector:skole" for n in by_sector.nodes)
    skole = next(n for n in by_sector.nodes if n["id"] == "sector:skole")
    assert [p["value"] for p in skole["composition"]["sector"]] == ["skole"]
    radius = np.array([n["size"]["degree"] for n in by_sector.nodes])
    xy = np.array([(n["x"], n["y"]) for n in by_sector.nodes])
    assert np.all(distances(xy) >= radius[:, None] + radius[None, :])  # no bubble on another


def test_colourings_use_one_colour_blind_safe_palette_everywhere(demo):
    """Sector colours are the same in every view and in the growth chart; the palette stays
    distinguishable under simulated protan-, deutan- and tritanopia (Machado, Oliveira & Fernandes
    2009, severity 1; CIELAB distance ≥ 12 between any two colours, grey included)."""
    from graphsvc.analytics.palette import MUTED, OTHER

    whole = demo.get("/api/v1/map").json
    sector = {r["value"]: r["colour"] for r in whole["legend"]["colourings"]["sector"]["rows"]}
    for url in ("/api/v1/map?municipality=Drammen", "/api/v1/map?sector=helse", "/api/v1/map?group=sector"):
        rows = demo.get(url).json["legend"]["colourings"]["sector"]["rows"]
        assert all(sector[r["value"]] == r["colour"] for r in rows), url
    assert sector["bibliotek"] == MUTED[0] and sector["(association)"] == OTHER
    chart = demo.get("/growth/chart/sectors.svg").get_data(as_text=True).lower()
    metrics = demo.get("/metrics?permutations=0").get_data(as_text=True)
    for name in ("skole", "helse", "kultur"):
        assert sector[name].lower() in chart, name
        assert f'<span class="swatch" style="background: {sector[name]}" aria-hidden="true"></span> {name}' in metrics
    for colouring in ("municipality", "kind", "community"):
        rows = whole["legend"]["colourings"][colouring]["rows"]
        assert rows and {r["colour"] for r in rows} <= set(MUTED) | {OTHER}, colouring
    assert all(n["colours"]["community"] in set(MUTED) | {OTHER} for n in whole["nodes"])

    def lab(hex_colour, matrix):
        rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        linear = np.clip(matrix @ np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4), 0, 1)
        xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
        t = xyz / np.array([0.95047, 1.0, 1.08883])
        f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
        return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])

    simulations = {"none": np.eye(3),
                   "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                                       [-0.003882, -0.048116, 1.051998]]),
                   "deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                                       [-0.011820, 0.042940, 0.968881]]),
                   "tritan": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                                       [0.004733, 0.691367, 0.303900]])}
    colours = list(MUTED) + [OTHER]
    for name, matrix in simulations.items():
        points = [lab(c, matrix) for c in colours]
        closest = min(np.linalg.norm(points[a] - points[b]) for a in range(len(points)) for b in range(a))
        assert closest >= 12, name


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


def test_the_compact_form_holds_the_same_view(demo):
    """The page reads arrays (``shape=columns``); they hold what the records hold."""
    for query in ("", "?sector=kultur", "?focus=drammen-bibliotek&depth=2", "?group=municipality"):
        records = demo.get(f"/api/v1/map{query}").json
        columns = demo.get(f"/api/v1/map{query}{'&' if query else '?'}shape=columns").json
        n = columns["nodes"]
        assert n["id"] == [x["id"] for x in records["nodes"]], query
        assert n["x"] == [x["x"] for x in records["nodes"]] and n["y"] == [x["y"] for x in records["nodes"]]
        rows = columns["legend"]["colourings"]["sector"]["rows"]
        assert [rows[r]["colour"] for r in n["colour"]["sector"]] == [x["colours"]["sector"] for x in records["nodes"]]
        e = columns["edges"]
        assert [(n["id"][a], n["id"][b]) for a, b in zip(e["from"], e["to"])] == \
            [(x["from"], x["to"]) for x in records["edges"]]
        assert [date(1970, 1, 1).toordinal() + d for d in e["since"]] == \
            [date.fromisoformat(x["since"]).toordinal() for x in records["edges"]]
        assert len(demo.get(f"/api/v1/map{query}{'&' if query else '?'}shape=columns").data) < \
            len(demo.get(f"/api/v1/map{query}").data)


def test_the_url_of_a_view_reproduces_it(demo):
    """Everything a view is made of is in its URL: filters, focus, depth, grouping, time, colour, size."""
    query = ("municipality=Drammen&focus=drammen-bibliotek&depth=2&freq=quarter&view=active"
             "&colour=community&size=betweenness&at=2020-06-30")
    page = demo.get(f"/map?{query}").get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="map-config">(.*?)</script>', page, re.S)
                        .group(1))
    assert config["state"] == {"colour": "community", "size": "betweenness", "freq": "quarter", "view": "active",
                               "at": "2020-06-30", "minTies": None}
    assert config["filters"] == {"municipality": "Drammen", "focus": "drammen-bibliotek", "depth": "2"}
    assert '<option value="community" selected>' in page and '<option value="betweenness" selected>' in page
    from_page = demo.get(config["api"]).json
    direct = demo.get("/api/v1/map?municipality=Drammen&focus=drammen-bibliotek&depth=2&shape=columns"
                      "&freq=quarter").json
    assert from_page["nodes"] == direct["nodes"] and from_page["periods"] == direct["periods"]
    assert from_page["periods"][1]["label"].endswith("-Q2") or from_page["periods"][0]["label"].count("-Q")
    # Exports and the table keep the view.
    assert re.search(r'href="/map/export\.png\?[^"]*colour=community[^"]*at=2020-06-30', page)
    assert 'href="/map/table?municipality=Drammen&amp;focus=drammen-bibliotek&amp;depth=2"' in page
    assert demo.get("/map?colour=rainbow").status_code == 422
    assert demo.get("/map?min_ties=0&group=municipality").status_code == 422


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
    for url in ("/map/table?municipality=Alta", "/actors/evil", "/actors/alta-bibliotek", "/map/export.html",
                "/map/export.html?group=municipality", "/map/export.html?focus=evil&colour=kind"):
        html = demo.get(url).get_data(as_text=True)
        assert EVIL not in html and "<script>alert(2)" not in html, url
    assert "&lt;img src=x onerror=alert(1)&gt;" in demo.get("/actors/evil").get_data(as_text=True)


def test_the_table_twin_holds_the_same_actors_as_the_view(demo):
    html = demo.get("/map/table?sort=name&order=asc&municipality=Alta").get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a href="/actors/[^"]+">([^<]+)</a>', html)
    assert names == sorted(names, key=str.casefold) and len(names) > 5
    assert 'aria-sort="ascending"' in html
    found = demo.get("/map/table?q=bibliotek").get_data(as_text=True)
    assert "Alta bibliotek" in found and "Alta historielag" not in found.split('id="ties-table"')[0]
    for query in ("sector=kultur", "focus=drammen-bibliotek&depth=2", "municipality=Drammen&sector=kultur"):
        view = demo.get(f"/api/v1/map?{query}").json
        table = demo.get(f"/map/table?{query}").get_data(as_text=True)
        rows = re.findall(r'<th scope="row"><a href="/actors/([^"]+)">', table.split('id="ties-table"')[0])
        assert sorted(rows) == sorted(n["id"] for n in view["nodes"]), query
        if view["counts"]["partners"]:
            assert table.count("partner utenfor utvalget") == view["counts"]["partners"]
    groups = demo.get("/map/table?group=municipality").get_data(as_text=True)
    assert 'id="groups-table"' in groups and 'id="group-ties-table"' in groups


def test_exports_of_a_filtered_view_show_the_pages_positions(demo):
    """The standalone HTML carries the API's positions; the SVG's markers sit where they say, up to
    the picture's scale (per axis, the sorted coordinates are an exact affine image)."""
    api = demo.get("/api/v1/map?municipality=Drammen").json["nodes"]
    html = demo.get("/map/export.html?municipality=Drammen").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
                      .group(1))
    assert {n["id"]: (n["x"], n["y"]) for n in data["nodes"]} == {n["id"]: (n["x"], n["y"]) for n in api}
    assert "vis.Network" in html and not re.search(r"""<(script|link)[^>]+(src|href)=""", html)

    svg = demo.get("/map/export.svg?municipality=Drammen").get_data(as_text=True)
    drawn, given = [], []
    for kind, body in re.findall(r'<g id="actors-([a-z_]+)">(.*?)</g>', svg, re.S):  # one group per kind
        if kind == "citizen_group":
            continue  # a triangle's vertices do not average to its centre
        marks = re.findall(r'<use xlink:href="#[^"]+" x="([-\d.]+)" y="([-\d.]+)"|<path d="([^"]+)"', body)
        centres = []
        for x, y, path in marks:
            if path:
                points = np.array(re.findall(r"([-\d.]+) ([-\d.]+)", path), dtype=float)
                if np.allclose(points[0], points[-1]):
                    points = points[:-1]  # a closed outline repeats its first point
                centres.append(points.mean(axis=0))
            else:
                centres.append((float(x), float(y)))
        ours = [n for n in api if n["kind"] == kind]  # markers are written in the view's order
        assert len(centres) == len(ours), kind
        drawn += centres
        given += [(n["x"], n["y"]) for n in ours]
    drawn, given = np.array(drawn), np.array(given)
    assert len(given) >= 12
    for axis in (0, 1):  # vis-network's y grows downwards, like SVG's: one scale and offset per axis
        scale, offset = np.polyfit(given[:, axis], drawn[:, axis], 1)
        assert scale > 0 and np.max(np.abs(given[:, axis] * scale + offset - drawn[:, axis])) < 0.6
    png = demo.get("/map/export.png?municipality=Drammen&colour=kind&at=2019-12-31")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert EVIL.encode() not in demo.get("/map/export.svg?municipality=Alta").data


def test_the_growth_is_exported_as_gif_and_mp4(demo):
    gif = demo.get("/growth/animation.gif?municipality=Alta&freq=year")
    assert gif.status_code == 200 and gif.data[:6] == b"GIF89a"
    import io

    from PIL import Image

    frames = Image.open(io.BytesIO(gif.data)).n_frames
    assert frames == len(demo.get("/api/v1/map?municipality=Alta&freq=year").json["periods"])
    mp4 = demo.get("/growth/animation.mp4?municipality=Alta&view=active")
    assert mp4.status_code == 200 and mp4.data[4:8] == b"ftyp" and mp4.mimetype == "video/mp4"
    bubbles = demo.get("/growth/animation.gif?group=sector")
    assert bubbles.status_code == 200 and bubbles.data[:6] == b"GIF89a"


def test_an_actor_page_lists_initiatives_partners_and_numbers(demo):
    profile = demo.get("/api/v1/actors/alta-bibliotek/profile").json
    assert profile["actor"]["name"] == "Alta bibliotek"
    assert profile["metrics"]["degree"] == len(profile["partners"])
    html = demo.get("/actors/alta-bibliotek").get_data(as_text=True)
    assert profile["partners"][0]["name"] in html and profile["initiatives"][0]["title"] in html
    assert demo.get("/actors/nobody").status_code == 404
    assert demo.get("/api/v1/actors/nobody/profile").status_code == 404


def test_map_data_is_computed_once_per_graph_version_and_sent_compressed(app, demo):
    cache = app.extensions["graphsvc"].cache
    first = demo.get("/api/v1/map?group=none")
    misses = cache.misses
    again = demo.get("/api/v1/map?group=none")
    assert again.data == first.data and cache.misses == misses  # served from the cache
    packed = demo.get("/api/v1/map?group=none", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    import gzip

    assert gzip.decompress(packed.data) == first.data and len(packed.data) < len(first.data) / 4
    page = demo.get("/map", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers  # HTML carries tokens: not compressed (BREACH)


def test_an_actor_of_unknown_municipality_is_drawn_grey_in_its_own_bubble(app, demo):
    """Data from a study may lack the municipality (domain.md): the map, its bubbles and its table still work."""
    from graphsvc.model.entities import Actor, Initiative, Partner

    store = app.extensions["graphsvc"].store
    store.create_actor(Actor("ukjent-lag", "Ukjent lag", "association", None))
    store.create_initiative(Initiative("ukjent-kafe", "Kafé", date(2020, 3, 1), "alta-bibliotek", "library",
                                       (Partner("alta-bibliotek", "lead"), Partner("ukjent-lag", "co_creator")),
                                       category="språkkafé"))
    whole = demo.get("/api/v1/map").json
    node = next(n for n in whole["nodes"] if n["id"] == "ukjent-lag")
    assert node["municipality"] is None and node["colours"]["municipality"] == "#DDDDDD"
    bubbles = demo.get("/api/v1/map?group=municipality").json
    assert any(n["id"] == "municipality:(none)" and n["count"] == 1 for n in bubbles["nodes"])
    for url in ("/map?group=municipality", "/map/table?group=municipality", "/map/export.png?group=municipality",
                "/map/export.html?colour=municipality"):
        assert demo.get(url).status_code == 200, url
