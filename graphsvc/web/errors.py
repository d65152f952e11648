"""One place that turns errors into HTTP: JSON for the API, a page for the browser.

Every error body has ``status``, ``message`` (English) and ``field`` (the offending input, or
null), with the message's ``code`` and ``params``; validation errors add ``problems``, one per
field, each with its own ``field``, ``message``, ``code`` and ``params``. The error page shows
the same messages in the user's language, through the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from graphsvc.model import messages as msg
from graphsvc.model.errors import GraphsvcError, Invalid, Problem
from graphsvc.model.messages import Message


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


def body_of(status: int, message: Message, field: str | None = None) -> dict:
    """The API's error body for one message."""
    return {"status": status, "message": str(message), "field": field, **message.to_dict()}


def respond(status: int, message: Message, *, body: dict | None = None, problems: Sequence[Problem] = ()):
    """The error as JSON (``body``, else made from ``message``) or as the error page in the user's language."""
    if wants_json():
        return make_response(jsonify(_encodable(body or body_of(status, message))), status)
    return make_response(render_template("error.html", status=status, message=message, problems=problems), status)


def http_message(exc: HTTPException, max_upload_bytes: int) -> Message:
    """The catalogue's message for an HTTP error the server answers itself."""
    if isinstance(exc, CSRFError):
        return msg.HTTP_CSRF(reason=exc.description or "")
    if exc.code == 413:
        return msg.HTTP_TOO_LARGE(limit=max_upload_bytes // (1024 * 1024))
    standard = {404: msg.HTTP_NOT_FOUND, 405: msg.HTTP_METHOD_NOT_ALLOWED, 400: msg.HTTP_BAD_REQUEST}.get(exc.code or 0)
    if standard is not None and exc.description == type(exc).description:  # Werkzeug's own words, not a raiser's
        return standard()
    return msg.HTTP_OTHER(status=exc.code, name=exc.name, description=exc.description or "")


def register(app: Flask) -> None:
    @app.errorhandler(GraphsvcError)
    def domain_error(exc: GraphsvcError):
        response = respond(exc.status, exc.message, body=exc.to_dict(),
                           problems=exc.problems if isinstance(exc, Invalid) else ())
        if exc.status == 503:
            response.headers["Retry-After"] = "5"  # the store is down or busy: clients and proxies may retry
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = respond(exc.code or 500, http_message(exc, app.config.get("MAX_CONTENT_LENGTH") or 0))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, msg.INTERNAL_ERROR())
