"""Network maps, growth and actor pages, with their JSON twins under /api/v1.

Pages: ``/map`` (interactive vis-network map with filters, focus, search and a growth slider),
``/map/table`` (its accessible twin), ``/map/export.{html,png,svg}``, ``/growth`` (line charts
and tables), ``/growth/chart/<name>.svg``, ``/growth/animation.{gif,mp4}``, ``/actors/<id>``.
API: ``/api/v1/map``, ``/api/v1/growth``, ``/api/v1/actors/<id>/profile``.

The expensive part (projection, layout, metrics) is computed once per graph version and kept in
the app's ``ResultCache``; every filtered map, table, picture and animation reads from it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from graphsvc.analytics.mapview import AGGREGATE_ABOVE, GROUPINGS, METRICS, MapFilter
from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid, NotFound, Problem
from graphsvc.model.validation import parse_date_param
from graphsvc.model.vocab import FREQUENCIES, KINDS, VIEWS
from graphsvc.services import maps
from graphsvc.web import params
from graphsvc.web.context import current_cache, current_store
from graphsvc.web.labels import PSEUDO_GROUPS, group_label, kind_labels, locale_key

bp = Blueprint("maps", __name__)
api_bp = Blueprint("maps_api", __name__, url_prefix="/api/v1")

MAX_FILTER = 200  # longest text filter (municipality, sector, category, focus); the OpenAPI document says so


@bp.app_context_processor
def _labels():
    return {"kind_labels": kind_labels(), "threshold": AGGREGATE_ABOVE, "group_label": group_label,
            "ui_lang": locale_key()}


def _cached(name: str, params, compute, *, locale: bool = False):
    """``locale=True``: the result holds translated text, so each language is cached on its own."""
    if locale:
        params = (params, locale_key())
    return maps.cached(current_store(), current_cache(), name, params, compute)


def current_view(flt: MapFilter):
    return maps.current_view(current_store(), current_cache(), flt)


def growth_json(freq: str, view: str) -> dict:
    return maps.growth(current_store(), current_cache(), freq, view)


# -- request parsing ---------------------------------------------------------------------
def map_filter() -> MapFilter:
    args = request.args
    depth = args.get("depth") or "1"
    if depth not in ("1", "2"):
        raise Invalid([Problem("depth", msg.DEPTH_INVALID(value=depth))])
    start = parse_date_param(args.get("from"), "from")
    end = parse_date_param(args.get("to"), "to")
    if start and end and end < start:
        raise Invalid([Problem("to", msg.DATE_BEFORE_FROM())])
    too_long = [n for n in ("municipality", "sector", "category", "focus") if len(args.get(n) or "") > MAX_FILTER]
    if too_long:
        raise Invalid([Problem(n, msg.TEXT_TOO_LONG(limit=MAX_FILTER)) for n in too_long])
    text = lambda name: (args.get(name) or "").strip() or None  # noqa: E731
    return MapFilter(municipality=text("municipality"), sector=text("sector"), kind=params.choice("kind", KINDS),
                     category=text("category"), start=start, end=end, focus=text("focus"), depth=int(depth),
                     group=params.choice("group", GROUPINGS, "auto"))


def _title(flt: MapFilter) -> str:
    parts = [f"{k}={v}" for k, v in flt.query().items()]
    return _("The co-creation network") + (f" ({', '.join(parts)})" if parts else "")


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- API --------------------------------------------------------------------------------
@api_bp.get("/map")
def api_map():
    flt = map_filter()
    freq = params.choice("freq", FREQUENCIES, "year")

    def compute() -> bytes:
        _, view = current_view(flt)
        body = {"graph_version": current_store().graph_version(), "threshold": AGGREGATE_ABOVE,
                "metrics": list(METRICS), "periods": maps.slider_periods(view, freq), **view.to_json()}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    return Response(_cached("map-json", (flt, freq), compute), mimetype="application/json")


@api_bp.get("/growth")
def api_growth():
    freq = params.choice("freq", FREQUENCIES, "year")
    view = params.choice("view", VIEWS, "cumulative")
    return growth_json(freq, view)


@api_bp.get("/actors/<actor_id>/profile")
def api_actor_profile(actor_id: str):
    return actor_profile(actor_id)


def actor_profile(actor_id: str) -> dict:
    return maps.actor_profile(current_store(), current_cache(), actor_id)



# -- pages -------------------------------------------------------------------------------
@bp.get("/map")
def map_page():
    flt = map_filter()
    freq = params.choice("freq", FREQUENCIES, "year")
    mode = params.choice("view", VIEWS, "cumulative")
    base, view = current_view(flt)
    query = {**flt.query(), "freq": freq}
    config = {"api": url_for("maps_api.api_map", **query), "freq": freq, "view": mode,
              "actorUrl": url_for("maps.actor_page", actor_id="__ID__"),
              "mapUrl": url_for("maps.map_page"), "filters": flt.query(),
              "searchApi": url_for("api.list_actors")}
    strings = {"kinds": kind_labels(), "groups": {k: str(v) for k, v in PSEUDO_GROUPS.items()},
               "metrics": {"degree": _("partners"), "strength": _("shared initiatives"),
                           "betweenness": _("betweenness"), "brokerage": _("brokerage roles"),
                           "actors": _("actors"), "internal_ties": _("internal ties")},
               "municipality": _("Municipality"), "sector": _("Sector"), "kind": _("Kind"),
               "since": _("Since"), "sharedInitiatives": _("Shared initiatives"), "ties": _("Ties"),
               "first": _("First"), "until": _("%(label)s (until %(date)s)"),
               "stepActors": _("%(n)s actors and %(ties)s ties shown"),
               "stepGroups": _("%(n)s groups and %(ties)s ties shown"),
               "newCount": _(", %(n)s new"),
               "loaded": _("The map shows %(actors)s actors and %(ties)s ties."),
               "loadedGroups": _("The map shows %(actors)s actors and %(ties)s ties, grouped in %(groups)s groups."),
               "play": _("Play"), "pause": _("Pause"),
               "found": _("Found %(name)s."), "foundMore": _("Found %(name)s (and %(more)s more)."),
               "notFound": _("No actor is called “%(term)s”."),
               "loadFailed": _("Could not load the map: %(error)s")}
    return render_template("map.html", strings=strings, flt=flt, query=query, freq=freq, mode=mode, view=view,
                           choices=base.choices(), kinds=KINDS, config=config, metrics=METRICS,
                           groupings=GROUPINGS,
                           unfocus={k: v for k, v in flt.query().items() if k not in ("focus", "depth")})


TABLE_SORTS = {"name": "name", "kind": "kind", "sector": "group", "municipality": "municipality",
               "ties": "ties", "betweenness": "betweenness", "brokerage": "brokerage", "since": "since"}
PAGE_SIZE = 500


@bp.get("/map/table")
def map_table():
    flt = map_filter()
    base, view = current_view(flt)
    sort = params.choice("sort", tuple(TABLE_SORTS), "ties")
    order = params.choice("order", ("asc", "desc"), "desc" if sort in ("ties", "betweenness", "brokerage") else "asc")
    page = max(1, int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1)
    q = (request.args.get("q") or "").strip()[:200]
    needle = q.casefold()
    rows = []
    for i in view.actor_index.tolist():
        if needle and needle not in base.names[i].casefold():
            continue
        rows.append({"id": base.ids[i], "name": base.names[i], "kind": base.kinds[i],
                     "group": base.group_labels[base.group[i]], "municipality": base.municipalities[i],
                     "ties": view.degree.get(i, 0), "betweenness": round(float(base.metrics["betweenness"][i]), 4),
                     "brokerage": int(base.metrics["brokerage"][i]),
                     "since": date.fromordinal(int(base.since[i])).isoformat() if base.since[i] > 0 else ""})
    key = TABLE_SORTS[sort]
    rows.sort(key=lambda r: (r[key].casefold() if isinstance(r[key], str) else r[key], r["name"].casefold()),
              reverse=order == "desc")
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    shown_ids = {r["id"] for r in shown}
    ties = []
    for t in range(len(view.tie_u)):
        a, b = base.ids[view.tie_u[t]], base.ids[view.tie_v[t]]
        if a in shown_ids or b in shown_ids:
            ties.append({"a": a, "a_name": base.names[view.tie_u[t]], "b": b, "b_name": base.names[view.tie_v[t]],
                         "weight": int(view.tie_weight[t]),
                         "first": date.fromordinal(int(view.tie_since[t])).isoformat(),
                         "initiatives": [base.ini_titles[k] for k in view.tie_records[t].tolist()]})
    ties.sort(key=lambda r: (-r["weight"], r["a_name"].casefold(), r["b_name"].casefold()))
    return render_template("map_table.html", flt=flt, view=view, rows=shown, ties=ties[:PAGE_SIZE],
                           ties_total=len(ties), sort=sort, order=order, page=page, pages=pages,
                           total=len(rows), choices=base.choices(), kinds=KINDS, query=flt.query(), q=q or None)


@bp.get("/map/export.html")
def map_export_html():
    from graphsvc.web.render_html import standalone_html

    flt = map_filter()
    _, view = current_view(flt)
    web_dir = Path(current_app.template_folder or "").parent  # create_app always names the folder
    html = standalone_html(view, title=_title(flt), web_dir=web_dir)
    return _download(html.encode(), "text/html", "samskapingskart.html")


@bp.get("/map/export.<fmt>")
def map_export_picture(fmt: str):
    from graphsvc.web.render_media import map_picture

    if fmt not in ("png", "svg"):
        raise NotFound(msg.NO_EXPORT_FORMAT(format=fmt), field="format")
    flt = map_filter()
    base, view = current_view(flt)
    data = _cached("map-picture", (flt, fmt), lambda: map_picture(base, view, fmt, title=_title(flt)),
                   locale=True)
    return _download(data, "image/png" if fmt == "png" else "image/svg+xml", f"samskapingskart.{fmt}")


@bp.get("/growth")
def growth_page():
    freq = params.choice("freq", FREQUENCIES, "year")
    mode = params.choice("view", VIEWS, "cumulative")
    data = growth_json(freq, mode)
    libraries = []
    periods = data["periods"]
    if periods:
        first, last = periods[0]["library_degree"], periods[-1]["library_degree"]
        for lib_id, name in data["libraries"].items():
            if lib_id in last or lib_id in first:
                libraries.append({"id": lib_id, "name": name, "first": first.get(lib_id),
                                  "last": last.get(lib_id)})
        libraries.sort(key=lambda r: (-(r["last"] or 0), r["name"].casefold()))
    return render_template("growth.html", data=data, freq=freq, mode=mode, libraries=libraries,
                           sectors=[g for g in data["groups"]])


@bp.get("/growth/chart/<name>.svg")
def growth_chart(name: str):
    from graphsvc.web.render_media import CHARTS, growth_chart as chart

    if name not in CHARTS:
        raise NotFound(msg.NO_CHART(name=name), field="name")
    freq = params.choice("freq", FREQUENCIES, "year")
    mode = params.choice("view", VIEWS, "cumulative")
    data = growth_json(freq, mode)
    svg = _cached("growth-chart", (name, freq, mode), lambda: chart(data, name), locale=True)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=60"
    response.headers["Vary"] = "Cookie"  # the chart's text is in the user's language (the page asks with lang=)
    return response


@bp.get("/growth/animation.<fmt>")
def growth_animation(fmt: str):
    from graphsvc.web import render_media
    from graphsvc.web.render_slots import render_slot

    if fmt not in ("gif", "mp4"):
        raise NotFound(msg.NO_ANIMATION_FORMAT(format=fmt), field="format")
    flt = map_filter()
    freq = params.choice("freq", FREQUENCIES, "year")
    mode = params.choice("view", VIEWS, "cumulative")
    base, view = current_view(flt)
    periods = maps.slider_periods(view, freq)
    if not periods:
        raise Invalid([Problem("", msg.NOTHING_TO_ANIMATE())])
    if len(periods) > render_media.MAX_FRAMES:
        raise Invalid([Problem("freq", msg.TOO_MANY_FRAMES(frames=len(periods), limit=render_media.MAX_FRAMES))])
    ends = [date.fromisoformat(p["end"]) for p in periods]
    labels = [p["label"] for p in periods]

    def compute():
        with render_slot("growth-animation"):  # one at a time on the host, one per user (503 otherwise)
            frames = render_media.growth_frames(base, view, ends, labels, mode, title=_title(flt))
            return render_media.gif(frames) if fmt == "gif" else render_media.mp4(frames)

    data = _cached("growth-animation", (flt, freq, mode, fmt), compute, locale=True)
    return _download(data, "image/gif" if fmt == "gif" else "video/mp4", f"samskaping-vekst-{freq}.{fmt}")


@bp.get("/actors/<actor_id>")
def actor_page(actor_id: str):
    profile = actor_profile(actor_id)
    return render_template("actor.html", p=profile)
