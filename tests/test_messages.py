"""Every message a user sees is a code from the catalogue: English in the API, bokmål on the pages.

The walk covers every code of ``graphsvc.model.messages`` with sample parameters, and the messages
that validation, imports, backups, parameters and the stores really produce from bad input; each
must read differently in bokmål than in English (a missing msgstr, or one left in English, fails).
A scan of the package's own code fails on an error raised with a bare string instead of a code.
"""

from __future__ import annotations

import ast
import html
import io
import json
import logging
import os
import pickle
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from graphsvc import create_app
from graphsvc.interchange.plan import Rejection
from graphsvc.model import messages as msg
from graphsvc.model.errors import ConfigError, Conflict, GraphsvcError, Invalid, NotFound, Problem, StoreUnavailable
from graphsvc.model.messages import CATALOGUE, Message, MessageCode
from graphsvc.model.validation import (
    check_choice,
    check_whole,
    parse_actor,
    parse_date_param,
    parse_document,
    parse_initiative,
)
from graphsvc.services import accounts, editing, graph as svc
from graphsvc.services.backup import parse_backup
from graphsvc.services.graph import import_document_file as import_file
from graphsvc.services.imports import import_files
from graphsvc.services.metrics import check_parameters
from graphsvc.storage import open_store
from graphsvc.web import i18n
from graphsvc.web.i18n import TRANSLATIONS, problem_message
from helpers import example_document, require_tool

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "graphsvc"
_PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def has_words(template: str) -> bool:
    """Whether a template says anything besides its placeholders (``%(field)s: %(problem)s`` does not)."""
    return bool(re.search(r"[^\W\d_]{2,}", _PLACEHOLDER.sub("", template)))


def sample_params(entry: MessageCode) -> dict:
    """Parameters of the right shape for ``entry``: nested messages where a message nests one."""
    nested = {"problem": msg.REQUIRED(), "first": msg.AT_FIELD(field="name", problem=msg.REQUIRED()),
              "how": msg.READ_AS(encoding="UTF-8", separator=msg.TAB()), "table": msg.SHEET(title="aktører"),
              "role": msg.ROLE_NAMES["viewer"](), "needed": msg.ROLE_NAMES["editor"]()}
    lists = {"legal": ["library", "association"], "ids": ["a-1", "a-2"], "initiatives": ["i-1", "i-2"],
             "missing": ["type/kind"], "columns": ["farge"], "files": ["messages.mo"]}
    return {name: nested.get(name, lists.get(name, 7 if name in ("count", "limit", "row", "number") else "x-1"))
            for name in entry.params}


def walk(messages: Iterable[Message]) -> dict[str, Message]:
    """The messages and every message nested in their parameters, one per code."""
    found: dict[str, Message] = {}
    stack = list(messages)
    while stack:
        message = stack.pop()
        found.setdefault(message.code, message)
        for value in message.params.values():
            values = value if isinstance(value, (list, tuple)) else [value]
            stack.extend(v for v in values if isinstance(v, Message))
    return found


@pytest.fixture
def page_language(app):
    """``say(message, lang)``: the message as a page in ``lang`` shows it (Flask-Babel, the compiled catalogue)."""
    def say(message, lang="nb") -> str:
        with app.test_request_context("/"), force_locale(lang):
            return problem_message(message)
    return say


def untranslated(messages: Iterable[Message], say) -> list[str]:
    """Messages whose page sentence has words but reads the same in bokmål as in English."""
    wrong = []
    for code, message in sorted(walk(messages).items()):
        entry = CATALOGUE[code]
        english, bokmal = message.render(lambda text: text), say(message)
        if has_words(entry.page or entry.text) and bokmal == english:
            wrong.append(f"{code}: {english!r}")
    return wrong


# -- the catalogue ---------------------------------------------------------------------------------------
def test_every_code_of_the_catalogue_reads_in_bokmal_on_a_page(page_language):
    messages = [entry(**sample_params(entry)) for entry in CATALOGUE.values()]
    assert not untranslated(messages, page_language)
    assert len(messages) == len(CATALOGUE) > 150


def test_every_text_and_page_sentence_is_extracted_translated_and_well_formed():
    """``make messages`` has run since the last change (every text is in messages.pot), every entry has a
    bokmål msgstr that differs where there are words to translate, and Babel's checks (placeholders) pass."""
    with (TRANSLATIONS / "messages.pot").open("rb") as source:
        template = read_po(source)
    with (TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="nb")
    texts = {t for entry in CATALOGUE.values() for t in (entry.text, entry.page) if t}
    assert not sorted(t for t in texts if t not in template), "run `make messages`"
    missing = sorted(t for t in texts if not (catalogue.get(t) and catalogue.get(t).string))
    assert not missing, "translate these in translations/nb/LC_MESSAGES/messages.po"
    same = sorted(t for t in texts if has_words(t) and catalogue.get(t).string == t)
    assert not same, "left in English"
    assert not [m.id for m in catalogue if m.id and m.fuzzy]
    assert not [(m.id, errors) for m, errors in catalogue.check()]


def test_a_message_carries_its_code_and_params_and_reads_as_english_text():
    message = msg.PARTNER_NUMBER(number=2, problem=msg.UNKNOWN_ACTOR(actor="ghost"))
    assert message == "partner 2: unknown actor 'ghost'" and isinstance(message, str)
    assert message.code == "row.partner"
    assert message.to_dict() == {"code": "row.partner", "params": {
        "number": 2, "problem": {"code": "actor.unknown", "params": {"actor": "ghost"}}}}
    assert pickle.loads(pickle.dumps(message)).to_dict() == message.to_dict()
    assert msg.CHOICE_INVALID(legal=("a", "b"), value=["x"]) == "must be one of: a, b (got ['x'])"
    # A translation that breaks its placeholders shows the English rather than failing the page.
    assert msg.TEXT_TOO_LONG(limit=3).render(lambda text: "for langt: %(grense)s") == "is longer than 3 characters"


def test_a_code_is_defined_once_and_called_with_exactly_its_parameters():
    with pytest.raises(ValueError, match="defined twice"):
        msg.define("field.required", "is required")
    with pytest.raises(TypeError, match="limit"):
        msg.TEXT_TOO_LONG()
    with pytest.raises(TypeError):
        msg.TEXT_TOO_LONG(limit=3, extra=1)


@pytest.mark.parametrize("make", [
    lambda: Problem("name", "is required"),
    lambda: Invalid("is required"),
    lambda: Invalid([Problem("name", msg.REQUIRED()), "name: is required"]),
    lambda: NotFound("no actor with id 'x'", field="id"),
    lambda: Conflict("an actor with id 'x' already exists"),
    lambda: StoreUnavailable("down"),
    lambda: ConfigError("bad setting"),
    lambda: Rejection("a.csv", 2, "type", "must be one of: library"),
    lambda: Message("is required", {}),
], ids=["Problem", "Invalid", "Invalid-list", "NotFound", "Conflict", "StoreUnavailable", "ConfigError",
        "Rejection", "Message"])
def test_an_error_with_a_bare_string_instead_of_a_code_is_refused(make):
    with pytest.raises(TypeError):
        make()


# -- what the code raises -------------------------------------------------------------------------------
ERROR_CALLS = {"Problem": 1, "Invalid": 0, "NotFound": 0, "Conflict": 0, "StoreUnavailable": 0, "ConfigError": 0,
               "GraphsvcError": 0, "NotABackup": 0, "Rejection": 3, "fail": 1, "_fail": 1, "_deny": 1}


def _is_text(node: ast.AST) -> bool:
    """A string made on the spot: a literal, an f-string, str(…), "…" + …, "…" % …, "…".format(…)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) or isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "str") or \
            (isinstance(func, ast.Attribute) and func.attr == "format" and _is_text(func.value))
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def test_the_code_raises_user_facing_errors_only_with_catalogue_codes():
    """No error, problem, rejection or import note is made from a string, in any module (also the
    Neo4j store, which cannot run here); every ``msg.X(...)`` names a code and passes exactly its parameters."""
    bare, unknown, wrong_params = [], [], []
    for path, tree in _modules():
        module = path.relative_to(ROOT)

        def where(node: ast.AST, module: Path = module) -> str:
            return f"{module}:{getattr(node, 'lineno', '?')}"

        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                position = ERROR_CALLS.get(name)
                arguments = list(node.args)
                if position is not None and len(arguments) > position and _is_text(arguments[position]):
                    bare.append(where(node))
                if position is not None and any(k.arg == "message" and _is_text(k.value) for k in node.keywords):
                    bare.append(where(node))
                if name == "append" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
                        and func.value.attr in ("warnings", "details") and arguments and _is_text(arguments[0]):
                    bare.append(where(node))
                for called in (func.body, func.orelse) if isinstance(func, ast.IfExp) else (func,):
                    if isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name) \
                            and called.value.id == "msg" and isinstance(getattr(msg, called.attr, None), MessageCode):
                        entry = getattr(msg, called.attr)
                        given = {k.arg for k in node.keywords}
                        if None not in given and (given != entry.params or node.args):
                            wrong_params.append(f"{where(node)} {entry.code}: {sorted(given)} ≠ {sorted(entry.params)}")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "msg" \
                    and not hasattr(msg, node.attr):
                unknown.append(f"{where(node)} msg.{node.attr}")
    assert not bare, "raise these with a code from graphsvc.model.messages"
    assert not unknown
    assert not wrong_params


def test_every_code_of_the_catalogue_is_used_by_the_code():
    used = set()
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "msg":
                used.add(node.attr)
            elif path.name == "messages.py" and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                used.add(node.id)  # the catalogue's own helpers (actor_exists) and ROLE_NAMES
    defined = {name for name, value in vars(msg).items() if isinstance(value, MessageCode)}
    assert not sorted(defined - used), "unused codes: remove them from the catalogue"


def _problems(call, *args, **kwargs) -> list[Message]:
    with pytest.raises(GraphsvcError) as caught:
        call(*args, **kwargs)
    exc = caught.value
    return [exc.message] + [p.message for p in getattr(exc, "problems", [])]


def _csv(*rows: str) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def produced_messages(tmp_path) -> list[Message]:
    """Drive validation, the imports, backups, parameters and the store with bad input; keep every message."""
    found: list[Message] = []
    found += _problems(parse_actor, {"id": "bad id!", "name": "x" * 301, "kind": "wizard", "sector": "a\x01b",
                                     "municipality": "Lier\u202e", "municipality_number": "12",
                                     "org_number": "97476067", "registered": "2021-02-30", "colour": "red",
                                     "service_model": "pacmen", "tags": ["ok", "a\x02"]})
    found += _problems(parse_actor, {"name": "\ud800", "kind": "association", "municipality": "Lier",
                                     "org_number": "974760674", "registered": "1.2.2021", "tags": ["\u2066x"]})
    found += _problems(parse_actor, {"name": 5, "municipality": "Lier", "tags": [str(n) for n in range(51)]})
    found += _problems(parse_actor, {"name": "Lag", "kind": "library", "municipality": "Lier", "tags": ["x" * 81]})
    found += _problems(parse_actor, {"name": "Lag", "kind": "association", "municipality": "Lier", "tags": "x"})
    found += _problems(parse_actor, {"name": "Lag", "kind": "association", "municipality": "Lier",
                                     "tags": ["\ud800"]})
    found += _problems(parse_actor, ["not", "an", "object"])
    found += _problems(parse_initiative, {"id": "i", "title": "T", "started": "2021-05-01", "ended": "2021-01-01",
                                          "initiator": "c", "partners": [{"actor": "a", "role": "lead"},
                                                                         {"actor": "a", "role": "boss"},
                                                                         {"actor": "ghost", "role": "lead"}]},
                       known_actor_ids={"a", "c"})
    found += _problems(parse_initiative, {"id": "i", "title": "T", "initiator": "a", "location": "moon",
                                          "partners": [{"actor": "a", "role": "lead"}]})
    found += _problems(parse_initiative, {"id": "i", "title": "T", "partners": "a,b"})
    found += _problems(parse_document, {"format": "graphsvc/0", "actors": {}, "initiatives": [], "extra": 1,
                                        "description": 3})
    doc = example_document()
    doc["actors"].append(dict(doc["actors"][0]))
    doc["initiatives"].append(dict(doc["initiatives"][0]))
    found += _problems(parse_document, doc)
    found += _problems(parse_document, [])
    found += _problems(parse_date_param, "x", "at")
    found += _problems(check_choice, "view", "sideways", ("cumulative", "active"))
    found += _problems(check_whole, "seed", "x", 0, 10)
    found += _problems(check_whole, "seed", 11, 0, 10)
    found += _problems(check_parameters, at="2021", view="cumulative", group_by="sector", weighted=False,
                       permutations=0, seed=0, betweenness_k=1, exact_betweenness=False, library_tag="")

    store = open_store(f"sqlite:///{tmp_path / 'walk.db'}")
    store.ensure_schema()
    svc.import_document(store, example_document())
    found += _problems(store.get_actor, "nope")
    found += _problems(store.get_initiative, "nope")
    found += _problems(svc.create_actor, store, {"id": "drammen-bibliotek", "name": "Ny", "kind": "association",
                                                 "municipality": "Lier"})
    found += _problems(svc.create_actor, store, {"name": "Drammen bibliotek", "kind": "library",
                                                 "sector": "bibliotek", "municipality": "Drammen"})
    found += _problems(svc.create_initiative, store, {**example_document()["initiatives"][0], "id": None})
    found += _problems(store.delete_actor, "drammen-bibliotek", by=None)
    found += _problems(svc.update_actor, store, "drammen-bibliotek", {"id": "other"})

    actors = _csv("id;navn;type;sektor;kommune;registrert;farge",
                  "ok-1;Ny forening;lag;;Drammen;01.02.2021;blå",
                  "ok-1;Dobbel;lag;;Drammen;;",
                  ";Trollmenn;wizard;;Hamar;32.13.2021;",
                  ";Uten id;lag;;Lier;;", ";Uten id;lag;;Lier;;",
                  ";Drammen bibliotek;bibliotek;bibliotek;Drammen;;",
                  "ny-id;Drammen bibliotek;bibliotek;bibliotek;Drammen;;",
                  "x;For;mange;celler;Drammen;;;;ekstra",
                  ";Ã¸ye;lag;;Lier;not a date;")
    initiatives = _csv("tittel;startet;initiativtaker;sted;partnere",
                       'Kafé;01.02.2021;ok-1;library;"ok-1:lead;Trollmenn:co_creator"',
                       'Kafé;01.02.2021;ok-1;library;"ok-1:lead;drammen-bibliotek:co_creator"',
                       'Kafé;01.02.2021;ok-1;library;"ok-1:lead;drammen-bibliotek:co_creator"',
                       'Lesesirkel;2021-03-01;nobody;library;"ok-1:lead;nobody:co_creator;bare-tekst"',
                       'Sirkel;2021-03-01;Uten id;library;"ok-1:lead;Uten id:co_creator"',
                       'Møte;2021-04-01;ok-1;moon;"ok-1:lead;ok-1:boss"')
    report = import_files(store, [("aktorer.csv", actors), ("initiativ.csv", initiatives)], dry_run=True)
    found += [r.message for r in report.rejected] + report.warnings + report.details
    xlsx_report = import_files(store, [("mal.xlsx", _xlsx())], dry_run=True)
    found += [r.message for r in xlsx_report.rejected] + xlsx_report.details
    document_report = import_files(store, [("a.json", b'{"format": "graphsvc/1", "actors": 3}')], valid_only=True,
                                   dry_run=True)
    found += [r.message for r in document_report.rejected] + document_report.warnings
    for files in ([("a.csv", b"")], [("a.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)], [("a.zip", b"PK\x03\x04x")],
                  [("a.csv", b"foo;bar\r\n1;2\r\n")], [("a.csv", _csv("navn;kommune", "X;Lier"))],
                  [("a.csv", b"navn\x00;type\r\n")], [("a.csv", b"\xef\xbb\xbfnavn;type\r\n\xff\xfe;\r\n")],
                  [("a.csv", "navn;type;kommune\r\nÆ;lag;Lier\r\n".encode("cp1252") + b"\x81\r\n")],
                  [("a.csv", _csv("navn;type;kommune"))], [("a.zip", _zip({"readme.md": b"hei"}))],
                  [("a.csv", actors), ("b.csv", actors)], [("a.json", b"{}"), ("b.csv", actors)],
                  [("a.json", b"{bad")], [("a.json", b"\xff")], [("a.json", b"[" * 100_000)],
                  [("a.graphml", b"<graphml")], []):
        try:
            report = import_files(store, files, dry_run=True)
        except Invalid as exc:
            found += [exc.message] + [p.message for p in exc.problems]
        else:
            found += [r.message for r in report.rejected]
    with pytest.raises(Invalid) as caught:
        import_files(store, [("a.csv", actors)], max_bytes=10)
    found += [p.message for p in caught.value.problems]
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"format": {}, "actors": [{"id": "a"}, {"id": "a"}], "actors": 1, "x": 1}')
    for path in (bad_json, tmp_path / "missing.json"):
        found += _problems(import_file, store, path)
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"format": "graphsvc/1", "actors": [')
    found += _problems(import_file, store, truncated)
    found += _problems(parse_backup, {"format": "graphsvc/1"})
    found += _problems(parse_backup, {"format": "graphsvc-backup/0"})
    found += _problems(parse_backup, [])
    found += _problems(parse_backup, {"format": "graphsvc-backup/1", "graph": {"format": "graphsvc/1"}, "x": 1,
                                      "graph_version": -1, "users": [
                                          {"name": "a", "role": "king"}, {"name": "a", "role": "viewer",
                                                                          "disabled": "no", "created": "yesterday"},
                                          {"name": "a", "role": "viewer", "created": "2021-01-01T00:00:00"}, 5],
                                      "credentials": [{"digest": "d", "kind": "token", "user": "ghost",
                                                       "created": "2021-01-01T00:00:00"}],
                                      "proposals": {}, "audit": [{"seq": 1, "at": "2021-01-01T00:00:00",
                                                                  "action": "create", "object_kind": "actor",
                                                                  "before": 3},
                                                                 {"seq": 1, "at": "2021-01-01T00:00:00",
                                                                  "action": "", "object_kind": "actor"}]})
    found += _problems(import_file, store, bad_json, max_problems=1)
    graphml = tmp_path / "bad.graphml"
    graphml.write_text('<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="t" for="node" '
                       'attr.name="tags" attr.type="string"/><graph edgedefault="undirected"><node id="n">'
                       '<data key="t">[oops</data></node></graph></graphml>')
    report = import_files(store, [("bad.graphml", graphml.read_bytes())], dry_run=True)
    found += [r.message for r in report.rejected]

    # Accounts, merges and proposals, through their services.
    found += _problems(accounts.check_name, "!")
    found += _problems(accounts.check_password, "short")
    accounts.add_user(store, "ada", "admin", "a long enough password")
    found += _problems(accounts.add_user, store, "ada", "viewer", "a long enough password")
    found += _problems(accounts.set_role, store, "ada", "viewer")
    found += _problems(accounts.set_role, store, "nobody", "viewer")
    found += _problems(store.get_proposal, "nope")
    found += _problems(editing.merge_actors, store, "drammen-bibliotek", "drammen-bibliotek")
    found += _problems(editing.merge_actors, store, "drammen-bibliotek", "rode-kors-drammen")
    found += _problems(editing.propose, store, "poem", {}, proposer="ada")
    found += _problems(store.merge_actors, store.get_actor("drammen-bibliotek"), "drammen-bibliotek")
    store.close()
    return found


def _from_api(value):
    """A message back from the API's ``code`` and ``params`` (nested messages too)."""
    if isinstance(value, dict) and set(value) == {"code", "params"}:
        return CATALOGUE[value["code"]](**{k: _from_api(v) for k, v in value["params"].items()})
    return [_from_api(v) for v in value] if isinstance(value, list) else value


def api_messages(app, client, anonymous_client, viewer_client) -> list[Message]:
    """Bad requests to the API and the pages; every error body rebuilt from its ``code`` and ``params``."""
    bodies = []
    for headers, data in ((None, "x"), ({"Content-Type": "text/plain"}, "{}"),
                          ({"Content-Type": "application/json"}, "{bad"),
                          ({"Content-Type": "application/json"}, b"\xff"),
                          ({"Content-Type": "application/json"}, "[" * 100_000),
                          ({"Content-Type": "application/json"}, "1" * 5000),
                          ({"Content-Type": "application/json"}, '{"name": "\\ud800"}'),
                          ({"Content-Type": "application/json"}, "[]")):
        bodies.append(client.post("/api/v1/actors", data=data, headers=headers).json)
    for path in ("/api/v1/nope", "/api/v1/map?depth=4", "/api/v1/metrics/silo?weighted=maybe",
                 "/api/v1/metrics/silo?permutations=x", "/api/v1/metrics/silo?library_tag=" + "x" * 81,
                 "/map/export.bmp", "/growth/animation.avi", "/growth/chart/nope.svg",
                 "/api/v1/map?from=2021-05-01&to=2021-01-01", "/api/v1/export?format=doc"):
        bodies.append(client.get(path, headers={"Accept": "application/json"}).json)
    bodies.append(client.delete("/api/v1/network").json)
    bodies.append(anonymous_client.get("/api/v1/actors").json)
    bodies.append(app.test_client().get("/api/v1/actors", headers={"Authorization": "Bearer nope"}).json)
    bodies.append(viewer_client.post("/api/v1/actors", json={"name": "X"}).json)
    bodies.append(client.post("/api/v1/import", data={}, content_type="multipart/form-data").json)
    bad_rows = b"navn;type;kommune\r\nTrollmenn;wizard;Hamar\r\n"
    bodies.append(client.post("/api/v1/import", data={"file": (io.BytesIO(bad_rows), "a.csv")},
                              content_type="multipart/form-data").json)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    bodies.append(client.post("/api/v1/actors", data="x" * 2048, content_type="application/json").json)
    found = []
    for body in bodies:
        assert isinstance(body, dict) and "code" in body, (bodies.index(body), body)
        found.append(_from_api({"code": body["code"], "params": body["params"]}))
        found += [_from_api({"code": p["code"], "params": p["params"]}) for p in body.get("problems", [])]
    return found


def _xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "aktører"
    sheet.append(["navn", "type", "kommune"])
    sheet.append(["Lag", "wizard", "Lier"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_messages_validation_imports_and_errors_produce_read_in_bokmal_on_pages(
        tmp_path, app, client, anonymous_client, viewer_client, page_language):
    produced = walk(produced_messages(tmp_path) + api_messages(app, client, anonymous_client, viewer_client))
    assert not untranslated(produced.values(), page_language)
    assert len(produced) >= 130, sorted(produced)  # two thirds of the catalogue, the rest by the walk above


# -- the pages and the API ------------------------------------------------------------------------------
def english_fragments() -> set[str]:
    """The product's own English: every run of three or more words of a catalogue text or page sentence."""
    fragments = set()
    for entry in CATALOGUE.values():
        for template in (entry.text, entry.page):
            for part in _PLACEHOLDER.split(template or ""):
                part = part.strip(" .,:;()'\"“”")
                if len(re.findall(r"[A-Za-z]{2,}", part)) >= 3:
                    fragments.add(part)
    return fragments


def visible_text(page: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("path, status, bokmal", [
    ("/actors/nope", 404, "Ingen aktør har id-en «nope»."),
    ("/initiatives/nope", 404, "Ingen initiativ har id-en «nope»."),
    ("/map?from=x", 422, "«x» er ikke en dato; skriv den som ÅÅÅÅ-MM-DD"),
    ("/map?from=2021-05-01&to=2021-01-01", 422, "Slutten av perioden kan ikke være før starten."),
    ("/map?kind=wizard", 422, "Velg en av: library, municipal_unit"),
    ("/metrics?at=x", 422, "«x» er ikke en dato; skriv den som ÅÅÅÅ-MM-DD"),
    ("/metrics?permutations=many", 422, "må være et helt tall (fikk 'many')"),
    ("/growth/chart/nope.svg", 404, "Diagrammet «nope» finnes ikke."),
    ("/no/such/page", 404, "Siden finnes ikke."),
])
def test_unknown_ids_and_bad_parameters_read_in_bokmal_on_the_pages(client, path, status, bokmal):
    response = client.get(path, headers={"Accept": "text/html"})
    text = visible_text(response.get_data(as_text=True))
    assert response.status_code == status and bokmal in text
    assert not [f for f in english_fragments() if f in text], "English on a bokmål page"


def test_the_same_errors_stay_english_in_the_api_with_their_code(client):
    bad_date = client.get("/api/v1/network?at=x")
    assert bad_date.status_code == 422
    assert bad_date.json["problems"] == [{"field": "at", "message": "must be a date as YYYY-MM-DD (got 'x')",
                                          "code": "date.format", "params": {"value": "x"}}]
    assert bad_date.json["message"] == "at: must be a date as YYYY-MM-DD (got 'x')"
    unknown = client.get("/api/v1/actors/nope")
    assert unknown.status_code == 404 and unknown.json == {
        "status": 404, "message": "no actor with id 'nope'", "field": "id", "code": "actor.not_found",
        "params": {"id": "nope"}}
    # A client that asked for English pages gets the page sentence in English, through the same catalogue.
    client.get("/language/en")
    page = client.get("/actors/nope", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "No actor has the id “nope”." in html.unescape(page)


def test_the_import_page_shows_a_file_error_once_and_in_bokmal(client):
    response = client.post("/import", data={"file": (io.BytesIO(b""), "aktorer.csv")},
                           content_type="multipart/form-data")
    text = visible_text(response.get_data(as_text=True))
    assert response.status_code == 422 and text.count("Filen er tom.") == 1
    assert "the file is empty" not in text
    rows = b"navn;type;kommune\r\nTrollmenn;wizard;Hamar\r\n"
    preview = client.post("/import", data={"file": (io.BytesIO(rows), "aktorer.csv")},
                          content_type="multipart/form-data")
    text = visible_text(preview.get_data(as_text=True))
    assert "Velg en av: library, municipal_unit" in text and "aktorer.csv: 1 rad (UTF-8, skilletegn ';')" in text
    assert not [f for f in english_fragments() if f in text]


# -- the build ------------------------------------------------------------------------------------------
def test_make_translations_compiles_the_catalogue_that_run_and_test_depend_on(tmp_path):
    require_tool("make", "the catalogue is compiled by `make translations`")
    pybabel = shutil.which("pybabel") or str(Path(sys.executable).parent / "pybabel")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "pybabel").symlink_to(pybabel)
    (tmp_path / "translations" / "nb" / "LC_MESSAGES").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "translations/nb/LC_MESSAGES/messages.po"):
        shutil.copy(ROOT / name, tmp_path / name)
    (venv / ".installed").touch()  # installed after pyproject.toml was written: make must not reinstall
    (venv / ".installed-dev").touch()

    def make(*args: str) -> str:
        done = subprocess.run(["make", *args, "VENV=venv"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    for target in ("run", "test"):
        assert "pybabel compile" in make("-n", target)
    make("translations")
    mo = tmp_path / "translations" / "nb" / "LC_MESSAGES" / "messages.mo"
    from babel.support import Translations

    assert Translations.load(str(tmp_path / "translations"), ["nb"]).gettext("is required") == "må fylles ut"
    assert "Nothing to be done" in make("translations")  # compiled once, until the .po changes
    assert mo.stat().st_size > 0


def test_the_app_never_compiles_the_catalogue_and_says_how_when_it_is_missing(tmp_path, monkeypatch, caplog):
    copy = tmp_path / "translations"
    (copy / "nb" / "LC_MESSAGES").mkdir(parents=True)
    po = copy / "nb" / "LC_MESSAGES" / "messages.po"
    shutil.copy(TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.po", po)
    monkeypatch.setattr(i18n, "TRANSLATIONS", copy)
    config = {"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'a.db'}", "SECRET_KEY": "test", "TESTING": True}
    with pytest.raises(ConfigError, match="make translations"):
        create_app(config)
    assert not po.with_suffix(".mo").exists()

    shutil.copy(TRANSLATIONS / "nb" / "LC_MESSAGES" / "messages.mo", po.with_suffix(".mo"))
    os.utime(po.with_suffix(".mo"), (0, 0))  # older than its .po: stale
    with caplog.at_level(logging.WARNING):
        app = create_app(config)
    app.extensions["graphsvc"].store.close()
    assert po.with_suffix(".mo").stat().st_mtime == 0  # read as it is, never rewritten while serving
    assert "make translations" in caplog.text


def test_the_regex_translation_is_gone():
    source = (PACKAGE / "web" / "i18n.py").read_text(encoding="utf-8")
    assert "_PATTERNS" not in source and "re.compile" not in source and "compile_catalogues" not in source
    assert "_PAGE_MESSAGES" not in (PACKAGE / "web" / "transfer.py").read_text(encoding="utf-8")


def test_problem_date_and_json_parameters_stay_plain_values():
    message = msg.ENDED_BEFORE_STARTED(started=date(2021, 2, 1).isoformat())
    assert json.loads(json.dumps(message.to_dict())) == {"code": "initiative.ended_before_started",
                                                         "params": {"started": "2021-02-01"}}


@pytest.mark.parametrize("path", ["/", "/map", "/map/table", "/growth", "/metrics", "/import", "/export",
                                  "/partners/new", "/initiatives/new", "/initiatives", "/actors/drammen-bibliotek",
                                  "/history", "/proposals", "/account"])
def test_no_bokmal_page_shows_the_products_own_english_messages(app, client, path):
    svc.import_document(app.extensions["graphsvc"].store, example_document())
    response = client.get(path, headers={"Accept": "text/html"})
    text = visible_text(response.get_data(as_text=True))
    assert response.status_code == 200 and 'lang="nb"' in response.get_data(as_text=True)
    assert not [f for f in english_fragments() if f in text]
