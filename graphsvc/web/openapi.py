"""The OpenAPI 3.0 document of /api/v1, built from the same constants validation uses."""

from __future__ import annotations

from graphsvc.model.vocab import KINDS, LOCATIONS, ROLES, SERVICE_MODELS, VIEWS
from graphsvc.version import __version__
from graphsvc.web.openapi_transfer import MESSAGE_CODE, MESSAGE_PARAMS

ID = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$"}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TEXT = {"type": "string", "minLength": 1, "maxLength": 300}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "404": _json(_ref("Error"), "No such object"),
    "409": _json(_ref("Error"), "Conflict with what is stored"),
    "422": _json(_ref("Error"), "Invalid input; `problems` lists each offending field"),
}


def _optional_may_be_empty(schema: dict) -> dict:
    """Optional fields also take null, and text ones "" (an empty form field or spreadsheet cell):
    validation reads both as "not given", as if the field were missing."""
    for name, prop in schema["properties"].items():
        if name in schema["required"]:
            continue
        if prop.get("type") == "string":
            prop = {"anyOf": [{k: v for k, v in prop.items() if k not in ("nullable", "description")},
                              {"type": "string", "maxLength": 0}],
                    "nullable": True, **({"description": prop["description"]} if "description" in prop else {})}
        else:
            prop = {**prop, "nullable": True}
        schema["properties"][name] = prop
    return schema


def _actor_schema(*, id_required: bool) -> dict:
    schema = {
        "type": "object",
        "additionalProperties": False,
        # municipality may be unknown (null) for data that does not come from a municipality (docs/domain.md)
        "required": ["id", "name", "kind"] if id_required else ["name", "kind"],
        "properties": {
            "id": ID,
            "name": TEXT,
            "kind": {"type": "string", "enum": list(KINDS)},
            "sector": {**TEXT, "maxLength": 80,
                       "description": "Required for library and municipal_unit; open vocabulary."},
            "municipality": {**TEXT, "maxLength": 120},
            "municipality_number": {"type": "string", "pattern": r"^\d{4}$"},
            "org_number": {"type": "string", "pattern": r"^\d{9}$", "description": "Checked with MOD11."},
            "service_model": {"type": "string", "enum": list(SERVICE_MODELS)},
            "registered": DATE,
            "tags": {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 80}},
        },
    }
    return _optional_may_be_empty(schema)


def _initiative_schema(*, id_required: bool) -> dict:
    # initiator and location may be unknown (null) for data that does not come from a municipality
    required = ["title", "started", "partners"]
    return _optional_may_be_empty({
        "type": "object",
        "additionalProperties": False,
        "required": (["id"] + required) if id_required else required,
        "properties": {
            "id": ID,
            "title": TEXT,
            "category": {"type": "string", "maxLength": 80, "nullable": True},
            "started": DATE,
            "ended": {**DATE, "nullable": True},
            "initiator": ID,
            "location": {"type": "string", "enum": list(LOCATIONS)},
            "partners": {"type": "array", "minItems": 2, "items": _ref("Partner")},
        },
    })


def _page(item: str) -> dict:
    return {"type": "object", "required": ["items", "total", "limit", "offset"],
            "properties": {"items": {"type": "array", "items": _ref(item)}, "total": {"type": "integer"},
                           "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


def _param(name: str, schema: dict, description: str, where: str = "query", required: bool = False) -> dict:
    param = {"name": name, "in": where, "required": required or where == "path", "schema": schema,
             "description": description}
    if where == "query" and not required:
        param["allowEmptyValue"] = True  # `?at=` (an empty form field) means "not given": the default
    return param


PAGING = [_param("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}, "Page size"),
          _param("offset", {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0}, "Items to skip")]
AT = _param("at", DATE, "The network at this date (default: everything)")
VIEW = _param("view", {"type": "string", "enum": list(VIEWS), "default": "cumulative"},
              "cumulative: everything started by `at`; active: what was running at `at`")


def map_paths() -> dict:
    """Map, growth and actor-profile routes (graphsvc.web.maps)."""
    from graphsvc.web.openapi_maps import paths

    return paths(_param, _json, ERRORS, DATE)


def transfer_paths() -> dict:
    """Import (JSON body or file upload), export downloads and templates (graphsvc.web.transfer)."""
    from graphsvc.web.openapi_transfer import paths

    return paths(_param, _json, _ref, ERRORS, DATE)


def metrics_paths() -> dict:
    """Silo metrics: the report as JSON and its tables as CSV (graphsvc.web.metrics)."""
    from graphsvc.web.openapi_metrics import paths

    return paths(_param, _json, ERRORS, DATE)


def openapi_document() -> dict:
    actor_path = _param("actor_id", ID, "Actor id", "path")
    initiative_path = _param("initiative_id", ID, "Initiative id", "path")
    return {
        "openapi": "3.0.3",
        "info": {"title": "graphsvc API", "version": __version__,
                 "description": "Co-creation networks of libraries, municipal units and associations."},
        "paths": {
            "/api/v1/actors": {
                "get": {"summary": "List actors", "operationId": "listActors",
                        "parameters": PAGING + [
                            _param("kind", {"type": "string", "enum": list(KINDS)}, "Only this kind"),
                            _param("sector", {"type": "string"}, "Only this sector (case-insensitive)"),
                            _param("municipality", {"type": "string"}, "Only this municipality"),
                            _param("q", {"type": "string"}, "Name contains this text")],
                        "responses": {"200": _json(_page("Actor"), "A page of actors"), "422": ERRORS["422"]}},
                "post": {"summary": "Create an actor (id made from the name when missing)",
                         "operationId": "createActor",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": _ref("ActorInput")}}},
                         "responses": {"201": _json(_ref("Actor"), "Created"), "409": ERRORS["409"],
                                       "422": ERRORS["422"]}},
            },
            "/api/v1/actors/{actor_id}": {
                "parameters": [actor_path],
                "get": {"summary": "One actor", "operationId": "getActor",
                        "responses": {"200": _json(_ref("Actor"), "The actor"), "404": ERRORS["404"]}},
                "put": {"summary": "Replace an actor's fields", "operationId": "updateActor",
                        "requestBody": {"required": True, "content": {"application/json": {
                            "schema": _ref("ActorInput")}}},
                        "responses": {"200": _json(_ref("Actor"), "Updated"), "404": ERRORS["404"],
                                      "409": ERRORS["409"], "422": ERRORS["422"]}},
                "delete": {"summary": "Delete an actor; refused (409) while it is in initiatives unless cascade",
                           "operationId": "deleteActor",
                           "parameters": [_param("cascade", {"type": "boolean", "default": False},
                                                 "Also delete the initiatives it is a partner in")],
                           "responses": {"200": _json({"type": "object", "properties": {
                               "deleted": {"type": "string"},
                               "deleted_initiatives": {"type": "array", "items": {"type": "string"}}}}, "Deleted"),
                               "404": ERRORS["404"], "409": ERRORS["409"], "422": ERRORS["422"]}},
            },
            "/api/v1/initiatives": {
                "get": {"summary": "List initiatives", "operationId": "listInitiatives",
                        "parameters": PAGING + [
                            _param("actor", {"type": "string"}, "Only initiatives with this partner"),
                            _param("category", {"type": "string"}, "Only this category"),
                            _param("started_from", DATE, "Started on or after"),
                            _param("started_to", DATE, "Started on or before"),
                            _param("active_at", DATE, "Running on this date")],
                        "responses": {"200": _json(_page("Initiative"), "A page of initiatives"),
                                      "422": ERRORS["422"]}},
                "post": {"summary": "Create an initiative", "operationId": "createInitiative",
                         "description": "Refused (409) when an initiative with the same normalised title, the same "
                                        "start date and the same set of partners is stored (as actors are on kind, "
                                        "municipality and normalised name); the message names the stored one's id. "
                                        "Send `allow_duplicate=true` to store it anyway.",
                         "parameters": [_param("allow_duplicate", {"type": "boolean", "default": False},
                                               "Store it even if the same initiative is already stored")],
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": _ref("InitiativeInput")}}},
                         "responses": {"201": _json(_ref("Initiative"), "Created"), "409": _json(
                             _ref("Error"), "An initiative with this id, or the same initiative (title, start date, "
                                            "partners), is already stored"),
                                       "422": ERRORS["422"]}},
            },
            "/api/v1/initiatives/{initiative_id}": {
                "parameters": [initiative_path],
                "get": {"summary": "One initiative", "operationId": "getInitiative",
                        "responses": {"200": _json(_ref("Initiative"), "The initiative"), "404": ERRORS["404"]}},
                "put": {"summary": "Replace an initiative", "operationId": "updateInitiative",
                        "requestBody": {"required": True, "content": {"application/json": {
                            "schema": _ref("InitiativeInput")}}},
                        "responses": {"200": _json(_ref("Initiative"), "Updated"), "404": ERRORS["404"],
                                      "422": ERRORS["422"]}},
                "delete": {"summary": "Delete an initiative", "operationId": "deleteInitiative",
                           "responses": {"200": _json({"type": "object", "properties": {
                               "deleted": {"type": "string"}}}, "Deleted"), "404": ERRORS["404"]}},
            },
            "/api/v1/network": {
                "get": {"summary": "The co-creation network at a date: nodes and weighted ties",
                        "operationId": "getNetwork", "parameters": [AT, VIEW],
                        "responses": {"200": _json(_ref("Network"), "The network"), "422": ERRORS["422"]}},
            },
            **transfer_paths(),
            **map_paths(),
            **metrics_paths(),
            "/api/v1/openapi.json": {
                "get": {"summary": "This document", "operationId": "getOpenapi",
                        "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0 document")}},
            },
            "/healthz": {
                "get": {"summary": "Is the service and its store up?", "operationId": "healthz",
                        "responses": {"200": _json({"type": "object"}, "Up"),
                                      "503": _json({"type": "object"}, "The store does not answer")}},
            },
            "/readyz": {
                "get": {"summary": "Ready for traffic? (checks the store)", "operationId": "readyz",
                        "responses": {"200": _json({"type": "object"}, "Ready"),
                                      "503": _json({"type": "object"}, "The store does not answer")}},
            },
        },
        "components": {"schemas": {
            "Actor": _actor_schema(id_required=True),
            "ActorInput": _actor_schema(id_required=False),
            "Partner": {"type": "object", "additionalProperties": False, "required": ["actor", "role"],
                        "properties": {"actor": ID, "role": {"type": "string", "enum": list(ROLES)}}},
            "Initiative": _initiative_schema(id_required=True),
            "InitiativeInput": _initiative_schema(id_required=False),
            "Document": {"type": "object", "required": ["format"], "properties": {
                "format": {"type": "string", "enum": ["graphsvc/1"]},
                "description": {"type": "string"},
                "actors": {"type": "array", "items": _ref("Actor")},
                "initiatives": {"type": "array", "items": _ref("Initiative")}}},
            "Network": {"type": "object", "required": ["nodes", "ties", "counts"], "properties": {
                "at": {**DATE, "nullable": True}, "view": {"type": "string"},
                "graph_version": {"type": "integer"},
                "counts": {"type": "object", "properties": {k: {"type": "integer"} for k in
                                                            ("actors", "ties", "initiatives")}},
                "nodes": {"type": "array", "items": {"type": "object"}},
                "ties": {"type": "array", "items": {"type": "object", "properties": {
                    "source": {"type": "string"}, "target": {"type": "string"}, "weight": {"type": "integer"},
                    "first": DATE, "last": DATE, "initiatives": {"type": "array", "items": {"type": "string"}}}}},
                "invitations": {"type": "array", "items": {"type": "object"}}}},
            "Error": {"type": "object", "required": ["status", "message"], "properties": {
                "status": {"type": "integer"}, "message": {"type": "string", "description": "In English"},
                "field": {"type": "string", "nullable": True},
                "code": MESSAGE_CODE, "params": MESSAGE_PARAMS,
                "problems": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "message": {"type": "string", "description": "In English"},
                    "code": MESSAGE_CODE, "params": MESSAGE_PARAMS}}}}},
        }},
    }
