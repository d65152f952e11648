"""Import planning: spreadsheet tables checked against a snapshot of the store, nothing written.

:func:`plan` turns :class:`~graphsvc.interchange.readers.Table` objects into the actors and
initiatives to store and a :class:`Rejection` (row, column, reason) for every row that cannot
be stored. What it does with a librarian's rows:

* **Values.** Kinds, roles, locations and service models as the data model's codes or in
  Norwegian (``bibliotek``, ``kommunal enhet``, ``lag/forening``, ``medskaper``, ``ute`` …).
  Dates as ``dd.mm.yyyy`` (Norwegian), ``yyyy-mm-dd``, or Excel date cells. Partners are one
  cell, ``actor:role;actor:role``, where *actor* is an id or a name (of an actor in the file or
  already stored).
* **Identity.** A row without an id reuses the stored actor with the same normalised name in
  the same municipality, else gets a new id made from the name; an initiative without an id
  reuses the stored one with the same normalised title and start date, else gets ``title-year``.
  So importing the same file twice changes nothing.

Problems are collected up to a limit (:data:`~graphsvc.interchange.limits.MAX_PROBLEMS`); the
rest are counted, so a file of a million bad rows costs no more than its rows.
``graphsvc.services.imports`` runs the plan against a store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from graphsvc.interchange.columns import COLUMNS, KIND_WORDS, LOCATION_WORDS, ROLE_WORDS, SERVICE_MODEL_WORDS
from graphsvc.interchange.limits import MAX_PROBLEMS
from graphsvc.interchange.readers import Table
from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative, normalise_key, slugify
from graphsvc.model.errors import Invalid
from graphsvc.model.validation import parse_actor, parse_initiative
from graphsvc.model.vocab import KINDS, LOCATIONS, ROLES, SERVICE_MODELS

#: The CLI shows a progress bar from this many rows.
PROGRESS_FROM_ROWS = 5000

Progress = Callable[[str, int, int], None]  # (label, done, total)


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
        return f"{where}: {self.message}" if where else self.message

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
    max_problems: int = MAX_PROBLEMS
    more_problems: int = 0  # problems found beyond ``max_problems``, counted but not kept

    def reject(self, problems: list[Rejection]) -> None:
        """Keep the first ``max_problems`` problems; count the rest."""
        room = max(0, self.max_problems - len(self.rejected))
        self.rejected.extend(problems[:room])
        self.more_problems += len(problems) - len(problems[:room])

    def finish(self) -> None:
        """Say how many problems were not kept (as the last rejection)."""
        if self.more_problems:
            self.rejected.append(Rejection("", None, None, msg.MORE_PROBLEMS(count=self.more_problems)))


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

    def __init__(self, table: Table, number: int, cells: Sequence, index: dict[str, int], written: dict[str, str]):
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
        return next((c.label if c.nb != c.en else c.nb for c in COLUMNS[self.table.kind] if c.field == name), name)

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


def _rows(table: Table, columns: dict[str, int], written: dict[str, str]) -> Iterator[_Row]:
    """The table's rows one at a time (a row object lives only while it is checked)."""
    width = table.width or len(table.header)
    for number, cells in table.rows:
        row = _Row(table, number, cells, columns, written)
        extra = table.overflow.get(number)
        if extra:
            row.fail(None, msg.ROW_TOO_WIDE(cells=width + extra, width=width))
        yield row


def _explicit_ids(table: Table, columns: dict[str, int]) -> set[str]:
    """The ids the table's rows write out (generated ids must not take them)."""
    position = columns.get("id")
    if position is None:
        return set()
    return {text for _, cells in table.rows if (text := _text(cells[position])) is not None}


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
         progress: Progress | None = None, max_problems: int = MAX_PROBLEMS) -> Plan:
    """Check every row against the model and the stored graph; nothing is written.

    Returns the actors and initiatives to upsert (ids assigned; ``registered`` left None when the
    row has none: the import pipeline applies ``storage.rules.with_registered``) and the rejected rows. An
    initiative whose partner or initiator is on a rejected actor row (and not already stored)
    is rejected too, so importing only the valid rows leaves a consistent graph.
    """
    result = Plan(max_problems=max_problems)
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
    result.finish()
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
    explicit = _explicit_ids(table, columns)
    taken = set(stored) | explicit
    seen_ids: dict[str, int] = {}
    seen_places: dict[tuple[str, str], int] = {}
    seen_identity: dict[tuple[str, str, str], tuple[str, int]] = {}
    stored_identity = {_identity(a): a.id for a in stored.values()}
    total = len(table.rows)
    result.rows["actors"] = total
    for done, row in enumerate(_rows(table, columns, written), start=1):
        _tick(progress, "Checking actors", done, total)
        actor = _actor_of_row(row)
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
                match = (same_kind or candidates)[0] if candidates else None
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
            result.reject(row.problems)
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


def _actor_of_row(row: _Row) -> Actor | None:
    """The row's actor as validation reads it (its id may still be empty), or None with the problems noted."""
    try:
        actor = parse_actor(_actor_data(row), require_id=False)
    except Invalid as exc:
        row.add_invalid(exc)
        return None
    return None if row.problems else actor


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
    stored_ids = {i.id for i in stored}
    stored_by_title = {(normalise_key(i.title), i.started): i.id for i in stored}
    explicit = _explicit_ids(table, columns)
    taken = stored_ids | explicit
    seen_ids: dict[str, int] = {}
    seen_titles: dict[tuple[str, date], int] = {}
    total = len(table.rows)
    result.rows["initiatives"] = total
    for done, row in enumerate(_rows(table, columns, written), start=1):
        _tick(progress, "Checking initiatives", done, total)
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
        initiative: Initiative | None = None
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
            result.reject(row.problems)
            result.rejected_rows["initiatives"] += 1
            continue
        seen_ids[initiative.id] = row.number
        result.initiatives.append(initiative)
