"""The librarian's pages: new partner, new initiative, edit and end, history, merge, proposals.

Forms are plain HTML posted to these views; the fields become the same dicts the API takes and
go through the one validation module (``model.validation`` via ``services.graph``), so an
error names the field it belongs to and is shown next to it, in the user's language, with the
input kept. A viewer's submission becomes a proposal that an editor reviews.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from graphsvc.model.entities import normalise_key
from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.model.vocab import CATEGORIES, DEFAULT_SECTORS, KINDS, LOCATIONS, ROLES, SERVICE_MODELS
from graphsvc.services import editing, graph as svc
from graphsvc.storage.base import ActorFilter, InitiativeFilter
from graphsvc.web.auth import acting_name, current_user, requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.i18n import problem_message
from graphsvc.web.labels import kind_labels, location_labels, role_labels

bp = Blueprint("forms", __name__)

ACTOR_TEXT_FIELDS = ("name", "kind", "sector", "municipality", "municipality_number", "org_number", "service_model")
INITIATIVE_TEXT_FIELDS = ("title", "category", "started", "ended", "location")
MIN_ROWS = 3
MAX_ROWS = 30
_ID_IN_LABEL = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9._~-]{0,127})\)\s*$")
_NORWEGIAN_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
LIST_PAGE_SIZE = 50


def iso_day(text: str) -> str:
    """A form's date as ISO: ``01.03.2024`` (dd.mm.åååå, as Norwegians write it) → ``2024-03-01``;
    anything else is passed on unchanged for validation to judge. Forms only: the API takes ISO."""
    match = _NORWEGIAN_DAY.fullmatch(text.strip())
    if not match:
        return text
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def service_model_labels() -> dict[str, str]:
    return {"total": _("Total cooperation"), "hybrid": _("Hybrid cooperation"), "en_dor_inn": _("One door in"),
            "pacman": _("“Pac-man”")}


def _choices() -> dict:
    return {"kinds": [(k, kind_labels()[k]) for k in KINDS], "roles": [(r, role_labels()[r]) for r in ROLES],
            "locations": [(v, location_labels()[v]) for v in LOCATIONS],
            "service_models": [(v, service_model_labels()[v]) for v in SERVICE_MODELS],
            "sectors": DEFAULT_SECTORS, "categories": CATEGORIES}


def actor_label(actor) -> str:
    """How a partner appears in a search field: ``Name — Municipality (id)``; the id is read back from it."""
    return f"{actor.name} — {actor.municipality} ({actor.id})"


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
    """(field, before, after) for each field an audit entry changed; all fields of a creation."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "merge":
        before, after = before.get("survivor") or {}, after.get("survivor") or {}
    fields = list(dict.fromkeys([*before, *after]))
    return [(f, _short(before.get(f)), _short(after.get(f))) for f in fields
            if before.get(f) != after.get(f) and f != "id"]


def _short(value):
    if isinstance(value, list):
        value = ", ".join(str(v.get("actor", v)) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, str) and len(value) > 200:
        return value[:199] + "…"
    return value


@bp.app_context_processor
def form_helpers():
    return {"actor_url": actor_url, "kind_label": lambda k: kind_labels().get(k, k),
            "role_label_of": lambda r: role_labels().get(r, r),
            "location_label": lambda v: location_labels().get(v, v), "action_label": action_label,
            "status_label": status_label, "changed_fields": changed_fields}


def _errors(exc: Invalid, rename=lambda path: path) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(rename(problem.path) or "_form", []).append(problem_message(problem.message))
    return errors


# -- partners (actors) ------------------------------------------------------------------------------
def actor_data(form) -> dict:
    """The partner form's fields as the dict ``parse_actor`` reads (empty optional fields left out)."""
    data = {name: form.get(name, "").strip() for name in ACTOR_TEXT_FIELDS if form.get(name, "").strip()}
    if data.get("kind") != "library":
        data.pop("service_model", None)
    tags = [t.strip() for t in form.get("tags", "").split(",") if t.strip()]
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
    found = editing.similar_actors(current_store(), name, municipality=request.args.get("municipality") or None,
                                   exclude=request.args.get("exclude") or None)
    return jsonify({"suggestions": [
        {"id": a.id, "name": a.name, "kind": a.kind, "kind_label": kind_labels().get(a.kind, a.kind),
         "municipality": a.municipality, "score": round(score, 2), "url": actor_url(a.id),
         "likely": score >= editing.LIKELY_DUPLICATE_AT} for a, score in found]})


@bp.get("/forms/actor-search")
@requires("viewer")
def actor_search():
    """JSON for the partner fields of the initiative form: actors whose name contains the text."""
    q = request.args.get("q", "").strip()[:200]
    if len(q) < 2:
        return jsonify({"actors": []})
    page = current_store().list_actors(ActorFilter(q=q), limit=10)
    return jsonify({"actors": [{"id": a.id, "label": actor_label(a), "name": a.name,
                                "municipality": a.municipality, "kind": kind_labels().get(a.kind, a.kind)}
                               for a in page.items]})


@bp.route("/partners/new", methods=["GET", "POST"])
@requires("viewer")
def new_partner():
    store = current_store()
    user = signed_in_user()
    proposing = not user.can("editor")
    returning = request.values.get("return") == "initiative"
    values = dict(request.form) if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    duplicates = []
    if request.method == "POST":
        data = actor_data(request.form)
        try:
            if "name" in data:
                duplicates = [(a, s) for a, s in editing.similar_actors(store, data["name"],
                                                                        municipality=data.get("municipality"))
                              if s >= editing.LIKELY_DUPLICATE_AT]
            if proposing:
                editing.propose(store, "actor", data, proposer=user.name)
                flash(_("Thank you! Your proposal waits for an editor to review it."))
                return redirect(url_for("forms.initiative_new", draft=1) if returning
                                else url_for("forms.proposals"))
            if duplicates and not request.form.get("confirm_duplicate"):
                errors["_duplicate"] = [_("A partner with a similar name is already registered.")]
            else:
                actor = svc.create_actor(store, data, by=acting_name())
                flash(_("%(name)s is registered as a partner.", name=actor.name))
                if returning:
                    _put_partner_in_draft(actor)
                    return redirect(url_for("forms.initiative_new", draft=1))
                return redirect(actor_url(actor.id))
        except Invalid as exc:
            errors = _errors(exc)
        except Conflict as exc:
            errors = {exc.field or "_form": [problem_message(exc.message)]}
    status = 422 if errors else 200
    return render_template("forms/partner.html", values=values, errors=errors, duplicates=duplicates,
                           proposing=proposing, returning=returning, **_choices()), status


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
    status = 200
    if request.method == "POST":
        data = actor_data(request.form)
        try:
            if "name" in data and normalise_key(data["name"]) != normalise_key(actor.name):
                duplicates = [(a, s) for a, s in editing.similar_actors(store, data["name"],
                                                                        municipality=data.get("municipality"),
                                                                        exclude=actor_id)
                              if s >= editing.LIKELY_DUPLICATE_AT]
            if duplicates and not request.form.get("confirm_duplicate"):
                errors["_duplicate"] = [_("A partner with a similar name is already registered.")]
            else:
                saved = svc.update_actor(store, actor_id, data, by=acting_name())
                flash(_("The changes to %(name)s are saved.", name=saved.name))
                return redirect(actor_url(actor_id))
        except Invalid as exc:
            errors = _errors(exc)
        except Conflict as exc:
            errors, status = {exc.field or "_form": [problem_message(exc.message)]}, 409
    return render_template("forms/partner.html", values=values, errors=errors, duplicates=duplicates,
                           proposing=False, returning=False, actor=actor, **_choices()), \
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
    return None, _("No partner is registered as “%(name)s”. Choose one from the suggestions, or register a "
                   "new partner.", name=text)


def initiative_data(store, form) -> tuple[dict, dict[str, list[str]], dict[int, int]]:
    """The initiative form as the dict ``parse_initiative`` reads, the errors found on the way,
    and which form row each partner came from (to put later errors next to the right row)."""
    data = {name: form.get(name, "").strip() for name in INITIATIVE_TEXT_FIELDS if form.get(name, "").strip()}
    for name in ("started", "ended"):
        if name in data:
            data[name] = iso_day(data[name])
    errors: dict[str, list[str]] = {}
    partners: list[dict[str, str | None]] = []
    rows_of: dict[int, int] = {}
    initiator_row = form.get("initiator", "")
    for row in range(_row_count(form)):
        text = form.get(f"partner-{row}-actor", "").strip()
        if not text:
            continue
        actor_id, problem = _resolve_partner(store, text)
        if problem:
            errors[f"partner-{row}-actor"] = [problem]
            continue
        rows_of[len(partners)] = row
        partners.append({"actor": actor_id, "role": form.get(f"partner-{row}-role", "")})
        if initiator_row == str(row):
            data["initiator"] = actor_id
    data["partners"] = partners
    if initiator_row and "initiator" not in data and not any(k.startswith("partner-") for k in errors):
        errors["initiator"] = [_("The partner who took the initiative must be filled in.")]
    return data, errors, rows_of


def _initiative_errors(exc: Invalid, rows_of: dict[int, int]) -> dict[str, list[str]]:
    def rename(path: str) -> str:
        match = re.fullmatch(r"partners\[(\d+)\]\.(actor|role)", path)
        if match:
            return f"partner-{rows_of.get(int(match.group(1)), match.group(1))}-{match.group(2)}"
        return path

    errors = _errors(exc, rename)
    if "initiator" in errors and "partners" not in errors:
        errors["initiator"] = [_("Choose which partner took the initiative.")]
    return errors


def _values_from_initiative(initiative) -> dict:
    store = current_store()
    values = {"title": initiative.title, "category": initiative.category or "",
              "started": initiative.started.isoformat(), "ended": initiative.ended.isoformat() if initiative.ended
              else "", "location": initiative.location, "rows": str(max(MIN_ROWS, len(initiative.partners) + 1))}
    for row, partner in enumerate(initiative.partners):
        try:
            values[f"partner-{row}-actor"] = actor_label(store.get_actor(partner.actor))
        except NotFound:
            values[f"partner-{row}-actor"] = partner.actor
        values[f"partner-{row}-role"] = partner.role
        if partner.actor == initiative.initiator:
            values["initiator"] = str(row)
    return values


def _put_partner_in_draft(actor) -> None:
    draft = dict(session.get("initiative_draft") or {})
    rows = _row_count(draft)
    for row in range(rows):
        if not draft.get(f"partner-{row}-actor", "").strip():
            break
    else:
        row = rows
        draft["rows"] = str(rows + 1)
    draft[f"partner-{row}-actor"] = actor_label(actor)
    draft.setdefault(f"partner-{row}-role", "co_creator")
    session["initiative_draft"] = draft


def _iso_values(values: dict) -> dict:
    """The form's values with dd.mm.åååå dates shown back as ISO (what a date field can show)."""
    return {**values, **{n: iso_day(values[n]) for n in ("started", "ended") if values.get(n)}}


def _render_initiative(values, errors, *, mode: str, initiative=None, proposing=False, status=200, duplicates=()):
    return render_template("forms/initiative.html", values=_iso_values(values), errors=errors,
                           rows=_row_count(values), mode=mode, initiative=initiative, proposing=proposing,
                           duplicates=duplicates, **_choices()), status


def _unconfirmed_duplicates(store, data, form) -> list:
    """Stored initiatives the same as ``data`` (title, start date, partners), unless the user confirmed."""
    return [] if form.get("confirm_duplicate") else editing.duplicate_initiatives(store, data)


@bp.route("/initiatives/new", methods=["GET", "POST"])
@requires("viewer")
def initiative_new():
    store = current_store()
    user = signed_in_user()
    proposing = not user.can("editor")
    if request.method != "POST":  # GET and HEAD (Flask answers HEAD with the GET view) only read
        values = dict(session.get("initiative_draft") or {}) if request.args.get("draft") else {}
        if not request.args.get("draft"):
            session.pop("initiative_draft", None)
        return _render_initiative(values, {}, mode="new", proposing=proposing)
    values = dict(request.form)
    action = request.form.get("action", "save")
    if action == "add_row":
        values["rows"] = str(_row_count(values) + 1)
        return _render_initiative(values, {}, mode="new", proposing=proposing)
    if action == "new_partner":
        session["initiative_draft"] = {k: v for k, v in values.items() if k not in ("csrf_token", "action")}
        back: dict[str, Any] = {"return": "initiative"}  # `return` cannot be written as a keyword
        return redirect(url_for("forms.new_partner", **back))
    data, errors, rows_of = initiative_data(store, request.form)
    try:
        if errors:
            raise _PartialErrors()
        duplicates = _unconfirmed_duplicates(store, data, request.form)
        if duplicates:
            errors["_duplicate"] = [_("An initiative with the same title, start date and partners is already "
                                      "registered.")]
            return _render_initiative(values, errors, mode="new", proposing=proposing, status=422,
                                      duplicates=duplicates)
        if proposing:
            editing.propose(store, "initiative", data, proposer=user.name)
            session.pop("initiative_draft", None)
            flash(_("Thank you! Your proposal waits for an editor to review it."))
            return redirect(url_for("forms.proposals"))
        initiative = svc.create_initiative(store, data, by=acting_name(), allow_duplicate=True)
    except _PartialErrors:
        return _render_initiative(values, errors, mode="new", proposing=proposing, status=422)
    except Invalid as exc:
        return _render_initiative(values, {**_initiative_errors(exc, rows_of), **errors}, mode="new",
                                  proposing=proposing, status=422)
    session.pop("initiative_draft", None)
    flash(_("The initiative “%(title)s” is saved.", title=initiative.title))
    return redirect(url_for("forms.initiative_page", initiative_id=initiative.id))


class _PartialErrors(Exception):
    """Partner fields that could not be resolved: shown before the rest is validated."""


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
    if request.method != "POST":  # GET and HEAD (Flask answers HEAD with the GET view) only read
        return _render_initiative(_values_from_initiative(initiative), {}, mode="edit", initiative=initiative)
    values = dict(request.form)
    if request.form.get("action") == "add_row":
        values["rows"] = str(_row_count(values) + 1)
        return _render_initiative(values, {}, mode="edit", initiative=initiative)
    data, errors, rows_of = initiative_data(store, request.form)
    if errors:
        return _render_initiative(values, errors, mode="edit", initiative=initiative, status=422)
    try:
        svc.update_initiative(store, initiative_id, data, by=acting_name())
    except Invalid as exc:
        return _render_initiative(values, _initiative_errors(exc, rows_of), mode="edit", initiative=initiative,
                                  status=422)
    flash(_("The changes are saved."))
    return redirect(url_for("forms.initiative_page", initiative_id=initiative_id))


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
                               errors=errors, values={"ended": ended}), 422
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
    """A proposal: its proposer sees what became of it; an editor accepts (possibly corrected) or rejects it."""
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
        values = dict(request.form)
        decision = request.form.get("decision")
        try:
            if decision == "reject":
                editing.reject(store, proposal_id, request.form.get("note"), by=signed_in_user().name)
                flash(_("The proposal is rejected."))
                return redirect(url_for("forms.proposals"))
            rows_of: dict[int, int] = {}
            if item.kind == "actor":
                data = actor_data(request.form)
            else:
                data, errors, rows_of = initiative_data(store, request.form)
                if errors:
                    raise _PartialErrors()
                duplicates = _unconfirmed_duplicates(store, data, request.form)
                if duplicates:
                    errors["_duplicate"] = [_("An initiative with the same title, start date and partners is "
                                              "already registered.")]
                    raise _PartialErrors()
            result_id = editing.accept(store, proposal_id, data, by=signed_in_user().name, allow_duplicate=True)[1]
            flash(_("The proposal is accepted and saved."))
            return redirect(actor_url(result_id) if item.kind == "actor"
                            else url_for("forms.initiative_page", initiative_id=result_id))
        except _PartialErrors:
            pass
        except Invalid as exc:
            errors = _errors(exc) if item.kind == "actor" else _initiative_errors(exc, rows_of)
        except Conflict as exc:
            errors = {exc.field or "_form": [problem_message(exc.message)]}
    template = "forms/proposal.html"
    if item.kind == "initiative":
        values = _iso_values(values)
    return render_template(template, proposal=item, values=values, errors=errors, rows=_row_count(values),
                           duplicates=duplicates, **_choices()), 422 if errors else 200


def _proposal_initiative_values(data: dict) -> dict:
    store = current_store()
    values = {k: (v or "") for k, v in data.items() if k in INITIATIVE_TEXT_FIELDS}
    partners = data.get("partners") or []
    values["rows"] = str(max(MIN_ROWS, len(partners)))
    for row, partner in enumerate(partners):
        try:
            values[f"partner-{row}-actor"] = actor_label(store.get_actor(partner["actor"]))
        except (NotFound, KeyError, TypeError):
            values[f"partner-{row}-actor"] = str(partner.get("actor", "")) if isinstance(partner, dict) else ""
        values[f"partner-{row}-role"] = partner.get("role", "") if isinstance(partner, dict) else ""
        if isinstance(partner, dict) and partner.get("actor") == data.get("initiator"):
            values["initiator"] = str(row)
    return values


__all__ = ["bp", "actor_data", "initiative_data"]
