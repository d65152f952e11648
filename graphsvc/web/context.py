"""The current app's store and cache, as web code reaches them (through ``current_app``, as flaskr does)."""

from __future__ import annotations

from flask import current_app

from graphsvc.services.cache import ResultCache
from graphsvc.storage.base import Store


def current_store() -> Store:
    """The app's store; its schema is ensured on first use (see ``graphsvc.app.AppState``)."""
    return current_app.extensions["graphsvc"].store


def current_cache() -> ResultCache:
    """The app's cache of derived results, keyed by the store's graph version."""
    return current_app.extensions["graphsvc"].cache
