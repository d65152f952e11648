"""The map as one standalone HTML file, rendered in memory with pyvis.

pyvis's own template has autoescape off and links CDNs, so we use our own
(``web/templates/map_export.html``) in an autoescaping environment, fill ``net.nodes`` and
``net.edges`` directly (``add_node`` is O(N·E)), and inline vis-network and our drawing code
from the app's static folder: the file opens offline. The nodes are the view's own (positions,
sizes, label zooms, colours by the chosen colouring, pies for bubbles), so the file shows the
picture the page shows. Names reach the page only through ``tojson`` inside a
``<script type="application/json">`` block and are drawn on the canvas or shown as plain-text
tooltips (vis-network sets a string title with ``innerText``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_babel import gettext
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from graphsvc.analytics.mapview import METRICS, MapView
from graphsvc.analytics.palette import COLOUR_BY, CROSS_TIE, INNER_TIE, OUTLINE
from graphsvc.web.labels import group_label, kind_labels, locale_key


@lru_cache(maxsize=8)
def _asset(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _pale(hex_colour: str, amount: float = 0.6) -> str:
    h = hex_colour.lstrip("#")
    return "#" + "".join(f"{round(int(h[i:i + 2], 16) + (255 - int(h[i:i + 2], 16)) * amount):02x}" for i in (0, 2, 4))


def _row_name(colour: str, row: dict, strings: dict) -> str:
    if row["value"] is None:
        return gettext("others (%(n)s)", n=row.get("others", 0))
    if colour == "sector":
        return group_label(row["value"])
    if colour == "kind":
        return kind_labels().get(row["value"], row["value"])
    if colour == "community":
        return gettext("group %(n)s", n=row["value"])
    return str(row["value"])


def _items(view: MapView, colour: str, size: str, min_ties: int | None, strings: dict) -> tuple[list, list]:
    nodes, edges = [], []
    kinds = kind_labels()
    cross_matters = bool(view.filter.focus or view.filter.selects_actors)
    for n in view.nodes:
        scale = n["label_scale"]
        item = {"id": n["id"], "label": n["label"], "x": n["x"], "y": n["y"], "size": n["size"][size],
                "labelScale": scale, "labelDy": n["label_dy"], "partner": n["role"] == "partner"}
        if view.aggregated:
            label = group_label(n["group"])
            item.update(label=f"{label} ({n['count']})", shape="custom",
                        pie=[{"colour": part["colour"], "count": part["count"]} for part in n["composition"][colour]])
            lines = [item["label"], f"{strings['metrics']['actors']}: {n['count']}",
                     f"{strings['metrics']['internal_ties']}: {n['metrics']['internal_ties']}"]
            lines += [f"  {_row_name(colour, part, strings)}: {part['count']}" for part in n["composition"][colour][:6]]
        else:
            fill = n["colours"][colour]
            partner = n["role"] == "partner"
            item.update(shape=n["shape"], borderWidth=5 if n["role"] == "focus" else 1,
                        color={"background": _pale(fill) if partner else fill,
                               "border": "#000000" if n["role"] == "focus" else "#8a8a8a" if partner else OUTLINE})
            lines = [n["label"], strings["roles"].get(n["role"]) or "",
                     f"{strings['kind']}: {kinds.get(n['kind'], n['kind'])}",
                     f"{strings['sector']}: {group_label(n['group'])}",
                     f"{strings['municipality']}: {n['municipality'] or ''}"]
            lines += [f"{strings['metrics'][k]}: {n['metrics'][k]}" for k in METRICS]
        item["info"] = [line for line in lines if line]
        nodes.append(item)
    floor = (min_ties or view.legend.get("min_ties") or 1) if view.aggregated else 0
    for e in view.edges:
        if e["weight"] < floor:
            continue
        lines = [f"{strings['tiesBetween'] if view.aggregated else strings['sharedInitiatives']}: {e['weight']}"]
        lines += [f"• {t}" for t in e["titles"]]
        edges.append({"from": e["from"], "to": e["to"], "value": e["weight"], "info": lines,
                      "color": {"color": CROSS_TIE if cross_matters and e["cross"] else INNER_TIE,
                                "opacity": 0.8 if cross_matters else 0.6}})
    return nodes, edges


def standalone_html(view: MapView, *, title: str, web_dir: Path, colour: str = "sector", size: str = "degree",
                    min_ties: int | None = None, strings: dict) -> str:
    """The view as a file that opens offline; ``strings`` are the page's texts (web.maps._strings)."""
    if colour not in COLOUR_BY:
        raise ValueError(f"colour must be one of {', '.join(COLOUR_BY)}, not {colour!r}")
    if size not in METRICS:
        raise ValueError(f"size must be one of {', '.join(METRICS)}, not {size!r}")
    net = Network(height="100vh", width="100%", cdn_resources="remote")
    net.set_template_dir(str(web_dir / "templates"), "map_export.html")
    # set_template_dir makes a plain Environment: replace it with an autoescaping one.
    net.templateEnv = Environment(loader=FileSystemLoader(str(web_dir / "templates")),
                                  autoescape=select_autoescape(default=True, default_for_string=True))
    net.nodes, net.edges = _items(view, colour, size, min_ties, strings)
    net.node_ids = [n["id"] for n in net.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.options = {}  # the viewer takes vis-network's options from map-draw.js, as the page does
    static = web_dir / "static"
    rows = view.legend["colourings"][colour]["rows"]
    net.templateEnv.globals.update(
        _=gettext, group_label=group_label, lang=locale_key(),
        page_title=title, summary=view.summary,
        legend=[{"name": _row_name(colour, row, strings), "colour": row["colour"], "count": row["count"]}
                for row in rows],
        aggregated=view.aggregated,
        vis_js=Markup(_asset(str(static / "vendor" / "vis-network-9.1.2" / "vis-network.min.js"))),
        vis_css=Markup(_asset(str(static / "vendor" / "vis-network-9.1.2" / "vis-network.css"))),
        draw_js=Markup(_asset(str(static / "map-draw.js"))),
        viewer_js=Markup(_asset(str(static / "map-standalone.js"))),
    )
    return net.generate_html()
