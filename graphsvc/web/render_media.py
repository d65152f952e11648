"""Server-side pictures: the map as PNG/SVG, the growth as an animated GIF or MP4, the /growth charts.

Drawn with matplotlib's object API (no pyplot: thread-safe inside a server) from the view's own
positions — the ones ``/api/v1/map`` returns and the page draws — with the same palette, shapes,
sizes and labels (only labels that fit, most important first), so a picture, a frame and the
browser agree. Text is drawn with ``parse_math=False``: a name with ``$`` in it stays text.
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date

import numpy as np
from flask_babel import gettext as _
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Wedge

from graphsvc.analytics.mapview import METRICS, MapBase, MapView, visibility
from graphsvc.analytics.palette import (
    COLOUR_BY,
    CROSS_TIE,
    INNER_TIE,
    KIND_SHAPES,
    MARKERS,
    MUTED,
    NEW,
    OTHER,
    OUTLINE,
    sector_colours,
)
from graphsvc.web.labels import group_label, kind_labels

#: Frames beyond this are refused (a month series over 20 years is 240).
MAX_FRAMES = 300
NEW_COLOUR = NEW
PARTNER_ALPHA = 0.35


def _kind_label(kind: str) -> str:
    """A kind of actor in the user's language (the forms' labels); as it is outside a request."""
    try:
        return kind_labels().get(kind, kind)
    except RuntimeError:
        return kind


def _legend_label(colouring: str, value) -> str:
    if value is None:
        return ""
    if colouring == "sector":
        return group_label(value)
    if colouring == "kind":
        return _kind_label(value)
    if colouring == "community":
        return _("group %(n)s", n=value)
    return str(value)


class _Scene:
    """A figure with the view's nodes and ties; frames change only what is visible."""

    def __init__(self, base: MapBase, view: MapView, *, colour: str = "sector", size: str = "degree",
                 min_ties: int | None = None, width_px=1280, height_px=720, dpi=100):
        if colour not in COLOUR_BY:
            raise ValueError(f"colour must be one of {', '.join(COLOUR_BY)}, not {colour!r}")
        if size not in METRICS:
            raise ValueError(f"size must be one of {', '.join(METRICS)}, not {size!r}")
        self.base, self.view, self.colouring = base, view, colour
        self.fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
        self.ax = self.fig.add_axes((0.01, 0.01, 0.74, 0.90))
        self.ax.set_axis_off()
        xy = view.xy * np.array([1, -1])  # vis-network's y grows downwards
        self.xy = xy
        radius = view.sizes[size]
        self.rows = view.legend["colourings"][colour]["rows"]
        ppu = self._fit(xy, radius, width_px * 0.74, height_px * 0.90)
        self.px_per_unit = ppu
        points = 72 / dpi
        self.node_u, self.node_v, weights, cross = self._ties(view, min_ties)
        self.segments = (np.stack([xy[self.node_u], xy[self.node_v]], axis=1) if len(self.node_u)
                         else np.zeros((0, 2, 2)))
        self.tie_width = 0.5 + 0.9 * np.log1p(weights) if len(weights) else np.zeros(0)
        self.tie_colour = np.where(cross & self._cross_matters(), CROSS_TIE, INNER_TIE)
        # An (N, 2, 2) array is a documented form of segments; matplotlib's stubs only name sequences.
        self.edges = LineCollection(self.segments, linewidths=self.tie_width,  # type: ignore[arg-type]
                                    colors=list(self.tie_colour), alpha=0.55, zorder=1)
        self.ax.add_collection(self.edges)
        self.scatters: dict = {}
        self.wedges: list = []
        if view.aggregated:
            self._bubbles(radius, ppu)
        else:
            self._actors(radius, ppu, points)
        self.labels = []
        for p in np.argsort(view.label_scale, kind="stable").tolist():
            if not np.isfinite(view.label_scale[p]) or view.label_scale[p] > ppu:
                break
            name = self._name(p)
            t = self.ax.text(xy[p, 0], xy[p, 1] - view.label_dy[p] - 2 / ppu, name, fontsize=8, parse_math=False,
                             ha="center", va="top", zorder=4,
                             bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
            self.labels.append((p, t))
        self._legend()
        self.title = self.fig.text(0.01, 0.95, "", fontsize=13, weight="bold", parse_math=False)
        self.caption = self.fig.text(0.99, 0.95, "", fontsize=11, ha="right", parse_math=False)

    # -- building ------------------------------------------------------------------------
    def _fit(self, xy, radius, width, height) -> float:
        """Axis limits around every node; pixels per canvas unit (equal in x and y)."""
        if len(xy) == 0:
            self.ax.set_xlim(-1, 1)
            self.ax.set_ylim(-1, 1)
            return 1.0
        lo = (xy - radius[:, None]).min(axis=0)
        hi = (xy + radius[:, None]).max(axis=0)
        span = np.maximum(hi - lo, 1.0)
        ppu = float(min(width / span[0], height / span[1])) * 0.94
        centre = (lo + hi) / 2
        half = np.array([width, height]) / ppu / 2
        self.ax.set_xlim(centre[0] - half[0], centre[0] + half[0])
        self.ax.set_ylim(centre[1] - half[1], centre[1] + half[1])
        self.ax.set_aspect("equal", adjustable="box")
        return ppu

    def _ties(self, view: MapView, min_ties):
        if view.aggregated:
            g = view.bubbles
            weights = g["weight"]
            keep = weights >= (min_ties or view.legend.get("min_ties") or 1)
            self.tie_keep = keep
            return g["edge_a"][keep], g["edge_b"][keep], weights[keep], np.ones(int(keep.sum()), dtype=bool)
        position = np.full(view.base.n, -1, dtype=np.int64)
        position[view.actor_index] = np.arange(len(view.actor_index))
        self.tie_keep = np.ones(len(view.tie_u), dtype=bool)
        return position[view.tie_u], position[view.tie_v], view.tie_weight, view.tie_cross

    def _cross_matters(self) -> bool:
        """Ties are coloured by whether they cross a sector where that is the point: a focus or a selection."""
        return bool(self.view.filter.focus or self.view.filter.selects_actors)

    def _actors(self, radius, ppu, points):
        view, base = self.view, self.base
        idx = view.actor_index
        rows_of = view.legend["colourings"][self.colouring]["code_rows"]
        codes = base.colourings[self.colouring].codes[idx]
        self.colour = np.array([self.rows[rows_of.get(int(c), rows_of.get(-1, 0))]["colour"] for c in codes.tolist()])
        self.alpha = np.where(view.role == 1, PARTNER_ALPHA, 1.0)
        kinds = np.array([base.kinds[i] for i in idx.tolist()])
        diameter_pt = np.maximum(2 * radius * ppu, 3.0) * points
        for kind, shape in KIND_SHAPES.items():
            members = np.flatnonzero(kinds == kind)
            if len(members) == 0:
                continue
            scale = 1.5 if shape == "star" else 1.0  # a star's points reach further than a dot's edge
            sc = self.ax.scatter(self.xy[members, 0], self.xy[members, 1], s=(diameter_pt[members] * scale) ** 2,
                                 c=list(self.colour[members]), marker=MARKERS[shape], edgecolors=OUTLINE,
                                 linewidths=0.5, zorder=2)
            sc.set_gid(f"actors-{kind}")  # the SVG group of these markers, in view order
            self.scatters[kind] = (members, sc)
        focus = np.flatnonzero(view.role == 2)
        for p in focus.tolist():  # the focus actor: ringed
            self.ax.add_patch(Circle(tuple(self.xy[p]), radius[p] * 1.6 + 3 / ppu, fill=False, ec="#000000",
                                     lw=2.0, zorder=3))

    def _bubbles(self, radius, ppu):
        """Each bubble a pie of its composition by the chosen colouring; its size the number of actors."""
        view = self.view
        for p, bubble in enumerate(view.bubbles["bubbles"]):
            slices: dict[str, int] = {}  # one slice per colour, grey (actors outside the palette) last
            for row, count in bubble["composition_rows"][self.colouring]:
                slices[self.rows[row]["colour"]] = slices.get(self.rows[row]["colour"], 0) + count
            ordered = sorted(slices.items(), key=lambda item: item[0] == OTHER)
            total = sum(slices.values()) or 1
            angle = 90.0
            for fill, count in ordered:
                sweep = 360.0 * count / total
                w = Wedge(tuple(self.xy[p]), radius[p], angle - sweep, angle, fc=fill, ec="white", lw=0.4, zorder=2)
                self.ax.add_patch(w)
                self.wedges.append((p, w))
                angle -= sweep
            self.ax.add_patch(Circle(tuple(self.xy[p]), radius[p], fill=False, ec=OUTLINE, lw=0.8, zorder=3))

    def _name(self, p: int) -> str:
        if self.view.aggregated:
            bubble = self.view.bubbles["bubbles"][p]
            label = group_label(bubble["label"])  # "(association)", or "(none)": an unknown municipality
            return f"{label} ({bubble['count']})"
        return self.base.names[self.view.actor_index[p]]

    def _legend(self):
        handles = [Line2D([], [], marker="o", ls="", markersize=8, markerfacecolor=row["colour"],
                          markeredgecolor=OUTLINE,
                          label=(_legend_label(self.colouring, row["value"]) if row["value"] is not None
                                 else _("others (%(n)s)", n=row.get("others", 0))))
                   for row in self.rows]
        titles = {"sector": _("Sector"), "municipality": _("Municipality"), "kind": _("Kind"),
                  "community": _("Community")}
        leg = self.fig.legend(handles=handles[:16], title=titles[self.colouring], loc="upper left",
                              bbox_to_anchor=(0.76, 0.9), fontsize=8, title_fontsize=9, frameon=False)
        for text in leg.get_texts():
            text.set_parse_math(False)
        notes = []
        if self.view.aggregated:
            what = _("municipality") if self.view.aggregated == "municipality" else _("sector")
            notes.append(_("Each bubble is a %(what)s; its size is the number of actors, its slices their "
                           "%(by)s. Lines: ties between the groups.", what=what, by=titles[self.colouring].lower()))
        else:
            kinds = [Line2D([], [], marker=MARKERS[s], ls="", markersize=8, markerfacecolor="white",
                            markeredgecolor=OUTLINE, label=_kind_label(k)) for k, s in KIND_SHAPES.items()]
            self.fig.legend(handles=kinds, title=_("Kind"), loc="lower left", bbox_to_anchor=(0.76, 0.16),
                            fontsize=8, title_fontsize=9, frameon=False)
            if self.view.counts.get("partners"):
                notes.append(_("Pale: partners outside the selection."))
            if self._cross_matters():
                notes.append(_("Dark lines cross sectors; grey lines stay within one."))
        if notes:
            self.fig.text(0.76, 0.04, "\n".join(_wrap(n, 44) for n in notes), fontsize=7.5, parse_math=False,
                          va="bottom")

    # -- what a frame shows --------------------------------------------------------------
    def show(self, node_on: np.ndarray, tie_on: np.ndarray, node_new=None, tie_new=None):
        tie_on = tie_on[self.tie_keep]
        if tie_new is not None:
            tie_new = tie_new[self.tie_keep]
        colours = np.where(tie_on, self.tie_colour, "none").astype(object)
        if tie_new is not None:
            colours[tie_new & tie_on] = NEW_COLOUR
        self.edges.set_color(list(colours))
        for members, sc in self.scatters.values():
            alpha = np.where(node_on[members], self.alpha[members], 0.0)
            sc.set_facecolor([(*_rgb(c), a) for c, a in zip(self.colour[members], alpha)])
            edge = [((0.9, 0.62, 0.0, 1.0) if node_new is not None and node_new[m] else (0.2, 0.2, 0.2, a))
                    for m, a in zip(members, alpha)]
            sc.set_edgecolor(edge)
            sc.set_linewidth([2.0 if node_new is not None and node_new[m] else 0.5 for m in members])
        for p, w in self.wedges:
            w.set_visible(bool(node_on[p]))
        for p, t in self.labels:
            t.set_visible(bool(node_on[p]))

    def render(self, fmt: str) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        return buf.getvalue()

    def rgb_frame(self) -> np.ndarray:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(self.fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


_RGB_CACHE: dict = {}


def _rgb(hex_colour: str):
    if hex_colour not in _RGB_CACHE:
        h = hex_colour.lstrip("#")
        _RGB_CACHE[hex_colour] = tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return _RGB_CACHE[hex_colour]


def map_picture(base: MapBase, view: MapView, fmt: str, *, title: str, colour: str = "sector", size: str = "degree",
                at: date | None = None, mode: str = "cumulative", min_ties: int | None = None) -> bytes:
    """The view as a PNG or SVG picture, as the page draws it (at ``at``, if given, as the slider would)."""
    scene = _Scene(base, view, colour=colour, size=size, min_ties=min_ties)
    if at is None:
        scene.show(np.ones(view.drawn, dtype=bool), np.ones(len(scene.tie_keep), dtype=bool))
        caption = _("%(actors)s actors · %(ties)s ties", actors=view.counts["actors"], ties=view.counts["ties"])
    else:
        nodes, ties = visibility(view, at, mode)
        scene.show(nodes, ties)
        caption = _("%(date)s · %(actors)s actors · %(ties)s ties", date=at.isoformat(), actors=int(nodes.sum()),
                    ties=int(ties.sum()))
    scene.title.set_text(title)
    scene.caption.set_text(caption)
    return scene.render(fmt)


def growth_frames(base: MapBase, view: MapView, ends: list[date], labels: list[str], mode: str, *, title: str,
                  colour: str = "sector"):
    """One RGB frame per period end: the view as it was then, new nodes and ties in orange."""
    if len(ends) > MAX_FRAMES:
        raise ValueError(f"{len(ends)} frames is more than {MAX_FRAMES}: choose a coarser freq")
    scene = _Scene(base, view, colour=colour)
    scene.title.set_text(title)
    prev_nodes = np.zeros(view.drawn, dtype=bool)
    prev_ties = np.zeros(len(scene.tie_keep), dtype=bool)
    for end, label in zip(ends, labels):
        nodes, ties = visibility(view, end, mode)
        scene.show(nodes, ties, nodes & ~prev_nodes, ties & ~prev_ties)
        scene.caption.set_text(_("%(label)s (until %(date)s) · %(actors)s actors · %(ties)s ties", label=label,
                                 date=end.isoformat(), actors=int(nodes.sum()), ties=int(ties.sum())))
        prev_nodes, prev_ties = nodes, ties
        yield scene.rgb_frame()


def gif(frames, *, seconds_per_frame: float = 0.8) -> bytes:
    from PIL import Image

    images = [Image.fromarray(f).quantize(colors=128, method=Image.Quantize.FASTOCTREE) for f in frames]
    if not images:
        raise ValueError("no frames")
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(seconds_per_frame * 1000), loop=0, optimize=False)
    return buf.getvalue()


def mp4(frames, *, fps: float = 1.25) -> bytes:
    """H.264 in MP4 with imageio-ffmpeg's bundled ffmpeg (written to a temporary file, then read)."""
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory(prefix="graphsvc-") as tmp:
        path = os.path.join(tmp, "growth.mp4")
        writer = None
        for frame in frames:
            if writer is None:
                h, w = frame.shape[:2]
                writer = imageio_ffmpeg.write_frames(path, (w, h), fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                                                     macro_block_size=1, quality=7, ffmpeg_log_level="error",
                                                     output_params=["-movflags", "+faststart"])
                writer.send(None)
            writer.send(np.ascontiguousarray(frame))
        if writer is None:
            raise ValueError("no frames")
        writer.close()
        with open(path, "rb") as fh:
            return fh.read()


# -- /growth charts ---------------------------------------------------------------------
CHARTS = ("size", "cross", "sectors", "libraries")
#: Line styles as a second channel where colours repeat or are grey (pseudo-groups, the 10th library).
_MARKS = "os^Dv<>ph*"


def growth_chart(growth: dict, name: str, *, top_libraries: int = 10, colours: dict | None = None) -> bytes:
    """One line chart of the growth series as SVG, in the map's palette: sector lines in the colours
    ``colours`` gives (the whole network's, ``services.maps.sector_palette``), grey pseudo-groups told
    apart by their kind's marker."""
    periods = growth["periods"]
    x = list(range(len(periods)))
    ticks = [p["period"] for p in periods]
    fig = Figure(figsize=(8, 3.6), dpi=100)
    ax = fig.add_axes((0.11, 0.16, 0.59, 0.76))  # room on the left for the y-axis label
    if name == "size":
        for key, label, c, m in (("actors", _("actors"), MUTED[1], "o"), ("ties", _("ties"), MUTED[0], "s"),
                                 ("initiatives", _("initiatives"), MUTED[3], "^")):
            ax.plot(x, [p[key] for p in periods], label=label, color=c, marker=m, ms=3)
        ax.set_ylabel(_("number"))
    elif name == "cross":
        ax.plot(x, [_nan(p["cross_sector_share"]) for p in periods], label=_("share of ties across sectors"),
                color=MUTED[1], marker="o", ms=3)
        ax.plot(x, [_nan(p["ei_index"]) for p in periods], label=_("E-I index (the network)"), color=MUTED[0],
                marker="s", ms=3, ls="--")
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
    elif name == "sectors":
        sectors = list(growth.get("groups", []))  # real sectors, then the pseudo-groups "(association)" …
        colours = {**sector_colours(sectors), **(colours or {})}
        for i, sector in enumerate(sectors):
            grey = colours[sector] == OTHER
            # Actors without a sector are grey on the map, told apart by their kind's shape: the same here.
            shape = KIND_SHAPES.get(sector.strip("()")) if sector.startswith("(") else None
            marker = MARKERS[shape] if shape else _MARKS[i % len(_MARKS)]
            ax.plot(x, [_nan(p["ei_by_sector"].get(sector)) for p in periods], label=group_label(sector),
                    color="#777777" if grey else colours[sector], marker=marker, ms=4 if grey else 3,
                    ls=":" if grey else "-")
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel(_("E-I index"))
    elif name == "libraries":
        names = growth.get("libraries", {})
        final = periods[-1]["library_degree"] if periods else {}
        for i, lib in enumerate(sorted(final, key=lambda k: -final[k])[:top_libraries]):
            ax.plot(x, [_nan(p["library_degree"].get(lib)) for p in periods], label=names.get(lib, lib),
                    color=MUTED[i % len(MUTED)], marker=_MARKS[i % len(_MARKS)], ms=3,
                    ls="-" if i < len(MUTED) else "--")
        ax.set_ylabel(_("partners"))
    else:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}, not {name!r}")
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], ticks[::step], rotation=45, ha="right", fontsize=8)
    ax.grid(alpha=0.3)
    leg = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    for text in leg.get_texts():
        text.set_parse_math(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _nan(value):
    return float("nan") if value is None else value
