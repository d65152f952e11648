"""OpenAPI paths of the map, growth and actor-profile routes (graphsvc.web.maps), merged into web.openapi."""

from __future__ import annotations

from graphsvc.analytics.mapview import AGGREGATE_ABOVE, GROUPINGS, MAX_DEPTH, METRICS, ROLES, SHAPES
from graphsvc.model.vocab import FREQUENCIES, KINDS, VIEWS


def paths(_param, _json, errors: dict, date_schema: dict) -> dict:
    text = {"type": "string", "maxLength": 200}
    map_params = [
        _param("municipality", text, "Only actors in this municipality (case-insensitive)"),
        _param("sector", text, "This sector group (e.g. skole or (association)) and its partners (role "
                               "`partner`), with every tie between them"),
        _param("kind", {"type": "string", "enum": list(KINDS)}, "This kind of actor and its partners"),
        _param("category", text, "Only initiatives of this category"),
        _param("from", date_schema, "Only initiatives started on or after"),
        _param("to", date_schema, "Only initiatives started on or before (and actors there by then)"),
        _param("focus", text, "Show only this actor's neighbourhood, laid out in rings around it"),
        _param("depth", {"type": "integer", "enum": list(range(1, MAX_DEPTH + 1)), "default": 1},
               "Steps out from `focus`"),
        _param("group", {"type": "string", "enum": list(GROUPINGS), "default": "auto"},
               f"Aggregate nodes (auto: by municipality above {AGGREGATE_ABOVE:,} actors)"),
        _param("freq", {"type": "string", "enum": list(FREQUENCIES), "default": "year"},
               "Steps of the time slider (`periods`)"),
        _param("shape", {"type": "string", "enum": list(SHAPES), "default": "records"},
               "`records`: one object per node and tie; `columns`: one array per field (what the map page "
               "reads: a fifth of the bytes; dates as days since 1970-01-01, ties referring to nodes by position)"),
    ]
    number_by_metric = {"type": "object", "properties": {m: {"type": "number"} for m in METRICS}}
    node = {"type": "object", "required": ["id", "label", "x", "y"], "properties": {
        "id": {"type": "string"}, "label": {"type": "string"}, "kind": {"type": "string"},
        "group": {"type": "string"}, "colour": {"type": "string", "description": "colour by sector"},
        "colours": {"type": "object", "description": "colour by each colouring (sector, municipality, kind, "
                                                     "community): the map's palette"},
        "shape": {"type": "string"}, "municipality": {"type": "string", "nullable": True},
        "community": {"type": "string", "nullable": True},
        "role": {"type": "string", "enum": list(ROLES),
                 "description": "`partner`: outside the selection, shown for its ties to it (drawn pale)"},
        "distance": {"type": "integer", "description": "steps from the focus (focus views only)"},
        "x": {"type": "number", "description": "the position the map draws (canvas units, y downwards)"},
        "y": {"type": "number"}, "size": {**number_by_metric, "description": "radius per size-by metric"},
        "label_scale": {"type": "number", "nullable": True,
                        "description": "the zoom (screen pixels per canvas unit) from which the label fits"},
        "label_dy": {"type": "number", "description": "how far below the node's centre its label starts"},
        "since": {**date_schema, "nullable": True}, "registered": {**date_schema, "nullable": True},
        "metrics": {"type": "object"}, "aggregate": {"type": "string"}, "count": {"type": "integer"},
        "composition": {"type": "object", "description": "aggregated: actors per value of each colouring"},
        "drill": {"type": "object", "description": "aggregated: the filter that opens this group's own map"}}}
    edge = {"type": "object", "required": ["from", "to", "weight"], "properties": {
        "from": {"type": "string"}, "to": {"type": "string"}, "weight": {"type": "integer"},
        "cross": {"type": "boolean", "description": "the tie joins two sector groups"},
        "since": {**date_schema, "nullable": True}, "last": {**date_schema, "nullable": True},
        "spans": {"type": "array", "items": {"type": "array", "items": {"type": "string", "nullable": True}}},
        "titles": {"type": "array", "items": {"type": "string"}}}}
    columns = {"type": "object", "description": "`shape=columns`: one array per field, in node order",
               "additionalProperties": True}
    map_schema = {"type": "object", "required": ["nodes", "edges", "counts", "periods"], "properties": {
        "graph_version": {"type": "integer"}, "threshold": {"type": "integer"},
        "shape": {"type": "string", "enum": list(SHAPES)},
        "aggregated": {"type": "string", "nullable": True, "enum": ["municipality", "sector", None]},
        "metrics": {"type": "array", "items": {"type": "string"}},
        "colourings": {"type": "array", "items": {"type": "string"}},
        "periods": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "end": date_schema, "day": {"type": "integer"}}}},
        "filters": {"type": "object"}, "counts": {"type": "object"},
        "summary": {"type": "object", "description": "the view's numbers; `scope` says what the sector numbers "
                                                     "describe (network, municipality, selection, initiatives)"},
        "legend": {"type": "object"}, "tables": {"type": "object"},
        "nodes": {"oneOf": [{"type": "array", "items": node}, columns]},
        "edges": {"oneOf": [{"type": "array", "items": edge}, columns]}}}
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
