"""The glossary: every term the pages, the exports and the docs use, in bokmål and English, by code.

One table, so a thing has one name wherever it is shown: the history table and the forms say
"Hvor" for ``location``, the actor page and /metrics both say "mellomliggende sentralitet" for
betweenness, and the CSV exports carry the same words as the pages beside a stable code. The web
layer picks the user's language (``graphsvc.web.labels``); exports take a ``lang``;
``docs/glossary.md`` is written from this table (``python -m graphsvc.model.glossary``) and a
test keeps both, and the translation catalogue's words for these terms, in step with it.

Terms are grouped: ``kind``, ``role``, ``location``, ``service_model`` (the model's codes),
``pseudo_group`` (the group of actors without a sector, see ``analytics.compact``), ``field``
(field names, as forms and the history show them), ``measure`` (the silo metrics), ``word``
(other words that must not drift). ``forms`` lists the bokmål word's inflected forms a
translated sentence may use (a sentence about betweenness must say "mellomliggende sentralitet").
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("nb", "en")


@dataclass(frozen=True)
class Term:
    group: str
    code: str
    nb: str
    en: str
    #: What it means, in English (shown in docs/glossary.md).
    note: str = ""
    #: Lower-case stems a bokmål sentence about this term must contain (default: ``nb`` itself).
    forms: tuple[str, ...] = ()

    def label(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb

    def nb_forms(self) -> tuple[str, ...]:
        return self.forms or (self.nb.casefold(),)


def _terms(group: str, *rows) -> list[Term]:
    return [Term(group, *row) for row in rows]


TERMS: tuple[Term, ...] = tuple([
    *_terms("kind",
            ("library", "Bibliotek", "Library", "a public or county library (public)"),
            ("municipal_unit", "Kommunal enhet", "Municipal unit",
             "a unit of the municipality, with a sector (public)"),
            ("association", "Lag eller forening", "Association or club", "associations, clubs, NGOs (external)"),
            ("citizen_group", "Innbyggergruppe", "Citizen group",
             "a group of citizens, never a named person (external)"),
            ("business", "Næringsliv", "Business", "a business (external)"),
            ("other_public", "Annen offentlig virksomhet", "Other public body", "a public body outside the "
             "municipality (public)")),
    *_terms("role",
            ("lead", "Leder", "Lead", "leads the initiative"),
            ("co_creator", "Samskaper", "Co-creator", "creates it together with the others"),
            ("facilitator", "Tilrettelegger", "Facilitator", "supports an initiative others run "
             "(fasiliterende samskaping)"),
            ("participant", "Deltaker", "Participant", "takes part")),
    *_terms("location",
            ("library", "I biblioteket", "In the library", "the initiative takes place in the library"),
            ("outside", "Utenfor biblioteket", "Outside the library", "somewhere else"),
            ("digital", "Digitalt", "Digital", "online")),
    *_terms("service_model",
            ("total", "Totalt samarbeid", "Total cooperation", "one joint service (Indre Østfold)"),
            ("hybrid", "Hybrid samarbeid", "Hybrid cooperation", "joint budget and leadership, separate places "
             "(Drammen)"),
            ("en_dor_inn", "En dør inn", "One door in", "same building, separate desks"),
            ("pacman", "«Pac-man»", "“Pac-man”", "the library absorbs the citizen service centre")),
    *_terms("pseudo_group",
            ("(library)", "(bibliotek)", "(libraries)", "libraries without a sector"),
            ("(municipal_unit)", "(kommunale enheter)", "(municipal units)", "municipal units without a sector"),
            ("(association)", "(lag og foreninger)", "(associations and clubs)", "actors of kind association"),
            ("(business)", "(næringsliv)", "(business)", "actors of kind business"),
            ("(citizen_group)", "(innbyggergrupper)", "(citizen groups)", "actors of kind citizen group"),
            ("(other_public)", "(annen offentlig virksomhet)", "(other public bodies)", "actors of kind other "
             "public body without a sector"),
            ("(none)", "(ingen)", "(none)", "actors without the group attribute, all together")),
    *_terms("field",
            ("name", "Navn", "Name"),
            ("kind", "Type", "Kind", "kind of actor"),
            ("sector", "Sektor", "Sector", "the attribute silo metrics group by; any name, compared case- and "
             "space-insensitively"),
            ("municipality", "Kommune", "Municipality"),
            ("municipality_number", "Kommunenummer", "Municipality number", "four-digit kommunenummer"),
            ("org_number", "Organisasjonsnummer", "Organisation number", "nine digits from Enhetsregisteret"),
            ("service_model", "Organisering", "Service model", "how the library and the citizen service centre "
             "work together"),
            ("registered", "Registrert", "Registered"),
            ("tags", "Stikkord", "Tags"),
            ("title", "Tittel", "Title"),
            ("category", "Kategori", "Category"),
            ("started", "Startet", "Started"),
            ("ended", "Avsluttet", "Ended"),
            ("location", "Hvor", "Where"),
            ("initiator", "Hvem tok initiativet", "Who took the initiative"),
            ("partners", "Partnere", "Partners"),
            ("role", "Rolle", "Role"),
            ("disabled", "Deaktivert", "Disabled", "a user who may no longer log in"),
            ("created", "Opprettet", "Created", "when a user was added"),
            ("actors", "Aktører", "Actors", "the actors an import added or changed (the first of them)"),
            ("initiatives", "Initiativ", "Initiatives", "the initiatives an import added or changed (the first "
             "of them)"),
            ("actors_changed", "Aktører lagt til eller endret", "Actors added or changed", "an import's count"),
            ("initiatives_changed", "Initiativ lagt til eller endret", "Initiatives added or changed",
             "an import's count"),
            ("actors_created", "Nye aktører", "New actors", "an import's count"),
            ("actors_updated", "Endrede aktører", "Changed actors", "an import's count"),
            ("initiatives_created", "Nye initiativ", "New initiatives", "an import's count"),
            ("initiatives_updated", "Endrede initiativ", "Changed initiatives", "an import's count")),
    *_terms("user_role",
            ("viewer", "Leser", "Viewer", "may read and propose"),
            ("editor", "Redaktør", "Editor", "may add and change partners and initiatives"),
            ("admin", "Administrator", "Admin", "may also merge partners and manage users")),
    Term("measure", "mixing_matrix", "Blandingsmatrise", "Mixing matrix", "ties counted by the groups of their "
         "two ends", ("blandingsmatrise",)),
    Term("measure", "ei_index", "E-I-indeks", "E-I index", "(E − I) / (E + I); Krackhardt and Stern 1988",
         ("e-i-indeks", "e-i")),
    Term("measure", "assortativity", "Assortativitet", "Assortativity", "Newman's r by group", ("assortativitet",)),
    Term("measure", "blau", "Blaus heterogenitetsindeks", "Blau index", "1 − Σ p², the spread of an actor's "
         "partners over groups", ("blau",)),
    Term("measure", "brokerage", "Megling", "Brokerage", "Gould and Fernandez's five brokerage roles",
         ("megl",)),
    Term("measure", "coordinator", "Koordinator", "Coordinator", "brokers inside its own group (A → A → A)"),
    Term("measure", "itinerant", "Omreisende", "Itinerant", "links two members of another group (A → B → A)"),
    Term("measure", "gatekeeper", "Portvokter", "Gatekeeper", "lets an outsider into its own group (A → B → B)"),
    Term("measure", "representative", "Representant", "Representative", "passes from its own group to another "
         "(A → A → B)"),
    Term("measure", "liaison", "Forbindelsesledd", "Liaison", "links two other groups (A → B → C)"),
    Term("measure", "betweenness", "Mellomliggende sentralitet", "Betweenness", "share of shortest paths "
         "between others through the actor", ("mellomliggende sentralitet",)),
    Term("measure", "constraint", "Begrensning", "Constraint", "Burt: how much the actor's partners are tied to "
         "each other", ("begrensning",)),
    Term("measure", "effective_size", "Effektiv størrelse", "Effective size", "Burt: non-redundant partners",
         ("effektiv størrelse",)),
    Term("measure", "modularity", "Modularitet", "Modularity", "Newman–Girvan Q of a partition", ("modularitet",)),
    Term("measure", "community", "Gruppering", "Community", "a group Louvain found", ("gruppering",)),
    Term("measure", "permutation_test", "Permutasjonstest", "Permutation test", "group labels shuffled among "
         "the actors", ("permutasjon",)),
    Term("measure", "row_shares", "Radandeler", "Row shares", "each row of the mixing matrix as shares of its "
         "sum", ("radandel",)),
    Term("measure", "observed_expected", "Observert/forventet", "Observed/expected", "ties between two groups "
         "divided by the number expected from their tie ends", ("observert/forventet",)),
    Term("word", "co_creation", "Samskaping", "Co-creation", "an initiative with at least one external partner",
         ("samskap",)),
    Term("word", "change", "Endring", "Change", "a change (noun): what the history lists, a difference between "
         "periods"),
    Term("word", "edit", "Endre", "Edit", "to change something (verb)"),
    Term("word", "initiative", "Initiativ", "Initiative"),
    Term("word", "partner", "Partner", "Partner", "an actor in an initiative"),
    Term("word", "actor", "Aktør", "Actor"),
    Term("word", "tie", "Bånd", "Tie", "two actors who are partners in the same initiative"),
    Term("word", "yes", "Ja", "Yes", "a true flag, as the history shows it"),
    Term("word", "no", "Nei", "No", "a false flag, as the history shows it"),
    Term("word", "unknown", "ukjent", "unknown", "no value: the data does not say (e.g. a study's data has "
         "no municipality)"),
])

_BY_KEY = {(t.group, t.code): t for t in TERMS}


def term(group: str, code: str) -> Term | None:
    return _BY_KEY.get((group, code))


def label(group: str, code, lang: str = "nb") -> str:
    """The word for ``code`` in ``group``, in ``lang``; an unknown code is shown as it is.

    >>> label("kind", "association"), label("kind", "association", "en")
    ('Lag eller forening', 'Association or club')
    >>> label("pseudo_group", "(association)")
    '(lag og foreninger)'
    """
    if code is None:
        return ""
    found = _BY_KEY.get((group, str(code)))
    return found.label(lang) if found else str(code)


def labels(group: str, lang: str = "nb") -> dict[str, str]:
    """Every code of ``group`` with its word in ``lang``, in the table's order."""
    return {t.code: t.label(lang) for t in TERMS if t.group == group}


def group_label(code, lang: str = "nb") -> str:
    """A silo group as the pages show it: pseudo-groups such as ``(association)`` translated, sectors as
    they are."""
    if code is None:
        return ""
    found = _BY_KEY.get(("pseudo_group", str(code)))
    return found.label(lang) if found else str(code)


def markdown() -> str:
    """docs/glossary.md."""
    titles = {"kind": "Kinds of actor (`kind`)", "role": "Roles in an initiative (`role`)",
              "location": "Where an initiative takes place (`location`)",
              "service_model": "Library and citizen service centre (`service_model`)",
              "pseudo_group": "Groups of actors without a sector (silo metrics)",
              "field": "Fields", "user_role": "Users' roles (`role` of a user)",
              "measure": "Measures (see /metrics/om-malene)", "word": "Other words"}
    lines = ["# Glossary", "",
             "Generated from `graphsvc/model/glossary.py` (`python -m graphsvc.model.glossary > docs/glossary.md`);",
             "a test keeps it in step. The pages, the history, the exports' label columns and this file use",
             "these words; the code is what the API, the JSON and the exports' code columns carry.", ""]
    for group, title in titles.items():
        lines += [f"## {title}", "", "| code | bokmål | English | meaning |", "|---|---|---|---|"]
        lines += [f"| `{t.code}` | {t.nb} | {t.en} | {t.note} |" for t in TERMS if t.group == group]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
