"""Importing files into a store — graphsvc/1 JSON, GraphML, GEXF, CSV, zip and xlsx — with a report.

One service for the CLI, the API and the upload page. Every import first compares what the
file holds with a snapshot of the store (added, changed, unchanged, rejected); a dry run stops
there. A file with rejected rows changes nothing unless ``valid_only`` is asked for (spreadsheets
only: JSON, GraphML and GEXF documents are all or nothing). Writing is one
``Store.import_graph`` transaction (``Store.import_batches`` for a streamed JSON document).

Files are untrusted and read within :class:`~graphsvc.interchange.limits.ReadLimits`, applied
while reading: spreadsheets through the streaming readers, JSON documents larger than
:data:`IN_MEMORY_DOCUMENT_BYTES` through ``services.streaming`` (never decoded whole), GraphML
and GEXF only up to the spreadsheet size limit and after a count of their nodes. The problems a
report keeps are bounded too (the rest are counted).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePath
from xml.parsers import expat

import ijson

from graphsvc.interchange.archive import Source, open_source, source_size
from graphsvc.interchange.limits import DEFAULT_MAX_BYTES, ReadLimits, check_size, fail
from graphsvc.interchange.plan import Plan, Progress, Rejection, plan
from graphsvc.interchange.readers import read_tables
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.validation import parse_actor, parse_document, parse_initiative
from graphsvc.services import streaming
from graphsvc.storage.base import ImportSummary, Store

#: What ``import`` reads, by file extension; anything else is read as a spreadsheet (by content).
DOCUMENT_EXTENSIONS = (".json", ".graphml", ".gexf")
#: graphsvc/1 documents up to this size are decoded whole (so every oddity gets its exact message:
#: deep nesting, unpaired surrogates); larger ones are streamed, never held in memory.
IN_MEMORY_DOCUMENT_BYTES = 256 * 1024
#: Most actors, and most initiatives, in one uploaded JSON document (counted while parsing).
MAX_DOCUMENT_OBJECTS = 200_000
#: A ``\\uD800``-``\\uDFFF`` escape (with the backslashes before it: an even run escapes itself).
_SURROGATE_ESCAPE = re.compile(rb"(\\+)u[dD]([89a-fA-F])[0-9a-fA-F]{2}")
_LOW_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _changes() -> dict[str, list[str]]:
    return {"added": [], "changed": [], "unchanged": []}


@dataclass
class ImportReport:
    """What an import did, or would do: per kind of object the ids added, changed and unchanged."""

    source: str
    dry_run: bool = False
    valid_only: bool = False
    applied: bool = False
    actors: dict[str, list[str]] = field(default_factory=_changes)
    initiatives: dict[str, list[str]] = field(default_factory=_changes)
    rejected: list[Rejection] = field(default_factory=list)
    rejected_rows: dict[str, int] = field(default_factory=lambda: {"actors": 0, "initiatives": 0})
    rows: dict[str, int] = field(default_factory=lambda: {"actors": 0, "initiatives": 0})
    warnings: list[msg.Message] = field(default_factory=list)
    details: list[msg.Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def changes(self) -> int:
        return sum(len(d["added"]) + len(d["changed"]) for d in (self.actors, self.initiatives))

    def counts(self) -> dict:
        return {kind: {k: len(v) for k, v in getattr(self, kind).items()} for kind in ("actors", "initiatives")}

    @property
    def outcome(self) -> str:
        """One sentence: what happened to the store."""
        if self.dry_run:
            if self.rejected and not self.valid_only:
                return "Dry run: nothing was changed. As it is, the import would be refused (rejected rows)."
            return "Dry run: nothing was changed."
        if self.applied:
            return "Imported." if self.ok else "Imported the valid rows; the rejected rows were left out."
        if self.rejected and not self.valid_only:
            return "Nothing was changed: the file has rejected rows (import only the valid rows, or fix them)."
        if self.rejected:
            return "Nothing was changed: no valid row differs from what is stored."
        return "Nothing was changed: everything in the file is already stored."

    def to_dict(self) -> dict:
        return {"source": self.source, "dry_run": self.dry_run, "valid_only": self.valid_only,
                "applied": self.applied, "outcome": self.outcome, "counts": self.counts(),
                "rows": self.rows, "rejected_rows": self.rejected_rows,
                "actors": self.actors, "initiatives": self.initiatives,
                "rejected": [r.to_dict() for r in self.rejected], "warnings": [str(w) for w in self.warnings],
                "details": [str(d) for d in self.details]}

    def to_invalid(self) -> Invalid:
        """The rejected rows as the one error model's ``Invalid`` (the API's 422 body)."""
        problems = [Problem(f"{r.table}" + (f" row {r.row}" if r.row is not None else "")
                            + (f", column {r.column}" if r.column else ""), r.message) for r in self.rejected]
        return Invalid(problems or [Problem("", msg.NOTHING_TO_IMPORT())])


def compare(stored: tuple[list[Actor], list[Initiative]], actors: Iterable[Actor],
            initiatives: Iterable[Initiative]) -> tuple[dict, dict]:
    """Ids of ``actors`` / ``initiatives`` that are new, different from the stored ones, or equal."""
    old_actors = {a.id: a for a in stored[0]}
    old_initiatives = {i.id: i for i in stored[1]}
    result = []
    for items, old in ((actors, old_actors), (initiatives, old_initiatives)):
        changes = _changes()
        for item in items:
            key = "added" if item.id not in old else "unchanged" if old[item.id] == item else "changed"
            changes[key].append(item.id)
        result.append(changes)
    return result[0], result[1]


def _document_plan(name: str, data: bytes, stored: tuple[list[Actor], list[Initiative]], today: date) -> Plan:
    """A JSON, GraphML or GEXF document: all its problems, or all its objects."""
    from graphsvc.interchange import from_gexf, from_graphml

    result = Plan()
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".json":
            try:
                doc = json.loads(data.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise Invalid([Problem("file", msg.UPLOAD_NOT_UTF8(reason=exc.reason, position=exc.start))]) from None
            except json.JSONDecodeError as exc:
                raise Invalid([Problem("file", msg.UPLOAD_NOT_JSON(reason=exc.msg, line=exc.lineno,
                                                                   column=exc.colno))]) from None
            except RecursionError:
                raise Invalid([Problem("file", msg.JSON_TOO_DEEP())]) from None
            except ValueError as exc:  # an integer of more than 4,300 digits
                raise Invalid([Problem("file", msg.JSON_UNUSABLE(reason=str(exc)))]) from None
            actors, initiatives = parse_document(doc, existing_actor_ids={a.id for a in stored[0]})
        else:
            actors, initiatives = (from_graphml if suffix == ".graphml" else from_gexf)(data)
    except Invalid as exc:
        result.rejected = [Rejection(name, None, p.path or None, p.message) for p in exc.problems]
        return result
    registered = {a.id: a.registered for a in stored[0]}
    result.actors = [a if a.registered else replace(a, registered=registered.get(a.id) or today) for a in actors]
    result.initiatives = list(initiatives)
    result.rows = {"actors": len(actors), "initiatives": len(initiatives)}
    return result


def is_document(name: str) -> bool:
    return PurePath(name).suffix.lower() in DOCUMENT_EXTENSIONS


def _read(source: Source) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


@contextmanager
def _as_path(source: Source) -> Iterator[Path]:
    """The source as a file (a private temporary copy of bytes, removed afterwards)."""
    if not isinstance(source, bytes):
        yield Path(source)
        return
    handle, name = tempfile.mkstemp(prefix="graphsvc-import-", suffix=".json")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(source)
        yield Path(name)
    finally:
        os.unlink(name)


def unpaired_surrogate_at(source: Source) -> int | None:
    """Byte offset of the first JSON escape of half a UTF-16 pair without its other half, or None.

    ``json.loads`` keeps such a string and validation refuses it; the streaming parser would
    silently turn it into ``?``. So a streamed document is scanned for them first (in chunks).
    """
    paired_low = -1  # absolute offset of the low half that follows the last high half
    processed = 0  # matches starting before this offset were judged already
    with open_source(source) as stream:
        base, data = 0, b""
        while True:
            chunk = stream.read(1024 * 1024)
            data += chunk
            final = not chunk
            stop = len(data) if final else max(0, len(data) - 16)
            for match in _SURROGATE_ESCAPE.finditer(data):
                if match.end() > stop and not final:
                    break
                at = base + match.end(1) - 1  # the escaping backslash
                if at < processed or len(match.group(1)) % 2 == 0:
                    continue
                if match.group(2) in b"89abAB":  # high half: the low half must follow at once
                    if not _LOW_ESCAPE.match(data, match.end()):
                        return at
                    paired_low = base + match.end()
                elif at != paired_low:
                    return at
            if final:
                return None
            keep = max(0, stop - 64)
            processed = base + stop
            base, data = base + keep, data[keep:]


class _Refused(Exception):
    """A limit passed inside an expat callback (a message, turned into ``Invalid`` outside it)."""


def _scan_graph_file(name: str, source: Source, limits: ReadLimits) -> None:
    """GraphML and GEXF are parsed whole by networkx: count their nodes first (expat, streaming)
    and refuse document type declarations, so a small file cannot make a huge graph."""
    parser = expat.ParserCreate()
    nodes = [0]
    what = "GEXF" if name.lower().endswith(".gexf") else "GraphML"

    def start(tag: str, _attrs) -> None:
        if tag.rpartition(":")[2] == "node":
            nodes[0] += 1
            if nodes[0] > limits.rows:
                raise _Refused(msg.GRAPH_FILE_TOO_MANY_NODES(limit=limits.rows))

    def refuse_doctype(*_args) -> None:
        raise _Refused(msg.GRAPH_FILE_UNREADABLE(format=what, reason="document type declarations are not accepted"))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse_doctype
    with open_source(source) as stream:
        try:
            parser.ParseFile(stream)
        except _Refused as exc:
            raise fail(name, exc.args[0]) from None
        except expat.ExpatError as exc:
            raise fail(name, msg.GRAPH_FILE_UNREADABLE(format=what, reason=str(exc))) from None


def _cap(rejected: list[Rejection], limit: int) -> list[Rejection]:
    if len(rejected) <= limit:
        return rejected
    return rejected[:limit] + [Rejection("", None, None, msg.MORE_PROBLEMS(count=len(rejected) - limit))]


def _streamed_items(path: Path, prefix: str) -> Iterator:
    with open(path, "rb") as stream:
        if stream.read(3) != b"\xef\xbb\xbf":
            stream.seek(0)
        yield from ijson.items(stream, prefix, use_float=True)


def _compare_streamed(path: Path, stored: tuple[list[Actor], list[Initiative]], today: date) -> tuple[dict, dict]:
    """``compare`` for a checked document read again item by item (only ids are kept)."""
    old_actors = {a.id: a for a in stored[0]}
    old_initiatives = {i.id: i for i in stored[1]}
    actors, initiatives = _changes(), _changes()
    for index, item in enumerate(_streamed_items(path, "actors.item")):
        actor = parse_actor(item, path=f"actors[{index}]")
        old = old_actors.get(actor.id)
        if actor.registered is None:
            actor = replace(actor, registered=old.registered if old and old.registered else today)
        actors["added" if old is None else "unchanged" if old == actor else "changed"].append(actor.id)
    for index, item in enumerate(_streamed_items(path, "initiatives.item")):
        initiative = parse_initiative(item, path=f"initiatives[{index}]")
        old_initiative = old_initiatives.get(initiative.id)
        key = "added" if old_initiative is None else "unchanged" if old_initiative == initiative else "changed"
        initiatives[key].append(initiative.id)
    return actors, initiatives


def _named(message: msg.Message, path: Path, name: str) -> msg.Message:
    """A streaming message about ``path`` told with the upload's ``name`` (a temporary path means nothing)."""
    if "path" in message.params and str(message.params["path"]) == str(path):
        return msg.CATALOGUE[message.code](**{**message.params, "path": name})
    return message


def _file_problems(exc: Invalid, name: str, path: Path) -> list[Rejection]:
    """The streaming check's problems, told with the upload's name instead of a temporary path."""
    return [Rejection(name, None, p.path or None, _named(p.message, path, name)) for p in exc.problems]


def _import_streamed(store: Store, report: ImportReport, name: str, source: Source,
                     stored: tuple[list[Actor], list[Initiative]], *, today: date, dry_run: bool, by: str | None,
                     limits: ReadLimits) -> ImportReport:
    """A large graphsvc/1 document: checked, compared and written as a stream (``services.streaming``)."""
    surrogate = unpaired_surrogate_at(source)
    if surrogate is not None:
        report.rejected = [Rejection(name, None, "file", msg.DOCUMENT_UNPAIRED_SURROGATE(position=surrogate))]
        return report
    with _as_path(source) as path:
        try:
            checked = streaming.check_file(store, path, max_items=MAX_DOCUMENT_OBJECTS, max_problems=limits.problems)
        except Invalid as exc:
            report.rejected = _file_problems(exc, name, path)
            return report
        report.rows = {"actors": checked.actors, "initiatives": checked.initiatives}
        report.actors, report.initiatives = _compare_streamed(path, stored, today)
        if dry_run or report.changes == 0:
            return report
        try:
            streaming.import_file(store, path, today=today, by=by, max_items=MAX_DOCUMENT_OBJECTS,
                                  max_problems=limits.problems, checked=checked)
        except Invalid as exc:  # the store changed between the check and the write
            report.rejected = _file_problems(exc, name, path)
            return report
    report.applied = True
    return report


def import_json_file(store: Store, name: str, path: Path, *, by: str | None = None,
                     today: date | None = None) -> ImportSummary:
    """A graphsvc/1 document received as a request body (kept in a private file): streamed as
    ``graphsvc import`` streams it, within the upload limits; problems name ``name``, not the path."""
    surrogate = unpaired_surrogate_at(path)
    if surrogate is not None:
        raise Invalid([Problem("", msg.DOCUMENT_UNPAIRED_SURROGATE(position=surrogate))])
    try:
        return streaming.import_file(store, path, today=today, by=by, max_items=MAX_DOCUMENT_OBJECTS)
    except Invalid as exc:
        raise Invalid([Problem(p.path, _named(p.message, path, name)) for p in exc.problems]) from None


def import_files(store: Store, files: Sequence[tuple[str, Source]], *, kinds: Sequence[str | None] | None = None,
                 dry_run: bool = False, valid_only: bool = False, today: date | None = None,
                 progress: Progress | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 limits: ReadLimits | None = None, by: str | None = None) -> ImportReport:
    """Check ``files`` (``(name, bytes or path)``) against the store and, unless told otherwise, store them.

    A file that cannot be read at all (empty, too large, missing columns, not a spreadsheet, over
    a limit) raises :class:`Invalid`; row problems are in the report. The store is written only
    when there is something to write and either no row was rejected or ``valid_only`` is set.
    ``limits`` (default: :class:`ReadLimits` with ``max_bytes``) bound what reading may cost.
    """
    if not files:
        raise Invalid([Problem("file", msg.NO_FILE_GIVEN())])
    limits = limits or ReadLimits(file_bytes=max_bytes)
    today = today or date.today()
    source = " + ".join(name for name, _ in files)
    report = ImportReport(source, dry_run=dry_run, valid_only=valid_only)
    if len(files) == 1 and is_document(files[0][0]):
        name, data = files[0]
        size = source_size(data)
        if size == 0 or (size <= IN_MEMORY_DOCUMENT_BYTES and not _read(data).strip()):
            raise Invalid([Problem(name, msg.FILE_EMPTY())])
        if PurePath(name).suffix.lower() != ".json":
            check_size(name, size, limits.file_bytes, graph_file=True)
            _scan_graph_file(name, data, limits)
        stored = store.snapshot()
        if PurePath(name).suffix.lower() == ".json" and size > IN_MEMORY_DOCUMENT_BYTES:
            _import_streamed(store, report, name, data, stored, today=today, dry_run=dry_run, by=by, limits=limits)
        else:
            result = _document_plan(name, _read(data), stored, today)
            _fill(report, result, stored)
            if not (dry_run or report.rejected or report.changes == 0):
                store.import_graph(result.actors, result.initiatives, by=by)
                report.applied = True
        if valid_only and report.rejected:
            report.warnings.append(msg.VALID_ONLY_DOCUMENTS())
            report.valid_only = False
        report.rejected = _cap(report.rejected, limits.problems)
        return report
    for name, data in files:
        if is_document(name):
            raise Invalid([Problem(name, msg.DOCUMENT_ALONE())])
        check_size(name, source_size(data), limits.file_bytes)
    tables = read_tables(files, limits=limits, kinds=kinds)
    stored = store.snapshot()
    result = plan(tables, *stored, today=today, progress=progress, max_problems=limits.problems)
    del tables
    _fill(report, result, stored)
    writable = not report.rejected or report.valid_only
    if dry_run or not writable or report.changes == 0:
        return report
    store.import_graph(result.actors, result.initiatives, by=by)
    report.applied = True
    return report


def _fill(report: ImportReport, result: Plan, stored: tuple[list[Actor], list[Initiative]]) -> None:
    report.rejected = result.rejected  # a plan keeps at most limits.problems (and says how many more)
    report.warnings = report.warnings + result.warnings
    report.rows, report.rejected_rows, report.details = result.rows, result.rejected_rows, result.details
    report.actors, report.initiatives = compare(stored, result.actors, result.initiatives)


def report_lines(report: ImportReport, *, limit: int | None = None) -> list[str]:
    """The report as text lines (the CLI's output)."""
    lines = [f"{report.source}:"] + [f"  {d}" for d in report.details]
    for kind in ("actors", "initiatives"):
        c = report.counts()[kind]
        lines.append(f"  {kind}: {c['added']} new, {c['changed']} changed, {c['unchanged']} unchanged"
                     + (f", {report.rejected_rows[kind]} rows rejected" if report.rejected_rows[kind] else ""))
    for warning in report.warnings:
        lines.append(f"  warning: {warning}")
    if report.rejected:
        lines.append(f"  rejected ({len(report.rejected)} problem(s)):")
        shown = report.rejected if limit is None else report.rejected[:limit]
        lines += [f"    {r}" for r in shown]
        if len(shown) < len(report.rejected):
            lines.append(f"    … and {len(report.rejected) - len(shown)} more")
    lines.append(report.outcome)
    return lines
