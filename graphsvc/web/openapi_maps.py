"""OpenAPI paths of the map, growth and actor-profile routes (graphsvc.web.maps), merged into web.openapi."""

from __future__ import annotations

from graphsvc.model.vocab import FREQUENCIES, KINDS, VIEWS


def paths(_param, _json, errors: dict, date_schema: dict) -> dict:
    text = {"type": "string", "maxLength": 200}
    map_params = [
        _param("municipality", text, "Only actors in this municipality (case-insensitive)"),
        _param("sector", text, "Only this sector group, e.g. skole or (association)"),
        _param("kind", {"type": "string", "enum": list(KINDS)}, "Only this kind of actor"),
        _param("category", text, "Only initiatives of this category"),
        _param("from", date_schema, "Only initiatives started on or after"),
        _param("to", date_schema, "Only initiatives started on or before (and actors there by then)"),
        _param("focus", text, "Show only this actor's neighbourhood"),
        _param("depth", {"type": "integer", "enum": [1, 2], "default": 1}, "Steps out from `focus`"),
        _param("group", {"type": "string", "enum": ["auto", "none", "municipality", "sector"], "default": "auto"},
               "Aggregate nodes (auto: by municipality above 2,000 actors)"),
        _param("freq", {"type": "string", "enum": list(FREQUENCIES), "default": "year"},
               "Steps of the time slider (`periods`)"),
    ]
    node = {"type": "object", "required": ["id", "label", "x", "y"], "properties": {
        "id": {"type": "string"}, "label": {"type": "string"}, "kind": {"type": "string"},
        "group": {"type": "string"}, "colour": {"type": "string"}, "shape": {"type": "string"},
        "municipality": {"type": "string", "nullable": True}, "x": {"type": "number"}, "y": {"type": "number"},
        "since": {**date_schema, "nullable": True}, "registered": {**date_schema, "nullable": True},
        "metrics": {"type": "object"}, "aggregate": {"type": "string"}, "count": {"type": "integer"}}}
    edge = {"type": "object", "required": ["from", "to", "weight"], "properties": {
        "from": {"type": "string"}, "to": {"type": "string"}, "weight": {"type": "integer"},
        "since": {**date_schema, "nullable": True}, "last": {**date_schema, "nullable": True},
        "spans": {"type": "array", "items": {"type": "array", "items": {"type": "string", "nullable": True}}},
        "titles": {"type": "array", "items": {"type": "string"}}}}
    map_schema = {"type": "object", "required": ["nodes", "edges", "counts", "periods"], "properties": {
        "graph_version": {"type": "integer"}, "threshold": {"type": "integer"},
        "aggregated": {"type": "string", "nullable": True, "enum": ["municipality", "sector", None]},
        "metrics": {"type": "array", "items": {"type": "string"}},
        "periods": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "end": date_schema}}},
        "filters": {"type": "object"}, "counts": {"type": "object"}, "summary": {"type": "object"},
        "legend": {"type": "object"}, "nodes": {"type": "array", "items": node},
        "edges": {"type": "array", "items": edge}}}
    period = {"type": "object", "required": ["period", "period_end", "actors", "ties", "initiatives", "ei_index"],
              "properties": {"period": {"type": "string"}, "period_end": date_schema,
                             "actors": {"type": "integer"}, "ties": {"type": "integer"},
                             "initiatives": {"type": "integer"},
                             "cross_sector_share": {"type": "number", "nullable": True},
                             "ei_index": {"type": "number", "nullable": True},
                             "ei_by_sector": {"type": "object"}, "library_degree": {"type": "object"}}}
    growth_schema = {"type": "object", "required": ["freq", "view", "periods"], "properties": {
        "freq": {"type": "string"}, "view": {"type": "string"},
        "groups": {"type": "array", "items": {"type": "string"}},
        "libraries": {"type": "object"}, "periods": {"type": "array", "items": period}}}
    return {
        "/api/v1/map": {
            "get": {"summary": "The network map: filtered nodes with server-side positions, ties with dates, "
                               "aggregated by municipality or sector when big",
                    "operationId": "getMap", "parameters": map_params,
                    "responses": {"200": _json(map_schema, "The map"), "404": errors["404"],
                                  "422": errors["422"]}},
        },
        "/api/v1/growth": {
            "get": {"summary": "The growth series: the network at the end of every year, quarter or month",
                    "operationId": "getGrowth",
                    "parameters": [_param("freq", {"type": "string", "enum": list(FREQUENCIES),
                                                   "default": "year"}, "Period length"),
                                   _param("view", {"type": "string", "enum": list(VIEWS),
                                                   "default": "cumulative"},
                                          "cumulative: everything started by the period's end; active: running then")],
                    "responses": {"200": _json(growth_schema, "The series"), "422": errors["422"]}},
        },
        "/api/v1/actors/{actor_id}/profile": {
            "parameters": [_param("actor_id", {"type": "string"}, "Actor id", "path")],
            "get": {"summary": "One actor's initiatives, partners and network metrics (the /actors/<id> page)",
                    "operationId": "getActorProfile",
                    "responses": {"200": _json({"type": "object", "properties": {
                        "actor": {"type": "object"}, "metrics": {"type": "object"},
                        "partners": {"type": "array", "items": {"type": "object"}},
                        "initiatives": {"type": "array", "items": {"type": "object"}}}}, "The profile"),
                        "404": errors["404"]}},
        },
    }
