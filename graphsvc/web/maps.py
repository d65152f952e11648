"""Network maps, growth and actor pages, with their JSON twins under /api/v1.

Pages: ``/map`` (the interactive vis-network map: filters in a side panel, focus, search, colour
and size choices, a growth slider), ``/map/table`` (its accessible twin), ``/map/export.{html,png,svg}``,
``/growth`` (line charts and tables), ``/growth/chart/<name>.svg``, ``/growth/animation.{gif,mp4}``,
``/actors/<id>``. API: ``/api/v1/map``, ``/api/v1/growth``, ``/api/v1/actors/<id>/profile``.

The URL holds the whole view — filters, focus and depth, grouping, time step, point in time
(``at``), colour, size and the weakest tie between bubbles (``min_ties``) — so a view can be
shared, bookmarked and exported as it is. Every view is laid out on the server once per graph
version (``services.maps.current_view``; layouts shared by the server's processes through files
in the instance folder), and the page, the table, the API and every export read that one view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from graphsvc.analytics.mapview import AGGREGATE_ABOVE, GROUPINGS, MAX_DEPTH, METRICS, SHAPES, MapFilter
from graphsvc.analytics.palette import COLOUR_BY
from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid, NotFound, Problem
from graphsvc.model.vocab import FREQUENCIES, KINDS, VIEWS
from graphsvc.services import maps
from graphsvc.services.layouts import LayoutFiles
from graphsvc.web import params
from graphsvc.web.context import current_cache, current_store
from graphsvc.web.labels import PSEUDO_GROUPS, group_label, kind_labels, locale_key

bp = Blueprint("maps", __name__)
api_bp = Blueprint("maps_api", __name__, url_prefix="/api/v1")

MAX_FILTER = 200  # longest text filter (municipality, sector, category, focus); the OpenAPI document says so
MAX_MIN_TIES = 1_000_000


@bp.app_context_processor
def _labels():
    return {"kind_labels": kind_labels(), "threshold": AGGREGATE_ABOVE, "group_label": group_label,
            "ui_lang": locale_key()}


def _cached(name: str, params, compute, *, locale: bool = False):
    """``locale=True``: the result holds translated text, so each language is cached on its own."""
    if locale:
        params = (params, locale_key())
    return maps.cached(current_store(), current_cache(), name, params, compute)


def _layouts() -> LayoutFiles:
    """The app's layout files (instance/cache/layouts), shared by all its processes."""
    layouts = current_app.extensions.get("graphsvc.layouts")
    if layouts is None:
        layouts = LayoutFiles(Path(current_app.instance_path) / "cache" / "layouts")
        current_app.extensions["graphsvc.layouts"] = layouts
    return layouts


def current_view(flt: MapFilter):
    return maps.current_view(current_store(), current_cache(), flt, layouts=_layouts())


def growth_json(freq: str, view: str) -> dict:
    return maps.growth(current_store(), current_cache(), freq, view)


# -- request parsing ---------------------------------------------------------------------
def map_filter() -> MapFilter:
    args = request.args
    depth = args.get("depth") or "1"
    legal_depths = [str(d) for d in range(1, MAX_DEPTH + 1)]
    if depth not in legal_depths:
        raise Invalid([Problem("depth", msg.DEPTH_INVALID(deepest=MAX_DEPTH, value=depth))])
    start = params.day("from")
    end = params.day("to")
    if start and end and end < start:
        raise Invalid([Problem("to", msg.DATE_BEFORE_FROM())])
    too_long = [n for n in ("municipality", "sector", "category", "focus") if len(args.get(n) or "") > MAX_FILTER]
    if too_long:
        raise Invalid([Problem(n, msg.TEXT_TOO_LONG(limit=MAX_FILTER)) for n in too_long])
    return MapFilter(municipality=params.text("municipality"), sector=params.text("sector"),
                     kind=params.choice("kind", KINDS), category=params.text("category"), start=start, end=end,
                     focus=params.text("focus"), depth=int(depth),
                     group=params.choice("group", GROUPINGS, "auto"))


@dataclass(frozen=True)
class MapStyle:
    """How a view is drawn (not which actors it holds): the rest of the URL's state."""

    colour: str = "sector"
    size: str = "degree"
    freq: str = "year"
    mode: str = "cumulative"
    at: date | None = None
    min_ties: int | None = None

    def query(self) -> dict:
        out: dict = {}
        if self.colour != "sector":
            out["colour"] = self.colour
        if self.size != "degree":
            out["size"] = self.size
        if self.freq != "year":
            out["freq"] = self.freq
        if self.mode != "cumulative":
            out["view"] = self.mode
        if self.at:
            out["at"] = self.at.isoformat()
        if self.min_ties is not None:
            out["min_ties"] = str(self.min_ties)
        return out


def map_style() -> MapStyle:
    raw = request.args.get("min_ties") or None
    min_ties = None
    if raw is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_MIN_TIES:
            raise Invalid([Problem("min_ties", msg.NOT_WHOLE_IN_RANGE(low=1, high=MAX_MIN_TIES, value=raw))])
        min_ties = int(raw)
    return MapStyle(colour=params.choice("colour", COLOUR_BY, "sector"), size=params.choice("size", METRICS, "degree"),
                    freq=params.choice("freq", FREQUENCIES, "year"), mode=params.choice("view", VIEWS, "cumulative"),
                    at=params.day("at"), min_ties=min_ties)


def _title(flt: MapFilter) -> str:
    parts = [f"{k}={v}" for k, v in flt.query().items()]
    return _("The co-creation network") + (f" ({', '.join(parts)})" if parts else "")


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _strings() -> dict:
    """The texts map.js and the standalone viewer show, in the user's language."""
    return {"kinds": kind_labels(), "groups": {k: str(v) for k, v in PSEUDO_GROUPS.items()},
            "metrics": {"degree": _("partners"), "strength": _("shared initiatives"),
                        "betweenness": _("betweenness"), "brokerage": _("brokerage roles"),
                        "actors": _("actors"), "internal_ties": _("internal ties")},
            "roles": {"member": "", "partner": _("partner outside the selection (dimmed)"),
                      "focus": _("the focus of this view")},
            "municipality": _("Municipality"), "sector": _("Sector"), "kind": _("Kind"),
            "community": _("Community"), "communityN": _("group %(n)s"),
            "since": _("Since"), "sharedInitiatives": _("Shared initiatives"), "ties": _("Ties"),
            "tiesBetween": _("Ties between the groups"),
            "first": _("First"), "until": _("%(label)s (until %(date)s)"),
            "stepActors": _("%(n)s actors and %(ties)s ties shown"),
            "stepGroups": _("%(n)s groups and %(ties)s ties shown"),
            "newCount": _(", %(n)s new"),
            "loaded": _("The map shows %(actors)s actors and %(ties)s ties."),
            "loadedGroups": _("The map shows %(actors)s actors and %(ties)s ties, grouped in %(groups)s groups."),
            "play": _("Play"), "pause": _("Pause"),
            "found": _("Found %(name)s."), "foundMore": _("Found %(name)s (and %(more)s more)."),
            "notFound": _("No actor is called “%(term)s”."),
            "loadFailed": _("Could not load the map: %(error)s"),
            "others": _("others (%(n)s)"),
            "composition": _("Actors by %(what)s"),
            "panelShow": _("Show filters and legend"), "panelHide": _("Hide filters and legend"),
            "cross": _("crosses sectors"), "inner": _("within one sector"),
            "focusOn": _("Focus on this actor:"), "actorPage": _("Actor page"),
            "steps": {str(d): ngettext("%(num)s step", "%(num)s steps", d) for d in range(1, MAX_DEPTH + 1)}}


def _state_urls(flt: MapFilter, style: MapStyle) -> dict:
    """Links the page builds on: the API for this view, focus and drill-down bases."""
    focus_base = {k: v for k, v in flt.query().items() if k in ("municipality", "from", "to")}
    return {"api": url_for("maps_api.api_map", shape="columns", freq=style.freq, **flt.query()),
            "mapUrl": url_for("maps.map_page"), "tableUrl": url_for("maps.map_table"),
            "actorUrl": url_for("maps.actor_page", actor_id="__ID__"),
            "searchApi": url_for("api.list_actors"),
            "filters": flt.query(), "focusBase": focus_base, "maxDepth": MAX_DEPTH}


# -- API --------------------------------------------------------------------------------
@api_bp.get("/map")
def api_map():
    flt = map_filter()
    freq = params.choice("freq", FREQUENCIES, "year")
    shape = params.choice("shape", SHAPES, "records")

    def compute() -> bytes:
        _, view = current_view(flt)
        body = {"graph_version": current_store().graph_version(), "threshold": AGGREGATE_ABOVE,
                "metrics": list(METRICS), "colourings": list(COLOUR_BY),
                "periods": maps.slider_periods(view, freq), **view.to_json(shape)}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()

    return Response(_cached("map-json", (flt, freq, shape), compute), mimetype="application/json")


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
    style = map_style()
    base, view = current_view(flt)
    state = {"colour": style.colour, "size": style.size, "freq": style.freq, "view": style.mode,
             "at": style.at.isoformat() if style.at else None, "minTies": style.min_ties}
    config = {**_state_urls(flt, style), "state": state}
    focus_name = base.names[base.index[flt.focus]] if flt.focus else None
    return render_template("map.html", strings=_strings(), flt=flt, style=style, view=view, choices=base.choices(),
                           kinds=KINDS, config=config, focus_name=focus_name, max_depth=MAX_DEPTH,
                           links=_page_links(flt, style))


def _page_links(flt: MapFilter, style: MapStyle) -> dict:
    """Every link on the map page, each with the view's drawing choices and (``*_base``) without them,
    for map.js to add the choices made after loading."""
    fq, sq = flt.query(), style.query()
    unfocus = {k: v for k, v in fq.items() if k not in ("focus", "depth")}
    links = {"table": url_for("maps.map_table", **fq),
             "back": url_for("maps.map_page", **unfocus, **sq), "back_base": url_for("maps.map_page", **unfocus),
             "json": url_for("maps_api.api_map", **fq, freq=style.freq),
             "depths": {d: url_for("maps.map_page", **{**unfocus, "focus": flt.focus,
                                                      **({"depth": str(d)} if d > 1 else {}), **sq})
                        for d in range(1, MAX_DEPTH + 1)} if flt.focus else {}}
    extras: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("html", "maps.map_export_html", {}),
        ("png", "maps.map_export_picture", {"fmt": "png"}), ("svg", "maps.map_export_picture", {"fmt": "svg"}),
        ("gif", "maps.growth_animation", {"fmt": "gif"}), ("mp4", "maps.growth_animation", {"fmt": "mp4"}))
    fq_: dict[str, Any] = dict(fq)
    sq_: dict[str, Any] = dict(sq)
    for name, endpoint, extra in extras:
        links[name] = url_for(endpoint, **extra, **fq_, **sq_)
        links[f"{name}_base"] = url_for(endpoint, **extra, **fq_)
    return links


TABLE_SORTS = {"name": "name", "kind": "kind", "sector": "group", "municipality": "municipality",
               "role": "role", "ties": "ties", "betweenness": "betweenness", "brokerage": "brokerage",
               "since": "since", "distance": "distance"}
PAGE_SIZE = 500


@bp.get("/map/table")
def map_table():
    flt = map_filter()
    base, view = current_view(flt)
    sort = params.choice("sort", tuple(TABLE_SORTS), "distance" if flt.focus else "ties")
    order = params.choice("order", ("asc", "desc"), "desc" if sort in ("ties", "betweenness", "brokerage") else "asc")
    page = max(1, int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1)
    q = (request.args.get("q") or "").strip()[:200]
    needle = q.casefold()
    rows = []
    for p, i in enumerate(view.actor_index.tolist()):
        if needle and needle not in base.names[i].casefold():
            continue
        rows.append({"id": base.ids[i], "name": base.names[i], "kind": base.kinds[i],
                     "group": base.group_labels[base.group[i]], "municipality": base.municipalities[i],
                     "role": ("focus", "member", "partner").index(_role(view, p)),
                     "role_name": _role(view, p),
                     "distance": int(view.distance[p]) if view.distance is not None else 0,
                     "ties": view.degree.get(i, 0), "betweenness": round(float(base.metrics["betweenness"][i]), 4),
                     "brokerage": int(base.metrics["brokerage"][i]),
                     "since": date.fromordinal(int(base.since[i])).isoformat() if base.since[i] > 0 else ""})
    key = TABLE_SORTS[sort]
    rows.sort(key=lambda r: (r[key].casefold() if isinstance(r[key], str) else ("" if r[key] is None else r[key]),
                             r["name"].casefold()), reverse=order == "desc")
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    shown_ids = {r["id"] for r in shown}
    ties = []
    for t in range(len(view.tie_u)):
        a, b = base.ids[view.tie_u[t]], base.ids[view.tie_v[t]]
        if a in shown_ids or b in shown_ids:
            ties.append({"a": a, "a_name": base.names[view.tie_u[t]], "b": b, "b_name": base.names[view.tie_v[t]],
                         "weight": int(view.tie_weight[t]), "cross": bool(view.tie_cross[t]),
                         "first": date.fromordinal(int(view.tie_since[t])).isoformat(),
                         "initiatives": [base.ini_titles[k] for k in view.tie_records[t].tolist()]})
    ties.sort(key=lambda r: (-r["weight"], r["a_name"].casefold(), r["b_name"].casefold()))
    return render_template("map_table.html", flt=flt, view=view, rows=shown, ties=ties[:PAGE_SIZE],
                           ties_total=len(ties), sort=sort, order=order, page=page, pages=pages,
                           total=len(rows), choices=base.choices(), kinds=KINDS, query=flt.query(), q=q or None,
                           style=map_style(), max_depth=MAX_DEPTH, groups=view.nodes if view.aggregated else None,
                           group_edges=sorted(view.edges, key=lambda e: -e["weight"]) if view.aggregated else None)


def _role(view, p: int) -> str:
    return ("member", "partner", "focus")[int(view.role[p])]


@bp.get("/map/export.html")
def map_export_html():
    from graphsvc.web.render_html import standalone_html

    flt = map_filter()
    style = map_style()
    _, view = current_view(flt)
    web_dir = Path(current_app.template_folder or "").parent  # create_app always names the folder
    html = standalone_html(view, title=_title(flt), web_dir=web_dir, colour=style.colour, size=style.size,
                           min_ties=style.min_ties, strings=_strings())
    return _download(html.encode(), "text/html", "samskapingskart.html")


@bp.get("/map/export.<fmt>")
def map_export_picture(fmt: str):
    from graphsvc.web.render_media import map_picture

    if fmt not in ("png", "svg"):
        raise NotFound(msg.NO_EXPORT_FORMAT(format=fmt), field="format")
    flt = map_filter()
    style = map_style()
    base, view = current_view(flt)
    data = _cached("map-picture", (flt, style, fmt),
                   lambda: map_picture(base, view, fmt, title=_title(flt), colour=style.colour, size=style.size,
                                       at=style.at, mode=style.mode, min_ties=style.min_ties), locale=True)
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
    colours = maps.sector_palette(current_store(), current_cache())
    svg = _cached("growth-chart", (name, freq, mode), lambda: chart(data, name, colours=colours), locale=True)
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
    colour = params.choice("colour", COLOUR_BY, "sector")
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
            frames = render_media.growth_frames(base, view, ends, labels, mode, title=_title(flt), colour=colour)
            return render_media.gif(frames) if fmt == "gif" else render_media.mp4(frames)

    data = _cached("growth-animation", (flt, freq, mode, fmt, colour), compute, locale=True)
    return _download(data, "image/gif" if fmt == "gif" else "video/mp4", f"samskaping-vekst-{freq}.{fmt}")


@bp.get("/actors/<actor_id>")
def actor_page(actor_id: str):
    profile = actor_profile(actor_id)
    return render_template("actor.html", p=profile)
