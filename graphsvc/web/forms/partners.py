"""New and edited partners (actors), and the suggestions the forms ask for while a name is typed."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graphsvc.model.entities import normalise_key
from graphsvc.model.errors import Conflict, Invalid
from graphsvc.services import editing
from graphsvc.storage.base import ActorFilter
from graphsvc.web.auth import requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.forms.common import (
    ACTOR_TEXT_FIELDS,
    actor_label,
    actor_url,
    bp,
    choices,
    conflict_errors,
    field_errors,
)
from graphsvc.web.labels import kind_labels


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
            errors = field_errors(exc.problems)
        except Conflict as exc:
            errors = conflict_errors(exc)
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
                           proposing=proposing, **choices()), status


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
            errors = field_errors(exc.problems)
        except Conflict as exc:
            errors, status = conflict_errors(exc), 409
            same = editing.same_name(store, data.get("name", ""), data.get("municipality"), exclude=actor_id)
        else:
            if outcome.status == "saved":
                flash(_("The changes to %(name)s are saved.", name=outcome.actor.name))
                return redirect(actor_url(actor_id))
            duplicates = outcome.duplicates
            errors["_duplicate"] = [_("A partner with a similar name is already registered.")]
    return render_template("forms/partner.html", values=values, errors=errors, duplicates=duplicates, same=same,
                           proposing=False, actor=actor, **choices()), \
        status if status != 200 else (422 if errors else 200)
