"""Large ``graphsvc/1`` JSON files for the import pipeline (``services.imports``): flat memory.

Decoding the whole document holds it, every model object and — in the compare step — a lot of the
store at once: ~1.2 GB on the L network. This module reads the file incrementally (``ijson``)
and holds only the index of ids, the problems found (the first :data:`MAX_PROBLEMS`, and how many
more) and one batch of objects at a time. It is the pipeline's plan step for such files:

1. **check** (:func:`check_file`) — two reads of the file: the first checks the document's top
   level and every actor (``parse_actor``, item by item) and keeps the actor ids; the second checks
   every initiative (``parse_initiative``) against those ids and, in batches, the ids already
   stored. Every problem has its path, as in ``parse_document`` (``initiatives[3].partners[1].actor:
   unknown actor 'x'``). Any problem: :class:`Invalid` is raised and the store is not touched.
2. **batches** (:func:`actor_batches`, :func:`initiative_batches`) — the file read again, in
   batches of :data:`BATCH_SIZE`, into ``Store.import_batches`` (all or nothing; unchanged rows
   are not rewritten; one audit summary entry). A digest of the file's bytes taken in step 1 is
   compared with the bytes read in step 2 before the store commits, so a file changed between
   the steps changes nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from ijson.common import ObjectBuilder

from graphsvc.model import messages as msg
from graphsvc.model.entities import Actor, Initiative
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.validation import FORMAT, parse_actor, parse_initiative
from graphsvc.storage.base import Store

#: Objects per write batch (and per store look-up of partner ids while checking).
BATCH_SIZE = 5000
#: Problems kept and reported; the rest are counted ("… and N more problems").
MAX_PROBLEMS = 1000
#: Most parse events (keys and values) in one actor or initiative: bounds what one item may cost.
MAX_ITEM_VALUES = 100_000
#: Most keys at the document's top level (four are known).
MAX_TOP_LEVEL_KEYS = 100

_TOP_LEVEL = ("format", "description", "actors", "initiatives")
_BOM = b"\xef\xbb\xbf"
_READ_CHUNK = 64 * 1024

#: ``progress(label, done, total)``: "checking" counts bytes read, "writing" counts objects.
Progress = Callable[[str, int, int], None]


class _Problems:
    """The first ``limit`` problems, and how many more there were."""

    def __init__(self, limit: int):
        self.limit, self.more = limit, 0
        self.kept: list[Problem] = []

    def add(self, problems) -> None:
        for problem in problems:
            if len(self.kept) < self.limit:
                self.kept.append(problem)
            else:
                self.more += 1

    def __bool__(self) -> bool:
        return bool(self.kept)

    def invalid(self) -> Invalid:
        problems = list(self.kept)
        if self.more:
            problems.append(Problem("", msg.MORE_PROBLEMS(count=self.more)))
        return Invalid(problems)


class _Reader:
    """The file as ijson reads it: skips a UTF-8 BOM, keeps a digest and the position."""

    def __init__(self, path: Path, on_read: Callable[[int], None] | None = None):
        self.path = path
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.digest = hashlib.blake2b(digest_size=20)
        self.position = 0
        self._on_read = on_read
        self._first = True

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.digest.update(data)
        self.position += len(data)
        if self._first and data:  # ijson may first read(0) to see whether it gets bytes
            self._first = False
            if data.startswith(_BOM):
                data = data[len(_BOM):]
        if self._on_read is not None:
            self._on_read(self.position)
        return data

    def finish(self) -> bytes:
        """Read what the parser left (whitespace) and return the digest of the whole file."""
        while self.read(_READ_CHUNK):
            pass
        return self.digest.digest()

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _file_problem(path: Path, exc: BaseException, position: int) -> Invalid:
    if isinstance(exc, FileNotFoundError):
        return Invalid([Problem("file", msg.FILE_MISSING(path=str(path)))])
    if isinstance(exc, OSError):
        return Invalid([Problem("file", msg.FILE_UNREADABLE(path=str(path), reason=exc.strerror))])
    message = exc.args[0] if exc.args else str(exc)
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    message = str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__
    if "UTF8" in message or isinstance(exc, UnicodeDecodeError):
        return Invalid([Problem("file", msg.FILE_NOT_UTF8_NEAR(path=str(path), position=position))])
    return Invalid([Problem("file", msg.FILE_NOT_JSON_NEAR(path=str(path), reason=message, position=position))])


@dataclass
class CheckedFile:
    """What the check found: sizes and the digest the write step must see again."""

    path: Path
    actors: int = 0
    initiatives: int = 0
    digest: bytes = b""
    size: int = 0


@dataclass
class _TopLevel:
    keys: list[str] = field(default_factory=list)
    first_event: dict[str, tuple[str, object]] = field(default_factory=dict)


class _Limits:
    """Counts applied while parsing (issue 11): items per list, values per item, top-level keys."""

    def __init__(self, max_items: int | None):
        self.max_items = max_items

    def item(self, name: str, count: int) -> None:
        if self.max_items is not None and count >= self.max_items:
            too_many = msg.DOCUMENT_TOO_MANY_ACTORS if name == "actors" else msg.DOCUMENT_TOO_MANY_INITIATIVES
            raise Invalid([Problem(name, too_many(limit=self.max_items))])

    @staticmethod
    def values(path: str, count: int) -> None:
        if count > MAX_ITEM_VALUES:
            raise Invalid([Problem(path, msg.ITEM_TOO_MANY_VALUES(limit=MAX_ITEM_VALUES))])


def _wrong_format(event: str, value) -> msg.Message:
    """The format problem for what the document holds instead (an object, a list or a value)."""
    kind = {"start_map": msg.JSON_OBJECT, "start_array": msg.JSON_LIST}.get(event)
    if kind is not None:
        return msg.DOCUMENT_FORMAT_KIND(expected=FORMAT, found=kind())
    return msg.DOCUMENT_FORMAT(expected=FORMAT, found=value)


def _check_actors(reader: _Reader, problems: _Problems, top_problems: list[Problem],
                  actor_index: dict[str, int], limits: _Limits) -> tuple[_TopLevel, int]:
    """First read: the document's top level (from parse events) and every actor, item by item."""
    top = _TopLevel()
    events = ijson.parse(reader, use_float=True)
    first = next(events, None)
    if first is None or first[1] != "start_map":
        raise Invalid([Problem("", msg.DOCUMENT_NOT_OBJECT())])
    count = 0
    expecting: str | None = None  # the top-level key whose value comes next
    in_actors = False
    builder: ObjectBuilder | None = None
    values = 0  # parse events of the actor being built

    def check(item) -> None:
        path = f"actors[{count}]"
        try:
            actor = parse_actor(item, path=path)
        except Invalid as exc:
            problems.add(exc.problems)
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                actor_index.setdefault(item["id"], count)
            return
        if actor.id in actor_index:
            problems.add([Problem(f"{path}.id", msg.DUPLICATE_ID(id=actor.id,
                                                                 other=f"actors[{actor_index[actor.id]}]"))])
            return
        actor_index[actor.id] = count

    for prefix, event, value in events:
        if builder is not None:  # inside one actor
            builder.event(event, value)
            values += 1
            if values > MAX_ITEM_VALUES:
                limits.values(f"actors[{count}]", values)
            if prefix == "actors.item" and (event == "end_map" or event == "end_array"):
                check(builder.value)
                count += 1
                builder = None
            continue
        if expecting is not None:  # the first event of a top-level value
            if expecting not in top.first_event:
                top.first_event[expecting] = (event, value)
            in_actors = expecting == "actors" and event == "start_array"
            expecting = None
            continue
        if prefix == "":
            if event == "map_key":
                top.keys.append(value)
                if len(top.keys) > MAX_TOP_LEVEL_KEYS:
                    raise Invalid([Problem("", msg.DOCUMENT_TOO_MANY_FIELDS(limit=MAX_TOP_LEVEL_KEYS))])
                expecting = value
            continue
        if in_actors and prefix == "actors.item":
            limits.item("actors", count)
            if event == "start_map" or event == "start_array":
                builder = ObjectBuilder()
                builder.event(event, value)
                values = 1
            else:  # a scalar where an actor should be
                check(value)
                count += 1
            continue
        if in_actors and prefix == "actors" and event == "end_array":
            in_actors = False
        # anything else — the initiatives, values of unknown keys — is for the second read

    # In parse_document's order: format, unknown keys, description, the two lists.
    fmt = top.first_event.get("format")
    if fmt is None or fmt != ("string", FORMAT):
        top_problems.append(Problem("format", _wrong_format(*fmt) if fmt else msg.DOCUMENT_FORMAT(expected=FORMAT,
                                                                                                     found=None)))
    seen: set[str] = set()
    for key in top.keys:
        if key not in _TOP_LEVEL:
            top_problems.append(Problem(str(key).encode("utf-8", "backslashreplace").decode("utf-8"),
                                        msg.UNKNOWN_FIELD()))
        elif key in seen:
            top_problems.append(Problem(key, msg.REPEATED_FIELD()))
        seen.add(key)
    description = top.first_event.get("description")
    if description is not None and description[0] != "string":
        top_problems.append(Problem("description", msg.NOT_A_STRING()))
    for name in ("actors", "initiatives"):
        first_event = top.first_event.get(name)
        if first_event is not None and first_event[0] != "start_array":
            top_problems.append(Problem(name, msg.NOT_A_LIST()))
    return top, count


def partner_ids(item) -> list[str]:
    """The partner actor ids an undecoded initiative names (for looking them up before checking it)."""
    partners = item.get("partners") if isinstance(item, Mapping) else None
    if not isinstance(partners, list):
        return []
    return [p["actor"] for p in partners if isinstance(p, Mapping) and isinstance(p.get("actor"), str)]


def _check_initiatives(reader: _Reader, store: Store, problems: _Problems, known: set[str],
                       batch_size: int, limits: _Limits) -> int:
    """Second read: every initiative, its partners among the file's actors or the stored ones."""
    seen: dict[str, int] = {}
    count = 0
    batch: list = []

    def check_batch() -> None:
        nonlocal count
        unknown = {a for item in batch for a in partner_ids(item) if a not in known}
        if unknown:
            known.update(store.existing_actor_ids(sorted(unknown)))
        for item in batch:
            path = f"initiatives[{count}]"
            try:
                initiative = parse_initiative(item, path=path, known_actor_ids=known)
            except Invalid as exc:
                problems.add(exc.problems)
            else:
                if initiative.id in seen:
                    problems.add([Problem(f"{path}.id", msg.DUPLICATE_ID(
                        id=initiative.id, other=f"initiatives[{seen[initiative.id]}]"))])
                else:
                    seen[initiative.id] = count
            count += 1
        batch.clear()

    builder: ObjectBuilder | None = None
    values = 0
    for prefix, event, value in ijson.parse(reader, use_float=True):
        if builder is not None:  # inside one initiative
            builder.event(event, value)
            values += 1
            if values > MAX_ITEM_VALUES:
                limits.values(f"initiatives[{count + len(batch)}]", values)
            if prefix != "initiatives.item" or (event != "end_map" and event != "end_array"):
                continue
            item, builder = builder.value, None
        elif prefix == "initiatives.item":
            limits.item("initiatives", count + len(batch))
            if event == "start_map" or event == "start_array":
                builder, values = ObjectBuilder(), 1
                builder.event(event, value)
                continue
            item = value  # a scalar where an initiative should be
        else:
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            check_batch()
    check_batch()
    return count


def check_file(store: Store, path: str | Path, *, batch_size: int = BATCH_SIZE, max_problems: int = MAX_PROBLEMS,
               progress: Progress | None = None, max_items: int | None = None) -> CheckedFile:
    """Step 1: check the whole file without keeping it; raise :class:`Invalid` with every problem
    (the first ``max_problems``, and a count of the rest). Nothing is written.

    ``max_items`` bounds the actors and the initiatives (each) while parsing: an upload of
    millions of items is refused at the first one over the limit, not after reading them all."""
    limits = _Limits(max_items)
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise _file_problem(path, exc, 0) from None
    total = 2 * size
    problems = _Problems(max_problems)
    top_problems: list[Problem] = []
    actor_index: dict[str, int] = {}
    result = CheckedFile(path, size=size)
    reads = [0]

    def on_read(position: int) -> None:
        if progress is not None:
            progress("checking", min(reads[0] + position, total), total)

    reader = None
    try:
        with _Reader(path, on_read) as reader:
            top, result.actors = _check_actors(reader, problems, top_problems, actor_index, limits)
            result.digest = reader.finish()
        reads[0] = size
        initiatives_ok = (top.first_event.get("initiatives", ("start_array",))[0] == "start_array"
                          and top.keys.count("initiatives") <= 1
                          and not any("." in str(k) for k in top.keys if k not in _TOP_LEVEL))
        if initiatives_ok:
            known = set(actor_index)
            del actor_index
            with _Reader(path, on_read) as reader:
                result.initiatives = _check_initiatives(reader, store, problems, known, batch_size, limits)
                if reader.finish() != result.digest:
                    raise Invalid([Problem("file", msg.FILE_CHANGED_WHILE_READ(path=str(path)))])
    except (ijson.JSONError, UnicodeDecodeError, OSError, RecursionError, ValueError) as exc:
        raise _file_problem(path, exc, reader.position if reader else 0) from None
    if top_problems or problems:
        combined = _Problems(max_problems)
        combined.add(top_problems)
        combined.add(problems.kept)
        combined.more += problems.more
        raise combined.invalid()
    if progress is not None:
        progress("checking", total, total)
    return result


def _batches(checked: CheckedFile, prefix: str, parse, batch_size: int,
             progress: Callable[[int], None] | None) -> Iterator[list]:
    """Step 2: the checked file read again, parsed into model objects, ``batch_size`` at a time."""
    try:
        with _Reader(checked.path) as reader:
            batch: list = []
            for index, item in enumerate(ijson.items(reader, prefix, use_float=True)):
                batch.append(parse(item, index))
                if len(batch) >= batch_size:
                    yield batch
                    if progress is not None:
                        progress(len(batch))
                    batch = []
            if batch:
                yield batch
                if progress is not None:
                    progress(len(batch))
            if reader.finish() != checked.digest:  # before the store commits: a changed file changes nothing
                raise Invalid([Problem("file", msg.FILE_CHANGED_WHILE_IMPORTED(path=str(checked.path)))])
    except (ijson.JSONError, UnicodeDecodeError, OSError) as exc:
        raise _file_problem(checked.path, exc, 0) from None


def _actor(item, index: int) -> Actor:
    return parse_actor(item, path=f"actors[{index}]")  # registered stays None when not given


def _initiative(item, index: int) -> Initiative:
    # Partners were checked in step 1; the store's checks guard the rest.
    return parse_initiative(item, path=f"initiatives[{index}]")


class WriteProgress:
    """Counts the objects read in step 2 and tells ``progress("writing", done, total)``."""

    def __init__(self, checked: CheckedFile, progress: Progress | None):
        self.total, self.done, self.progress = checked.actors + checked.initiatives, 0, progress

    def start(self) -> None:
        if self.progress is not None:
            self.progress("writing", 0, self.total)

    def __call__(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress("writing", self.done, self.total)


def actor_batches(checked: CheckedFile, batch_size: int = BATCH_SIZE,
                  advance: Callable[[int], None] | None = None) -> Iterator[list[Actor]]:
    """The checked file's actors, ``batch_size`` at a time (``registered`` None when not given)."""
    return _batches(checked, "actors.item", _actor, batch_size, advance)


def initiative_batches(checked: CheckedFile, batch_size: int = BATCH_SIZE,
                       advance: Callable[[int], None] | None = None) -> Iterator[list[Initiative]]:
    """The checked file's initiatives, ``batch_size`` at a time; the file's digest is compared with
    step 1's after the last one, so a changed file raises :class:`Invalid` before the store commits."""
    return _batches(checked, "initiatives.item", _initiative, batch_size, advance)
