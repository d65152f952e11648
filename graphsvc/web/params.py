"""Query-string parameters, parsed one way everywhere: choices, yes/no flags, whole numbers, dates, text.

Each parser raises ``Invalid`` naming the parameter, so every page and API answers a bad
parameter with the same 422 (JSON for the API, a page for the browser).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import overload

from flask import request

from graphsvc.model import messages as msg
from graphsvc.model.errors import Invalid, Problem
from graphsvc.model.validation import check_choice, parse_date_param
from graphsvc.model.vocab import parse_yes_no


@overload
def choice(name: str, legal: Iterable[str], default: str) -> str: ...
@overload
def choice(name: str, legal: Iterable[str], default: None = None) -> str | None: ...
def choice(name: str, legal: Iterable[str], default: str | None = None) -> str | None:
    """One of ``legal`` (or ``default`` when the parameter is absent or empty)."""
    raw = request.args.get(name) or default
    if raw is not None:
        check_choice(name, raw, legal)
    return raw


def flag(name: str, *, form: bool = False) -> bool:
    """A yes/no parameter (1/0, true/false, yes/no, on/off); absent means no. ``form``: also the form body."""
    raw = (request.values if form else request.args).get(name, "")
    value = parse_yes_no(raw)
    if value is None:
        raise Invalid([Problem(name, msg.FLAG_INVALID(value=raw.strip().lower()))])
    return value


def whole(name: str, default: int) -> int:
    """A whole number, or ``default`` when absent; the caller checks its range."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise Invalid([Problem(name, msg.NOT_WHOLE(value=raw))]) from None


_NORWEGIAN_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def iso_day(text: str) -> str:
    """A typed date as ISO: ``01.03.2024`` (dd.mm.åååå, as Norwegians write it) → ``2024-03-01``;
    anything else is passed on unchanged for validation to judge.

    Pages ask for dates in text fields, not the browser's date picker, which follows the browser's
    language (03/01/2024 in American English) and so is ambiguous for Norwegian users.

    >>> iso_day("1.3.2024"), iso_day("2024-03-01"), iso_day("mars")
    ('2024-03-01', '2024-03-01', 'mars')
    """
    match = _NORWEGIAN_DAY.fullmatch(text.strip())
    if not match:
        return text
    day_of_month, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day_of_month):02d}"


def shown_day(text: str) -> str:
    """A date as a text field shows it back: ``2024-03-01`` → ``01.03.2024``, whatever the browser's language.

    >>> shown_day("2024-03-01")
    '01.03.2024'
    """
    match = _ISO_DAY.fullmatch((text or "").strip())
    if not match:
        return text
    year, month, day_of_month = match.groups()
    return f"{day_of_month}.{month}.{year}"


def day_field(value: date | None) -> str:
    """What a date field of a filter form shows for ``value`` (the Jinja filter ``day_field``)."""
    return shown_day(value.isoformat()) if value else ""


def day(name: str) -> date | None:
    """A date typed as dd.mm.åååå or YYYY-MM-DD, or None when absent or empty."""
    return parse_date_param(iso_day((request.args.get(name) or "").strip()) or None, name)


def text(name: str) -> str | None:
    """Trimmed text, or None when absent or blank."""
    return (request.args.get(name) or "").strip() or None
