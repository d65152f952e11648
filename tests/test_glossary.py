"""One glossary: docs/glossary.md is written from it, the pages' labels come from it, and the
translation catalogue uses its words for the same terms (no "Betweenness" on one page and
"Mellomliggende sentralitet" on another, no "Endre" where "Endring" is meant)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from graphsvc.model import glossary
from graphsvc.web.i18n import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalogue():
    with (TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return [(m.id, m.string) for m in read_po(source, locale="nb") if m.id and isinstance(m.id, str)]


def test_docs_glossary_is_written_from_the_module():
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == glossary.markdown(), \
        "run: python -m graphsvc.model.glossary > docs/glossary.md"


def test_codes_are_unique_and_both_languages_are_given():
    keys = [(t.group, t.code) for t in glossary.TERMS]
    assert len(keys) == len(set(keys))
    assert all(t.nb and t.en for t in glossary.TERMS)
    from graphsvc.model.vocab import KINDS, LOCATIONS, ROLES, SERVICE_MODELS

    for group, codes in (("kind", KINDS), ("role", ROLES), ("location", LOCATIONS), ("service_model", SERVICE_MODELS)):
        assert set(glossary.labels(group)) == set(codes), group


def test_a_label_in_the_catalogue_translates_as_the_glossary_says(catalogue):
    """A msgid that is a glossary term's English word is translated with its bokmål word."""
    by_en = {t.en.casefold(): t for t in glossary.TERMS}
    wrong = [(msgid, msgstr, by_en[msgid.casefold()].nb) for msgid, msgstr in catalogue
             if msgid.casefold() in by_en and msgstr.casefold() != by_en[msgid.casefold()].nb.casefold()]
    assert not wrong, wrong


def test_every_sentence_about_a_measure_uses_the_glossarys_word(catalogue):
    wrong = []
    for t in glossary.TERMS:
        if t.group != "measure" or len(t.en) < 4:
            continue
        stem = re.escape(t.en.casefold().rstrip("y"))
        pattern = re.compile(rf"\b{stem}(y|ies|s)?\b")
        for msgid, msgstr in catalogue:
            if pattern.search(msgid.casefold()) and not any(form in msgstr.casefold() for form in t.nb_forms()):
                wrong.append((t.code, msgid, msgstr))
    assert not wrong, "\n".join(map(str, wrong))


def test_exports_label_columns_speak_the_users_language(client):
    import csv
    import io
    import zipfile

    from helpers import example_document

    assert client.post("/api/v1/import", json=example_document()).status_code == 200

    def kind_labels() -> dict[str, str]:
        archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/export?format=csv").data))
        rows = csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig")))
        return {r["id"]: (r["kind"], r["kind_label"]) for r in rows}

    assert kind_labels()["rode-kors-drammen"] == ("association", "Lag eller forening")
    client.get("/language/en")
    assert kind_labels()["rode-kors-drammen"] == ("association", "Association or club")
    groups = client.get("/api/v1/metrics/silo.csv?table=groups").data.decode("utf-8-sig")
    assert "(association),(associations and clubs)" in groups
