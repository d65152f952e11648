"""Silo metrics on the web: the ``/metrics`` page and its JSON and CSV twins under /api/v1.

API: ``GET /api/v1/metrics/silo`` (the report as JSON) and ``GET /api/v1/metrics/silo.csv?table=``
(one table as CSV, labels in the user's language beside stable codes; made safe to open in a
spreadsheet: text that would start a formula gets a leading apostrophe, ``verbatim=1`` gives the
text exactly as stored, for R and pandas). Pages: ``/metrics`` (form, mixing-matrix heat map as
counts, row shares or observed/expected, E-I per group with p-values, bridges, co-creation shares)
and ``/metrics/om-malene`` (what each number means, how it is computed, its references and how to
reproduce it). All call :func:`graphsvc.services.metrics.silo_metrics` with the same parameters;
the serialised JSON and CSV are cached next to the report.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext

from graphsvc.analytics.report import DEFAULT_BETWEENNESS_K
from graphsvc.model.vocab import GROUP_BY, VIEWS
from graphsvc.services import maps, metrics as m
from graphsvc.web import measures, params
from graphsvc.web.context import current_cache, current_store
from graphsvc.web.labels import locale_key, term

bp = Blueprint("metrics", __name__)
api_bp = Blueprint("metrics_api", __name__, url_prefix="/api/v1")

#: Steps of the heat map's colour scale (classes heat-0 … heat-8 in metrics.css: viridis, light to dark).
HEAT_STEPS = 9


def metric_params() -> dict:
    """The request's metric parameters, typed; ``silo_metrics`` checks their ranges."""
    return {"at": params.day("at"),
            "view": params.choice("view", VIEWS, "cumulative"),
            "group_by": params.choice("group_by", GROUP_BY, "sector"),
            "weighted": params.flag("weighted"),
            "permutations": params.whole("permutations", m.DEFAULT_PERMUTATIONS),
            "seed": params.whole("seed", 0),
            "betweenness_k": params.whole("betweenness_k", DEFAULT_BETWEENNESS_K),
            "exact_betweenness": params.flag("exact_betweenness"),
            "library_tag": params.text("library_tag")}


def report_for(chosen: dict) -> dict:
    return m.silo_metrics(current_store(), cache=current_cache(), **chosen)


def _cached_bytes(name: str, chosen: dict, make) -> bytes:
    key = tuple(sorted(chosen.items()))
    report = report_for(chosen)  # checks the parameters before anything is cached under them
    return current_cache().get_or_compute(report["graph_version"], name, key, lambda: make(report))


# -- API ------------------------------------------------------------------------------------------
@api_bp.get("/metrics/silo")
def api_silo():
    chosen = metric_params()
    body = _cached_bytes("silo-json", chosen, lambda r: json.dumps(r, ensure_ascii=False,
                                                                   separators=(",", ":")).encode())
    return Response(body, mimetype="application/json")


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_formulas(data: bytes) -> bytes:
    r"""The CSV (UTF-8 with BOM, RFC 4180) with every text cell that a spreadsheet would run as a
    formula prefixed by an apostrophe (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``), as OWASP's CSV
    injection guidance advises; numbers such as ``-0.25`` stay numbers, every other cell is unchanged.

    >>> neutralise_formulas("\ufeffname,ei\r\n=1+1,-0.5\r\n".encode()).decode("utf-8-sig")
    "name,ei\r\n'=1+1,-0.5\r\n"
    """
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["'" + cell if cell.startswith(FORMULA_START) and not _NUMBER.match(cell) else cell
                         for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@api_bp.get("/metrics/silo.csv")
def api_silo_csv():
    table = params.choice("table", m.CSV_TABLES, "actors")
    verbatim = params.flag("verbatim")
    query = metric_params()
    lang = locale_key()
    if verbatim:
        body = _cached_bytes(f"silo-csv-{table}-{lang}", query, lambda r: m.silo_csv(r, table, lang=lang))
    else:
        body = _cached_bytes(f"silo-csv-{table}-{lang}-spreadsheet", query,
                             lambda r: neutralise_formulas(m.silo_csv(r, table, lang=lang)))
    suffix = f"-{query['at'].isoformat()}" if query["at"] else ""
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    response.headers["Content-Disposition"] = f'attachment; filename="silo-{table}-{query["group_by"]}{suffix}.csv"'
    return response


# -- page -----------------------------------------------------------------------------------------
@bp.app_context_processor
def metric_helpers():
    return {"term": term, "about": lambda anchor: url_for("metrics.about_measures", _anchor=anchor)}


#: What the heat map shows: the mixing matrix's counts, its row shares, or observed/expected ratios.
MIXING_VIEWS = ("counts", "shares", "ratio")


def heat_map(report: dict, view: str = "counts") -> dict:
    """The mixing matrix with a colour step per cell. Counts and shares on a square-root scale (so
    small cross-group counts stay visible next to a large diagonal); ratios on a log scale around 1
    (as many ties as chance), from ¼ and below to 4 and above."""
    mixing = report["mixing_matrix"]
    groups = mixing["groups"]
    matrix = {"counts": mixing["matrix"], "shares": mixing["row_shares"], "ratio": mixing["ratio"]}[view]
    top = max((v for row in matrix for v in row if v is not None), default=0)
    rows = []
    for g, row in zip(groups, matrix):
        cells = []
        for h, v in zip(groups, row):
            if v is None or (view != "ratio" and (not top or not v)):
                step = 0
            elif view == "ratio":
                step = 0 if v == 0 else max(1, min(HEAT_STEPS - 1, round(4 + 2 * math.log2(v))))
            else:
                step = max(1, min(HEAT_STEPS - 1, round(math.sqrt(v / top) * (HEAT_STEPS - 1))))
            cells.append({"group": h, "value": v, "step": step, "diagonal": g == h})
        rows.append({"group": g, "cells": cells})
    return {"groups": groups, "rows": rows, "max": top, "view": view}


@bp.get("/metrics")
def metrics_page():
    mixing_view = params.choice("mixing", MIXING_VIEWS, "counts")
    chosen = metric_params()
    report = report_for(chosen)
    query = {k: v for k, v in (("at", chosen["at"].isoformat() if chosen["at"] else None),
                               ("view", chosen["view"]), ("group_by", chosen["group_by"]),
                               ("weighted", "true" if chosen["weighted"] else None),
                               ("library_tag", chosen["library_tag"])) if v}
    ei = report["ei_index"]
    groups = [{"group": g, "actors": v["actors"], "internal": v["ties_internal"], "external": v["ties_external"],
               "ei": ei["groups"].get(g), "expected": ei["expected_groups"].get(g),
               "p": ei["group_p_values"].get(g), "reason": ei["undefined"]["groups"].get(g),
               "reason_code": ei["undefined_codes"]["groups"].get(g)}
              for g, v in report["groups"].items()]
    groups.sort(key=lambda r: (r["ei"] is None, r["ei"] if r["ei"] is not None else 0, r["group"].casefold()))
    libraries = [{"id": lib, "name": report["actors"].get(lib, {}).get("name", lib), **counts}
                 for lib, counts in report["cocreation"]["libraries"].items()]
    libraries.sort(key=lambda r: (-r["invited_by_municipal_units"] - r["initiated_with_municipal_units"],
                                  r["name"].casefold()))
    return render_template("metrics.html", r=report, params=chosen, query=query,
                           heat=heat_map(report, mixing_view), mixing_view=mixing_view, mixing_views=MIXING_VIEWS,
                           groups=groups, bridges=m.bridges(report), libraries=libraries, views=VIEWS,
                           group_bys=GROUP_BY, csv_tables=m.CSV_TABLES,
                           sector_colours=maps.sector_palette(current_store(), current_cache()))


@bp.get("/metrics/om-malene")
def about_measures():
    """Om målene: each measure's formula, conventions, undefined cases, the permutation scheme,
    references with DOIs, and how to reproduce every number from the exports in networkx or R."""
    # ``translate`` (not the template's ``_``, whose result Jinja takes as safe HTML): the texts are escaped.
    return render_template("metrics_about.html", measures=measures.MEASURES, references=measures.REFERENCES,
                           exports=measures.EXPORTS, translate=gettext)
