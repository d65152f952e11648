"""History of an actor and the audit log; merging two partners into one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _

from graphsvc.model.errors import Conflict, Invalid, NotFound, Problem
from graphsvc.services import editing
from graphsvc.web.auth import requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.forms.common import actor_url, bp
from graphsvc.web.forms.initiatives import resolve_partner
from graphsvc.web.i18n import problem_message


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
            actor_id, problem = resolve_partner(store, request.form.get(field, ""))
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
                    errors.setdefault(p.path or "merged", []).append(problem_message(p.message, typed_dates=True))
            else:
                flash(_("Merged. %(count)s initiative(s) moved to %(name)s.", count=len(moved), name=survivor.name))
                return redirect(actor_url(survivor.id))
    return render_template("forms/merge.html", values=values, errors=errors), 422 if errors else 200
