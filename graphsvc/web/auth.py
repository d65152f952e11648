"""Who may do what, on every route: login and logout, API tokens, roles, CSRF, language.

Every request passes :func:`authorize`. A view's required level comes from :func:`requires`
or, when it has none, from its method: reading (GET) needs a viewer — or nobody when
``GRAPHSVC_PUBLIC_READ`` is on — and anything else an editor. API clients send
``Authorization: Bearer <token>``; browsers carry a session cookie holding a per-login secret
that the store knows (deleted at logout). Unauthenticated API calls get 401, pages a redirect to
the login page; a role too low gets 403. Forms are protected against CSRF (Flask-WTF); requests
authenticated by a bearer token are not, since a browser never adds that header by itself.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, URLSafeSerializer

from graphsvc.model import messages as msg
from graphsvc.model.accounts import User, role_at_least
from graphsvc.services import accounts
from graphsvc.web.context import current_store
from graphsvc.web.errors import body_of, respond
from graphsvc.web.throttle import LoginThrottle, new_device_nonce

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()

#: Levels a route can require, weakest first. "read" is a viewer unless GRAPHSVC_PUBLIC_READ.
LEVELS = ("public", "read", "viewer", "editor", "admin")
#: Endpoints anyone may call whatever the settings: assets, health checks, logging in.
PUBLIC_ENDPOINTS = frozenset({"static", "health.healthz", "health.readyz"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LANGUAGES = {"nb": "Norsk (bokmål)", "en": "English"}
#: The signed cookie that marks a browser as one a user has logged in from (see web.throttle).
DEVICE_COOKIE = "graphsvc_device"
DEVICE_COOKIE_DAYS = 180
_DEVICE_NAMES = 5  # users remembered per browser


def requires(level: str):
    """Mark a view as needing ``level`` (one of :data:`LEVELS`) for every method it answers."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")

    def mark(view):
        view.graphsvc_level = level
        return view

    return mark


def required_level(app: Flask, endpoint: str | None, method: str) -> str:
    """The level a request needs: the view's mark, else by method (the table test reads this too)."""
    if endpoint is None:
        return "public"  # 404 and 405 answers: nothing to protect
    if endpoint in PUBLIC_ENDPOINTS:
        return "public"
    view = app.view_functions.get(endpoint)
    level = getattr(view, "graphsvc_level", None)
    if level:
        return level
    return "read" if method in SAFE_METHODS else "editor"


def current_user() -> User | None:
    return g.get("user")


def signed_in_user() -> User:
    """The user of a request to a route that ``requires`` viewer or more (``authorize`` let it through)."""
    user = current_user()
    if user is None:
        raise RuntimeError("no user signed in: the route does not require viewer or more")
    return user


def acting_name() -> str | None:
    """The name written in the audit trail for the current request."""
    user = current_user()
    return user.name if user else None


# -- login throttling: shared by all workers (web.throttle), device cookies ---------------------------
def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="graphsvc-device")


def _device_entries() -> dict[str, str]:
    """{user name (casefolded): device nonce} from this browser's device cookie, if it is genuine."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        entries = _devices().loads(raw)
    except BadSignature:
        return {}
    return {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else {}


def _remember_device(response, name: str, entries: dict[str, str]) -> None:
    key = name.casefold()
    nonce = entries.pop(key, None) or new_device_nonce()
    kept = dict(list(entries.items())[-(_DEVICE_NAMES - 1):])
    kept[key] = nonce
    response.set_cookie(DEVICE_COOKIE, _devices().dumps(kept), max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True,
                        samesite="Lax")


# -- the request gate -------------------------------------------------------------------------------
def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _is_api() -> bool:
    from graphsvc.web.errors import wants_json

    return wants_json()


def _deny(status: int, message: msg.Message):
    if _is_api():
        response = make_response(jsonify(body_of(status, message)), status)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="graphsvc"'
        return response
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return respond(status, message)


def authorize():
    """before_request: find the user, check the route's level, then CSRF for cookie-borne writes."""
    g.user = None
    g.via_token = False
    store = current_store()
    token = _bearer()
    if token is not None:
        g.user = accounts.user_for(store, token, "token")
        g.via_token = True
        if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
            return _deny(401, msg.TOKEN_UNKNOWN())
    elif session.get("sid"):
        g.user = accounts.user_for(store, session["sid"], "session")
        if g.user is None:
            session.pop("sid", None)

    level = required_level(current_app, request.endpoint, request.method)
    if level == "read" and current_app.config.get("GRAPHSVC_PUBLIC_READ"):
        level = "public"
    if level != "public":
        needed = "viewer" if level == "read" else level
        if g.user is None:
            return _deny(401, msg.LOG_IN())
        if not role_at_least(g.user.role, needed):
            return _deny(403, msg.ROLE_TOO_LOW(role=msg.ROLE_NAMES[g.user.role](), needed=msg.ROLE_NAMES[needed]()))
    if request.method not in SAFE_METHODS and not g.via_token:
        csrf.protect()


def role_label(role: str) -> str:
    return {"viewer": _("viewer"), "editor": _("editor"), "admin": _("admin")}.get(role, role)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //) is followed after login."""
    if not target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("pages.home")
    return target


# -- views ------------------------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
@requires("public")
def login():
    error = None
    name = ""
    status = 200
    retry_after = 0
    entries: dict[str, str] = {}
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:200]
        password = request.form.get("password", "")
        throttle: LoginThrottle = current_app.extensions["graphsvc_throttle"]
        entries = _device_entries()
        attempt = throttle.attempt(name, request.remote_addr, entries.get(name.casefold()))
        if not attempt.allowed:
            retry_after = attempt.retry_after
            minutes = max(1, (retry_after + 59) // 60)
            error = _("Too many failed attempts. Wait %(minutes)s minute(s) and try again.", minutes=minutes)
            status = 429
        else:
            result = accounts.login(current_store(), name, password)
            if result is None:
                error = _("Wrong user name or password.")
                status = 401
            else:
                throttle.succeeded(attempt)
                secret, user = result
                lang = session.get("lang")
                session.clear()  # a fresh session: nothing from before the login carries over
                if lang:
                    session["lang"] = lang
                session["sid"] = secret
                flash(_("You are logged in as %(name)s.", name=user.name))
                response = redirect(_safe_next(request.args.get("next")))
                _remember_device(response, name, entries)
                return response
    response = make_response(render_template("auth/login.html", error=error, name=name,
                                             next=request.args.get("next", "")), status)
    if status == 429:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.post("/logout")
@requires("public")
def logout():
    secret = session.get("sid")
    if secret:
        accounts.logout(current_store(), secret)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.get("/language/<code>")
@requires("public")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


def select_locale() -> str:
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    return "nb"


def init_app(app: Flask) -> None:
    """Wire the gate, CSRF, cookies, the throttle and the language into the app."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # authorize() decides when to check
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config.get("GRAPHSVC_SECURE_COOKIES", True)),
        SESSION_COOKIE_NAME="graphsvc_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=accounts.SESSION_HOURS),
    )
    csrf.init_app(app)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.extensions["graphsvc_throttle"] = LoginThrottle(
        instance / "login-throttle.db",
        str(app.config.get("GRAPHSVC_STORE_URL")),
        free_attempts=int(app.config["GRAPHSVC_LOGIN_ATTEMPTS"]),
        address_attempts=int(app.config["GRAPHSVC_LOGIN_ADDRESS_ATTEMPTS"]))
    app.before_request(authorize)
    app.register_blueprint(bp)

    @app.context_processor
    def auth_context():
        return {"current_user": current_user(), "languages": LANGUAGES, "current_language": select_locale(),
                "role_label": role_label, "can": lambda level: (user := current_user()) is not None
                and role_at_least(user.role, level)}
