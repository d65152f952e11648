"""Server-side pictures: the map as PNG/SVG, the growth as an animated GIF or MP4, the /growth charts.

Drawn with matplotlib's object API (no pyplot: thread-safe inside a server) from the same
positions as the interactive map, so a frame, a slide and the browser agree. Text is drawn
with ``parse_math=False``: a name with ``$`` in it stays text.
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

from graphsvc.analytics.mapview import KIND_SHAPES, MapBase, MapView

MARKERS = {"star": "*", "dot": "o", "hexagon": "h", "square": "s", "triangle": "^", "diamond": "D"}


def _kind_label(kind: str) -> str:
    """A kind of actor in the user's language (the forms' labels); as it is outside a request."""
    try:
        from graphsvc.web.labels import kind_labels

        return kind_labels().get(kind, kind)
    except RuntimeError:
        return kind


def _group_label(label: str) -> str:
    from graphsvc.web.labels import group_label

    return group_label(label)

#: Frames beyond this are refused (a month series over 20 years is 240).
MAX_FRAMES = 300
NEW_COLOUR = "#E69F00"


class _Scene:
    """A figure with the map's nodes and ties; frames change only what is visible."""

    def __init__(self, base: MapBase, view: MapView, *, width_px=1280, height_px=720, dpi=100, labels=12):
        self.base, self.view = base, view
        self.fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
        self.ax = self.fig.add_axes((0.01, 0.01, 0.76, 0.90))
        self.ax.set_axis_off()
        idx = view.actor_index
        self.idx = idx
        xy = base.xy[idx] * np.array([1, -1])  # vis-network's y grows downwards
        self.xy = xy
        pos = {int(i): p for i, p in zip(idx.tolist(), range(len(idx)))}
        self.seg_u = np.array([pos[int(i)] for i in view.tie_u.tolist()], dtype=np.int64)
        self.seg_v = np.array([pos[int(i)] for i in view.tie_v.tolist()], dtype=np.int64)
        self.segments = np.stack([xy[self.seg_u], xy[self.seg_v]], axis=1) if len(self.seg_u) else np.zeros((0, 2, 2))
        widths = 0.4 + np.log1p(view.tie_weight) if len(view.tie_weight) else np.zeros(0)
        # An (N, 2, 2) array is a documented form of segments; matplotlib's stubs only name sequences.
        self.edges = LineCollection(self.segments, linewidths=widths, colors="#999999",  # type: ignore[arg-type]
                                    alpha=0.45, zorder=1)
        self.ax.add_collection(self.edges)
        self.colour = np.array([base.colour(base.group_labels[base.group[i]]) for i in idx.tolist()])
        kinds = np.array([base.kinds[i] for i in idx.tolist()])
        degree = np.array([view.degree.get(int(i), 0) for i in idx.tolist()], dtype=float)
        self.size = 12 + 10 * np.sqrt(degree)
        self.scatters = {}
        for kind, shape in KIND_SHAPES.items():
            members = np.flatnonzero(kinds == kind)
            if len(members) == 0:
                continue
            sc = self.ax.scatter(xy[members, 0], xy[members, 1], s=self.size[members], c=list(self.colour[members]),
                                 marker=MARKERS[shape], edgecolors="#333333", linewidths=0.4, zorder=2)
            self.scatters[kind] = (members, sc)
        self.ax.margins(0.04)
        self.ax.set_aspect("equal", adjustable="datalim")
        self.labels = []
        for p in np.argsort(-degree, kind="stable")[:labels].tolist():
            if degree[p] > 0:
                t = self.ax.text(xy[p, 0], xy[p, 1], base.names[idx[p]], fontsize=8, parse_math=False,
                                 ha="center", va="bottom", zorder=3,
                                 bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
                self.labels.append((p, t))
        self._legend()
        self.title = self.fig.text(0.01, 0.95, "", fontsize=13, weight="bold", parse_math=False)
        self.caption = self.fig.text(0.99, 0.95, "", fontsize=11, ha="right", parse_math=False)

    def _legend(self):
        base = self.base
        present = sorted({base.group_labels[base.group[i]] for i in self.idx.tolist()},
                         key=base.group_labels.index)
        handles = [Line2D([], [], marker="o", ls="", markersize=8, markerfacecolor=base.colour(g),
                          markeredgecolor="#333333", label=_group_label(g)) for g in present]
        kinds = [Line2D([], [], marker=MARKERS[s], ls="", markersize=8, markerfacecolor="white",
                        markeredgecolor="#333333", label=_kind_label(k)) for k, s in KIND_SHAPES.items()]
        leg = self.fig.legend(handles=handles, title=_("Sector"), loc="upper left", bbox_to_anchor=(0.78, 0.9),
                              fontsize=8, title_fontsize=9, frameon=False)
        for text in leg.get_texts():
            text.set_parse_math(False)
        self.fig.legend(handles=kinds, title=_("Kind"), loc="lower left", bbox_to_anchor=(0.78, 0.05), fontsize=8,
                        title_fontsize=9, frameon=False)

    def show(self, node_on: np.ndarray, tie_on: np.ndarray, node_new=None, tie_new=None):
        colours = np.where(tie_on, "#999999", "none").astype(object)
        if tie_new is not None:
            colours[tie_new & tie_on] = NEW_COLOUR
        self.edges.set_color(list(colours))
        for members, sc in self.scatters.values():
            alpha = np.where(node_on[members], 1.0, 0.0)
            face = [(*_rgb(c), a) for c, a in zip(self.colour[members], alpha)]
            sc.set_facecolor(face)
            edge = [((0.9, 0.62, 0.0, 1.0) if node_new is not None and node_new[m] else (0.2, 0.2, 0.2, a))
                    for m, a in zip(members, alpha)]
            sc.set_edgecolor(edge)
            sc.set_linewidth([2.0 if node_new is not None and node_new[m] else 0.4 for m in members])
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


_RGB_CACHE: dict = {}


def _rgb(hex_colour: str):
    if hex_colour not in _RGB_CACHE:
        h = hex_colour.lstrip("#")
        _RGB_CACHE[hex_colour] = tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return _RGB_CACHE[hex_colour]


def map_picture(base: MapBase, view: MapView, fmt: str, *, title: str) -> bytes:
    """The whole filtered map as a PNG or SVG picture (actors, not aggregates)."""
    scene = _Scene(base, view)
    scene.show(np.ones(len(scene.idx), dtype=bool), np.ones(len(scene.seg_u), dtype=bool))
    scene.title.set_text(title)
    scene.caption.set_text(_("%(actors)s actors · %(ties)s ties",
                             actors=view.counts["actors"], ties=view.counts["ties"]))
    return scene.render(fmt)


def growth_frames(base: MapBase, view: MapView, ends: list[date], labels: list[str], mode: str, *, title: str):
    """One RGB frame per period end: the network as it was then, new actors and ties in orange."""
    if len(ends) > MAX_FRAMES:
        raise ValueError(f"{len(ends)} frames is more than {MAX_FRAMES}: choose a coarser freq")
    scene = _Scene(base, view)
    scene.title.set_text(title)
    since = base.since[scene.idx]
    registered = base.registered[scene.idx]
    tie_of = np.repeat(np.arange(len(view.tie_records)), [len(r) for r in view.tie_records]) \
        if view.tie_records else np.zeros(0, dtype=np.int64)
    recs = np.concatenate(view.tie_records) if view.tie_records else np.zeros(0, dtype=np.int64)
    rec_start, rec_end = base.ini_start[recs], base.ini_end[recs]
    prev_nodes = np.zeros(len(scene.idx), dtype=bool)
    prev_ties = np.zeros(len(scene.seg_u), dtype=bool)
    for end, label in zip(ends, labels):
        t = end.toordinal()
        if mode == "cumulative":
            ties = view.tie_since <= t
            nodes = since <= t
        else:
            running = (rec_start <= t) & (rec_end >= t)
            ties = np.bincount(tie_of[running], minlength=len(scene.seg_u)) > 0
            nodes = registered <= t
            nodes[scene.seg_u[ties]] = True
            nodes[scene.seg_v[ties]] = True
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


def growth_chart(growth: dict, name: str, *, top_libraries: int = 10) -> bytes:
    """One line chart of the growth series as SVG."""
    periods = growth["periods"]
    x = list(range(len(periods)))
    ticks = [p["period"] for p in periods]
    fig = Figure(figsize=(8, 3.6), dpi=100)
    ax = fig.add_axes((0.11, 0.16, 0.59, 0.76))  # room on the left for the y-axis label
    palette = ("#332288", "#CC6677", "#117733", "#DDCC77", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
               "#DDDDDD", "#000000")
    if name == "size":
        for key, label, c in (("actors", _("actors"), palette[0]), ("ties", _("ties"), palette[1]),
                              ("initiatives", _("initiatives"), palette[2])):
            ax.plot(x, [p[key] for p in periods], label=label, color=c, marker="o", ms=3)
        ax.set_ylabel(_("number"))
    elif name == "cross":
        ax.plot(x, [_nan(p["cross_sector_share"]) for p in periods], label=_("share of ties across sectors"),
                color=palette[0], marker="o", ms=3)
        ax.plot(x, [_nan(p["ei_index"]) for p in periods], label=_("E-I index (the network)"), color=palette[1],
                marker="s", ms=3, ls="--")
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
    elif name == "sectors":
        sectors = list(growth.get("groups", []))  # real sectors, then the pseudo-groups "(association)" …
        for i, sector in enumerate(sectors):
            ax.plot(x, [_nan(p["ei_by_sector"].get(sector)) for p in periods], label=_group_label(sector),
                    color=palette[i % len(palette)], marker="os^Dv<>ph*"[i % 10], ms=3)
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel(_("E-I index"))
    elif name == "libraries":
        names = growth.get("libraries", {})
        final = periods[-1]["library_degree"] if periods else {}
        for i, lib in enumerate(sorted(final, key=lambda k: -final[k])[:top_libraries]):
            ax.plot(x, [_nan(p["library_degree"].get(lib)) for p in periods], label=names.get(lib, lib),
                    color=palette[i % len(palette)], marker="os^Dv<>ph*"[i % 10], ms=3)
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
