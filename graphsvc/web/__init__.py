"""The web layer: blueprints for the JSON API and the pages, and the one error model's HTTP mapping."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from graphsvc.web import api, errors, health, middleware, pages

    middleware.register(app)

    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
