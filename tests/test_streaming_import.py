"""The streaming import of graphsvc/1 files (``services.streaming``): what the in-memory import does,
batch by batch — the same result, the same problems with their paths, nothing written on a problem,
idempotent, one audit entry — on small files, with batches of 2 to force many of them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bench.synthetic import generate, to_graphsvc_json
from graphsvc.model.errors import Invalid
from graphsvc.services import graph as svc, streaming
from graphsvc.storage import open_store
from graphsvc.storage.base import Store
from helpers import example_document

DAY = date(2024, 5, 1)


@pytest.fixture
def make_store(tmp_path):
    stores = []

    def make(name: str = "s") -> Store:
        store = open_store(f"sqlite:///{tmp_path / f'{name}.db'}")
        store.ensure_schema()
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def write(path, doc, **dump):
    path.write_text(json.dumps(doc, ensure_ascii=False, **dump), encoding="utf-8")
    return path


def state(store: Store) -> dict:
    return {"export": svc.export_document(store), "version": store.graph_version(),
            "audit": store.list_audit(limit=1).total}


@pytest.fixture(scope="module")
def small_network():
    actors, initiatives = generate("S", seed=3, actors=60, initiatives=150, municipalities=3)
    return to_graphsvc_json(actors, initiatives)


@pytest.mark.parametrize("batch_size", [2, 7, 5000])
def test_same_result_as_the_in_memory_import(make_store, tmp_path, small_network, batch_size):
    path = write(tmp_path / "net.json", small_network)
    in_memory, streamed = make_store("memory"), make_store("stream")
    expected = svc.import_document(in_memory, small_network, today=DAY, by="alice")
    got = svc.import_document_file(streamed, path, today=DAY, by="alice", batch_size=batch_size)
    assert got == expected
    assert got.actors_created == 60 and got.initiatives_created == 150
    assert svc.export_document(streamed) == svc.export_document(in_memory)
    entry = streamed.list_audit(limit=5).items
    assert len(entry) == 1 and entry[0].action == "import" and entry[0].user == "alice"
    assert entry[0].after["actors_changed"] == 60 and entry[0].after["initiatives_changed"] == 150
    assert entry[0].after == in_memory.list_audit(limit=1).items[0].after


def test_reimport_changes_nothing_and_counts_updates(make_store, tmp_path, small_network):
    store = make_store()
    path = write(tmp_path / "net.json", small_network)
    svc.import_document_file(store, path, today=DAY, batch_size=2)
    before = state(store)
    again = svc.import_document_file(store, path, today=date(2030, 1, 1), batch_size=2)  # another day
    assert (again.actors_created, again.actors_updated, again.actors_unchanged) == (0, 0, 60)
    assert (again.initiatives_created, again.initiatives_updated, again.initiatives_unchanged) == (0, 0, 150)
    after = state(store)
    assert after["export"] == before["export"] and after["audit"] == before["audit"]  # no audit entry either

    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["actors"][5]["name"] = "Et nytt navn"
    doc["initiatives"][7]["title"] = "En ny tittel"
    doc["initiatives"][9]["partners"] = doc["initiatives"][9]["partners"][::-1]  # partner order is data
    doc["actors"].append({"id": "ny-forening", "name": "Ny forening", "kind": "association",
                          "municipality": "Drammen"})
    changed = svc.import_document_file(store, write(tmp_path / "changed.json", doc), today=DAY, batch_size=2)
    assert (changed.actors_created, changed.actors_updated, changed.actors_unchanged) == (1, 1, 59)
    assert (changed.initiatives_created, changed.initiatives_updated, changed.initiatives_unchanged) == (0, 2, 148)
    reference = make_store("reference")
    svc.import_document(reference, small_network, today=DAY)
    svc.import_document(reference, doc, today=DAY)
    assert svc.export_document(store) == svc.export_document(reference)


def test_an_actor_without_registration_date_keeps_the_stored_one(make_store, tmp_path):
    store = make_store()
    path = write(tmp_path / "ex.json", example_document())
    svc.import_document_file(store, path, today=date(2024, 1, 1))
    again = svc.import_document_file(store, path, today=date(2025, 6, 1))
    assert again.actors_unchanged == 2
    assert store.get_actor("drammen-bibliotek").registered == date(2024, 1, 1)


def test_problems_are_reported_with_their_paths_and_nothing_is_written(make_store, tmp_path):
    store = make_store()
    svc.import_document_file(store, write(tmp_path / "good.json", example_document()), today=DAY)
    before = state(store)
    doc = example_document()
    doc["actors"][0]["name"] = "Endret navn"  # a valid change that must not land either
    doc["actors"].append({"id": "x y", "name": "", "kind": "wizard", "municipality": "Hamar"})
    doc["actors"].append(dict(doc["actors"][1]))
    doc["initiatives"].append({
        "id": "lesesirkel", "title": "Lesesirkel", "started": "2022-01-01", "initiator": "drammen-bibliotek",
        "location": "library", "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                                            {"actor": "x", "role": "participant"}]})
    doc["initiatives"].append(dict(doc["initiatives"][0]))
    doc["extra"] = 1
    doc["format"] = "graphsvc/0"
    doc["description"] = ["not", "text"]
    path = write(tmp_path / "bad.json", doc)
    with pytest.raises(Invalid) as caught:
        svc.import_document_file(store, path, batch_size=2)
    streamed = [str(p) for p in caught.value.problems]
    with pytest.raises(Invalid) as reference:
        svc.import_document(store, doc)
    assert streamed == [str(p) for p in reference.value.problems]  # the same problems, in the same order
    assert "initiatives[1].partners[1].actor: unknown actor 'x'" in streamed
    assert "actors[3].id: duplicate id 'rode-kors-drammen' (also actors[1])" in streamed
    assert "initiatives[2].id: duplicate id 'sprakkafe-2021' (also initiatives[0])" in streamed
    assert streamed[:3] == ["format: must be 'graphsvc/1' (got 'graphsvc/0')", "extra: is not a known field",
                            "description: must be a string"]
    assert state(store) == before


def test_unknown_partners_are_found_across_batches_and_stored_actors_count_as_known(make_store, tmp_path):
    store = make_store()
    svc.import_document_file(store, write(tmp_path / "ex.json", example_document()), today=DAY)
    actors = [{"id": f"a{n}", "name": f"Aktør {n}", "kind": "association", "municipality": "Hamar"} for n in range(9)]

    def initiative(n: int, partners: list[str]) -> dict:
        return {"id": f"i{n}", "title": f"Tiltak {n}", "started": "2023-01-01", "initiator": partners[0],
                "location": "library", "partners": [{"actor": a, "role": "participant"} for a in partners]}

    initiatives = [initiative(n, [f"a{n}", f"a{(n + 1) % 9}"]) for n in range(9)]
    initiatives.append(initiative(9, ["a8", "rode-kors-drammen"]))  # a stored actor, not in the file
    initiatives.append(initiative(10, ["a0", "nobody"]))
    initiatives.append(initiative(11, ["ghost", "a7"]))
    doc = {"format": "graphsvc/1", "actors": actors, "initiatives": initiatives}
    before = state(store)
    with pytest.raises(Invalid) as caught:
        svc.import_document_file(store, write(tmp_path / "doc.json", doc), batch_size=2)
    assert [str(p) for p in caught.value.problems] == [
        "initiatives[10].partners[1].actor: unknown actor 'nobody'",
        "initiatives[11].partners[0].actor: unknown actor 'ghost'"]
    assert state(store) == before
    del initiatives[10:]
    summary = svc.import_document_file(store, write(tmp_path / "doc.json", doc), today=DAY, batch_size=2)
    assert summary.actors_created == 9 and summary.initiatives_created == 10


def test_initiatives_before_actors_and_a_bom_are_fine(make_store, tmp_path):
    doc = example_document()
    reordered = {"initiatives": doc["initiatives"], "actors": doc["actors"], "format": doc["format"],
                 "description": "initiatives first"}
    path = tmp_path / "reordered.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(reordered, indent=2).encode("utf-8"))
    store = make_store()
    summary = svc.import_document_file(store, path, today=DAY, batch_size=1)
    assert summary.actors_created == 2 and summary.initiatives_created == 1


def test_too_many_problems_are_capped_and_counted(make_store, tmp_path, monkeypatch):
    store = make_store()
    doc = {"format": "graphsvc/1", "actors": [{"id": f"a{n}", "kind": "wizard"} for n in range(30)]}
    with pytest.raises(Invalid) as caught:
        svc.import_document_file(store, write(tmp_path / "bad.json", doc), max_problems=10)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 11  # 30 actors × 2 problems (name, kind; municipality may be unknown): 10 listed, a count
    assert problems[0] == "actors[0].name: is required"
    assert problems[-1] == "… and 50 more problem(s) not listed"


@pytest.mark.parametrize(("content", "words"), [
    (b'{"format": "graphsvc/1", "actors": [', "not valid JSON"),
    (b"", "not valid JSON"),
    ('{"name": "Bjørn"}'.encode("latin-1"), "not UTF-8"),
    (b"[1, 2]", "must be a JSON object"),
    (b'{"format": "graphsvc/2", "actors": {}}', "format: must be 'graphsvc/1'"),
])
def test_unreadable_or_malformed_files_are_refused(make_store, tmp_path, content, words):
    store = make_store()
    path = tmp_path / "f.json"
    path.write_bytes(content)
    with pytest.raises(Invalid) as caught:
        svc.import_document_file(store, path)
    assert words in " | ".join(str(p) for p in caught.value.problems)
    assert store.graph_version() == 0
    with pytest.raises(Invalid, match="no such file"):
        svc.import_document_file(store, tmp_path / "missing.json")


def test_a_file_changed_between_check_and_write_changes_nothing(make_store, tmp_path, small_network, monkeypatch):
    store = make_store()
    path = write(tmp_path / "net.json", small_network)
    check = streaming.check_file

    def check_then_edit(*args, **kwargs):
        checked = check(*args, **kwargs)
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["actors"][0]["name"] = "Byttet ut etter sjekken"
        write(path, doc)
        return checked

    monkeypatch.setattr(streaming, "check_file", check_then_edit)
    with pytest.raises(Invalid, match="changed while it was being imported"):
        svc.import_document_file(store, path, batch_size=2)
    assert store.graph_version() == 0 and svc.export_document(store)["actors"] == []


def test_an_error_in_a_late_batch_rolls_everything_back(make_store, tmp_path, small_network, monkeypatch):
    store = make_store()
    svc.import_document_file(store, write(tmp_path / "ex.json", example_document()), today=DAY)
    before = state(store)
    real = streaming.parse_initiative
    calls = [0]

    def failing(item, **kwargs):
        calls[0] += 1
        if calls[0] > 140 and "known_actor_ids" not in kwargs:  # the write step, near the end
            raise RuntimeError("disk on fire")
        return real(item, **kwargs)

    monkeypatch.setattr(streaming, "parse_initiative", failing)
    with pytest.raises(RuntimeError):
        svc.import_document_file(store, write(tmp_path / "net.json", small_network), batch_size=2)
    assert state(store) == before


def test_the_default_store_method_collects_into_import_graph(make_store, tmp_path, small_network):
    """Stores without a streaming writer (Neo4j) get ``Store.import_batches``: the same result."""
    streamed, collected = make_store("stream"), make_store("collect")
    path = write(tmp_path / "net.json", small_network)
    first = svc.import_document_file(streamed, path, today=DAY, batch_size=3)
    collected.import_batches = Store.import_batches.__get__(collected)  # the base class's default
    second = svc.import_document_file(collected, path, today=DAY, batch_size=3)
    assert first == second
    assert svc.export_document(streamed) == svc.export_document(collected)
    assert svc.import_document_file(collected, path, today=DAY).actors_unchanged == 60


def test_the_cli_streams_json_files(cli, tmp_path, small_network):
    path = write(tmp_path / "net.json", small_network)
    first = cli("import", path)
    assert first.exit_code == 0, first.output
    assert "actors 60 new, 0 updated, 0 unchanged; initiatives 150 new" in first.output
    second = cli("import", path)
    assert "actors 0 new, 0 updated, 60 unchanged; initiatives 0 new, 0 updated, 150 unchanged" in second.output
