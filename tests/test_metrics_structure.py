"""Betweenness, Burt's measures, Louvain and Gould–Fernandez brokerage: the numpy/igraph fast
paths against networkx, igraph and brute-force path counts."""

import random

import igraph as ig
import networkx as nx
import pytest

from graphsvc.analytics.brokerage import ROLES, brokerage
from graphsvc.analytics.structural import betweenness, constraint, effective_size, louvain, modularity


def random_weighted_graphs(count=40):
    for seed in range(count):
        rng = random.Random(seed)
        G = nx.gnp_random_graph(rng.randint(1, 30), rng.random() * 0.4, seed=seed)
        for u, v in G.edges:
            G[u][v]["weight"] = rng.randint(1, 5)
        yield G


@pytest.mark.parametrize("weighted", [False, True])
def test_constraint_and_effective_size_match_networkx(weighted):
    weight = "weight" if weighted else None
    graphs = [nx.karate_club_graph(), nx.florentine_families_graph(), *random_weighted_graphs()]
    for G in graphs:
        ours_c, ours_e = constraint(G, weighted=weighted), effective_size(G, weighted=weighted)
        theirs_c = nx.constraint(G, weight=weight)
        theirs_e = nx.effective_size(G, nodes=list(G), weight=weight)  # the correct, slow path
        for n in G:
            if G.degree(n) == 0:
                assert ours_c[n] is None and ours_e[n] is None
            else:
                assert ours_c[n] == pytest.approx(theirs_c[n], abs=1e-12)
                assert ours_e[n] == pytest.approx(theirs_e[n], abs=1e-12)


def test_constraint_matches_igraph():
    G = nx.karate_club_graph()
    g = ig.Graph(n=34, edges=list(G.edges))
    g.es["weight"] = [d["weight"] for *_, d in G.edges(data=True)]
    assert list(constraint(G).values()) == pytest.approx(g.constraint())
    assert list(constraint(G, weighted=True).values()) == pytest.approx(g.constraint(weights="weight"))


def test_binary_effective_size_is_borgattis_formula():
    G = nx.karate_club_graph()
    es = effective_size(G)
    for n in G:
        d = G.degree(n)
        t = G.subgraph(G[n]).number_of_edges()
        assert es[n] == pytest.approx(d - 2 * t / d)


def test_exact_betweenness_matches_networkx_and_padgett():
    for G in (nx.karate_club_graph(), nx.florentine_families_graph(), *random_weighted_graphs(10)):
        ours, theirs = betweenness(G), nx.betweenness_centrality(G)
        assert [ours[n] for n in G] == pytest.approx([theirs[n] for n in G], abs=1e-12)
    # The Medici broker 47.5 of the pairs' shortest paths in Padgett's marriage network.
    assert betweenness(nx.florentine_families_graph(), normalized=False)["Medici"] == pytest.approx(47.5)


@pytest.mark.parametrize("k, seed", [(5, 0), (12, 3), (33, 9)])
def test_sampled_betweenness_is_networkx_estimator_with_same_sample(k, seed):
    G = nx.karate_club_graph()
    ours, theirs = betweenness(G, k=k, seed=seed), nx.betweenness_centrality(G, k=k, seed=seed)
    assert [ours[n] for n in G] == pytest.approx([theirs[n] for n in G], abs=1e-12)


def test_modularity_matches_networkx():
    G = nx.karate_club_graph()
    clubs = [{n for n in G if G.nodes[n]["club"] == c} for c in ("Mr. Hi", "Officer")]
    assert modularity(G, clubs) == pytest.approx(nx.community.modularity(G, clubs, weight=None))
    assert modularity(G, clubs, weighted=True) == pytest.approx(nx.community.modularity(G, clubs))
    assert modularity(nx.empty_graph(3), [{0, 1, 2}]) is None


def test_louvain_is_seeded_and_finds_good_partitions():
    G = nx.karate_club_graph()
    a, b = louvain(G, seed=5), louvain(G, seed=5)
    assert a == b
    assert a["modularity"] == pytest.approx(modularity(G, a["membership"]))
    best_nx = max(nx.community.modularity(G, nx.community.louvain_communities(G, seed=s, weight=None), weight=None)
                  for s in range(5))
    best_ours = max(louvain(G, seed=s)["modularity"] for s in range(5))
    assert best_ours == pytest.approx(best_nx, abs=0.005)  # 0.4198 is karate's optimum
    assert sorted(a["sizes"], reverse=True) == a["sizes"] and sum(a["sizes"]) == 34


# ---------------------------------------------------------------------------------- brokerage


def brute_brokerage(D, attribute="sector"):
    """Enumerate every a → b → c and classify it by the paths in Gould & Fernandez (1989)."""
    table = {("A", "A", "A"): "coordinator", ("A", "B", "A"): "itinerant", ("A", "A", "B"): "representative",
             ("A", "B", "B"): "gatekeeper", ("A", "B", "C"): "liaison"}
    result = {n: dict.fromkeys(ROLES, 0) for n in D}
    for b in D:
        for a in D.predecessors(b):
            for c in D.successors(b):
                if len({a, b, c}) < 3 or D.has_edge(a, c):
                    continue
                letters = {}
                pattern = tuple(letters.setdefault(D.nodes[x][attribute], "ABC"[len(letters)]) for x in (a, b, c))
                result[b][table[pattern]] += 1
    return result


def test_brokerage_roles_on_hand_made_paths():
    # s (skole) → lib (bibliotek) → h: the role depends only on h's sector.
    cases = {"skole": "itinerant", "bibliotek": "gatekeeper", "helse": "liaison"}
    for sector, role in cases.items():
        D = nx.DiGraph([("s", "lib"), ("lib", "h")])
        nx.set_node_attributes(D, {"s": "skole", "lib": "bibliotek", "h": sector}, "sector")
        assert brokerage(D)["lib"] == {r: int(r == role) for r in ROLES}
    # A → A → B is representative, A → A → A coordinator.
    D = nx.DiGraph([("lib1", "lib2"), ("lib2", "skole"), ("lib2", "lib3")])
    nx.set_node_attributes(D, {"lib1": "bibliotek", "lib2": "bibliotek", "lib3": "bibliotek", "skole": "skole"},
                           "sector")
    assert brokerage(D)["lib2"] == {"coordinator": 1, "itinerant": 0, "gatekeeper": 0, "representative": 1,
                                    "liaison": 0}
    # A direct tie a → c closes the pair: nobody brokers it. a → b → a is not a pair either.
    D.add_edge("lib1", "skole")
    D.add_edge("lib3", "lib2")
    assert brokerage(D)["lib2"] == {"coordinator": 1, "itinerant": 0, "gatekeeper": 0, "representative": 1,
                                    "liaison": 0}


def test_brokerage_star_counts():
    # Hub h (group X) invited by 3 members of A and inviting 2 of A, 2 of B: 3 · 4 = 12 pairs.
    D = nx.DiGraph()
    groups = {"h": "X", "a1": "A", "a2": "A", "a3": "A", "a4": "A", "a5": "A", "b1": "B", "b2": "B"}
    D.add_edges_from([("a1", "h"), ("a2", "h"), ("a3", "h"), ("h", "a4"), ("h", "a5"), ("h", "b1"), ("h", "b2")])
    nx.set_node_attributes(D, groups, "sector")
    assert brokerage(D)["h"] == {"coordinator": 0, "itinerant": 6, "gatekeeper": 0, "representative": 0,
                                 "liaison": 6}


def test_brokerage_matches_brute_force_on_random_graphs():
    for seed in range(150):
        rng = random.Random(seed)
        D = nx.gnp_random_graph(rng.randint(1, 25), rng.random() * 0.5, seed=seed, directed=True)
        nx.set_node_attributes(D, {n: rng.choice("abcd"[: rng.randint(1, 4)]) for n in D}, "sector")
        assert brokerage(D) == brute_brokerage(D), seed


def test_brokerage_needs_a_directed_graph():
    with pytest.raises(ValueError, match="directed"):
        brokerage(nx.path_graph(3))
