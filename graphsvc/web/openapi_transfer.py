"""OpenAPI paths of import and export (graphsvc.web.transfer and the import/export routes of web.api)."""

from __future__ import annotations

from graphsvc.model.vocab import VIEWS

FORMATS = ["json", "graphml", "gexf", "csv", "xlsx"]
#: Every message (errors, problems, rejected rows) carries its code and parameters beside the English text.
MESSAGE_CODE = {"type": "string", "description": "The message's stable code from the catalogue "
                                                 "(graphsvc.model.messages), e.g. `field.required`: translate or "
                                                 "match on it, not on the English `message`"}
MESSAGE_PARAMS = {"type": "object", "additionalProperties": True,
                  "description": "The message's parameters by name (text, numbers, lists); a parameter that is "
                                 "itself a message is an object with `code` and `params`"}

_REJECTION = {"type": "object", "properties": {
    "table": {"type": "string", "description": "File or sheet, e.g. aktorer.csv or sheet 'aktører'"},
    "row": {"type": "integer", "nullable": True, "description": "Row number as a spreadsheet shows it (header = 1)"},
    "column": {"type": "string", "nullable": True, "description": "The column header as written in the file"},
    "message": {"type": "string", "description": "What is wrong, in English"},
    "code": MESSAGE_CODE, "params": MESSAGE_PARAMS}}
_CHANGES = {"type": "object", "properties": {k: {"type": "array", "items": {"type": "string"}}
                                             for k in ("added", "changed", "unchanged")}}
REPORT = {"type": "object", "description": "What the import did or (dry run) would do", "properties": {
    "source": {"type": "string"}, "dry_run": {"type": "boolean"}, "valid_only": {"type": "boolean"},
    "applied": {"type": "boolean", "description": "Whether the store was written"},
    "outcome": {"type": "string"},
    "counts": {"type": "object"}, "rows": {"type": "object"}, "rejected_rows": {"type": "object"},
    "actors": _CHANGES, "initiatives": _CHANGES,
    "rejected": {"type": "array", "items": _REJECTION},
    "warnings": {"type": "array", "items": {"type": "string"}},
    "details": {"type": "array", "items": {"type": "string"}}}}


def paths(_param, _json, _ref, errors: dict, date_schema: dict) -> dict:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "/api/v1/import": {
            "post": {
                "summary": "Import a graphsvc/1 document (JSON body), or upload a file: CSV, zip of CSVs, xlsx, "
                           "JSON, GraphML or GEXF",
                "description": "A JSON body is imported all or nothing (upsert by id). A multipart upload is "
                               "checked row by row and answered with a report; with rejected rows nothing is "
                               "changed (422) unless `valid_only` is set. `dry_run` only reports.",
                "operationId": "importDocument",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("Document")},
                    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "Actors CSV, a zip with actors and initiatives CSVs, an .xlsx "
                                                "with two sheets, or a JSON/GraphML/GEXF document"},
                        "initiatives": {"type": "string", "format": "binary",
                                        "description": "The initiatives CSV, when `file` is the actors CSV"},
                        "dry_run": {"type": "boolean", "default": False},
                        "valid_only": {"type": "boolean", "default": False}}}}}},
                "responses": {
                    "200": _json({"type": "object", "properties": {
                        "imported": {"type": "object", "description": "JSON body: created, updated, unchanged"},
                        "report": REPORT}}, "What was (or would be) created, changed, unchanged and rejected"),
                    "413": errors["422"] | {"description": "The request is larger than GRAPHSVC_MAX_UPLOAD_MB"},
                    "422": errors["422"]}},
        },
        "/api/v1/export": {
            "get": {
                "summary": "Export the network: graphsvc/1 JSON (default) or a download in another format",
                "description": "Without parameters: the whole graph as graphsvc/1 JSON. With `format` or a "
                               "filter: a download (Content-Disposition: attachment).",
                "operationId": "exportDocument",
                "parameters": [
                    _param("format", {"type": "string", "enum": FORMATS, "default": "json"},
                           "json, graphml, gexf (dynamic, for Gephi), csv (a zip of CSV files) or xlsx"),
                    _param("at", date_schema, "The network at this date"),
                    _param("view", {"type": "string", "enum": list(VIEWS), "default": "cumulative"},
                           "With `at`: what had started by then, or what was running then"),
                    _param("municipality", {"type": "string"}, "Actors of this municipality and their partners"),
                    _param("sector", {"type": "string"}, "Actors of this sector and their partners")],
                "responses": {"200": {"description": "The export", "content": {
                    "application/json": {"schema": _ref("Document")},
                    "application/graphml+xml": binary, "application/gexf+xml": binary,
                    "application/zip": binary,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": binary}},
                    "422": errors["422"]}},
        },
        "/api/v1/import/template": {
            "get": {
                "summary": "An import template: Norwegian column headers and example rows",
                "operationId": "importTemplate",
                "parameters": [_param("format", {"type": "string", "enum": ["xlsx", "csv"], "default": "xlsx"},
                                      "xlsx (sheets aktører, initiativ, forklaring) or csv (a zip)")],
                "responses": {"200": {"description": "The template", "content": {
                    "application/zip": binary,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": binary}},
                    "422": errors["422"]}},
        },
    }
