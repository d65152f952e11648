"""Silo metrics as a service: validated parameters, one cached report per graph version, CSV tables.

The API (``GET /api/v1/metrics/silo`` and ``.csv``), the CLI (``graphsvc metrics``) and the
``/metrics`` page all call :func:`silo_metrics`, so they show the same numbers. The engine is
:func:`graphsvc.analytics.report.silo_report` (run on the store's plain columns,
``Store.network_rows``, which give the same network without building domain objects); this module
adds what a service needs around it:
parameter checks that name the field and list the legal values, the cache keyed by the store's
graph version (any write invalidates it), and a lock so that one report is computed at a time
(igraph's Louvain draws from one process-wide random generator; a second request for the same
parameters waits and then reads the cached result instead of computing it again).
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

from graphsvc.analytics import structural
from graphsvc.analytics.brokerage import ROLES
from graphsvc.analytics.report import DEFAULT_BETWEENNESS_K, silo_report_from_rows
from graphsvc.model import glossary, messages as msg
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.validation import check_choice, check_whole
from graphsvc.model.vocab import GROUP_BY, VIEWS
from graphsvc.services.cache import ResultCache
from graphsvc.storage.base import Store

#: Label permutations of the E-I test by default. The p-value moves in steps of 1/500 = 0.002:
#: p = 0 means "none of 500 random relabellings was as closed", i.e. p < 0.002.
DEFAULT_PERMUTATIONS = 500
MAX_PERMUTATIONS = 10_000
MAX_SEED = 2**32 - 1
MAX_BETWEENNESS_K = 100_000
#: Above this many actors exact betweenness is refused in a request (it takes minutes: igraph
#: needed 645 s on 50,000 actors); sampled betweenness with ``betweenness_k`` sources is the answer.
EXACT_BETWEENNESS_MAX_ACTORS = 10_000
#: The tables ``silo_csv`` writes.
CSV_TABLES = ("actors", "groups", "mixing", "mixing_shares", "mixing_ratios", "libraries")

#: Code columns (``kind``, ``group``) are stable for scripts; ``*_label`` columns carry the words the
#: pages show (the glossary's, in the requested language).
ACTOR_COLUMNS = ("id", "name", "kind", "kind_label", "group", "group_label", "degree", "strength", "ei_index",
                 "betweenness", "constraint", "effective_size", "blau", *ROLES, "brokerage_total", "community")
GROUP_COLUMNS = ("group", "group_label", "actors", "ties_internal", "ties_external", "ei_index", "ei_expected",
                 "ei_p_value")
LIBRARY_COLUMNS = ("id", "name", "initiated", "partner_in", "initiated_with_municipal_units",
                   "invited_by_municipal_units")

_REPORT_LOCK = threading.Lock()
_default_cache = ResultCache()


def check_parameters(*, at, view, group_by, weighted, permutations, seed, betweenness_k, exact_betweenness,
                     library_tag) -> None:
    """Raise ``Invalid`` naming the first wrong parameter and what it may be."""
    if at is not None and not isinstance(at, date):
        raise Invalid([Problem("at", msg.DATE_FORMAT_COMMA(value=at))])
    check_choice("view", view, VIEWS)
    check_choice("group_by", group_by, GROUP_BY)
    check_choice("weighted", weighted, (False, True))
    check_choice("exact_betweenness", exact_betweenness, (False, True))
    check_whole("permutations", permutations, 0, MAX_PERMUTATIONS)
    check_whole("seed", seed, 0, MAX_SEED)
    check_whole("betweenness_k", betweenness_k, 1, MAX_BETWEENNESS_K)
    if library_tag is not None and (not isinstance(library_tag, str) or not library_tag.strip()
                                    or len(library_tag) > 80):
        raise Invalid([Problem("library_tag", msg.LIBRARY_TAG())])


def silo_metrics(store: Store, *, at: date | None = None, view: str = "cumulative", group_by: str = "sector",
                 weighted: bool = False, permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0,
                 betweenness_k: int = DEFAULT_BETWEENNESS_K, exact_betweenness: bool = False,
                 library_tag: str | None = None, cache: ResultCache | None = None,
                 exact_limit: int | None = EXACT_BETWEENNESS_MAX_ACTORS) -> dict:
    """Every silo metric of the co-creation network at ``at``, as the API serves it.

    The body is :func:`graphsvc.analytics.report.silo_report`'s (mixing matrix, E-I with its
    expected value and permutation p-value, assortativity, per-actor metrics with brokerage,
    Louvain communities, co-creation shares), plus ``graph_version`` and ``sample``: how many
    permutations and which seed gave the p-value (its resolution is 1/permutations), and
    whether betweenness was exact or sampled from how many sources.

    ``library_tag`` restricts the per-library co-creation counts (the report's figures 16–17)
    to libraries with that tag. ``exact_limit`` refuses exact betweenness on larger networks
    (None: no limit, as the CLI allows). The result is cached per (graph version, parameters);
    treat it as read-only.
    """
    check_parameters(at=at, view=view, group_by=group_by, weighted=weighted, permutations=permutations,
                     seed=seed, betweenness_k=betweenness_k, exact_betweenness=exact_betweenness,
                     library_tag=library_tag)
    if library_tag is not None:
        library_tag = library_tag.strip()
    from graphsvc.services.graph import network_rows

    cache = cache or _default_cache
    version = store.graph_version()
    params = (id(store), at, view, group_by, weighted, permutations, seed, betweenness_k, exact_betweenness,
              library_tag)

    def compute() -> dict:
        rows = network_rows(store, cache)  # plain columns, no domain objects: the cold path
        actors = len(rows.actor_ids)
        if exact_betweenness and exact_limit is not None and actors > exact_limit:
            raise Invalid([Problem("exact_betweenness", msg.EXACT_BETWEENNESS_TOO_BIG(actors=actors,
                                                                                       limit=exact_limit))])
        report = silo_report_from_rows(rows, at=at, view=view, group_by=group_by, weighted=weighted,
                                       permutations=permutations, seed=seed, betweenness_k=betweenness_k,
                                       exact_betweenness=exact_betweenness, library_tag=library_tag)
        between = report["betweenness"]
        report["graph_version"] = version
        report["sample"] = {
            "permutations": permutations,
            "seed": seed,
            # The smallest p-value the test can give, 1 / (m + 1) (it is (b + 1) / (m + 1), never 0).
            "p_value_resolution": (1 / (permutations + 1)) if permutations else None,
            "betweenness": between["method"],
            "betweenness_k": between["k"],
            "betweenness_exact_up_to": structural.BETWEENNESS_EXACT_UP_TO,
        }
        return report

    def locked() -> dict:
        # One report at a time; whoever waited finds the result of the one before it cached.
        with _REPORT_LOCK:
            return cache.get_or_compute(version, "silo-metrics:computed", params, compute)

    return cache.get_or_compute(version, "silo-metrics", params, locked)


# -- tables -------------------------------------------------------------------------------------
def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 10))
    return value


def shown_group(report: dict, group, lang: str = "nb") -> str:
    """A group as the pages show it: a kind in words when grouped by kind, a pseudo-group such as
    ``(association)`` in words, a sector or municipality as it is."""
    if report.get("group_by") == "kind":
        return glossary.label("kind", group, lang)
    return glossary.group_label(group, lang)


def silo_rows(report: dict, table: str, *, lang: str = "nb") -> tuple[tuple[str, ...], list[list]]:
    """(header, rows) of one table of a report (see :data:`CSV_TABLES`).

    * ``actors``: one row per actor, the columns of :data:`ACTOR_COLUMNS`; the five
      Gould–Fernandez roles and their total; an undefined value is an empty cell.
    * ``groups``: per group its actors, internal and external ties, E-I, the E-I expected
      under random mixing given the group sizes, and its one-sided permutation p-value.
    * ``mixing``: the mixing matrix, first the row's group (code and label), then one column per
      group (by code); ``mixing_shares`` the same as row shares, ``mixing_ratios`` as
      observed/expected ratios (``analytics.silo.mixing_shares_and_ratios``).
    * ``libraries``: per library (with ``library_tag``: per tagged library) the initiatives it
      initiated, was a partner in, initiated with municipal units, was invited into by them.

    Labels (``kind_label``, ``group_label``) are in ``lang`` (``"nb"`` or ``"en"``), the words of the pages.
    """
    check_choice("table", table, CSV_TABLES)
    check_choice("lang", lang, glossary.LANGUAGES)
    if table == "actors":
        rows = []
        for actor_id, a in report["actors"].items():
            roles = [a["brokerage"][r] for r in ROLES]
            rows.append([actor_id, a["name"], a["kind"], glossary.label("kind", a["kind"], lang), a["group"],
                         shown_group(report, a["group"], lang), a["degree"], a["strength"], a["ei_index"],
                         a["betweenness"], a["constraint"], a["effective_size"], a["blau"], *roles, sum(roles),
                         a["community"]])
        return ACTOR_COLUMNS, rows
    if table == "groups":
        ei = report["ei_index"]
        return GROUP_COLUMNS, [[g, shown_group(report, g, lang), v["actors"], v["ties_internal"], v["ties_external"],
                                ei["groups"].get(g), ei["expected_groups"].get(g), ei["group_p_values"].get(g)]
                               for g, v in report["groups"].items()]
    if table.startswith("mixing"):
        mixing = report["mixing_matrix"]
        groups = mixing["groups"]
        values = {"mixing": mixing["matrix"], "mixing_shares": mixing["row_shares"],
                  "mixing_ratios": mixing["ratio"]}[table]
        return ("group", "group_label", *groups), [[g, shown_group(report, g, lang), *row]
                                                   for g, row in zip(groups, values)]
    names = {a: v["name"] for a, v in report["actors"].items()}
    return LIBRARY_COLUMNS, [[lib, names.get(lib, lib), c["initiated"], c["partner_in"],
                              c["initiated_with_municipal_units"], c["invited_by_municipal_units"]]
                             for lib, c in report["cocreation"]["libraries"].items()]


def silo_csv(report: dict, table: str, *, lang: str = "nb") -> bytes:
    """One table as CSV the way the exports write it: UTF-8 with BOM, commas, RFC 4180 quoting,
    CRLF line ends, empty cell for an undefined value, numbers with a dot."""
    header, rows = silo_rows(report, table, lang=lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def bridges(report: dict, limit: int = 15) -> list[dict]:
    """The actors who bridge groups most ("forandringsagenter"), at most ``limit``: ranked by their
    brokerage across groups (every Gould–Fernandez role but coordinator, which stays inside one
    group), then by betweenness. Actors with no brokerage and no betweenness are left out."""
    ranked = []
    for actor_id, a in report["actors"].items():
        total = sum(a["brokerage"].values())
        between = a["betweenness"] or 0.0
        bridging = total - a["brokerage"]["coordinator"]  # roles that reach across groups
        if total or between:
            ranked.append({"id": actor_id, "name": a["name"], "kind": a["kind"], "group": a["group"],
                           "brokerage_total": total, "brokerage_across": bridging, "brokerage": a["brokerage"],
                           "betweenness": a["betweenness"], "ei_index": a["ei_index"],
                           "constraint": a["constraint"], "effective_size": a["effective_size"],
                           "degree": a["degree"]})
    ranked.sort(key=lambda r: (-r["brokerage_across"], -(r["betweenness"] or 0), r["name"].casefold()))
    return ranked[:limit]
