"""Query-string parameters, parsed one way everywhere: choices, yes/no flags, whole numbers, dates, text.

Each parser raises ``Invalid`` naming the parameter, so every page and API answers a bad
parameter with the same 422 (JSON for the API, a page for the browser).
"""

from __future__ import annotations

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


def day(name: str) -> date | None:
    """A date as YYYY-MM-DD, or None when absent or empty."""
    return parse_date_param((request.args.get(name) or "").strip() or None, name)


def text(name: str) -> str | None:
    """Trimmed text, or None when absent or blank."""
    return (request.args.get(name) or "").strip() or None
