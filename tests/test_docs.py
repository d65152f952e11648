"""The docs say what the code does: the README's settings table and docker compose use the real settings."""

from __future__ import annotations

import re
from pathlib import Path

from graphsvc.settings import BY_NAME, markdown_table

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_settings_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0].strip()
    assert block == markdown_table(), "README is stale: paste the output of `python -m graphsvc.settings`"


def test_docker_compose_and_env_example_name_only_real_settings():
    for name in ("docker-compose.yml", ".env.example"):
        text = (ROOT / name).read_text(encoding="utf-8")
        used = set(re.findall(r"\b((?:GRAPHSVC|NEO4J)_[A-Z_]+)\b", text))
        unknown = {u for u in used if u not in BY_NAME and u not in ("NEO4J_AUTH", "NEO4J_HEAP", "NEO4J_PAGECACHE")
                   and not u.startswith("NEO4J_server")}
        assert not unknown, f"{name} names settings graphsvc does not have: {sorted(unknown)}"


def _modules_with_examples() -> list[str]:
    package = ROOT / "graphsvc"
    return sorted(".".join(path.relative_to(ROOT).with_suffix("").parts) for path in package.rglob("*.py")
                  if ">>> " in path.read_text(encoding="utf-8"))


def test_every_docstring_example_in_the_package_runs():
    import doctest
    import importlib

    modules = _modules_with_examples()
    assert "graphsvc.model.validation" in modules
    failures = {name: doctest.testmod(importlib.import_module(name)).failed for name in modules}
    assert not {name: n for name, n in failures.items() if n}, failures
