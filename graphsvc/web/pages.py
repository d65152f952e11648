"""HTML pages. Each page has a JSON twin in the API and calls the same service functions."""

from __future__ import annotations

from flask import Blueprint, render_template

from graphsvc.services import graph as svc
from graphsvc.web.context import current_cache, current_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    network = svc.network_json(current_store(), cache=current_cache())
    return render_template("home.html", counts=network["counts"])
