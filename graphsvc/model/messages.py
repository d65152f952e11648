"""Every message a user can be shown, defined once: a code, its English text with named placeholders.

Why codes: the API answers in English, the pages in the user's language (bokmål first). A message
that exists only as an English sentence can be translated only by guessing from its wording, and a
reworded sentence then silently falls back to English. So each message is defined here, once::

    TEXT_TOO_LONG = define("text.too_long", N_("is longer than %(limit)s characters"),
                           page=N_("Too long: at most %(limit)s characters."))

and raised with its parameters, never as a bare string::

    Problem("name", TEXT_TOO_LONG(limit=300))      # Problem, Invalid, NotFound, … refuse a plain str

* ``text`` is the English the API and the CLI show. Placeholders are ``%(name)s`` (or ``%(name)r``
  for a value quoted as Python writes it, ``'x'``), the format gettext and Babel check.
* ``page`` (optional) is a whole sentence for pages, where the field is shown apart from the
  message ("This field is required." rather than "is required"); pages use ``text`` otherwise.
* ``N_`` marks both for ``pybabel extract`` (see ``babel.cfg``); the bokmål catalogue translates
  them (``translations/nb/LC_MESSAGES/messages.po``) and ``graphsvc.web.i18n.problem_message``
  renders a message in the user's language.

Calling a definition gives a :class:`Message`: a ``str`` whose value is the English text (so logs,
the CLI and ``str(problem)`` read as before) that also carries ``code`` and ``params`` (the API's
``code``/``params``; the pages translate from them). Parameters are plain values (text, numbers,
``None``, lists of them) or other messages, which are rendered in the same language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

#: ``gettext``-like: the translation of a catalogue text (identity for English).
Translate = Callable[[str], str]

#: ``%(name)s`` / ``%(name)r`` and the other conversions gettext's python-format allows.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa])|%%")

CATALOGUE: dict[str, MessageCode] = {}


def N_(text: str) -> str:
    """Mark ``text`` for extraction into the catalogue; it is translated where it is shown."""
    return text


@lru_cache(maxsize=2048)
def placeholders(template: str) -> tuple[tuple[str, str], ...]:
    """The ``(name, conversion)`` pairs of a template, in order.

    >>> placeholders("must be one of: %(legal)s (got %(value)r)")
    (('legal', 's'), ('value', 'r'))
    """
    return tuple((m.group(1), m.group(2)) for m in _PLACEHOLDER.finditer(template) if m.group(1))


def _plain(value):
    """A parameter as the API's JSON carries it."""
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _shown(value, conversion: str, translate: Translate | None):
    """A parameter as a template shows it: messages rendered in the same language, lists of
    codes joined with commas (``%(legal)s``), anything with ``%r`` quoted as Python writes it."""
    if isinstance(value, Message):
        return value.render(translate)
    if conversion == "s" and isinstance(value, (list, tuple)):
        return ", ".join(str(_shown(v, "s", translate)) for v in value)
    return value


class MessageCode:
    """One entry of the catalogue: a stable code, its English text and an optional page sentence."""

    def __init__(self, code: str, text: str, page: str | None = None):
        self.code, self.text, self.page = code, text, page
        names = {n for n, _ in placeholders(text)}
        if page is not None and {n for n, _ in placeholders(page)} - names:
            raise ValueError(f"{code}: the page sentence uses a placeholder the text does not have")
        self.params = frozenset(names)

    def __repr__(self) -> str:
        return f"MessageCode({self.code!r})"

    def __call__(self, **params) -> Message:
        if set(params) != self.params:
            raise TypeError(f"{self.code} takes the parameters {sorted(self.params)}, not {sorted(params)}")
        return Message(self, params)

    def render(self, params: Mapping, translate: Translate | None = None) -> str:
        """The English text (``translate`` None: the API's), or the page sentence through ``translate``."""
        template = self.text if translate is None else translate(self.page or self.text)
        try:
            return template % {n: _shown(params[n], c, translate) for n, c in placeholders(template)}
        except (KeyError, TypeError, ValueError):  # a broken translation: English rather than nothing
            if translate is None:
                raise
            return self.render(params)


def define(code: str, text: str, *, page: str | None = None) -> MessageCode:
    """Add a message to the catalogue; each code is defined once."""
    if code in CATALOGUE:
        raise ValueError(f"message code {code!r} is defined twice")
    entry = MessageCode(code, text, page)
    CATALOGUE[code] = entry
    return entry


class Message(str):
    """A message with its parameters. As a ``str`` it is the English text; ``code`` and ``params``
    let a page show it in another language (:meth:`render`). Made only by calling a
    :class:`MessageCode` from the catalogue."""

    code: str
    params: Mapping[str, object]

    def __new__(cls, entry: MessageCode, params: Mapping):
        if not isinstance(entry, MessageCode):
            raise TypeError("a Message is made by calling a MessageCode of graphsvc.model.messages")
        self = super().__new__(cls, entry.render(params))
        self.code = entry.code
        self.params = MappingProxyType(dict(params))
        return self

    def __reduce__(self):
        return _rebuild, (self.code, dict(self.params))

    def render(self, translate: Translate | None = None) -> str:
        """In English (``translate`` None), or through ``translate`` (gettext) in the page's language."""
        if translate is None:
            return str.__str__(self)
        return CATALOGUE[self.code].render(self.params, translate)

    def to_dict(self) -> dict:
        """``{"code", "params"}`` for the API (nested messages the same way)."""
        return {"code": self.code, "params": {k: _plain(v) for k, v in self.params.items()}}


def _rebuild(code: str, params: dict) -> Message:
    return CATALOGUE[code](**params)


def require_message(value, what: str = "message") -> Message:
    """``value`` if it is a catalogue message; a ``TypeError`` for anything else (a bare string)."""
    if not isinstance(value, Message):
        raise TypeError(f"{what} must be a Message from graphsvc.model.messages (a code with parameters), "
                        f"not {type(value).__name__}: {value!r}")
    return value


# == The catalogue ==================================================================================
# Sections follow the layers that raise them. English is the API's wording (kept as it was before
# codes, so API clients see the same text); ``page`` is for pages where the field is shown apart.

# -- what errors are made of ---------------------------------------------------------------------
AT_FIELD = define("problem.at_field", N_("%(field)s: %(problem)s"))
SEVERAL_PROBLEMS = define("problem.several", N_("%(count)s problems, first: %(first)s"))

# -- fields of any input (model.validation, and the other readers) ----------------------------------
NOT_AN_OBJECT = define("field.not_object", N_("must be an object"))
NOT_AN_OBJECT_OR_NULL = define("field.not_object_or_null", N_("must be an object or null"))
NOT_A_LIST = define("field.not_list", N_("must be a list"))
NOT_A_STRING = define("field.not_string", N_("must be a string"))
NOT_A_NON_EMPTY_STRING = define("field.not_non_empty_string", N_("must be a non-empty string"))
UNKNOWN_FIELD = define("field.unknown", N_("is not a known field"))
REPEATED_FIELD = define("field.repeated", N_("is given more than once"))
REQUIRED = define("field.required", N_("is required"), page=N_("This field is required."))
CHOICE_REQUIRED = define("choice.required", N_("is required (one of: %(legal)s)"),
                         page=N_("Choose one of the options."))
CHOICE_INVALID = define("choice.invalid", N_("must be one of: %(legal)s (got %(value)r)"),
                        page=N_("Choose one of: %(legal)s (not %(value)r)."))
CHOICE_INVALID_PLAIN = define("choice.invalid_plain", N_("must be one of: %(legal)s"),
                              page=N_("Choose one of: %(legal)s."))
NOT_TRUE_OR_FALSE = define("flag.invalid", N_("must be true or false"))
FLAG_INVALID = define("flag.one_of", N_("must be one of: true, false (got %(value)r)"))
NOT_WHOLE = define("number.not_whole", N_("must be a whole number (got %(value)r)"))
NOT_WHOLE_IN_RANGE = define("number.not_whole_in_range",
                            N_("must be a whole number between %(low)s and %(high)s (got %(value)r)"))
OUT_OF_RANGE = define("number.out_of_range", N_("must be between %(low)s and %(high)s (got %(value)s)"))
NOT_COUNT = define("number.not_count", N_("must be a whole number, 0 or more"))
TEXT_TOO_LONG = define("text.too_long", N_("is longer than %(limit)s characters"),
                       page=N_("Too long: at most %(limit)s characters."))
TEXT_CONTROL_CHARACTERS = define("text.control_characters", N_("contains control characters"),
                                 page=N_("Contains characters that are not allowed."))
TEXT_UNPAIRED_SURROGATE = define(
    "text.unpaired_surrogate", N_("contains an unpaired surrogate (\\ud800-\\udfff): not valid Unicode text"),
    page=N_("Contains characters that are not allowed (half of a UTF-16 pair)."))
TEXT_DIRECTION_CHARACTERS = define(
    "text.direction_characters",
    N_("contains invisible text-direction characters (U+202A-U+202E, U+2066-U+2069)"),
    page=N_("Contains invisible characters that change the direction of the text; remove them."))
ID_INVALID = define("id.invalid", N_("must be a URL-safe id: letters a-z, A-Z, digits and . _ ~ -, "
                                     "starting with a letter or digit, at most 128 characters"),
                    page=N_("Use only letters a-z, A-Z, digits and . _ ~ - (at most 128 characters, "
                            "starting with a letter or digit)."))
DUPLICATE_ID = define("id.duplicate", N_("duplicate id %(id)r (also %(other)s)"),
                      page=N_("The id %(id)r is used twice (also %(other)s)."))

# -- dates -----------------------------------------------------------------------------------------
DATE_REQUIRED = define("date.required", N_("is required (a date, YYYY-MM-DD)"), page=N_("Give a date."))
_WRITE_A_DATE = N_("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01.")
DATE_FORMAT = define("date.format", N_("must be a date as YYYY-MM-DD (got %(value)r)"), page=_WRITE_A_DATE)
DATE_FORMAT_COMMA = define("date.format_comma", N_("must be a date, YYYY-MM-DD (got %(value)r)"), page=_WRITE_A_DATE)
DATE_NOT_REAL = define("date.not_real", N_("is not a real date (got %(value)r)"),
                       page=N_("This date does not exist (%(value)s)."))
DATE_NOT_A_DATE = define("date.not_a_date", N_("is not a date (got %(value)r); write dd.mm.yyyy"),
                         page=N_("Not a date (%(value)s); write dd.mm.yyyy."))
DATE_NOT_A_DATE_TEXT = define("date.not_a_date_text",
                              N_("is not a date (got %(value)r); write dd.mm.yyyy or yyyy-mm-dd"),
                              page=N_("Not a date (%(value)s); write dd.mm.yyyy or yyyy-mm-dd."))
DATE_BEFORE_FROM = define("date.before_from", N_("must be on or after 'from'"),
                          page=N_("The end of the period cannot be before its start."))
DATETIME_FORMAT = define("datetime.format", N_("must be an ISO 8601 date and time (got %(value)r)"))

# -- actors and initiatives (model.validation) ----------------------------------------------------
MUNICIPALITY_NUMBER = define("actor.municipality_number", N_("must be a four-digit kommunenummer, e.g. \"3301\""),
                             page=N_("A municipality number has four digits, e.g. 3301."))
ORG_NUMBER_FORMAT = define("actor.org_number_format", N_("must be a nine-digit organisation number"),
                           page=N_("An organisation number has nine digits."))
ORG_NUMBER_CHECK_DIGIT = define(
    "actor.org_number_check_digit", N_("fails the MOD11 check digit: not a valid organisation number"),
    page=N_("This is not a valid organisation number (the check digit is wrong). Check it in Enhetsregisteret."))
TAGS_NOT_STRINGS = define("tags.not_strings", N_("must be a list of strings"))
TAGS_TOO_MANY = define("tags.too_many", N_("has more than %(limit)s tags"), page=N_("At most %(limit)s tags."))
TAG_TOO_LONG = define("tags.too_long", N_("has a tag longer than %(limit)s characters"),
                      page=N_("A tag is longer than %(limit)s characters."))
TAG_CONTROL_CHARACTERS = define("tags.control_characters", N_("has a tag that contains control characters"),
                                page=N_("A tag contains characters that are not allowed."))
TAG_UNPAIRED_SURROGATE = define(
    "tags.unpaired_surrogate",
    N_("has a tag that contains an unpaired surrogate (\\ud800-\\udfff): not valid Unicode text"),
    page=N_("A tag contains characters that are not allowed (half of a UTF-16 pair)."))
TAG_DIRECTION_CHARACTERS = define(
    "tags.direction_characters",
    N_("has a tag that contains invisible text-direction characters (U+202A-U+202E, U+2066-U+2069)"),
    page=N_("A tag contains invisible characters that change the direction of the text; remove them."))
ENDED_BEFORE_STARTED = define("initiative.ended_before_started", N_("must not be before started (%(started)s)"),
                              page=N_("The end date cannot be before the start date (%(started)s)."))
PARTNERS_REQUIRED = define("initiative.partners_required",
                           N_("is required: a list of at least two {actor, role}"),
                           page=N_("An initiative needs at least two partners."))
PARTNERS_TOO_FEW = define("initiative.partners_too_few", N_("must list at least two partners"),
                          page=N_("An initiative needs at least two partners."))
PARTNER_TWICE = define("initiative.partner_twice", N_("actor %(actor)r is listed twice"),
                       page=N_("This partner is listed twice."))
UNKNOWN_ACTOR = define("actor.unknown", N_("unknown actor %(actor)r"),
                       page=N_("No partner is registered as “%(actor)s”."))
INITIATOR_NOT_PARTNER = define("initiative.initiator_not_partner", N_("%(actor)r must be one of the partners"),
                               page=N_("Who took the initiative must be one of the partners."))

# -- graphsvc/1 documents -------------------------------------------------------------------------
DOCUMENT_NOT_OBJECT = define("document.not_object", N_("the document must be a JSON object"))
DOCUMENT_FORMAT = define("document.format", N_("must be %(expected)r (got %(found)r)"),
                         page=N_("Must be %(expected)r (the file says %(found)r)."))
DOCUMENT_FORMAT_KIND = define("document.format_kind", N_("must be %(expected)r (got %(found)s)"),
                              page=N_("Must be %(expected)r (the file has %(found)s)."))
DOCUMENT_TOO_MANY_ACTORS = define(
    "document.too_many_actors",
    N_("more than %(limit)s actors; the largest document accepted here has %(limit)s (import larger files with "
       "`graphsvc import`)"),
    page=N_("More than %(limit)s actors: the largest document accepted here has %(limit)s. Larger files are "
            "imported with the graphsvc import command."))
DOCUMENT_TOO_MANY_INITIATIVES = define(
    "document.too_many_initiatives",
    N_("more than %(limit)s initiatives; the largest document accepted here has %(limit)s (import larger files "
       "with `graphsvc import`)"),
    page=N_("More than %(limit)s initiatives: the largest document accepted here has %(limit)s. Larger files are "
            "imported with the graphsvc import command."))
ITEM_TOO_MANY_VALUES = define("document.item_too_many_values",
                              N_("holds more than %(limit)s values: not an actor or initiative"),
                              page=N_("Holds more than %(limit)s values: this is not an actor or an initiative."))
DOCUMENT_TOO_MANY_FIELDS = define("document.too_many_fields",
                                  N_("the document has more than %(limit)s top-level fields; a graphsvc/1 document "
                                     "has four"),
                                  page=N_("The document has more than %(limit)s fields at the top; a graphsvc/1 "
                                          "document has four."))
DOCUMENT_UNPAIRED_SURROGATE = define(
    "document.unpaired_surrogate",
    N_("contains an unpaired surrogate escape (\\ud800-\\udfff) at byte %(position)s: not valid Unicode text"),
    page=N_("Contains characters that are not allowed (half of a UTF-16 pair, at byte %(position)s)."))
JSON_OBJECT = define("json.an_object", N_("an object"))
JSON_LIST = define("json.a_list", N_("a list"))

# -- the stores -------------------------------------------------------------------------------------
_STORE_DOWN = N_("The database cannot be used right now. Try again in a moment; if it goes on, tell the "
                 "administrator.")
SQLITE_CANNOT_OPEN = define("store.sqlite_cannot_open", N_("cannot open SQLite database %(path)r: %(reason)s"),
                            page=_STORE_DOWN)
SQLITE_CANNOT_READ = define("store.sqlite_cannot_read", N_("cannot read the SQLite database %(path)r: %(reason)s"),
                            page=_STORE_DOWN)
SQLITE_CANNOT_WRITE = define("store.sqlite_cannot_write",
                             N_("cannot write to the SQLite database %(path)r: %(reason)s"), page=_STORE_DOWN)
_STORE_BUSY_PAGE = N_("The database is busy with other changes. Try again in a moment.")
STORE_BUSY = define("store.busy", N_("the database is busy with other writes; try again in a moment"),
                    page=_STORE_BUSY_PAGE)
SCHEMA_NEWER = define("store.schema_newer", N_("the database %(path)r has schema version %(found)s, newer than "
                                               "this graphsvc (%(supported)s): upgrade graphsvc"),
                      page=_STORE_DOWN)
SCHEMA_NOT_CREATED = define("store.schema_not_created", N_("cannot create the schema in %(path)r: %(reason)s"),
                            page=_STORE_DOWN)
NEO4J_CREDENTIALS = define("store.neo4j_credentials",
                           N_("Neo4j at %(uri)s refused the credentials of user %(user)r"), page=_STORE_DOWN)
NEO4J_UNAVAILABLE = define("store.neo4j_unavailable", N_("Neo4j at %(uri)s is unavailable: %(reason)s"),
                           page=_STORE_DOWN)
NEO4J_UNUSABLE = define("store.neo4j_unusable", N_("Neo4j at %(uri)s cannot be used: %(reason)s"),
                        page=_STORE_DOWN)
NEO4J_NO_DATABASE = define("store.neo4j_no_database", N_("Neo4j at %(uri)s has no database %(database)r"),
                           page=_STORE_DOWN)
NEO4J_DUPLICATE = define("store.neo4j_duplicate", N_("Neo4j refused a duplicate: %(reason)s"),
                         page=N_("This is already registered."))
NEO4J_INCOMPLETE_COMMIT = define(
    "store.neo4j_incomplete_commit",
    N_("Neo4j at %(uri)s lost the connection while the change was being committed: it may or may not have "
       "been saved; check before you repeat it"),
    page=N_("The connection to the database was lost while the change was being saved: it may or may not have "
            "been saved. Check before you repeat it."))
NEO4J_TIMED_OUT = define("store.neo4j_timed_out",
                         N_("Neo4j at %(uri)s did not finish the change in time (other writes held what it needed, "
                            "or it was too large); nothing was changed"),
                         page=N_("The database did not finish the change in time; nothing was changed. Try again "
                                 "in a moment."))
NEO4J_TOO_LARGE = define("store.neo4j_too_large",
                         N_("the change is too large for the memory Neo4j allows one transaction (%(reason)s); "
                            "nothing was changed (OPERATIONS.md, \"Neo4j memory\")"),
                         page=N_("The change is too large for the database's memory settings; nothing was changed. "
                                 "Tell the administrator."))
CHANGED_MEANWHILE = define("store.changed_meanwhile",
                           N_("something this change refers to was deleted at the same moment; reload and try again"),
                           page=N_("Something this change refers to was deleted at the same moment. Reload the page "
                                   "and try again."))
GRAPH_KEPT_CHANGING = define("store.kept_changing",
                             N_("the graph kept changing while it was being read (a large import?); try again in a "
                                "moment"),
                             page=_STORE_BUSY_PAGE)
IMPORT_RUNNING = define("store.import_running", N_("an import is being written to the graph; try again in a moment"),
                        page=N_("An import is being saved. Try again in a moment."))
RESTORE_RUNNING = define("store.restore_running", N_("a restore is being written to the graph; try again in a "
                                                     "moment"),
                         page=N_("A backup is being restored. Try again in a moment."))
CLEAR_RUNNING = define("store.clear_running", N_("the graph is being emptied; try again in a moment"),
                       page=_STORE_BUSY_PAGE)
BULK_INTERRUPTED = define("store.bulk_interrupted",
                          N_("an interrupted import or restore is being completed; try again in a moment"),
                          page=_STORE_BUSY_PAGE)
BULK_TAKEN_OVER = define("store.bulk_taken_over",
                         N_("the import or restore paused so long that another process took it over; this one "
                            "changed nothing"),
                         page=_STORE_DOWN)
STORE_REFUSED = define("store.refused", N_("the database refused the change: %(reason)s"),
                       page=N_("The database refused the change."))
STORE_URL_NO_FILE = define("config.store_url_no_file",
                           N_("GRAPHSVC_STORE_URL %(url)r names no file; use sqlite:///path/to/file.db"))
STORE_URL_UNKNOWN = define("config.store_url_unknown",
                           N_("GRAPHSVC_STORE_URL %(url)r is not a store URL; use sqlite:///path/to/file.db "
                              "or neo4j://host:7687 (also neo4j+s://, bolt://)"))
SECRET_KEY_PLACEHOLDER = define(
    "config.secret_key_placeholder",
    N_("GRAPHSVC_SECRET_KEY is a placeholder or shorter than 16 characters; make one with: "
       "python -c \"import secrets; print(secrets.token_urlsafe(32))\""))
SECRET_KEY_FILE_EMPTY = define("config.secret_key_file_empty",
                               N_("%(path)s is empty: delete it and start again"))
SETTING_INVALID = define("config.setting_invalid", N_("a setting in the environment is not valid: %(reason)s"))

# -- actors, initiatives, merges, users, proposals as stored -----------------------------------------
NO_ACTOR = define("actor.not_found", N_("no actor with id %(id)r"), page=N_("No actor has the id “%(id)s”."))
NO_INITIATIVE = define("initiative.not_found", N_("no initiative with id %(id)r"),
                       page=N_("No initiative has the id “%(id)s”."))
ACTOR_ID_TAKEN = define("actor.id_taken", N_("an actor with id %(id)r already exists"),
                        page=N_("An actor with the id “%(id)s” is already registered."))
INITIATIVE_ID_TAKEN = define("initiative.id_taken", N_("an initiative with id %(id)r already exists"),
                             page=N_("An initiative with the id “%(id)s” is already registered."))
_SAME_ACTOR = N_("This partner is already registered (same name, kind and municipality).")
ACTOR_EXISTS_AS = define("actor.exists_as", N_("an actor %(name)r (id %(id)r, %(kind)s, %(municipality)s) "
                                               "already exists"),
                         page=N_("This partner is already registered as “%(name)s” (same name, kind and "
                                 "municipality)."))
ACTOR_EXISTS = define("actor.exists", N_("an actor %(name)r (%(kind)s, %(municipality)s) already exists"),
                      page=_SAME_ACTOR)
ACTOR_EXISTS_UNNAMED = define("actor.exists_unnamed",
                              N_("an actor with this name, kind and municipality already exists"), page=_SAME_ACTOR)
ACTOR_IN_INITIATIVES = define("actor.in_initiatives",
                              N_("actor %(id)r is a partner in %(count)s initiative(s) (%(initiatives)s); "
                                 "delete those first or ask to cascade"),
                              page=N_("This actor is a partner in %(count)s initiative(s) (%(initiatives)s); "
                                      "delete those first."))
PARTNER_DELETED_MEANWHILE = define("initiative.partner_deleted_meanwhile",
                                   N_("a partner was deleted while the initiative was being saved; try again"),
                                   page=N_("A partner was deleted while the initiative was being saved. "
                                           "Try again."))
IMPORT_MISSING_ACTOR = define("import.missing_actor",
                              N_("the import refers to an actor that does not exist (%(reason)s)"))
BACKUP_INCONSISTENT = define("backup.inconsistent",
                             N_("the backup does not hold together (%(reason)s); nothing was changed"))
MERGE_SAME_ACTOR = define("merge.same_actor", N_("an actor cannot be merged into itself"),
                          page=N_("Choose two different partners."))
MERGE_REFUSED = define("merge.refused", N_("cannot merge: %(reason)s"),
                       page=N_("The two partners cannot be merged."))
USER_NAME_TAKEN = define("user.name_taken", N_("a user named %(name)r already exists"),
                         page=N_("A user named “%(name)s” already exists."))
NO_USER = define("user.not_found", N_("no user named %(name)r"), page=N_("There is no user named “%(name)s”."))
NO_PROPOSAL = define("proposal.not_found", N_("no proposal %(id)r"), page=N_("There is no proposal “%(id)s”."))
PROPOSAL_NOT_PENDING = define("proposal.decided", N_("proposal %(id)r is no longer %(status)s"),
                              page=N_("This proposal has already been handled by someone else."))


def actor_exists(actor=None, existing: tuple[str, str] | None = None) -> Message:
    """The one-actor-per-name rule, as both stores say it: naming the stored actor (``existing``:
    its id and name) when known, else the actor that was refused."""
    if actor is None:
        return ACTOR_EXISTS_UNNAMED()
    if existing:
        return ACTOR_EXISTS_AS(name=existing[1], id=existing[0], kind=actor.kind, municipality=actor.municipality)
    return ACTOR_EXISTS(name=actor.name, kind=actor.kind, municipality=actor.municipality)
IMPORT_IDENTITY_CLASH = define("import.identity_clash",
                               N_("two actors (in the import, or one of it and a stored one) have the same kind, "
                                  "municipality and name"),
                               page=N_("Two partners (in the file, or one in the file and one already registered) "
                                       "have the same name, kind and municipality."))
BACKUP_DUPLICATES = define("backup.duplicates",
                           N_("the backup holds two actors with the same kind, municipality and name, or two users, "
                              "credentials or proposals with the same key; nothing was changed"))
PROPOSAL_ID_TAKEN = define("proposal.id_taken", N_("a proposal %(id)r already exists"))

# -- accounts (services.accounts, web.admin) --------------------------------------------------------
USER_NAME_INVALID = define("user.name_invalid",
                           N_("must be 1–64 letters, digits or . _ @ -, starting with a letter or digit"),
                           page=N_("Use 1–64 letters, digits or . _ @ -, starting with a letter or digit."))
PASSWORD_TOO_SHORT = define("password.too_short", N_("must be at least %(limit)s characters"),
                            page=N_("The password must have at least %(limit)s characters."))
PASSWORD_WRONG = define("password.wrong", N_("wrong password"), page=N_("This is not your current password."))
LAST_ADMIN = define("user.last_admin", N_("this is the last active admin; make another admin first"),
                    page=N_("This is the last active administrator; make another user administrator first."))

# -- backups (services.backup) -----------------------------------------------------------------------
NOT_A_BACKUP = define("backup.not_object", N_("not a graphsvc backup: the file must be a JSON object with "
                                              "\"format\": %(expected)r"))
BACKUP_FORMAT = define("backup.format", N_("not a graphsvc backup: format is %(found)r, expected %(expected)r"))
BACKUP_FORMAT_EXPORT = define("backup.format_export",
                              N_("not a graphsvc backup: format is %(found)r, expected %(expected)r "
                                 "(a graphsvc/1 export: load it with `graphsvc import`)"))
BACKUP_USER_REPEATED = define("backup.user_repeated", N_("user %(name)r appears more than once"))
BACKUP_UNKNOWN_USER = define("backup.unknown_user", N_("unknown user %(name)r"))
BACKUP_SEQ_REPEATED = define("backup.seq_repeated", N_("sequence number %(seq)s appears more than once"))

# -- editing, merging, proposing (services.graph, services.editing) ---------------------------------
BODY_NOT_OBJECT = define("request.body_not_object", N_("the body must be a JSON object"))
ID_MISMATCH = define("request.id_mismatch", N_("does not match the id in the address (%(id)r); ids cannot change"))
SAME_INITIATIVE_EXISTS = define(
    "initiative.same_exists",
    N_("an initiative with this title, start date and partners already exists (id %(id)r, %(title)r)"),
    page=N_("An initiative with this title, start date and partners is already registered: “%(title)s”."))
NEW_PARTNERS_ONLY_PROPOSED = define("initiative.new_partners_proposed_only",
                                    N_("only a proposal brings new partners; editors register them first"),
                                    page=N_("Register the new partner first, then save the initiative."))
MERGE_CHOOSE_TWO = define("merge.choose_two", N_("choose two different actors"),
                          page=N_("Choose two different partners."))
MERGE_ONLY_PARTNERS = define("merge.only_partners",
                             N_("the two actors are the only partners of %(initiatives)s; merging would leave an "
                                "initiative with one partner"),
                             page=N_("The two partners are the only partners of %(initiatives)s; merging them "
                                     "would leave an initiative with one partner."))

# -- files and imports (services.imports, services.streaming, interchange) ----------------------------
NO_FILE_GIVEN = define("file.none_given", N_("no file was given"), page=N_("Choose a file to upload."))
CHOOSE_A_FILE = define("file.choose", N_("choose a file to upload"), page=N_("Choose a file to upload."))
FILE_EMPTY = define("file.empty", N_("the file is empty"), page=N_("The file is empty."))
FILE_MISSING = define("file.missing", N_("%(path)s: no such file"), page=N_("%(path)s: there is no such file."))
FILE_UNREADABLE = define("file.unreadable", N_("%(path)s: cannot be read: %(reason)s"))
FILE_NOT_UTF8_NEAR = define("file.path_not_utf8_near", N_("%(path)s: not UTF-8 text (near byte %(position)s)"))
FILE_NOT_JSON_NEAR = define("file.path_not_json_near",
                            N_("%(path)s: not valid JSON: %(reason)s (near byte %(position)s)"))
FILE_CHANGED_WHILE_READ = define("file.changed_while_read", N_("%(path)s: the file changed while it was being read"))
FILE_CHANGED_WHILE_IMPORTED = define("file.changed_while_imported",
                                     N_("%(path)s: the file changed while it was being imported; nothing was changed"))
UPLOAD_NOT_UTF8 = define("file.not_utf8", N_("not UTF-8 text (%(reason)s at byte %(position)s)"),
                         page=N_("The file is not UTF-8 text (byte %(position)s). Save it as UTF-8."))
UPLOAD_NOT_JSON = define("file.not_json", N_("not valid JSON: %(reason)s at line %(line)s column %(column)s"),
                         page=N_("The file is not valid JSON: %(reason)s at line %(line)s, column %(column)s."))
JSON_TOO_DEEP = define("file.json_too_deep", N_("not usable JSON: nested too deeply"),
                       page=N_("The JSON is nested too deeply to be read."))
JSON_UNUSABLE = define("file.json_unusable", N_("not usable JSON: %(reason)s"),
                       page=N_("The JSON cannot be used: %(reason)s"))
DOCUMENT_ALONE = define("file.document_alone", N_("give a JSON, GraphML or GEXF document on its own"),
                        page=N_("Upload a JSON, GraphML or GEXF document on its own, without a second file."))
NOTHING_TO_IMPORT = define("import.nothing", N_("nothing to import"), page=N_("There is nothing to import."))
MORE_PROBLEMS = define("import.more_problems", N_("… and %(count)s more problem(s) not listed"))
VALID_ONLY_DOCUMENTS = define("import.valid_only_documents",
                              N_("JSON, GraphML and GEXF documents are imported all or nothing: --valid-only applies "
                                 "to spreadsheets"),
                              page=N_("JSON, GraphML and GEXF documents are imported all or nothing: importing only "
                                      "the valid rows applies to spreadsheets."))

# -- metrics parameters (services.metrics, web.metrics) ----------------------------------------------
LIBRARY_TAG = define("metrics.library_tag", N_("must be a tag of 1 to 80 characters, or left out"))
EXACT_BETWEENNESS_TOO_BIG = define(
    "metrics.exact_betweenness_too_big",
    N_("exact betweenness on %(actors)s actors takes minutes; a request allows it up to %(limit)s actors "
       "(use sampled betweenness, or the graphsvc metrics command)"))

# -- why a measure is undefined (analytics.silo, structural, report, cocreation): the report keeps the
# English text and its code (``undefined_codes``, ``reason_code``); the pages render the code
EI_NO_TIES = define("metrics.undefined.ei_no_ties", N_("no ties: E + I = 0, the index is 0/0"))
EI_ONE_GROUP = define("metrics.undefined.ei_one_group",
                      N_("only one group: there are no between-group ties to compare with"))
EI_ISOLATE = define("metrics.undefined.ei_isolate", N_("isolate: the actor has no ties, the index is 0/0"))
ASSORTATIVITY_NO_TIES = define("metrics.undefined.assortativity_no_ties", N_("no ties: r is 0/0"))
ASSORTATIVITY_ONE_GROUP = define("metrics.undefined.assortativity_one_group",
                                 N_("all ties fall in one group: r is 0/0"))
HOLES_ISOLATE = define("metrics.undefined.holes_isolate",
                       N_("isolate: no ties, so no structural hole to measure (0/0)"))
BLAU_ISOLATE = define("metrics.undefined.blau_isolate", N_("isolate: no partners, heterogeneity is 0/0"))
MODULARITY_NO_TIES = define("metrics.undefined.modularity_no_ties", N_("no ties: Q is 0/0"))

# -- spreadsheets (interchange: limits, archive, xlsx, readers, plan) --------------------------------
SHEET = define("sheet.name", N_("sheet %(title)r"), page=N_("sheet “%(title)s”"))
FILE_TOO_LARGE = define("file.too_large", N_("the file is %(size)s; the largest spreadsheet accepted is %(limit)s. "
                                             "Split it into smaller files, or import it as graphsvc/1 JSON"),
                        page=N_("The file is %(size)s; the largest spreadsheet accepted is %(limit)s. Split it "
                                "into smaller files, or import it as graphsvc/1 JSON."))
GRAPH_FILE_TOO_LARGE = define(
    "file.graph_too_large", N_("the file is %(size)s; the largest graph file accepted is %(limit)s. Split it into "
                               "smaller files, or import it as graphsvc/1 JSON"),
    page=N_("The file is %(size)s; the largest graph file accepted is %(limit)s. Split it into smaller files, or "
            "import it as graphsvc/1 JSON."))
GRAPH_FILE_TOO_MANY_NODES = define("graph_file.too_many_nodes",
                                   N_("more than %(limit)s nodes; the largest graph file accepted has %(limit)s"),
                                   page=N_("More than %(limit)s nodes: the largest graph file accepted has "
                                           "%(limit)s."))
LINE_TOO_LONG = define("csv.line_too_long",
                       N_("line %(line)s is longer than %(limit)s characters: not a spreadsheet's CSV file"),
                       page=N_("Line %(line)s is longer than %(limit)s characters: this is not a CSV file from a "
                               "spreadsheet."))
CELL_TOO_LONG_CSV = define("csv.cell_too_long",
                           N_("a cell on line %(line)s is longer than %(limit)s characters: not a spreadsheet's CSV "
                              "file"),
                           page=N_("A cell on line %(line)s is longer than %(limit)s characters: this is not a CSV "
                                   "file from a spreadsheet."))
HEADER_TOO_WIDE = define("table.header_too_wide",
                         N_("the header row has %(columns)s columns; the largest accepted has %(limit)s"),
                         page=N_("The header row has %(columns)s columns; at most %(limit)s are accepted."))
HEADER_WIDER_THAN = define("table.header_wider_than",
                           N_("the header row has more than %(limit)s columns; the largest accepted has %(limit)s"),
                           page=N_("The header row has more than %(limit)s columns; at most %(limit)s are "
                                   "accepted."))
ZIP_UNPACKS_MORE = define("zip.unpacks_more",
                          N_("the zip unpacks to more than %(limit)s; the largest accepted is %(limit)s"),
                          page=N_("The zip file unpacks to more than %(limit)s; at most %(limit)s is accepted."))
WORKBOOK_UNPACKS_MORE = define("xlsx.unpacks_more",
                               N_("the workbook unpacks to more than %(limit)s; the largest accepted is %(limit)s"),
                               page=N_("The workbook unpacks to more than %(limit)s; at most %(limit)s is "
                                       "accepted."))
WORKBOOK_TOO_LARGE = define("xlsx.too_large",
                            N_("the workbook unpacks to %(size)s; the largest accepted is %(limit)s"),
                            page=N_("The workbook unpacks to %(size)s; at most %(limit)s is accepted."))
ZIP_TOO_MANY_FILES = define("zip.too_many_files",
                            N_("the zip holds more than %(limit)s files; the largest accepted holds %(limit)s"),
                            page=N_("The zip file holds more than %(limit)s files; at most %(limit)s are accepted."))
WORKBOOK_TOO_MANY_FILES = define("xlsx.too_many_files",
                                 N_("the workbook holds more than %(limit)s parts; the largest accepted holds "
                                    "%(limit)s"),
                                 page=N_("The workbook holds more than %(limit)s parts; at most %(limit)s are "
                                         "accepted."))
SHARED_STRINGS_TOO_MANY = define("xlsx.too_many_strings",
                                 N_("the workbook has more than %(limit)s shared strings; the largest accepted has "
                                    "%(limit)s"),
                                 page=N_("The workbook has more than %(limit)s different texts; at most %(limit)s "
                                         "are accepted."))
TEXT_TOO_MUCH = define("table.too_much_text",
                       N_("the file holds more than %(limit)s characters of text in its columns; the largest "
                          "accepted holds %(limit)s. Split it, or import it as graphsvc/1 JSON"),
                       page=N_("The file holds more than %(limit)s characters of text; at most %(limit)s are "
                               "accepted. Split it, or import it as graphsvc/1 JSON."))
SHEET_TOO_MANY_CELLS = define("xlsx.too_many_cells",
                              N_("the sheet has more than %(limit)s cells; the largest accepted has %(limit)s"),
                              page=N_("The sheet has more than %(limit)s cells; at most %(limit)s are accepted."))
CELL_TOO_LONG = define("xlsx.cell_too_long",
                       N_("a cell holds more than %(limit)s characters (Excel's own limit)"),
                       page=N_("A cell holds more than %(limit)s characters (the most Excel allows)."))
SHARED_STRING_MISSING = define("xlsx.shared_string_missing",
                               N_("a cell refers to shared string %(index)r, which the workbook does not have"),
                               page=N_("A cell refers to a text the workbook does not have (%(index)s)."))
NOT_TEXT = define("csv.not_text", N_("this is not a text file (it contains NUL bytes); save it from Excel as "
                                     "CSV UTF-8, or upload the .xlsx file itself"),
                  page=N_("This is not a text file (it contains NUL bytes). Save it from Excel as CSV UTF-8, or "
                          "upload the .xlsx file itself."))
UNDECODABLE = define("csv.undecodable", N_("the text cannot be read: it is neither UTF-8 nor Windows-1252 (byte "
                                           "%(byte)s at position %(position)s). Save it from Excel as \"CSV UTF-8\""),
                     page=N_("The text cannot be read: it is neither UTF-8 nor Windows-1252 (byte %(byte)s at "
                             "position %(position)s). Save it from Excel as “CSV UTF-8”."))
UNDECODABLE_AS = define("csv.undecodable_as", N_("the text cannot be read as %(encoding)s (byte %(byte)s at "
                                                 "position %(position)s). Save it from Excel as \"CSV UTF-8\""),
                        page=N_("The text cannot be read as %(encoding)s (byte %(byte)s at position %(position)s). "
                                "Save it from Excel as “CSV UTF-8”."))
UTF8_WITH_BOM = define("csv.utf8_with_bom", N_("UTF-8 with BOM"))
READ_AS = define("csv.read_as", N_("%(encoding)s, separator %(separator)s"))
TAB = define("csv.tab", N_("tab"))
EXCEL_WORKBOOK = define("xlsx.workbook", N_("Excel workbook"))
CSV_UNREADABLE = define("csv.unreadable", N_("not a readable CSV file: %(reason)s (line %(line)s)"))
HEADER_UNKNOWN = define("table.header_unknown", N_("the header row names neither actors (navn/name, type/kind, …) "
                                                   "nor initiatives (tittel/title, partnere/partners, …)"),
                        page=N_("The header row names neither actors (navn, type, …) nor initiatives (tittel, "
                                "partnere, …)."))
ZIP_UNREADABLE = define("zip.unreadable", N_("not a readable zip file: %(reason)s"),
                        page=N_("This is not a zip file that can be read."))
ZIP_TOO_LARGE = define("zip.too_large", N_("the zip unpacks to %(size)s; the largest accepted is %(limit)s"))
ZIP_NO_CSV = define("zip.no_csv", N_("the zip holds no CSV file; expected aktorer.csv/actors.csv and "
                                     "initiativ.csv/initiatives.csv"))
XLSX_UNREADABLE = define("xlsx.unreadable", N_("not a readable .xlsx workbook: %(reason)s"),
                         page=N_("This is not an .xlsx workbook that can be read."))
XLSX_NO_SHEET = define("xlsx.no_sheet", N_("the workbook has no sheet of actors (aktører/actors) or initiatives "
                                           "(initiativ/initiatives) with a header row"))
XLS_OLD = define("xls.old", N_("this is an old Excel file (.xls); save it as an Excel workbook (.xlsx) or as CSV"))
TWO_ACTOR_TABLES = define("table.two_actor_tables", N_("two tables of actors: %(first)s and %(second)s; give one "
                                                       "of each"))
TWO_INITIATIVE_TABLES = define("table.two_initiative_tables",
                               N_("two tables of initiatives: %(first)s and %(second)s; give one of each"))
NO_ROWS = define("table.no_rows", N_("the file holds no rows"))
TOO_MANY_ROWS = define("table.too_many_rows",
                       N_("more than %(limit)s rows; the largest table accepted has %(limit)s data rows. Split the "
                          "file, or import it as graphsvc/1 JSON"),
                       page=N_("More than %(limit)s rows: the largest table accepted has %(limit)s data rows. Split "
                               "the file, or import it as graphsvc/1 JSON."))
NO_DATA_ROWS = define("table.no_data_rows", N_("the file has a header row but no data rows"))
MISSING_COLUMNS = define("table.missing_columns",
                         N_("missing required column(s): %(missing)s. Accepted columns: %(accepted)s"),
                         page=N_("Missing required column(s): %(missing)s. The accepted columns are listed below."))
ROWS_ONE = define("table.rows_one", N_("%(table)s: %(count)s row"))
ROWS_MANY = define("table.rows_many", N_("%(table)s: %(count)s rows"))
ROWS_ONE_READ_AS = define("table.rows_one_read_as", N_("%(table)s: %(count)s row (%(how)s)"))
ROWS_MANY_READ_AS = define("table.rows_many_read_as", N_("%(table)s: %(count)s rows (%(how)s)"))
IGNORED_COLUMNS = define("table.ignored_columns", N_("%(table)s: ignored unknown column(s): %(columns)s"))
MOJIBAKE = define("table.mojibake", N_("%(table)s: the text contains 'Ã¸'/'Ã¦'/'Ã¥': it looks like UTF-8 that was "
                                       "read as Windows-1252 and saved again; check the names"))
ROW_TOO_WIDE = define("row.too_wide", N_("the row has %(cells)s or more cells but the header has %(width)s: is there "
                                         "a separator inside a cell without quotes around it?"))
PARTNER_NUMBER = define("row.partner", N_("partner %(number)s: %(problem)s"),
                        page=N_("Partner no. %(number)s: %(problem)s"))
PARTNER_NOT_ACTOR_ROLE = define("row.partner_not_actor_role",
                                N_("partner %(number)s (%(item)r) must be written actor:role, e.g. "
                                   "drammen-bibliotek:lead"))
DUPLICATE_ID_ROW = define("row.duplicate_id", N_("duplicate id %(id)r (also row %(row)s)"))
SAME_ACTOR_AS_ROW = define("row.same_actor", N_("the same actor as row %(row)s (same name and municipality, no id)"))
SAME_IDENTITY_AS_ROW = define("row.same_identity", N_("the same name, kind and municipality as row %(row)s"))
SAME_INITIATIVE_AS_ROW = define("row.same_initiative",
                                N_("the same initiative as row %(row)s (same title and start date, no id)"))
ACTOR_STORED_AS = define("row.actor_stored_as",
                         N_("an actor named %(name)r (%(kind)s, %(municipality)s) is already stored with id %(id)r; "
                            "use that id or leave the id empty"))
ACTOR_ON_REJECTED_ROW = define("row.actor_rejected", N_("actor %(actor)r is on a rejected row (%(table)s row %(row)s)"))
ACTOR_NAME_AMBIGUOUS = define("row.actor_ambiguous",
                              N_("several actors are named %(actor)r (%(ids)s); write the id instead"))
ACTOR_NOT_FOUND_IN_FILE = define("row.actor_unknown",
                                 N_("unknown actor %(actor)r: neither an id nor a name in %(table)s or already stored"))

# -- graph files (interchange.records) ----------------------------------------------------------------
GRAPH_FILE_UNREADABLE = define("graph_file.unreadable", N_("not a readable %(format)s file: %(reason)s"))
GRAPH_INITIATIVES_NOT_JSON = define("graph_file.initiatives_not_json",
                                    N_("the initiatives of the graph are not valid JSON: %(reason)s"))
NODE_INITIATED_NOT_JSON = define("graph_file.initiated_not_json",
                                 N_("initiated of node %(node)r is not valid JSON: %(reason)s"))

# -- the web layer: request bodies, query parameters, uploads, pictures --------------------------------
BODY_NOT_JSON = define("request.not_json", N_("the request body must be a JSON object (Content-Type: "
                                              "application/json; got %(content_type)s)"))
BODY_NO_CONTENT_TYPE = define("request.no_content_type", N_("the request body must be a JSON object (Content-Type: "
                                                            "application/json; got no Content-Type)"))
BODY_NOT_UTF8 = define("request.not_utf8", N_("the request body is not UTF-8 text (%(reason)s at byte %(position)s)"))
BODY_INVALID_JSON = define("request.invalid_json", N_("the request body is not valid JSON: %(reason)s at line "
                                                      "%(line)s column %(column)s"))
BODY_TOO_DEEP = define("request.too_deep", N_("the request body is nested too deeply"))
BODY_UNUSABLE_JSON = define("request.unusable_json", N_("the request body is not usable JSON: %(reason)s"))
BODY_UNPAIRED_SURROGATE = define("request.unpaired_surrogate",
                                 N_("the request body contains an unpaired surrogate escape (\\ud800-\\udfff): "
                                    "not valid Unicode text"))
BODY_TOO_LARGE_FOR_ENDPOINT = define(
    "request.too_large_for_endpoint",
    N_("the request body is %(size)s bytes; this endpoint accepts at most %(limit)s (one actor or initiative; send "
       "large documents to /api/v1/import)"),
    page=N_("The request is %(size)s bytes; at most %(limit)s are accepted here."))
RENDER_BUSY_USER = define("growth.render_busy_user",
                          N_("you are already making an animation; wait until it is done"),
                          page=N_("You are already making an animation; wait until it is done."))
RENDER_BUSY = define("growth.render_busy", N_("another animation is being made right now; try again in a moment"),
                     page=N_("Another animation is being made right now; try again in a moment."))
DEPTH_INVALID = define("map.depth", N_("must be a whole number from 1 to %(deepest)s (got %(value)r)"),
                       page=N_("Choose 1 to %(deepest)s steps."))
NO_EXPORT_FORMAT = define("map.no_export_format", N_("no export format %(format)r: use html, png or svg"),
                          page=N_("There is no picture format “%(format)s”: use html, png or svg."))
NO_CHART = define("growth.no_chart", N_("no chart %(name)r"), page=N_("There is no chart “%(name)s”."))
NO_ANIMATION_FORMAT = define("growth.no_animation_format", N_("no animation format %(format)r: use gif or mp4"),
                             page=N_("There is no animation format “%(format)s”: use gif or mp4."))
NOTHING_TO_ANIMATE = define("growth.nothing_to_animate", N_("nothing to animate: the map is empty"),
                            page=N_("There is nothing to animate: the map is empty."))
TOO_MANY_FRAMES = define("growth.too_many_frames", N_("%(frames)s frames is too many (at most %(limit)s)"),
                         page=N_("%(frames)s pictures are too many (at most %(limit)s); choose a coarser step."))
PREVIEW_EXPIRED = define("import.preview_expired",
                         N_("the preview has expired or was already imported; upload the file again"),
                         page=N_("The preview has expired or was already imported; upload the file again."))
PREVIEW_OTHER_USER = define("import.preview_other_user",
                            N_("this preview belongs to another user; upload the file again"),
                            page=N_("This preview belongs to another user; upload the file again."))
IMPORT_REJECTED = define("import.rejected", N_("%(count)s problem(s) in the file; nothing was changed"),
                         page=N_("The file has %(count)s problem(s); nothing was changed."))

# -- logging in and roles (web.auth) --------------------------------------------------------------
TOKEN_UNKNOWN = define("auth.token_unknown",
                       N_("The API token is unknown, revoked or belongs to a disabled user."))
LOG_IN = define("auth.log_in", N_("Log in to continue."))
ROLE_TOO_LOW = define("auth.role_too_low", N_("Your role (%(role)s) may not do this; it needs %(needed)s."))
ROLE_NAMES = {"viewer": define("role.viewer", N_("viewer")), "editor": define("role.editor", N_("editor")),
              "admin": define("role.admin", N_("admin"))}

# -- HTTP errors the server answers itself (web.errors) ---------------------------------------------
HTTP_NOT_FOUND = define("http.not_found", N_("The requested URL was not found on the server. If you entered the URL "
                                             "manually please check your spelling and try again."),
                        page=N_("The page was not found. Check the address, or go to the front page."))
HTTP_METHOD_NOT_ALLOWED = define("http.method_not_allowed", N_("The method is not allowed for the requested URL."),
                                 page=N_("This address cannot be used that way."))
HTTP_BAD_REQUEST = define("http.bad_request", N_("The browser (or proxy) sent a request that this server could "
                                                 "not understand."),
                          page=N_("The server could not understand the request."))
HTTP_CSRF = define("http.csrf", N_("The form is out of date or did not come from this site (%(reason)s); reload "
                                   "the page and send it again."),
                   page=N_("The form is out of date or did not come from this site; reload the page and send it "
                           "again."))
HTTP_TOO_LARGE = define("http.too_large", N_("The request is larger than the %(limit)s MiB this server accepts "
                                             "(GRAPHSVC_MAX_UPLOAD_MB); send a smaller file or split it."))
HTTP_OTHER = define("http.other", N_("%(status)s %(name)s: %(description)s"),
                    page=N_("The request could not be handled (error %(status)s)."))
INTERNAL_ERROR = define("server.internal", N_("internal error: the server logged it"),
                        page=N_("An internal error occurred; the server has logged it."))
CATALOGUE_NOT_COMPILED = define("config.catalogue_not_compiled",
                                N_("the translations are not compiled (missing: %(files)s); run %(command)s"))
