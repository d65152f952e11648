"""`graphsvc backup` and `graphsvc restore`: a lossless copy of everything, refused when it is not one.

The store-level promise (backup → restore → backup is identical, on every store) is in
tests/test_store_contract.py; here the commands an operator types, the file they write and the
checks a restore makes before it touches anything.
"""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest
from click.testing import CliRunner

from fake_neo4j import fake_store
from graphsvc.cli import main
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.model.errors import Invalid
from graphsvc.services import accounts, backup
from graphsvc.storage import open_store
from graphsvc.storage.base import StoreDump
from helpers import example_document, small_dump

PASSWORD = "et langt passord"


@pytest.fixture
def filled(cli, tmp_path):
    """The CLI's store with the example graph, an editor with a password and a token."""
    doc = tmp_path / "example.json"
    doc.write_text(json.dumps(example_document()), encoding="utf-8")
    assert cli("import", doc).exit_code == 0
    assert cli("users", "add", "eva", "--role", "editor", input=PASSWORD + "\n").exit_code == 0
    token = cli("tokens", "create", "eva").output.strip().splitlines()[-1]
    return token


def _without_created(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "created"}


def test_backup_then_restore_into_a_new_store_gives_the_identical_backup(cli, filled, tmp_path):
    file = tmp_path / "backup.json"
    done = cli("backup", "-o", file)
    assert done.exit_code == 0, done.output
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # it holds password hashes
    first = json.loads(file.read_text(encoding="utf-8"))
    assert first["format"] == "graphsvc-backup/1"
    assert len(first["graph"]["actors"]) == 2 and [u["name"] for u in first["users"]] == ["eva"]
    assert filled not in file.read_text(encoding="utf-8")  # the token itself is never stored

    other = f"sqlite:///{tmp_path / 'other.db'}"
    runner = CliRunner()
    restored = runner.invoke(main, ["--store", other, "restore", str(file)], catch_exceptions=False)
    assert restored.exit_code == 0, restored.output
    again = tmp_path / "again.json"
    assert runner.invoke(main, ["--store", other, "backup", "-o", str(again)]).exit_code == 0
    assert _without_created(json.loads(again.read_text(encoding="utf-8"))) == _without_created(first)

    store = open_store(other)
    try:
        assert accounts.login(store, "eva", PASSWORD) is not None
        assert accounts.user_for(store, filled, "token").name == "eva"
    finally:
        store.close()


def test_restore_refuses_a_file_of_another_format_in_one_line(cli, filled, tmp_path):
    export = tmp_path / "export.json"
    for content, words in ((json.dumps(example_document()), "graphsvc import"), ("[1, 2]", "JSON object"),
                           ("not json", "not valid JSON")):
        export.write_text(content, encoding="utf-8")
        done = cli("restore", export, "--yes")
        assert done.exit_code == 1
        lines = done.output.strip().splitlines()
        assert len(lines) == 1 and "not a graphsvc backup" in lines[0] and words in lines[0], done.output
    missing = tmp_path / "missing.json"
    assert cli("restore", missing).output.strip() == f"Error: {missing}: no such file"


def test_restore_into_a_store_that_is_not_empty_needs_yes(cli, filled, tmp_path):
    file = tmp_path / "backup.json"
    assert cli("backup", "-o", file).exit_code == 0
    assert cli("users", "add", "per", "--role", "viewer", input=PASSWORD + "\n").exit_code == 0

    refused = cli("restore", file)  # not a terminal: no question can be asked
    assert refused.exit_code == 1
    assert "not empty" in refused.output and "--yes" in refused.output and "nothing was changed" in refused.output
    assert "per" in cli("users", "list").output

    done = cli("restore", file, "--yes")
    assert done.exit_code == 0, done.output
    assert "per" not in cli("users", "list").output  # replaced, not merged


def test_a_backup_with_problems_lists_them_and_changes_nothing(cli, filled, tmp_path):
    file = tmp_path / "backup.json"
    assert cli("backup", "-o", file).exit_code == 0
    doc = json.loads(file.read_text(encoding="utf-8"))
    doc["graph"]["initiatives"][0]["partners"][1]["actor"] = "nobody"
    doc["credentials"][0]["user"] = "ghost"
    doc["users"][0]["role"] = "king"
    file.write_text(json.dumps(doc), encoding="utf-8")
    before = cli("export").output

    done = cli("restore", file, "--yes")
    assert done.exit_code == 1
    for path in ("graph.initiatives[0].partners[1].actor", "credentials[0].user", "users[0].role"):
        assert path in done.output, done.output
    assert "nothing was changed" in done.output
    assert cli("export").output == before


def test_backup_to_standard_output_restores_from_standard_input(cli, filled, tmp_path):
    out = cli("backup", "-o", "-")
    assert out.exit_code == 0
    text = out.output[:out.output.rindex("}") + 1]  # CliRunner mixes in the summary line of stderr
    assert json.loads(text)["format"] == "graphsvc-backup/1"
    done = cli("restore", "-", "--yes", input=text)
    assert done.exit_code == 0, done.output


def test_parse_backup_reads_what_to_backup_writes():
    from graphsvc.model.accounts import AuditEntry, Credential, Proposal, User, now

    moment = now()
    dump = StoreDump(
        graph_version=7,
        actors=[Actor("a", "A-lag", "association", "Lier"),
                Actor("b", "B bibliotek", "library", "Lier", sector="bibliotek", registered=date(2020, 1, 1))],
        initiatives=[Initiative("i", "Lesesirkel", date(2021, 1, 1), "b", "library",
                                (Partner("b", "lead"), Partner("a", "co_creator")))],
        users=[User("eva", "editor", "$argon2id$x", False, moment)],
        credentials=[Credential("d" * 64, "token", "eva", "script", moment, None)],
        proposals=[Proposal("p1", "actor", {"name": "N"}, "vera", moment)],
        audit=[AuditEntry(moment, "eva", "create", "actor", "a", None, {"id": "a"}, id="3")])
    assert backup.parse_backup(json.loads(json.dumps(backup.to_backup(dump)))) == dump


def test_a_wrong_format_is_one_problem_naming_both_formats():
    with pytest.raises(backup.NotABackup) as caught:
        backup.parse_backup({"format": "graphsvc/1", "actors": [], "initiatives": []})
    assert len(caught.value.problems) == 1
    assert "'graphsvc/1'" in caught.value.message and "graphsvc-backup/1" in caught.value.message
    with pytest.raises(Invalid) as caught:
        backup.parse_backup({"format": "graphsvc-backup/1", "graph": {"format": "graphsvc/1"}, "graph_version": -1,
                             "audit": [{"seq": 1}, {"seq": 1}], "extra": 1})
    paths = {p.path for p in caught.value.problems}
    assert {"graph_version", "audit[0].at", "audit[1].seq", "extra"} <= paths


# -- the Neo4j store's restore, through the recording fake driver -----------------------------------

def test_neo4j_restore_stages_everything_before_it_empties_the_store():
    """A restore is a bulk job (issue 13): every row is staged first, in transactions of bounded
    size; only after the commit is the store emptied and the staged rows applied."""

    store, db = fake_store()
    dump = small_dump()
    store.restore_all(dump)
    assert {t.mode for t in db.transactions} == {"write"}
    names = [name for t in db.transactions for name in t.names]
    assert names.index("SET_JOB_STATE") > max(i for i, n in enumerate(names) if n == "STAGE_ROWS")
    assert names.index("DELETE_GRAPH_BATCH") > names.index("SET_JOB_STATE")  # emptied only after the commit
    assert names.index("DELETE_ACCOUNTS_BATCH") > names.index("SET_JOB_STATE")
    for name in ("APPLY_STAGED_ACTORS", "APPLY_STAGED_INITIATIVES", "CREATE_STAGED_PARTNERS", "CREATE_CO_CREATES",
                 "APPLY_STAGED_USERS", "APPLY_STAGED_CREDENTIALS", "APPLY_STAGED_AUDIT_ENTRIES",
                 "RESTORE_AUDIT_SEQUENCE", "RESTORE_GRAPH_VERSION"):
        assert name in names, name
    assert "APPLY_STAGED_PROPOSALS" not in names  # nothing to send
    staged = {p["kind"]: p["rows"][0] for t in db.transactions for name, p in t.statements if name == "STAGE_ROWS"}
    assert staged["user"]["password_hash"] == "$argon2id$x"
    assert staged["audit"]["seq"] == 41
    params = dict(db.transactions[-1].statements)
    assert params["RESTORE_AUDIT_SEQUENCE"] == {"seq": 41}
    assert params["RESTORE_GRAPH_VERSION"] == {"version": 12}


def test_neo4j_dump_is_one_consistent_read_transaction():
    store, db = fake_store()
    dump = store.dump_all()
    assert dump == StoreDump(0, [], [], [], [], [], [])
    assert [t.mode for t in db.transactions] == ["read"]
    assert db.transactions[0].names == [
        "READ_VERSIONS", "ALL_ACTORS", "ALL_INITIATIVES", "GRAPH_VERSION", "LIST_USERS", "ALL_CREDENTIALS",
        "LIST_PROPOSALS", "ALL_AUDIT_ENTRIES", "READ_VERSIONS"]
