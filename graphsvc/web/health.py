"""Health: /healthz (the process answers and its store does) and /readyz (ready for traffic).

Both check the store, because without it nothing works; load balancers use /readyz, people /healthz.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from graphsvc.model.errors import StoreUnavailable
from graphsvc.version import __version__
from graphsvc.web.context import current_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@bp.get("/readyz")
def healthz():
    try:
        facts = current_store().check()
    except StoreUnavailable as exc:
        return (jsonify({"status": "unavailable", "message": exc.message, "version": __version__}), 503,
                {"Retry-After": "5"})
    # Facts only, never secrets: the store reports its kind, schema and graph version.
    return jsonify({"status": "ok", "version": __version__, "store": facts.get("store"),
                    "schema_version": facts.get("schema_version"), "graph_version": facts.get("graph_version")})
