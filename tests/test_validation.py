"""The data model's rules, as a librarian or an importing script meets them."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.model.entities import slugify
from graphsvc.model.errors import Invalid
from graphsvc.model.validation import org_number_is_valid, parse_actor, parse_document, parse_initiative
from helpers import example_document


def problems(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    return {p.path: p.message for p in caught.value.problems}


@pytest.mark.parametrize("number, valid", [
    ("974760673", True),   # Brønnøysundregistrene
    ("923609016", True),   # Equinor ASA
    ("974760674", False),  # last digit changed
    ("12345678", False),   # eight digits
    ("abcdefghi", False),
])
def test_organisation_numbers_are_checked_with_mod11(number, valid):
    assert org_number_is_valid(number) is valid


def test_an_actor_needs_name_kind_and_a_sector_when_public_and_may_have_no_municipality():
    found = problems(parse_actor, {"id": "x", "kind": "library"})
    assert set(found) == {"name", "sector"}  # a study's data may have no municipality (domain.md)
    unknown = parse_actor({"id": "w", "name": "Evelyn", "kind": "citizen_group", "municipality": None})
    assert unknown.municipality is None


def test_initiator_and_location_may_be_unknown_but_a_known_initiator_is_a_partner():
    from graphsvc.model.validation import parse_initiative

    data = {"id": "e1", "title": "Event 1", "started": "1933-01-01", "initiator": None, "location": None,
            "partners": [{"actor": "w1", "role": "participant"}, {"actor": "w2", "role": "participant"}]}
    initiative = parse_initiative(data)
    assert (initiative.initiator, initiative.location) == (None, None)
    found = problems(parse_initiative, {**data, "initiator": "w3", "location": "moon"})
    assert set(found) == {"initiator", "location"}


def test_sectors_are_an_open_vocabulary_compared_without_case_and_spaces():
    actor = parse_actor({"id": "x", "name": "Helsestasjonen", "kind": "municipal_unit",
                         "sector": "  Helse  og   Omsorg ", "municipality": "Hamar"})
    assert actor.sector == "helse og omsorg"


def test_unknown_fields_and_bad_values_are_named():
    found = problems(parse_actor, {"id": "Ø!", "name": "X", "kind": "association", "municipality": "Hamar",
                                   "municipality_number": "34", "service_model": "mega", "colour": "red",
                                   "registered": "21.02.2021", "tags": "a,b"})
    assert set(found) == {"id", "municipality_number", "service_model", "colour", "registered", "tags"}


def test_names_are_unicode_and_kept_as_written():
    actor = parse_actor({"id": "x", "name": "Sámi searvi – Ælvebø", "kind": "association", "municipality": "Tromsø"})
    assert actor.name == "Sámi searvi – Ælvebø"


def test_ids_are_made_url_safe_from_norwegian_names():
    assert slugify("Røde Kors Drammen") == "rode-kors-drammen"
    assert slugify("Bøker rundt bålet 2023") == "boker-rundt-balet-2023"
    assert slugify("Ærlig Åpen Økt") == "aerlig-apen-okt"


def test_an_initiative_must_end_after_it_starts_and_name_its_partners():
    found = problems(parse_initiative, {
        "id": "x", "title": "T", "started": "2022-05-01", "ended": "2022-04-30", "initiator": "c",
        "location": "library", "partners": [{"actor": "a", "role": "lead"}, {"actor": "a", "role": "participant"}]},
        known_actor_ids={"a"})
    assert found == {"ended": "must not be before started (2022-05-01)",
                     "partners[1].actor": "actor 'a' is listed twice",
                     "initiator": "'c' must be one of the partners"}


def test_an_initiative_may_start_and_end_the_same_day():
    item = parse_initiative({"id": "x", "title": "Konsert", "started": "2022-05-01", "ended": "2022-05-01",
                             "initiator": "a", "location": "outside",
                             "partners": [{"actor": "a", "role": "lead"}, {"actor": "b", "role": "participant"}]})
    assert item.ended == date(2022, 5, 1)


def test_a_document_reports_problems_with_their_paths():
    doc = example_document()
    doc["actors"].append(dict(doc["actors"][0]))
    doc["initiatives"][0]["partners"][1]["actor"] = "ghost"
    found = problems(parse_document, doc)
    assert found == {"actors[2].id": "duplicate id 'drammen-bibliotek' (also actors[0])",
                     "initiatives[0].partners[1].actor": "unknown actor 'ghost'"}


def test_a_document_must_say_its_format():
    assert problems(parse_document, {"actors": []}) == {"format": "must be 'graphsvc/1' (got None)"}
    assert problems(parse_document, []) == {"": "the document must be a JSON object"}


def test_partners_may_be_actors_already_stored():
    doc = example_document()
    doc["actors"] = doc["actors"][:1]
    actors, initiatives = parse_document(doc, existing_actor_ids={"rode-kors-drammen"})
    assert len(actors) == 1 and initiatives[0].actor_ids == ("drammen-bibliotek", "rode-kors-drammen")
