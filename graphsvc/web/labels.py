"""Words the pages show for the model's codes (kinds, roles, locations, pseudo-groups), in the user's language."""

from __future__ import annotations

from flask_babel import get_locale, gettext as _, lazy_gettext as _l

#: Pseudo-groups: actors without a sector are grouped by their kind as ``(<kind>)`` (analytics.compact).
PSEUDO_GROUPS = {"(library)": _l("(libraries)"), "(municipal_unit)": _l("(municipal units)"),
                 "(association)": _l("(associations and clubs)"), "(business)": _l("(business)"),
                 "(citizen_group)": _l("(citizen groups)"), "(other_public)": _l("(other public bodies)"),
                 "(none)": _l("(none)")}


def kind_labels() -> dict[str, str]:
    """Kinds of actor in the user's language (forms, maps, pictures and exports use the same words)."""
    return {"library": _("Library"), "municipal_unit": _("Municipal unit"), "association": _("Association or club"),
            "citizen_group": _("Citizen group"), "business": _("Business"), "other_public": _("Other public body")}


def role_labels() -> dict[str, str]:
    return {"lead": _("Lead"), "co_creator": _("Co-creator"), "facilitator": _("Facilitator"),
            "participant": _("Participant")}


def location_labels() -> dict[str, str]:
    return {"library": _("In the library"), "outside": _("Outside the library"), "digital": _("Digital")}


def group_label(label) -> str:
    """A sector/group label for display: pseudo-groups ``(association)`` … translated, real sectors as they are."""
    if label is None:
        return ""
    translated = PSEUDO_GROUPS.get(str(label))
    return str(translated) if translated is not None else str(label)


def locale_key() -> str:
    """The user's language, part of the cache key of anything with translated text in it."""
    try:
        return str(get_locale() or "nb")
    except RuntimeError:  # outside a request
        return "nb"
