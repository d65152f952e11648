"""Cross-cutting HTTP behaviour: request ids, one structured log line per request, security headers.

The Content-Security-Policy allows scripts only from this app ('self'): pages keep their
JavaScript in web/static and pass data as JSON, never inline. Styles allow 'unsafe-inline'
because vis-network writes style attributes on the elements it creates.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request
from flask.json.provider import DefaultJSONProvider

log = logging.getLogger("graphsvc.requests")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class TextSafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but a string holding an unpaired surrogate (hostile JSON such as "\\ud800",
    repeated in a report) is written as its \\u escape instead of failing to encode: never a 500."""

    def dumps(self, obj, **kwargs) -> str:
        text = super().dumps(obj, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        return text


def register(app: Flask) -> None:
    provider = TextSafeJSONProvider(app)
    if isinstance(app.json, DefaultJSONProvider):
        provider.sort_keys, provider.ensure_ascii = app.json.sort_keys, app.json.ensure_ascii
    app.json = provider
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = getattr(g, "request_id", "-")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        if not app.testing or app.config.get("GRAPHSVC_LOG_REQUESTS"):
            duration_ms = (time.perf_counter() - getattr(g, "started", time.perf_counter())) * 1000
            log.info(json.dumps({"request_id": g.get("request_id"), "method": request.method,
                                 "path": request.path, "status": response.status_code,
                                 "duration_ms": round(duration_ms, 1)}))
        return response
