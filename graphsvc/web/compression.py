"""Compressed answers (Flask-Compress: zstd, brotli or gzip, whichever the client accepts).

A map's data is mostly repeated keys and numbers: the 5,000-actor map's JSON shrinks about
fivefold on the wire. Compressed are JSON, scripts, styles and SVG. HTML pages are not: they carry
CSRF tokens next to text a request can reflect (filters, search terms), the pattern the BREACH
attack needs (https://www.breachattack.com/); they are small anyway. Streamed answers (the static
files) are sent as they are: Flask-Compress 1.25 replaces a streamed body with its own generator and
never closes the file underneath (a leaked file handle per request).
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIMETYPES = ["application/json", "text/css", "text/javascript", "application/javascript", "image/svg+xml"]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    Compress(app)
