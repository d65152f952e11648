"""Standard data sets as graphsvc domain objects: Zachary's karate club and Padgett's Florentine families.

Each edge becomes one initiative with two partners (so the projection gives back the graph);
the edge weight, if any, becomes that many initiatives. The group attribute is the ``sector``:
the karate club's ``club`` ("Mr. Hi" / "Officer"), the Florentine families' faction below.
Also used to route the data through the graphsvc/1 import (``to_document``).
"""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx

from graphsvc.model.entities import Actor, Initiative, Partner, slugify

#: Wealth of the Florentine families in 1427, thousands of lira (Padgett's data, as in UCINET's
#: PADGW attributes). The families with 40 or more form group "rich", the others "less-rich".
FLORENTINE_WEALTH = {
    "Acciaiuoli": 10, "Albizzi": 36, "Barbadori": 55, "Bischeri": 44, "Castellani": 20, "Ginori": 32,
    "Guadagni": 8, "Lamberteschi": 42, "Medici": 103, "Pazzi": 48, "Peruzzi": 49, "Pucci": 3,
    "Ridolfi": 27, "Salviati": 10, "Strozzi": 146, "Tornabuoni": 48,
}


def graph_to_domain(graph: nx.Graph, group: dict, *, weighted: bool = False, kind: str = "municipal_unit",
                    start: date = date(2020, 1, 1)) -> tuple[list[Actor], list[Initiative]]:
    """Actors (sector = group) and one two-partner initiative per edge (``weight`` of them if
    ``weighted``); initiator is the edge's first end, start dates one day apart."""
    ids = {node: slugify(str(node)) if not isinstance(node, int) else f"n{node:02d}" for node in graph}
    actors = [Actor(ids[node], str(node), kind, "Testby", sector=group[node]) for node in graph]
    initiatives = []
    for u, v, data in graph.edges(data=True):
        for _ in range(int(data.get("weight", 1)) if weighted else 1):
            n = len(initiatives)
            initiatives.append(Initiative(f"e{n:04d}", f"Tie {n}", start + timedelta(days=n), ids[u], "library",
                                          (Partner(ids[u], "lead"), Partner(ids[v], "co_creator"))))
    return actors, initiatives


def karate(weighted: bool = False):
    """Zachary's karate club, sector = club (17 "Mr. Hi", 17 "Officer")."""
    graph = nx.karate_club_graph()
    return graph_to_domain(graph, nx.get_node_attributes(graph, "club"), weighted=weighted)


def florentine():
    """Padgett's Florentine marriage network (15 families with ties; Pucci isolated), sector by wealth."""
    graph = nx.florentine_families_graph()
    graph.add_node("Pucci")
    group = {f: "rich" if FLORENTINE_WEALTH[f] >= 40 else "less-rich" for f in graph}
    return graph_to_domain(graph, group)


def to_document(actors, initiatives) -> dict:
    """The graphsvc/1 interchange document for these objects."""
    from bench.synthetic import to_graphsvc_json

    return to_graphsvc_json(actors, initiatives)
