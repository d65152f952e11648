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

from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.model.errors import Conflict, Invalid, NotFound, StoreUnavailable
from graphsvc.storage import cypher, neo4j as neo4j_store, open_store
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from graphsvc.storage.neo4j import Neo4jStore

STATEMENT_NAMES = {value: name for name, value in vars(cypher).items() if name.isupper() and isinstance(value, str)}


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

class FakeResult:
    def __init__(self, records: list[dict]):
        self._records = records

    def __iter__(self):
        return iter([FakeRecord(r) for r in self._records])

    def single(self, strict: bool = False):
        if not self._records:
            assert not strict, "single(strict=True) on an empty result"
            return None
        assert len(self._records) == 1
        return FakeRecord(self._records[0])

    def consume(self):
        return None


class FakeRecord(dict):
    def data(self):
        return dict(self)


class FakeTransaction:
    """Answers like a database that holds the actors and initiatives it is told about."""

    def __init__(self, db: FakeDatabase, log: list):
        self.db = db
        self.log = log

    def run(self, statement, parameters=None):
        assert statement in STATEMENT_NAMES, f"not a cypher.py constant: {statement!r}"
        name = STATEMENT_NAMES[statement]
        parameters = dict(parameters or {})
        self.log.append((name, parameters))
        if name == "BUMP_GRAPH_VERSION":
            self.db.version += 1
            return FakeResult([{"version": self.db.version}])
        if name == "GRAPH_VERSION":
            return FakeResult([{"version": self.db.version}])
        if name == "GET_ACTOR":
            return FakeResult([{"actor": self.db.actor_props(parameters["id"])}] if parameters["id"] in self.db.actors
                              else [])
        if name == "GET_ACTORS":
            return FakeResult([{"actor": self.db.actor_props(i)} for i in parameters["ids"] if i in self.db.actors])
        if name in ("GET_INITIATIVE", "GET_INITIATIVES"):
            ids = [parameters["id"]] if name == "GET_INITIATIVE" else parameters["ids"]
            return FakeResult([self.db.initiative_record(i) for i in ids if i in self.db.initiatives])
        if name == "ACTOR_WITH_IDENTITY":
            return FakeResult([{"id": "someone-else"}] if parameters["identity_key"] in self.db.identities else [])
        if name == "CREATE_AUDIT_ENTRY":
            self.db.audit.append(parameters["entry"])
            return FakeResult([])
        if name == "EXISTING_ACTOR_IDS":
            return FakeResult([{"id": i} for i in parameters["ids"] if i in self.db.actors])
        if name == "EXISTING_INITIATIVE_IDS":
            return FakeResult([{"id": i} for i in parameters["ids"] if i in self.db.initiatives])
        if name == "UPSERT_ACTORS":
            self.db.actors.update(row["id"] for row in parameters["actors"])
        if name == "CREATE_PARTNERS":
            return FakeResult([{"created": sum(row["actor"] in self.db.actors for row in parameters["partners"])}])
        if name in ("UPDATE_INITIATIVE", "UPDATE_ACTOR"):
            row = parameters.get("initiative") or parameters.get("actor")
            known = self.db.initiatives if name == "UPDATE_INITIATIVE" else self.db.actors
            return FakeResult([{"id": row["id"]}] if row["id"] in known else [])
        if name == "ACTOR_INITIATIVE_IDS":
            if parameters["id"] not in self.db.actors:
                return FakeResult([])
            return FakeResult([{"initiative_ids": self.db.partner_in.get(parameters["id"], [])}])
        if name in ("COUNT_ACTORS", "COUNT_INITIATIVES"):
            return FakeResult([{"total": 0}])
        if name == "SERVER_COMPONENTS":
            return FakeResult([{"name": "Neo4j Kernel", "versions": ["5.26.0"], "edition": "community"}])
        return FakeResult([])


class FakeDatabase:
    def __init__(self):
        self.version = 0
        self.actors: set[str] = set()
        self.initiatives: set[str] = set()
        self.partner_in: dict[str, list[str]] = {}
        self.transactions: list[tuple[str, list]] = []  # (read|write, statements)
        self.identities: set[str] = set()
        self.audit: list[dict] = []

    def actor_props(self, actor_id: str) -> dict:
        return {"id": actor_id, "name": actor_id, "kind": "association", "municipality": "Drammen"}

    def initiative_record(self, initiative_id: str) -> dict:
        return {"initiative": {"id": initiative_id, "title": "T", "started": Neo4jDate(2021, 1, 1),
                               "location": "library", "initiator": "a"},
                "partners": [{"actor": "a", "role": "lead", "position": 0},
                             {"actor": "b", "role": "participant", "position": 1}]}


class FakeSession:
    def __init__(self, db: FakeDatabase):
        self.db = db

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _run(self, mode, work):
        log: list = []
        self.db.transactions.append((mode, log))
        return work(FakeTransaction(self.db, log))

    def execute_read(self, work):
        return self._run("read", work)

    def execute_write(self, work):
        return self._run("write", work)


class FakeDriver:
    def __init__(self, db: FakeDatabase):
        self.db = db

    def session(self, **config):
        return FakeSession(self.db)

    def close(self):
        pass


@pytest.fixture
def fake():
    """A Neo4jStore whose driver is a recording fake, and the fake database behind it."""
    store = Neo4jStore("neo4j://localhost:7687", user="neo4j", password="pw")
    store._driver.close()
    db = FakeDatabase()
    store._driver = FakeDriver(db)
    return store, db


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
        lambda: store.import_graph([LIBRARY], [CAFE]),
        lambda: store.delete_actor(RED_CROSS.id),
        store.clear,
    ]
    for number, write in enumerate(writes, start=1):
        write()
        mode, log = db.transactions[-1]
        assert mode == "write" and _statements(log)[0] == "BUMP_GRAPH_VERSION"
        assert db.version == number
    assert store.graph_version() == len(writes)


def test_import_is_one_transaction_of_batched_statements(fake):
    store, db = fake
    db.actors.add(SCHOOL.id)
    summary = store.import_graph([LIBRARY, RED_CROSS], [CAFE])
    assert len(db.transactions) == 1
    mode, log = db.transactions[0]
    assert mode == "write"
    names = _statements(log)
    assert names[0] == "BUMP_GRAPH_VERSION"
    for name in ("UPSERT_ACTORS", "UPSERT_INITIATIVES", "DELETE_PARTNERS", "CREATE_PARTNERS",
                 "DELETE_CO_CREATES", "CREATE_CO_CREATES"):
        assert names.count(name) == 1, name
    assert names.index("UPSERT_ACTORS") < names.index("UPSERT_INITIATIVES") < names.index("CREATE_PARTNERS")
    assert names.index("CREATE_PARTNERS") < names.index("CREATE_CO_CREATES")
    params = dict(log)
    assert [row["id"] for row in params["UPSERT_ACTORS"]["actors"]] == [LIBRARY.id, RED_CROSS.id]
    assert params["UPSERT_INITIATIVES"]["initiatives"][0]["started"] == "2021-02-01"
    assert params["UPSERT_INITIATIVES"]["initiatives"][0]["ended"] is None
    assert params["UPSERT_INITIATIVES"]["initiatives"][0]["category_key"] == "språkkafé"
    assert [(r["actor"], r["role"], r["position"]) for r in params["CREATE_PARTNERS"]["partners"]] == [
        ("drammen-bibliotek", "lead", 0), ("rode-kors-drammen", "co_creator", 1), ("fjell-skole", "participant", 2)]
    assert summary.to_dict() == {"actors_created": 2, "actors_updated": 0, "actors_unchanged": 0,
                                 "initiatives_created": 1, "initiatives_updated": 0, "initiatives_unchanged": 0}
    assert [(e["action"], e["object_kind"]) for e in db.audit] == [("import", "graph")]
    assert names[-1] == "CREATE_AUDIT_ENTRY"


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
    db.identities.add(neo4j_store._actor_row(LIBRARY)["identity_key"])
    with pytest.raises(Conflict) as caught:
        store.create_actor(LIBRARY)
    assert caught.value.field == "name" and "Drammen" in str(caught.value)
    assert "CREATE_ACTOR" not in _statements(db.transactions[-1][1])


def test_a_repeated_import_rewrites_nothing(fake):
    store, db = fake
    db.actors.update({"a", "b"})
    db.initiatives.add("t")
    same_actor = neo4j_store._actor_from(db.actor_props("a"))
    record = db.initiative_record("t")
    same_initiative = neo4j_store._initiative_from(record["initiative"], record["partners"])
    summary = store.import_graph([same_actor], [same_initiative])
    assert (summary.actors_unchanged, summary.initiatives_unchanged, summary.actors_created) == (1, 1, 0)
    names = _statements(db.transactions[-1][1])
    assert "UPSERT_ACTORS" not in names and "UPSERT_INITIATIVES" not in names and "CREATE_AUDIT_ENTRY" not in names


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
    row = neo4j_store._actor_row(LIBRARY)
    assert row["name_key"] == "drammen bibliotek" and row["sector_key"] == "bibliotek"
    assert row["registered"] == "2020-01-15" and row["tags"] == ["hybrid", "innbyggertorg"]
    stored = {k: v for k, v in row.items() if v is not None}
    stored["registered"] = Neo4jDate(2020, 1, 15)  # what the driver hands back for a Neo4j date
    assert neo4j_store._actor_from(stored) == LIBRARY
    bare = neo4j_store._actor_row(RED_CROSS)
    assert bare["tags"] is None and bare["registered"] is None and bare["sector_key"] is None
    assert neo4j_store._actor_from({k: v for k, v in bare.items() if v is not None}) == RED_CROSS


def test_initiative_partners_come_back_in_their_stored_order():
    props = {"id": CAFE.id, "title": CAFE.title, "category": CAFE.category, "started": Neo4jDate(2021, 2, 1),
             "location": "library", "initiator": CAFE.initiator}
    partners = [{"actor": "fjell-skole", "role": "participant", "position": 2},
                {"actor": "drammen-bibliotek", "role": "lead", "position": 0},
                {"actor": "rode-kors-drammen", "role": "co_creator", "position": 1}]
    initiative = neo4j_store._initiative_from(props, partners)
    assert initiative == CAFE
    assert isinstance(initiative.started, date) and initiative.ended is None
