"""The layout shows the architecture: layers import only downwards, and no module imports itself in a circle.

Layers, lowest first: ``model`` ← ``storage``, ``analytics``, ``interchange`` ← ``services`` ←
``web`` ← ``app`` (the factory) ← ``cli``. ``version`` and ``settings`` are leaves every layer may
use. Imports are read from the code itself (``ast``), inside functions too, so a late import
cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graphsvc"

#: Each top-level part of the package and the parts it may import (besides itself and the leaves).
LAYERS = {
    "model": set(),
    "storage": {"model"},
    "analytics": {"model"},
    "interchange": {"model", "analytics"},
    "services": {"model", "storage", "analytics", "interchange"},
    "web": {"model", "storage", "analytics", "interchange", "services"},
    "app": {"model", "storage", "services", "web"},
    "cli": {"model", "storage", "analytics", "interchange", "services", "web", "app"},
}
LEAVES = {"version", "settings"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ``graphsvc…`` module a file imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("graphsvc")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("graphsvc"):
            # ``from graphsvc.services import graph`` imports the module graphsvc.services.graph.
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if module_exists(candidate) else node.module)
    return found


def module_exists(name: str) -> bool:
    base = PACKAGE.parent.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


@pytest.fixture(scope="module")
def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in PACKAGE.rglob("*.py"):
        source = module_name(path)
        graph.add_node(source)
        for target in imports_of(path):
            if target != source:
                graph.add_edge(source, target)
    return graph


def test_every_module_belongs_to_a_layer(import_graph):
    unknown = {m for m in import_graph if part_of(m) not in LAYERS and part_of(m) not in LEAVES | {"<root>"}}
    assert not unknown, f"modules outside the layers: {sorted(unknown)}; add their package to LAYERS"


def test_layers_import_only_downwards(import_graph):
    upward = []
    for source, target in import_graph.edges:
        here, there = part_of(source), part_of(target)
        if here in ("<root>", *LEAVES) or there in LEAVES or here == there:
            continue
        if there == "<root>" or there not in LAYERS[here]:
            upward.append(f"{source} → {target}")
    assert not upward, "imports against the layering:\n" + "\n".join(sorted(upward))


def test_the_package_root_loads_nothing_but_the_version(import_graph):
    assert set(import_graph.successors("graphsvc")) <= {"graphsvc.version", "graphsvc.app"}


def test_no_module_imports_itself_in_a_circle(import_graph):
    cycles = [c for c in nx.simple_cycles(import_graph) if "graphsvc" not in c]
    assert not cycles, "import circles:\n" + "\n".join(" → ".join(c + [c[0]]) for c in cycles[:20])
