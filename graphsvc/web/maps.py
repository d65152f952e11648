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
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from graphsvc.analytics import growth as growth_mod
from graphsvc.analytics.mapview import AGGREGATE_ABOVE, GROUPINGS, METRICS, MapFilter, map_base, map_view
from graphsvc.analytics.network import VIEWS
from graphsvc.model.entities import KINDS
from graphsvc.model.errors import Invalid, NotFound, Problem
from graphsvc.model.validation import parse_date_param
from graphsvc.services import graph as svc
from graphsvc.web.context import current_cache, current_store

bp = Blueprint("maps", __name__)
api_bp = Blueprint("maps_api", __name__, url_prefix="/api/v1")

FREQS = ("year", "quarter", "month")
MAX_FILTER = 200  # longest text filter (municipality, sector, category, focus); the OpenAPI document says so
#: Pseudo-groups: actors without a sector are grouped by their kind as ``(<kind>)`` (analytics._compact).
PSEUDO_GROUPS = {"(library)": _l("(libraries)"), "(municipal_unit)": _l("(municipal units)"),
                 "(association)": _l("(associations and clubs)"), "(business)": _l("(business)"),
                 "(citizen_group)": _l("(citizen groups)"), "(other_public)": _l("(other public bodies)"),
                 "(none)": _l("(none)")}


def kind_labels() -> dict[str, str]:
    """Kinds of actor in the user's language (the same labels as the forms)."""
    from graphsvc.web.forms import kind_labels as form_kind_labels

    return form_kind_labels()


def group_label(label) -> str:
    """A sector/group label for display: pseudo-groups ``(association)`` … translated, real sectors as they are."""
    if label is None:
        return ""
    translated = PSEUDO_GROUPS.get(str(label))
    return str(translated) if translated is not None else str(label)


def locale_key() -> str:
    """The user's language, part of the cache key of anything with translated text in it."""
    try:
        return str(get_locale() or "nb")
    except RuntimeError:  # outside a request
        return "nb"


@bp.app_context_processor
def _labels():
    return {"kind_labels": kind_labels(), "threshold": AGGREGATE_ABOVE, "group_label": group_label,
            "ui_lang": locale_key()}


# -- cached computations -------------------------------------------------------------------
def _cached(name: str, params, compute, *, locale: bool = False):
    """``locale=True``: the result holds translated text, so each language is cached on its own."""
    if locale:
        params = (params, locale_key())
    return current_cache().get_or_compute(current_store().graph_version(), name, params, compute)


def _graph():
    return svc.snapshot(current_store(), current_cache())


def _report():
    from graphsvc.analytics.report import silo_report

    def compute():
        actors, initiatives = _graph()
        return silo_report(actors, initiatives, permutations=0)

    return _cached("map-report", (), compute)


def current_base():
    def compute():
        actors, initiatives = _graph()
        return map_base(actors, initiatives, metrics=_report()["actors"])

    return _cached("map-base", (), compute)


def current_view(flt: MapFilter):
    base = current_base()
    return base, _cached("map-view", flt, lambda: map_view(base, flt))


def growth_json(freq: str, view: str) -> dict:
    def compute():
        actors, initiatives = _graph()
        series = growth_mod.growth_series(actors, initiatives, freq=freq, view=view)
        groups = sorted({g for p in series for g in p["ei_by_sector"]}, key=lambda g: (g.startswith("("), g))
        names = {a.id: a.name for a in actors if a.kind == "library"}
        for p in series:
            p["period"] = period_label(date.fromisoformat(p["period_end"]), freq)
        return {"freq": freq, "view": view, "groups": groups, "libraries": names,
                "periods": [{"period": p["period"], **{k: v for k, v in p.items() if k != "period"}}
                            for p in series]}

    return _cached("growth", (freq, view), compute)


def period_label(end: date, freq: str) -> str:
    if freq == "year":
        return f"{end.year}"
    if freq == "quarter":
        return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    return f"{end.year}-{end.month:02d}"


def slider_periods(view, freq: str) -> list[dict]:
    """The period ends the slider steps through, from the first date the map shows to the last."""
    dates = [n["since"] for n in view.nodes if n["since"]] + [e["since"] for e in view.edges if e["since"]]
    dates += [e["last"] for e in view.edges if e["last"]]
    if not dates:
        return []
    ends = growth_mod.period_ends(date.fromisoformat(min(dates)), date.fromisoformat(max(dates)), freq)
    return [{"label": period_label(d, freq), "end": d.isoformat()} for d in ends]


# -- request parsing ---------------------------------------------------------------------
def _choice(name: str, legal, default=None):
    raw = request.args.get(name) or default
    if raw is not None and raw not in legal:
        raise Invalid([Problem(name, f"must be one of: {', '.join(legal)} (got {raw!r})")])
    return raw


def map_filter() -> MapFilter:
    args = request.args
    depth = args.get("depth") or "1"
    if depth not in ("1", "2"):
        raise Invalid([Problem("depth", f"must be 1 or 2 (got {depth!r})")])
    start = parse_date_param(args.get("from"), "from")
    end = parse_date_param(args.get("to"), "to")
    if start and end and end < start:
        raise Invalid([Problem("to", "must be on or after 'from'")])
    too_long = [n for n in ("municipality", "sector", "category", "focus") if len(args.get(n) or "") > MAX_FILTER]
    if too_long:
        raise Invalid([Problem(n, f"is longer than {MAX_FILTER} characters") for n in too_long])
    text = lambda name: (args.get(name) or "").strip() or None  # noqa: E731
    return MapFilter(municipality=text("municipality"), sector=text("sector"), kind=_choice("kind", KINDS),
                     category=text("category"), start=start, end=end, focus=text("focus"), depth=int(depth),
                     group=_choice("group", GROUPINGS, "auto"))


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
    freq = _choice("freq", FREQS, "year")

    def compute() -> bytes:
        _, view = current_view(flt)
        body = {"graph_version": current_store().graph_version(), "threshold": AGGREGATE_ABOVE,
                "metrics": list(METRICS), "periods": slider_periods(view, freq), **view.to_json()}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    return Response(_cached("map-json", (flt, freq), compute), mimetype="application/json")


@api_bp.get("/growth")
def api_growth():
    freq = _choice("freq", FREQS, "year")
    view = _choice("view", VIEWS, "cumulative")
    return growth_json(freq, view)


@api_bp.get("/actors/<actor_id>/profile")
def api_actor_profile(actor_id: str):
    return actor_profile(actor_id)


def actor_profile(actor_id: str) -> dict:
    store = current_store()
    actor = store.get_actor(actor_id)
    actors, initiatives = _graph()
    names = {a.id: a.name for a in actors}
    mine = sorted((i for i in initiatives if actor_id in i.actor_ids), key=lambda i: (i.started, i.id))
    partners: dict = {}
    for i in mine:
        for other in i.actor_ids:
            if other != actor_id:
                p = partners.setdefault(other, {"id": other, "name": names.get(other, other), "initiatives": 0,
                                                "first": i.started.isoformat()})
                p["initiatives"] += 1
    metrics = _report()["actors"].get(actor_id, {})
    return {
        "actor": {"id": actor.id, "name": actor.name, "kind": actor.kind, "sector": actor.sector,
                  "municipality": actor.municipality,
                  "registered": actor.registered.isoformat() if actor.registered else None},
        "metrics": {k: metrics.get(k) for k in ("degree", "strength", "betweenness", "ei_index", "constraint",
                                                "effective_size", "brokerage")},
        "partners": sorted(partners.values(), key=lambda p: (-p["initiatives"], p["name"].casefold())),
        "initiatives": [{"id": i.id, "title": i.title, "category": i.category, "started": i.started.isoformat(),
                         "ended": i.ended.isoformat() if i.ended else None,
                         "initiated": i.initiator == actor_id,
                         "role": next(p.role for p in i.partners if p.actor == actor_id)} for i in mine],
    }


# -- pages -------------------------------------------------------------------------------
@bp.get("/map")
def map_page():
    flt = map_filter()
    freq = _choice("freq", FREQS, "year")
    mode = _choice("view", VIEWS, "cumulative")
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
    sort = _choice("sort", tuple(TABLE_SORTS), "ties")
    order = _choice("order", ("asc", "desc"), "desc" if sort in ("ties", "betweenness", "brokerage") else "asc")
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
        raise NotFound(f"no export format {fmt!r}: use html, png or svg", field="format")
    flt = map_filter()
    base, view = current_view(flt)
    data = _cached("map-picture", (flt, fmt), lambda: map_picture(base, view, fmt, title=_title(flt)),
                   locale=True)
    return _download(data, "image/png" if fmt == "png" else "image/svg+xml", f"samskapingskart.{fmt}")


@bp.get("/growth")
def growth_page():
    freq = _choice("freq", FREQS, "year")
    mode = _choice("view", VIEWS, "cumulative")
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
        raise NotFound(f"no chart {name!r}", field="name")
    freq = _choice("freq", FREQS, "year")
    mode = _choice("view", VIEWS, "cumulative")
    data = growth_json(freq, mode)
    svg = _cached("growth-chart", (name, freq, mode), lambda: chart(data, name), locale=True)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=60"
    response.headers["Vary"] = "Cookie"  # the chart's text is in the user's language (the page asks with lang=)
    return response


@bp.get("/growth/animation.<fmt>")
def growth_animation(fmt: str):
    from graphsvc.web import render_media

    if fmt not in ("gif", "mp4"):
        raise NotFound(f"no animation format {fmt!r}: use gif or mp4", field="format")
    flt = map_filter()
    freq = _choice("freq", FREQS, "year")
    mode = _choice("view", VIEWS, "cumulative")
    base, view = current_view(flt)
    periods = slider_periods(view, freq)
    if not periods:
        raise Invalid([Problem("", "nothing to animate: the map is empty")])
    if len(periods) > render_media.MAX_FRAMES:
        raise Invalid([Problem("freq", f"{len(periods)} frames is too many (at most {render_media.MAX_FRAMES})")])
    ends = [date.fromisoformat(p["end"]) for p in periods]
    labels = [p["label"] for p in periods]

    def compute():
        frames = render_media.growth_frames(base, view, ends, labels, mode, title=_title(flt))
        return render_media.gif(frames) if fmt == "gif" else render_media.mp4(frames)

    data = _cached("growth-animation", (flt, freq, mode, fmt), compute, locale=True)
    return _download(data, "image/gif" if fmt == "gif" else "video/mp4", f"samskaping-vekst-{freq}.{fmt}")


@bp.get("/actors/<actor_id>")
def actor_page(actor_id: str):
    profile = actor_profile(actor_id)
    return render_template("actor.html", p=profile)
