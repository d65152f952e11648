"""The Neo4j store, checked as far as it can be without a Neo4j server.

What a server is needed for (the Cypher's behaviour) is the Neo4j leg of
tests/test_store_contract.py, run in CI against a neo4j:5-community service. Here: opening
the store, failing fast and cleanly when the server is down, the mapping of driver errors,
the shape of every transaction (sent through a fake driver that records each statement), and
the conversion between domain objects and Neo4j values.
"""

from __future__ import annotations

import socket
import time
from datetime import date

import pytest
from neo4j import exceptions as neo4j_errors
from neo4j.time import Date as Neo4jDate

from fake_neo4j import fake_store
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.model.errors import Conflict, Invalid, NotFound, StoreUnavailable
from graphsvc.storage import open_store
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from graphsvc.storage.neo4j import Neo4jStore, bulk, cypher, records
from helpers import small_dump


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def store_factory():
    stores: list[Neo4jStore] = []

    def make(*args, **kwargs) -> Neo4jStore:
        store = open_store(*args, **kwargs) if not kwargs.pop("direct", False) else Neo4jStore(*args, **kwargs)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


# -- opening and failing fast ------------------------------------------------------------------

def test_open_store_builds_a_neo4j_store_from_a_url_with_credentials(store_factory):
    store = store_factory("neo4j://user:pw@localhost:7999")
    assert isinstance(store, Neo4jStore)
    assert store.kind == "neo4j"
    assert store.uri == "neo4j://localhost:7999"
    assert store.user == "user"
    assert "pw" not in repr(store)


def test_credentials_in_a_uri_given_directly_are_taken_out_of_it(store_factory):
    store = store_factory("bolt://reader:hemmelig@db.example:7687", direct=True)
    assert store.uri == "bolt://db.example:7687" and store.user == "reader"
    assert "hemmelig" not in repr(store)


@pytest.mark.parametrize("scheme", ["neo4j", "bolt"])
def test_check_against_a_closed_port_fails_fast_in_one_line_without_the_password(store_factory, closed_port,
                                                                                   scheme):
    store = store_factory(f"{scheme}://user:pw-s3cret@localhost:{closed_port}")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        store.check()
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert "\n" not in message
    assert f"{scheme}://localhost:{closed_port}" in message
    assert "pw-s3cret" not in message
    assert caught.value.status == 503


def test_every_call_against_a_dead_server_is_store_unavailable(store_factory, closed_port):
    store = store_factory(f"bolt://localhost:{closed_port}", user="neo4j", password="pw", direct=True,
                          max_retry_time=0)
    for call in (store.graph_version, lambda: store.get_actor("x"), store.clear, store.ensure_schema,
                 lambda: store.list_actors(ActorFilter(kind="library"))):
        with pytest.raises(StoreUnavailable, match=f"localhost:{closed_port}"):
            call()


def _server_error(code: str, message: str) -> neo4j_errors.Neo4jError:
    return neo4j_errors.Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(("raised", "expected", "words"), [
    (neo4j_errors.ServiceUnavailable("Couldn't connect\nreason: refused"), StoreUnavailable, "unavailable"),
    (neo4j_errors.SessionExpired("gone"), StoreUnavailable, "unavailable"),
    (_server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized"), StoreUnavailable,
     "refused the credentials of user 'neo4j'"),
    (_server_error("Neo.TransientError.General.DatabaseUnavailable", "starting"), StoreUnavailable, "unavailable"),
    (_server_error("Neo.ClientError.Database.DatabaseNotFound", "no such db"), StoreUnavailable, "no database"),
    (_server_error("Neo.ClientError.Schema.ConstraintValidationFailed", "already exists"), Conflict, "already"),
])
def test_driver_errors_become_the_projects_errors(store_factory, raised, expected, words):
    store = store_factory("neo4j://localhost:7687", user="neo4j", password="top-secret", direct=True)
    with pytest.raises(expected) as caught, store._translated_errors():
        raise raised
    assert words in str(caught.value)
    assert "\n" not in str(caught.value) and "top-secret" not in str(caught.value)


def test_programming_errors_are_not_disguised(store_factory):
    store = store_factory("neo4j://localhost:7687", direct=True)
    with pytest.raises(neo4j_errors.CypherSyntaxError), store._translated_errors():
        raise _server_error("Neo.ClientError.Statement.SyntaxError", "Invalid input")


# -- the shape of each transaction, through a fake driver -----------------------------------------

@pytest.fixture
def fake():
    """A Neo4jStore whose driver is a recording fake (tests/fake_neo4j.py), and the fake database behind it."""
    return fake_store()


LIBRARY = Actor(id="drammen-bibliotek", name="Drammen  Bibliotek", kind="library", municipality="Drammen",
                sector="bibliotek", registered=date(2020, 1, 15), tags=("hybrid", "innbyggertorg"))
RED_CROSS = Actor(id="rode-kors-drammen", name="Røde Kors Drammen", kind="association", municipality="Drammen")
SCHOOL = Actor(id="fjell-skole", name="Fjell skole", kind="municipal_unit", municipality="Drammen", sector="skole")
CAFE = Initiative(id="sprakkafe-2021", title="Språkkafé", category="Språkkafé", started=date(2021, 2, 1),
                  initiator="drammen-bibliotek", location="library",
                  partners=(Partner("drammen-bibliotek", "lead"), Partner("rode-kors-drammen", "co_creator"),
                            Partner("fjell-skole", "participant")))


def _statements(log) -> list[str]:
    return [name for name, _ in log]


def test_every_write_bumps_the_graph_version_first(fake):
    store, db = fake
    db.actors.update({LIBRARY.id, RED_CROSS.id, SCHOOL.id})
    db.initiatives.add(CAFE.id)
    writes = [
        lambda: store.update_actor(LIBRARY),
        lambda: store.update_initiative(CAFE),
        lambda: store.delete_initiative(CAFE.id),
        lambda: store.delete_actor(RED_CROSS.id),
    ]
    for number, write in enumerate(writes, start=1):
        write()
        mode, log = db.transactions[-1]
        assert mode == "write" and _statements(log)[0] == "BUMP_GRAPH_VERSION"
        assert db.version == number
    assert store.graph_version() == len(writes)
    for bulk_write in (lambda: store.import_graph([LIBRARY], [CAFE]), store.clear):  # jobs: see below
        before = db.version
        bulk_write()
        assert db.version > before and store.graph_version() == db.version


def _job_transactions(db, start: int = 0):
    return [t for t in db.transactions[start:] if t.mode == "write"]


def test_an_import_is_a_job_of_small_transactions_that_changes_the_graph_only_after_its_commit(fake):
    """Issue 13.1: begin (a mark), stage batch by batch (nothing visible), commit (one small
    transaction), apply batch by batch, finish (the audit entry, the mark gone)."""
    store, db = fake
    db.actors.add(SCHOOL.id)
    summary = store.import_graph([LIBRARY, RED_CROSS], [CAFE], by="imp")
    transactions = _job_transactions(db)
    names = [t.names for t in transactions]
    assert names[0] == ["BUMP_GRAPH_VERSION", "BEGIN_JOB"]
    # Each batch renews the job's lease at its start and again at its end (issue 13 review, 2).
    assert names[1] == ["RENEW_JOB", "GET_ACTORS", "ACTORS_WITH_IDENTITIES", "STAGE_ROWS", "RENEW_JOB"]
    assert names[2] == ["RENEW_JOB", "EXISTING_ACTOR_IDS", "GET_INITIATIVES", "STAGE_ROWS", "RENEW_JOB"]
    assert names[3] == ["RENEW_JOB", "SET_JOB_STATE"]  # the commit
    applying = names[4:-1]
    assert ["BUMP_GRAPH_VERSION", "RENEW_JOB", "NEXT_STAGED_BATCH", "APPLY_STAGED_ACTORS",
            "DELETE_STAGED", "RENEW_JOB"] in applying
    assert ["BUMP_GRAPH_VERSION", "RENEW_JOB", "NEXT_STAGED_BATCH", "APPLY_STAGED_INITIATIVES", "STAGED_KEYS",
            "DELETE_PARTNERS", "CREATE_STAGED_PARTNERS", "DELETE_CO_CREATES", "CREATE_CO_CREATES",
            "DELETE_STAGED", "RENEW_JOB"] in applying
    assert names[-1] == ["BUMP_GRAPH_VERSION", "RENEW_JOB", "CREATE_AUDIT_ENTRY", "END_JOB"]
    # Nothing touches the stored graph before the commit.
    graph_writes = {"APPLY_STAGED_ACTORS", "APPLY_STAGED_INITIATIVES", "DELETE_PARTNERS", "CREATE_STAGED_PARTNERS",
                    "CREATE_PARTNERS", "CREATE_CO_CREATES"}
    assert not graph_writes & {n for t in names[:4] for n in t}
    staged = dict(transactions[1].statements)["STAGE_ROWS"]
    assert [row["id"] for row in staged["rows"]] == [LIBRARY.id, RED_CROSS.id] and staged["kind"] == "actor"
    assert staged["rows"][0]["kind_of"] == "library" and staged["rows"][0]["registered"] == "2020-01-15"
    cafe = dict(transactions[2].statements)["STAGE_ROWS"]["rows"][0]
    assert (cafe["started"], cafe["ended"], cafe["category_key"]) == ("2021-02-01", None, "språkkafé")
    assert list(zip(cafe["partner_actors"], cafe["partner_roles"], strict=True)) == [
        ("drammen-bibliotek", "lead"), ("rode-kors-drammen", "co_creator"), ("fjell-skole", "participant")]
    assert summary.to_dict() == {"actors_created": 2, "actors_updated": 0, "actors_unchanged": 0,
                                 "initiatives_created": 1, "initiatives_updated": 0, "initiatives_unchanged": 0}
    assert [(e["action"], e["object_kind"], e["user"]) for e in db.audit] == [("import", "graph", "imp")]
    assert db.staged == [] and db.meta == {}
    assert all(t.timeout == bulk.BATCH_TIMEOUT for t in transactions)
    # 13.7: the stored objects compared are those of the batch's ids, read inside its transaction;
    # never the whole graph (the default Store.import_batches once read snapshot() for undated actors).
    assert dict(transactions[1].statements)["GET_ACTORS"] == {"ids": [LIBRARY.id, RED_CROSS.id]}
    assert not {"ALL_ACTORS", "ALL_INITIATIVES"} & {n for t in db.transactions for n in t.names}


def test_import_with_an_unknown_partner_names_its_path(fake):
    store, db = fake
    with pytest.raises(Invalid) as caught:
        store.import_graph([LIBRARY, RED_CROSS], [CAFE])
    assert [p.path for p in caught.value.problems] == ["initiatives[0].partners[2].actor"]
    assert "fjell-skole" in caught.value.problems[0].message


def test_create_initiative_with_an_unknown_partner_is_invalid(fake):
    store, db = fake
    db.actors.update({LIBRARY.id, SCHOOL.id})
    with pytest.raises(Invalid) as caught:
        store.create_initiative(CAFE)
    assert caught.value.field == "partners[1].actor"
    assert "CREATE_INITIATIVE" not in _statements(db.transactions[-1][1])


def test_create_initiative_with_a_taken_id_is_a_conflict(fake):
    store, db = fake
    db.actors.update({LIBRARY.id, RED_CROSS.id, SCHOOL.id})
    db.initiatives.add(CAFE.id)
    with pytest.raises(Conflict):
        store.create_initiative(CAFE)


def test_create_initiative_writes_partners_derived_ties_and_an_audit_entry(fake):
    store, db = fake
    db.actors.update({LIBRARY.id, RED_CROSS.id, SCHOOL.id})
    assert store.create_initiative(CAFE, by="kari") == CAFE
    names = _statements(db.transactions[-1][1])
    assert names[names.index("CREATE_INITIATIVE"):] == [
        "CREATE_INITIATIVE", "CREATE_PARTNERS", "DELETE_CO_CREATES", "CREATE_CO_CREATES", "CREATE_AUDIT_ENTRY"]
    entry = db.audit[-1]
    assert (entry["user"], entry["action"], entry["object_kind"], entry["object_id"]) == (
        "kari", "create", "initiative", CAFE.id)
    assert '"sprakkafe-2021"' in entry["after"] and entry["before"] is None


def test_an_actor_with_a_taken_name_is_a_conflict_on_name(fake):
    store, db = fake
    db.identities.add(records.actor_row(LIBRARY)["identity_key"])
    with pytest.raises(Conflict) as caught:
        store.create_actor(LIBRARY)
    assert caught.value.field == "name" and "Drammen" in str(caught.value)
    assert "CREATE_ACTOR" not in _statements(db.transactions[-1][1])


def test_a_repeated_import_rewrites_nothing(fake):
    store, db = fake
    db.actors.update({"a", "b"})
    db.initiatives.add("t")
    same_actor = records.actor_from(db.actor_props("a"))
    record = db.initiative_record("t")
    same_initiative = records.initiative_from(record["initiative"], record["partners"])
    summary = store.import_graph([same_actor], [same_initiative])
    assert (summary.actors_unchanged, summary.initiatives_unchanged, summary.actors_created) == (1, 1, 0)
    names = {n for t in db.transactions for n in t.names}
    assert not names & {"STAGE_ROWS", "SET_JOB_STATE", "APPLY_STAGED_ACTORS", "CREATE_AUDIT_ENTRY"}
    assert db.meta == {}  # the job was ended without a commit


def test_missing_things_are_not_found(fake):
    store, db = fake
    for call in (lambda: store.get_actor("nobody"), lambda: store.update_actor(RED_CROSS),
                 lambda: store.delete_actor("nobody"), lambda: store.get_initiative("nothing"),
                 lambda: store.update_initiative(CAFE), lambda: store.delete_initiative("nothing")):
        with pytest.raises(NotFound):
            call()


def test_deleting_a_partner_needs_cascade(fake):
    store, db = fake
    db.actors.update({RED_CROSS.id})
    db.partner_in[RED_CROSS.id] = ["b-initiative", "a-initiative"]
    db.initiatives.update({"a-initiative", "b-initiative"})
    with pytest.raises(Conflict, match="a-initiative"):
        store.delete_actor(RED_CROSS.id)
    assert "DELETE_ACTOR" not in _statements(db.transactions[-1][1])
    assert store.delete_actor(RED_CROSS.id, cascade=True) == ["a-initiative", "b-initiative"]
    names = _statements(db.transactions[-1][1])
    assert names.index("DELETE_INITIATIVES") < names.index("DELETE_ACTOR")
    assert dict(db.transactions[-1][1])["DELETE_INITIATIVES"]["ids"] == ["a-initiative", "b-initiative"]


def test_filters_are_sent_as_normalised_keys(fake):
    store, db = fake
    page = store.list_actors(ActorFilter(sector=" Bibliotek ", municipality="INDRE  Østfold", q="Røde  KORS"),
                             limit=10, offset=20)
    assert (page.total, page.limit, page.offset, page.items) == (0, 10, 20, [])
    params = dict(db.transactions[-1][1])["LIST_ACTORS"]
    assert params == {"kind": None, "sector_key": "bibliotek", "municipality_key": "indre østfold",
                      "q": "røde kors", "limit": 10, "offset": 20}
    store.list_initiatives(InitiativeFilter(category="Pop-up  bibliotek", active_at=date(2022, 5, 17)))
    params = dict(db.transactions[-1][1])["LIST_INITIATIVES"]
    assert params["category_key"] == "pop-up bibliotek" and params["active_at"] == "2022-05-17"
    assert params["started_from"] is None and params["actor"] is None


def test_check_reports_the_server(fake):
    store, db = fake
    facts = store.check()
    assert facts["store"] == "neo4j" and facts["server_version"] == "5.26.0"
    assert "pw" not in str(facts)


# -- between domain objects and Neo4j values ------------------------------------------------------

def test_actor_round_trips_through_its_row_and_neo4j_dates():
    row = records.actor_row(LIBRARY)
    assert row["name_key"] == "drammen bibliotek" and row["sector_key"] == "bibliotek"
    assert row["registered"] == "2020-01-15" and row["tags"] == ["hybrid", "innbyggertorg"]
    stored = {k: v for k, v in row.items() if v is not None}
    stored["registered"] = Neo4jDate(2020, 1, 15)  # what the driver hands back for a Neo4j date
    assert records.actor_from(stored) == LIBRARY
    bare = records.actor_row(RED_CROSS)
    assert bare["tags"] is None and bare["registered"] is None and bare["sector_key"] is None
    assert records.actor_from({k: v for k, v in bare.items() if v is not None}) == RED_CROSS


def test_initiative_partners_come_back_in_their_stored_order():
    props = {"id": CAFE.id, "title": CAFE.title, "category": CAFE.category, "started": Neo4jDate(2021, 2, 1),
             "location": "library", "initiator": CAFE.initiator}
    partners = [{"actor": "fjell-skole", "role": "participant", "position": 2},
                {"actor": "drammen-bibliotek", "role": "lead", "position": 0},
                {"actor": "rode-kors-drammen", "role": "co_creator", "position": 1}]
    initiative = records.initiative_from(props, partners)
    assert initiative == CAFE
    assert isinstance(initiative.started, date) and initiative.ended is None


def test_an_import_is_summed_up_and_audited_exactly_as_the_sqlite_store_does(fake, tmp_path):
    """One rule for both stores (storage.rules): the same summary, and one audit entry of counts
    and the first 1,000 ids — not every id of an L import (7 MB) and no counts, as before."""
    import json

    store, db = fake
    actors = [Actor(f"lag-{n:04d}", f"Lag {n}", "association", "Lier") for n in range(1004)] + [LIBRARY, RED_CROSS]
    db.actors.add(SCHOOL.id)
    summary = store.import_graph(actors, [CAFE], by="imp")
    sqlite = open_store(f"sqlite:///{tmp_path / 'same.db'}")
    sqlite.ensure_schema()
    sqlite.create_actor(SCHOOL)
    try:
        assert sqlite.import_graph(actors, [CAFE], by="imp") == summary
        expected = sqlite.list_audit(object_kind="graph", limit=1).items[0]
    finally:
        sqlite.close()
    entry = db.audit[-1]
    assert (entry["user"], entry["action"], entry["object_kind"], entry["object_id"]) == ("imp", "import", "graph",
                                                                                          None)
    assert json.loads(entry["after"]) == expected.after
    assert expected.after["actors_changed"] == 1006 and len(expected.after["actors"]) == 1000


# -- issue 13: causal consistency, timeouts, retries, consistent reads, locks, bulk jobs ------------------

def test_every_session_of_a_store_shares_one_bookmark_manager(fake):
    """13.4: on a cluster, a session sees what the store's earlier sessions committed only through
    bookmarks: a login, then a request that must find its session."""
    from graphsvc.model.accounts import Credential, User

    store, db = fake
    db.actors.add(LIBRARY.id)
    store.create_user(User("eva", "editor"))
    store.add_credential(Credential("d" * 64, "session", "eva"))
    store.find_credential("d" * 64)
    store.get_actor(LIBRARY.id)
    store.import_graph([RED_CROSS], [])
    store.dump_all()
    managers = [config.get("bookmark_manager") for config in db.sessions]
    assert len(managers) >= 8 and managers[0] is not None
    assert all(m is managers[0] for m in managers) and managers[0] is store.db.bookmarks
    other, _ = fake_store()
    assert other.db.bookmarks is not store.db.bookmarks  # one per store, not one per process


def test_web_writes_carry_a_transaction_timeout_and_reads_none(fake):
    from graphsvc.storage.neo4j.database import WRITE_TIMEOUT

    store, db = fake
    db.actors.update({LIBRARY.id, RED_CROSS.id, SCHOOL.id})
    store.update_actor(LIBRARY)
    store.get_actor(LIBRARY.id)
    assert [(t.mode, t.timeout) for t in db.transactions] == [("write", WRITE_TIMEOUT), ("read", None)]


def _error(code: str, message: str = "boom") -> neo4j_errors.Neo4jError:
    return neo4j_errors.Neo4jError._hydrate_neo4j(code=code, message=message)


def test_a_transaction_out_of_memory_is_not_retried_and_says_what_to_change(fake):
    """13.1: the driver retries MemoryPoolOutOfMemoryError (a TransientError) whole, for as long as
    its retry time allows; it must fail at once, as a 503 that names the cause."""
    store, db = fake
    db.actors.update({LIBRARY.id, RED_CROSS.id, SCHOOL.id})
    db.fail_on["UPDATE_ACTOR"] = [_error("Neo.TransientError.General.MemoryPoolOutOfMemoryError")]
    with pytest.raises(StoreUnavailable, match="too large for the memory") as caught:
        store.update_actor(LIBRARY)
    assert caught.value.status == 503 and len(db.transactions) == 1  # one attempt
    db.fail_on["UPDATE_ACTOR"] = [_error("Neo.TransientError.Transaction.DeadlockDetected")]
    store.update_actor(LIBRARY)  # a deadlock is retried, and the retry succeeds
    assert [t.outcome for t in db.transactions[1:]] == ["rolled back", "committed"]


@pytest.mark.parametrize(("raised", "expected", "words"), [
    (_error("Neo.ClientError.General.TransactionOutOfMemoryError"), StoreUnavailable, "too large for the memory"),
    (_error("Neo.ClientError.Statement.EntityNotFound", "Node 12 not found"), Conflict, "deleted at the same moment"),
    (_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"), StoreUnavailable,
     "did not finish the change in time"),
    (neo4j_errors.IncompleteCommit("connection lost"), StoreUnavailable, "may or may not have been saved"),
])
def test_errors_that_once_reached_users_as_500_get_their_own_answer(store_factory, raised, expected, words):
    store = store_factory("neo4j://localhost:7687", user="neo4j", password="pw", direct=True)
    with pytest.raises(expected, match=words), store._translated_errors():
        raise raised


def test_a_duplicate_user_name_is_a_conflict_on_name_as_in_sqlite(fake):
    from graphsvc.model.accounts import User

    store, db = fake
    db.fail_on["CREATE_USER"] = [_error("Neo.ClientError.Schema.ConstraintValidationFailed", "already exists")]
    with pytest.raises(Conflict) as caught:
        store.create_user(User("eva", "editor"))
    assert caught.value.field == "name" and "eva" in str(caught.value)


def test_a_dump_that_saw_a_write_commit_is_read_again(fake):
    """13.2: Neo4j reads committed data; a dump is consistent only if no write committed while it
    read, which the graph version and the audit counter, read before and after, tell."""
    store, db = fake
    db.versions = [{"graph": 7, "audit": 3, "job_state": None}, {"graph": 8, "audit": 4, "job_state": None}]
    store.dump_all()
    reads = [t for t in db.transactions if t.mode == "read"]
    assert len(reads) == 2
    assert reads[0].names[0] == "READ_VERSIONS" and reads[0].names[-1] == "READ_VERSIONS"
    assert "ALL_ACTORS" in reads[0].names and "ALL_AUDIT_ENTRIES" in reads[0].names
    assert reads[1].names == reads[0].names


def test_a_snapshot_waits_while_a_bulk_write_is_being_applied(fake, monkeypatch):
    from graphsvc.storage.neo4j import database

    store, db = fake
    monkeypatch.setattr(database.time, "sleep", lambda seconds: None)
    db.versions = [{"graph": 9, "audit": 0, "job_state": "applying"}] * 3
    store.snapshot()
    reads = [t for t in db.transactions if t.mode == "read"]
    assert [t.names for t in reads[:3]] == [["READ_VERSIONS"]] * 3  # not read at all while half applied
    assert reads[3].names == ["READ_VERSIONS", "ALL_ACTORS", "ALL_INITIATIVES", "READ_VERSIONS"]


def test_a_read_that_never_sees_one_moment_gives_up_with_a_503(fake, monkeypatch):
    from graphsvc.storage.neo4j import database

    store, db = fake
    monkeypatch.setattr(database.time, "sleep", lambda seconds: None)
    answers = iter(range(10_000))
    monkeypatch.setattr(db, "answer_READ_VERSIONS", lambda p: [{"graph": next(answers), "audit": 0,
                                                                "job_state": None}])
    with pytest.raises(StoreUnavailable, match="kept changing"):
        store.db.consistent_read(lambda tx: None, wait=0.0)


def test_accepting_a_proposal_locks_it_before_reading_its_status():
    """13.3: the Cypher manual's lost-update pattern — a property set (the write lock) before the
    status is compared; without it two editors could both accept one proposal."""
    statement = cypher.DECIDE_PROPOSAL
    assert statement.index("SET p.lock = true") < statement.index("WHERE p.status = $expected_status")
    assert "REMOVE p.lock" in statement


def test_a_credential_hangs_on_its_user_and_is_found_only_through_that_tie(fake):
    """13.6: linked by a relationship (which locks the user node), found through it: a credential
    can no longer outlive its user and log in as a later user of the same name."""
    from graphsvc.model.accounts import Credential

    assert "(u)-[:HAS_CREDENTIAL]->(c:Credential" in cypher.ADD_CREDENTIAL
    assert "MATCH (u:User)-[:HAS_CREDENTIAL]->(c:Credential {digest: $digest})" in cypher.FIND_CREDENTIAL
    assert "c.user" not in cypher.FIND_CREDENTIAL
    assert "HAS_CREDENTIAL" in cypher.DELETE_USER and "u.created <= c.created" in cypher.LINK_CREDENTIALS
    store, db = fake
    store.add_credential(Credential("d" * 64, "token", "eva"))
    assert db.transactions[-1].names == ["LOCK_GRAPH_META", "ADD_CREDENTIAL"]


def test_writes_are_refused_while_a_bulk_job_holds_the_graph_and_an_abandoned_one_is_completed(fake):
    from graphsvc.model.accounts import Credential

    store, db = fake
    db.actors.add(LIBRARY.id)
    db.meta = {"job": "j1", "owner": "o1", "kind": "import", "state": "staging", "expired": False}
    with pytest.raises(StoreUnavailable, match="an import is being written"):
        store.update_actor(LIBRARY)
    store.add_credential(Credential("d" * 64, "token", "eva"))  # accounts go on during an import…
    db.meta["kind"] = "restore"
    with pytest.raises(StoreUnavailable, match="a restore"):
        store.add_credential(Credential("e" * 64, "token", "eva"))  # …but not during a restore
    # The importing process died after its commit: the next write completes the import first.
    db.meta = {"job": "j1", "owner": "o1", "kind": "import", "state": "applying", "step": "initiatives",
               "audit": '{"actors_changed": 0, "initiatives_changed": 1}', "by": "imp", "expired": True}
    db.staged = [{"job": "j1", "kind": "initiative", "batch": 2, "key": "t", "id": "t",
                  "partner_actors": ["a", "b"], "partner_roles": ["lead", "participant"]}]
    start = len(db.transactions)
    store.update_actor(LIBRARY)
    names = [t.names for t in db.transactions[start:]]
    assert names[0] == ["BUMP_GRAPH_VERSION"]  # refused: an abandoned job
    assert names[1] == ["BUMP_GRAPH_VERSION", "TAKE_OVER_JOB"]
    assert "APPLY_STAGED_INITIATIVES" in names[2] and "CREATE_AUDIT_ENTRY" in names[-2]
    assert names[-1][:2] == ["BUMP_GRAPH_VERSION", "GET_ACTOR"]  # then the write itself
    assert db.initiatives == {"t"} and db.staged == [] and db.meta == {}
    assert [(e["user"], e["action"]) for e in db.audit[-2:]] == [("imp", "import"), (None, "update")]


def test_an_abandoned_job_that_never_committed_is_discarded(fake):
    store, db = fake
    db.meta = {"job": "j1", "owner": "o1", "kind": "restore", "state": "staging", "expired": True}
    db.staged = [{"job": "j1", "kind": "actor", "batch": 1, "key": "a", "id": "a"}]
    db.actors.add("kept")
    store.ensure_schema()  # a restart
    assert db.staged == [] and db.meta == {} and db.actors == {"kept"}


def test_a_failed_import_deletes_what_it_staged_and_changes_nothing(fake):
    store, db = fake
    db.actors.add(SCHOOL.id)
    broken = Initiative("broken", "B", date(2021, 1, 1), "drammen-bibliotek", "library",
                        (Partner("drammen-bibliotek", "lead"), Partner("ghost", "participant")))
    with pytest.raises(Invalid) as caught:
        store.import_batches([[LIBRARY], [RED_CROSS]], [[CAFE], [broken]])
    assert [p.path for p in caught.value.problems] == ["initiatives[1].partners[1].actor"]
    names = {n for t in db.transactions for n in t.names}
    assert "STAGE_ROWS" in names and "SET_JOB_STATE" not in names
    assert not {n for n in names if n.startswith("APPLY_STAGED")}
    assert db.staged == [] and db.meta == {} and db.actors == {SCHOOL.id}


def test_a_name_taken_by_a_stored_actor_is_refused_while_staging(fake):
    store, db = fake
    db.identities.add(records.identity_key(RED_CROSS))
    with pytest.raises(Conflict) as caught:
        store.import_graph([LIBRARY, RED_CROSS], [])
    assert caught.value.field == "name" and "Someone else" in str(caught.value)
    assert db.staged == [] and db.meta == {}


def test_a_job_taken_over_by_another_process_stops_this_one(fake):
    store, db = fake
    job = store.bulk.begin("import", None)
    db.meta["owner"] = "someone-else"
    with pytest.raises(bulk.JobLost):
        store.bulk.stage(job, "actor", lambda tx: (None, []))


def _other_process(db) -> Neo4jStore:
    """A second store (another process) on the same fake database."""
    from fake_neo4j import FakeDriver

    other, _ = fake_store()
    other._driver = FakeDriver(db)
    return other


def test_a_batch_as_slow_as_its_timeout_keeps_its_job(fake):
    """Issue 13 review, 2: the lease outlasts a batch (with the driver's retries) and is renewed at each
    batch's end, from the wall clock then; so another process never takes over a live job, however slow
    its batches — and does take over one whose process stopped."""
    from graphsvc.storage.neo4j.database import MAX_RETRY_TIME

    assert bulk.LEASE_SECONDS > bulk.BATCH_TIMEOUT + MAX_RETRY_TIME
    renew = " ".join(cypher.RENEW_JOB.split())
    assert "SET m.job_until = datetime.realtime() + duration({seconds: $lease})" in renew  # not the tx's start
    store, db = fake
    other = _other_process(db)
    job = store.bulk.begin("import", None)

    def slow(tx):
        db.clock += bulk.BATCH_TIMEOUT  # the longest a batch transaction may take
        return None, [{"key": "a", "id": "a"}]

    store.bulk.stage(job, "actor", slow)
    db.clock += 1  # between two batches
    with pytest.raises(StoreUnavailable, match="an import is being written"):
        other.update_actor(LIBRARY)
    assert db.meta["owner"] == job.owner
    store.bulk.stage(job, "actor", slow)  # not JobLost
    store.bulk.commit(job, first_step="actors")
    db.clock += 1
    with pytest.raises(StoreUnavailable, match="an import is being written"):
        other.update_actor(LIBRARY)
    # The importing process dies: once its lease has run out, the next write completes the job.
    db.clock += bulk.LEASE_SECONDS + 1
    db.actors.add(LIBRARY.id)
    other.update_actor(LIBRARY)
    assert db.meta == {} and db.staged == [] and db.actors == {"a", LIBRARY.id}


def test_staged_rows_are_applied_and_deleted_by_their_batch_never_key_by_key():
    """Issue 13 review, 1: every statement that reads or deletes staged rows matches the staged_rows
    index's properties (job, kind, batch), so a batch reads its 5,000 rows, not every staged row of the
    job (quadratic at L); nothing looks staged rows up by key."""
    import re

    assert "(s.job, s.kind, s.batch)" in cypher.CREATE_STAGED_INDEX
    readers = [name for name in vars(cypher) if name.startswith("APPLY_STAGED_")]
    assert len(readers) == 6
    for name in (*readers, "CREATE_STAGED_PARTNERS", "DELETE_STAGED", "STAGED_KEYS"):
        statement = getattr(cypher, name)
        patterns = re.findall(r"\(s:Staged \{([^}]*)\}\)", statement)
        assert len(patterns) == 1, name
        assert [p.split(":")[0].strip() for p in patterns[0].split(",")] == ["job", "kind", "batch"], name
        assert patterns[0].endswith("batch: $batch") and "$keys" not in statement and "key:" not in statement, name
    # The next batch: equality on job and kind, the first batch in the index's order.
    assert "ORDER BY s.batch" in cypher.NEXT_STAGED_BATCH and "LIMIT 1" in cypher.NEXT_STAGED_BATCH


def test_one_id_staged_in_two_batches_is_applied_batch_after_batch(fake):
    """Found by batch, a row staged twice (two batches of one import with the same id) is applied in
    the order it came: the later batch wins, and applying the first leaves the second in place."""
    store, db = fake
    renamed = Actor(id=LIBRARY.id, name="Drammen hovedbibliotek", kind="library", municipality="Drammen")
    store.import_batches([[LIBRARY], [renamed]], [])
    applied = [dict(t.statements)["APPLY_STAGED_ACTORS"] for t in db.transactions
               if "APPLY_STAGED_ACTORS" in t.names]
    assert [p["batch"] for p in applied] == [1, 2]
    assert db.actors == {LIBRARY.id} and db.staged == []


def test_the_operator_sees_resumes_and_discards_a_stuck_job(fake):
    """Issue 13 review, 3: the store's side of ``graphsvc jobs`` (the CLI: tests/test_cli.py)."""
    store, db = fake
    assert store.bulk_job() is None
    db.meta = {"job": "j1", "owner": "o1", "kind": "import", "state": "applying", "step": "initiatives",
               "by": "imp", "until": 100.0}
    db.staged = [{"job": "j1", "kind": "initiative", "batch": 2, "key": "t", "id": "t",
                  "partner_actors": ["a"], "partner_roles": ["lead"]},
                 {"job": "j1", "kind": "initiative", "batch": 3, "key": "u", "id": "u",
                  "partner_actors": ["a"], "partner_roles": ["lead"]}]
    job = store.bulk_job()
    assert job is not None and (job.id, job.kind, job.state, job.step, job.expired) == (
        "j1", "import", "applying", "initiatives", False)
    assert job.staged == {"initiative": 2}
    assert store.resume_bulk_job() is None and db.meta["owner"] == "o1"  # its lease still runs
    assert store.discard_bulk_job("other") is None and db.meta["job"] == "j1"  # not the job shown
    done = store.discard_bulk_job("j1")  # whatever its lease and state
    assert done is not None and done.state == "applying"
    assert db.meta == {} and db.staged == [] and db.initiatives == set()  # the rest of it is given up
    db.actors.add(LIBRARY.id)
    store.update_actor(LIBRARY)  # graph writes go on
    # --force takes over a job whose lease still runs, and completes it.
    db.meta = {"job": "j2", "owner": "o2", "kind": "import", "state": "applying", "step": "initiatives",
               "by": "imp", "until": 100.0}
    db.staged = [{"job": "j2", "kind": "initiative", "batch": 1, "key": "t", "id": "t",
                  "partner_actors": ["a"], "partner_roles": ["lead"]}]
    done = store.resume_bulk_job(force=True)
    assert done is not None and done.id == "j2" and db.meta == {} and db.initiatives == {"t"}


def test_a_restore_takes_the_graph_lock_before_the_audit_counter_and_replaces_everything(fake):
    """13.5 and 13.1: a restore is a job; its every transaction begins with the graph's lock (the
    job mark refuses other writes from the first to the last), and its last one moves the graph
    version, then the audit counter — in the order every other write takes them."""

    store, db = fake
    db.actors.update({"old-1", "old-2"})
    db.accounts = 3
    dump = small_dump()
    store.restore_all(dump)
    transactions = _job_transactions(db)
    for t in transactions:
        assert t.names[0] in ("BUMP_GRAPH_VERSION", "RENEW_JOB"), t.names
        assert "CREATE_AUDIT_ENTRY" not in t.names
    finish = transactions[-1].names
    assert finish == ["BUMP_GRAPH_VERSION", "RENEW_JOB", "RESTORE_GRAPH_VERSION", "RESTORE_AUDIT_SEQUENCE",
                      "END_JOB"]
    params = dict(transactions[-1].statements)
    assert params["RESTORE_GRAPH_VERSION"] == {"version": 12} and params["RESTORE_AUDIT_SEQUENCE"] == {"seq": 41}
    staged: dict[str, dict] = {}
    for t in transactions:
        for name, p in t.statements:
            if name == "STAGE_ROWS":
                staged[p["kind"]] = p["rows"][0]
    assert staged["user"]["password_hash"] == "$argon2id$x" and staged["audit"]["seq"] == 41
    assert staged["credential"]["kind_of"] == "session"
    applied = [n for t in transactions for n in t.names if n.startswith(("APPLY_STAGED", "DELETE_GRAPH",
                                                                           "DELETE_ACCOUNTS"))]
    assert applied.index("DELETE_GRAPH_BATCH") < applied.index("APPLY_STAGED_ACTORS")
    assert applied.index("DELETE_ACCOUNTS_BATCH") < applied.index("APPLY_STAGED_USERS")
    assert "APPLY_STAGED_PROPOSALS" not in applied  # nothing staged, nothing to apply
    assert db.actors == {"a", "b"} and db.initiatives == {"i"} and db.staged == [] and db.meta == {}


def test_a_backup_that_would_fail_half_way_is_refused_before_anything_is_written(fake):
    from graphsvc.model.errors import GraphsvcError
    from graphsvc.storage.base import StoreDump

    store, db = fake
    dump = StoreDump(3, [Actor("a", "A", "association", "Lier")],
                     [Initiative("i", "T", date(2021, 1, 1), "a", "library",
                                 (Partner("a", "lead"), Partner("gone", "participant")))], [], [], [], [])
    with pytest.raises(GraphsvcError, match="unknown actor .gone."):
        store.restore_all(dump)
    assert db.transactions == []


def _l_shaped(actors: int, initiatives: int):
    """Actor and initiative batches shaped like the L network (about 2.4 partners an initiative)."""
    from itertools import islice

    def actor_batches():
        people = (Actor(f"a{n}", f"Aktør {n}", "association", f"Kommune {n % 50}") for n in range(actors))
        while batch := list(islice(people, 5000)):
            yield batch

    def initiative_batches():
        def make(n):
            count = 2 + (n % 5 == 0)
            partners = tuple(Partner(f"a{(n * 7 + k * 13) % actors}", "participant") for k in range(count))
            return Initiative(f"i{n}", f"Tiltak {n}", date(2020, 1, 1), partners[0].actor, "library", partners)
        items = (make(n) for n in range(initiatives))
        while batch := list(islice(items, 5000)):
            yield batch

    return actor_batches(), initiative_batches()


def _assert_bounded(db, rows: int):
    for t in db.transactions:
        for name, p in t.statements:
            for key in ("rows", "keys", "ids", "actors", "initiatives", "partners"):
                assert len(p.get(key) or ()) <= rows, (name, key, len(p[key]))


def test_an_import_is_staged_and_applied_in_transactions_of_at_most_one_batch(fake):
    store, db = fake
    actor_batches, initiative_batches = _l_shaped(12_000, 21_000)
    summary = store.import_batches(actor_batches, initiative_batches, today=date(2024, 1, 1))
    assert (summary.actors_created, summary.initiatives_created) == (12_000, 21_000)
    _assert_bounded(db, bulk.JOB_BATCH)
    staging = [t for t in db.transactions if "STAGE_ROWS" in t.names]
    applying = [t for t in db.transactions if any(n.startswith("APPLY_STAGED") for n in t.names)]
    assert len(staging) == 3 + 5 and len(applying) == 3 + 5  # ceil(12,000 / 5,000) + ceil(21,000 / 5,000)
    assert len(db.actors) == 12_000 and len(db.initiatives) == 21_000


@pytest.mark.slow
def test_the_l_network_is_imported_in_transactions_of_at_most_one_batch(fake):
    """The L network's size (50,000 actors, 300,000 initiatives): 70 staging and 70 applying
    transactions of at most 5,000 rows each, where one transaction once held all of it."""
    store, db = fake
    actor_batches, initiative_batches = _l_shaped(50_000, 300_000)
    summary = store.import_batches(actor_batches, initiative_batches, today=date(2024, 1, 1))
    assert (summary.actors_created, summary.initiatives_created) == (50_000, 300_000)
    _assert_bounded(db, bulk.JOB_BATCH)
    assert sum("STAGE_ROWS" in t.names for t in db.transactions) == 10 + 60
    assert sum("APPLY_STAGED_INITIATIVES" in t.names for t in db.transactions) == 60
    audit = db.audit[-1]
    assert len(audit["after"]) < 40_000  # counts and the first 1,000 ids, not 350,000 ids
