"""Spreadsheet import: actors and initiatives from CSV (two files or a zip) and Excel .xlsx.

What a librarian's spreadsheet may look like, and what this module does with it:

* **Files.** CSV: an actors file and an initiatives file (either may come alone), or a zip
  holding both (``aktorer.csv``/``actors.csv``/``nodes.csv`` and
  ``initiativ.csv``/``initiatives.csv``; other members such as a README are ignored). Excel
  .xlsx: a sheet ``aktører``/``actors`` and a sheet ``initiativ``/``initiatives`` (otherwise the
  first two sheets, told apart by their headers). The first row is the header row.
* **Columns** (:data:`ACTOR_COLUMNS`, :data:`INITIATIVE_COLUMNS`) in Norwegian or English, case,
  spaces, ``_``, ``-`` and ``.`` ignored (``Org.nr`` = ``orgnr``). Unknown columns are ignored
  and named in the report. Partners are one cell, ``actor:role;actor:role``, where *actor* is
  an id or a name (of an actor in the file or already stored).
* **Values.** Kinds, roles, locations and service models as the data model's codes or in
  Norwegian (``bibliotek``, ``kommunal enhet``, ``lag/forening``, ``medskaper``, ``ute`` …).
  Dates as ``dd.mm.yyyy`` (Norwegian), ``yyyy-mm-dd``, or Excel date cells.
* **CSV dialects.** UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"),
  Windows-1252 (Norwegian Excel's "CSV (semikolondelt)", æøå); separator ``,``, ``;`` or tab,
  detected from the header row (an Excel ``sep=;`` first line is honoured).
* **Identity.** A row without an id reuses the stored actor with the same normalised name in
  the same municipality, else gets a new id made from the name; an initiative without an id
  reuses the stored one with the same normalised title and start date, else gets ``title-year``.
  So importing the same file twice changes nothing.

Reading and planning are pure: :func:`read_tables` turns files into :class:`Table` objects and
:func:`plan` checks them against a snapshot of the store, giving the actors and initiatives
to store and a :class:`Rejection` (row, column, reason) for every row that cannot be stored.
``graphsvc.services.imports`` runs it against a store.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import PurePosixPath

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, normalise_key, slugify
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.validation import parse_actor, parse_initiative
from graphsvc.model.vocab import KINDS, LOCATIONS, ROLES, SERVICE_MODELS

#: Largest spreadsheet accepted by default (bytes of the file as uploaded); see GRAPHSVC_MAX_IMPORT_MB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Most data rows in one table: beyond this a spreadsheet is better split (or sent as JSON).
MAX_ROWS = 200_000
#: The CLI shows a progress bar from this many rows.
PROGRESS_FROM_ROWS = 5000

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Progress = Callable[[str, int, int], None]  # (label, done, total)


# -- the columns ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column: the model field, its Norwegian and English header, and what it holds."""

    field: str
    nb: str
    en: str
    required: bool
    help: str
    example: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.nb, self.en, *self.aliases)))

    @property
    def label(self) -> str:
        return self.nb if self.nb == self.en else f"{self.nb}/{self.en}"


ACTOR_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "id", False, "Stabil id (a–z, 0–9, bindestrek). Tom: lages fra navnet, og en aktør med "
           "samme navn i samme kommune gjenbrukes.", ("eksempel-bibliotek", "eksempel-frivilligsentral")),
    Column("name", "navn", "name", True, "Navnet på aktøren.", ("Eksempelby bibliotek", "Eksempelby frivilligsentral"),
           ("label", "aktør", "aktor")),
    Column("kind", "type", "kind", True, "library (bibliotek), municipal_unit (kommunal enhet), association "
           "(lag/forening), citizen_group (innbyggergruppe), business (næringsliv), other_public (annen offentlig).",
           ("bibliotek", "lag/forening"), ("aktørtype", "aktortype")),
    Column("sector", "sektor", "sector", False, "Påkrevd for bibliotek og kommunale enheter, f.eks. bibliotek, "
           "skole, helse, kultur, oppvekst, innbyggertorg.", ("bibliotek", "")),
    Column("municipality", "kommune", "municipality", True, "Kommunens navn.", ("Eksempelby", "Eksempelby")),
    Column("municipality_number", "kommunenummer", "municipality_number", False, "Fire sifre, f.eks. 3301.",
           ("9999", ""), ("kommunenr", "knr")),
    Column("org_number", "organisasjonsnummer", "org_number", False,
           "Ni sifre fra Enhetsregisteret (kontrollsiffer sjekkes).", ("", "974760673"), ("orgnr", "org_nr")),
    Column("service_model", "tjenestemodell", "service_model", False,
           "For bibliotek med innbyggertorg: total, hybrid, en_dor_inn, pacman.", ("hybrid", "")),
    Column("registered", "registrert", "registered", False, "Dato, dd.mm.åååå eller åååå-mm-dd. Tom: i dag "
           "(eller datoen som alt er lagret).", ("01.03.2019", "15.01.2020"), ("registrert dato",)),
    Column("tags", "stikkord", "tags", False, "Fritt valgte stikkord, skilt med semikolon.",
           ("samskaping;innbyggertorg", "frivillighet"), ("emneord",)),
)

INITIATIVE_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "id", False, "Stabil id. Tom: lages fra tittel og startår, og et initiativ med samme "
           "tittel og startdato gjenbrukes.", ("eksempel-sprakkafe",)),
    Column("title", "tittel", "title", True, "Hva initiativet heter.", ("Språkkafé i Eksempelby",), ("navn",)),
    Column("category", "kategori", "category", False, "F.eks. språkkafé, lesesirkel, arrangement, konsert, "
           "verksted, pop-up bibliotek, møteplass.", ("språkkafé",)),
    Column("started", "startet", "started", True, "Startdato, dd.mm.åååå eller åååå-mm-dd.", ("01.02.2021",),
           ("start", "startdato", "fra")),
    Column("ended", "avsluttet", "ended", False, "Sluttdato; tom hvis det fortsatt pågår.", ("",),
           ("slutt", "sluttdato", "til")),
    Column("initiator", "initiativtaker", "initiator", True, "Aktøren som tok initiativet (id eller navn); må "
           "være blant partnerne.", ("eksempel-bibliotek",), ("initiativtager",)),
    Column("location", "sted", "location", True, "library (på biblioteket), outside (utenfor), digital (digitalt).",
           ("library",), ("lokasjon",)),
    Column("partners", "partnere", "partners", True, "Minst to, som aktør:rolle skilt med semikolon. Aktør: id "
           "eller navn. Rolle: lead (leder), co_creator (medskaper), facilitator (tilrettelegger), participant "
           "(deltaker).", ("eksempel-bibliotek:lead;Eksempelby frivilligsentral:co_creator",),
           ("partner", "deltakere")),
)

#: Columns other formats write that carry nothing to import (the export's derived ``public`` flag).
IGNORED_COLUMNS = frozenset({"public", "offentlig"})

_TABLE_NAMES = {
    "actors": ("actors", "aktorer", "aktører", "aktor", "aktør", "nodes", "noder"),
    "initiatives": ("initiatives", "initiativ", "initiativer", "initiativene"),
}
_COLUMNS = {"actors": ACTOR_COLUMNS, "initiatives": INITIATIVE_COLUMNS}

# Norwegian words for the model's codes; anything else goes to validation unchanged, which
# answers with the list of legal values.
KIND_WORDS = {
    "bibliotek": "library", "folkebibliotek": "library", "fylkesbibliotek": "library",
    "kommunal enhet": "municipal_unit", "kommunal": "municipal_unit", "enhet": "municipal_unit",
    "lag/forening": "association", "lag og foreninger": "association", "lag": "association",
    "forening": "association", "frivillig organisasjon": "association", "organisasjon": "association",
    "innbyggergruppe": "citizen_group", "innbyggere": "citizen_group", "innbyggergrupper": "citizen_group",
    "næringsliv": "business", "bedrift": "business", "næring": "business",
    "annen offentlig": "other_public", "offentlig": "other_public",
}
ROLE_WORDS = {"leder": "lead", "ansvarlig": "lead", "hovedansvarlig": "lead", "medskaper": "co_creator",
              "samskaper": "co_creator", "tilrettelegger": "facilitator", "fasilitator": "facilitator",
              "deltaker": "participant", "deltager": "participant"}
LOCATION_WORDS = {"bibliotek": "library", "biblioteket": "library", "på biblioteket": "library",
                  "utenfor": "outside", "ute": "outside", "utenfor biblioteket": "outside", "digitalt": "digital"}
SERVICE_MODEL_WORDS = {"totalt samarbeid": "total", "totalt": "total", "hybrid samarbeid": "hybrid",
                       "en dør inn": "en_dor_inn", "en dor inn": "en_dor_inn", "pac-man": "pacman",
                       "«pac-man»": "pacman", "pac man": "pacman"}


def _header_key(text: str) -> str:
    return re.sub(r"[\s_.\-*]+", "", normalise_key(text))


_HEADERS = {kind: {_header_key(n): c for c in columns for n in c.names} for kind, columns in _COLUMNS.items()}


def accepted_names(kind: str) -> str:
    """The accepted headers of a table, for messages: ``navn/name, type/kind, …``."""
    return ", ".join("/".join(c.names[:2]) + (" (required)" if c.required else "") for c in _COLUMNS[kind])


# -- reading files ----------------------------------------------------------------------------
@dataclass
class Table:
    """One sheet or CSV file: its header and data rows (row numbers as a spreadsheet shows them)."""

    name: str  # "aktorer.csv", "sheet aktører" — used in every message about it
    kind: str  # "actors" | "initiatives"
    header: list[str]
    rows: list[tuple[int, list]]
    details: msg.Message | None = None  # how it was read: encoding, separator

    def columns(self) -> tuple[dict[str, int], dict[str, str], list[str]]:
        """(field → cell index, field → header as written, ignored headers)."""
        index, written, ignored = {}, {}, []
        for i, head in enumerate(self.header):
            if head is None or str(head).strip() == "":
                continue
            column = _HEADERS[self.kind].get(_header_key(str(head)))
            if column is None:
                if _header_key(str(head)) not in IGNORED_COLUMNS:
                    ignored.append(str(head).strip())
            elif column.field not in index:
                index[column.field], written[column.field] = i, str(head).strip()
        return index, written, ignored


def _fail(name: str, message: msg.Message) -> Invalid:
    return Invalid([Problem(name, message)])


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_size(name: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse a file before reading it: empty, or larger than ``max_bytes``."""
    if size == 0:
        raise _fail(name, msg.FILE_EMPTY())
    if size > max_bytes:
        raise _fail(name, msg.FILE_TOO_LARGE(size=_mb(size), limit=_mb(max_bytes)))


def table_kind_from_name(name: str) -> str | None:
    stem = normalise_key(PurePosixPath(name).stem)
    for kind, names in _TABLE_NAMES.items():
        if stem in names or stem.replace(" ", "") in names:
            return kind
    return None


def table_kind_from_header(header: Iterable) -> str | None:
    keys = {_header_key(str(h)) for h in header if h not in (None, "")}
    if keys & {"tittel", "title", "partnere", "partners", "startet", "started"}:
        return "initiatives"
    if keys & {"navn", "name", "label", "type", "kind", "kommune", "municipality"}:
        return "actors"
    return None


def decode_text(data: bytes, name: str) -> tuple[str, str | msg.Message]:
    """The text of a CSV file and a description of its encoding; unreadable bytes raise ``Invalid``."""
    label: str | msg.Message
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, label, data = "utf-8", msg.UTF8_WITH_BOM(), data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding, label = "utf-16", "UTF-16"
    else:
        if b"\x00" in data[:4096]:
            raise _fail(name, msg.NOT_TEXT())
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            encoding, label = "cp1252", "Windows-1252"
    try:
        return data.decode(encoding), label
    except UnicodeDecodeError as exc:
        where = {"byte": f"0x{data[exc.start]:02x}", "position": exc.start}
        raise _fail(name, msg.UNDECODABLE(**where) if encoding == "cp1252"
                    else msg.UNDECODABLE_AS(encoding=label, **where)) from None


def _detect_delimiter(first_line: str, kind_hint: str | None) -> str:
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t"):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        known = sum(1 for c in cells if any(_header_key(c) in h for h in _HEADERS.values()))
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, name: str, kind: str | None = None) -> Table:
    """One CSV file as a :class:`Table` (encoding and separator detected)."""
    text, encoding = decode_text(data, name)
    if not text.strip():
        raise _fail(name, msg.FILE_EMPTY())
    lines = text.splitlines()
    first = lines[0]
    forced = re.match(r"^\s*sep=(.)\s*$", first)
    if forced:
        delimiter = forced.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
        first = text.splitlines()[0] if text.strip() else ""
    else:
        delimiter = _detect_delimiter(first, kind)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise _fail(name, msg.CSV_UNREADABLE(reason=str(exc), line=reader.line_num)) from None
    if not records:
        raise _fail(name, msg.FILE_EMPTY())
    header = [c.strip() for c in records[0]]
    kind = kind or table_kind_from_name(name) or table_kind_from_header(header)
    if kind is None:
        raise _fail(name, msg.HEADER_UNKNOWN())
    rows = [(number, record) for number, record in enumerate(records[1:], start=2)
            if any(c.strip() for c in record)]
    separator = msg.TAB() if delimiter == "\t" else repr(delimiter)
    return Table(name, kind, header, rows, msg.READ_AS(encoding=encoding, separator=separator))


def _zip_members(data: bytes, name: str, max_bytes: int) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(name, msg.ZIP_UNREADABLE(reason=str(exc))) from None
    if sum(i.file_size for i in infos) > 5 * max_bytes:
        raise _fail(name, msg.ZIP_TOO_LARGE(size=_mb(sum(i.file_size for i in infos)), limit=_mb(5 * max_bytes)))
    return archive


def read_zip(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Table]:
    """The actors and initiatives CSV files of a zip (other members are ignored)."""
    archive = _zip_members(data, name, max_bytes)
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith((".csv", ".txt"))
                   and not PurePosixPath(i.filename).name.startswith((".", "_")) and "__MACOSX" not in i.filename]
        chosen = [(i, table_kind_from_name(i.filename)) for i in members]
        named: Sequence[tuple[zipfile.ZipInfo, str | None]] = [(i, k) for i, k in chosen if k]
        if not named:
            named = [(i, None) for i, _ in chosen if i.filename.lower().endswith(".csv")][:2]
        if not named:
            raise _fail(name, msg.ZIP_NO_CSV())
        tables = []
        for info, kind in named:
            content = archive.read(info)
            label = f"{PurePosixPath(info.filename).name}"
            if not content.strip():
                continue
            tables.append(read_csv(content, label, kind))
    return tables


def _sheet_rows(sheet) -> list[list]:
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(list(row))
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def read_xlsx(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Table]:
    """The actors and initiatives sheets of an Excel workbook."""
    from openpyxl import load_workbook

    _zip_members(data, name, max_bytes).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not know
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors…)
        raise _fail(name, msg.XLSX_UNREADABLE(reason=str(exc))) from None
    try:
        sheets = [(s.title, _sheet_rows(s)) for s in workbook.worksheets]
    finally:
        workbook.close()
    by_kind: dict[str, tuple[str, list]] = {}
    for title, rows in sheets:
        kind = table_kind_from_name(title)
        if kind and kind not in by_kind:
            by_kind[kind] = (title, rows)
    if not by_kind:
        for title, rows in sheets[:2]:
            kind = table_kind_from_header(rows[0] if rows else [])
            if kind and kind not in by_kind:
                by_kind[kind] = (title, rows)
    tables = []
    for kind, (title, rows) in by_kind.items():
        while rows and all(v in (None, "") for v in rows[-1]):
            rows.pop()
        if not rows:
            continue
        header = ["" if h is None else str(h).strip() for h in rows[0]]
        body = [(number, row) for number, row in enumerate(rows[1:], start=2)
                if any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in row)]
        tables.append(Table(msg.SHEET(title=title), kind, header, body, msg.EXCEL_WORKBOOK()))
    if not tables:
        raise _fail(name, msg.XLSX_NO_SHEET())
    return tables


def read_tables(files: Iterable[tuple[str, bytes]], *, max_bytes: int = DEFAULT_MAX_BYTES,
                kinds: Iterable[str | None] | None = None) -> list[Table]:
    """Tables from uploaded files ``(name, bytes)``, told apart by content (zip, xlsx, CSV).

    ``kinds`` may say what each file holds (``"actors"``, ``"initiatives"`` or ``None`` to guess
    from its name and header). Raises ``Invalid`` for a file that cannot be used at all.
    """
    files = list(files)
    kinds = list(kinds) if kinds is not None else [None] * len(files)
    tables: list[Table] = []
    for (name, data), kind in zip(files, kinds):
        check_size(name, len(data), max_bytes)
        if data.startswith(b"PK\x03\x04"):
            is_xlsx = b"xl/workbook.xml" in data[:200_000] or name.lower().endswith((".xlsx", ".xlsm"))
            tables += read_xlsx(data, name, max_bytes) if is_xlsx else read_zip(data, name, max_bytes)
        elif data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _fail(name, msg.XLS_OLD())
        else:
            tables.append(read_csv(data, name, kind))
    seen: dict[str, str] = {}
    for table in tables:
        if table.kind in seen:
            two = msg.TWO_ACTOR_TABLES if table.kind == "actors" else msg.TWO_INITIATIVE_TABLES
            raise _fail(table.name, two(first=seen[table.kind], second=table.name))
        seen[table.kind] = table.name
    if not tables:
        raise _fail(files[0][0] if files else "file", msg.NO_ROWS())
    for table in tables:
        if len(table.rows) > MAX_ROWS:
            raise _fail(table.name, msg.TOO_MANY_ROWS(limit=MAX_ROWS))
    if not any(t.rows for t in tables):
        raise _fail(tables[0].name, msg.NO_DATA_ROWS())
    for table in tables:
        index, _, _ = table.columns()
        missing = [c for c in _COLUMNS[table.kind] if c.required and c.field not in index]
        if missing:
            raise _fail(table.name, msg.MISSING_COLUMNS(missing=[c.label for c in missing],
                                                        accepted=accepted_names(table.kind)))
    return tables


# -- planning -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rejection:
    """One row that cannot be stored (or a file-level problem when ``row`` is None)."""

    table: str
    row: int | None
    column: str | None
    message: msg.Message

    def __post_init__(self):
        msg.require_message(self.message, "Rejection.message")

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"table": self.table, "row": self.row, "column": self.column, "message": str(self.message),
                **self.message.to_dict()}


@dataclass
class Plan:
    """What an import would store, and what it would reject."""

    actors: list[Actor] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[msg.Message] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: {"actors": 0, "initiatives": 0})
    details: list[msg.Message] = field(default_factory=list)
    rejected_rows: dict[str, int] = field(default_factory=lambda: {"actors": 0, "initiatives": 0})


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    return text or None


_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def parse_day(value) -> date:
    """A date cell: an Excel date, ``dd.mm.yyyy`` (also ``d.m.yyyy``, ``dd/mm/yyyy``) or ``yyyy-mm-dd``.

    Raises ``ValueError`` with a message for the user (a ``Message``, its only argument).

    >>> parse_day("17.05.2021"), parse_day("2021-5-17")
    (datetime.date(2021, 5, 17), datetime.date(2021, 5, 17))
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 100_000:  # an Excel serial date in a cell not formatted as a date
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise ValueError(msg.DATE_NOT_A_DATE(value=value))
    text = str(value).strip()
    match = _NORWEGIAN_DATE.match(text)
    if match:
        d, m, y = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise ValueError(msg.DATE_NOT_A_DATE_TEXT(value=text))
        y, m, d = (int(g) for g in match.groups())
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(msg.DATE_NOT_REAL(value=text)) from None


def _code(value: str | None, legal: tuple[str, ...], words: dict[str, str]) -> str | None:
    if value is None:
        return None
    key = normalise_key(value)
    for candidate in (key, key.replace(" ", "_"), key.replace("-", "_")):
        if candidate in legal:
            return candidate
    return words.get(key, value)


class _Row:
    """Reads one row's cells by field and collects problems with the column as written."""

    def __init__(self, table: Table, number: int, cells: list, index: dict[str, int], written: dict[str, str]):
        self.table, self.number, self.cells, self.index, self.written = table, number, cells, index, written
        self.problems: list[Rejection] = []

    def raw(self, name: str):
        i = self.index.get(name)
        if i is None or i >= len(self.cells):
            return None
        value = self.cells[i]
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def text(self, name: str) -> str | None:
        return _text(self.raw(name))

    def column(self, name: str) -> str:
        """The column as the file writes it; when the file has no such column, its Norwegian/English name."""
        if name in self.written:
            return self.written[name]
        return next((c.label if c.nb != c.en else c.nb for c in _COLUMNS[self.table.kind] if c.field == name), name)

    def fail(self, name: str | None, message: msg.Message) -> None:
        self.problems.append(Rejection(self.table.name, self.number, self.column(name) if name else None, message))

    def day(self, name: str) -> date | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return parse_day(value)
        except ValueError as exc:
            self.fail(name, exc.args[0])
            return None

    def add_invalid(self, exc: Invalid) -> None:
        """Validation problems, except on columns already reported (a bad date is not also "required")."""
        failed = {p.column for p in self.problems}
        for problem in exc.problems:
            match = re.match(r"^partners\[(\d+)\]\.?(.*)$", problem.path)
            name = "partners" if match else (problem.path.split(".")[0].split("[")[0] or None)
            if name and self.column(name) in failed:
                continue
            self.fail(name, msg.PARTNER_NUMBER(number=int(match.group(1)) + 1, problem=problem.message) if match
                      else problem.message)


def _rows(table: Table, columns: dict[str, int], written: dict[str, str]) -> list[_Row]:
    rows = []
    width = len(table.header)
    for number, cells in table.rows:
        row = _Row(table, number, cells, columns, written)
        extra = [c for c in cells[width:] if c not in (None, "") and str(c).strip()]
        if extra:
            row.fail(None, msg.ROW_TOO_WIDE(cells=width + len(extra), width=width))
        rows.append(row)
    return rows


def _actor_data(row: _Row) -> dict:
    data: dict = {}
    for name in ("id", "name", "sector", "municipality"):
        value = row.text(name)
        if value is not None:
            data[name] = value
    kind = _code(row.text("kind"), KINDS, KIND_WORDS)
    if kind is not None:
        data["kind"] = kind
    model = _code(row.text("service_model"), SERVICE_MODELS, SERVICE_MODEL_WORDS)
    if model is not None:
        data["service_model"] = model
    number = row.text("municipality_number")
    if number is not None:
        data["municipality_number"] = number.zfill(4) if number.isdigit() and len(number) < 4 else number
    org = row.text("org_number")
    if org is not None:
        data["org_number"] = re.sub(r"[\s.]", "", org)
    registered = row.day("registered")
    if registered is not None:
        data["registered"] = registered
    tags = row.text("tags")
    if tags is not None:
        data["tags"] = [t.strip() for t in tags.split(";") if t.strip()]
    return data


def _identity(actor: Actor) -> tuple[str, str, str]:
    return actor.kind, normalise_key(actor.municipality), normalise_key(actor.name)


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _tick(progress: Progress | None, label: str, done: int, total: int) -> None:
    if progress is not None and (done % 500 == 0 or done == total):
        progress(label, done, total)


def plan(tables: list[Table], stored_actors: list[Actor], stored_initiatives: list[Initiative], *,
         progress: Progress | None = None) -> Plan:
    """Check every row against the model and the stored graph; nothing is written.

    Returns the actors and initiatives to upsert (ids assigned; ``registered`` left None when the
    row has none: the import pipeline applies ``storage.rules.with_registered``) and the rejected rows. An
    initiative whose partner or initiator is on a rejected actor row (and not already stored)
    is rejected too, so importing only the valid rows leaves a consistent graph.
    """
    result = Plan()
    by_kind = {t.kind: t for t in tables}
    for table in tables:
        _, _, ignored = table.columns()
        one = len(table.rows) == 1
        if table.details:
            result.details.append((msg.ROWS_ONE_READ_AS if one else msg.ROWS_MANY_READ_AS)(
                table=table.name, count=len(table.rows), how=table.details))
        else:
            result.details.append((msg.ROWS_ONE if one else msg.ROWS_MANY)(table=table.name, count=len(table.rows)))
        if ignored:
            result.warnings.append(msg.IGNORED_COLUMNS(table=table.name, columns=ignored))
        text = " ".join(str(c) for _, r in table.rows[:200] for c in r if isinstance(c, str))
        if re.search("Ã[¦¸¥†˜…]", text):
            result.warnings.append(msg.MOJIBAKE(table=table.name))
    stored_by_id = {a.id: a for a in stored_actors}
    actor_ids = _plan_actors(by_kind.get("actors"), stored_by_id, result, progress)
    if "initiatives" in by_kind:
        _plan_initiatives(by_kind["initiatives"], stored_by_id, stored_initiatives, actor_ids, result, progress)
    return result


@dataclass
class _ActorIndex:
    """How initiatives find their partners: by id or by normalised name, in the file or the store."""

    valid: dict[str, Actor]
    rejected: dict[str, int]  # id or name key → row number
    by_name: dict[str, set[str]]
    table: str


def _plan_actors(table: Table | None, stored: dict[str, Actor], result: Plan,
                 progress: Progress | None) -> _ActorIndex:
    by_name: dict[str, set[str]] = {}
    for known in stored.values():
        by_name.setdefault(normalise_key(known.name), set()).add(known.id)
    index = _ActorIndex({}, {}, by_name, table.name if table else "actors")
    if table is None:
        return index
    columns, written, _ = table.columns()
    stored_by_place: dict[tuple[str, str], list[Actor]] = {}
    for known in stored.values():
        stored_by_place.setdefault((normalise_key(known.name), normalise_key(known.municipality)), []).append(known)
    rows = _rows(table, columns, written)
    explicit = {given_id for r in rows if (given_id := r.text("id"))}
    taken = set(stored) | explicit
    seen_ids: dict[str, int] = {}
    seen_places: dict[tuple[str, str], int] = {}
    seen_identity: dict[tuple[str, str, str], tuple[str, int]] = {}
    stored_identity = {_identity(a): a.id for a in stored.values()}
    result.rows["actors"] = len(rows)
    for done, row in enumerate(rows, start=1):
        _tick(progress, "Checking actors", done, len(rows))
        data = _actor_data(row)
        actor: Actor | None = None
        try:
            actor = parse_actor(data, require_id=False)
        except Invalid as exc:
            row.add_invalid(exc)
        if row.problems:
            actor = None
        if actor is not None:
            place = (normalise_key(actor.name), normalise_key(actor.municipality))
            if actor.id:
                if actor.id in seen_ids:
                    row.fail("id", msg.DUPLICATE_ID_ROW(id=actor.id, row=seen_ids[actor.id]))
            elif place in seen_places:
                row.fail("name", msg.SAME_ACTOR_AS_ROW(row=seen_places[place]))
            else:
                candidates = stored_by_place.get(place, [])
                same_kind = [a for a in candidates if a.kind == actor.kind]
                match = next(iter(same_kind or candidates), None)
                actor_id = match.id if match else _unique(slugify(actor.name), taken)
                taken.add(actor_id)
                actor = replace(actor, id=actor_id)
            if not row.problems:
                identity = _identity(actor)
                other = stored_identity.get(identity)
                if other is not None and other != actor.id and other not in explicit:
                    row.fail("name", msg.ACTOR_STORED_AS(name=actor.name, kind=actor.kind,
                                                         municipality=actor.municipality, id=other))
                elif identity in seen_identity:
                    row.fail("name", msg.SAME_IDENTITY_AS_ROW(row=seen_identity[identity][1]))
        if row.problems or actor is None:
            result.rejected.extend(row.problems)
            result.rejected_rows["actors"] += 1
            raw_id, raw_name = row.text("id"), row.text("name")
            if raw_id:
                index.rejected.setdefault(raw_id, row.number)
            if raw_name:
                index.rejected.setdefault("name:" + normalise_key(raw_name), row.number)
            continue
        seen_ids[actor.id] = row.number
        seen_places[(normalise_key(actor.name), normalise_key(actor.municipality))] = row.number
        seen_identity[_identity(actor)] = (actor.id, row.number)
        index.valid[actor.id] = actor
        if actor.id not in stored or normalise_key(stored[actor.id].name) != normalise_key(actor.name):
            index.by_name.setdefault(normalise_key(actor.name), set()).add(actor.id)
        result.actors.append(actor)
    return index


def _resolve(ref: str, stored: dict[str, Actor], actors: _ActorIndex) -> tuple[str | None, msg.Message | None]:
    """(actor id, None) or (None, why not) for a partner or initiator written as an id or a name."""
    if ref in actors.valid or ref in stored:
        return ref, None
    if ref in actors.rejected:
        return None, msg.ACTOR_ON_REJECTED_ROW(actor=ref, table=actors.table, row=actors.rejected[ref])
    key = normalise_key(ref)
    ids = actors.by_name.get(key, set())
    if len(ids) == 1:
        return next(iter(ids)), None
    if len(ids) > 1:
        return None, msg.ACTOR_NAME_AMBIGUOUS(actor=ref, ids=sorted(ids))
    if "name:" + key in actors.rejected:
        return None, msg.ACTOR_ON_REJECTED_ROW(actor=ref, table=actors.table, row=actors.rejected["name:" + key])
    return None, msg.ACTOR_NOT_FOUND_IN_FILE(actor=ref, table=actors.table)


def _plan_initiatives(table: Table, stored_actors: dict[str, Actor], stored: list[Initiative], actors: _ActorIndex,
                      result: Plan, progress: Progress | None) -> None:
    columns, written, _ = table.columns()
    rows = _rows(table, columns, written)
    stored_ids = {i.id for i in stored}
    stored_by_title = {(normalise_key(i.title), i.started): i.id for i in stored}
    explicit = {given_id for r in rows if (given_id := r.text("id"))}
    taken = stored_ids | explicit
    seen_ids: dict[str, int] = {}
    seen_titles: dict[tuple[str, date], int] = {}
    result.rows["initiatives"] = len(rows)
    for done, row in enumerate(rows, start=1):
        _tick(progress, "Checking initiatives", done, len(rows))
        data: dict = {}
        for name in ("id", "title", "category"):
            value = row.text(name)
            if value is not None:
                data[name] = value
        for name in ("started", "ended"):
            day = row.day(name)
            if day is not None:
                data[name] = day
        location = _code(row.text("location"), LOCATIONS, LOCATION_WORDS)
        if location is not None:
            data["location"] = location
        initiator = row.text("initiator")
        if initiator is not None:
            resolved, why = _resolve(initiator, stored_actors, actors)
            if why:
                row.fail("initiator", why)
            data["initiator"] = resolved or initiator
        cell = row.text("partners")
        if cell is not None:
            partners = []
            for number, item in enumerate((p.strip() for p in re.split(r"[;\n]", cell)), start=1):
                if not item:
                    continue
                ref, sep, role = item.rpartition(":")
                if not sep or not ref.strip():
                    row.fail("partners", msg.PARTNER_NOT_ACTOR_ROLE(number=number, item=item))
                    continue
                resolved, why = _resolve(ref.strip(), stored_actors, actors)
                if why:
                    row.fail("partners", msg.PARTNER_NUMBER(number=number, problem=why))
                    continue
                partners.append({"actor": resolved, "role": _code(role.strip(), ROLES, ROLE_WORDS) or ""})
            data["partners"] = partners
        initiative = None
        try:
            initiative = parse_initiative(data, require_id=False)
        except Invalid as exc:
            row.add_invalid(exc)
        if row.problems:
            initiative = None
        if initiative is not None:
            if initiative.id:
                if initiative.id in seen_ids:
                    row.fail("id", msg.DUPLICATE_ID_ROW(id=initiative.id, row=seen_ids[initiative.id]))
            else:
                key = (normalise_key(initiative.title), initiative.started)
                if key in seen_titles:
                    row.fail("title", msg.SAME_INITIATIVE_AS_ROW(row=seen_titles[key]))
                else:
                    initiative_id = stored_by_title.get(key) or _unique(
                        slugify(f"{initiative.title} {initiative.started.year}"), taken)
                    taken.add(initiative_id)
                    initiative = replace(initiative, id=initiative_id)
                    seen_titles[key] = row.number
        if row.problems or initiative is None:
            result.rejected.extend(row.problems)
            result.rejected_rows["initiatives"] += 1
            continue
        seen_ids[initiative.id] = row.number
        result.initiatives.append(initiative)


# -- templates ------------------------------------------------------------------------------------
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
        for c in _COLUMNS[kind]:
            need = "påkrevd" if c.required else "valgfri"
            lines.append(f"  {c.nb} ({c.en}, {need}): {c.help}")
        lines.append("")
    return "\n".join(lines)


def _template_rows(kind: str) -> list[list[str]]:
    columns = _COLUMNS[kind]
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
        for column, cell in zip(_COLUMNS[kind], sheet[1]):
            cell.font = Font(bold=True)
            if column.field in ("registered", "started", "ended", "municipality_number", "org_number", "id"):
                letter = cell.column_letter
                for body in sheet[letter][1:]:
                    body.number_format = "@"  # text: Excel keeps 0301 and 01.02.2021 as written
        for index, column in enumerate(_COLUMNS[kind], start=1):
            width = max(len(column.nb), *(len(e) for e in column.example))
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 3, 60)
        sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("forklaring")
    help_sheet.append(["ark", "kolonne", "engelsk navn", "påkrevd", "forklaring"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for kind, title in (("actors", "aktører"), ("initiatives", "initiativ")):
        for c in _COLUMNS[kind]:
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
