"""Excel .xlsx workbooks read as a stream: only the header's columns, never the declared size.

openpyxl pads every row it yields to the sheet's declared ``<dimension>`` (a 2 KB file declaring
``A1:XFD1048576`` costs gigabytes), fills every missing row in between, and keeps its whole
shared-string table — with every parsed element — in memory. This reader walks the workbook's
XML with expat callbacks (no element tree is built, whatever the nesting), ignores
``<dimension>``, yields only the rows that exist, keeps only the cells of the columns asked for,
and counts rows, cells, characters and shared strings against :class:`ReadLimits` as it reads.
Document type declarations are refused outright, so no entity can expand (expat 2.4+ also bounds
amplification; see the Python documentation's "XML vulnerabilities").

Values are what a spreadsheet program shows, as openpyxl would give them with ``data_only``:
cached formula results, numbers as int or float, dates (numbers in a date format, in the 1900
or 1904 calendar) as ``datetime``, booleans, error codes as text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from contextlib import suppress
from datetime import datetime
from pathlib import PurePosixPath
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from graphsvc.interchange.archive import Budget, member_opener, read_small
from graphsvc.interchange.limits import ReadLimits, fail
from graphsvc.model import messages as msg

_RELATIONSHIP_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})(\d+)$")
_CHUNK = 64 * 1024


def _local(tag: str) -> str:
    return tag.rpartition(" ")[2]


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_args) -> None:
        raise ValueError("document type declarations are not accepted")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def column_index(letters: str) -> int:
    """``"A"`` → 1, ``"AB"`` → 28."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


class Workbook:
    """One workbook's sheets, styles and (on demand) shared strings, read within ``limits``."""

    def __init__(self, archive: zipfile.ZipFile, name: str, limits: ReadLimits, budget: Budget):
        self.archive, self.name, self.limits, self.budget = archive, name, limits, budget
        self._strings: list[str] | None = None
        root = self._relationships("_rels/.rels", "")
        book_path = next((target for kind, target in root.values() if kind == "officeDocument"), "xl/workbook.xml")
        self._folder = str(PurePosixPath(book_path).parent)
        relations = self._relationships(f"{self._folder}/_rels/{PurePosixPath(book_path).name}.rels", self._folder)
        self.sheets: list[tuple[str, str]] = []  # (title, member path)
        self.epoch = CALENDAR_WINDOWS_1900
        self._read_book(book_path, relations)
        self._shared_path = next((t for k, t in relations.values() if k == "sharedStrings"), None)
        styles = next((t for k, t in relations.values() if k == "styles"), None)
        self._date_styles = self._read_styles(styles) if styles else frozenset()

    # -- small parts ------------------------------------------------------------------------------
    def _parse_small(self, path: str, start: Callable[[str, dict], None]) -> bool:
        data = read_small(self.archive, path, self.budget, self.name)
        if data is None:
            return False
        parser = _parser()
        parser.StartElementHandler = lambda tag, attrs: start(_local(tag), attrs)
        try:
            parser.Parse(data, True)
        except (expat.ExpatError, ValueError) as exc:
            raise fail(self.name, msg.XLSX_UNREADABLE(reason=f"{path}: {exc}")) from None
        return True

    def _relationships(self, path: str, folder: str) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}

        def start(tag: str, attrs: dict) -> None:
            if tag == "Relationship" and len(found) < 10_000:
                target = attrs.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(folder, target))
                kind = attrs.get("Type", "").rpartition("/")[2]
                found[attrs.get("Id", "")] = (kind, _normalise(target))

        self._parse_small(path, start)
        return found

    def _read_book(self, path: str, relations: dict[str, tuple[str, str]]) -> None:
        def start(tag: str, attrs: dict) -> None:
            if tag == "sheet" and len(self.sheets) < 1000:
                relation = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                target = relations.get(relation or "")
                if target and target[0] == "worksheet":
                    self.sheets.append((attrs.get("name", ""), target[1]))
            elif tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        if not self._parse_small(path, start):
            raise fail(self.name, msg.XLSX_UNREADABLE(reason="it has no workbook part"))

    def _read_styles(self, path: str) -> frozenset[int]:
        """The cell styles (``s`` attribute) whose number format shows a date."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        depth = {"cellXfs": False}

        def start(tag: str, attrs: dict) -> None:
            if tag == "numFmt" and len(custom) < 10_000:
                with suppress(ValueError):
                    custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                depth["cellXfs"] = True
            elif tag == "cellStyleXfs":
                depth["cellXfs"] = False
            elif tag == "xf" and depth["cellXfs"] and len(formats) < 100_000:
                try:
                    formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    formats.append(0)

        self._parse_small(path, start)
        dates = set()
        for style, number in enumerate(formats):
            code = custom.get(number, BUILTIN_FORMATS.get(number, "General"))
            if is_date_format(code):
                dates.add(style)
        return frozenset(dates)

    # -- shared strings ---------------------------------------------------------------------------
    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = self._read_strings() if self._shared_path else []
        return self._strings

    def _read_strings(self) -> list[str]:
        if self._shared_path is None:
            return []
        shared_path: str = self._shared_path
        strings: list[str] = []
        parts: list[str] = []
        state = {"in_string": False, "text": False, "phonetic": False, "chars": 0}
        limit, cell_chars = self.limits.shared_strings, self.limits.cell_chars

        def start(tag: str, attrs: dict) -> None:
            tag = _local(tag)
            if tag == "si":
                state["in_string"], state["chars"] = True, 0
                parts.clear()
            elif tag == "rPh":
                state["phonetic"] = True
            elif tag == "t" and state["in_string"] and not state["phonetic"]:
                state["text"] = True

        def end(tag: str) -> None:
            tag = _local(tag)
            if tag == "t":
                state["text"] = False
            elif tag == "rPh":
                state["phonetic"] = False
            elif tag == "si":
                state["in_string"] = False
                if len(strings) >= limit:
                    raise _Refused(msg.SHARED_STRINGS_TOO_MANY(limit=limit))
                strings.append("".join(parts))

        def text(data: str) -> None:
            if state["text"]:
                state["chars"] += len(data)
                if state["chars"] > cell_chars:
                    raise _Refused(msg.CELL_TOO_LONG(limit=cell_chars))
                parts.append(data)

        for _ in self._stream(shared_path, start, end, text, lambda: iter(())):
            pass
        return strings

    # -- sheets -------------------------------------------------------------------------------------
    def rows(self, path: str, max_column: int, *, header_only: bool = False
             ) -> Generator[tuple[int, dict[int, object], int], None, None]:
        """``(row number, {column: value}, cells right of max_column that hold something)`` for every
        row present in the sheet, in order; only columns ``1..max_column`` are kept."""
        strings = self.strings if self._shared_path else []
        dates, epoch = self._date_styles, self.epoch
        limits = self.limits
        ready: list[tuple[int, dict[int, object], int]] = []
        row = _RowState()
        cell: dict = {"type": None, "style": None, "column": 0, "in_value": False, "in_text": False,
                      "phonetic": False, "parts": [], "chars": 0, "in_data": False, "done": False}

        def start(tag: str, attrs: dict) -> None:
            tag = _local(tag)
            if tag == "sheetData":
                cell["in_data"] = True
            elif not cell["in_data"]:
                return
            elif tag == "row":
                number = attrs.get("r")
                row.number = int(number) if number and number.isdigit() else row.number + 1
                row.cells, row.beyond, row.column = {}, 0, 0
            elif tag == "c":
                row.scanned += 1
                if row.scanned > limits.cells:
                    raise _Refused(msg.SHEET_TOO_MANY_CELLS(limit=limits.cells))
                match = _CELL_REFERENCE.match(attrs.get("r", ""))
                column = column_index(match.group(1)) if match else row.column + 1
                row.column = column
                style = attrs.get("s")
                cell.update(type=attrs.get("t", "n"), style=int(style) if style and style.isdigit() else None,
                            column=column, chars=0)
                cell["parts"] = []
            elif tag == "v":
                cell["in_value"] = True
            elif tag == "rPh":
                cell["phonetic"] = True
            elif tag == "t" and not cell["phonetic"]:
                cell["in_text"] = True

        def end(tag: str) -> None:
            tag = _local(tag)
            if not cell["in_data"]:
                return
            if tag == "v":
                cell["in_value"] = False
            elif tag == "t":
                cell["in_text"] = False
            elif tag == "rPh":
                cell["phonetic"] = False
            elif tag == "c":
                value = self._value(cell, strings, dates, epoch)
                if value is not None and value != "":
                    if cell["column"] <= max_column:
                        row.cells[cell["column"]] = value
                    else:
                        row.beyond += 1
            elif tag == "row":
                ready.append((row.number, row.cells, row.beyond))
                if header_only:
                    cell["done"] = True
            elif tag == "sheetData":
                cell["in_data"], cell["done"] = False, True

        def text(data: str) -> None:
            if cell["in_value"] or cell["in_text"]:
                cell["chars"] += len(data)
                if cell["chars"] > limits.cell_chars:
                    raise _Refused(msg.CELL_TOO_LONG(limit=limits.cell_chars))
                cell["parts"].append(data)

        def drain() -> Iterator[tuple[int, dict[int, object], int]]:
            items = list(ready)
            ready.clear()
            return iter(items)

        yield from self._stream(path, start, end, text, drain, lambda: cell["done"])

    def _value(self, cell: dict, strings: list[str], dates: frozenset[int], epoch: datetime) -> object:
        text = "".join(cell["parts"])
        kind = cell["type"]
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return text
        if text == "":
            return None
        if kind == "s":
            try:
                return strings[int(text)]
            except (ValueError, IndexError):
                raise _Refused(msg.SHARED_STRING_MISSING(index=text[:20])) from None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return text
        try:
            number: int | float = int(text) if re.fullmatch(r"-?\d+", text.strip()) else float(text)
        except ValueError:
            return text
        if cell["style"] in dates:
            try:
                return from_excel(number, epoch)
            except (ValueError, OverflowError, TypeError):
                return number
        return number

    def _stream(self, path: str, start, end, text, drain, done=lambda: False) -> Iterator:
        """Feed one member to expat in chunks, yielding what ``drain()`` has after each chunk."""
        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        parser.buffer_text = True
        try:
            info = self.archive.getinfo(path)
        except KeyError:
            raise fail(self.name, msg.XLSX_UNREADABLE(reason=f"{path} is missing")) from None
        with member_opener(self.archive, info, self.budget, self.name)(True) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                try:
                    parser.Parse(chunk, not chunk)
                except _Refused as exc:
                    raise fail(self.name, exc.args[0]) from None
                except (expat.ExpatError, ValueError) as exc:
                    raise fail(self.name, msg.XLSX_UNREADABLE(reason=f"{path}: {exc}")) from None
                yield from drain()
                if not chunk or done():
                    return


class _RowState:
    """The row being read: its number, the cells kept, what was right of them, cells scanned so far."""

    def __init__(self):
        self.number = 0
        self.cells: dict[int, object] = {}
        self.beyond = 0
        self.column = 0
        self.scanned = 0


class _Refused(Exception):
    """A limit passed inside an expat callback (turned into ``Invalid`` outside it)."""


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
