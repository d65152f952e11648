"""Import templates: the columns' headers (Norwegian), example rows and help, as a zip of CSV files or .xlsx.

Made from the same column list the import reads (:mod:`graphsvc.interchange.columns`), so a
template always imports: its fictional example rows (Eksempelby) and its headers are what the
import expects.
"""

from __future__ import annotations

import csv
import io
import zipfile

from graphsvc.interchange.columns import COLUMNS

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_TEMPLATE_README = """graphsvc – mal for import av aktører og initiativ
=================================================

aktorer.csv    én rad per aktør (bibliotek, kommunal enhet, lag/forening, innbyggergruppe …)
initiativ.csv  én rad per samskapingsinitiativ; partnere skrives aktør:rolle;aktør:rolle

Filene er UTF-8 med BOM og semikolon som skilletegn, slik norsk Excel åpner dem.
Importen leser også komma og tabulator, Windows-1252 (æøå fra eldre Excel) og .xlsx.
Kolonnenavn kan være på norsk eller engelsk; datoer som dd.mm.åååå eller åååå-mm-dd.
Eksempelradene (Eksempelby) er oppdiktet og kan slettes. Importer med:  graphsvc import mal.zip --dry-run

{columns}
"""


def _column_help() -> str:
    lines = []
    for kind, title in (("actors", "aktorer.csv"), ("initiatives", "initiativ.csv")):
        lines.append(f"{title}:")
        for c in COLUMNS[kind]:
            need = "påkrevd" if c.required else "valgfri"
            lines.append(f"  {c.nb} ({c.en}, {need}): {c.help}")
        lines.append("")
    return "\n".join(lines)


def _template_rows(kind: str) -> list[list[str]]:
    columns = COLUMNS[kind]
    count = len(columns[0].example)
    return [[c.nb for c in columns]] + [[c.example[i] for c in columns] for i in range(count)]


def template_csv_zip() -> bytes:
    """A zip with aktorer.csv, initiativ.csv (Norwegian headers, example rows) and LESMEG.txt."""
    files = {}
    for kind, name in (("actors", "aktorer.csv"), ("initiatives", "initiativ.csv")):
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(_template_rows(kind))
        files[name] = buffer.getvalue().encode("utf-8-sig")
    files["LESMEG.txt"] = _TEMPLATE_README.format(columns=_column_help()).encode("utf-8")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), content)
    return zipped.getvalue()


def template_xlsx() -> bytes:
    """A workbook with the sheets ``aktører``, ``initiativ`` (example rows) and ``forklaring`` (help)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for kind, title in (("actors", "aktører"), ("initiatives", "initiativ")):
        sheet = workbook.create_sheet(title)
        for row in _template_rows(kind):
            sheet.append(row)
        for column, cell in zip(COLUMNS[kind], sheet[1]):
            cell.font = Font(bold=True)
            if column.field in ("registered", "started", "ended", "municipality_number", "org_number", "id"):
                letter = cell.column_letter
                for body in sheet[letter][1:]:
                    body.number_format = "@"  # text: Excel keeps 0301 and 01.02.2021 as written
        for index, column in enumerate(COLUMNS[kind], start=1):
            width = max(len(column.nb), *(len(e) for e in column.example))
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 3, 60)
        sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("forklaring")
    help_sheet.append(["ark", "kolonne", "engelsk navn", "påkrevd", "forklaring"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for kind, title in (("actors", "aktører"), ("initiatives", "initiativ")):
        for c in COLUMNS[kind]:
            help_sheet.append([title, c.nb, c.en, "ja" if c.required else "nei", c.help])
    for letter, width in zip("ABCDE", (12, 20, 20, 9, 100)):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATES = {
    "csv": (template_csv_zip, "graphsvc-mal.zip", "application/zip"),
    "xlsx": (template_xlsx, "graphsvc-mal.xlsx", XLSX_MEDIA_TYPE),
}
