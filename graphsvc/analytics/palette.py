"""One colour-blind-safe palette for every map, chart and export, with shapes as the second channel.

The colours are Paul Tol's *muted* qualitative scheme (Tol 2021, "Colour Schemes", SRON
technical note SRON/EPS/TN/09-002, https://personal.sron.nl/~pault/): nine colours that stay
distinct for the common forms of colour blindness, plus pale grey for "everything else". Nine
is the limit of what a reader can tell apart, so a colouring with more values (80
municipalities, 40 communities) colours the nine largest and greys the rest; the legend says so.

Every colouring is a pure function of the *whole* network's values, not of what a view happens
to show, so a sector has the same colour on the map, in a filtered view, in the growth charts, on
the metrics page and in every export. Default sectors keep fixed places; a municipality's own
sector names take the places the defaults leave free.

>>> sector_colours(["skole", "bibliotek", "(association)"])["bibliotek"] == MUTED[0]
True
>>> sector_colours(["skole", "bibliotek", "(association)"])["(association)"] == OTHER
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from graphsvc.model.entities import normalise_key
from graphsvc.model.vocab import DEFAULT_SECTORS, KINDS

#: Paul Tol's muted scheme, in his order (rose, indigo, sand, green, cyan, wine, teal, olive, purple).
MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
#: Tol's pale grey: actors outside the coloured groups (associations, citizen groups … by sector).
OTHER = "#DDDDDD"
#: Drawn around every node and glyph: the 3:1 contrast against white that WCAG 1.4.11 asks of a shape.
OUTLINE = "#333333"
#: Ties that cross a sector (focus and filtered views), ties within one, and what is new in a time step.
CROSS_TIE = "#332288"
INNER_TIE = "#9A9A9A"
NEW = "#E69F00"

#: The second channel: one shape per kind of actor, the same on the map, in pictures and in legends.
KIND_SHAPES = {"library": "star", "municipal_unit": "dot", "other_public": "hexagon", "association": "square",
               "citizen_group": "triangle", "business": "diamond"}
#: How far each shape reaches beyond its size, as vis-network draws it (its ctx.square, ctx.triangle,
#: ctx.star…): a square's corner is √2 out, a triangle's corners about 1.5. Layouts keep shapes apart with it.
SHAPE_REACH = {"dot": 1.0, "star": 1.15, "hexagon": 1.0, "square": 1.42, "triangle": 1.5, "diamond": 1.0}
#: The same shapes as matplotlib markers (pictures, animations, growth charts).
MARKERS = {"star": "*", "dot": "o", "hexagon": "h", "square": "s", "triangle": "^", "diamond": "D"}

COLOUR_BY = ("sector", "municipality", "kind", "community")


def sector_colours(labels: Iterable[str]) -> dict[str, str]:
    """Colour per sector group: default sectors in fixed places, others in the free places, by name.

    Pseudo-groups (``"(association)"`` …: actors without a sector, grouped by kind) are grey; a
    sector beyond the ninth colour is grey too.
    """
    labels = list(dict.fromkeys(labels))
    real = [g for g in labels if not g.startswith("(")]
    slots = {normalise_key(s): i for i, s in enumerate(DEFAULT_SECTORS[:len(MUTED)])}
    out: dict[str, str] = {}
    taken: set[int] = set()
    for g in real:
        slot = slots.get(normalise_key(g))
        if slot is not None:
            out[g] = MUTED[slot]
            taken.add(slot)
    free = [i for i in range(len(MUTED)) if i not in taken]
    for g in sorted((g for g in real if g not in out), key=str.casefold):
        out[g] = MUTED[free.pop(0)] if free else OTHER
    for g in labels:
        out.setdefault(g, OTHER)
    return out


def kind_colours() -> dict[str, str]:
    """One colour per kind of actor (six kinds, six colours)."""
    return {k: MUTED[i] for i, k in enumerate(KINDS)}


def ranked_colours(values: Iterable, *, limit: int = len(MUTED)) -> dict:
    """The ``limit`` most frequent values get the palette (largest first, ties by value), the rest grey.

    >>> ranked_colours(["a", "b", "b", "c"], limit=1)
    {'b': '#CC6677', 'a': '#DDDDDD', 'c': '#DDDDDD'}
    """
    counts = Counter(v for v in values if v is not None)
    ranked = sorted(counts, key=lambda v: (-counts[v], str(v).casefold()))
    return {v: (MUTED[i] if i < limit else OTHER) for i, v in enumerate(ranked)}


def legend_entries(colours: Mapping, counts: Mapping | None = None) -> list[dict]:
    """Legend rows: coloured values first (in palette order), then one row for all the grey ones."""
    coloured = [(v, c) for v, c in colours.items() if c != OTHER]
    coloured.sort(key=lambda vc: MUTED.index(vc[1]))
    rows = [{"value": v, "colour": c} for v, c in coloured]
    grey = [v for v, c in colours.items() if c == OTHER]
    if grey:
        rows.append({"value": None, "colour": OTHER, "others": len(grey),
                     "members": sorted(map(str, grey), key=str.casefold)[:50]})
    if counts is not None:
        for row in rows:
            row["count"] = (counts.get(row["value"], 0) if row["value"] is not None
                            else sum(counts.get(v, 0) for v in grey))
    return rows
