"""One place that turns errors into HTTP: JSON for the API, a page for the browser.

Every error body has ``status``, ``message`` and ``field`` (the offending input, or null);
validation errors add ``problems``, one per field.
"""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from graphsvc.model.errors import GraphsvcError


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _encodable(value):
    """The body with unpaired surrogates (from hostile JSON such as "\\ud800") written as escapes:
    an error message that repeats the offending input must never fail to encode."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    return value


def _respond(body: dict, status: int):
    body = _encodable(body)
    if wants_json():
        return make_response(jsonify(body), status)
    return make_response(render_template("error.html", error=body), status)


def register(app: Flask) -> None:
    @app.errorhandler(GraphsvcError)
    def domain_error(exc: GraphsvcError):
        response = _respond(exc.to_dict(), exc.status)
        if exc.status == 503:
            response.headers["Retry-After"] = "5"  # the store is down or busy: clients and proxies may retry
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        body = {"status": exc.code, "message": exc.description or exc.name, "field": None}
        if exc.code == 413:
            limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            body["message"] = (f"The request is larger than the {limit} MiB this server accepts "
                               "(GRAPHSVC_MAX_UPLOAD_MB); send a smaller file or split it.")
        response = _respond(body, exc.code or 500)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _respond({"status": 500, "message": "internal error: the server logged it", "field": None}, 500)
