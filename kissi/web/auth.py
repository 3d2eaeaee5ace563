"""Login, logout, the language switch, and what every request knows about its user.

Contracts other blueprints rely on:

- ``g.user``: ``None`` or a dict (id, role, shop_id, cooperative_id, language, name, phone);
  ``g.shop_id``: the user's shop or ``None``; ``g.language``: the app language of this
  request (the user's, else the one chosen in the session, else Accept-Language).
- :func:`login_required`, :func:`role_required` and :func:`shop_required` decorators: pages
  redirect to the login page; paths under ``/api/`` answer 401 in the API's error shape.
- CSRF: every mutating request must come from this site (see :func:`csrf_check`); the
  session cookie is also ``SameSite=Lax`` and ``HttpOnly`` (``Secure`` when
  ``SESSION_COOKIE_SECURE`` is set, i.e. ``KISSI_SESSION_COOKIE_SECURE=true`` behind TLS).
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from .. import languages
from ..coop import logins, members
from ..errors import DomainError
from . import keys
from .database import MUTATING, get_db, own_transaction
from .errors import api_error, respond, wants_json

bp = Blueprint("auth", __name__)

SAME_SITE = {"same-origin", "none"}  # "none": typed or bookmarked by the user herself


def csrf_check():
    """Refuse a mutating request that another site made the browser send.

    Browsers say where a request comes from: ``Sec-Fetch-Site`` (current browsers), else
    ``Origin``, else ``Referer`` (old browsers such as KaiOS send only this on a
    same-origin form). A request with none of them is not a browser's form; it is
    accepted only with an ``Authorization: Bearer`` header (the sync API's device tokens,
    scripts), which a cross-site form cannot set. Datasette's approach: no tokens in forms.
    """
    if request.method not in MUTATING:
        return None
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        ok = site in SAME_SITE
    elif origin := request.headers.get("Origin") or request.headers.get("Referer"):
        ok = urlsplit(origin).netloc == request.host
    else:
        ok = request.headers.get("Authorization", "").startswith("Bearer ")
    if ok:
        return None
    return respond(403, "csrf", gettext("This request came from another site and was refused"))


def load_user():
    """Set ``g.user``, ``g.shop_id`` and ``g.language`` for this request."""
    g.user = None
    token = session.get("sid") if request.endpoint != "static" else None
    if token:
        max_idle = int(current_app.permanent_session_lifetime.total_seconds())
        g.user = logins.session_user(get_db(), token, max_idle)
        if g.user is None:
            session.pop("sid", None)
    g.shop_id = g.user["shop_id"] if g.user else None
    chosen = g.user["language"] if g.user else session.get("language")
    g.language = (chosen if chosen in languages.LANGUAGES
                  else languages.best_match([tag for tag, _ in request.accept_languages]))


def _deny(status: int, code: str, message: str):
    if wants_json():
        return api_error(status, code, message)
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")
                                if request.method == "GET" else None))
    return respond(status, code, message)


def login_required(view):
    """Only for a logged-in member: pages redirect to login, the API answers 401."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return _deny(401, "login_required", gettext("Please log in"))
        return view(*args, **kwargs)
    return wrapped


def role_required(*roles: str):
    """Only for a logged-in member with one of ``roles`` (others get 403)."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return _deny(401, "login_required", gettext("Please log in"))
            if g.user["role"] not in roles:
                return _deny(403, "forbidden", gettext("This is not for your account"))
            return view(*args, **kwargs)
        return wrapped
    return decorator


def shop_required(view):
    """Only for a logged-in member who keeps a shop (``g.shop_id`` is set)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return _deny(401, "login_required", gettext("Please log in"))
        if not g.shop_id:
            return _deny(403, "no_shop", gettext("This account has no shop"))
        return view(*args, **kwargs)
    return wrapped


def client_address() -> str:
    """The client for throttling: the peer address (put a proxy's ProxyFix in front if any)."""
    return request.remote_addr or "unknown"


def safe_next(target) -> str:
    """Where to go after a form (``next``): a path of this site, else the home page.

    Only printable ASCII starting with one ``/``: browsers drop tabs and newlines from a
    URL and read ``\\`` as ``/``, so ``/``, a tab, ``/evil.example`` lands on ``//evil.example``,
    another site; a CR or LF would also break the ``Location`` header. Used by every view
    that redirects to a ``next`` (login, language, text size).
    """
    if (isinstance(target, str) and target.startswith("/") and len(target) <= 2000
            and all(" " <= c <= "~" for c in target) and "\\" not in target):
        parts = urlsplit(target)
        if not (parts.scheme or parts.netloc or target.startswith("//")):
            return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
@own_transaction
def login():
    """Phone and PIN on the digit keypad. A wrong PIN answers 401 with the form again.

    This view runs outside the request transaction so that the failure it records stays
    recorded although the answer is an error (see :mod:`kissi.coop.logins`).
    """
    form = request.form
    # ?phone= : the QR code of her login card fills her number in (never the PIN)
    phone = form.get("phone", request.args.get("phone", session.get("phone", "")))[:20]
    next_url = request.values.get("next")
    if request.method == "GET":
        return render_template("login.html", phone=phone, pin="", next=next_url)
    pin, pressed = keys.keyed(form, "pin", maxlen=members.STAFF_PIN_MAX)
    if pressed:
        return render_template("login.html", phone=phone, pin=pin, next=next_url)
    db = get_db()
    try:
        user = logins.verify_login(db, phone, pin, client_address())
    except DomainError as err:
        g.retry_after = err.params.get("seconds")  # a 429 says when to come back
        return render_template("login.html", phone=phone, pin="", next=next_url,
                               error=err), err.status
    logins.revoke_session(db, session.get("sid"))
    token = logins.open_session(db, user["id"], client_address())
    session.clear()
    session.permanent = True
    session.update(sid=token, phone=user["phone"])
    return redirect(safe_next(next_url))


# What outlives a logout in the cookie: choices about the phone, nothing about a person.
KEPT_AT_LOGOUT = ("language", "big")


@bp.post("/logout")
def logout():
    """End this session for good (the token is revoked, not just forgotten), and leave
    nothing identifying in the cookie: on a shared phone the next person must not find
    her number filled in, nor her basket."""
    logins.revoke_session(get_db(), session.get("sid"))
    kept = {key: session[key] for key in KEPT_AT_LOGOUT if key in session}
    session.clear()
    session.update(kept)
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["GET", "POST"])
def language():
    """The language icons; the choice is kept on the member (or in the session)."""
    next_url = request.values.get("next")
    if request.method == "GET":
        return render_template("language.html", next=next_url)
    code = members.check_language(request.form.get("language"))
    session["language"] = code
    if g.user:
        members.set_language(get_db(), g.user["id"], code)
    return redirect(safe_next(next_url))


def init_app(app) -> None:
    app.before_request(csrf_check)
    app.before_request(load_user)
    app.register_blueprint(bp)
