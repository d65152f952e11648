"""GraphML and GEXF exports give back the same network, and other tools can read them."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from graphsvc.interchange import filter_network, from_gexf, from_graphml, to_gexf, to_graphml
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.model.errors import Invalid
from graphsvc.model.validation import parse_document

SEED = Path(__file__).resolve().parents[1] / "seed" / "demo.json"
AWKWARD = '<img src=x onerror=alert(1)> & "quotes" \'single\' ]]> <!-- æøå ÆØÅ 😀'


@pytest.fixture
def awkward_network():
    actors = [
        Actor("lib", "Drammen bibliotek & innbyggertorg", "library", "Drammen", sector="bibliotek",
              municipality_number="3301", service_model="hybrid", registered=date(2020, 1, 1),
              tags=("samskaping", "æøå; <b>", "a,b")),
        Actor("xss", AWKWARD, "association", "Bø i Telemark", org_number="974760673",
              registered=date(2021, 5, 17), tags=()),
        Actor("multi.line_~x", "Første linje\nandre linje\tmed tab", "citizen_group", "Øvre Eiker",
              registered=date(2022, 1, 1)),
        Actor("unregistered", "=1+1", "business", "Hå"),
        Actor("lonely", "Nobody's partner", "municipal_unit", "Hå", sector="skole", registered=date(2023, 3, 1)),
    ]
    initiatives = [
        Initiative("kafe-1", "Språkkafé <script>alert('x')</script> & co", date(2021, 2, 1), "lib", "library",
                   (Partner("lib", "lead"), Partner("xss", "co_creator")), category="språkkafé"),
        Initiative("bal", "Bøker rundt bålet", date(2021, 6, 1), "xss", "outside",
                   (Partner("xss", "lead"), Partner("lib", "facilitator"), Partner("multi.line_~x", "participant")),
                   category=None, ended=date(2021, 6, 1)),
        Initiative("kafe-2", "Språkkafé igjen", date(2021, 3, 1), "lib", "digital",
                   (Partner("lib", "lead"), Partner("xss", "participant"), Partner("unregistered", "co_creator")),
                   category="språkkafé", ended=date(2021, 12, 31)),
    ]
    return actors, initiatives


def by_id(items):
    return sorted(items, key=lambda x: x.id)


@pytest.fixture(scope="module")
def demo():
    actors, initiatives = parse_document(json.loads(SEED.read_text(encoding="utf-8")))
    return by_id(actors), by_id(initiatives)


EXPORTS = [pytest.param(to_graphml, from_graphml, id="graphml"), pytest.param(to_gexf, from_gexf, id="gexf")]


@pytest.mark.parametrize(("export", "read"), EXPORTS)
def test_round_trip_keeps_awkward_text(export, read, awkward_network):
    actors, initiatives = awkward_network
    back_actors, back_initiatives = read(export(actors, initiatives))
    assert back_actors == by_id(actors)
    assert back_initiatives == by_id(initiatives)


@pytest.mark.parametrize(("export", "read"), EXPORTS)
def test_round_trip_of_the_demo_network(export, read, demo):
    assert read(export(*demo)) == demo


@pytest.mark.parametrize(("export", "read"), EXPORTS)
def test_markup_is_escaped_not_injected(export, read, awkward_network):
    data = export(*awkward_network)
    assert b"<img src=x" not in data and b"<script>" not in data
    assert b"&lt;img src=x onerror=alert(1)&gt;" in data


@pytest.mark.parametrize(("export", "read"), EXPORTS)
def test_filtered_export_is_a_consistent_network(export, read, demo):
    actors, initiatives = read(export(*demo, municipality="drammen", at=date(2022, 12, 31)))
    expected = filter_network(*demo, municipality="Drammen", at=date(2022, 12, 31))
    assert actors == by_id(expected[0]) and initiatives == by_id(expected[1])
    assert initiatives and all(i.started <= date(2022, 12, 31) for i in initiatives)
    ids = {a.id for a in actors}
    assert all(set(i.actor_ids) <= ids for i in initiatives)


@pytest.mark.parametrize(("export", "read"), EXPORTS)
def test_garbage_is_refused_clearly(export, read):
    with pytest.raises(Invalid):
        read(b"this is not xml")


def test_edited_file_breaking_the_model_is_refused(awkward_network):
    data = to_graphml(*awkward_network).replace(b">library<", b">castle<")
    with pytest.raises(Invalid) as info:
        from_graphml(data)
    assert "kind" in str(info.value)


# -- what other tools see ------------------------------------------------------------------------

def test_graphml_read_by_networkx_has_attributes_and_weighted_ties(awkward_network):
    graph = nx.read_graphml(io.BytesIO(to_graphml(*awkward_network)))
    assert graph.nodes["xss"]["name"] == AWKWARD
    assert graph.nodes["xss"]["label"] == AWKWARD
    assert graph.nodes["lib"]["public"] is True and graph.nodes["lib"]["sector"] == "bibliotek"
    assert graph.nodes["lib"]["municipality_number"] == "3301"  # a string: the leading digit kept
    tie = graph["lib"]["xss"]
    assert tie["weight"] == 3 and tie["first"] == "2021-02-01" and tie["last"] == "2021-06-01"
    assert tie["initiatives"] == "bal;kafe-1;kafe-2"
    assert "lonely" in graph and graph.degree("lonely") == 0


def test_gexf_is_dynamic_and_read_by_networkx(awkward_network):
    data = to_gexf(*awkward_network)
    assert b'mode="dynamic"' in data and b'timeformat="date"' in data
    assert b'<attributes mode="static" class="node">' in data
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.graph["mode"] == "dynamic"
    assert graph.nodes["xss"]["label"] == AWKWARD
    assert graph.nodes["xss"]["start"] == "2021-02-01"  # first activity before registration
    assert graph.nodes["lib"]["start"] == "2020-01-01"  # registration before first activity
    assert "start" not in graph.nodes["unregistered"] or graph.nodes["unregistered"]["start"] == "2021-03-01"
    tie = graph["lib"]["xss"]
    assert tie["weight"] == 3
    # kafe-1 is ongoing and covers everything after it: one open spell from its start (no end
    # attribute in the file; networkx's reader turns the missing end into the string "None").
    assert [start for start, _ in tie["spells"]] == ["2021-02-01"]
    assert tie["spells"][0][1] in (None, "None")
    assert b'<spell start="2021-02-01" />' in data
    assert graph["lib"]["unregistered"]["spells"] == [("2021-03-01", "2021-12-31")]


def test_gexf_spells_of_finished_initiatives_stay_apart():
    actors = [Actor("a", "A", "association", "Hå"), Actor("b", "B", "citizen_group", "Hå")]
    initiatives = [
        Initiative("one", "En", date(2020, 1, 1), "a", "library", (Partner("a", "lead"), Partner("b", "participant")),
                   ended=date(2020, 1, 1)),
        Initiative("two", "To", date(2021, 1, 1), "b", "outside", (Partner("b", "lead"), Partner("a", "participant")),
                   ended=date(2021, 2, 1)),
    ]
    graph = nx.read_gexf(io.BytesIO(to_gexf(actors, initiatives)))
    assert graph["a"]["b"]["spells"] == [("2020-01-01", "2020-01-01"), ("2021-01-01", "2021-02-01")]
    assert from_gexf(to_gexf(actors, initiatives)) == (actors, initiatives)


def test_gexf_is_well_formed_gexf_1_2(demo):
    from xml.etree import ElementTree

    root = ElementTree.fromstring(to_gexf(*demo))
    ns = "{http://www.gexf.net/1.2draft}"
    assert root.tag == f"{ns}gexf" and root.get("version") == "1.2"
    graph = root.find(f"{ns}graph")
    declared = {a.get("id") for a in graph.iter(f"{ns}attribute")}
    used = {v.get("for") for v in graph.iter(f"{ns}attvalue")}
    assert used <= declared
    for edge in graph.iter(f"{ns}edge"):
        spells = edge.findall(f"{ns}spells/{ns}spell")
        assert spells and all(s.get("start") for s in spells)


@pytest.mark.parametrize("export, read_nodes", [
    pytest.param(to_graphml, lambda data: nx.read_graphml(io.BytesIO(data)), id="graphml"),
    pytest.param(to_gexf, lambda data: nx.read_gexf(io.BytesIO(data)), id="gexf")])
def test_node_attributes_are_plain_values_a_tool_can_filter_on(export, read_nodes, awkward_network):
    graph = read_nodes(export(*awkward_network))
    for node, data in graph.nodes(data=True):
        for key, value in data.items():
            assert isinstance(value, (str, int, float, bool)), (node, key, value)
            assert not (isinstance(value, str) and value.startswith(("[", "{"))), (node, key, value)  # no JSON
    lib = graph.nodes["lib"]
    assert (lib["kind"], lib["kind_label"]) == ("library", "Bibliotek")
    assert lib["partner_in"] == 3 and lib["initiated"] == 2 and graph.nodes["lonely"]["partner_in"] == 0
    assert lib["tags"] == "samskaping;æøå\\; <b>;a,b"  # a ";" inside a tag is escaped
    assert [n for n, d in graph.nodes(data=True) if "samskaping" in d["tags"].split(";")] == ["lib"]


def test_files_written_before_plain_attributes_are_still_read(awkward_network):
    """Initiatives as JSON in the initiator's ``initiated``, tags as JSON: the earlier GraphML."""
    actors, initiatives = awkward_network
    graph = nx.Graph(format="graphsvc/1")
    for actor in actors:
        data = {"label": actor.name, "name": actor.name, "kind": actor.kind, "municipality": actor.municipality,
                "tags": json.dumps(list(actor.tags)),
                "initiated": json.dumps([{"id": i.id, "title": i.title, "category": i.category,
                                          "started": i.started.isoformat(),
                                          "ended": i.ended.isoformat() if i.ended else None,
                                          "initiator": i.initiator, "location": i.location,
                                          "partners": [{"actor": p.actor, "role": p.role} for p in i.partners]}
                                         for i in initiatives if i.initiator == actor.id])}
        for name in ("sector", "municipality_number", "org_number", "service_model"):
            if getattr(actor, name) is not None:
                data[name] = getattr(actor, name)
        if actor.registered:
            data["registered"] = actor.registered.isoformat()
        graph.add_node(actor.id, **data)
    old = "\n".join(nx.generate_graphml(graph)).encode("utf-8")
    assert from_graphml(old) == (by_id(actors), by_id(initiatives))
