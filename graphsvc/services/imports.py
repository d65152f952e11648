"""Importing files into a store — graphsvc/1 JSON, GraphML, GEXF, CSV, zip and xlsx — with a report.

One service for the CLI, the API and the upload page. Every import first compares what the
file holds with a snapshot of the store (added, changed, unchanged, rejected); a dry run stops
there. A file with rejected rows changes nothing unless ``valid_only`` is asked for (spreadsheets
only: JSON, GraphML and GEXF documents are all or nothing). Writing is one
``Store.import_graph`` transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePath

from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.validation import parse_document
from graphsvc.interchange.limits import DEFAULT_MAX_BYTES, check_size
from graphsvc.interchange.plan import Plan, Progress, Rejection, plan
from graphsvc.interchange.readers import read_tables
from graphsvc.storage.base import Store

#: What ``import`` reads, by file extension; anything else is read as a spreadsheet (by content).
DOCUMENT_EXTENSIONS = (".json", ".graphml", ".gexf")
SPREADSHEET_EXTENSIONS = (".csv", ".txt", ".tsv", ".zip", ".xlsx", ".xlsm")


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
    warnings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

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
                "rejected": [r.to_dict() for r in self.rejected], "warnings": self.warnings,
                "details": self.details}

    def to_invalid(self) -> Invalid:
        """The rejected rows as the one error model's ``Invalid`` (the API's 422 body)."""
        problems = [Problem(f"{r.table}" + (f" row {r.row}" if r.row is not None else "")
                            + (f", column {r.column}" if r.column else ""), r.message) for r in self.rejected]
        return Invalid(problems or [Problem("", "nothing to import")])


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
                raise Invalid([Problem("file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
            except json.JSONDecodeError as exc:
                raise Invalid([Problem("file", f"not valid JSON: {exc.msg} at line {exc.lineno} column "
                                               f"{exc.colno}")]) from None
            except RecursionError:
                raise Invalid([Problem("file", "not usable JSON: nested too deeply")]) from None
            except ValueError as exc:  # an integer of more than 4,300 digits
                raise Invalid([Problem("file", f"not usable JSON: {exc}")]) from None
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


def import_files(store: Store, files: Sequence[tuple[str, bytes]], *, kinds: Sequence[str | None] | None = None,
                 dry_run: bool = False, valid_only: bool = False, today: date | None = None,
                 progress: Progress | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 by: str | None = None) -> ImportReport:
    """Check ``files`` (``(name, bytes)``) against the store and, unless told otherwise, store them.

    A file that cannot be read at all (empty, too large, missing columns, not a spreadsheet)
    raises :class:`Invalid`; row problems are in the report. The store is written only when
    there is something to write and either no row was rejected or ``valid_only`` is set.
    """
    if not files:
        raise Invalid([Problem("file", "no file was given")])
    today = today or date.today()
    source = " + ".join(name for name, _ in files)
    report = ImportReport(source, dry_run=dry_run, valid_only=valid_only)
    stored = store.snapshot()
    if len(files) == 1 and is_document(files[0][0]):
        name, data = files[0]
        if not data.strip():
            raise Invalid([Problem(name, "the file is empty")])
        result = _document_plan(name, data, stored, today)
        if valid_only and result.rejected:
            report.warnings.append("JSON, GraphML and GEXF documents are imported all or nothing: "
                                   "--valid-only applies to spreadsheets")
            report.valid_only = False
    else:
        for name, data in files:
            if is_document(name):
                raise Invalid([Problem(name, "give a JSON, GraphML or GEXF document on its own")])
            check_size(name, len(data), max_bytes)
        result = plan(read_tables(files, max_bytes=max_bytes, kinds=kinds), *stored, today=today,
                      progress=progress)
    report.rejected, report.warnings = result.rejected, report.warnings + result.warnings
    report.rows, report.rejected_rows, report.details = result.rows, result.rejected_rows, result.details
    report.actors, report.initiatives = compare(stored, result.actors, result.initiatives)
    writable = not report.rejected or report.valid_only
    if dry_run or not writable or report.changes == 0:
        return report
    store.import_graph(result.actors, result.initiatives, by=by)
    report.applied = True
    return report


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
