"""The librarian's pages: new partner, new initiative, edit and end, history, merge, proposals.

Forms are plain HTML posted to these views; the fields become the same dicts the API takes and
go through the one validation module (``model.validation``, via ``services.editing``), so an
error names the field it belongs to and is shown next to it, in the user's language, with the
input kept — every error of a submission at once. Whether a submission is saved or proposed
for review is decided by ``services.editing``, not here. ``web/static/forms.js`` adds help
on top (suggestions, new partners without leaving the page, a draft kept when the session
expires); every form also works without it.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graphsvc.model.entities import normalise_key
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.model.vocab import CATEGORIES, DEFAULT_SECTORS, KINDS, LOCATIONS, ROLES, SERVICE_MODELS
from graphsvc.services import editing
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from graphsvc.web.auth import acting_name, current_user, requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.i18n import problem_message
from graphsvc.web.labels import (
    field_label,
    kind_labels,
    location_labels,
    role_labels,
    service_model_labels,
    value_label,
)
from graphsvc.web.params import iso_day, shown_day

bp = Blueprint("forms", __name__)

ACTOR_TEXT_FIELDS = ("name", "kind", "sector", "municipality", "municipality_number", "org_number", "service_model")
INITIATIVE_TEXT_FIELDS = ("title", "category", "started", "ended", "location")
#: The fields of the new-partner panel inside the initiative form (named ``np-<field>``).
PANEL_FIELDS = ("name", "kind", "sector", "municipality")
MIN_ROWS = 3
MAX_ROWS = 30
_ID_IN_LABEL = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9._~-]{0,127})\)\s*$")
_NEW_PARTNER_ACTION = re.compile(r"new_partner-(\d{1,2})")
LIST_PAGE_SIZE = 50


def _choices() -> dict:
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
    return [(field_label(f), _shown_value(f, before.get(f)), _shown_value(f, after.get(f))) for f in fields
            if before.get(f) != after.get(f) and f != "id"]


def _actor_names(ids: list[str]) -> dict[str, str]:
    store = current_store()
    names = {}
    for actor_id in store.existing_actor_ids(ids):
        with contextlib.suppress(NotFound):  # removed meanwhile: shown by id
            names[actor_id] = store.get_actor(actor_id).name
    return names


def _shown_value(name: str, value):
    if value is None or value == "":
        return None
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


def _errors(problems, rename=lambda path: path) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(rename(problem.path) or "_form", []).append(problem_message(problem.message))
    return errors


def _conflict_errors(exc: Conflict, rename=lambda path: path) -> dict[str, list[str]]:
    return {rename(exc.field or "") or "_form": [problem_message(exc.message)]}


@bp.get("/forms/session")
@requires("public")
def session_state():
    """JSON for forms.js: is the session still valid? Asked before a form is sent, so an expired
    session is told ("Økten er utløpt") and the draft kept instead of losing it to the login page."""
    user = current_user()
    return jsonify({"user": user.name if user else None,
                    "login_url": url_for("auth.login", next=request.args.get("next") or None)})


# -- partners (actors) ------------------------------------------------------------------------------
def actor_data(form, prefix: str = "") -> dict:
    """The partner form's fields as the dict ``parse_actor`` reads (empty optional fields left out)."""
    data = {name: form.get(prefix + name, "").strip() for name in ACTOR_TEXT_FIELDS
            if form.get(prefix + name, "").strip()}
    if data.get("kind") != "library":
        data.pop("service_model", None)
    tags = [t.strip() for t in form.get(prefix + "tags", "").split(",") if t.strip()]
    if tags:
        data["tags"] = tags
    return data


@bp.get("/forms/similar-actors")
@requires("viewer")
def similar_actors():
    """JSON for the name field: registered actors whose names look like what is being typed."""
    name = request.args.get("name", "")[:300]
    if len(name.strip()) < 3:
        return jsonify({"suggestions": []})
    municipality = request.args.get("municipality") or None
    found = editing.similar_actors(current_store(), name, municipality=municipality,
                                   exclude=request.args.get("exclude") or None)
    key, place = editing.name_key(name), normalise_key(municipality)
    return jsonify({"suggestions": [
        {"id": a.id, "name": a.name, "kind": a.kind, "kind_label": kind_labels().get(a.kind, a.kind),
         "municipality": a.municipality or "", "score": round(score, 2), "url": actor_url(a.id),
         "label": actor_label(a), "likely": score >= editing.LIKELY_DUPLICATE_AT,
         "same": editing.name_key(a.name) == key and (municipality is None or normalise_key(a.municipality) == place)}
        for a, score in found]})


@bp.get("/forms/actor-search")
@requires("viewer")
def actor_search():
    """JSON for the partner fields of the initiative form: actors whose name contains the text."""
    q = request.args.get("q", "").strip()[:200]
    if len(q) < 2:
        return jsonify({"actors": []})
    page = current_store().list_actors(ActorFilter(q=q), limit=10)
    return jsonify({"actors": [{"id": a.id, "label": actor_label(a), "name": a.name,
                                "municipality": a.municipality or "", "kind": kind_labels().get(a.kind, a.kind)}
                               for a in page.items]})


@bp.route("/partners/new", methods=["GET", "POST"])
@requires("viewer")
def new_partner():
    store = current_store()
    user = signed_in_user()
    proposing = not editing.may_save(user)
    values = dict(request.form) if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    duplicates = []
    same = []
    if request.method == "POST":
        data = actor_data(request.form)
        try:
            outcome = editing.submit_actor(store, data, user=user,
                                           confirmed=bool(request.form.get("confirm_duplicate")))
        except Invalid as exc:
            errors = _errors(exc.problems)
        except Conflict as exc:
            errors = _conflict_errors(exc)
            same = editing.same_name(store, data.get("name", ""), data.get("municipality"))
        else:
            if outcome.status == "proposed":
                flash(_("Thank you! Your proposal waits for an editor to review it."))
                return redirect(url_for("forms.proposals"))
            if outcome.status == "saved":
                flash(_("%(name)s is registered as a partner.", name=outcome.actor.name))
                return redirect(actor_url(outcome.actor.id))
            duplicates = outcome.duplicates
            errors["_duplicate"] = [_("A partner with a similar name is already registered.")]
    status = 422 if errors else 200
    return render_template("forms/partner.html", values=values, errors=errors, duplicates=duplicates, same=same,
                           proposing=proposing, **_choices()), status


def _values_from_actor(actor) -> dict:
    values = {name: getattr(actor, name) or "" for name in ACTOR_TEXT_FIELDS}
    values["tags"] = ", ".join(actor.tags)
    return values


@bp.route("/partners/<actor_id>/edit", methods=["GET", "POST"])
@requires("editor")
def partner_edit(actor_id: str):
    """The new-partner form for a registered partner: prefilled, the same validation and duplicate rule."""
    store = current_store()
    actor = store.get_actor(actor_id)
    values = dict(request.form) if request.method == "POST" else _values_from_actor(actor)
    errors: dict[str, list[str]] = {}
    duplicates = []
    same = []
    status = 200
    if request.method == "POST":
        data = actor_data(request.form)
        try:
            outcome = editing.update_actor(store, actor_id, data, user=signed_in_user(),
                                           confirmed=bool(request.form.get("confirm_duplicate")))
        except Invalid as exc:
            errors = _errors(exc.problems)
        except Conflict as exc:
            errors, status = _conflict_errors(exc), 409
            same = editing.same_name(store, data.get("name", ""), data.get("municipality"), exclude=actor_id)
        else:
            if outcome.status == "saved":
                flash(_("The changes to %(name)s are saved.", name=outcome.actor.name))
                return redirect(actor_url(actor_id))
            duplicates = outcome.duplicates
            errors["_duplicate"] = [_("A partner with a similar name is already registered.")]
    return render_template("forms/partner.html", values=values, errors=errors, duplicates=duplicates, same=same,
                           proposing=False, actor=actor, **_choices()), \
        status if status != 200 else (422 if errors else 200)


# -- initiatives ----------------------------------------------------------------------------------
def _row_count(form) -> int:
    try:
        rows = int(form.get("rows", MIN_ROWS))
    except ValueError:
        rows = MIN_ROWS
    return max(MIN_ROWS, min(MAX_ROWS, rows))


def _resolve_partner(store, text: str) -> tuple[str | None, str | None]:
    """A partner field's text → (actor id, None) or (None, why not)."""
    text = text.strip()
    match = _ID_IN_LABEL.search(text)
    candidates = [match.group(1)] if match else []
    candidates.append(text)
    for candidate in candidates:
        if store.existing_actor_ids([candidate]):
            return candidate, None
    named = [a for a in store.list_actors(ActorFilter(q=text), limit=20).items
             if normalise_key(a.name) == normalise_key(text)]
    if len(named) == 1:
        return named[0].id, None
    if len(named) > 1:
        return None, _("Several partners are called “%(name)s”: choose one from the suggestions.", name=text)
    return None, _("No partner is registered as “%(name)s”. Choose one from the suggestions, or register it as a "
                   "new partner with the button beside it.", name=text)


def _new_partner_of_row(form, row: int, text: str) -> dict | None:
    """The new partner a viewer attached to this row (hidden ``partner-<row>-new``), while the row
    still shows it; a row typed over since then is read as typed."""
    raw = form.get(f"partner-{row}-new", "")
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or text != provisional_label(data):
        return None
    return {k: v for k, v in data.items() if k in ("id", *ACTOR_TEXT_FIELDS, "tags")}


class InitiativeForm:
    """The initiative form read back: the dict ``parse_initiative`` reads, the errors of partner
    rows that name no registered partner, which row each partner came from, and the new
    partners a viewer's rows bring."""

    def __init__(self, store, form):
        self.data = {name: form.get(name, "").strip() for name in INITIATIVE_TEXT_FIELDS if form.get(name, "").strip()}
        for name in ("started", "ended"):
            if name in self.data:
                self.data[name] = iso_day(self.data[name])
        self.errors: dict[str, list[str]] = {}
        self.rows_of: dict[int, int] = {}
        self.new_partners: list[dict] = []
        self.unresolved: set[int] = set()
        partners: list[dict[str, str]] = []
        self.initiator_row = form.get("initiator", "")
        for row in range(_row_count(form)):
            text = form.get(f"partner-{row}-actor", "").strip()
            if not text:
                continue
            new = _new_partner_of_row(form, row, text)
            if new is not None:
                actor_id = new["id"]
                self.new_partners.append(new)
            else:
                actor_id, problem = _resolve_partner(store, text)
                if problem:
                    self.errors[f"partner-{row}-actor"] = [problem]
                    self.unresolved.add(row)
                    continue
            self.rows_of[len(partners)] = row
            partners.append({"actor": actor_id, "role": form.get(f"partner-{row}-role", "")})
            if self.initiator_row == str(row):
                self.data["initiator"] = actor_id
        self.data["partners"] = partners

    def rename(self, path: str) -> str:
        match = re.fullmatch(r"partners\[(\d+)\]\.(actor|role)", path)
        if match:
            return f"partner-{self.rows_of.get(int(match.group(1)), match.group(1))}-{match.group(2)}"
        return path

    def add_problems(self, problems: list[Problem]) -> None:
        """Validation's problems next to their fields, leaving out those that only repeat a row
        already reported as unknown (too few partners, an initiator who could not be read)."""
        typed = len(self.data["partners"]) + len(self.unresolved)
        for problem in problems:
            if self.unresolved and problem.path == "partners" and typed >= 2:
                continue
            initiator_unknown = self.initiator_row.isdigit() and int(self.initiator_row) in self.unresolved
            if problem.path == "initiator" and initiator_unknown:
                continue
            name = self.rename(problem.path)
            if name == "initiator" and problem.message != "is required":
                message = _("Choose which partner took the initiative.")
            elif name == "initiator":
                message = _("The partner who took the initiative must be filled in.")
            else:
                message = problem_message(problem.message)
            self.errors.setdefault(name or "_form", [])
            if message not in self.errors[name or "_form"]:
                self.errors[name or "_form"].append(message)


def initiative_data(store, form) -> tuple[dict, dict[str, list[str]], dict[int, int]]:
    """The initiative form as the dict ``parse_initiative`` reads, the errors found on the way,
    and which form row each partner came from (to put later errors next to the right row)."""
    read = InitiativeForm(store, form)
    return read.data, read.errors, read.rows_of


def _values_from_initiative(initiative) -> dict:
    store = current_store()
    values = {"title": initiative.title, "category": initiative.category or "",
              "started": initiative.started.isoformat(), "ended": initiative.ended.isoformat() if initiative.ended
              else "", "location": initiative.location or "",
              "rows": str(max(MIN_ROWS, len(initiative.partners) + 1))}
    for row, partner in enumerate(initiative.partners):
        try:
            values[f"partner-{row}-actor"] = actor_label(store.get_actor(partner.actor))
        except NotFound:
            values[f"partner-{row}-actor"] = partner.actor
        values[f"partner-{row}-role"] = partner.role
        if partner.actor == initiative.initiator:
            values["initiator"] = str(row)
    return values


def _shown_values(values: dict) -> dict:
    """The form's values with dates shown as dd.mm.åååå."""
    return {**values, **{n: shown_day(iso_day(values[n])) for n in ("started", "ended") if values.get(n)}}


def _panel_prefill(store, values: dict, row: int) -> dict:
    """The new-partner panel for ``row``: the name typed in the row, and the municipality of the
    partners already chosen (an initiative's partners are mostly in one municipality)."""
    text = values.get(f"partner-{row}-actor", "").strip()
    municipality = ""
    for other in range(_row_count(values)):
        if other == row:
            continue
        match = _ID_IN_LABEL.search(values.get(f"partner-{other}-actor", ""))
        if match and store.existing_actor_ids([match.group(1)]):
            municipality = store.get_actor(match.group(1)).municipality or ""
            if municipality:
                break
    return {"np-row": str(row), "np-name": "" if _ID_IN_LABEL.search(text) else text,
            "np-municipality": municipality}


def _render_initiative(values, errors, *, mode: str, initiative=None, proposing=False, status=200, duplicates=(),
                       panel=None, panel_duplicates=(), panel_same=()):
    values = _shown_values(values)
    if panel is not None:
        values = {**values, **panel}
    return render_template("forms/initiative.html", values=values, errors=errors,
                           rows=_row_count(values), mode=mode, initiative=initiative, proposing=proposing,
                           duplicates=duplicates, panel_open=panel is not None, panel_duplicates=panel_duplicates,
                           panel_same=panel_same, **_choices()), status


def _panel_data(form) -> dict:
    return {name: form.get(f"np-{name}", "").strip() for name in PANEL_FIELDS if form.get(f"np-{name}", "").strip()}


def _taken_provisional_ids(form) -> tuple[str, ...]:
    ids = []
    for row in range(_row_count(form)):
        new = _new_partner_of_row(form, row, form.get(f"partner-{row}-actor", "").strip())
        if new:
            ids.append(new["id"])
    return tuple(ids)


def _register_panel_partner(store, user, values: dict, form) -> tuple[dict, dict | None, list, list]:
    """The no-script path of the new-partner panel: register (or, for a viewer, attach) the
    partner and put it into the row it was opened from. Returns the form's values, the panel
    (None when it closes), and what to show in it (likely duplicates, the same name registered)."""
    try:
        row = max(0, min(_row_count(form) - 1, int(form.get("np-row", "0"))))
    except ValueError:
        row = 0
    data = _panel_data(form)
    panel = {f"np-{k}": v for k, v in form.items() if k.startswith("np-")}
    panel["np-row"] = str(row)
    try:
        outcome = editing.new_partner_for_form(store, data, user=user,
                                                    confirmed=bool(form.get("np-confirm_duplicate")),
                                                    taken=_taken_provisional_ids(form))
    except Invalid as exc:
        errors = _errors(exc.problems, lambda path: f"np-{path}")
        return values, {**panel, "_errors": errors}, [], []
    except Conflict as exc:
        same = editing.same_name(store, data.get("name", ""), data.get("municipality"))
        return values, {**panel, "_errors": _conflict_errors(exc, lambda path: f"np-{path}")}, [], same
    if outcome.status == "confirm":
        return values, {**panel, "_errors": {"_np_duplicate": [_("A partner with a similar name is already "
                                                                   "registered.")]}}, outcome.duplicates, []
    values = dict(values)
    values.pop(f"partner-{row}-new", None)
    if outcome.status == "saved":
        values[f"partner-{row}-actor"] = actor_label(outcome.actor)
        flash(_("%(name)s is registered as a partner.", name=outcome.actor.name))
    else:
        values[f"partner-{row}-actor"] = provisional_label(outcome.provisional)
        values[f"partner-{row}-new"] = json.dumps(outcome.provisional, ensure_ascii=False)
    values.setdefault(f"partner-{row}-role", "co_creator")
    if not values.get(f"partner-{row}-role"):
        values[f"partner-{row}-role"] = "co_creator"
    return values, None, [], []


def _form_values(form) -> dict:
    return {k: v for k, v in form.items() if k not in ("csrf_token", "action") and not k.startswith("np-")}


def _initiative_post(*, mode: str, initiative=None):
    """One POST of the initiative form (new or edit): add a row, open or use the new-partner
    panel, or save — with every error of the submission at once."""
    store = current_store()
    user = signed_in_user()
    proposing = mode == "new" and not editing.may_save(user)
    values = _form_values(request.form)
    action = request.form.get("action", "save")
    render = dict(mode=mode, initiative=initiative, proposing=proposing)
    if action == "add_row":
        values["rows"] = str(min(MAX_ROWS, _row_count(values) + 1))
        return _render_initiative(values, {}, **render)
    if action == "close_partner":
        return _render_initiative(values, {}, **render)
    opened = _NEW_PARTNER_ACTION.fullmatch(action)
    if opened:
        row = min(int(opened.group(1)), _row_count(values) - 1)
        return _render_initiative(values, {}, panel=_panel_prefill(store, values, row), **render)
    if action == "create_partner":
        values, panel, duplicates, same = _register_panel_partner(store, user, values, request.form)
        if panel is None:
            return _render_initiative(values, {}, **render)
        errors = panel.pop("_errors")
        return _render_initiative(values, errors, panel=panel, panel_duplicates=duplicates, panel_same=same,
                                  status=409 if same else 422, **render)
    read = InitiativeForm(store, request.form)
    confirmed = bool(request.form.get("confirm_duplicate"))
    try:
        if mode == "edit":
            read.add_problems(editing.initiative_problems(store, {**read.data, "id": initiative.id}))
            if read.errors:
                return _render_initiative(values, read.errors, status=422, **render)
            outcome = editing.update_initiative_from_form(store, initiative.id, read.data, user=user,
                                                          confirmed=confirmed)
        else:
            read.add_problems(editing.initiative_problems(store, read.data, new_partners=read.new_partners))
            if read.errors:
                return _render_initiative(values, read.errors, status=422, **render)
            outcome = editing.submit_initiative(store, read.data, user=user, new_partners=read.new_partners,
                                                confirmed=confirmed)
    except Invalid as exc:
        read.add_problems(exc.problems)
        return _render_initiative(values, read.errors, status=422, **render)
    except Conflict as exc:
        return _render_initiative(values, _conflict_errors(exc, read.rename), status=409, **render)
    if outcome.status == "confirm":
        errors = {"_duplicate": [_("An initiative with the same title and start date and mostly the same partners "
                                   "is already registered.")]}
        return _render_initiative(values, errors, status=422, duplicates=outcome.duplicates, **render)
    if outcome.status == "proposed":
        flash(_("Thank you! Your proposal waits for an editor to review it."))
        return redirect(url_for("forms.proposals"))
    if mode == "edit":
        flash(_("The changes are saved."))
    else:
        flash(_("The initiative “%(title)s” is saved.", title=outcome.initiative.title))
    return redirect(url_for("forms.initiative_page", initiative_id=outcome.initiative.id))


@bp.route("/initiatives/new", methods=["GET", "POST"])
@requires("viewer")
def initiative_new():
    if request.method != "POST":
        return _render_initiative({}, {}, mode="new", proposing=not editing.may_save(signed_in_user()))
    return _initiative_post(mode="new")


@bp.post("/forms/new-partner")
@requires("viewer")
def new_partner_json():
    """JSON for forms.js: register a partner from inside the initiative form without leaving it.

    Editors get the stored partner (``status: "saved"``, its ``label`` for the row); viewers a
    partner attached to their proposal (``status: "proposed"``, ``label`` and ``new``, its data
    with a provisional id, for the row's hidden field). ``"confirm"`` lists likely duplicates
    (send again with ``confirm_duplicate``); 409 names the partner already registered under the
    same name; 422 has the errors by field.
    """
    store = current_store()
    form = request.form
    data = {name: form.get(name, "").strip() for name in PANEL_FIELDS if form.get(name, "").strip()}
    taken = tuple(t for t in form.get("taken", "").split(",") if t)
    try:
        outcome = editing.new_partner_for_form(store, data, user=signed_in_user(),
                                                    confirmed=bool(form.get("confirm_duplicate")), taken=taken)
    except Invalid as exc:
        return jsonify({"status": "invalid", "errors": _errors(exc.problems)}), 422
    except Conflict as exc:
        same = editing.same_name(store, data.get("name", ""), data.get("municipality"))
        return jsonify({"status": "same", "errors": _conflict_errors(exc),
                        "existing": [{"label": actor_label(a), "name": a.name, "url": actor_url(a.id)}
                                     for a in same]}), 409
    if outcome.status == "confirm":
        return jsonify({"status": "confirm", "message": _("A partner with a similar name is already registered."),
                        "duplicates": [{"label": actor_label(a), "name": a.name, "url": actor_url(a.id),
                                        "kind_label": kind_labels().get(a.kind, a.kind),
                                        "municipality": a.municipality or ""} for a, _s in outcome.duplicates]})
    if outcome.status == "saved":
        return jsonify({"status": "saved", "label": actor_label(outcome.actor), "id": outcome.actor.id,
                        "message": _("%(name)s is registered as a partner.", name=outcome.actor.name)})
    new = outcome.provisional
    return jsonify({"status": "proposed", "label": provisional_label(new), "new": new,
                    "message": _("%(name)s goes with your proposal as a new partner.", name=new["name"])})


@bp.get("/initiatives")
@requires("viewer")
def initiative_list():
    """Find an initiative: words of the title, a partner, a category, ongoing or ended; paged."""
    store = current_store()
    values = {name: request.args.get(name, "").strip()[:200] for name in ("q", "partner", "category", "active")}
    errors: dict[str, list[str]] = {}
    actor_id = None
    if values["partner"]:
        actor_id, problem = _resolve_partner(store, values["partner"])
        if problem:
            errors["partner"] = [problem]
    offset = max(0, request.args.get("offset", 0, type=int))
    ended = {"ongoing": False, "ended": True}.get(values["active"])
    found = None
    if not errors:
        found = editing.find_initiatives(store, InitiativeFilter(actor=actor_id, category=values["category"] or None),
                                         q=values["q"], ended=ended, limit=LIST_PAGE_SIZE, offset=offset)
    args = {k: v for k, v in values.items() if v}
    return render_template("forms/initiatives.html", values=values, errors=errors, found=found, args=args,
                           categories=CATEGORIES,
                           active_choices=[("ongoing", _("Ongoing")), ("ended", _("Ended"))]), 422 if errors else 200


@bp.get("/initiatives/<initiative_id>")
def initiative_page(initiative_id: str):
    store = current_store()
    initiative = store.get_initiative(initiative_id)
    actors = {a: store.get_actor(a) for a in initiative.actor_ids if store.existing_actor_ids([a])}
    user = current_user()
    history = store.list_audit(object_kind="initiative", object_id=initiative_id, limit=50) if user else None
    return render_template("forms/initiative_page.html", initiative=initiative, actors=actors, history=history)


@bp.route("/initiatives/<initiative_id>/edit", methods=["GET", "POST"])
@requires("editor")
def initiative_edit(initiative_id: str):
    store = current_store()
    initiative = store.get_initiative(initiative_id)
    if request.method != "POST":
        return _render_initiative(_values_from_initiative(initiative), {}, mode="edit", initiative=initiative)
    return _initiative_post(mode="edit", initiative=initiative)


@bp.post("/initiatives/<initiative_id>/end")
@requires("editor")
def initiative_end(initiative_id: str):
    store = current_store()
    ended = iso_day(request.form.get("ended", "").strip())
    try:
        editing.end_initiative(store, initiative_id, ended or None, by=acting_name())
    except Invalid as exc:
        initiative = store.get_initiative(initiative_id)
        actors = {a: store.get_actor(a) for a in initiative.actor_ids if store.existing_actor_ids([a])}
        errors = {"ended": [problem_message(p.message) for p in exc.problems]}
        return render_template("forms/initiative_page.html", initiative=initiative, actors=actors,
                               history=store.list_audit(object_kind="initiative", object_id=initiative_id, limit=50),
                               errors=errors, values={"ended": shown_day(ended)}), 422
    flash(_("The end date is saved.") if ended else _("The initiative is marked as ongoing."))
    return redirect(url_for("forms.initiative_page", initiative_id=initiative_id))


# -- history -----------------------------------------------------------------------------------------
@bp.get("/actors/<actor_id>/history")
@requires("viewer")
def actor_history(actor_id: str):
    store = current_store()
    try:
        actor = store.get_actor(actor_id)
    except NotFound:
        actor = None  # merged or deleted: the history still tells what happened
    history = store.list_audit(object_kind="actor", object_id=actor_id, limit=100)
    if actor is None and not history.items:
        abort(404)
    return render_template("forms/history.html", actor=actor, actor_id=actor_id, history=history)


@bp.get("/history")
@requires("editor")
def audit_log():
    offset = max(0, request.args.get("offset", 0, type=int))
    history = current_store().list_audit(limit=50, offset=offset)
    return render_template("forms/audit.html", history=history)


# -- merging ------------------------------------------------------------------------------------------
@bp.route("/partners/merge", methods=["GET", "POST"])
@requires("admin")
def merge():
    store = current_store()
    values = dict(request.values)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        ids: dict[str, str] = {}
        for field in ("survivor", "merged"):
            actor_id, problem = _resolve_partner(store, request.form.get(field, ""))
            if problem:
                errors[field] = [problem]
            elif actor_id is not None:
                ids[field] = actor_id
        if not errors:
            try:
                survivor, moved = editing.merge_actors(store, ids["survivor"], ids["merged"],
                                                       by=signed_in_user().name)
            except (Invalid, Conflict) as exc:
                problems = exc.problems if isinstance(exc, Invalid) else [Problem(exc.field or "merged", exc.message)]
                for p in problems:
                    errors.setdefault(p.path or "merged", []).append(problem_message(p.message))
            else:
                flash(_("Merged. %(count)s initiative(s) moved to %(name)s.", count=len(moved), name=survivor.name))
                return redirect(actor_url(survivor.id))
    return render_template("forms/merge.html", values=values, errors=errors), 422 if errors else 200


# -- proposals ----------------------------------------------------------------------------------------
@bp.get("/proposals")
@requires("viewer")
def proposals():
    store = current_store()
    user = signed_in_user()
    queue = store.list_proposals(status="pending") if user.can("editor") else []
    mine = store.list_proposals(proposer=user.name)
    return render_template("forms/proposals.html", queue=queue, mine=mine)


def _proposal_for(proposal_id: str):
    proposal = current_store().get_proposal(proposal_id)
    user = signed_in_user()
    if proposal.proposer != user.name and not user.can("editor"):
        abort(403)
    return proposal


@bp.route("/proposals/<proposal_id>", methods=["GET", "POST"])
@requires("viewer")
def proposal(proposal_id: str):
    """A proposal: its proposer sees what became of it; an editor accepts (possibly corrected) or rejects it.

    An initiative proposal's new partners stand in their rows as "… (new partner)"; the editor
    may keep them (they are created with the initiative) or type a registered partner instead.
    """
    store = current_store()
    item = _proposal_for(proposal_id)
    errors: dict[str, list[str]] = {}
    duplicates = []
    if item.kind == "actor":
        values = {k: v for k, v in item.data.items() if k != "tags"}
        values["tags"] = ", ".join(item.data.get("tags", []))
    else:
        values = _proposal_initiative_values(item.data)
    if request.method == "POST":
        if not signed_in_user().can("editor"):
            abort(403)
        values = _form_values(request.form)
        values["note"] = request.form.get("note", "")
        decision = request.form.get("decision")
        read = None
        try:
            if decision == "reject":
                editing.reject(store, proposal_id, request.form.get("note"), by=signed_in_user().name)
                flash(_("The proposal is rejected."))
                return redirect(url_for("forms.proposals"))
            if item.kind == "actor":
                data = actor_data(request.form)
                problems = editing.actor_problems(data)
                if problems:
                    raise Invalid(problems)
            else:
                read = InitiativeForm(store, request.form)
                read.add_problems(editing.initiative_problems(store, read.data, new_partners=read.new_partners))
                if read.errors:
                    raise _ShowErrors(read.errors)
                data = {**read.data, editing.NEW_PARTNERS: read.new_partners} if read.new_partners else read.data
                if not request.form.get("confirm_duplicate"):
                    known = store.existing_actor_ids([p["actor"] for p in read.data["partners"]])
                    duplicates = editing.duplicate_initiatives(store, read.data, known=known)
                    if duplicates:
                        raise _ShowErrors({"_duplicate": [_("An initiative with the same title and start date and "
                                                            "mostly the same partners is already registered.")]})
            result_id = editing.accept(store, proposal_id, data, by=signed_in_user().name, allow_duplicate=True)[1]
            flash(_("The proposal is accepted and saved."))
            return redirect(actor_url(result_id) if item.kind == "actor"
                            else url_for("forms.initiative_page", initiative_id=result_id))
        except _ShowErrors as shown:
            errors = shown.errors
        except Invalid as exc:
            if read is not None:
                read.add_problems(exc.problems)
                errors = read.errors
            else:
                errors = _errors(exc.problems)
        except Conflict as exc:
            errors = _conflict_errors(exc, read.rename if read is not None else (lambda path: path))
    if item.kind == "initiative":
        values = _shown_values(values)
    new_partners = editing.split_new_partners(item.data)[1] if item.kind == "initiative" else []
    return render_template("forms/proposal.html", proposal=item, values=values, errors=errors, rows=_row_count(values),
                           duplicates=duplicates, new_partners=new_partners, **_choices()), 422 if errors else 200


class _ShowErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("form errors")
        self.errors = errors


def _proposal_initiative_values(data: dict) -> dict:
    store = current_store()
    initiative, new_partners = editing.split_new_partners(data)
    new_by_id = {p.get("id"): p for p in new_partners}
    values = {k: (v or "") for k, v in initiative.items() if k in INITIATIVE_TEXT_FIELDS}
    partners = initiative.get("partners") or []
    values["rows"] = str(max(MIN_ROWS, len(partners)))
    for row, partner in enumerate(partners):
        actor = partner.get("actor") if isinstance(partner, dict) else None
        if actor in new_by_id:
            values[f"partner-{row}-actor"] = provisional_label(new_by_id[actor])
            values[f"partner-{row}-new"] = json.dumps(new_by_id[actor], ensure_ascii=False)
        else:
            try:
                values[f"partner-{row}-actor"] = actor_label(store.get_actor(str(actor)))
            except (NotFound, KeyError, TypeError):
                values[f"partner-{row}-actor"] = str(actor or "")
        values[f"partner-{row}-role"] = partner.get("role", "") if isinstance(partner, dict) else ""
        if actor is not None and actor == initiative.get("initiator"):
            values["initiator"] = str(row)
    return values


__all__ = ["bp", "actor_data", "initiative_data"]
