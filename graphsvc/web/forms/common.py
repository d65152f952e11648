"""What the librarian's pages share: the ``forms`` blueprint, field names, labels and error mapping."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _

from graphsvc.model.errors import Conflict, NotFound
from graphsvc.model.vocab import CATEGORIES, DEFAULT_SECTORS, KINDS, LOCATIONS, ROLES, SERVICE_MODELS
from graphsvc.web.auth import current_user, requires
from graphsvc.web.context import current_store
from graphsvc.web.i18n import problem_message
from graphsvc.web.labels import (
    field_label,
    kind_labels,
    location_labels,
    role_labels,
    service_model_labels,
    term,
    value_label,
)
from graphsvc.web.params import shown_day

bp = Blueprint("forms", __name__)

ACTOR_TEXT_FIELDS = ("name", "kind", "sector", "municipality", "municipality_number", "org_number", "service_model")
INITIATIVE_TEXT_FIELDS = ("title", "category", "started", "ended", "location")
#: The fields of the new-partner panel inside the initiative form (named ``np-<field>``).
PANEL_FIELDS = ("name", "kind", "sector", "municipality")
MIN_ROWS = 3
MAX_ROWS = 30
ID_IN_LABEL = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9._~-]{0,127})\)\s*$")
NEW_PARTNER_ACTION = re.compile(r"new_partner-(\d{1,2})")
SUGGESTED_ACTION = re.compile(r"suggested-(\d{1,2})")
LIST_PAGE_SIZE = 50


def choices() -> dict:
    return {"kinds": [(k, kind_labels()[k]) for k in KINDS], "roles": [(r, role_labels()[r]) for r in ROLES],
            "locations": [(v, location_labels()[v]) for v in LOCATIONS],
            "service_models": [(v, service_model_labels()[v]) for v in SERVICE_MODELS],
            "sectors": DEFAULT_SECTORS, "categories": CATEGORIES}


def actor_label(actor) -> str:
    """How a partner appears in a search field: ``Name — Municipality (id)``; the id is read back from it."""
    if not actor.municipality:
        return f"{actor.name} ({actor.id})"
    return f"{actor.name} — {actor.municipality} ({actor.id})"


def provisional_label(data: dict) -> str:
    """How a new partner that a proposal brings appears in its row until an editor accepts it."""
    place = f" — {data['municipality']}" if data.get("municipality") else ""
    new = _("new partner")
    return f"{data.get('name', '')}{place} ({new})"


def actor_url(actor_id: str) -> str:
    """The actor's page if the app has one (``/actors/<id>``), else its history."""
    for rule in current_app.url_map.iter_rules():
        if re.fullmatch(r"/actors/<(?:\w+:)?\w+>", rule.rule) and "GET" in (rule.methods or ()):
            values: dict[str, Any] = {next(iter(rule.arguments)): actor_id}
            return url_for(rule.endpoint, **values)
    return url_for("forms.actor_history", actor_id=actor_id)


def action_label(action: str) -> str:
    return {"create": _("created"), "update": _("changed"), "delete": _("deleted"), "import": _("imported"),
            "merge": _("merged with another partner"), "merged_into": _("merged into another partner"),
            "propose": _("proposed"), "accepted": _("accepted"), "rejected": _("rejected"),
            "pending": _("back in the queue")}.get(action, action)


def status_label(status: str) -> str:
    return {"pending": _("waiting for review"), "accepted": _("accepted"),
            "rejected": _("rejected")}.get(status, status)


def changed_fields(entry) -> list[tuple[str, object, object]]:
    """(field label, before, after) for each field an audit entry changed; all fields of a creation.

    Field names and coded values (kinds, roles, locations) are shown in the glossary's words,
    partners by name: the history reads "Hvor: – → I biblioteket", not "location: – → library".
    """
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "merge":
        before, after = before.get("survivor") or {}, after.get("survivor") or {}
    fields = list(dict.fromkeys([*before, *after]))
    kind = entry.object_kind
    return [(field_label(f), _shown_value(f, before.get(f), kind), _shown_value(f, after.get(f), kind))
            for f in fields if before.get(f) != after.get(f) and f != "id"]


def _actor_names(ids: list[str]) -> dict[str, str]:
    store = current_store()
    names = {}
    for actor_id in store.existing_actor_ids(ids):
        with contextlib.suppress(NotFound):  # removed meanwhile: shown by id
            names[actor_id] = store.get_actor(actor_id).name
    return names


def _shown_value(name: str, value, object_kind: str | None = None):
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # a user's "disabled": Ja/Nei, not True/False
        return term("word", "yes" if value else "no")
    if object_kind == "user" and name == "role":
        return term("user_role", value)
    if name == "actors" and isinstance(value, list):  # an import's changed actors: by name
        names = _actor_names([i for i in value if isinstance(i, str)])
        value = [names.get(str(i), i) for i in value]
    if name == "partners" and isinstance(value, list):
        ids = [p.get("actor") for p in value if isinstance(p, dict)]
        names = _actor_names([i for i in ids if isinstance(i, str)])
        value = ", ".join(f"{names.get(str(p.get('actor')), p.get('actor'))} ({value_label('role', p.get('role'))})"
                          if isinstance(p, dict) else str(p) for p in value)
    elif name == "initiator" and isinstance(value, str):
        value = _actor_names([value]).get(value, value)
    elif name in ("started", "ended", "registered") and isinstance(value, str):
        value = shown_day(value)
    elif isinstance(value, list):
        value = ", ".join(map(str, value))
    else:
        value = value_label(name, value)
    if isinstance(value, str) and len(value) > 200:
        return value[:199] + "…"
    return value


@bp.app_context_processor
def form_helpers():
    return {"actor_url": actor_url, "kind_label": lambda k: kind_labels().get(k, k),
            "role_label_of": lambda r: role_labels().get(r, r),
            "location_label": lambda v: location_labels().get(v, v) if v else "–", "action_label": action_label,
            "status_label": status_label, "changed_fields": changed_fields, "shown_day": shown_day}


def field_errors(problems, rename=lambda path: path) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        message = problem_message(problem.message, typed_dates=True)
        errors.setdefault(rename(problem.path) or "_form", []).append(message)
    return errors


def conflict_errors(exc: Conflict, rename=lambda path: path) -> dict[str, list[str]]:
    return {rename(exc.field or "") or "_form": [problem_message(exc.message, typed_dates=True)]}


@bp.get("/forms/session")
@requires("public")
def session_state():
    """JSON for forms.js: is the session still valid? Asked before a form is sent, so an expired
    session is told ("Økten er utløpt") and the draft kept instead of losing it to the login page."""
    user = current_user()
    return jsonify({"user": user.name if user else None,
                    "login_url": url_for("auth.login", next=request.args.get("next") or None)})
