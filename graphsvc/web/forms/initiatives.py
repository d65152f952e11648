"""New, edited and ended initiatives: the form with its partner rows and the new-partner panel."""

from __future__ import annotations

import contextlib
import json
import re

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graphsvc.model.entities import normalise_key
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.model.vocab import CATEGORIES
from graphsvc.services import editing
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from graphsvc.web.auth import acting_name, current_user, requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.forms.common import (
    ACTOR_TEXT_FIELDS,
    ID_IN_LABEL,
    INITIATIVE_TEXT_FIELDS,
    LIST_PAGE_SIZE,
    MAX_ROWS,
    MIN_ROWS,
    NEW_PARTNER_ACTION,
    PANEL_FIELDS,
    SUGGESTED_ACTION,
    actor_label,
    actor_url,
    bp,
    choices,
    conflict_errors,
    field_errors,
    provisional_label,
)
from graphsvc.web.i18n import problem_message
from graphsvc.web.labels import kind_labels
from graphsvc.web.params import iso_day, shown_day


# -- initiatives ----------------------------------------------------------------------------------
def row_count(form) -> int:
    try:
        rows = int(form.get("rows", MIN_ROWS))
    except ValueError:
        rows = MIN_ROWS
    return max(MIN_ROWS, min(MAX_ROWS, rows))


def resolve_partner(store, text: str) -> tuple[str | None, str | None]:
    """A partner field's text → (actor id, None) or (None, why not)."""
    text = text.strip()
    match = ID_IN_LABEL.search(text)
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


def _close_match(store, text: str):
    """The registered partner whose name is closest to a row's text that names none (a typo:
    "Alta historielagg" → Alta historielag), from the same similar-name search as the partner form."""
    found = editing.similar_actors(store, text, limit=1)
    return found[0][0] if found else None


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
        #: row → the label of the registered partner whose name is closest to what was typed ("Mente du …?")
        self.suggestions: dict[int, str] = {}
        partners: list[dict[str, str]] = []
        self.initiator_row = form.get("initiator", "")
        for row in range(row_count(form)):
            text = form.get(f"partner-{row}-actor", "").strip()
            if not text:
                continue
            new = _new_partner_of_row(form, row, text)
            if new is not None:
                actor_id = new["id"]
                self.new_partners.append(new)
            else:
                actor_id, problem = resolve_partner(store, text)
                if problem:
                    self.errors[f"partner-{row}-actor"] = [problem]
                    self.unresolved.add(row)
                    close = _close_match(store, text)
                    if close is not None:
                        self.suggestions[row] = actor_label(close)
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
                message = problem_message(problem.message, typed_dates=True)
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


def shown_values(values: dict) -> dict:
    """The form's values with dates shown as dd.mm.åååå."""
    return {**values, **{n: shown_day(iso_day(values[n])) for n in ("started", "ended") if values.get(n)}}


def _panel_prefill(store, values: dict, row: int) -> dict:
    """The new-partner panel for ``row``: the name typed in the row, and the initiative's municipality."""
    text = values.get(f"partner-{row}-actor", "").strip()
    return {"np-row": str(row), "np-name": "" if ID_IN_LABEL.search(text) else text,
            "np-municipality": _initiative_municipality(store, values, row)}


def _initiative_municipality(store, values: dict, row: int) -> str:
    """The municipality a new partner of this initiative most likely has: the library's among the
    other rows' partners (picked from the suggestions or typed by their exact name), else the most
    common one among them (the first in form order on a tie); "" when no other row names a partner.

    The product knows no municipality of the logged-in user, so the partners are the only context.
    """
    places: list[str] = []
    library = ""
    for other in range(row_count(values)):
        typed = values.get(f"partner-{other}-actor", "").strip()
        if other == row or not typed:
            continue
        actor_id, _problem = resolve_partner(store, typed)
        if actor_id is None:
            continue
        with contextlib.suppress(NotFound):
            actor = store.get_actor(actor_id)
            if actor.municipality:
                places.append(actor.municipality)
                if actor.kind == "library" and not library:
                    library = actor.municipality
    if library or not places:
        return library
    return max(places, key=lambda place: (places.count(place), -places.index(place)))


@bp.get("/forms/panel-prefill")
@requires("viewer")
def panel_prefill():
    """JSON for forms.js: what the new-partner panel of row ``row`` starts with (as without script)."""
    values = {k: v[:300] for k, v in request.args.items() if re.fullmatch(r"rows|partner-\d+-actor", k)}
    row = max(0, min(request.args.get("row", 0, type=int), row_count(values) - 1))
    prefill = _panel_prefill(current_store(), values, row)
    return jsonify({"name": prefill["np-name"], "municipality": prefill["np-municipality"]})


_FIELDS_ABOVE_PARTNERS = ("title", "category", "started", "ended", "location")
_PARTNER_FIELD = re.compile(r"partner-(\d+)-(actor|role|new)")


def _form_position(name: str) -> tuple[int, int, int]:
    """Where a field's error stands in the initiative form, top to bottom (the summary's order)."""
    if name.startswith("_"):
        return (0, 0, 0)
    if name in _FIELDS_ABOVE_PARTNERS:
        return (1, _FIELDS_ABOVE_PARTNERS.index(name), 0)
    if name == "partners":
        return (2, -1, 0)
    row = _PARTNER_FIELD.fullmatch(name)
    if row:
        return (2, int(row.group(1)), ("actor", "role", "new").index(row.group(2)))
    return (3, 0, 0) if name == "initiator" else (4, 0, 0)


def in_form_order(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The errors in the order of their fields in the form, so the summary reads top to bottom.

    >>> list(in_form_order({"location": ["x"], "partner-10-actor": ["y"], "title": ["z"], "partner-2-actor": ["w"]}))
    ['title', 'location', 'partner-2-actor', 'partner-10-actor']
    """
    return dict(sorted(errors.items(), key=lambda item: _form_position(item[0])))


def _render_initiative(values, errors, *, mode: str, initiative=None, proposing=False, status=200, duplicates=(),
                       panel=None, panel_duplicates=(), panel_same=(), suggestions=None):
    values = shown_values(values)
    errors = in_form_order(errors)
    if panel is not None:
        values = {**values, **panel}
    return render_template("forms/initiative.html", values=values, errors=errors,
                           rows=row_count(values), mode=mode, initiative=initiative, proposing=proposing,
                           duplicates=duplicates, panel_open=panel is not None, panel_duplicates=panel_duplicates,
                           panel_same=panel_same, suggestions=suggestions or {}, **choices()), status


def _panel_data(form) -> dict:
    return {name: form.get(f"np-{name}", "").strip() for name in PANEL_FIELDS if form.get(f"np-{name}", "").strip()}


def _taken_provisional_ids(form) -> tuple[str, ...]:
    ids = []
    for row in range(row_count(form)):
        new = _new_partner_of_row(form, row, form.get(f"partner-{row}-actor", "").strip())
        if new:
            ids.append(new["id"])
    return tuple(ids)


def _register_panel_partner(store, user, values: dict, form) -> tuple[dict, dict | None, list, list]:
    """The no-script path of the new-partner panel: register (or, for a viewer, attach) the
    partner and put it into the row it was opened from. Returns the form's values, the panel
    (None when it closes), and what to show in it (likely duplicates, the same name registered)."""
    try:
        row = max(0, min(row_count(form) - 1, int(form.get("np-row", "0"))))
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
        errors = field_errors(exc.problems, lambda path: f"np-{path}")
        return values, {**panel, "errors": errors}, [], []
    except Conflict as exc:
        same = editing.same_name(store, data.get("name", ""), data.get("municipality"))
        return values, {**panel, "errors": conflict_errors(exc, lambda path: f"np-{path}")}, [], same
    if outcome.status == "confirm":
        return values, {**panel, "errors": {"_np_duplicate": [_("A partner with a similar name is already "
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


def form_values(form) -> dict:
    return {k: v for k, v in form.items() if k not in ("csrf_token", "action") and not k.startswith("np-")}


def _initiative_post(*, mode: str, initiative=None):
    """One POST of the initiative form (new or edit): add a row, open or use the new-partner
    panel, or save — with every error of the submission at once."""
    store = current_store()
    user = signed_in_user()
    proposing = mode == "new" and not editing.may_save(user)
    values = form_values(request.form)
    action = request.form.get("action", "save")
    render = dict(mode=mode, initiative=initiative, proposing=proposing)
    if action == "add_row":
        values["rows"] = str(min(MAX_ROWS, row_count(values) + 1))
        return _render_initiative(values, {}, **render)
    if action == "close_partner":
        return _render_initiative(values, {}, **render)
    suggested = SUGGESTED_ACTION.fullmatch(action)
    if suggested:  # "Mente du …?" taken: the close match goes into its row
        row = min(int(suggested.group(1)), row_count(values) - 1)
        close = _close_match(store, values.get(f"partner-{row}-actor", "").strip())
        if close is not None:
            values[f"partner-{row}-actor"] = actor_label(close)
        return _render_initiative(values, {}, **render)
    opened = NEW_PARTNER_ACTION.fullmatch(action)
    if opened:
        row = min(int(opened.group(1)), row_count(values) - 1)
        return _render_initiative(values, {}, panel=_panel_prefill(store, values, row), **render)
    if action == "create_partner":
        values, panel, duplicates, same = _register_panel_partner(store, user, values, request.form)
        if panel is None:
            return _render_initiative(values, {}, **render)
        errors = panel.pop("errors")
        return _render_initiative(values, errors, panel=panel, panel_duplicates=duplicates, panel_same=same,
                                  status=409 if same else 422, **render)
    read = InitiativeForm(store, request.form)
    render = {**render, "suggestions": read.suggestions}
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
        return _render_initiative(values, conflict_errors(exc, read.rename), status=409, **render)
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
        return jsonify({"status": "invalid", "errors": field_errors(exc.problems)}), 422
    except Conflict as exc:
        same = editing.same_name(store, data.get("name", ""), data.get("municipality"))
        return jsonify({"status": "same", "errors": conflict_errors(exc),
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
        actor_id, problem = resolve_partner(store, values["partner"])
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
        errors = {"ended": [problem_message(p.message, typed_dates=True) for p in exc.problems]}
        return render_template("forms/initiative_page.html", initiative=initiative, actors=actors,
                               history=store.list_audit(object_kind="initiative", object_id=initiative_id, limit=50),
                               errors=errors, values={"ended": shown_day(ended)}), 422
    flash(_("The end date is saved.") if ended else _("The initiative is marked as ongoing."))
    return redirect(url_for("forms.initiative_page", initiative_id=initiative_id))
