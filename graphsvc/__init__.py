"""graphsvc: co-creation (samskaping) networks of libraries, municipal units and associations.

Layers, lowest first: ``model`` ← ``storage``, ``analytics``, ``interchange`` ← ``services`` ←
``web``, ``cli`` ← ``app`` (the factory, ``create_app``). Importing the package root loads nothing
else: ``create_app`` is looked up lazily, so ``import graphsvc.model`` does not import Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphsvc.version import __version__

if TYPE_CHECKING:
    from graphsvc.app import PROJECT_ROOT, create_app

__all__ = ["PROJECT_ROOT", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    if name in ("create_app", "PROJECT_ROOT"):
        from graphsvc import app

        return getattr(app, name)
    raise AttributeError(f"module 'graphsvc' has no attribute {name!r}")
