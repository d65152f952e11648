"""Every Cypher statement the Neo4j store sends passes Neo4j's own analyzer, offline.

No Neo4j server runs in development or in most CI jobs, so this is the check that the
statements in graphsvc/storage/neo4j/cypher.py parse, use only the labels, relationship types and
property keys of docs/neo4j-schema.md, and call functions that exist. The analyzer is
@neo4j-cypher/language-support under node (tests/cypher_lint); the store itself is kept from
sending anything else by the source checks at the end of this file.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graphsvc.storage.neo4j import cypher

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = ROOT / "tests" / "cypher_lint"
NEO4J_PACKAGE = ROOT / "graphsvc" / "storage" / "neo4j"
CYPHER_PY = NEO4J_PACKAGE / "cypher.py"
#: The Neo4j store's modules other than cypher.py: they send statements, they hold none.
NEO4J_MODULES = sorted(p for p in NEO4J_PACKAGE.glob("*.py") if p != CYPHER_PY)
SCHEMA_DOC = ROOT / "docs" / "neo4j-schema.md"

#: Parameters are supplied at run time; the analyzer only knows them if told, so these are expected.
PARAMETER_NOT_DEFINED = re.compile(r"^Parameter \$\w+ is not defined\.?$")
#: Words that start Cypher clauses; a string literal in the store's other modules with one of them is
#: Cypher out of place.
CYPHER_CLAUSE = re.compile(r"\b(MATCH|MERGE|CREATE|UNWIND|RETURN|DELETE|DETACH|CALL|REMOVE|FOREACH)\b")


def cypher_statements() -> dict[str, str]:
    """Every UPPERCASE ``str`` constant of graphsvc.storage.cypher, by name."""
    return {name: value for name, value in vars(cypher).items() if name.isupper() and isinstance(value, str)}


def _node_or_skip() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        reason = (f"the Cypher lint needs {' and '.join(missing)} on PATH (node 18+); "
                  "install Node.js to run it")
        if os.environ.get("CI"):
            pytest.fail(f"{reason} — CI must run it")
        pytest.skip(reason)


#: Statements that must be flagged: proof that the lint is real, not a pass-through.
BROKEN = {
    "misspelled_label": "MATCH (a:Actr) RETURN a",
    "misspelled_relationship": "MATCH (a:Actor)-[:PARTNER_OF]->(i:Initiative) RETURN a, i",
    "misspelled_property": "MATCH (a:Actor) RETURN a.nmae",
    "misspelled_function": "MATCH (a:Actor) RETURN toLowr(a.name)",
    "syntax_error": "MATCH (a:Actor) RETUR a",
    "undefined_variable": "MATCH (a:Actor) RETURN b",
}
PARAMETERISED = {"parameterised": "MATCH (a:Actor {id: $id}) RETURN a.name"}


def _lint(statements: dict[str, str]) -> list[dict]:
    """Lint ``{name: query}`` in one node process (start-up is the slow part); return the diagnostics."""
    _node_or_skip()
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LINT_DIR, capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"npm ci in {LINT_DIR} failed:\n{done.stderr[-2000:]}")
    payload = json.dumps([{"name": name, "query": query} for name, query in statements.items()])
    done = subprocess.run(["node", "lint.mjs"], cwd=LINT_DIR, input=payload, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"lint.mjs failed:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[dict]]:
    """Diagnostics by statement name, for the store's statements and the probes above."""
    statements = cypher_statements()
    assert not set(statements) & (set(BROKEN) | set(PARAMETERISED))
    by_name: dict[str, list[dict]] = {name: [] for name in (*statements, *BROKEN, *PARAMETERISED)}
    for diagnostic in _lint({**statements, **BROKEN, **PARAMETERISED}):
        by_name[diagnostic["name"]].append(diagnostic)
    return by_name


def _unexpected(found: list[dict]) -> list[dict]:
    return [d for d in found if not PARAMETER_NOT_DEFINED.match(d["message"])]


def _report(found: list[dict]) -> str:
    return "\n".join(f"{d['name']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}" for d in found)


@pytest.mark.node
def test_every_statement_of_the_neo4j_store_passes_the_cypher_analyzer(diagnostics):
    statements = cypher_statements()
    assert len(statements) >= 20, "cypher.py should hold the store's statements"
    problems = _unexpected([d for name in statements for d in diagnostics[name]])
    assert not problems, "Cypher analyzer findings:\n" + _report(problems)


@pytest.mark.node
def test_the_analyzer_catches_misspellings_and_syntax_errors(diagnostics):
    not_caught = [name for name in BROKEN if not _unexpected(diagnostics[name])]
    assert not not_caught, f"the lint let these through: {not_caught}"
    messages = _report([d for name in BROKEN for d in diagnostics[name]])
    for word in ("Actr", "PARTNER_OF", "nmae", "toLowr", "RETUR", "`b`"):
        assert word in messages


@pytest.mark.node
def test_parameters_alone_are_tolerated(diagnostics):
    found = diagnostics["parameterised"]
    assert found and not _unexpected(found)


# -- the store sends nothing the lint did not see ---------------------------------------------------

def test_cypher_module_holds_only_literal_statements():
    """No f-strings, concatenation or formatting: each statement is one literal, values are $parameters."""
    tree = ast.parse(CYPHER_PY.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            value = node.value
            if isinstance(value, ast.Tuple):  # a sequence of statements, by name
                assert all(isinstance(e, ast.Name) for e in value.elts), names
                continue
            assert isinstance(value, ast.Constant) and isinstance(value.value, str), (
                f"{names} must be a plain string literal (line {node.lineno})")
    for name, statement in cypher_statements().items():
        assert "%s" not in statement and "{}" not in statement, name
        assert cypher.__annotations__.get(name) == "LiteralString", f"{name} should be typed LiteralString"


def _trees() -> dict[str, ast.Module]:
    assert len(NEO4J_MODULES) >= 4, "the Neo4j store's package should hold its parts"
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in NEO4J_MODULES}


def test_neo4j_store_has_no_cypher_of_its_own():
    offending = [
        (name, node.lineno, node.value) for name, tree in _trees().items() for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CYPHER_CLAUSE.search(node.value)
    ]
    assert not offending, f"Cypher in the Neo4j store outside cypher.py: {offending}"


def test_neo4j_store_runs_only_statements_from_the_cypher_module():
    """Every ``tx.run(...)`` in the store's modules sends ``cypher.NAME`` (or a parameter that receives one)."""
    trees = _trees()
    runs = [node for tree in trees.values() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run"]
    assert runs
    for call in runs:
        statement = call.args[0]
        if isinstance(statement, ast.Name):
            assert statement.id == "statement", ast.unparse(call)
            continue
        assert (isinstance(statement, ast.Attribute) and isinstance(statement.value, ast.Name)
                and statement.value.id == "cypher" and statement.attr in cypher_statements()), ast.unparse(call)
    # Helpers that take a ``statement`` parameter are only ever handed cypher.NAME (from any module).
    helpers = {node.name: node for tree in trees.values() for node in ast.walk(tree)
               if isinstance(node, ast.FunctionDef) and any(arg.arg == "statement" for arg in node.args.args)}
    for tree in trees.values():
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers:
                index = next(i for i, a in enumerate(helpers[call.func.id].args.args) if a.arg == "statement")
                argument = call.args[index]
                assert isinstance(argument, ast.Attribute) and argument.value.id == "cypher" \
                    or isinstance(argument, ast.Name) and argument.id == "statement", ast.unparse(call)


def test_lint_schema_is_the_documented_schema():
    """Labels, relationship types and property keys the lint accepts are the ones docs/neo4j-schema.md names."""
    source = (LINT_DIR / "lint.mjs").read_text(encoding="utf-8")
    block = source[source.index("graphsvcSchema = {"):source.index("};", source.index("graphsvcSchema = {"))]
    names = set(re.findall(r"'([A-Za-z_]+)'", block))
    doc = SCHEMA_DOC.read_text(encoding="utf-8")
    undocumented = sorted(n for n in names if f"`{n}`" not in doc and f":{n}" not in doc)
    assert not undocumented, f"in the lint schema but not in {SCHEMA_DOC.name}: {undocumented}"
