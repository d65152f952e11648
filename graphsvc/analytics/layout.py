"""Node positions for maps, computed on the server once per view (igraph Fruchterman–Reingold).

Every view gets its own layout — the whole network, a municipality, a sector with its partners,
a focus, the aggregated bubbles — laid out for what it shows and fitted to a wide canvas:

* :func:`spread_layout`: each connected part on its own (Fruchterman & Reingold 1991, igraph),
  scaled to one spacing between neighbours, then the parts packed in rows (largest first,
  "shelf" packing) so that isolates and small parts do not ring a large part at a distance;
* :func:`radial_layout`: a focus actor in the centre, the actors one step away on a ring around
  it, two steps on the next ring (each near the partners it came through);
* :func:`remove_overlaps`: no node lies on another (node radii are known to the server);
* :func:`label_scales`: at which zoom each label fits without touching a more important one,
  so the map labels only what fits and shows the rest on zoom and hover.

All of them are deterministic (seeded), so the same view looks the same every time and in every
server process; one layout covers all dates of a view, so nodes never move on the growth slider.
Measured here: igraph's layout takes ~1 s for 5,000 actors; networkx's spring layout took 539 s
for 20,000 (field notes).
"""

from __future__ import annotations

import math

import igraph as ig
import numpy as np

from graphsvc.analytics.structural import seeded_rng

#: Median distance from a node to its nearest neighbour, in canvas units (vis-network's; 1 unit = 1 px at zoom 1).
SPACING = 50.0
#: Node radii in canvas units: the smallest actor and the largest (sizes are area-true in between).
NODE_RADIUS = (7.0, 26.0)
#: Free space kept between two nodes' outlines, in canvas units.
GAP = 6.0
#: Width to height of the packed layout: a map canvas on a laptop screen is about 1,000 × 600.
ASPECT = 1.6
#: Labels as the map draws them (13 px text with a 3 px halo): this many pixels high, this many per character.
LABEL_PX = 20.0
LABEL_CHAR_PX = 8.0
#: vis-network zooms in at most to scale 10: a label that fits only beyond it is never planned.
LABEL_MAX_SCALE = 10.0
#: Labels on the fitted map at most (the most important that fit); twice the zoom, four times as many.
LABELS_AT_FIT = 30
#: The canvas a layout is fitted to when planning labels (a laptop's map area, minus margins), in pixels.
NOMINAL_CANVAS = (900.0, 560.0)


def fruchterman_reingold(n: int, u: np.ndarray, v: np.ndarray, *, weight: np.ndarray | None = None,
                         seed: int = 0, niter: int = 500) -> np.ndarray:
    """Raw Fruchterman–Reingold positions (n × 2) for the ties ``u``–``v``.

    Deterministic: the starting positions come from ``seed`` and igraph's own generator is
    seeded too, so the same graph gets the same positions in every process.

    >>> xy = fruchterman_reingold(3, np.array([0, 1]), np.array([1, 2]))
    >>> xy.shape, bool(np.all(np.isfinite(xy)))
    ((3, 2), True)
    """
    if n <= 1:
        return np.zeros((n, 2))
    rng = np.random.default_rng(seed)
    start = rng.uniform(-np.sqrt(n), np.sqrt(n), size=(n, 2))
    graph = ig.Graph(n=n, edges=np.column_stack([u, v]).tolist() if len(u) else [])
    weights = None if weight is None or len(u) == 0 else [float(w) for w in weight]
    # igraph's FR also draws from igraph's global generator: seed it too, or maps differ between processes.
    with seeded_rng(seed):
        return np.array(graph.layout_fruchterman_reingold(weights=weights, seed=start.tolist(), niter=niter).coords)


def component_labels(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected part of each node, numbered by size (0 = the largest; ties broken by first node)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = ig.Graph(n=n, edges=np.column_stack([u, v]).tolist() if len(u) else [])
    membership = np.array(graph.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership)
    first = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first, membership, np.arange(n))
    order = np.lexsort((first, -sizes))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[membership]


def spread_layout(n: int, u: np.ndarray, v: np.ndarray, *, weight: np.ndarray | None = None,
                  radius: np.ndarray | None = None, seed: int = 0, aspect: float = ASPECT) -> np.ndarray:
    """Positions (n × 2, canvas units, centred on 0) that use a wide canvas evenly.

    Each connected part is laid out alone (Fruchterman–Reingold) and scaled so that tied
    nearest neighbours sit ``SPACING`` apart (median); overlaps are removed with the node radii; then the
    parts are packed in rows of about ``aspect`` times the height, largest first.

    >>> xy = spread_layout(4, np.array([0]), np.array([1]))
    >>> xy.shape, round(float(np.hypot(*(xy[0] - xy[1]))))
    ((4, 2), 50)
    """
    radius = np.full(n, NODE_RADIUS[0]) if radius is None else np.asarray(radius, dtype=np.float64)
    if n == 0:
        return np.zeros((0, 2))
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    part = component_labels(n, u, v)
    k = int(part.max()) + 1
    members = np.argsort(part, kind="stable")
    starts = np.searchsorted(part[members], np.arange(k + 1))
    local = np.empty(n, dtype=np.int64)
    local[members] = np.arange(n) - np.repeat(starts[:-1], np.diff(starts))
    tie_part = part[u] if len(u) else np.zeros(0, dtype=np.int64)
    tie_order = np.argsort(tie_part, kind="stable")
    tie_starts = np.searchsorted(tie_part[tie_order], np.arange(k + 1))
    xy = np.zeros((n, 2))
    boxes = []
    for p in range(k):
        nodes = members[starts[p]:starts[p + 1]]
        ties = tie_order[tie_starts[p]:tie_starts[p + 1]]
        pos = _part_layout(len(nodes), local[u[ties]], local[v[ties]],
                           None if weight is None else np.asarray(weight)[ties], radius[nodes], seed)
        lo = (pos - radius[nodes, None]).min(axis=0)
        hi = (pos + radius[nodes, None]).max(axis=0)
        xy[nodes] = pos - lo
        boxes.append(hi - lo)
    offsets = _shelf_pack(np.array(boxes), aspect)
    xy += offsets[part]
    xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2
    return xy


def _part_layout(n, u, v, weight, radius, seed) -> np.ndarray:
    """One connected part: a point, a pair, or Fruchterman–Reingold scaled to ``SPACING``."""
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        d = max(SPACING, radius[0] + radius[1] + GAP)
        return np.array([[-d / 2, 0.0], [d / 2, 0.0]])
    w = None
    if weight is not None:
        w = 1.0 + np.log(np.maximum(np.asarray(weight, dtype=np.float64), 1.0))
    pos = open_core(fruchterman_reingold(n, u, v, weight=w, seed=seed))
    pos = pos * (SPACING / max(median_neighbour_distance(pos), 1e-9))
    pos = _widen(pos, ASPECT)
    return remove_overlaps(pos, radius)


def open_core(pos: np.ndarray, *, power: float = 0.5) -> np.ndarray:
    """Centre on the median and move every node to ``r ↦ r^power`` (relative radius): the dense core
    gets room, the thin rim of leaves comes in; no node crosses another's direction from the centre.

    Fruchterman–Reingold packs a large network's core tightly and scatters its leaves far out.
    """
    pos = pos - np.median(pos, axis=0)
    radius = np.hypot(pos[:, 0], pos[:, 1])
    top = float(radius.max())
    if top <= 0:
        return pos
    factor = np.where(radius > 0, (radius / top) ** power * top / np.where(radius > 0, radius, 1.0), 1.0)
    return pos * factor[:, None]


def median_neighbour_distance(xy: np.ndarray) -> float:
    """The median distance from a node to its nearest other node.

    Fruchterman–Reingold on a dense network leaves the nearest neighbours much closer than the
    tied ones (ties cross the picture), so this, not the tie length, sets a readable scale.
    """
    n = len(xy)
    span = float(np.max(xy.max(axis=0) - xy.min(axis=0))) or 1.0
    cutoff = span / max(np.sqrt(n), 1.0)
    for _ in range(20):
        i, j = close_pairs(xy, cutoff)
        nearest = np.full(n, np.inf)
        if len(i):
            d = np.hypot(*(xy[i] - xy[j]).T)
            np.minimum.at(nearest, i, d)
            np.minimum.at(nearest, j, d)
        if np.isfinite(nearest).mean() > 0.6:
            return float(np.median(nearest))
        cutoff *= 2
    return float(np.median(nearest))


def _widen(pos: np.ndarray, aspect: float) -> np.ndarray:
    """Stretch a round part towards the canvas's width (at most 1.4×): fewer empty margins."""
    span = pos.max(axis=0) - pos.min(axis=0)
    if span[1] <= 0 or span[0] <= 0:
        return pos
    stretch = min(1.4, max(1.0, aspect * span[1] / span[0]) ** 0.5)
    return pos * np.array([stretch, 1.0])


def _shelf_pack(boxes: np.ndarray, aspect: float) -> np.ndarray:
    """Lower-left corners for boxes (w, h), largest first, filling a region about ``aspect`` wide.

    When one part dominates (half the area or more), it stands on the left and the small parts
    fill columns beside it, as high as it is; otherwise all parts go in rows.
    """
    margin = SPACING
    offsets = np.zeros_like(boxes)
    if len(boxes) == 0:
        return offsets
    padded = boxes + margin
    area = float((padded[:, 0] * padded[:, 1]).sum())
    first = padded[0, 0] * padded[0, 1]
    if len(boxes) > 1 and first >= 0.5 * area:
        height = float(boxes[0, 1])
        x, y, column_width = float(padded[0, 0]), 0.0, 0.0
        for i in range(1, len(boxes)):
            w, h = boxes[i]
            if y > 0 and y + h > height:
                x, y, column_width = x + column_width + margin, 0.0, 0.0
            offsets[i] = (x, y)
            y += h + margin
            column_width = max(column_width, w)
        # centre the small parts' columns on the big part's height
        for col in np.unique(offsets[1:, 0]):
            in_col = np.flatnonzero(offsets[:, 0] == col)
            in_col = in_col[in_col > 0]
            top = float((offsets[in_col, 1] + boxes[in_col, 1]).max())
            offsets[in_col, 1] += max(0.0, (height - top) / 2)
        return offsets
    width = max(float(boxes[:, 0].max()), math.sqrt(area * aspect))
    x = y = row_height = 0.0
    for i, (w, h) in enumerate(boxes):
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        offsets[i] = (x, y)
        x += w + margin
        row_height = max(row_height, h)
    # Centre every row under the widest: a short last row of isolates sits in the middle.
    for row in np.unique(offsets[:, 1]):
        in_row = offsets[:, 1] == row
        right = float((offsets[in_row, 0] + boxes[in_row, 0]).max())
        offsets[in_row, 0] += (width - right) / 2 if right < width else 0.0
    return offsets


def radial_layout(distance: np.ndarray, u: np.ndarray, v: np.ndarray, *, radius: np.ndarray | None = None,
                  order: np.ndarray | None = None) -> np.ndarray:
    """A focus view: the node at distance 0 in the centre, distance-k nodes on the k-th ring.

    The first ring is ordered by ``order`` (e.g. sector, so a sector's partners sit together);
    each later node sits near the mean angle of the nodes it is tied to on the ring inside it.
    Ring radii grow with the number of nodes on them, so nodes never overlap.

    >>> xy = radial_layout(np.array([0, 1, 1, 2]), np.array([0, 0, 1]), np.array([1, 2, 3]))
    >>> bool(np.allclose(xy[0], 0)), bool(np.hypot(*xy[3]) > np.hypot(*xy[1]))
    (True, True)
    """
    n = len(distance)
    radius = np.full(n, NODE_RADIUS[0]) if radius is None else np.asarray(radius, dtype=np.float64)
    order = np.arange(n) if order is None else np.asarray(order)
    xy = np.zeros((n, 2))
    angle = np.zeros(n)
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(np.asarray(u).tolist(), np.asarray(v).tolist()):
        neighbours[a].append(b)
        neighbours[b].append(a)
    ring_radius = float(radius[distance == 0].max()) if np.any(distance == 0) else 0.0
    for ring in range(1, int(distance.max(initial=0)) + 1):
        nodes = np.flatnonzero(distance == ring)
        if len(nodes) == 0:
            continue
        if ring == 1:
            nodes = nodes[np.argsort(order[nodes], kind="stable")]
        else:
            wanted = []
            for i in nodes.tolist():
                inner = [j for j in neighbours[i] if distance[j] == ring - 1]
                wanted.append(math.atan2(np.sin(angle[inner]).sum(), np.cos(angle[inner]).sum()) % (2 * math.pi)
                              if inner else 0.0)
            nodes = nodes[np.lexsort((order[nodes], np.array(wanted)))]
        # Neighbours on the ring are a chord apart: 2R·sin(π/k) must hold both radii and the gap.
        pair = radius[nodes] + np.roll(radius[nodes], -1) + GAP
        chord = float(pair.max()) / (2 * math.sin(math.pi / len(nodes))) if len(nodes) > 1 else 0.0
        ring_radius = max(ring_radius + 2.5 * SPACING + float(radius[nodes].max()), chord)
        step = 2 * math.pi / len(nodes)
        start = -math.pi / 2
        if ring > 1:  # turn the ring so that, on the whole, nodes sit nearest the angles they want
            rest = np.sort(np.array(wanted)) - step * np.arange(len(nodes))
            start = math.atan2(float(np.sin(rest).sum()), float(np.cos(rest).sum()))
        theta = start + step * np.arange(len(nodes))
        angle[nodes] = theta % (2 * math.pi)
        xy[nodes, 0] = ring_radius * np.cos(theta)
        xy[nodes, 1] = ring_radius * np.sin(theta)
    return xy


def close_pairs(xy: np.ndarray, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``i < j`` of points closer than ``cutoff`` (a grid of cutoff-sized cells: O(n) when spread)."""
    n = len(xy)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    cell = np.floor((xy - xy.min(axis=0)) / cutoff).astype(np.int64)
    width = int(cell[:, 1].max()) + 3
    key = (cell[:, 0] + 1) * width + (cell[:, 1] + 1)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    out_i, out_j = [], []
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        target = key + dx * width + dy
        lo = np.searchsorted(sorted_key, target, "left")
        hi = np.searchsorted(sorted_key, target, "right")
        if dx == dy == 0:
            lo = np.maximum(lo, rank + 1)  # same cell: only the later points, each pair once
        counts = np.maximum(hi - lo, 0)
        total = int(counts.sum())
        if total == 0:
            continue
        i = np.repeat(np.arange(n), counts)
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        j = order[np.repeat(lo, counts) + within]
        d = np.hypot(*(xy[i] - xy[j]).T)
        keep = d < cutoff
        out_i.append(i[keep])
        out_j.append(j[keep])
    if not out_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    a, b = np.minimum(i, j), np.maximum(i, j)
    return a, b


def overlapping_pairs(xy: np.ndarray, radius: np.ndarray, gap: float = GAP) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``i < j`` closer than ``radius[i] + radius[j] + gap``.

    Most nodes are small: they are matched on a grid sized for small nodes; the few large ones
    (above the 99th percentile of radii) are compared with every node directly.
    """
    n = len(xy)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    small_radius = float(np.quantile(radius, 0.99))
    i, j = close_pairs(xy, 2 * small_radius + gap)
    large = np.flatnonzero(radius > small_radius)
    if len(large):
        li = np.repeat(large, n)
        lj = np.tile(np.arange(n), len(large))
        keep = li != lj
        li, lj = li[keep], lj[keep]
        d = np.hypot(*(xy[li] - xy[lj]).T)
        near = d < radius[li] + radius[lj] + gap
        i = np.concatenate([i, np.minimum(li, lj)[near]])
        j = np.concatenate([j, np.maximum(li, lj)[near]])
    if len(i) == 0:
        return i, j
    d = np.hypot(*(xy[i] - xy[j]).T)
    near = d < radius[i] + radius[j] + gap - 1e-6
    pairs = np.unique(np.column_stack([i[near], j[near]]), axis=0)
    return pairs[:, 0], pairs[:, 1]


def remove_overlaps(xy: np.ndarray, radius: np.ndarray, *, gap: float = GAP, iterations: int = 120) -> np.ndarray:
    """Push apart every two nodes closer than their radii plus ``gap`` (each moves half the overlap).

    When pushing stops making progress (a crowded core), the whole part is spread a little
    (×1.06 from its centre) and pushing goes on: the result is a bit larger, never overlapping.
    Coinciding nodes are separated in a direction taken from their indices: deterministic.

    >>> xy = remove_overlaps(np.zeros((3, 2)), np.full(3, 5.0))
    >>> len(overlapping_pairs(xy, np.full(3, 5.0))[0])
    0
    """
    xy = np.array(xy, dtype=np.float64)
    radius = np.asarray(radius, dtype=np.float64)
    if len(xy) < 2:
        return xy
    best = None
    stalled = 0
    for _ in range(iterations):
        i, j = overlapping_pairs(xy, radius, gap)
        if len(i) == 0:
            return xy
        if best is not None and len(i) >= best:
            stalled += 1
        else:
            best, stalled = len(i), 0
        if stalled >= 3:
            centre = xy.mean(axis=0)
            xy = centre + (xy - centre) * 1.06
            best, stalled = None, 0
            continue
        delta = xy[j] - xy[i]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        need = radius[i] + radius[j] + gap
        same = dist < 1e-9
        golden = (i[same] * 0.618034 + j[same] * 0.414214) * 2 * math.pi
        delta[same] = np.column_stack([np.cos(golden), np.sin(golden)])
        dist[same] = 1.0
        push = (delta / dist[:, None]) * ((need - dist) / 2 + 0.05)[:, None]
        move = np.zeros_like(xy)
        np.add.at(move, i, -push)
        np.add.at(move, j, push)
        xy += move
    # Out of patience: spread until nothing overlaps (each step at least halves the worst overlap).
    while True:
        i, j = overlapping_pairs(xy, radius, gap)
        if len(i) == 0:
            return xy
        dist = np.hypot(*(xy[j] - xy[i]).T)
        factor = float(np.max((radius[i] + radius[j] + gap) / np.maximum(dist, 1e-3)))
        centre = xy.mean(axis=0)
        xy = centre + (xy - centre) * min(max(factor, 1.01), 4.0)


def label_scales(xy: np.ndarray, radius: np.ndarray, chars: np.ndarray, priority: np.ndarray, *,
                 label_px: float = LABEL_PX, char_px: float = LABEL_CHAR_PX) -> np.ndarray:
    """The zoom (vis-network scale: screen pixels per canvas unit) from which each label fits.

    Labels are planned greedily, most important first (highest ``priority``): a label is shown
    from the smallest scale at which its box (``chars`` × ``char_px`` wide, ``label_px`` high,
    under its node) touches no label planned before it at any larger scale, and not before the
    k-th most important label's turn: on the layout fitted to ``NOMINAL_CANVAS`` about
    ``LABELS_AT_FIT`` labels, four times as many at twice the zoom (so a big map names its hubs,
    not whichever leaf happens to have room). Zooming in only ever adds labels. A node without a
    label text (``chars`` 0) gets ``inf``; so does one whose label never fits (``LABEL_MAX_SCALE``).

    Two labels 80 px wide whose nodes are 10 units apart: the second fits from scale 8 on (its
    turn comes at 45 · √(1/30) ≈ 8.2, 45 being the scale that fits the pair to the canvas).

    >>> xy = np.array([[0.0, 0.0], [10.0, 0.0]])
    >>> s = label_scales(xy, np.array([5.0, 5.0]), np.array([10, 10]), np.array([2, 1]))
    >>> float(s[0]), round(float(s[1]), 1)
    (0.0, 8.2)
    """
    n = len(xy)
    out = np.full(n, np.inf)
    if n == 0:
        return out
    width = np.asarray(chars, dtype=np.float64) * char_px
    anchor_x = xy[:, 0]
    anchor_y = xy[:, 1] + np.asarray(radius, dtype=np.float64)
    order = np.lexsort((np.arange(n), -np.asarray(priority, dtype=np.float64)))
    span = (xy + np.asarray(radius)[:, None]).max(axis=0) - (xy - np.asarray(radius)[:, None]).min(axis=0)
    fit = min(NOMINAL_CANVAS[0] / max(float(span[0]), 1.0), NOMINAL_CANVAS[1] / max(float(span[1]), 1.0))
    placed = np.zeros(0, dtype=np.int64)
    for i in order.tolist():
        if width[i] <= 0:
            continue
        turn = fit * math.sqrt(len(placed) / LABELS_AT_FIT)
        if len(placed) == 0:
            out[i] = 0.0
            placed = np.array([i])
            continue
        dx = np.abs(anchor_x[placed] - anchor_x[i])
        dy = np.abs(anchor_y[placed] - anchor_y[i])
        with np.errstate(divide="ignore"):
            free_x = np.where(dx > 0, (width[placed] + width[i]) / 2 / dx, np.inf)
            free_y = np.where(dy > 0, label_px / dy, np.inf)
        needed = np.minimum(free_x, free_y)  # from this scale on, the two boxes are apart
        clash = needed > out[placed]  # … and the earlier label is on screen before that
        scale = max(float(needed[clash].max()) if clash.any() else 0.0, turn)
        if scale > LABEL_MAX_SCALE:
            continue
        out[i] = scale
        placed = np.append(placed, i)
    return out
