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
    # No random relabelling is as closed as the real split: p is 1/(m + 1), never 0 (Phipson and Smyth 2010).
    assert a["p_value"] == 1 / 301
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


def _small_three_group_graph():
    """8 actors in groups of 3, 3 and 2 with a closed group a, an open group c, weights 1–3."""
    G = nx.Graph()
    groups = {0: "a", 1: "a", 2: "a", 3: "b", 4: "b", 5: "b", 6: "c", 7: "c"}
    for n, g in groups.items():
        G.add_node(n, sector=g)
    G.add_weighted_edges_from([(0, 1, 2), (1, 2, 1), (0, 2, 3), (2, 3, 1), (3, 4, 1), (4, 5, 2), (5, 6, 1),
                               (6, 0, 1), (7, 4, 1), (7, 1, 2)])
    return G


def _brute_group_ei(G, label_of, weighted, convention="ties"):
    """Each group's E-I by looping over the edges (plain Python, independent of the kernels)."""
    parts = {g: [0.0, 0.0] for g in set(label_of.values())}
    for u, v, d in G.edges(data=True):
        w = d["weight"] if weighted else 1
        gu, gv = label_of[u], label_of[v]
        if gu == gv:
            parts[gu][1] += w * (2 if convention == "members" else 1)
        else:
            parts[gu][0] += w
            parts[gv][0] += w
    return {g: (None if e + i == 0 else (e - i) / (e + i)) for g, (e, i) in parts.items()}


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("convention", ["ties", "members"])
def test_group_p_values_equal_a_brute_force_run_of_the_same_shuffles(weighted, convention):
    """The same seed, the same shuffles: numpy's generator draws ``permutation(codes)`` in node order;
    each group's E-I is then recounted edge by edge and compared with the observed one."""
    import numpy as np

    G = _small_three_group_graph()
    permutations, seed = 400, 11
    r = ei_index(G, weighted=weighted, convention=convention, permutations=permutations, seed=seed)
    nodes = list(G)
    labels = sorted({G.nodes[n]["sector"] for n in nodes})
    codes = np.array([labels.index(G.nodes[n]["sector"]) for n in nodes], dtype=np.int64)
    observed = _brute_group_ei(G, {n: G.nodes[n]["sector"] for n in nodes}, weighted, convention)
    assert observed == pytest.approx(r["groups"])
    rng = np.random.default_rng(seed)
    at_most = {g: 0 for g in labels}
    defined = {g: 0 for g in labels}
    for _ in range(permutations):
        shuffled = rng.permutation(codes)
        values = _brute_group_ei(G, {n: labels[c] for n, c in zip(nodes, shuffled)}, weighted, convention)
        for g in labels:
            if values[g] is not None:
                defined[g] += 1
                at_most[g] += values[g] <= observed[g] + 1e-12
    # (b + 1) / (m + 1): the observed labelling counts as one of the shuffles (Phipson and Smyth 2010)
    assert r["group_p_values"] == {g: (at_most[g] + 1) / (defined[g] + 1) for g in labels}
    assert all(p > 0 for p in r["group_p_values"].values())
    assert set(r["group_p_values"]) == set(r["groups"])  # keyed like the groups


def test_group_p_values_approach_the_exact_permutation_distribution():
    """Against all 8!/(3!·3!·2!) = 560 distinct relabellings, each as likely as any other."""
    G = _small_three_group_graph()
    nodes = list(G)
    sizes = Counter(G.nodes[n]["sector"] for n in nodes)
    observed = _brute_group_ei(G, {n: G.nodes[n]["sector"] for n in nodes}, False)
    seen, at_most = set(), Counter()
    total = 0
    for labelling in itertools.permutations([g for g, s in sorted(sizes.items()) for _ in range(s)]):
        if labelling in seen:
            continue
        seen.add(labelling)
        total += 1
        values = _brute_group_ei(G, dict(zip(nodes, labelling)), False)
        for g, value in values.items():
            at_most[g] += value is not None and value <= observed[g] + 1e-12
    assert total == 560
    exact = {g: at_most[g] / total for g in sizes}  # every group has ties in every relabelling here
    r = ei_index(G, permutations=20_000, seed=3)
    for g, p in exact.items():
        assert r["group_p_values"][g] == pytest.approx(p, abs=0.015), g
    assert exact["a"] < 0.1  # the closed group is a silo at the 10 % level
    assert r["permutation"]["p_two_sided"] == min(1.0, 2 * min(r["permutation"]["p_le"], r["permutation"]["p_ge"]))
    assert "shuffled" in r["permutation"] and "one-sided" in r["permutation"]["alternative"]


def test_group_p_values_are_none_when_undefined_or_skipped():
    G = nx.Graph([(1, 2)])
    G.add_node(3)
    nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b"}, "sector")
    r = ei_index(G, permutations=50)
    assert r["group_p_values"]["b"] is None  # b has no ties: its E-I is undefined
    assert ei_index(G)["group_p_values"] == {"a": None, "b": None}


def test_mixing_shares_and_ratios_against_hand_counts(karate):
    m = mixing_matrix(karate, "club")
    views = silo.mixing_shares_and_ratios(m["matrix"])
    ties = karate.number_of_edges()
    for g, row in enumerate(m["matrix"]):
        assert sum(views["row_shares"][g]) == pytest.approx(1)
        ends = sum(d for n, d in karate.degree() if karate.nodes[n]["club"] == m["groups"][g])
        for h, observed in enumerate(row):
            other = sum(d for n, d in karate.degree() if karate.nodes[n]["club"] == m["groups"][h])
            expected = ends * other / (2 * ties) if g != h else ends * ends / (4 * ties)
            assert views["expected"][g][h] == pytest.approx(expected)
            assert views["ratio"][g][h] == pytest.approx(observed / expected)
    upper = sum(views["expected"][g][h] for g in range(2) for h in range(g, 2))
    assert upper == pytest.approx(ties)  # the expected ties add up to the ties there are
