"""The web layer: blueprints for the JSON API and the pages, and the one error model's HTTP mapping."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from graphsvc.web import api, errors, health, middleware, pages

    middleware.register(app)
    from graphsvc.web import admin, auth, forms, i18n

    i18n.init_app(app, auth.select_locale)
    auth.init_app(app)  # every route below passes its gate (roles, CSRF)
    app.register_blueprint(forms.bp)
    app.register_blueprint(admin.bp)

    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    from graphsvc.web import maps

    app.register_blueprint(maps.bp)
    app.register_blueprint(maps.api_bp)
    from graphsvc.web import transfer

    app.register_blueprint(transfer.bp)
    from graphsvc.web import metrics

    app.register_blueprint(metrics.bp)
    app.register_blueprint(metrics.api_bp)
    errors.register(app)
