"""Languages: Norwegian bokmål by default, English on request (Flask-Babel), dates in the user's format.

The catalogue lives in translations/ (``messages.po`` per language). The build compiles it to
``messages.mo`` (``make translations``, which ``make run`` and ``make test`` depend on; the
Dockerfile runs the same step); the app only reads the compiled files and says so clearly when
they are missing. Messages from the model, services and stores are codes with parameters
(``graphsvc.model.messages``): :func:`problem_message` renders one through the catalogue in the
user's language, so the forms, the API and the import keep one validation module and the API
keeps its English.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, gettext as _

from graphsvc.model import messages as msg
from graphsvc.model.errors import ConfigError
from graphsvc.model.messages import Message
from graphsvc.web.params import day_field, shown_day

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
#: How to build the compiled catalogues; said when they are missing or stale.
COMPILE_COMMAND = "make translations (or: pybabel compile -d translations)"


def catalogue_state(directory: Path | None = None) -> tuple[list[Path], list[Path]]:
    """The ``messages.po`` files whose ``messages.mo`` is missing, and those whose ``.mo`` is older."""
    missing, stale = [], []
    for po in sorted((directory or TRANSLATIONS).glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists():
            missing.append(po)
        elif mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return missing, stale


def problem_message(message, *, typed_dates: bool = False) -> str:
    """A message (a code with parameters) in the user's language, through the catalogue.

    Text that is not a :class:`Message` (already translated, or a user's own words) is shown as it
    is. Half of a UTF-16 pair from hostile input is written as its escape, so the page can be sent.
    ``typed_dates``: dates among the parameters as the form's fields take them (``01.06.2024``, not
    ``2024-06-01``), for an error shown next to a date typed as dd.mm.åååå.
    """
    if isinstance(message, Message) and typed_dates:
        params = {k: shown_day(v) if isinstance(v, str) else v for k, v in message.params.items()}
        text = msg.CATALOGUE[message.code].render(params, _)
    else:
        text = message.render(_) if isinstance(message, Message) else str(message)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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


def decimal(value, places: int = 2, signed: bool = False) -> str:
    """A number as the page's language writes it: ``+0,43`` and ``−1,00`` in bokmål, ``+0.43`` in
    English; always the true minus sign (U+2212), as in the pages' formulas; ``–`` for None
    (an undefined value)."""
    if value is None:
        return "–"
    digits = "0" * places
    pattern = f"0.{digits}" if places else "0"
    text = format_decimal(value, format=f"+{pattern};-{pattern}" if signed else pattern)
    return text.replace("-", "\u2212")


def percent(value) -> str:
    """A share 0–1 as a whole percentage (``43 %``); ``–`` for None."""
    return "–" if value is None else f"{decimal(value * 100, 0)} %"


def reason(code, text=None) -> str:
    """Why a measure is undefined, in the user's language: the report keeps the reason's English
    text and its catalogue code (``undefined_codes``, ``reason_code``); the page renders the code.
    A reason without a code (none today) is shown as it is."""
    if code in msg.CATALOGUE:
        return msg.CATALOGUE[code]().render(_)
    return "" if text is None else str(text)


def init_app(app: Flask, locale_selector) -> None:
    """Babel on the compiled catalogues. Missing ones are a clear error at start (a fresh checkout
    that skipped the build); older ones than their ``.po`` a warning in the log."""
    missing, stale = catalogue_state()
    if missing:
        raise ConfigError(msg.CATALOGUE_NOT_COMPILED(files=[str(p.with_suffix(".mo")) for p in missing],
                                                     command=COMPILE_COMMAND))
    for po in stale:
        app.logger.warning("%s is newer than its compiled catalogue: run %s", po, COMPILE_COMMAND)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "nb")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Oslo")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=locale_selector)
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["day_field"] = day_field
    app.jinja_env.filters["message"] = problem_message
    app.jinja_env.globals["problem_message"] = problem_message
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.globals["reason"] = reason
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks (Flask-Babel installs the extension)


__all__ = ["init_app", "problem_message", "day", "moment", "decimal", "percent", "reason", "catalogue_state", "_"]
