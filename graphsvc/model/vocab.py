"""The product's shared vocabularies, spelled once: kinds, roles, locations, views, frequencies, groupings.

Every layer (validation, stores, analytics, the API's parameters and its OpenAPI document, the
CLI's choices and the forms) takes its legal values from here, so a new value is added in one place.
"""

from __future__ import annotations

KINDS = ("library", "municipal_unit", "association", "citizen_group", "business", "other_public")
#: Kinds inside the municipal organisation (or the public sector at large); the rest are external.
PUBLIC_KINDS = frozenset({"library", "municipal_unit", "other_public"})
KINDS_REQUIRING_SECTOR = frozenset({"library", "municipal_unit"})
ROLES = ("lead", "co_creator", "facilitator", "participant")
LOCATIONS = ("library", "outside", "digital")
#: The four ways a library and an innbyggertorg can be organised (the article in shared/reference).
SERVICE_MODELS = ("total", "hybrid", "en_dor_inn", "pacman")
#: Offered by forms; the vocabulary is open (any non-empty name is accepted).
DEFAULT_SECTORS = ("bibliotek", "kultur", "skole", "oppvekst", "helse", "omsorg", "innbyggertorg", "teknisk", "næring")
CATEGORIES = ("språkkafé", "lesesirkel", "arrangement", "konsert", "verksted", "pop-up bibliotek", "møteplass")

#: The network at a date: everything started by then (cumulative) or what was running then (active).
VIEWS = ("cumulative", "active")
#: Steps of a growth series and of the map's slider.
FREQUENCIES = ("year", "quarter", "month")
#: Actor attributes the silo metrics group by.
GROUP_BY = ("sector", "kind", "municipality")

#: How people write yes and no in a query string, a form or an environment variable.
YES = ("1", "true", "yes", "on")
NO = ("", "0", "false", "no", "off")


def parse_yes_no(raw: str) -> bool | None:
    """``True`` for a yes word, ``False`` for a no word (or nothing), ``None`` for anything else.

    >>> parse_yes_no(" Yes "), parse_yes_no(""), parse_yes_no("kanskje")
    (True, False, None)
    """
    word = raw.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None
