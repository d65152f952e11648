"""What the "Om målene" page (``/metrics/om-malene``) says about each number on /metrics.

For every measure: its formula, the conventions graphsvc chose, when it is undefined, the
references (with DOIs where the work has one), where the number is in the JSON and CSV exports,
and code that computes it again from those exports in Python (networkx) and R (igraph, sna). The
Python code is run by the test suite against the API's numbers (tests/test_metrics_about.py), so
what this page promises is checked. Every sentence is English marked with ``N_`` and shown through
gettext (bokmål in ``translations/nb/LC_MESSAGES/messages.po``); symbols and code are the same in both
languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphsvc.model.messages import N_


@dataclass(frozen=True)
class Reference:
    """A work cited: ``text`` is the citation as published (not translated), ``note`` an optional
    remark shown through gettext, ``doi`` its DOI (the page says when there is none)."""
    key: str
    text: str
    doi: str | None = None
    url: str | None = None
    note: str | None = None


REFERENCES = {r.key: r for r in (
    Reference("krackhardt1988", "Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational "
              "crises: an experimental simulation. Social Psychology Quarterly 51(2), 123–140.", "10.2307/2786835"),
    Reference("ucinet2002", "Borgatti, S. P., Everett, M. G. and Freeman, L. C. (2002). UCINET for Windows: "
              "Software for Social Network Analysis. Harvard, MA: Analytic Technologies.",
              note=N_("The E-I Index routine: expected value and permutation test.")),
    Reference("newman2003", "Newman, M. E. J. (2003). Mixing patterns in networks. Physical Review E 67, 026126.",
              "10.1103/PhysRevE.67.026126"),
    Reference("blau1977", "Blau, P. M. (1977). Inequality and Heterogeneity: A Primitive Theory of Social "
              "Structure. New York: Free Press."),
    Reference("gould1989", "Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation: a formal approach "
              "to brokerage in transaction networks. Sociological Methodology 19, 89–126.", "10.2307/270949"),
    Reference("freeman1977", "Freeman, L. C. (1977). A set of measures of centrality based on betweenness. "
              "Sociometry 40(1), 35–41.", "10.2307/3033543"),
    Reference("brandes2001", "Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of "
              "Mathematical Sociology 25(2), 163–177.", "10.1080/0022250X.2001.9990249"),
    Reference("brandes2007", "Brandes, U. and Pich, C. (2007). Centrality estimation in large networks. "
              "International Journal of Bifurcation and Chaos 17(7), 2303–2318.", "10.1142/S0218127407018403"),
    Reference("burt1992", "Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Cambridge, "
              "MA: Harvard University Press.", "10.4159/9780674029095"),
    Reference("blondel2008", "Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast "
              "unfolding of communities in large networks. Journal of Statistical Mechanics P10008.",
              "10.1088/1742-5468/2008/10/P10008"),
    Reference("newman2004", "Newman, M. E. J. and Girvan, M. (2004). Finding and evaluating community structure "
              "in networks. Physical Review E 69, 026113.", "10.1103/PhysRevE.69.026113"),
    Reference("phipson2010", "Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero: "
              "calculating exact p-values when permutations are randomly drawn. Statistical Applications in "
              "Genetics and Molecular Biology 9(1), article 39.", "10.2202/1544-6115.1585"),
    # Title, year and project owner as the report itself gives them (it names no separate publisher).
    Reference("report2024", "Samskaping – de langsiktige effekter av kompetanseutvikling. Rapport om "
              "pilotprosjektet Biblioteket som samskaper (2018–2020). Innlandet fylkesbibliotek, 2024.",
              note=N_("Figures 16–17: the source of the invited/initiated question.")),
)}

#: Files the code below reads, each with the address that gives it (add ?at=… and the same
#: parameters as on /metrics to reproduce a page with a date or another grouping).
EXPORTS = (
    ("network.json", "/api/v1/network"),
    ("silo.json", "/api/v1/metrics/silo"),
    ("actors.csv", "/api/v1/metrics/silo.csv?table=actors"),
    ("graph.json", "/api/v1/export?format=json"),
)

PYTHON_SETUP = '''import json
from pathlib import Path
import numpy as np
import networkx as nx

net = json.loads(Path("network.json").read_text(encoding="utf-8"))
G = nx.Graph()
for n in net["nodes"]:  # an actor without a sector is grouped by its kind, e.g. "(association)"
    G.add_node(n["id"], group=n["sector"] or f"({n['kind']})", kind=n["kind"])
for t in net["ties"]:
    G.add_edge(t["source"], t["target"], weight=t["weight"])
# The report's order: actors by id; groups alphabetically, the "(kind)" groups last.
nodes = sorted(G)
groups = sorted({G.nodes[n]["group"] for n in nodes}, key=lambda g: (g.startswith("("), g))
group_of = {n: G.nodes[n]["group"] for n in nodes}
'''

R_SETUP = '''library(jsonlite); library(igraph)
net <- fromJSON("network.json")
nodes <- net$nodes
nodes$group <- ifelse(is.na(nodes$sector), paste0("(", nodes$kind, ")"), nodes$sector)
g <- graph_from_data_frame(net$ties[, c("source", "target", "weight")], directed = FALSE,
                           vertices = nodes[, c("id", "group", "kind")])
groups <- sort(unique(V(g)$group)); groups <- c(groups[!startsWith(groups, "(")], groups[startsWith(groups, "(")])
ends_group <- matrix(V(g)$group[match(ends(g, E(g)), V(g)$name)], ncol = 2)
'''


@dataclass(frozen=True)
class Measure:
    id: str
    #: The glossary code of its name (group "measure" or "word").
    term: str
    term_group: str
    formula: str
    text: dict
    references: tuple[str, ...]
    where: str
    python: str
    r: str
    #: (variable the Python code sets, dotted path in silo.json) — the suite compares them.
    checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _t(what: str, conventions: str, undefined: str) -> dict:
    """What it is, its conventions and when it is undefined: English marked for the catalogue; the
    page shows them through gettext."""
    return {"what": what, "conventions": conventions, "undefined": undefined}


MEASURES: tuple[Measure, ...] = (
    Measure(
        "mixing-matrix", "mixing_matrix", "measure",
        N_("M[g][h] = #{ties {i, j} : group(i) = g, group(j) = h};  M[g][g] = ties inside g, each counted once"),
        _t(N_("How many ties run between two groups, and inside each group (the diagonal)."),
           N_("A tie is two actors who are partners in the same initiative (the one-mode projection). "
              "Unweighted, each tie counts once; weighted, shared initiatives are summed. Actors without a "
              "sector are grouped by their kind, in parentheses. networkx counts a tie inside a group twice on "
              "the diagonal; graphsvc once."),
           N_("Always defined; a group without ties has a row of zeros.")),
        ("newman2003",),
        ("silo.json: mixing_matrix.groups, mixing_matrix.matrix; CSV table=mixing"),
        PYTHON_SETUP + '''index = {g: i for i, g in enumerate(groups)}
M = nx.attribute_mixing_matrix(G, "group", mapping=index, normalized=False)
M[np.diag_indices_from(M)] /= 2  # networkx counts a tie inside a group twice
mixing_matrix = M.tolist()
''',
        R_SETUP + '''M <- table(factor(ends_group[, 1], groups), factor(ends_group[, 2], groups))
M <- M + t(M) - diag(diag(M))  # each tie once, inside a group once
''',
        (("mixing_matrix", "mixing_matrix.matrix"),)),
    Measure(
        "mixing-shares", "row_shares", "measure",
        N_("share[g][h] = M[g][h] / Σₕ M[g][h];   expected[g][h] = D_g·D_h / 2m (g ≠ h), D_g² / 4m (g = h);   "
           "ratio = M / expected"),
        _t(N_("The mixing matrix as row shares (how much of a group's ties go to each group) and as "
              "observed/expected: above 1 more ties than chance, below 1 fewer."),
           N_("D_g is the sum of the members' degrees (weighted: strengths), m the number of ties (weighted: "
              "total weight). The expectation is the configuration model behind Newman's assortativity: ties "
              "drawn at random with the groups' tie ends."),
           N_("A row without ties has undefined shares and ratios (empty cell, null in JSON).")),
        ("newman2003",),
        ("silo.json: mixing_matrix.row_shares, .expected, .ratio; CSV table=mixing_shares, table=mixing_ratios"),
        PYTHON_SETUP + '''index = {g: i for i, g in enumerate(groups)}
M = nx.attribute_mixing_matrix(G, "group", mapping=index, normalized=False)
M[np.diag_indices_from(M)] /= 2
ends = M.sum(axis=1) + np.diag(M)  # tie ends per group
m = np.triu(M).sum()
expected = np.outer(ends, ends) / (2 * m)
np.fill_diagonal(expected, ends ** 2 / (4 * m))
row_shares = (M / M.sum(axis=1, keepdims=True)).tolist()
ratio = (M / expected).tolist()
''',
        R_SETUP + '''M <- table(factor(ends_group[, 1], groups), factor(ends_group[, 2], groups))
M <- M + t(M) - diag(diag(M))
ends_per_group <- rowSums(M) + diag(M); m <- sum(M[upper.tri(M, diag = TRUE)])
expected <- outer(ends_per_group, ends_per_group) / (2 * m); diag(expected) <- ends_per_group^2 / (4 * m)
shares <- M / rowSums(M); ratio <- M / expected
''',
        (("row_shares", "mixing_matrix.row_shares"), ("ratio", "mixing_matrix.ratio"))),
    Measure(
        "ei-index", "ei_index", "measure",
        N_("EI = (E − I) / (E + I);   EI* = (E* − I*) / (E* + I*),  E* = n(n−1)/2 − Σ n_g(n_g−1)/2,  "
           "I* = Σ n_g(n_g−1)/2"),
        _t(N_("Krackhardt and Stern's E-I index: −1 is a closed silo (ties only inside), +1 only ties out. E "
              "counts ties between different groups, I ties inside a group. For a group g, E is the ties with "
              "one end in g, I the ties inside g; for an actor, its own ties."),
           N_("Group level: a tie inside g counts once (convention=ties, the default) or twice, as the sum of "
              "its members' counts (convention=members, as UCINET). “Expected” is the value if every possible "
              "pair were tied, given the group sizes (as UCINET); per group E*_g = n_g(n − n_g), I*_g = "
              "n_g(n_g−1)/2. Weighted, the weights are summed."),
           N_("Undefined (null with a reason) without ties (0/0), with a single group, for a group without ties "
              "and for an actor without ties.")),
        ("krackhardt1988", "ucinet2002"),
        ("silo.json: ei_index.network, .groups, .expected, .expected_groups; actors.<id>.ei_index; "
           "CSV table=groups (ei_index, ei_expected), table=actors (ei_index)"),
        PYTHON_SETUP + '''E = sum(group_of[a] != group_of[b] for a, b in G.edges())
I = G.number_of_edges() - E
ei_network = (E - I) / (E + I)
sizes = {g: sum(group_of[n] == g for n in nodes) for g in groups}
n = len(nodes)
inside = sum(s * (s - 1) / 2 for s in sizes.values())
ei_expected = (n * (n - 1) / 2 - 2 * inside) / (n * (n - 1) / 2)
ei_groups = {}
for g in groups:
    e = sum((group_of[a] == g) != (group_of[b] == g) for a, b in G.edges())
    i = sum(group_of[a] == g == group_of[b] for a, b in G.edges())
    ei_groups[g] = (e - i) / (e + i) if e + i else None
''',
        R_SETUP + '''E <- sum(ends_group[, 1] != ends_group[, 2]); I <- sum(ends_group[, 1] == ends_group[, 2])
(E - I) / (E + I)
# per group g: e <- sum(xor(ends_group[, 1] == g, ends_group[, 2] == g))
#              i <- sum(ends_group[, 1] == g & ends_group[, 2] == g)
''',
        (("ei_network", "ei_index.network"), ("ei_expected", "ei_index.expected"), ("ei_groups", "ei_index.groups"))),
    Measure(
        "permutation-test", "permutation_test", "measure",
        N_("p = (b + 1) / (m + 1),  b = #{shuffles s : EI(s) ≤ EI(observed)},  m = #shuffles   "
           "(one-sided, lower tail);   two-sided = min(1, 2·min(p_≤, p_≥))"),
        _t(N_("Is the network — or a group — more closed than chance? The group labels are shuffled among the "
              "actors many times (each group keeps its size; the ties and their weights stay where they are) "
              "and E-I is computed again each time."),
           N_("One-sided test towards the closed side: p counts the shuffles with an E-I at most the observed "
              "one. The JSON also has p_ge (the other tail) and p_two_sided. A group's p comes from "
              "the same shuffles, among those in which its E-I is defined (ei_index.group_p_values, keyed like "
              "ei_index.groups). The number of shuffles (default 500) and the seed (default 0) are in sample; "
              "the same seed gives the same p. p = (b + 1)/(m + 1), with b of the m shuffles at least as closed as "
              "observed: the observed labelling is one of the possible ones, so p is never 0 (Phipson and "
              "Smyth); the smallest p is 1/(m + 1), 1/501 with the default."),
           N_("No p when E-I is undefined or permutations=0.")),
        ("krackhardt1988", "ucinet2002", "phipson2010"),
        ("silo.json: ei_index.p_value, ei_index.group_p_values, ei_index.permutation (shuffled, alternative, "
           "p_le, p_ge, p_two_sided, groups), sample.permutations, sample.seed; CSV table=groups (ei_p_value)"),
        PYTHON_SETUP + '''index = {a: i for i, a in enumerate(nodes)}
u = np.array([index[a] for a, b in G.edges()], dtype=np.int64)
v = np.array([index[b] for a, b in G.edges()], dtype=np.int64)
codes = np.array([groups.index(group_of[a]) for a in nodes], dtype=np.int64)
k = len(groups)

def group_ei(labels):
    same = labels[u] == labels[v]
    ends = np.bincount(labels[u], minlength=k) + np.bincount(labels[v], minlength=k)
    inside = np.bincount(labels[u][same], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (len(u) - 2 * same.sum()) / len(u), (ends - 3 * inside) / (ends - inside)

observed, observed_groups = group_ei(codes)
rng = np.random.default_rng(0)  # the report's seed
shuffles = [group_ei(rng.permutation(codes)) for _ in range(500)]  # the report's permutations
# (b + 1) / (m + 1): b shuffles as closed or more out of m (Phipson and Smyth 2010)
p_value = (sum(s <= observed + 1e-12 for s, _ in shuffles) + 1) / (len(shuffles) + 1)
group_p_values = {}
for g, name in enumerate(groups):
    values = np.array([s[g] for _, s in shuffles])
    values = values[~np.isnan(values)]
    defined = observed_groups[g] == observed_groups[g]  # NaN: the group has no ties
    b = np.count_nonzero(values <= observed_groups[g] + 1e-12)
    group_p_values[name] = (b + 1) / (len(values) + 1) if defined else None
''',
        R_SETUP + '''ei <- function(labels) { a <- labels[match(ends(g, E(g))[, 1], V(g)$name)]
  b <- labels[match(ends(g, E(g))[, 2], V(g)$name)]; (sum(a != b) - sum(a == b)) / length(a) }
observed <- ei(V(g)$group)
shuffled <- replicate(500, ei(sample(V(g)$group)))
# (b + 1) / (m + 1); R's generator differs from numpy's: close to, not equal to, the report
(sum(shuffled <= observed + 1e-12) + 1) / (500 + 1)
''',
        (("p_value", "ei_index.p_value"), ("group_p_values", "ei_index.group_p_values"))),
    Measure(
        "assortativity", "assortativity", "measure",
        N_("r = (Σ_g e_gg − Σ_g a_g b_g) / (1 − Σ_g a_g b_g)"),
        _t(N_("Newman's assortativity by group: 1 is ties only inside groups, 0 as by chance, negative when "
              "ties prefer other groups."),
           N_("e is the mixing matrix normalised to sum 1 with each tie counted in both directions, a and b its "
              "row and column sums. Computed on the simple projection (no loops, no parallel ties), unweighted "
              "or weighted as chosen."),
           N_("Undefined without ties, and when all tie ends are in one group (0/0).")),
        ("newman2003",),
        ("silo.json: assortativity.value"),
        PYTHON_SETUP + '''assortativity = nx.attribute_assortativity_coefficient(G, "group")
''',
        R_SETUP + '''assortativity_nominal(g, as.integer(factor(V(g)$group)), directed = FALSE)
''',
        (("assortativity", "assortativity.value"),)),
    Measure(
        "blau", "blau", "measure",
        N_("B_i = 1 − Σ_g p_ig²,   p_ig = share of i's ties to group g"),
        _t(N_("How spread an actor's partners are over groups: 0 is all in one group, at most 1 − 1/k."),
           N_("Shares of ties (weighted: of weight). Not normalised."),
           N_("Undefined for an actor without ties.")),
        ("blau1977",),
        ("silo.json: actors.<id>.blau; CSV table=actors (blau)"),
        PYTHON_SETUP + '''from collections import Counter
blau = {}
for a in nodes:
    counts = Counter(group_of[b] for b in G[a])
    total = sum(counts.values())
    blau[a] = 1 - sum((c / total) ** 2 for c in counts.values()) if total else None
''',
        R_SETUP + '''blau <- sapply(V(g), function(v) { p <- prop.table(table(V(g)$group[neighbors(g, v)]))
  if (length(p)) 1 - sum(p^2) else NA })
''',
        (("blau", "actors.*.blau"),)),
    Measure(
        "brokerage", "brokerage", "measure",
        N_("role_b = #{(a, c) : a → b → c, a ≠ c, no arc a → c}, by the groups of (a, b, c): coordinator A→A→A, "
           "itinerant A→B→A, representative A→A→B, gatekeeper A→B→B, liaison A→B→C"),
        _t(N_("Gould and Fernandez's brokerage roles on the directed network initiator → partner (“who invited "
              "whom”): how often actor b stands between two others who are not tied themselves."),
           N_("Binary arcs: weights and reciprocity are ignored, except that a → b → a is never a brokered "
              "pair. “Brokerage across groups” on /metrics is every role but coordinator. Initiatives without a "
              "known initiator are left out (their number is in left_out)."),
           N_("Always defined (0 for an actor that brokers nothing).")),
        ("gould1989",),
        ("silo.json: actors.<id>.brokerage; CSV table=actors (coordinator … liaison, brokerage_total)"),
        PYTHON_SETUP + '''doc = json.loads(Path("graph.json").read_text(encoding="utf-8"))
kinds = {a["id"]: a for a in doc["actors"]}
D = nx.DiGraph()
D.add_nodes_from(nodes)
for i in doc["initiatives"]:
    if i["initiator"] is None:
        continue  # who invited whom is unknown
    for p in i["partners"]:
        if p["actor"] != i["initiator"]:
            D.add_edge(i["initiator"], p["actor"])
roles = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
brokerage = {b: dict.fromkeys(roles, 0) for b in D}
for b in D:
    for a in D.predecessors(b):
        for c in D.successors(b):
            if a == c or D.has_edge(a, c):
                continue
            ga, gb, gc = group_of[a], group_of[b], group_of[c]
            role = ("coordinator" if ga == gb == gc else "itinerant" if ga == gc != gb else
                    "representative" if ga == gb != gc else "gatekeeper" if gb == gc != ga else "liaison")
            brokerage[b][role] += 1
''',
        '''library(jsonlite); library(sna)
doc <- fromJSON("graph.json", simplifyDataFrame = FALSE)
# build the 0/1 matrix initiator -> partner over the actors sorted by id, then:
# b <- brokerage(adjacency, groups_in_the_same_order)$raw.nli
# columns w_I = coordinator, w_O = itinerant, b_IO and b_OI = representative and gatekeeper, b_O = liaison:
# match representative (A->A->B) and gatekeeper (A->B->B) by the path, some help pages swap the names.
''',
        (("brokerage", "actors.*.brokerage"),)),
    Measure(
        "betweenness", "betweenness", "measure",
        N_("C_B(i) = Σ_{s ≠ i ≠ t} σ_st(i) / σ_st,  normalised by (n−1)(n−2)/2"),
        _t(N_("The share of the shortest paths between other actors that pass through the actor (0–1): bridge "
              "builders (change agents) score high."),
           N_("Unweighted ties on purpose: a weight is a strength, not a distance. Exact up to 1,000 actors; "
              "above that estimated from betweenness_k sampled sources (default 256, the same seed), scaled to "
              "the whole network (Brandes and Pich). Brandes' algorithm (igraph)."),
           N_("Defined for every actor; 0 for an actor without ties or in a network of fewer than 3 actors.")),
        ("freeman1977", "brandes2001", "brandes2007"),
        ("silo.json: actors.<id>.betweenness, betweenness.method; CSV table=actors (betweenness)"),
        PYTHON_SETUP + '''betweenness = nx.betweenness_centrality(G, normalized=True)  # exact; unweighted
''',
        R_SETUP + '''betweenness(g, weights = NA, normalized = TRUE)
''',
        (("betweenness", "actors.*.betweenness"),)),
    Measure(
        "constraint", "constraint", "measure",
        N_("c_i = Σ_j (p_ij + Σ_{q ≠ i, j} p_iq p_qj)²,   p_ij = w_ij / Σ_k w_ik"),
        _t(N_("Burt's constraint: high when the actor's partners are tied to each other (a closed circle), low "
              "for a broker across structural holes."),
           N_("Unweighted (p_ij = 1/degree) or weighted as chosen; on the simple projection."),
           N_("Undefined for an actor without ties.")),
        ("burt1992",),
        ("silo.json: actors.<id>.constraint; CSV table=actors (constraint)"),
        PYTHON_SETUP + '''constraint = {a: (None if c != c else c) for a, c in nx.constraint(G).items()}  # NaN: no ties
''',
        R_SETUP + '''constraint(g, weights = rep(1, ecount(g)))  # unweighted, as the report unless weighted=true
''',
        (("constraint", "actors.*.constraint"),)),
    Measure(
        "effective-size", "effective_size", "measure",
        N_("ES_i = n_i − 2t_i / n_i   (unweighted; n_i partners, t_i ties among them)"),
        _t(N_("Burt's effective size: the number of partners that are not redundant (not tied to the actor's "
              "other partners)."),
           N_("Unweighted: Borgatti's simplification of Burt's formula; weighted: Burt's formula with "
              "proportional weights."),
           N_("Undefined for an actor without ties.")),
        ("burt1992",),
        ("silo.json: actors.<id>.effective_size; CSV table=actors (effective_size)"),
        PYTHON_SETUP + '''effective_size = {a: (None if e != e else e) for a, e in nx.effective_size(G).items()}
''',
        R_SETUP + '''sapply(V(g), function(v) { nb <- neighbors(g, v); n <- length(nb)
  if (n == 0) NA else n - 2 * ecount(induced_subgraph(g, nb)) / n })
''',
        (("effective_size", "actors.*.effective_size"),)),
    Measure(
        "modularity", "modularity", "measure",
        N_("Q = Σ_c [ L_c / m − (d_c / 2m)² ]"),
        _t(N_("Newman and Girvan's modularity: how much more of the ties lie inside the communities than "
              "expected. Communities are found by Louvain (igraph, the same seed); /metrics also shows Q of the "
              "partition by group (sector)."),
           N_("L_c ties inside c, d_c the sum of degrees in c, m the number of ties (weighted: weights), "
              "resolution 1. Louvain finds a good, not necessarily the best partition, and other programs "
              "(networkx) may find another: Q of graphsvc's partition can be recomputed from the community column."),
           N_("Undefined without ties (0/0).")),
        ("newman2004", "blondel2008"),
        ("silo.json: communities.count, .modularity, .group_modularity, actors.<id>.community; CSV "
           "table=actors (community)"),
        PYTHON_SETUP + '''import csv
with open("actors.csv", encoding="utf-8-sig") as f:
    community = {row["id"]: int(row["community"]) for row in csv.DictReader(f)}
parts = {}
for a, c in community.items():
    parts.setdefault(c, set()).add(a)
modularity = nx.community.modularity(G, parts.values(), weight=None)  # networkx weighs by default
by_group = [{a for a in nodes if group_of[a] == g} for g in groups]
group_modularity = nx.community.modularity(G, by_group, weight=None)
''',
        R_SETUP + '''a <- read.csv("actors.csv", fileEncoding = "UTF-8-BOM")
modularity(g, a$community[match(V(g)$name, a$id)] + 1, weights = NA)
''',
        (("modularity", "communities.modularity"), ("group_modularity", "communities.group_modularity"))),
    Measure(
        "co-creation", "co_creation", "word",
        N_("share = #{initiatives with a partner of kind association, citizen_group or business} / #initiatives"),
        _t(N_("The co-creation share: initiatives with at least one partner outside the municipal organisation. "
              "Per library: initiatives it took with municipal units (the report's figure 17) and initiatives "
              "other municipal units invited it into (figure 16)."),
           N_("Purely internal collaboration between municipal units is not co-creation (the report's "
              "definition). “Invited by” is read from the initiator; initiatives without a known initiator are "
              "left out of those two counts (their number is in left_out)."),
           N_("The share is undefined without initiatives; the library shares without libraries.")),
        ("report2024",),
        ("silo.json: cocreation.external_share, cocreation.libraries, cocreation.summary"),
        PYTHON_SETUP + '''doc = json.loads(Path("graph.json").read_text(encoding="utf-8"))
kind = {a["id"]: a["kind"] for a in doc["actors"]}
external = sum(any(kind[p["actor"]] in ("association", "citizen_group", "business") for p in i["partners"])
               for i in doc["initiatives"])
external_share = external / len(doc["initiatives"])
''',
        '''library(jsonlite)
doc <- fromJSON("graph.json", simplifyDataFrame = FALSE)
kind <- setNames(sapply(doc$actors, `[[`, "kind"), sapply(doc$actors, `[[`, "id"))
mean(sapply(doc$initiatives, function(i) any(kind[sapply(i$partners, `[[`, "actor")] %in%
  c("association", "citizen_group", "business"))))
''',
        (("external_share", "cocreation.external_share"),)),
)

