"""Proposals from viewers: the list, and reviewing one (accept as proposed or corrected, or reject)."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graphsvc.model.errors import Conflict, Invalid, NotFound
from graphsvc.services import editing
from graphsvc.web.auth import requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.forms.common import (
    INITIATIVE_TEXT_FIELDS,
    MIN_ROWS,
    actor_label,
    actor_url,
    bp,
    choices,
    conflict_errors,
    field_errors,
    provisional_label,
)
from graphsvc.web.forms.initiatives import InitiativeForm, form_values, row_count, shown_values
from graphsvc.web.forms.partners import actor_data


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
        values = form_values(request.form)
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
                errors = field_errors(exc.problems)
        except Conflict as exc:
            errors = conflict_errors(exc, read.rename if read is not None else (lambda path: path))
    if item.kind == "initiative":
        values = shown_values(values)
    new_partners = editing.split_new_partners(item.data)[1] if item.kind == "initiative" else []
    return render_template("forms/proposal.html", proposal=item, values=values, errors=errors, rows=row_count(values),
                           duplicates=duplicates, new_partners=new_partners, **choices()), 422 if errors else 200


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
