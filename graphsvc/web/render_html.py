"""The map as one standalone HTML file, rendered in memory with pyvis.

pyvis's own template has autoescape off and links CDNs, so we use our own
(``web/templates/map_export.html``) in an autoescaping environment, fill ``net.nodes`` and
``net.edges`` directly (``add_node`` is O(N·E)), and inline vis-network from the app's vendored
copy: the file opens offline. Names reach the page only through ``tojson`` inside a
``<script type="application/json">`` block and are shown with ``textContent``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from graphsvc.analytics.mapview import MapView


@lru_cache(maxsize=4)
def _asset(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def standalone_html(view: MapView, *, title: str, web_dir: Path) -> str:
    net = Network(height="100vh", width="100%", cdn_resources="remote")
    net.set_template_dir(str(web_dir / "templates"), "map_export.html")
    # set_template_dir makes a plain Environment: replace it with an autoescaping one.
    net.templateEnv = Environment(loader=FileSystemLoader(str(web_dir / "templates")),
                                  autoescape=select_autoescape(default=True, default_for_string=True))
    net.nodes = [{"id": n["id"], "label": n["label"], "x": n["x"], "y": n["y"], "shape": n["shape"],
                  "color": n["colour"], "value": max(1, n["metrics"]["degree"]),
                  "info": {k: n.get(k) for k in ("kind", "group", "municipality", "since", "metrics")}}
                 for n in view.nodes]
    net.edges = [{"from": e["from"], "to": e["to"], "value": e["weight"],
                  "info": {"weight": e["weight"], "since": e["since"], "last": e["last"], "titles": e["titles"]}}
                 for e in view.edges]
    net.node_ids = [n["id"] for n in net.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.options = {"physics": {"enabled": False}, "layout": {"improvedLayout": False},
                   "edges": {"smooth": False, "color": {"color": "#9a9a9a", "opacity": 0.6},
                             "scaling": {"min": 1, "max": 8}},
                   "nodes": {"font": {"size": 14}, "scaling": {"min": 8, "max": 40,
                                                               "label": {"enabled": True, "min": 10, "max": 24}}},
                   "interaction": {"hover": True, "tooltipDelay": 100, "navigationButtons": False}}
    static = web_dir / "static"
    env = net.templateEnv
    from flask_babel import gettext

    from graphsvc.web.labels import PSEUDO_GROUPS, group_label, kind_labels, locale_key

    env.globals.update(
        _=gettext, group_label=group_label, lang=locale_key(),
        strings={"kind": gettext("Kind"), "sector": gettext("Sector"), "municipality": gettext("Municipality"),
                 "partners": gettext("Partners"), "betweenness": gettext("Betweenness"),
                 "brokerage": gettext("Brokerage roles"), "shared": gettext("Shared initiatives"),
                 "kinds": kind_labels(), "groups": {k: str(v) for k, v in PSEUDO_GROUPS.items()}},
        page_title=title,
        summary=view.summary,
        legend=view.legend,
        vis_js=Markup(_asset(str(static / "vendor" / "vis-network-9.1.2" / "vis-network.min.js"))),
        vis_css=Markup(_asset(str(static / "vendor" / "vis-network-9.1.2" / "vis-network.css"))),
        viewer_js=Markup(_asset(str(static / "map-standalone.js"))),
    )
    return net.generate_html()
