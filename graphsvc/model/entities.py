"""The data model of ../shared/domain.md: actors (nodes) and initiatives (co-creation ties).

Objects are immutable dataclasses; stores, analytics and the web layer all speak them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from graphsvc.model.vocab import PUBLIC_KINDS

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$")


@dataclass(frozen=True)
class Actor:
    """An actor. ``municipality`` is None when unknown (data that does not come from a municipality)."""

    id: str
    name: str
    kind: str
    municipality: str | None
    sector: str | None = None
    municipality_number: str | None = None
    org_number: str | None = None
    service_model: str | None = None
    registered: date | None = None
    tags: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS


class Partner(NamedTuple):
    """An actor's part in an initiative. A named tuple: the L network holds a million of them."""

    actor: str
    role: str


@dataclass(frozen=True)
class Initiative:
    """An initiative. ``initiator`` and ``location`` are None when unknown (a study's data may lack them)."""

    id: str
    title: str
    started: date
    initiator: str | None
    location: str | None
    partners: tuple[Partner, ...]
    category: str | None = None
    ended: date | None = None

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(p.actor for p in self.partners)

    def running_at(self, day: date) -> bool:
        return self.started <= day and (self.ended is None or self.ended >= day)


@dataclass(frozen=True)
class Page:
    """One page of a listing."""

    items: list
    total: int
    limit: int
    offset: int


def normalise_key(text: str | None) -> str:
    """Case- and space-insensitive comparison key (sectors, municipalities, duplicate names);
    an unknown value (None) has the key ``""``.

    Invisible format characters (Unicode category Cf: zero-width space and joiners, word joiner,
    byte-order mark, soft hyphen, tag characters) are left out, so a name cannot pass for a new one
    by hiding one (UTS #39 treats them as default-ignorable in identifiers).

    >>> normalise_key("Alta\u200b  Bibliotek\ufeff") == normalise_key("alta bibliotek")
    True
    """
    if text is None:
        return ""
    if not text.isprintable():  # fast path: printable text has no Cf character
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a", "ß": "ss"})


def slugify(text: str) -> str:
    """A URL-safe id from a name: ``"Røde Kors Drammen"`` → ``"rode-kors-drammen"``."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    text = text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:100] or "x"


def with_changes(obj, **changes):
    """A copy of a model object with some fields replaced."""
    return replace(obj, **changes)


__all__ = ["Actor", "Partner", "Initiative", "Page", "ID_PATTERN", "normalise_key", "slugify", "with_changes",
           "field"]
