"""The silo report and growth series from domain objects: same network as the networkx
projection, JSON-ready, undefined cases explained, karate/Florentine values end to end."""

import json
from datetime import date

import networkx as nx
import pytest

from bench.synthetic import generate
from graphsvc.analytics import structural
from graphsvc.analytics.cocreation import cocreation
from graphsvc.analytics.compact import from_domain, from_graph
from graphsvc.analytics.growth import growth_series
from graphsvc.analytics.network import co_creation_graph, invitation_graph
from graphsvc.analytics.report import silo_report
from graphsvc.model.entities import Actor, Initiative, Partner
from metrics_datasets import florentine, karate


@pytest.fixture(scope="module")
def small():
    return generate("S", seed=1, actors=150, initiatives=400)


def edge_set(c):
    return {(c.ids[a], c.ids[b], float(w), int(f)) for a, b, w, f in zip(c.u, c.v, c.weight, c.first)}


@pytest.mark.parametrize("view", ["cumulative", "active"])
@pytest.mark.parametrize("at", [None, date(2017, 6, 30), date(2024, 1, 1)])
def test_array_projection_is_the_networkx_projection(small, view, at):
    actors, initiatives = small
    p = from_domain(actors, initiatives, at=at, view=view)
    G = co_creation_graph(actors, initiatives, at=at, view=view)
    D = invitation_graph(actors, initiatives, at=at, view=view)
    assert p.ties.ids == list(G) == list(D)
    expected = {(u, v, float(d["weight"]), d["first"].toordinal()) for u, v, d in G.edges(data=True)}
    assert edge_set(p.ties) == {(min(u, v), max(u, v), w, f) for u, v, w, f in expected}
    assert edge_set(p.arcs) == {(u, v, float(d["weight"]), d["first"].toordinal()) for u, v, d in D.edges(data=True)}
    assert len(p.initiatives) == G.graph["initiatives"]


def test_report_on_karate_through_domain_objects():
    actors, initiatives = karate()
    r = silo_report(actors, initiatives, permutations=200, seed=3)
    json.dumps(r, allow_nan=False)
    assert r["counts"] == {"actors": 34, "ties": 78, "initiatives": 78, "invitations": 78, "isolates": 0,
                           "groups": 2}
    assert r["ei_index"]["network"] == pytest.approx(-56 / 78)
    assert r["ei_index"]["p_value"] == 1 / 201  # (b + 1) / (m + 1), never 0
    assert r["assortativity"]["value"] == pytest.approx(nx.attribute_assortativity_coefficient(
        nx.karate_club_graph(), "club"))
    mixing = r["mixing_matrix"]
    assert (mixing["groups"], mixing["matrix"]) == (["Mr. Hi", "Officer"], [[35, 11], [11, 32]])
    G = nx.karate_club_graph()
    ours = [r["actors"][f"n{n:02d}"] for n in G]
    assert [a["betweenness"] for a in ours] == pytest.approx(list(nx.betweenness_centrality(G).values()))
    assert [a["constraint"] for a in ours] == pytest.approx(list(nx.constraint(G).values()))
    assert r["betweenness"]["method"] == "exact"
    assert r["communities"]["group_modularity"] == pytest.approx(nx.community.modularity(
        G, [{n for n in G if G.nodes[n]["club"] == c} for c in ("Mr. Hi", "Officer")], weight=None))
    assert silo_report(actors, initiatives, permutations=200, seed=3) == r


def test_weighted_report_uses_initiative_counts():
    actors, initiatives = karate(weighted=True)
    r = silo_report(actors, initiatives, weighted=True, permutations=0)
    G = nx.karate_club_graph()
    assert r["counts"]["initiatives"] == sum(d["weight"] for *_, d in G.edges(data=True))
    assert r["counts"]["ties"] == 78
    ours = [r["actors"][f"n{n:02d}"]["effective_size"] for n in G]
    assert ours == pytest.approx(list(nx.effective_size(G, nodes=list(G), weight="weight").values()))
    assert r["ei_index"]["permutation"] is None and r["ei_index"]["p_value"] is None


def test_report_explains_isolates_and_matches_padgett():
    r = silo_report(*florentine(), permutations=0)
    pucci = r["actors"]["pucci"]
    assert pucci["degree"] == 0
    assert pucci["ei_index"] is pucci["constraint"] is pucci["effective_size"] is pucci["blau"] is None
    assert set(pucci["undefined"]) == {"ei_index", "blau", "constraint", "effective_size"}
    assert r["actors"]["medici"]["betweenness"] == pytest.approx(47.5 / (15 * 14 / 2))


def test_sampled_betweenness_above_threshold(small, monkeypatch):
    monkeypatch.setattr(structural, "BETWEENNESS_EXACT_UP_TO", 50)
    r = silo_report(*small, permutations=0, betweenness_k=20, seed=4)
    assert r["betweenness"] == {"method": "sampled", "k": 20, "seed": 4, "normalized": True, "weighted": False}
    G = co_creation_graph(*small)
    theirs = nx.betweenness_centrality(G, k=20, seed=4)
    assert [r["actors"][n]["betweenness"] for n in G] == pytest.approx([theirs[n] for n in G])
    exact = silo_report(*small, permutations=0, exact_betweenness=True)
    assert exact["betweenness"]["method"] == "exact"


def test_report_json_has_no_nan_and_iso_dates(small):
    r = silo_report(*small, at=date(2019, 12, 31), view="active", group_by="municipality", permutations=50)
    text = json.dumps(r, allow_nan=False)
    assert r["at"] == "2019-12-31" and r["view"] == "active" and r["group_by"] == "municipality"
    assert json.loads(text)["counts"]["actors"] == len(r["actors"])
    for key in ("mixing_matrix", "ei_index", "assortativity", "actors", "communities", "cocreation"):
        assert key in r


def test_report_options_are_checked(small):
    with pytest.raises(ValueError, match="sector, kind, municipality"):
        silo_report(*small, group_by="region")
    with pytest.raises(ValueError, match="cumulative, active"):
        silo_report(*small, view="all")
    with pytest.raises(ValueError, match="permutations"):
        silo_report(*small, permutations=-5)


def test_empty_network_report():
    r = silo_report([Actor("lib", "Bibliotek", "library", "Drammen", sector="bibliotek")], [])
    json.dumps(r, allow_nan=False)
    assert r["ei_index"]["network"] is None and r["assortativity"]["reason"].startswith("no ties")
    assert r["communities"]["modularity"] is None and r["cocreation"]["external_share"] is None


# -------------------------------------------------------------------------------- co-creation


def test_cocreation_counts_by_hand():
    a = [Actor("lib", "Bibliotek", "library", "Drammen", sector="bibliotek"),
         Actor("lib2", "Filial", "library", "Drammen", sector="bibliotek"),
         Actor("skole", "Skole", "municipal_unit", "Drammen", sector="skole"),
         Actor("helse", "Helsestasjon", "municipal_unit", "Drammen", sector="helse"),
         Actor("rk", "Røde Kors", "association", "Drammen")]

    def ini(i, initiator, *partners, day=1):
        return Initiative(i, i, date(2021, 1, day), initiator, "library",
                          tuple(Partner(p, "lead" if p == initiator else "co_creator") for p in partners))

    initiatives = [
        ini("a", "skole", "skole", "lib"),                    # lib invited by a unit; internal only
        ini("b", "lib", "lib", "helse", "rk"),                # lib initiates with a unit; co-creation
        ini("c", "lib", "lib", "rk"),                         # co-creation, no unit
        ini("d", "helse", "helse", "lib", "lib2", "rk"),      # both invited by a unit
        ini("e", "lib2", "lib2", "lib", day=20),              # internal, library only
    ]
    r = cocreation(a, initiatives)
    assert (r["initiatives"], r["with_external"], r["internal_only"]) == (5, 3, 2)
    assert r["external_share"] == 0.6
    assert r["libraries"]["lib"] == {"initiated": 2, "partner_in": 3, "initiated_with_municipal_units": 1,
                                     "invited_by_municipal_units": 2}
    assert r["libraries"]["lib2"] == {"initiated": 1, "partner_in": 1, "initiated_with_municipal_units": 0,
                                      "invited_by_municipal_units": 1}
    assert r["summary"]["invited_by_municipal_units_share"] == 1.0
    assert r["summary"]["initiated_with_municipal_units_share"] == 0.5
    assert cocreation(a, initiatives, at=date(2021, 1, 10))["initiatives"] == 4


# ------------------------------------------------------------------------------------- growth


@pytest.mark.parametrize("view", ["cumulative", "active"])
def test_growth_series_equals_snapshots_of_the_projection(small, view):
    actors, initiatives = small
    series = growth_series(actors, initiatives, freq="year", view=view)
    assert [s["period_end"][5:] for s in series] == ["12-31"] * len(series)
    for snap in series:
        at = date.fromisoformat(snap["period_end"])
        G = co_creation_graph(actors, initiatives, at=at, view=view)
        assert (snap["actors"], snap["ties"], snap["initiatives"]) == (
            G.number_of_nodes(), G.number_of_edges(), G.graph["initiatives"])
        report = silo_report(actors, initiatives, at=at, view=view, permutations=0)
        assert snap["ei_index"] == pytest.approx(report["ei_index"]["network"])
        assert snap["ei_by_sector"] == pytest.approx(report["ei_index"]["groups"])
        assert snap["library_degree"] == {n: G.degree(n) for n in G if G.nodes[n]["kind"] == "library"}
        if snap["ties"]:
            cross = sum(report["mixing_matrix"]["matrix"][i][j] for i in range(len(report["mixing_matrix"]["groups"]))
                        for j in range(i + 1, len(report["mixing_matrix"]["groups"])))
            assert snap["cross_sector_share"] == pytest.approx(cross / snap["ties"])


def test_growth_frequencies(small):
    q = growth_series(*small, freq="quarter")
    m = growth_series(*small, freq="month")
    assert len(m) == 3 * len(q) or abs(len(m) - 3 * len(q)) <= 2
    assert q[-1]["ties"] == m[-1]["ties"] == from_graph(co_creation_graph(*small)).m
    assert growth_series(*small, freq="quarter", until=date(2030, 1, 1))[-1]["period_end"] == "2030-03-31"
    with pytest.raises(ValueError, match="year, quarter, month"):
        growth_series(*small, freq="week")
    assert growth_series(small[0], []) == []
