"""How much of an uploaded spreadsheet is read: every limit in one place, applied while reading.

An upload is untrusted: a 2 KB workbook can declare a billion cells, a 100 KB zip can unpack to
100 MiB, a 20 MiB CSV can hold ten million one-letter rows. So nothing is checked "after
parsing": the readers count rows, columns, unpacked bytes, cells and shared strings as they go
and stop at the first limit passed, with a message that names it (the API's 422). The defaults
keep a server worker's peak memory for the largest accepted file well under 300 MB above idle
(``bench/bench_upload_memory.py``; the numbers are in ``bench/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid, Problem

#: Largest spreadsheet accepted by default (bytes of the file as uploaded); see GRAPHSVC_MAX_IMPORT_MB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Most data rows in one table. Larger networks travel as graphsvc/1 JSON, which is streamed.
MAX_ROWS = 40_000
#: Most columns in a header row (the template has 10 and 8).
MAX_COLUMNS = 64
#: Most bytes unpacked from one zip or workbook, all members read together.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: Most entries in a zip's directory (a workbook has about a dozen).
MAX_ZIP_MEMBERS = 1000
#: Most strings in a workbook's shared-string table.
MAX_SHARED_STRINGS = 500_000
#: Most characters in one cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: Most characters in one line of a CSV file.
MAX_LINE_CHARS = 1024 * 1024
#: Rejected-row problems kept in a report; the rest are counted.
MAX_PROBLEMS = 1000
#: Most characters of text in the kept cells of one upload, all tables together (a typical 40,000-row
#: table holds about 4 million): rows bound the number of objects, this bounds how long they are.
MAX_TEXT_CHARS = 12_000_000


@dataclass(frozen=True)
class ReadLimits:
    """The limits of one import (see the module constants for what each is and why)."""

    file_bytes: int = DEFAULT_MAX_BYTES
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    zip_members: int = MAX_ZIP_MEMBERS
    shared_strings: int = MAX_SHARED_STRINGS
    cell_chars: int = MAX_CELL_CHARS
    line_chars: int = MAX_LINE_CHARS
    problems: int = MAX_PROBLEMS
    text_chars: int = MAX_TEXT_CHARS

    @property
    def cells(self) -> int:
        """Most cells scanned in one sheet, empty ones and those right of the header included."""
        return self.rows * self.columns


def fail(name: str, message: msg.Message) -> Invalid:
    """A file-level problem: the import cannot use the file at all."""
    return Invalid([Problem(name, message)])


def mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_size(name: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES, *, graph_file: bool = False) -> None:
    """Refuse a file before reading it: empty, or larger than ``max_bytes``."""
    if size == 0:
        raise fail(name, msg.FILE_EMPTY())
    if size > max_bytes:
        too_large = msg.GRAPH_FILE_TOO_LARGE if graph_file else msg.FILE_TOO_LARGE
        raise fail(name, too_large(size=mb(size), limit=mb(max_bytes)))


def too_many_rows(name: str, limit: int) -> Invalid:
    return fail(name, msg.TOO_MANY_ROWS(limit=limit))


class TextBudget:
    """Characters of text kept so far from one upload, against ``limits.text_chars``."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def take(self, name: str, cells) -> None:
        self.used += sum(len(c) for c in cells if isinstance(c, str))
        if self.used > self.limit:
            raise fail(name, msg.TEXT_TOO_MUCH(limit=self.limit))
