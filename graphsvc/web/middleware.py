"""Cross-cutting HTTP behaviour: request ids, one structured log line per request, security headers,
and the body limit for requests without a Content-Length.

The Content-Security-Policy allows scripts only from this app ('self'): pages keep their
JavaScript in web/static and pass data as JSON, never inline. Styles allow 'unsafe-inline'
because vis-network writes style attributes on the elements it creates.
"""

from __future__ import annotations

import io
import json
import logging
import re
import tempfile
import time
import uuid

from flask import Flask, abort, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.wsgi import ClosingIterator

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


class ChunkedBodyLimit:
    """WSGI middleware: a body sent without Content-Length (``Transfer-Encoding: chunked``) is read
    up to the upload limit before the app sees it.

    Werkzeug caps such a stream at ``MAX_CONTENT_LENGTH`` but stops quietly at the cap, so an
    oversized body reached the app cut short ("Unterminated string", 422). Here the body is
    spooled (to disk beyond 1 MiB) and handed on with its real length; a body over the limit is
    not handed on at all, and the request is answered 413 by :func:`register`'s hook.
    """

    SPOOL_IN_MEMORY = 1024 * 1024

    def __init__(self, wsgi_app, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        # A request without Content-Length and not chunked has no body (RFC 9112 6.3); a chunked one's
        # Content-Length, if any, means nothing.
        if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.wsgi_app(environ, start_response)
        spool = self._spool(environ)
        return ClosingIterator(self.wsgi_app(environ, start_response), [spool.close])

    def _spool(self, environ):
        stream = environ["wsgi.input"]
        spool: io.BytesIO | tempfile.SpooledTemporaryFile = io.BytesIO()
        total = 0
        while True:
            chunk = stream.read(min(64 * 1024, self.max_bytes + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > self.max_bytes:
                spool.close()
                environ["graphsvc.body_too_large"] = True
                spool, total = io.BytesIO(), 0
                break
            if total > self.SPOOL_IN_MEMORY and isinstance(spool, io.BytesIO):  # larger bodies wait on disk
                on_disk = tempfile.SpooledTemporaryFile(max_size=0)  # noqa: SIM115 - closed with the response
                on_disk.write(spool.getvalue())
                spool = on_disk
            spool.write(chunk)
        spool.seek(0)
        environ["wsgi.input"] = spool
        environ["CONTENT_LENGTH"] = str(total)
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return spool


def register(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH"):
        app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, int(app.config["MAX_CONTENT_LENGTH"]))  # type: ignore[method-assign]
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
        if request.environ.get("graphsvc.body_too_large"):
            abort(413)
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
