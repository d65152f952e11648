"""Uploaded spreadsheets into :class:`Table` objects: CSV (alone or in a zip) and Excel .xlsx, as streams.

What a librarian's spreadsheet may look like (the columns are in :mod:`.columns`):

* **Files.** CSV: an actors file and an initiatives file (either may come alone), or a zip
  holding both (``aktorer.csv``/``actors.csv``/``nodes.csv`` and
  ``initiativ.csv``/``initiatives.csv``; other members such as a README are ignored). Excel
  .xlsx: a sheet ``aktører``/``actors`` and a sheet ``initiativ``/``initiatives`` (otherwise the
  first two sheets, told apart by their headers). The first row is the header row.
* **CSV dialects.** UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"),
  Windows-1252 (Norwegian Excel's "CSV (semikolondelt)", æøå); separator ``,``, ``;`` or tab,
  detected from the header row (an Excel ``sep=;`` first line is honoured).

Every file is read as a stream with the limits of :class:`~.limits.ReadLimits` applied while
reading — rows, columns, characters per line and cell, bytes unpacked from a zip, shared
strings — so a file over a limit is refused early with a message naming the limit, and memory
stays bounded whatever the file claims. Only the cells of known columns are kept (unknown
columns are named in the report and dropped as they are read).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import BinaryIO

from graphsvc.interchange.archive import Budget, Source, member_opener, open_source, open_zip, source_head, source_size
from graphsvc.interchange.columns import (
    HEADERS,
    accepted_names,
    header_columns,
    header_key,
    missing_columns,
    table_kind_from_header,
    table_kind_from_name,
)
from graphsvc.interchange.limits import ReadLimits, TextBudget, check_size, fail, too_many_rows
from graphsvc.interchange.xlsx import Workbook
from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid

#: ``open(counted)`` → a fresh binary stream over one file (see :func:`.archive.member_opener`).
Opener = Callable[[bool], BinaryIO]


@dataclass
class Table:
    """One sheet or CSV file: its header and the cells of its known columns, row by row.

    ``rows`` are ``(row number as a spreadsheet shows it, cells)``, where ``cells[i]`` is the
    value of the field ``fields[i]``. ``overflow`` counts, for rows that have them, the cells
    right of the header that hold something (a separator inside an unquoted cell, in CSV).
    """

    name: str  # "aktorer.csv", or a message: "sheet 'aktører'" — used in every message about it
    kind: str  # "actors" | "initiatives"
    header: list[str]
    fields: tuple[str, ...]
    written: dict[str, str]  # field → its header as the file writes it
    ignored: list[str]  # unknown headers
    rows: list[tuple[int, tuple]] = field(default_factory=list)
    details: msg.Message | None = None  # how it was read: encoding, separator
    width: int = 0  # cells in the header row as read
    overflow: dict[int, int] = field(default_factory=dict)

    def columns(self) -> tuple[dict[str, int], dict[str, str], list[str]]:
        """(field → cell index in ``rows``, field → header as written, ignored headers)."""
        return {f: i for i, f in enumerate(self.fields)}, self.written, self.ignored


def _shared(value):
    """A cell's text interned: a municipality, kind or date repeated down 50,000 rows is kept once
    (interned strings are freed with their last use)."""
    return sys.intern(value) if isinstance(value, str) and len(value) <= 64 else value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _start_table(name: str, kind: str | None, header: list[str], limits: ReadLimits
                 ) -> tuple[str, dict[str, int], dict[str, str], list[str]]:
    """Check a header row before any data row is read: width, what the table holds, required columns."""
    while header and header[-1] == "":
        header.pop()
    if len(header) > limits.columns:
        raise fail(name, msg.HEADER_TOO_WIDE(columns=len(header), limit=limits.columns))
    kind = kind or table_kind_from_name(name) or table_kind_from_header(header)
    if kind is None:
        raise fail(name, msg.HEADER_UNKNOWN())
    index, written, ignored = header_columns(kind, header)
    missing = missing_columns(kind, index)
    if missing:
        raise fail(name, msg.MISSING_COLUMNS(missing=[c.label for c in missing], accepted=accepted_names(kind)))
    return kind, index, written, ignored


# -- CSV ----------------------------------------------------------------------------------------------
def _encoding(open_stream: Opener, name: str) -> tuple[str, str | msg.Message]:
    """The file's encoding (and how to describe it), checked over the whole file in chunks.

    This first pass is also the one that counts the bytes a zip member unpacks to.
    """
    with open_stream(True) as stream:
        head = stream.read(4096)
        candidates: list[tuple[str, str | msg.Message]]
        if head.startswith(b"\xef\xbb\xbf"):
            candidates = [("utf-8-sig", msg.UTF8_WITH_BOM())]
        elif head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            candidates = [("utf-16", "UTF-16")]
        else:
            if b"\x00" in head:
                raise fail(name, msg.NOT_TEXT())
            candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
        decoders = [codecs.getincrementaldecoder(encoding)() for encoding, _ in candidates]
        failed: list[tuple[int, int] | None] = [None] * len(candidates)
        offset, chunk = 0, head
        while True:
            final = not chunk
            for number, decoder in enumerate(decoders):
                if failed[number] is None:
                    try:
                        decoder.decode(chunk, final)
                    except UnicodeDecodeError as exc:  # exc.object: bytes the decoder held back + this chunk
                        held_back = len(exc.object) - len(chunk)
                        failed[number] = (offset - held_back + exc.start, exc.object[exc.start])
            if final or all(f is not None for f in failed):
                break
            offset += len(chunk)
            chunk = stream.read(1024 * 1024)
    for (encoding, label), problem in zip(candidates, failed):
        if problem is None:
            return encoding, label
    position, byte = failed[-1]  # type: ignore[misc]
    where = {"byte": f"0x{byte:02x}", "position": position}
    raise fail(name, msg.UNDECODABLE(**where) if len(candidates) == 2
               else msg.UNDECODABLE_AS(encoding=candidates[0][1], **where))


def _lines(text: io.TextIOBase, name: str, limit: int) -> Iterator[str]:
    """Physical lines (line endings kept, as ``csv`` wants them), none longer than ``limit``."""
    number = 0
    while True:
        line = text.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            raise fail(name, msg.LINE_TOO_LONG(line=number, limit=limit))
        yield line


def _detect_delimiter(first_line: str) -> str:
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t"):
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:  # e.g. a cell longer than the csv module's field limit: not this separator
            continue
        known = sum(1 for c in cells if any(header_key(c) in h for h in HEADERS.values()))
        score = (known, len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(source: Source | Opener, name: str, kind: str | None = None, limits: ReadLimits | None = None,
             text: TextBudget | None = None) -> Table | None:
    """One CSV file as a :class:`Table` (encoding and separator detected); None when it holds only blanks."""
    limits = limits or ReadLimits()
    text = text or TextBudget(limits.text_chars)
    open_stream: Opener = source if callable(source) else (lambda counted: open_source(source))
    encoding, label = _encoding(open_stream, name)
    with open_stream(False) as raw:
        decoded = io.TextIOWrapper(raw, encoding=encoding, newline="")
        lines = _lines(decoded, name, limits.line_chars)
        first = next(lines, None)
        if first is None:
            return None
        forced = re.match(r"^\s*sep=(.)\s*$", first)
        if forced:
            delimiter = forced.group(1)
        else:
            delimiter = _detect_delimiter(first)
            lines = itertools.chain([first], lines)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            separator = msg.TAB() if delimiter == "\t" else repr(delimiter)
            return _csv_table(reader, name, kind, limits, msg.READ_AS(encoding=label, separator=separator), text)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise fail(name, msg.CELL_TOO_LONG_CSV(line=reader.line_num, limit=csv.field_size_limit())) from None
            raise fail(name, msg.CSV_UNREADABLE(reason=str(exc), line=reader.line_num)) from None


def _csv_table(reader, name: str, kind: str | None, limits: ReadLimits, details: msg.Message,
               text: TextBudget) -> Table | None:
    record = next(reader, None)
    while record is not None and not any(c.strip() for c in record):  # leading blank lines
        record = next(reader, None)
    if record is None:
        return None
    width = len(record)
    header = [c.strip() for c in record]
    kind, index, written, ignored = _start_table(name, kind, header, limits)
    table = Table(name, kind, header, tuple(index), written, ignored, details=details, width=width)
    positions = tuple(index.values())
    for number, record in enumerate(reader, start=2):
        if not any(c.strip() for c in record):
            continue
        if len(table.rows) >= limits.rows:
            raise too_many_rows(name, limits.rows)
        size = len(record)
        cells = tuple(_shared(record[i]) if i < size else None for i in positions)
        text.take(name, cells)
        table.rows.append((number, cells))
        if size > width:
            extra = sum(1 for c in record[width:] if c.strip())
            if extra:
                table.overflow[number] = extra
    return table


# -- zip of CSV files ------------------------------------------------------------------------------------
def read_zip(archive: zipfile.ZipFile, name: str, limits: ReadLimits, text: TextBudget | None = None) -> list[Table]:
    """The actors and initiatives CSV files of a zip (other members are ignored)."""
    budget = Budget(name, limits.unpacked_bytes)
    members = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith((".csv", ".txt"))
               and not PurePosixPath(i.filename).name.startswith((".", "_")) and "__MACOSX" not in i.filename]
    chosen = [(i, table_kind_from_name(i.filename)) for i in members]
    named: Sequence[tuple[zipfile.ZipInfo, str | None]] = [(i, k) for i, k in chosen if k]
    if not named:
        named = [(i, None) for i, _ in chosen if i.filename.lower().endswith(".csv")][:2]
    if not named:
        raise fail(name, msg.ZIP_NO_CSV())
    tables = []
    for info, kind in named:
        table = read_csv(member_opener(archive, info, budget, name), PurePosixPath(info.filename).name, kind, limits,
                         text)
        if table is not None:
            tables.append(table)
    return tables


# -- Excel ---------------------------------------------------------------------------------------------
def _sheet_table(book: Workbook, title: str, path: str, kind: str, limits: ReadLimits,
                 text: TextBudget) -> Table | None:
    label = msg.SHEET(title=title)
    rows = book.rows(path, limits.columns + 1)
    first = next(rows, None)
    while first is not None and all(_blank(v) for v in first[1].values()):
        first = next(rows, None)
    if first is None:
        return None
    cells = first[1]
    if first[2] or any(column > limits.columns and not _blank(v) for column, v in cells.items()):
        raise fail(label, msg.HEADER_WIDER_THAN(limit=limits.columns))
    width = max(cells, default=0)
    header = ["" if cells.get(c) is None else str(cells[c]).strip() for c in range(1, width + 1)]
    kind, index, written, ignored = _start_table(label, kind, header, limits)
    rows.close()
    table = Table(label, kind, header, tuple(index), written, ignored, details=msg.EXCEL_WORKBOOK(), width=width)
    columns = tuple(position + 1 for position in index.values())
    body = book.rows(path, width)
    next(body, None)  # the header row again
    for number, values, _beyond in body:
        if number <= first[0] or all(_blank(v) for v in values.values()):
            continue
        if len(table.rows) >= limits.rows:
            raise too_many_rows(label, limits.rows)
        kept = tuple(_shared(values.get(c)) for c in columns)
        text.take(label, kept)
        table.rows.append((number, kept))
    return table


def read_xlsx(archive: zipfile.ZipFile, name: str, limits: ReadLimits, text: TextBudget | None = None
              ) -> list[Table]:
    """The actors and initiatives sheets of an Excel workbook."""
    book = Workbook(archive, name, limits, Budget(name, limits.unpacked_bytes, "workbook"))
    by_kind: dict[str, tuple[str, str]] = {}
    for title, path in book.sheets:
        kind = table_kind_from_name(title)
        if kind and kind not in by_kind:
            by_kind[kind] = (title, path)
    if not by_kind:
        for title, path in book.sheets[:2]:
            first = next(book.rows(path, limits.columns, header_only=True), None)
            kind = table_kind_from_header(first[1].values() if first else [])
            if kind and kind not in by_kind:
                by_kind[kind] = (title, path)
    text = text or TextBudget(limits.text_chars)
    tables = [t for kind, (title, path) in by_kind.items()
              if (t := _sheet_table(book, title, path, kind, limits, text))]
    if not tables:
        raise fail(name, msg.XLSX_NO_SHEET())
    return tables


# -- any upload ------------------------------------------------------------------------------------------
def read_tables(files: Iterable[tuple[str, Source]], *, limits: ReadLimits | None = None,
                kinds: Iterable[str | None] | None = None, max_bytes: int | None = None) -> list[Table]:
    """Tables from uploaded files ``(name, bytes or path)``, told apart by content (zip, xlsx, CSV).

    ``kinds`` may say what each file holds (``"actors"``, ``"initiatives"`` or ``None`` to guess
    from its name and header). Raises ``Invalid`` for a file that cannot be used at all or passes
    a limit; row problems are for :func:`graphsvc.interchange.plan.plan`.
    """
    limits = limits or ReadLimits()
    if max_bytes is not None:
        limits = replace(limits, file_bytes=max_bytes)
    files = list(files)
    kinds = list(kinds) if kinds is not None else [None] * len(files)
    text = TextBudget(limits.text_chars)  # one budget for every table of the upload
    tables: list[Table] = []
    for (name, source), kind in zip(files, kinds):
        check_size(name, source_size(source), limits.file_bytes)
        head = source_head(source, 8)
        if head.startswith(b"PK\x03\x04"):
            is_workbook = name.lower().endswith((".xlsx", ".xlsm"))
            archive = open_zip(source, name, limits, "workbook" if is_workbook else "zip")
            with archive:
                if is_workbook or "xl/workbook.xml" in archive.namelist():
                    tables += read_xlsx(archive, name, limits, text)
                else:
                    tables += read_zip(archive, name, limits, text)
        elif head.startswith(b"\xd0\xcf\x11\xe0"):
            raise fail(name, msg.XLS_OLD())
        else:
            table = read_csv(source, name, kind, limits, text)
            if table is None:
                raise fail(name, msg.FILE_EMPTY())
            tables.append(table)
    seen: dict[str, str] = {}
    for table in tables:
        if table.kind in seen:
            two = msg.TWO_ACTOR_TABLES if table.kind == "actors" else msg.TWO_INITIATIVE_TABLES
            raise fail(table.name, two(first=seen[table.kind], second=table.name))
        seen[table.kind] = table.name
    if not tables:
        raise fail(files[0][0] if files else "file", msg.NO_ROWS())
    if not any(t.rows for t in tables):
        raise fail(tables[0].name, msg.NO_DATA_ROWS())
    return tables


__all__ = ["Invalid", "Opener", "ReadLimits", "Table", "read_csv", "read_tables", "read_xlsx", "read_zip"]
