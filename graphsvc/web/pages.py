"""HTML pages. Each page has a JSON twin in the API and calls the same service functions."""

from __future__ import annotations

from flask import Blueprint, render_template

from graphsvc import services
from graphsvc.domain import services as svc

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    network = svc.network_json(services().store, cache=services().cache)
    return render_template("home.html", counts=network["counts"])
