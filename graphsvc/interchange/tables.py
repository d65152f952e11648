"""Tables for R, pandas and Excel: a zip of CSV files, and an .xlsx workbook.

CSV choices (documented in the zip's README.txt):

* UTF-8 **with BOM**, comma-separated, RFC 4180 quoting, CRLF line ends. pandas
  (``read_csv(..., encoding="utf-8-sig")``), readr (``read_csv``) and Python's ``csv`` (with
  ``encoding="utf-8-sig"``) read it as it is, and Excel's *Data › From Text/CSV* sees æøå right
  thanks to the BOM. Base R needs ``read.csv(f, fileEncoding = "UTF-8-BOM")``.
* Norwegian Excel opens a double-clicked .csv with ``;`` as separator: pass ``delimiter=";"``
  for that audience, or give them the .xlsx.
* Dates are ISO ``YYYY-MM-DD``; an empty cell means "not set" (an ongoing initiative has an
  empty ``ended``); booleans are ``true``/``false``; lists are joined with ``;``.
* Values are written as they are: a name starting with ``=`` stays a name in every reader above,
  but a spreadsheet program opening the CSV may take it for a formula. The .xlsx export stores
  every text as text.

``initiatives.csv`` has the partners both as one ``actor:role;actor:role`` column (the form
the spreadsheet import reads) and, normalised, in ``partners.csv``. Coded columns (``kind``,
``location``, ``role``) keep the stable code; beside each, a ``*_label`` column has the word the
pages show (the glossary's, bokmål by default, ``lang="en"`` for English).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date

from graphsvc.interchange.filters import filter_network
from graphsvc.interchange.records import partners_cell, tie_rows
from graphsvc.model import glossary
from graphsvc.model.entities import Actor, Initiative

NODE_COLUMNS = ("id", "label", "kind", "kind_label", "sector", "municipality", "municipality_number", "org_number",
                "service_model", "registered", "tags", "public")
EDGE_COLUMNS = ("source", "target", "weight", "first", "last", "initiatives")
INITIATIVE_COLUMNS = ("id", "title", "category", "started", "ended", "initiator", "location", "location_label",
                      "partners")
PARTNER_COLUMNS = ("initiative", "actor", "role", "role_label")

_ZIP_README = """graphsvc export: co-creation network as CSV
============================================

nodes.csv        one row per actor (id, label = name, kind, kind_label, sector, municipality, ...)
edges.csv        one row per co-creation tie: two actors who are partners in the same
                 initiative; weight = number of shared initiatives, first/last = earliest
                 and latest start date, initiatives = their ids joined by ";"
initiatives.csv  one row per initiative; partners as "actor:role;actor:role"
partners.csv     one row per (initiative, actor, role)

Encoding: UTF-8 with BOM. Separator: "{delimiter}". Dates: YYYY-MM-DD. Empty = not set (unknown).
kind, location and role are codes; kind_label, location_label and role_label the words the pages use.

R (igraph):  library(readr); library(igraph)
             nodes <- read_csv("nodes.csv"); edges <- read_csv("edges.csv")
             g <- graph_from_data_frame(edges, directed = FALSE, vertices = nodes)
             (base R: read.csv("nodes.csv", fileEncoding = "UTF-8-BOM"))
pandas:      pd.read_csv("nodes.csv", encoding="utf-8-sig")
Excel:       Data > From Text/CSV, or use the .xlsx export.
"""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def node_rows(actors: Iterable[Actor], lang: str = "nb") -> list[dict]:
    return [{"id": a.id, "label": a.name, "kind": a.kind, "kind_label": glossary.label("kind", a.kind, lang),
             "sector": a.sector, "municipality": a.municipality, "municipality_number": a.municipality_number,
             "org_number": a.org_number, "service_model": a.service_model, "registered": a.registered,
             "tags": list(a.tags), "public": a.is_public}
            for a in sorted(actors, key=lambda a: a.id)]


def initiative_rows(initiatives: Iterable[Initiative], lang: str = "nb") -> list[dict]:
    return [{"id": i.id, "title": i.title, "category": i.category, "started": i.started, "ended": i.ended,
             "initiator": i.initiator, "location": i.location,
             "location_label": glossary.label("location", i.location, lang), "partners": partners_cell(i)}
            for i in sorted(initiatives, key=lambda i: i.id)]


def partner_rows(initiatives: Iterable[Initiative], lang: str = "nb") -> list[dict]:
    return [{"initiative": i.id, "actor": p.actor, "role": p.role, "role_label": glossary.label("role", p.role, lang)}
            for i in sorted(initiatives, key=lambda i: i.id) for p in i.partners]


def _csv(columns: tuple[str, ...], rows: list[dict], delimiter: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


def to_csv_zip(actors: Iterable[Actor], initiatives: Iterable[Initiative], *, at: date | None = None,
               view: str = "cumulative", municipality: str | None = None, sector: str | None = None,
               delimiter: str = ",", lang: str = "nb") -> bytes:
    """A zip with nodes.csv, edges.csv, initiatives.csv, partners.csv and README.txt."""
    if delimiter not in (",", ";", "\t"):
        raise ValueError(f"delimiter must be one of ',', ';', tab, not {delimiter!r}")
    actors, initiatives = filter_network(actors, initiatives, at=at, view=view, municipality=municipality,
                                         sector=sector)
    files = {
        "nodes.csv": _csv(NODE_COLUMNS, node_rows(actors, lang), delimiter),
        "edges.csv": _csv(EDGE_COLUMNS, tie_rows(actors, initiatives), delimiter),
        "initiatives.csv": _csv(INITIATIVE_COLUMNS, initiative_rows(initiatives, lang), delimiter),
        "partners.csv": _csv(PARTNER_COLUMNS, partner_rows(initiatives, lang), delimiter),
        "README.txt": _ZIP_README.format(delimiter="tab" if delimiter == "\t" else delimiter).encode("utf-8"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            # A fixed timestamp keeps the archive byte-for-byte reproducible.
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# -- xlsx --------------------------------------------------------------------------------------------

ACTOR_SHEET_COLUMNS = NODE_COLUMNS[:1] + ("name",) + NODE_COLUMNS[2:]


def to_xlsx(actors: Iterable[Actor], initiatives: Iterable[Initiative], *, at: date | None = None,
            view: str = "cumulative", municipality: str | None = None, sector: str | None = None,
            lang: str = "nb") -> bytes:
    """An Excel workbook with the sheets ``actors``, ``initiatives`` and ``ties``.

    Dates are real Excel dates (shown as YYYY-MM-DD), numbers are numbers, and every text is
    stored as text, never as a formula. The first two sheets use the column names of the
    spreadsheet import, so an exported workbook can be imported again.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    actors, initiatives = filter_network(actors, initiatives, at=at, view=view, municipality=municipality,
                                         sector=sector)
    actor_rows = [{"name": r.pop("label"), **r} for r in node_rows(actors, lang)]
    sheets = (
        ("actors", ACTOR_SHEET_COLUMNS, actor_rows),
        ("initiatives", INITIATIVE_COLUMNS, initiative_rows(initiatives, lang)),
        ("ties", EDGE_COLUMNS, tie_rows(actors, initiatives)),
    )
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(c) for c in columns]
        for row_number, row in enumerate(rows, start=2):
            for column_number, column in enumerate(columns, start=1):
                value = row[column]
                if isinstance(value, (list, tuple)):
                    value = ";".join(str(v) for v in value)
                if value is None or value == "":
                    continue
                if isinstance(value, str):  # control characters the format forbids (validation refuses them)
                    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # "=…" stays text: no formula injection
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                widths[column_number - 1] = max(widths[column_number - 1], min(len(_cell(value)), 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
