"""Mixing matrix, E-I index, assortativity and Blau: against karate/Florentine values, networkx
and brute-force counts written independently of the numpy kernels."""

import doctest
import itertools
import random
from collections import Counter

import networkx as nx
import pytest

from graphsvc.analytics import brokerage as brokerage_module, cocreation as cocreation_module, growth, silo, structural
from graphsvc.analytics.silo import actor_ei_index, attribute_assortativity, blau_index, ei_index, mixing_matrix


@pytest.mark.parametrize("module", [silo, structural, brokerage_module, cocreation_module, growth])
def test_docstring_examples_run(module):
    failed, _ = doctest.testmod(module)
    assert failed == 0


@pytest.fixture
def karate():
    return nx.karate_club_graph()


def brute_ei(G, attribute, weight=None):
    """E-I by looping over edges: (network, {group: (E, I)}) with internal ties counted once."""
    e = i = 0
    per = {}
    for u, v, d in G.edges(data=True):
        w = d.get(weight, 1) if weight else 1
        gu, gv = G.nodes[u][attribute], G.nodes[v][attribute]
        if gu == gv:
            i += w
            per.setdefault(gu, [0, 0])[1] += w
        else:
            e += w
            per.setdefault(gu, [0, 0])[0] += w
            per.setdefault(gv, [0, 0])[0] += w
    return (e - i) / (e + i), per


def test_karate_club_split_is_a_silo(karate):
    # 78 ties, 11 of them across the two clubs of networkx's `club` attribute.
    r = ei_index(karate, "club")
    assert (r["internal"], r["external"]) == (67, 11)
    assert r["network"] == pytest.approx((11 - 67) / 78) == pytest.approx(-0.717949, abs=1e-6)
    network, per = brute_ei(karate, "club")
    assert r["network"] == pytest.approx(network)
    for group, (e, i) in per.items():
        assert r["groups"][group] == pytest.approx((e - i) / (e + i))
    # Expected under random mixing, 17/17 split: I* = 2·C(17,2) = 272, E* = 17·17 = 289.
    assert r["expected"] == pytest.approx((289 - 272) / 561)
    assert r["expected_groups"]["Mr. Hi"] == pytest.approx((289 - 136) / (289 + 136))


def test_group_conventions_differ_only_in_internal_count(karate):
    ties = ei_index(karate, "club", convention="ties")
    members = ei_index(karate, "club", convention="members")
    assert ties["network"] == members["network"]
    _, per = brute_ei(karate, "club")
    for group, (e, i) in per.items():
        assert members["groups"][group] == pytest.approx((e - 2 * i) / (e + 2 * i))
    # Members' sums are the per-actor counts added up.
    actor = {n: Counter() for n in karate}
    for u, v in karate.edges:
        same = karate.nodes[u]["club"] == karate.nodes[v]["club"]
        for x in (u, v):
            actor[x]["I" if same else "E"] += 1
    for group in per:
        e = sum(actor[n]["E"] for n in karate if karate.nodes[n]["club"] == group)
        i = sum(actor[n]["I"] for n in karate if karate.nodes[n]["club"] == group)
        assert members["groups"][group] == pytest.approx((e - i) / (e + i))


def test_weighted_ei_sums_weights(karate):
    network, per = brute_ei(karate, "club", weight="weight")
    r = ei_index(karate, "club", weighted=True)
    assert r["network"] == pytest.approx(network)
    assert r["groups"]["Officer"] == pytest.approx((per["Officer"][0] - per["Officer"][1]) / sum(per["Officer"]))


def test_permutation_p_value_is_seeded_and_reproducible(karate):
    a = ei_index(karate, "club", permutations=300, seed=7)
    b = ei_index(karate, "club", permutations=300, seed=7)
    assert a["p_value"] == b["p_value"] and a["permutation"] == b["permutation"]
    assert a["p_value"] == 0.0  # no random relabelling is as closed as the real split
    assert a["permutation"]["p_ge"] == 1.0
    assert abs(a["permutation"]["mean"] - a["expected"]) < 0.03


def test_permutation_p_value_for_random_groups_is_not_small():
    G = nx.gnm_random_graph(60, 150, seed=1)
    rng = random.Random(1)
    nx.set_node_attributes(G, {n: rng.choice("abc") for n in G}, "sector")
    p1 = ei_index(G, permutations=400, seed=1)["p_value"]
    assert 0.05 < p1 < 0.95
    assert 0 <= ei_index(G, permutations=400, seed=2)["p_value"] <= 1


def test_actor_ei_matches_brute_force(karate):
    values = actor_ei_index(karate, "club")
    for n in karate:
        same = sum(karate.nodes[m]["club"] == karate.nodes[n]["club"] for m in karate[n])
        other = karate.degree(n) - same
        assert values[n] == pytest.approx((other - same) / (other + same))


def test_mixing_matrix_against_networkx(karate):
    ours = mixing_matrix(karate, "club")
    theirs = nx.attribute_mixing_dict(karate, "club")
    for a, b in itertools.product(ours["groups"], repeat=2):
        expected = theirs[a].get(b, 0) // (2 if a == b else 1)  # networkx counts both directions
        assert ours["matrix"][ours["groups"].index(a)][ours["groups"].index(b)] == expected
    weighted = mixing_matrix(karate, "club", weighted=True)
    total = sum(d["weight"] for *_, d in karate.edges(data=True))
    m = weighted["matrix"]
    assert m[0][0] + m[0][1] + m[1][1] == total


def test_assortativity_against_networkx(karate):
    assert attribute_assortativity(karate, "club") == pytest.approx(
        nx.attribute_assortativity_coefficient(karate, "club"))
    assert attribute_assortativity(karate, "club") == pytest.approx(0.717531, abs=1e-6)
    # Weighted: a tie of weight w is w parallel edges in networkx's (multigraph-counting) version.
    multi = nx.MultiGraph()
    multi.add_nodes_from(karate.nodes(data=True))
    for u, v, d in karate.edges(data=True):
        multi.add_edges_from([(u, v)] * d["weight"])
    assert attribute_assortativity(karate, "club", weighted=True) == pytest.approx(
        nx.attribute_assortativity_coefficient(multi, "club"))


def test_assortativity_is_computed_on_the_simple_projection(karate):
    multi = nx.MultiGraph(karate)
    multi.add_edges_from(list(karate.edges)[:20])  # duplicate ties
    multi.add_edge(0, 0)  # a self-tie
    assert attribute_assortativity(multi, "club") == pytest.approx(attribute_assortativity(karate, "club"))


def test_directed_assortativity_conventions():
    D = nx.DiGraph([(1, 2), (1, 3), (3, 4), (4, 1)])
    nx.set_node_attributes(D, {1: "a", 2: "a", 3: "b", 4: "b"}, "sector")
    assert attribute_assortativity(D) == pytest.approx(nx.attribute_assortativity_coefficient(D, "sector"))
    assert attribute_assortativity(D, directed="symmetrized") == pytest.approx(
        attribute_assortativity(D.to_undirected()))


def test_blau_against_brute_force(karate):
    for weighted in (False, True):
        values = blau_index(karate, "club", weighted=weighted)
        for n in karate:
            share = Counter()
            for m in karate[n]:
                share[karate.nodes[m]["club"]] += karate[n][m]["weight"] if weighted else 1
            total = sum(share.values())
            assert values[n] == pytest.approx(1 - sum((x / total) ** 2 for x in share.values()))
    normalized = blau_index(karate, "club", normalized=True)
    assert normalized[0] == pytest.approx(blau_index(karate, "club")[0] / 0.5)


def test_florentine_wealth_groups():
    from metrics_datasets import FLORENTINE_WEALTH

    G = nx.florentine_families_graph()
    nx.set_node_attributes(G, {f: "rich" if FLORENTINE_WEALTH[f] >= 40 else "less-rich" for f in G}, "sector")
    network, _ = brute_ei(G, "sector")
    assert ei_index(G)["network"] == pytest.approx(network)
    assert attribute_assortativity(G) == pytest.approx(nx.attribute_assortativity_coefficient(G, "sector"))


# ------------------------------------------------------------------------------ undefined cases


def test_single_group_is_undefined_not_minus_one():
    G = nx.path_graph(4)
    nx.set_node_attributes(G, "skole", "sector")
    r = ei_index(G, permutations=10)
    assert r["network"] is None and r["groups"]["skole"] is None and r["expected"] is None
    assert "one group" in r["undefined"]["network"] and "one group" in r["undefined"]["groups"]["skole"]
    assert r["p_value"] is None
    assert attribute_assortativity(G) is None
    assert set(actor_ei_index(G).values()) == {None}
    assert set(blau_index(G).values()) == {0.0}
    assert set(blau_index(G, normalized=True).values()) == {None}


def test_isolates_and_groups_without_ties():
    G = nx.Graph([(1, 2)])
    G.add_nodes_from([3, 4])
    nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "c"}, "sector")
    r = ei_index(G)
    assert r["network"] == -1.0
    assert r["groups"] == {"a": -1.0, "b": None, "c": None}
    assert r["undefined"]["groups"]["b"].startswith("no ties")
    assert actor_ei_index(G)[3] is None and blau_index(G)[3] is None


def test_no_ties_at_all():
    G = nx.empty_graph(3)
    nx.set_node_attributes(G, {0: "a", 1: "b", 2: "b"}, "sector")
    r = ei_index(G, permutations=5)
    assert r["network"] is None and r["undefined"]["network"].startswith("no ties")
    assert attribute_assortativity(G) is None


def test_missing_attribute_groups_by_kind():
    G = nx.Graph([("lib", "rk"), ("lib", "skole"), ("rk", "kor")])
    nx.set_node_attributes(G, {"lib": "library", "rk": "association", "skole": "municipal_unit",
                               "kor": "association"}, "kind")
    nx.set_node_attributes(G, {"lib": "bibliotek", "skole": "Skole "}, "sector")
    assert mixing_matrix(G)["groups"] == ["bibliotek", "Skole ", "(association)"]
    assert ei_index(G)["groups"]["(association)"] == pytest.approx((1 - 1) / 2)
    assert mixing_matrix(G, missing="single")["groups"] == ["bibliotek", "Skole ", "(none)"]


def test_sector_names_compare_case_and_space_insensitively():
    G = nx.Graph([(1, 2)])
    nx.set_node_attributes(G, {1: "Skole", 2: " skole"}, "sector")
    assert mixing_matrix(G)["groups"] == ["Skole"]


def test_options_are_checked_with_the_legal_values(karate):
    with pytest.raises(ValueError, match="ties, members"):
        ei_index(karate, "club", convention="rows")
    with pytest.raises(ValueError, match="kind, single"):
        mixing_matrix(karate, "club", missing="drop")
    with pytest.raises(ValueError, match="newman, symmetrized"):
        attribute_assortativity(karate, "club", directed="both")
    with pytest.raises(ValueError, match="non-negative"):
        ei_index(karate, "club", permutations=-1)
