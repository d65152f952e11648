"""The store contract: every store behaves the same. Runs on SQLite always, on Neo4j where NEO4J_URI is set."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from graphsvc.domain.errors import Conflict, Invalid, NotFound
from graphsvc.domain.model import Partner
from graphsvc.storage.base import ActorFilter, InitiativeFilter

from conftest import association, initiative, library, school


def test_an_actor_is_stored_and_read_back_exactly(store):
    actor = replace(library(), municipality_number="3301", org_number="974760673", service_model="hybrid",
                    tags=("språk", "inkludering"), name="Drammen bibliotek – Ævrebø & Søn")
    store.create_actor(actor)
    assert store.get_actor(actor.id) == actor


def test_a_taken_id_is_a_conflict_and_a_missing_one_not_found(store):
    store.create_actor(library())
    with pytest.raises(Conflict):
        store.create_actor(library(name="Another name"))
    with pytest.raises(NotFound):
        store.get_actor("nobody")
    with pytest.raises(NotFound):
        store.update_actor(association("nobody"))
    with pytest.raises(NotFound):
        store.delete_actor("nobody")
    with pytest.raises(NotFound):
        store.get_initiative("nothing")
    with pytest.raises(NotFound):
        store.delete_initiative("nothing")


def test_updating_an_actor_replaces_its_fields(store):
    store.create_actor(library())
    store.update_actor(replace(library(), name="Drammensbiblioteket", tags=("ny",)))
    assert store.get_actor("drammen-bibliotek").name == "Drammensbiblioteket"
    assert store.get_actor("drammen-bibliotek").tags == ("ny",)


def test_actors_are_listed_by_name_with_filters_and_paging(store):
    for actor in (library(), association(), school(), school("lier-skole", "Lier skole", "Lier")):
        store.create_actor(actor)
    page = store.list_actors(limit=2)
    assert page.total == 4 and [a.name for a in page.items] == ["Drammen bibliotek", "Fjell skole"]
    assert [a.name for a in store.list_actors(limit=2, offset=2).items] == ["Lier skole", "Røde Kors Drammen"]
    assert {a.id for a in store.list_actors(ActorFilter(sector=" SKOLE ")).items} == {"fjell-skole", "lier-skole"}
    assert {a.id for a in store.list_actors(ActorFilter(municipality="lier")).items} == {"lier-skole"}
    assert {a.id for a in store.list_actors(ActorFilter(kind="association")).items} == {"rode-kors-drammen"}
    assert {a.id for a in store.list_actors(ActorFilter(q="røde")).items} == {"rode-kors-drammen"}


def test_an_initiative_keeps_its_partners_in_order(store):
    for actor in (library(), association(), school()):
        store.create_actor(actor)
    item = initiative(partners=("fjell-skole", "drammen-bibliotek", "rode-kors-drammen"), ended=date(2022, 6, 30))
    store.create_initiative(item)
    assert store.get_initiative(item.id) == item
    with pytest.raises(Conflict):
        store.create_initiative(item)


def test_an_initiative_with_an_unknown_partner_is_refused_and_nothing_is_stored(store):
    store.create_actor(library())
    with pytest.raises(Invalid) as caught:
        store.create_initiative(initiative())
    assert caught.value.problems[0].path == "partners[1].actor"
    assert store.list_initiatives().total == 0


def test_updating_an_initiative_replaces_partners(store):
    for actor in (library(), association(), school()):
        store.create_actor(actor)
    store.create_initiative(initiative())
    changed = replace(initiative(partners=("drammen-bibliotek", "fjell-skole")), title="Språkkafé på skolen")
    store.update_initiative(changed)
    assert store.get_initiative(changed.id) == changed
    with pytest.raises(NotFound):
        store.update_initiative(replace(changed, id="other"))


def test_deleting_an_actor_in_initiatives_is_refused_unless_cascading(store):
    for actor in (library(), association(), school()):
        store.create_actor(actor)
    store.create_initiative(initiative())
    store.create_initiative(initiative("lesesirkel", ("drammen-bibliotek", "fjell-skole")))
    with pytest.raises(Conflict):
        store.delete_actor("rode-kors-drammen")
    assert store.get_actor("rode-kors-drammen")
    assert store.delete_actor("rode-kors-drammen", cascade=True) == ["sprakkafe-2021"]
    assert [i.id for i in store.list_initiatives().items] == ["lesesirkel"]
    with pytest.raises(NotFound):
        store.get_actor("rode-kors-drammen")
    store.delete_initiative("lesesirkel")
    assert store.delete_actor("fjell-skole") == []


def test_initiatives_are_filtered_by_partner_category_and_dates(store):
    for actor in (library(), association(), school()):
        store.create_actor(actor)
    store.create_initiative(initiative("a", started=date(2019, 1, 1), ended=date(2019, 12, 31)))
    store.create_initiative(initiative("b", ("drammen-bibliotek", "fjell-skole"), started=date(2021, 5, 1),
                                       category="lesesirkel"))
    assert [i.id for i in store.list_initiatives().items] == ["a", "b"]
    assert [i.id for i in store.list_initiatives(InitiativeFilter(actor="fjell-skole")).items] == ["b"]
    assert [i.id for i in store.list_initiatives(InitiativeFilter(category="lesesirkel")).items] == ["b"]
    assert [i.id for i in store.list_initiatives(InitiativeFilter(started_from=date(2020, 1, 1))).items] == ["b"]
    assert [i.id for i in store.list_initiatives(InitiativeFilter(started_to=date(2020, 1, 1))).items] == ["a"]
    assert [i.id for i in store.list_initiatives(InitiativeFilter(active_at=date(2019, 6, 1))).items] == ["a"]
    assert [i.id for i in store.list_initiatives(InitiativeFilter(active_at=date(2020, 6, 1))).items] == []
    assert store.list_initiatives(limit=1, offset=1).items[0].id == "b"


def test_import_is_an_upsert_and_a_repeat_changes_nothing(store):
    actors = [library(), association()]
    summary = store.import_graph(actors, [initiative()])
    assert (summary.actors_created, summary.initiatives_created) == (2, 1)
    again = store.import_graph(actors, [initiative()])
    assert (again.actors_unchanged, again.initiatives_unchanged, again.actors_created) == (2, 1, 0)
    renamed = store.import_graph([replace(library(), name="Drammensbiblioteket")], [])
    assert renamed.actors_updated == 1
    assert store.snapshot() == ([replace(library(), name="Drammensbiblioteket"), association()], [initiative()])


def test_a_failed_import_leaves_the_store_as_it_was(store):
    store.import_graph([library(), association()], [initiative()])
    before = store.snapshot()
    broken = initiative("broken", ("drammen-bibliotek", "ghost"))
    with pytest.raises(Invalid):
        store.import_graph([replace(library(), name="Changed")], [broken])
    assert store.snapshot() == before


def test_every_write_changes_the_graph_version(store):
    versions = [store.graph_version()]
    store.create_actor(library())
    versions.append(store.graph_version())
    store.create_actor(association())
    store.create_initiative(initiative())
    versions.append(store.graph_version())
    store.delete_initiative("sprakkafe-2021")
    versions.append(store.graph_version())
    assert len(set(versions)) == len(versions)


def test_health_check_names_the_store(store):
    assert store.check()["store"] == store.kind


def test_clear_empties_everything(store):
    store.import_graph([library(), association()], [initiative()])
    store.clear()
    assert store.snapshot() == ([], [])


def test_partner_roles_survive(store):
    store.import_graph([library(), association()], [replace(initiative(), partners=(
        Partner("drammen-bibliotek", "facilitator"), Partner("rode-kors-drammen", "lead")))])
    assert [p.role for p in store.get_initiative("sprakkafe-2021").partners] == ["facilitator", "lead"]
