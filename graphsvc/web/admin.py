"""Accounts in the browser: admins manage users; everyone manages their own password and API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graphsvc.model import messages as msg
from graphsvc.model.accounts import ROLES
from graphsvc.model.errors import Conflict, Invalid, NotFound
from graphsvc.services import accounts
from graphsvc.web.auth import acting_name, requires, signed_in_user
from graphsvc.web.context import current_store
from graphsvc.web.i18n import problem_message

bp = Blueprint("admin", __name__)


def _problems(exc) -> dict[str, list[str]]:
    if isinstance(exc, Invalid):
        return {p.path or "_form": [problem_message(p.message)] for p in exc.problems}
    return {exc.field or "_form": [problem_message(exc.message)]}


@bp.route("/admin/users", methods=["GET", "POST"])
@requires("admin")
def users():
    store = current_store()
    errors: dict[str, list[str]] = {}
    values = {}
    if request.method == "POST":
        action = request.form.get("action")
        name = request.form.get("name", "").strip()
        try:
            if action == "add":
                values = {"name": name, "role": request.form.get("role", "viewer")}
                accounts.add_user(store, name, values["role"], request.form.get("password", ""), by=acting_name())
                flash(_("The user %(name)s is added.", name=name))
            elif action == "role":
                accounts.set_role(store, name, request.form.get("role", ""), by=acting_name())
                flash(_("%(name)s's role is changed.", name=name))
            elif action in ("disable", "enable"):
                accounts.set_disabled(store, name, action == "disable", by=acting_name())
                flash(_("%(name)s is disabled.", name=name) if action == "disable"
                      else _("%(name)s is enabled again.", name=name))
            elif action == "remove":
                accounts.remove_user(store, name, by=acting_name())
                flash(_("The user %(name)s is removed.", name=name))
            return redirect(url_for("admin.users"))
        except (Invalid, Conflict, NotFound) as exc:
            errors = _problems(exc)
    return render_template("auth/users.html", users=store.list_users(), roles=ROLES, errors=errors,
                           values=values), 422 if errors else 200


@bp.route("/account", methods=["GET", "POST"])
@requires("viewer")
def account():
    store = current_store()
    user = signed_in_user()
    errors: dict[str, list[str]] = {}
    new_token = None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "token":
                label = request.form.get("label", "").strip()[:80] or "token"
                new_token = accounts.create_token(store, user.name, label)
            elif action == "revoke":
                accounts.revoke_tokens(store, user.name, request.form.get("label"))
                flash(_("The token is revoked."))
                return redirect(url_for("admin.account"))
            elif action == "password":
                if not accounts.verify_password(user.password_hash, request.form.get("current", "")):
                    raise Invalid([accounts.Problem("current", msg.PASSWORD_WRONG())])
                accounts.set_password(store, user.name, request.form.get("password", ""), by=user.name)
                flash(_("Your password is changed. Log in again with the new one."))
                return redirect(url_for("auth.login"))
        except (Invalid, Conflict, NotFound) as exc:
            errors = _problems(exc)
            if "current" in errors:
                errors["current"] = [_("This is not your current password.")]
    tokens = store.list_credentials(user.name, "token")
    return render_template("auth/account.html", tokens=tokens, new_token=new_token, errors=errors), \
        422 if errors else 200
