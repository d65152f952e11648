"""Words the pages show for the model's codes, in the user's language, from the one glossary.

The words themselves live in :mod:`graphsvc.model.glossary` (bokmål and English side by side,
also used by the exports and docs/glossary.md); this module picks the user's language.
"""

from __future__ import annotations

from flask_babel import get_locale

from graphsvc.model import glossary


def locale_key() -> str:
    """The user's language, part of the cache key of anything with translated text in it."""
    try:
        return str(get_locale() or "nb")
    except RuntimeError:  # outside a request
        return "nb"


class _Lazy:
    """A glossary word looked up when it is shown (module-level tables outlive a request's language)."""

    def __init__(self, group: str, code: str):
        self.group, self.code = group, code

    def __str__(self) -> str:
        return glossary.label(self.group, self.code, locale_key())

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


#: Pseudo-groups: actors without a sector are grouped by their kind as ``(<kind>)`` (analytics.compact).
PSEUDO_GROUPS = {t.code: _Lazy("pseudo_group", t.code) for t in glossary.TERMS if t.group == "pseudo_group"}


def term(group: str, code) -> str:
    """Any glossary word in the user's language: ``term("measure", "betweenness")``."""
    return glossary.label(group, code, locale_key())


def kind_labels() -> dict[str, str]:
    """Kinds of actor in the user's language (forms, maps, pictures and exports use the same words)."""
    return glossary.labels("kind", locale_key())


def role_labels() -> dict[str, str]:
    return glossary.labels("role", locale_key())


def location_labels() -> dict[str, str]:
    return glossary.labels("location", locale_key())


def service_model_labels() -> dict[str, str]:
    return glossary.labels("service_model", locale_key())


def field_label(name: str) -> str:
    """A field's name as forms and the history table show it (``location`` → "Hvor")."""
    return glossary.label("field", name, locale_key())


#: Fields whose values are codes with a glossary word.
_CODED_FIELDS = {"kind": "kind", "role": "role", "location": "location", "service_model": "service_model"}


def value_label(name: str, value):
    """A field's value as shown: coded values (kind, role, location, service model) in words, the rest as they are."""
    group = _CODED_FIELDS.get(name)
    if group is None or not isinstance(value, str):
        return value
    return glossary.label(group, value, locale_key())


def group_label(label) -> str:
    """A sector/group label for display: pseudo-groups ``(association)`` … translated, real sectors as they are."""
    return glossary.group_label(label, locale_key())
