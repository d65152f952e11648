"""The JSON API under /api/v1: actors, initiatives, the network, import and export.

Views only parse the request, call a service and shape the answer; errors go through
``web.errors``. The OpenAPI document (``web.openapi``) describes every route here.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from graphsvc.model import messages as msg
from graphsvc.model.entities import Page
from graphsvc.model.errors import GraphsvcError, Invalid, Problem
from graphsvc.model.serialize import actor_to_dict, initiative_to_dict
from graphsvc.model.validation import parse_date_param
from graphsvc.model.vocab import KINDS, VIEWS
from graphsvc.services import graph as svc
from graphsvc.services.imports import IN_MEMORY_DOCUMENT_BYTES, Document, run_import
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from graphsvc.web import params
from graphsvc.web.auth import acting_name
from graphsvc.web.context import current_cache, current_store

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_LIMIT = 1000
#: Largest JSON body for one actor or initiative. A document sent to /api/v1/import may be as
#: large as the upload limit: beyond IN_MEMORY_DOCUMENT_BYTES it is streamed, never decoded whole.
MAX_OBJECT_BODY = 1024 * 1024


class BodyTooLarge(GraphsvcError):
    """413 for a JSON body over the limit of its endpoint (the whole-request limit is werkzeug's)."""

    status = 413


def _int_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid([Problem(name, msg.NOT_WHOLE(value=raw))]) from None
    if not low <= value <= high:
        raise Invalid([Problem(name, msg.OUT_OF_RANGE(low=low, high=high, value=value))])
    return value


def _json_body(max_bytes: int = MAX_OBJECT_BODY):
    """The request's JSON body; every way it can be unreadable is a 422 that says which, and a
    body over ``max_bytes`` is a 413 before it is read (decoded JSON takes ~5× its size)."""
    def invalid(message: msg.Message) -> Invalid:
        return Invalid([Problem("", message)])

    if not request.is_json:
        raise invalid(msg.BODY_NOT_JSON(content_type=request.mimetype) if request.mimetype
                      else msg.BODY_NO_CONTENT_TYPE())
    length = request.content_length or 0
    if request.max_content_length is not None and length > request.max_content_length:
        raise RequestEntityTooLarge()  # over the whole server's limit: its 413 (GRAPHSVC_MAX_UPLOAD_MB)
    if length > max_bytes:
        raise BodyTooLarge(msg.BODY_TOO_LARGE_FOR_ENDPOINT(size=length, limit=max_bytes))
    try:
        data = json.loads(request.get_data())
    except UnicodeDecodeError as exc:
        raise invalid(msg.BODY_NOT_UTF8(reason=exc.reason, position=exc.start)) from None
    except json.JSONDecodeError as exc:
        raise invalid(msg.BODY_INVALID_JSON(reason=exc.msg, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise invalid(msg.BODY_TOO_DEEP()) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise invalid(msg.BODY_UNUSABLE_JSON(reason=str(exc))) from None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # "\ud800" alone is legal JSON but not text any store can keep
        raise invalid(msg.BODY_UNPAIRED_SURROGATE()) from None
    return data


def _page(page: Page, to_dict) -> dict:
    return {"items": [to_dict(x) for x in page.items], "total": page.total, "limit": page.limit,
            "offset": page.offset}


def _created(body: dict, location: str):
    """201 Created with the new object and its address."""
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _paging() -> tuple[int, int]:
    return _int_param("limit", 50, 1, MAX_LIMIT), _int_param("offset", 0, 0, 10**9)


# -- actors ------------------------------------------------------------------------
@bp.get("/actors")
def list_actors():
    limit, offset = _paging()
    flt = ActorFilter(kind=params.choice("kind", KINDS), sector=request.args.get("sector") or None,
                      municipality=request.args.get("municipality") or None, q=request.args.get("q") or None)
    return jsonify(_page(current_store().list_actors(flt, limit=limit, offset=offset), actor_to_dict))


@bp.post("/actors")
def create_actor():
    actor = svc.create_actor(current_store(), _json_body(), by=acting_name())
    return _created(actor_to_dict(actor), url_for("api.get_actor", actor_id=actor.id))


@bp.get("/actors/<actor_id>")
def get_actor(actor_id: str):
    return jsonify(actor_to_dict(current_store().get_actor(actor_id)))


@bp.put("/actors/<actor_id>")
def update_actor(actor_id: str):
    return jsonify(actor_to_dict(svc.update_actor(current_store(), actor_id, _json_body(), by=acting_name())))


@bp.delete("/actors/<actor_id>")
def delete_actor(actor_id: str):
    deleted = current_store().delete_actor(actor_id, cascade=params.flag("cascade"), by=acting_name())
    return jsonify({"deleted": actor_id, "deleted_initiatives": deleted})


# -- initiatives -----------------------------------------------------------------------
@bp.get("/initiatives")
def list_initiatives():
    limit, offset = _paging()
    flt = InitiativeFilter(actor=request.args.get("actor") or None, category=request.args.get("category") or None,
                           started_from=parse_date_param(request.args.get("started_from"), "started_from"),
                           started_to=parse_date_param(request.args.get("started_to"), "started_to"),
                           active_at=parse_date_param(request.args.get("active_at"), "active_at"))
    return jsonify(_page(current_store().list_initiatives(flt, limit=limit, offset=offset), initiative_to_dict))


@bp.post("/initiatives")
def create_initiative():
    initiative = svc.create_initiative(current_store(), _json_body(), by=acting_name(),
                                       allow_duplicate=params.flag("allow_duplicate"))
    return _created(initiative_to_dict(initiative), url_for("api.get_initiative", initiative_id=initiative.id))


@bp.get("/initiatives/<initiative_id>")
def get_initiative(initiative_id: str):
    return jsonify(initiative_to_dict(current_store().get_initiative(initiative_id)))


@bp.put("/initiatives/<initiative_id>")
def update_initiative(initiative_id: str):
    return jsonify(initiative_to_dict(svc.update_initiative(current_store(), initiative_id, _json_body(),
                                                            by=acting_name())))


@bp.delete("/initiatives/<initiative_id>")
def delete_initiative(initiative_id: str):
    current_store().delete_initiative(initiative_id, by=acting_name())
    return jsonify({"deleted": initiative_id})


# -- the network, import and export -------------------------------------------------------
@bp.get("/network")
def network():
    at = parse_date_param(request.args.get("at"), "at")
    view = params.choice("view", VIEWS, "cumulative") or "cumulative"
    store, cache = current_store(), current_cache()
    # The encoded body is cached too: on large networks encoding costs more than the lookup.
    body = cache.get_or_compute(
        store.graph_version(), "network.json", (id(store), at, view),
        lambda: json.dumps(svc.network_json(store, at=at, view=view, cache=cache),
                           ensure_ascii=False).encode())
    return Response(body, mimetype="application/json")


@bp.post("/import")
def import_document():
    if request.mimetype == "multipart/form-data":  # a file upload (CSV, zip, xlsx, …): see web.transfer
        from graphsvc.web.transfer import import_upload_response

        return import_upload_response()
    if (request.content_length or 0) > IN_MEMORY_DOCUMENT_BYTES and request.is_json:
        from graphsvc.web.transfer import import_json_body_response

        return import_json_body_response()  # streamed from a private file, never decoded whole
    report = run_import(current_store(), Document(_json_body(IN_MEMORY_DOCUMENT_BYTES)), by=acting_name())
    return jsonify({"imported": report.to_summary().to_dict()})


@bp.get("/export")
def export_document():
    if any(request.args.get(k) for k in ("format", "at", "municipality", "sector")):  # a download: web.transfer
        from graphsvc.web.transfer import export_response

        return export_response(request.args.get("format") or "json")
    params.choice("view", VIEWS)  # only meaningful with `at`, but never ignored silently
    return jsonify(svc.export_document(current_store()))


@bp.get("/openapi.json")
def openapi():
    from graphsvc.web.openapi import openapi_document

    return jsonify(openapi_document())
