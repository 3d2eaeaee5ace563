"""The home page of big icon tiles, help, text size, and a trainer's unlock form."""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, session
from flask_babel import lazy_gettext as _l

from ..coop import logins
from .auth import login_required, role_required, safe_next
from .database import get_db

bp = Blueprint("pages", __name__)

# The home tiles of a member with a shop: (endpoint, icon, label, prompt key). No two
# tiles share a picture (a test checks every screen's tiles).
TILES = (
    ("sell.products", "🛒", _l("Sell"), "home.sell"),
    ("stock.index", "📦", _l("Stock"), "home.stock"),
    ("debts.index", "📒", _l("Debts"), "home.debts"),
    ("day.today", "☀️", _l("My day"), "home.day"),  # a sun: one day; the moon: a month
    ("month.index", "🌙", _l("My month"), "home.month"),
    ("myshop.index", "🏪", _l("My shop"), "home.shop"),
    ("mypage.edit", "🌐", _l("My page"), "home.page"),
    ("pages.help", "❓", _l("Help"), "home.help"),
)

# The home tiles of a trainer or an admin: her members, their login cards.
COOP_TILES = (
    ("coop.index", "👥", _l("Members"), "coop.members"),
    ("coop.cards", "🖨️", _l("Login cards"), "coop.cards"),
    ("plans.subscriptions", "💳", _l("Subscriptions"), "subs.screen"),
)


def _tiles():
    if g.user["role"] in ("trainer", "admin"):
        return [t for t in COOP_TILES if t[0] in current_app.view_functions]
    return [t for t in TILES if t[0] in current_app.view_functions] if g.shop_id else []


@bp.get("/")
@login_required
def home():
    return render_template("home.html", tiles=_tiles())


@bp.get("/help")
@login_required
def help():
    return render_template("help.html")


@bp.post("/textsize")
def textsize():
    """Large-text mode on or off (kept in the session, so also before login)."""
    session["big"] = not session.get("big")
    return redirect(safe_next(request.values.get("next")))


@bp.post("/members/unlock")
@role_required("trainer", "admin")
def unlock():
    """A trainer (her cooperative's members) or an admin clears a member's wrong PINs."""
    user = logins.unlock(get_db(), g.user, request.form.get("phone"))
    return render_template("home.html", tiles=_tiles(), unlocked=user)
