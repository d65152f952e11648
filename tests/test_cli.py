"""A researcher imports and exports graphsvc/1 files from the command line."""

from __future__ import annotations

import json

from helpers import example_document


def write(path, doc):
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_then_export_gives_the_same_document_again(cli, tmp_path, store_url):
    doc = example_document()
    doc["actors"][0]["registered"] = "2019-03-01"
    doc["actors"][1]["registered"] = "2020-01-15"
    result = cli("import", write(tmp_path / "in.json", doc))
    assert result.exit_code == 0
    assert "actors 2 new" in result.output and "initiatives 1 new" in result.output

    assert cli("export", "--format", "json", "-o", tmp_path / "out.json").exit_code == 0
    first = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert first["actors"][1]["name"] == "Røde Kors Drammen"
    assert first == {**doc, "actors": sorted(doc["actors"], key=lambda a: a["id"])}

    from click.testing import CliRunner

    from graphsvc.cli import main

    other = f"sqlite:///{tmp_path / 'empty.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--store", other, "import", str(tmp_path / "out.json")]).exit_code == 0
    again = runner.invoke(main, ["--store", other, "export"])
    assert json.loads(again.output) == first


def test_a_bad_document_is_refused_with_every_problem_and_nothing_changes(cli, tmp_path):
    assert cli("import", write(tmp_path / "good.json", example_document())).exit_code == 0
    before = cli("export").output

    doc = example_document()
    doc["actors"][0]["name"] = "Endret navn"  # a valid change that must not land either
    doc["actors"].append({"id": "x y", "name": "", "kind": "wizard", "municipality": "Hamar"})
    doc["initiatives"].append({
        "id": "lesesirkel", "title": "Lesesirkel", "started": "2022-01-01", "initiator": "drammen-bibliotek",
        "location": "library", "partners": [{"actor": "drammen-bibliotek", "role": "lead"},
                                            {"actor": "x", "role": "participant"}]})
    result = cli("import", write(tmp_path / "bad.json", doc))
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert "initiatives[1].partners[1].actor: unknown actor 'x'" in result.output
    assert "actors[2].kind: must be one of" in result.output
    assert "actors[2].name: is required" in result.output
    assert "actors[2].id: must be a URL-safe id" in result.output
    assert cli("export").output == before


def test_unreadable_files_get_one_clear_line(cli, tmp_path):
    missing = cli("import", tmp_path / "nope.json")
    assert missing.exit_code == 1 and "no such file" in missing.output
    (tmp_path / "broken.json").write_text('{"format": "graphsvc/1", "actors": [', encoding="utf-8")
    broken = cli("import", tmp_path / "broken.json")
    assert broken.exit_code == 1 and "not valid JSON" in broken.output
    (tmp_path / "latin1.json").write_bytes('{"name": "Bjørn"}'.encode("latin-1"))
    assert "not UTF-8" in cli("import", tmp_path / "latin1.json").output


def test_seed_twice_changes_nothing_the_second_time(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_SEED_PATH", str(write(tmp_path / "seed.json", example_document())))
    first = cli("seed")
    assert first.exit_code == 0 and "actors 2 new" in first.output
    second = cli("seed")
    assert "actors 0 new, 0 updated, 2 unchanged" in second.output
    assert len(json.loads(cli("export").output)["actors"]) == 2


def test_a_wrong_store_url_fails_in_one_line():
    from click.testing import CliRunner

    from graphsvc.cli import main

    result = CliRunner().invoke(main, ["--store", "postgres://db/graph", "check"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: GRAPHSVC_STORE_URL 'postgres://db/graph' is not a store URL; use sqlite:///path/to/file.db "
        "or neo4j://host:7687 (also neo4j+s://, bolt://)"]


def test_an_unreachable_neo4j_fails_in_one_line():
    from click.testing import CliRunner

    from graphsvc.cli import main

    result = CliRunner().invoke(main, ["--store", "bolt://neo4j:secret@127.0.0.1:9", "check"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "secret" not in lines[0]


def test_reimporting_a_file_without_registration_dates_on_another_day_changes_nothing(store_url, tmp_path):
    from datetime import date

    from graphsvc.services import graph as services
    from graphsvc.storage import open_store

    store = open_store(store_url)
    store.ensure_schema()
    services.import_document(store, example_document(), today=date(2024, 1, 1))
    again = services.import_document(store, example_document(), today=date(2025, 6, 1))
    assert (again.actors_unchanged, again.actors_updated) == (2, 0)
    assert store.get_actor("drammen-bibliotek").registered == date(2024, 1, 1)
    store.close()


# -- graphsvc jobs: the way out of a Neo4j bulk job that keeps failing (issue 13 review, 3) ----------------

def _jobs_cli(monkeypatch, db):
    """``graphsvc --store neo4j://… jobs …`` against the recording fake driver (tests/fake_neo4j.py)."""
    from click.testing import CliRunner

    from fake_neo4j import FakeDriver
    from graphsvc.cli import main
    from graphsvc.storage.neo4j import database

    monkeypatch.setattr(database.GraphDatabase, "driver", lambda *args, **kwargs: FakeDriver(db))

    def run(*args, stdin: str | None = None):
        return CliRunner().invoke(main, ["--store", "neo4j://neo4j:pw@db.invalid:7687", "jobs", *args], input=stdin)

    return run


def _stuck_import(db):
    """An import that committed, whose process is gone and whose completion keeps failing."""
    db.meta = {"job": "j1", "owner": "o1", "kind": "import", "state": "applying", "step": "initiatives",
               "by": "eva", "expired": True}
    db.staged = [{"job": "j1", "kind": "initiative", "batch": 4, "key": "t", "id": "t",
                  "partner_actors": ["a"], "partner_roles": ["lead"]}]


def test_jobs_status_shows_the_job_that_holds_the_graph_without_trying_to_complete_it(monkeypatch):
    from fake_neo4j import FakeDatabase

    db = FakeDatabase()
    jobs = _jobs_cli(monkeypatch, db)
    result = jobs("status")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "no bulk job holds the graph"
    _stuck_import(db)
    result = jobs("status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["job", "j1"] and lines[1].split() == ["kind", "import", "by", "eva"]
    assert lines[2].startswith("state    applying (committed") and lines[3].split() == ["step", "initiatives"]
    assert "run out" in lines[4] and lines[5].split() == ["staged", "initiative", "1"]
    # Only reads: the job is still there, untouched (ensure_schema would have tried to complete it).
    assert all(t.mode == "read" for t in db.transactions) and db.meta["owner"] == "o1"


def test_jobs_discard_gives_up_a_stuck_job_after_asking_and_writes_go_on(monkeypatch):
    from fake_neo4j import FakeDatabase

    db = FakeDatabase()
    _stuck_import(db)
    jobs = _jobs_cli(monkeypatch, db)
    wrong = jobs("discard", "j9", "--yes")
    assert wrong.exit_code == 1 and "no job j9 holds the graph" in wrong.output and db.meta["job"] == "j1"
    declined = jobs("discard", "j1", stdin="n\n")
    assert declined.exit_code == 1 and "half applied" in declined.output and db.meta["job"] == "j1"
    result = jobs("discard", "j1", stdin="y\n")
    assert result.exit_code == 0, result.output
    assert "job j1 (import) discarded; graph writes are accepted again" in result.output
    assert "restore a backup" in result.output
    assert db.meta == {} and db.staged == [] and db.initiatives == set()


def test_jobs_resume_completes_an_abandoned_job_and_asks_for_force_while_its_lease_runs(monkeypatch):
    from fake_neo4j import FakeDatabase

    db = FakeDatabase()
    _stuck_import(db)
    db.meta.pop("expired")
    db.meta["until"] = 600.0  # its lease still runs: its process may be alive
    jobs = _jobs_cli(monkeypatch, db)
    refused = jobs("resume")
    assert refused.exit_code == 1 and "--force" in refused.output and db.meta["owner"] == "o1"
    result = jobs("resume", "--force")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "job j1 (import) completed; graph writes are accepted again"
    assert db.meta == {} and db.initiatives == {"t"} and db.staged == []
    assert jobs("resume").output.strip() == "no bulk job holds the graph"


def test_jobs_on_sqlite_say_there_are_none(tmp_path):
    from click.testing import CliRunner

    from graphsvc.cli import main

    for args in (["status"], ["resume"], ["discard", "j1"]):
        result = CliRunner().invoke(main, ["--store", f"sqlite:///{tmp_path / 'g.db'}", "jobs", *args])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "this store has no bulk jobs (SQLite writes an import or a restore in one " \
                                        "transaction)"
