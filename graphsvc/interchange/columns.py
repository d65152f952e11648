"""The spreadsheet import's vocabulary: the columns of each table, in Norwegian and English, and the
Norwegian words for the data model's codes.

One place for what a librarian's spreadsheet may call things: the readers
(:mod:`graphsvc.interchange.readers`) tell tables apart by these names, the import plan
(:mod:`graphsvc.interchange.plan`) reads cells by them, and the templates
(:mod:`graphsvc.interchange.templates`) and the upload page show them. Headers compare with
case, spaces, ``_``, ``-``, ``.`` and ``*`` ignored (``Org.nr`` = ``orgnr``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from graphsvc.model.entities import normalise_key


@dataclass(frozen=True)
class Column:
    """One column: the model field, its Norwegian and English header, and what it holds."""

    field: str
    nb: str
    en: str
    required: bool
    help: str
    example: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.nb, self.en, *self.aliases)))

    @property
    def label(self) -> str:
        return self.nb if self.nb == self.en else f"{self.nb}/{self.en}"


ACTOR_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "id", False, "Stabil id (a–z, 0–9, bindestrek). Tom: lages fra navnet, og en aktør med "
           "samme navn i samme kommune gjenbrukes.", ("eksempel-bibliotek", "eksempel-frivilligsentral")),
    Column("name", "navn", "name", True, "Navnet på aktøren.", ("Eksempelby bibliotek", "Eksempelby frivilligsentral"),
           ("label", "aktør", "aktor")),
    Column("kind", "type", "kind", True, "library (bibliotek), municipal_unit (kommunal enhet), association "
           "(lag/forening), citizen_group (innbyggergruppe), business (næringsliv), other_public (annen offentlig).",
           ("bibliotek", "lag/forening"), ("aktørtype", "aktortype")),
    Column("sector", "sektor", "sector", False, "Påkrevd for bibliotek og kommunale enheter, f.eks. bibliotek, "
           "skole, helse, kultur, oppvekst, innbyggertorg.", ("bibliotek", "")),
    Column("municipality", "kommune", "municipality", True, "Kommunens navn.", ("Eksempelby", "Eksempelby")),
    Column("municipality_number", "kommunenummer", "municipality_number", False, "Fire sifre, f.eks. 3301.",
           ("9999", ""), ("kommunenr", "knr")),
    Column("org_number", "organisasjonsnummer", "org_number", False,
           "Ni sifre fra Enhetsregisteret (kontrollsiffer sjekkes).", ("", "974760673"), ("orgnr", "org_nr")),
    Column("service_model", "tjenestemodell", "service_model", False,
           "For bibliotek med innbyggertorg: total, hybrid, en_dor_inn, pacman.", ("hybrid", "")),
    Column("registered", "registrert", "registered", False, "Dato, dd.mm.åååå eller åååå-mm-dd. Tom: i dag "
           "(eller datoen som alt er lagret).", ("01.03.2019", "15.01.2020"), ("registrert dato",)),
    Column("tags", "stikkord", "tags", False, "Fritt valgte stikkord, skilt med semikolon.",
           ("samskaping;innbyggertorg", "frivillighet"), ("emneord",)),
)

INITIATIVE_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "id", False, "Stabil id. Tom: lages fra tittel og startår, og et initiativ med samme "
           "tittel og startdato gjenbrukes.", ("eksempel-sprakkafe",)),
    Column("title", "tittel", "title", True, "Hva initiativet heter.", ("Språkkafé i Eksempelby",), ("navn",)),
    Column("category", "kategori", "category", False, "F.eks. språkkafé, lesesirkel, arrangement, konsert, "
           "verksted, pop-up bibliotek, møteplass.", ("språkkafé",)),
    Column("started", "startet", "started", True, "Startdato, dd.mm.åååå eller åååå-mm-dd.", ("01.02.2021",),
           ("start", "startdato", "fra")),
    Column("ended", "avsluttet", "ended", False, "Sluttdato; tom hvis det fortsatt pågår.", ("",),
           ("slutt", "sluttdato", "til")),
    Column("initiator", "initiativtaker", "initiator", True, "Aktøren som tok initiativet (id eller navn); må "
           "være blant partnerne.", ("eksempel-bibliotek",), ("initiativtager",)),
    Column("location", "sted", "location", True, "library (på biblioteket), outside (utenfor), digital (digitalt).",
           ("library",), ("lokasjon",)),
    Column("partners", "partnere", "partners", True, "Minst to, som aktør:rolle skilt med semikolon. Aktør: id "
           "eller navn. Rolle: lead (leder), co_creator (medskaper), facilitator (tilrettelegger), participant "
           "(deltaker).", ("eksempel-bibliotek:lead;Eksempelby frivilligsentral:co_creator",),
           ("partner", "deltakere")),
)

#: Columns other formats write that carry nothing to import (the export's derived ``public`` flag).
IGNORED_COLUMNS = frozenset({"public", "offentlig"})

TABLE_NAMES = {
    "actors": ("actors", "aktorer", "aktører", "aktor", "aktør", "nodes", "noder"),
    "initiatives": ("initiatives", "initiativ", "initiativer", "initiativene"),
}
COLUMNS = {"actors": ACTOR_COLUMNS, "initiatives": INITIATIVE_COLUMNS}

# Norwegian words for the model's codes; anything else goes to validation unchanged, which
# answers with the list of legal values.
KIND_WORDS = {
    "bibliotek": "library", "folkebibliotek": "library", "fylkesbibliotek": "library",
    "kommunal enhet": "municipal_unit", "kommunal": "municipal_unit", "enhet": "municipal_unit",
    "lag/forening": "association", "lag og foreninger": "association", "lag": "association",
    "forening": "association", "frivillig organisasjon": "association", "organisasjon": "association",
    "innbyggergruppe": "citizen_group", "innbyggere": "citizen_group", "innbyggergrupper": "citizen_group",
    "næringsliv": "business", "bedrift": "business", "næring": "business",
    "annen offentlig": "other_public", "offentlig": "other_public",
}
ROLE_WORDS = {"leder": "lead", "ansvarlig": "lead", "hovedansvarlig": "lead", "medskaper": "co_creator",
              "samskaper": "co_creator", "tilrettelegger": "facilitator", "fasilitator": "facilitator",
              "deltaker": "participant", "deltager": "participant"}
LOCATION_WORDS = {"bibliotek": "library", "biblioteket": "library", "på biblioteket": "library",
                  "utenfor": "outside", "ute": "outside", "utenfor biblioteket": "outside", "digitalt": "digital"}
SERVICE_MODEL_WORDS = {"totalt samarbeid": "total", "totalt": "total", "hybrid samarbeid": "hybrid",
                       "en dør inn": "en_dor_inn", "en dor inn": "en_dor_inn", "pac-man": "pacman",
                       "«pac-man»": "pacman", "pac man": "pacman"}


def header_key(text: str) -> str:
    return re.sub(r"[\s_.\-*]+", "", normalise_key(text))


HEADERS = {kind: {header_key(n): c for c in columns for n in c.names} for kind, columns in COLUMNS.items()}


def accepted_names(kind: str) -> str:
    """The accepted headers of a table, for messages: ``navn/name, type/kind, …``."""
    return ", ".join("/".join(c.names[:2]) + (" (required)" if c.required else "") for c in COLUMNS[kind])


def table_kind_from_name(name: str) -> str | None:
    stem = normalise_key(PurePosixPath(name).stem)
    for kind, names in TABLE_NAMES.items():
        if stem in names or stem.replace(" ", "") in names:
            return kind
    return None


def table_kind_from_header(header: Iterable) -> str | None:
    keys = {header_key(str(h)) for h in header if h not in (None, "")}
    if keys & {"tittel", "title", "partnere", "partners", "startet", "started"}:
        return "initiatives"
    if keys & {"navn", "name", "label", "type", "kind", "kommune", "municipality"}:
        return "actors"
    return None


def header_columns(kind: str, header: Iterable) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Where each model field is in a header row: (field → position, field → header as written,
    unknown headers). The first of two columns naming the same field wins; the export's derived
    columns (:data:`IGNORED_COLUMNS`) are left out silently, other unknown ones are listed."""
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for position, head in enumerate(header):
        if head is None or str(head).strip() == "":
            continue
        key = header_key(str(head))
        column = HEADERS[kind].get(key)
        if column is None:
            if key not in IGNORED_COLUMNS:
                ignored.append(str(head).strip())
        elif column.field not in index:
            index[column.field], written[column.field] = position, str(head).strip()
    return index, written, ignored


def missing_columns(kind: str, fields: Iterable[str]) -> list[Column]:
    """The required columns of a table of ``kind`` that ``fields`` lacks."""
    present = set(fields)
    return [c for c in COLUMNS[kind] if c.required and c.field not in present]
