"""Languages: Norwegian bokmål by default, English on request (Flask-Babel), dates in the user's format.

The catalogue lives in translations/ (``messages.po`` per language, compiled to ``messages.mo``).
A fresh checkout without the compiled file compiles it at start, so nothing needs a build step.
Validation messages are English sentences from ``model.validation``; :func:`problem_message`
turns them into the user's language by pattern, so the forms, the API and the import keep
one validation module.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from pathlib import Path

from flask import Flask
from flask_babel import Babel, format_date, format_datetime, get_locale, gettext as _, lazy_gettext as _l

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def compile_catalogues(directory: Path = TRANSLATIONS, *, force: bool = False) -> list[Path]:
    """Compile every ``messages.po`` whose ``messages.mo`` is missing or older; return what was written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            written.append(mo)
    return written


# Validation and conflict messages (English, from the domain) → the user's language.
_PATTERNS: list[tuple[re.Pattern, object]] = [
    (re.compile(r"^is required$"), _l("This field is required.")),
    (re.compile(r"^is required \(one of: .*\)$"), _l("Choose one of the options.")),
    (re.compile(r"^is required \(a date, YYYY-MM-DD\)$"), _l("Give a date.")),
    (re.compile(r"^is required for kind '(?P<kind>[^']*)'$"), _l("A sector is required for libraries and "
                                                                  "municipal units.")),
    (re.compile(r"^must be one of: .*$"), _l("Choose one of the options.")),
    (re.compile(r"^must be a date as YYYY-MM-DD .*$"), _l("Write the date as YYYY-MM-DD, e.g. 2024-03-01.")),
    (re.compile(r"^is not a real date .*$"), _l("This date does not exist.")),
    (re.compile(r"^is longer than (?P<n>\d+) characters$"), _l("Too long: at most %(n)s characters.")),
    (re.compile(r"^contains control characters$"), _l("Contains characters that are not allowed.")),
    (re.compile(r"^must be a four-digit kommunenummer.*$"), _l("A municipality number has four digits, e.g. 3301.")),
    (re.compile(r"^must be a nine-digit organisation number$"), _l("An organisation number has nine digits.")),
    (re.compile(r"^fails the MOD11 check digit.*$"),
     _l("This is not a valid organisation number (the check digit is wrong). Check it in Enhetsregisteret.")),
    (re.compile(r"^has more than (?P<n>\d+) tags$"), _l("At most %(n)s tags.")),
    (re.compile(r"^has a tag longer than (?P<n>\d+) characters$"), _l("A tag is longer than %(n)s characters.")),
    (re.compile(r"^must not be before started \((?P<day>[\d-]+)\)$"),
     _l("The end date cannot be before the start date (%(day)s).")),
    (re.compile(r"^must list at least two partners$|^is required: a list of at least two.*$"),
     _l("An initiative needs at least two partners.")),
    (re.compile(r"^actor '(?P<actor>.*)' is listed twice$"), _l("This partner is listed twice.")),
    (re.compile(r"^unknown actor '(?P<actor>.*)'$"), _l("No partner is registered as “%(actor)s”.")),
    (re.compile(r"^'(?P<actor>.*)' must be one of the partners$"), _l("Who took the initiative must be one of "
                                                                       "the partners.")),
    (re.compile(r"^must be a URL-safe id.*$"), _l("Choose a partner from the suggestions.")),
    (re.compile(r"^an actor (?P<what>.*) already exists$"),
     _l("This partner is already registered (same name, kind and municipality).")),
    (re.compile(r"^an actor of this kind with this name already exists in this municipality$"),
     _l("This partner is already registered (same name, kind and municipality).")),
]


def problem_message(message: str) -> str:
    """A domain message in the user's language (English ones pass through when no pattern fits)."""
    for pattern, translated in _PATTERNS:
        match = pattern.match(message)
        if match:
            return str(translated) % match.groupdict() if match.groupdict() else str(translated)
    return message


def day(value) -> str:
    """A date as people write it: ``1. februar 2021`` in Norwegian, ``1 February 2021`` in English."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, format="long")


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="d. MMM y HH:mm" if str(get_locale()) == "nb" else "d MMM y, HH:mm")


def init_app(app: Flask, locale_selector) -> None:
    with contextlib.suppress(OSError):  # a read-only install: the committed .mo files are used as they are
        compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "nb")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Oslo")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=locale_selector)
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.globals["problem_message"] = problem_message
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks (Flask-Babel installs the extension)


__all__ = ["init_app", "problem_message", "day", "moment", "compile_catalogues", "_"]
