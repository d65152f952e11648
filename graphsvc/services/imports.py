"""Importing into a store — graphsvc/1 JSON, GraphML, GEXF, CSV, zip and xlsx — through one pipeline.

:func:`run_import` is the one entry point the CLI, the API and the upload pages call. Every
format goes through the same three steps:

1. **plan** — read and check the input (per format: :class:`Upload` files, a decoded
   :class:`Document`, or a :class:`DocumentFile` streamed from disk) into actors and initiatives,
   in batches, and the rows it rejects. A file that cannot be read at all raises
   :class:`Invalid`; so do the problems of a document given on its own (the API's body, a JSON
   file on the command line), which is all or nothing.
2. **compare** — each batch with the stored objects of just its ids, by the stores' own rules
   (:class:`storage.rules.ImportTally`, :func:`storage.rules.with_registered`): what is added,
   changed, unchanged. A dry run stops here. Streamed files skip this step unless it is a dry
   run: the store compares inside its write.
3. **write** — ``Store.import_batches``: all or nothing, unchanged objects not rewritten, one
   audit entry. It is skipped when the comparison found nothing to change, or found rejected
   rows and ``valid_only`` was not asked for (spreadsheets only: documents are all or nothing).

Uploads are untrusted and read within :class:`~graphsvc.interchange.limits.ReadLimits`, applied
while reading (issue 11): spreadsheets through the streaming readers; a JSON document larger than
:data:`IN_MEMORY_DOCUMENT_BYTES` through ``services.streaming`` (never decoded whole, at most
:data:`MAX_DOCUMENT_OBJECTS` actors and initiatives); GraphML and GEXF only up to the spreadsheet
size limit and after a count of their nodes. The problems a report keeps are bounded too.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any
from xml.parsers import expat

from graphsvc.interchange import from_gexf, from_graphml
from graphsvc.interchange.archive import Source, open_source, source_size
from graphsvc.interchange.limits import DEFAULT_MAX_BYTES, ReadLimits, check_size, fail
from graphsvc.interchange.plan import Progress, Rejection, plan
from graphsvc.interchange.readers import read_tables
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.validation import parse_document
from graphsvc.services import streaming
from graphsvc.storage.base import ImportSummary, Store
from graphsvc.storage.rules import ImportTally

#: What ``import`` reads as a document, by file extension; anything else is read as a spreadsheet.
DOCUMENT_EXTENSIONS = (".json", ".graphml", ".gexf")
#: Objects per batch handed to the store (and per look-up of stored objects while comparing).
BATCH_SIZE = streaming.BATCH_SIZE
#: graphsvc/1 uploads up to this size are decoded whole (so every oddity gets its exact message:
#: deep nesting, unpaired surrogates); larger ones are streamed, never held in memory.
IN_MEMORY_DOCUMENT_BYTES = 256 * 1024
#: Most actors, and most initiatives, in one uploaded JSON document (counted while parsing).
MAX_DOCUMENT_OBJECTS = 200_000
#: A ``\\uD800``-``\\uDFFF`` escape (with the backslashes before it: an even run escapes itself).
_SURROGATE_ESCAPE = re.compile(rb"(\\+)u[dD]([89a-fA-F])[0-9a-fA-F]{2}")
_LOW_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _changes() -> dict[str, list[str]]:
    return {"added": [], "changed": [], "unchanged": []}


# -- sources ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """Files as ``(name, bytes or path)``: spreadsheets (CSV, a zip of CSVs, xlsx; ``kinds`` says which
    CSV holds actors and which initiatives), or one JSON, GraphML or GEXF document. A document's
    problems become rejected rows of the report. ``limits`` (default: :class:`ReadLimits` with
    ``max_bytes``) bound what reading may cost."""

    files: Sequence[tuple[str, Source]]
    kinds: Sequence[str | None] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    limits: ReadLimits | None = None

    def read_limits(self) -> ReadLimits:
        return self.limits or ReadLimits(file_bytes=self.max_bytes)


@dataclass(frozen=True)
class Document:
    """A decoded ``graphsvc/1`` document (the API's JSON body): all or nothing, its problems raise."""

    doc: Any
    name: str = "document"


@dataclass(frozen=True)
class DocumentFile:
    """A ``graphsvc/1`` JSON file on disk, read incrementally (:mod:`services.streaming`): any size
    in flat memory; its problems raise (the first ``max_problems``, and a count of the rest)."""

    path: Path
    batch_size: int = streaming.BATCH_SIZE
    max_problems: int = streaming.MAX_PROBLEMS
    #: Most actors and initiatives (each), counted while parsing; None: no limit (the command line).
    max_items: int | None = None
    #: What messages call the file instead of its path (``the request body``: a private temporary file).
    display_name: str | None = None


ImportSource = Upload | Document | DocumentFile


@dataclass
class Planned:
    """The plan step's result, whatever the format: the objects to store as batches (callables, so
    they can be read for the comparison and again for the write), and the rows left out."""

    actor_batches: Callable[[], Iterable[Sequence[Actor]]]
    initiative_batches: Callable[[], Iterable[Sequence[Initiative]]]
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[msg.Message] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: {"actors": 0, "initiatives": 0})
    rejected_rows: dict[str, int] = field(default_factory=lambda: {"actors": 0, "initiatives": 0})
    details: list[msg.Message] = field(default_factory=list)
    #: Small enough to compare before writing, so the report lists every id (not a streamed file).
    listed: bool = True
    #: Documents are all or nothing: ``valid_only`` does not apply.
    document: bool = False
    #: Called when the import is done (a temporary copy of an upload is removed).
    cleanup: Callable[[], None] | None = None


def _in_batches(items: Sequence, size: int = BATCH_SIZE) -> Callable[[], Iterator[Sequence]]:
    return lambda: (items[start:start + size] for start in range(0, len(items), size))


# -- the report ------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did, or would do: per kind of object the ids added, changed and unchanged
    (for a streamed file that was written without a dry run: the store's counts, ``written``)."""

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
    #: What the store counted in its write transaction; None when nothing was written.
    written: ImportSummary | None = None
    #: Whether ``actors`` and ``initiatives`` list the ids (a comparison ran before writing).
    listed: bool = True

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def changes(self) -> int:
        c = self.counts()
        return sum(c[kind]["added"] + c[kind]["changed"] for kind in ("actors", "initiatives"))

    def counts(self) -> dict:
        if not self.listed and self.written is not None:
            w = self.written
            return {"actors": {"added": w.actors_created, "changed": w.actors_updated,
                               "unchanged": w.actors_unchanged},
                    "initiatives": {"added": w.initiatives_created, "changed": w.initiatives_updated,
                                    "unchanged": w.initiatives_unchanged}}
        return {kind: {k: len(v) for k, v in getattr(self, kind).items()} for kind in ("actors", "initiatives")}

    def to_summary(self) -> ImportSummary:
        """The store's summary of the write, or — when nothing was written — the comparison's counts."""
        if self.written is not None:
            return self.written
        c = self.counts()
        return ImportSummary(c["actors"]["added"], c["actors"]["changed"], c["actors"]["unchanged"],
                             c["initiatives"]["added"], c["initiatives"]["changed"], c["initiatives"]["unchanged"])

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


# -- step 1: plan, per source ------------------------------------------------------------------------
def is_document(name: str) -> bool:
    return PurePath(name).suffix.lower() in DOCUMENT_EXTENSIONS


def _read(source: Source) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


def _decode_json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise Invalid([Problem("file", msg.UPLOAD_NOT_UTF8(reason=exc.reason, position=exc.start))]) from None
    except json.JSONDecodeError as exc:
        raise Invalid([Problem("file", msg.UPLOAD_NOT_JSON(reason=exc.msg, line=exc.lineno,
                                                           column=exc.colno))]) from None
    except RecursionError:
        raise Invalid([Problem("file", msg.JSON_TOO_DEEP())]) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise Invalid([Problem("file", msg.JSON_UNUSABLE(reason=str(exc)))]) from None


def _referenced_actor_ids(doc: Any) -> list[str]:
    """The partner ids a graphsvc/1 document's initiatives name (to ask the store which exist)."""
    items = doc.get("initiatives") if isinstance(doc, dict) else None
    return [a for item in items for a in streaming.partner_ids(item)] if isinstance(items, list) else []


def _parsed_document(store: Store, doc: Any) -> Planned:
    referenced = _referenced_actor_ids(doc)
    existing = store.existing_actor_ids(referenced) if referenced else set()
    actors, initiatives = parse_document(doc, existing_actor_ids=existing)
    return Planned(_in_batches(actors), _in_batches(initiatives), document=True,
                   rows={"actors": len(actors), "initiatives": len(initiatives)})


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
    """The first ``limit`` problems, and a last one saying how many more there were."""
    if len(rejected) <= limit:
        return rejected
    return rejected[:limit] + [Rejection("", None, None, msg.MORE_PROBLEMS(count=len(rejected) - limit))]


def _named(message: msg.Message, path: Path, name: str) -> msg.Message:
    """A streaming message about ``path`` told with the upload's ``name`` (a temporary path means nothing)."""
    if "path" in message.params and str(message.params["path"]) == str(path):
        return msg.CATALOGUE[message.code](**{**message.params, "path": name})
    return message


def _document_rejected(name: str, exc: Invalid, limits: ReadLimits, path: Path | None = None) -> Planned:
    """A document given in an upload whose problems are its rejected rows (all or nothing)."""
    empty: list = []
    rejected = [Rejection(name, None, p.path or None, _named(p.message, path, name) if path else p.message)
                for p in exc.problems]
    return Planned(_in_batches(empty), _in_batches(empty), document=True, rejected=_cap(rejected, limits.problems))


def _temporary_copy(data: bytes) -> Path:
    handle, name = tempfile.mkstemp(prefix="graphsvc-import-", suffix=".json")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return Path(name)


def _streamed_upload(store: Store, name: str, data: Source, limits: ReadLimits,
                     progress: Progress | None) -> Planned:
    """A large graphsvc/1 upload: checked and read again as a stream (``services.streaming``), within
    :data:`MAX_DOCUMENT_OBJECTS`; only the ids are kept."""
    surrogate = unpaired_surrogate_at(data)
    if surrogate is not None:
        return _document_rejected(name, Invalid([Problem("file", msg.DOCUMENT_UNPAIRED_SURROGATE(
            position=surrogate))]), limits)
    path = _temporary_copy(data) if isinstance(data, bytes) else Path(data)
    cleanup = (lambda: path.unlink(missing_ok=True)) if isinstance(data, bytes) else None
    try:
        planned = _plan_file(store, DocumentFile(path, max_problems=limits.problems, max_items=MAX_DOCUMENT_OBJECTS,
                                                 display_name=name), progress)
    except Invalid as exc:
        if cleanup:
            cleanup()
        return _document_rejected(name, exc, limits)
    planned.cleanup = cleanup
    return planned


def _plan_upload(store: Store, source: Upload, progress: Progress | None) -> Planned:
    files = source.files
    limits = source.read_limits()
    if not files:
        raise Invalid([Problem("file", msg.NO_FILE_GIVEN())])
    if len(files) == 1 and is_document(files[0][0]):
        name, data = files[0]
        size = source_size(data)
        suffix = PurePath(name).suffix.lower()
        if size == 0 or (size <= IN_MEMORY_DOCUMENT_BYTES and not _read(data).strip()):
            raise Invalid([Problem(name, msg.FILE_EMPTY())])
        if suffix == ".json" and size > IN_MEMORY_DOCUMENT_BYTES:
            return _streamed_upload(store, name, data, limits, progress)
        if suffix != ".json":
            check_size(name, size, limits.file_bytes, graph_file=True)
            _scan_graph_file(name, data, limits)
        try:
            if suffix == ".json":
                return _parsed_document(store, _decode_json(_read(data)))
            actors, initiatives = (from_graphml if suffix == ".graphml" else from_gexf)(_read(data))
        except Invalid as exc:
            return _document_rejected(name, exc, limits)
        return Planned(_in_batches(actors), _in_batches(initiatives), document=True,
                       rows={"actors": len(actors), "initiatives": len(initiatives)})
    for name, data in files:
        if is_document(name):
            raise Invalid([Problem(name, msg.DOCUMENT_ALONE())])
        check_size(name, source_size(data), limits.file_bytes)
    tables = read_tables(files, limits=limits, kinds=source.kinds)
    # Rows without an id are matched with stored actors by name: the plan reads the stored graph.
    result = plan(tables, *store.snapshot(), progress=progress, max_problems=limits.problems)
    del tables
    return Planned(_in_batches(result.actors), _in_batches(result.initiatives), rejected=result.rejected,
                   warnings=result.warnings, rows=result.rows, rejected_rows=result.rejected_rows,
                   details=result.details)


def _plan_file(store: Store, source: DocumentFile, progress: Progress | None) -> Planned:
    try:
        checked = streaming.check_file(store, source.path, batch_size=source.batch_size,
                                       max_problems=source.max_problems, progress=progress,
                                       max_items=source.max_items)
    except Invalid as exc:
        if source.display_name is None:
            raise
        name = source.display_name
        raise Invalid([Problem(p.path, _named(p.message, source.path, name)) for p in exc.problems]) from None
    advance = streaming.WriteProgress(checked, progress)

    def actor_batches() -> Iterator[list[Actor]]:
        advance.start()
        return streaming.actor_batches(checked, source.batch_size, advance)

    return Planned(actor_batches, lambda: streaming.initiative_batches(checked, source.batch_size, advance),
                   rows={"actors": checked.actors, "initiatives": checked.initiatives}, listed=False, document=True)


def plan_import(store: Store, source: ImportSource, *, progress: Progress | None = None) -> Planned:
    """Step 1 for any source."""
    if isinstance(source, Upload):
        return _plan_upload(store, source, progress)
    if isinstance(source, Document):
        return _parsed_document(store, source.doc)
    return _plan_file(store, source, progress)


# -- step 2: compare ----------------------------------------------------------------------------------
def compare(store: Store, planned: Planned, *, today: date) -> tuple[dict, dict]:
    """Ids of the planned actors and initiatives that are new, different from the stored ones, or
    equal — decided batch by batch as the store decides when it writes."""
    tally = ImportTally(list_ids=True)
    for actors in planned.actor_batches():
        tally.actors(actors, store.stored_actors([a.id for a in actors]), today=today)
    for initiatives in planned.initiative_batches():
        tally.initiatives(initiatives, store.stored_initiatives([i.id for i in initiatives]))
    listed = tally.listed or {}
    return listed["actors"], listed["initiatives"]


# -- the pipeline ---------------------------------------------------------------------------------------
def _name(source: ImportSource) -> str:
    if isinstance(source, Upload):
        return " + ".join(name for name, _ in source.files)
    if isinstance(source, Document):
        return source.name
    return str(source.path)


def run_import(store: Store, source: ImportSource, *, dry_run: bool = False, valid_only: bool = False,
               today: date | None = None, by: str | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Plan, compare and (unless told otherwise) write ``source``; the report says what happened.

    An actor without ``registered`` keeps the date already stored for it, or gets ``today`` (the
    current date by default) when new, so importing the same file on another day changes nothing.
    """
    today = today or date.today()
    planned = plan_import(store, source, progress=progress)
    try:
        return _compare_and_write(store, source, planned, dry_run=dry_run, valid_only=valid_only, today=today,
                                  by=by)
    finally:
        if planned.cleanup is not None:
            planned.cleanup()


def _compare_and_write(store: Store, source: ImportSource, planned: Planned, *, dry_run: bool, valid_only: bool,
                       today: date, by: str | None) -> ImportReport:
    report = ImportReport(_name(source), dry_run=dry_run, valid_only=valid_only, rejected=planned.rejected,
                          warnings=list(planned.warnings), rows=planned.rows, rejected_rows=planned.rejected_rows,
                          details=planned.details, listed=planned.listed or dry_run)
    if valid_only and planned.document:
        if planned.rejected:
            report.warnings.append(msg.VALID_ONLY_DOCUMENTS())
        report.valid_only = False
    if report.listed:
        report.actors, report.initiatives = compare(store, planned, today=today)
    writable = not report.rejected or report.valid_only
    if dry_run or not writable or (report.listed and report.changes == 0):
        return report
    report.written = store.import_batches(planned.actor_batches(), planned.initiative_batches(), by=by,
                                          today=today)
    report.applied = report.listed or report.written.changed
    return report


def report_lines(report: ImportReport, *, limit: int | None = None) -> list[str]:
    """The report as text lines (the CLI's output)."""
    lines = [f"{report.source}:"] + [f"  {d}" for d in report.details]
    if report.listed:
        for kind in ("actors", "initiatives"):
            c = report.counts()[kind]
            lines.append(f"  {kind}: {c['added']} new, {c['changed']} changed, {c['unchanged']} unchanged"
                         + (f", {report.rejected_rows[kind]} rows rejected" if report.rejected_rows[kind] else ""))
    elif report.written is not None:  # a streamed file: what the store counted while writing
        w = report.written
        lines.append(f"  stored: actors {w.actors_created} new, {w.actors_updated} updated, "
                     f"{w.actors_unchanged} unchanged; initiatives {w.initiatives_created} new, "
                     f"{w.initiatives_updated} updated, {w.initiatives_unchanged} unchanged")
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


def import_json_file(store: Store, name: str, path: Path, *, by: str | None = None,
                     today: date | None = None) -> ImportSummary:
    """A graphsvc/1 document received as a request body (kept in a private file): streamed as
    ``graphsvc import`` streams it, within :data:`MAX_DOCUMENT_OBJECTS`; all or nothing, its problems
    raise and name ``name``, not the temporary path."""
    surrogate = unpaired_surrogate_at(path)
    if surrogate is not None:
        raise Invalid([Problem("", msg.DOCUMENT_UNPAIRED_SURROGATE(position=surrogate))])
    source = DocumentFile(path, max_items=MAX_DOCUMENT_OBJECTS, display_name=name)
    return run_import(store, source, by=by, today=today).to_summary()


# -- shortcuts over run_import, for scripts and tests ---------------------------------------------------
def import_files(store: Store, files: Sequence[tuple[str, Source]], *, kinds: Sequence[str | None] | None = None,
                 dry_run: bool = False, valid_only: bool = False, today: date | None = None,
                 progress: Progress | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 limits: ReadLimits | None = None, by: str | None = None) -> ImportReport:
    """:func:`run_import` of an :class:`Upload`."""
    return run_import(store, Upload(files, kinds, max_bytes, limits), dry_run=dry_run, valid_only=valid_only,
                      today=today, by=by, progress=progress)
