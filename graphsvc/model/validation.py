"""Validation at the edge: one module shared by the API, the import and the forms.

Each ``parse_*`` function takes untrusted plain data (decoded JSON, form fields, spreadsheet
rows), checks every field and returns a model object, or raises :class:`Invalid` carrying
*every* problem found, each with the path of the offending field (``partners[1].actor``).
Every message is a code with parameters from ``model.messages`` (English for the API, translated on pages).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

from graphsvc.model import messages as msg
from graphsvc.model.entities import ID_PATTERN, Actor, Initiative, Partner, normalise_key
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.vocab import KINDS, KINDS_REQUIRING_SECTOR, LOCATIONS, ROLES, SERVICE_MODELS

FORMAT = "graphsvc/1"
MAX_TEXT = 300
MAX_TAGS = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: Direction overrides and isolates: invisible, they make a name display as something else ("Trojan Source").
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Zero-width (non-)joiners shape emoji sequences and some scripts; other format characters (Unicode
#: category Cf: U+200B, U+2060, U+FEFF, tags U+E0020…) are invisible and only hide what a name is:
#: they are left out of every text (see :func:`without_format_characters`).
_JOINERS = "\u200c\u200d"
#: Half of a UTF-16 pair ("\\ud800" in JSON) is not a character: no store can encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(key) -> str:
    """An unknown key as it can be repeated in an error message (an unpaired surrogate as its escape)."""
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")


def _bad_characters(value: str, *, tag: bool = False) -> msg.Message | None:
    """Why ``value`` (a text, or a tag) cannot be stored as text, or None. Emoji and every script are fine."""
    if _CONTROL.search(value):
        return (msg.TAG_CONTROL_CHARACTERS if tag else msg.TEXT_CONTROL_CHARACTERS)()
    if _SURROGATE.search(value):
        return (msg.TAG_UNPAIRED_SURROGATE if tag else msg.TEXT_UNPAIRED_SURROGATE)()
    if _BIDI_CONTROL.search(value):
        return (msg.TAG_DIRECTION_CHARACTERS if tag else msg.TEXT_DIRECTION_CHARACTERS)()
    return None


def without_format_characters(value: str) -> str:
    """``value`` without invisible format characters (Unicode category Cf: U+200B, U+2060, U+FEFF, the
    soft hyphen, tags U+E0020…) but the zero-width joiners that shape emoji and some scripts, spaces
    collapsed again: they only hide what a name is ("Alta\u200b bibliotek" is "Alta bibliotek").
    Text-direction controls are Cf too, but are refused before this (:func:`_bad_characters`).

    >>> without_format_characters("Alta\u200b bibliotek\ufeff")
    'Alta bibliotek'
    """
    if value.isprintable():  # fast path: printable text has no Cf character
        return value
    kept = "".join(ch for ch in value if ch in _JOINERS or unicodedata.category(ch) != "Cf")
    return " ".join(kept.split()) if "\n" not in kept else kept.strip()
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MUNICIPALITY_NUMBER = re.compile(r"^\d{4}$")
_ORG_NUMBER = re.compile(r"^\d{9}$")
_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)

ACTOR_FIELDS = ("id", "name", "kind", "sector", "municipality", "municipality_number", "org_number",
                "service_model", "registered", "tags")
INITIATIVE_FIELDS = ("id", "title", "category", "started", "ended", "initiator", "location", "partners")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def org_number_is_valid(number: str) -> bool:
    """Enhetsregisteret's MOD11 check on a nine-digit organisation number.

    The check digit is ``11 - (Σ wᵢ·dᵢ mod 11)`` with weights 3,2,7,6,5,4,3,2 over the first eight
    digits; 11 means 0 and 10 means the number cannot exist (Brønnøysundregistrene,
    "Organisasjonsnummer", modulus 11).

    >>> org_number_is_valid("974760673"), org_number_is_valid("974760674")
    (True, False)
    """
    if not _ORG_NUMBER.match(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:8], _ORG_WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(number[8])


class _Checker:
    """Collects problems while reading one mapping, so the caller sees all of them at once."""

    def __init__(self, data, path: str):
        self.problems: list[Problem] = []
        self.path = path
        if not isinstance(data, Mapping):
            self.problems.append(Problem(path, msg.NOT_AN_OBJECT()))
            data = {}
        self.data = data

    def fail(self, name: str, message: msg.Message) -> None:
        self.problems.append(Problem(_join(self.path, name), message))

    def unknown_fields(self, allowed: Iterable[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.fail(_shown(key), msg.UNKNOWN_FIELD())

    def text(self, name: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, msg.REQUIRED())
            return None
        if not isinstance(value, str):
            self.fail(name, msg.NOT_A_STRING())
            return None
        value = " ".join(value.split()) if "\n" not in value else value.strip()
        if len(value) > max_len:
            self.fail(name, msg.TEXT_TOO_LONG(limit=max_len))
            return None
        bad = _bad_characters(value)
        if bad:
            self.fail(name, bad)
            return None
        value = without_format_characters(value)
        if not value:  # nothing but invisible characters
            if required:
                self.fail(name, msg.REQUIRED())
            return None
        return value

    def given(self, name: str, required: bool, missing: msg.Message | None = None):
        """The field's value, or None (and a problem when required) when it is absent or empty."""
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, missing or msg.REQUIRED())
            return None
        return value

    def identifier(self, name: str, *, required: bool = True) -> str | None:
        value = self.given(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.fail(name, msg.ID_INVALID())
            return None
        return value

    def choice(self, name: str, legal: Iterable[str], *, required: bool = True) -> str | None:
        legal = tuple(legal)
        value = self.given(name, required, msg.CHOICE_REQUIRED(legal=legal))
        if value is None:
            return None
        if value not in legal:
            self.fail(name, msg.CHOICE_INVALID(legal=legal, value=value))
            return None
        return value

    def day(self, name: str, *, required: bool = True) -> date | None:
        value = self.given(name, required, msg.DATE_REQUIRED())
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            self.fail(name, msg.DATE_FORMAT(value=value))
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, msg.DATE_NOT_REAL(value=value))
            return None


def parse_actor(data, *, path: str = "", today: date | None = None, require_id: bool = True) -> Actor:
    """Check an actor's fields (see the data model) and return an :class:`Actor`.

    ``registered`` defaults to ``today`` when given and the field is missing. With
    ``require_id=False`` a missing id becomes ``""`` for the caller to fill in (from the name).
    ``municipality`` may be unknown (missing or null): data that does not come from a municipality
    has none; the forms still ask for it (``services.editing``).
    """
    c = _Checker(data, path)
    c.unknown_fields(ACTOR_FIELDS)
    actor_id = c.identifier("id", required=require_id) or ""
    name = c.text("name")
    kind = c.choice("kind", KINDS)
    sector = c.text("sector", required=kind in KINDS_REQUIRING_SECTOR, max_len=80)
    municipality = c.text("municipality", required=False, max_len=120)
    number = c.data.get("municipality_number")
    if number not in (None, ""):
        if not isinstance(number, str) or not _MUNICIPALITY_NUMBER.match(number):
            c.fail("municipality_number", msg.MUNICIPALITY_NUMBER())
            number = None
    else:
        number = None
    org = c.data.get("org_number")
    if org not in (None, ""):
        org = org.replace(" ", "") if isinstance(org, str) else org
        if not isinstance(org, str) or not _ORG_NUMBER.match(org):
            c.fail("org_number", msg.ORG_NUMBER_FORMAT())
            org = None
        elif not org_number_is_valid(org):
            c.fail("org_number", msg.ORG_NUMBER_CHECK_DIGIT())
            org = None
    else:
        org = None
    service_model = c.choice("service_model", SERVICE_MODELS, required=False)
    registered = c.day("registered", required=False) or today
    tags_raw = c.data.get("tags")
    tags_raw = [] if tags_raw is None else tags_raw  # not `or []`: {} or "" must be refused
    tags: list[str] = []
    if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
        c.fail("tags", msg.TAGS_NOT_STRINGS())
    elif len(tags_raw) > MAX_TAGS:
        c.fail("tags", msg.TAGS_TOO_MANY(limit=MAX_TAGS))
    else:
        for tag in tags_raw:
            tag = " ".join(tag.split())
            if tag and tag not in tags:
                if len(tag) > 80:
                    c.fail("tags", msg.TAG_TOO_LONG(limit=80))
                    break
                bad = _bad_characters(tag, tag=True)
                if bad:
                    c.fail("tags", bad)
                    break
                tag = without_format_characters(tag)
                if tag and tag not in tags:
                    tags.append(tag)
    if c.problems:
        raise Invalid(c.problems)
    assert name is not None and kind is not None  # required: else a problem above (municipality may be unknown)
    return Actor(id=actor_id, name=name, kind=kind, municipality=municipality,
                 sector=normalise_key(sector) if sector else None, municipality_number=number,
                 org_number=org, service_model=service_model, registered=registered, tags=tuple(tags))


def parse_initiative(data, *, path: str = "", known_actor_ids: Iterable[str] | None = None,
                     require_id: bool = True) -> Initiative:
    """Check an initiative and return an :class:`Initiative`.

    Rules: dates are ISO dates and ``ended`` ≥ ``started``; at least two partners, each a
    distinct actor with a legal role; the initiator, when known, is among the partners; when
    ``known_actor_ids`` is given, every partner must be one of them. ``initiator`` and
    ``location`` may be unknown (missing or null), as in a study's two-mode data; the forms still
    ask for them (``services.editing``), and metrics that need the initiator leave such
    initiatives out and say so.
    """
    c = _Checker(data, path)
    c.unknown_fields(INITIATIVE_FIELDS)
    initiative_id = c.identifier("id", required=require_id) or ""
    title = c.text("title")
    category = c.text("category", required=False, max_len=80)
    started = c.day("started")
    ended = c.day("ended", required=False)
    if started and ended and ended < started:
        c.fail("ended", msg.ENDED_BEFORE_STARTED(started=started.isoformat()))
    initiator = c.identifier("initiator", required=False)
    location = c.choice("location", LOCATIONS, required=False)
    known = known_actor_ids if known_actor_ids is None or isinstance(known_actor_ids, (set, frozenset)) \
        else set(known_actor_ids)
    partners: list[Partner] = []
    raw = c.data.get("partners")
    if not isinstance(raw, list):
        c.fail("partners", msg.PARTNERS_REQUIRED())
        raw = []
    elif len(raw) < 2:
        c.fail("partners", msg.PARTNERS_TOO_FEW())
    seen: set[str] = set()
    for index, item in enumerate(raw):
        pc = _Checker(item, _join(path, f"partners[{index}]"))
        pc.unknown_fields(("actor", "role"))
        actor = pc.identifier("actor")
        role = pc.choice("role", ROLES)
        if actor:
            if actor in seen:
                pc.fail("actor", msg.PARTNER_TWICE(actor=actor))
            elif known is not None and actor not in known:
                pc.fail("actor", msg.UNKNOWN_ACTOR(actor=actor))
            seen.add(actor)
        c.problems.extend(pc.problems)
        if actor and role:
            partners.append(Partner(actor, role))
    if initiator and isinstance(raw, list) and raw and initiator not in seen:
        c.fail("initiator", msg.INITIATOR_NOT_PARTNER(actor=initiator))
    if c.problems:
        raise Invalid(c.problems)
    # Required: else a problem above.
    assert title is not None and started is not None  # initiator and location may be unknown (None)
    return Initiative(id=initiative_id, title=title, category=category, started=started, ended=ended,
                      initiator=initiator, location=location, partners=tuple(partners))


def parse_document(doc, *, existing_actor_ids: Iterable[str] = (), today: date | None = None
                   ) -> tuple[list[Actor], list[Initiative]]:
    """Check a whole ``graphsvc/1`` document; raise :class:`Invalid` listing every problem.

    Partners may be actors of the document or ``existing_actor_ids`` (already stored).
    """
    problems: list[Problem] = []
    if not isinstance(doc, Mapping):
        raise Invalid([Problem("", msg.DOCUMENT_NOT_OBJECT())])
    if doc.get("format") != FORMAT:
        problems.append(Problem("format", msg.DOCUMENT_FORMAT(expected=FORMAT, found=doc.get("format"))))
    for key in doc:
        if key not in ("format", "description", "actors", "initiatives"):
            problems.append(Problem(_shown(key), msg.UNKNOWN_FIELD()))
    if "description" in doc and not isinstance(doc["description"], str):
        problems.append(Problem("description", msg.NOT_A_STRING()))
    raw_actors = doc.get("actors", [])
    raw_initiatives = doc.get("initiatives", [])
    for name, value in (("actors", raw_actors), ("initiatives", raw_initiatives)):
        if not isinstance(value, list):
            problems.append(Problem(name, msg.NOT_A_LIST()))
    if not isinstance(raw_actors, list):
        raw_actors = []
    if not isinstance(raw_initiatives, list):
        raw_initiatives = []

    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw_actors):
        path = f"actors[{index}]"
        try:
            actor = parse_actor(item, path=path, today=today)
        except Invalid as exc:
            problems.extend(exc.problems)
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                seen.setdefault(item["id"], index)
            continue
        if actor.id in seen:
            problems.append(Problem(f"{path}.id", msg.DUPLICATE_ID(id=actor.id, other=f"actors[{seen[actor.id]}]")))
            continue
        seen[actor.id] = index
        actors.append(actor)

    known = set(seen) | set(existing_actor_ids)
    initiatives: list[Initiative] = []
    seen_initiatives: dict[str, int] = {}
    for index, item in enumerate(raw_initiatives):
        path = f"initiatives[{index}]"
        try:
            initiative = parse_initiative(item, path=path, known_actor_ids=known)
        except Invalid as exc:
            problems.extend(exc.problems)
            continue
        if initiative.id in seen_initiatives:
            problems.append(Problem(f"{path}.id", msg.DUPLICATE_ID(
                id=initiative.id, other=f"initiatives[{seen_initiatives[initiative.id]}]")))
            continue
        seen_initiatives[initiative.id] = index
        initiatives.append(initiative)
    if problems:
        raise Invalid(problems)
    return actors, initiatives


def parse_date_param(value: str | None, name: str) -> date | None:
    """A query or CLI date parameter; ``None`` or empty means "not given"."""
    if value in (None, ""):
        return None
    c = _Checker({name: value}, "")
    result = c.day(name)
    if c.problems:
        raise Invalid(c.problems)
    return result


def check_choice(name: str, value, legal) -> None:
    """``Invalid`` naming the parameter and its legal values unless ``value`` is one of them."""
    if value not in legal:
        raise Invalid([Problem(name, msg.CHOICE_INVALID(legal=tuple(legal), value=value))])


def check_whole(name: str, value, low: int, high: int) -> None:
    """``Invalid`` unless ``value`` is a whole number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid([Problem(name, msg.NOT_WHOLE_IN_RANGE(low=low, high=high, value=value))])
    if not low <= value <= high:
        raise Invalid([Problem(name, msg.OUT_OF_RANGE(low=low, high=high, value=value))])
