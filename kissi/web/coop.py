"""The trainer's pages: her members and who is stuck, a member's days, new members, PINs,
and the printable QR login cards.

For a trainer (her cooperative) or an admin (every cooperative, or one by
``?cooperative=``). A member outside the user's care answers 404 (the domain decides,
:mod:`kissi.coop.cooperative`).

Post/redirect/get: a form that changes something answers with a redirect, so a reload
never sends it again (a reloaded PIN reset used to issue another PIN and cancel the one
she had just read out). A PIN set or reset is kept with the trainer's server-side session
(never in a URL or the cookie) just long enough for the page it redirects to, which shows
it once with ``Cache-Control: no-store``; reloading that page says it was shown and is
still valid, and issues nothing.

The QR code on a card opens the node's login page with her phone filled in. The node's
address is ``PUBLIC_URL`` (``KISSI_PUBLIC_URL``, e.g. ``http://192.168.1.10:8080``) when
set, else the address the trainer's browser used, which is wrong when she prints from the
node itself (``localhost``): the cards page says so.
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, session, url_for

from ..coop import cooperative, logins
from ..errors import DomainError, Invalid
from ..shop import day as days
from .auth import role_required
from .database import get_db

bp = Blueprint("coop", __name__, url_prefix="/coop")

MANAGERS = ("trainer", "admin")
CARDS_PER_SHEET = 8  # 2 x 4 cards on an A4 sheet
MEMBERS_PER_PAGE = 200  # a large cooperative's list (~12 KB gzipped) on one page
SHEETS_PER_PAGE = 2  # 16 cards (and up to 200 chosen ids) stay within the 14 KB budget


def _cooperative_filter() -> str | None:
    return request.args.get("cooperative") or None if g.user["role"] == "admin" else None


def _cooperatives() -> list[dict]:
    """The cooperatives an admin can choose from (a trainer has only hers)."""
    if g.user["role"] != "admin":
        return []
    return [dict(zip(("id", "name"), r, strict=False)) for r in get_db().execute(
        "select id, name from cooperatives where deleted = 0 order by name collate nocase")]


def _base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or request.host_url


def _shown_once(html: str, status: int = 200):
    """A page holding a PIN: not kept by the browser or a proxy."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@role_required(*MANAGERS)
def index():
    """Her members with their progress, the stuck ones first (or by ``?sort=``)."""
    sort = request.args.get("sort", "stuck")
    found = cooperative.progress(get_db(), g.user, cooperative_id=_cooperative_filter(),
                                 sort=sort if sort in cooperative.SORTS else "stuck")
    page, pages = _page(len(found), MEMBERS_PER_PAGE)
    return render_template("coop/members.html", count=len(found), sort=sort,
                           members=found[(page - 1) * MEMBERS_PER_PAGE:page * MEMBERS_PER_PAGE],
                           page=page, pages=pages, stuck=sum(m["stuck"] for m in found),
                           cooperatives=_cooperatives(), chosen=_cooperative_filter())


def _page(count: int, per_page: int) -> tuple[int, int]:
    """The page asked for (``?page=N``, kept within range) and the number of pages."""
    pages = max(1, -(-count // per_page))
    try:
        return min(max(1, int(request.args.get("page", 1))), pages), pages
    except ValueError:
        return 1, pages


@bp.route("/members/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new():
    """Add a trader: name, phone, optional shop name, language and PIN (else generated)."""
    form = request.form
    state = {"form": form, "cooperatives": _cooperatives()}
    if request.method == "GET":
        return render_template("coop/new.html", **state)
    try:
        added = cooperative.add_member(
            get_db(), g.user, name=form.get("name"), phone=form.get("phone"),
            pin=form.get("pin"), shop_name=form.get("shop"),
            language=form.get("language") or "fr", cooperative_id=form.get("cooperative"))
    except DomainError as err:
        return render_template("coop/new.html", error=err, **state), err.status
    return _show_pin_next(added, new=True)


def _show_pin_next(member: dict, new: bool = False):
    """Keep the PIN for the page that shows it once, and go there (post/redirect/get)."""
    logins.update_session_data(get_db(), session.get("sid"),
                               shown_pin={"member": member["id"], "pin": member["pin"], "new": new})
    return redirect(url_for("coop.reset_pin", member_id=member["id"]))


@bp.get("/members/<member_id>")
@role_required(*MANAGERS)
def member(member_id):
    """Her figures and flags, today's summary and her last 30 days."""
    db = get_db()
    found = cooperative.get_member(db, g.user, member_id)
    today = days.day_summary(db, found["shop_id"], top=3)
    end = date.fromisoformat(today["day"])
    month = days.period_summary(db, found["shop_id"], (end - timedelta(days=29)).isoformat(),
                                end.isoformat(), top=3)
    peak = max([d["total"] for d in month["days"]] + [1])
    return render_template("coop/member.html", m=found, s=today, month=month, peak=peak,
                           done=request.args.get("done"))


@bp.route("/members/<member_id>/pin", methods=["GET", "POST"])
@role_required(*MANAGERS)
def reset_pin(member_id):
    """A new PIN (typed by the trainer, else generated); her sessions end. The GET shows the
    PIN just set once, then says it was shown (and stays valid); else the form."""
    db = get_db()
    if request.method == "GET":
        return _pin_page(db, member_id)
    try:
        reset = cooperative.reset_pin(db, g.user, member_id, request.form.get("pin"))
    except Invalid as err:
        found = cooperative.get_member(db, g.user, member_id)
        return render_template("coop/pin.html", member=found, error=err), err.status
    return _show_pin_next(reset)


def _pin_page(db, member_id):
    found = cooperative.get_member(db, g.user, member_id)
    token = session.get("sid")
    kept = logins.session_data(db, token).get("shown_pin") or {}
    if kept.get("member") != member_id:
        return render_template("coop/pin.html", member=found)
    if kept.get("pin"):
        logins.update_session_data(db, token, shown_pin={**kept, "pin": None})
    return _shown_once(render_template("coop/pin.html", member=found, pin=kept.get("pin"),
                                       new=kept.get("new"), shown=not kept.get("pin")))


@bp.post("/members/<member_id>/unlock")
@role_required(*MANAGERS)
def unlock(member_id):
    """Clear her wrong PINs so she can try again now."""
    cooperative.unlock(get_db(), g.user, member_id)
    return redirect(url_for("coop.member", member_id=member_id, done="unlocked"))


@bp.get("/cards")
@role_required(*MANAGERS)
def cards():
    """Printable login cards, 8 per A4 sheet: the chosen members (``?m=id&m=id``), else
    everyone by name, ``SHEETS_PER_PAGE`` sheets per page (``?page=N``)."""
    chosen = request.args.getlist("m")
    found = cooperative.cards(get_db(), g.user, _base_url(), member_ids=chosen or None,
                              cooperative_id=_cooperative_filter())
    per_page = CARDS_PER_SHEET * SHEETS_PER_PAGE
    page, pages = _page(len(found), per_page)
    shown = found[(page - 1) * per_page:page * per_page]
    sheets = [shown[i:i + CARDS_PER_SHEET] for i in range(0, len(shown), CARDS_PER_SHEET)]
    return render_template("coop/cards.html", sheets=sheets, page=page, pages=pages,
                           count=len(found), chosen=chosen, loopback=_loopback())


@bp.get("/members/<member_id>/card")
@role_required(*MANAGERS)
def card(member_id):
    """One member's login card (a new member, a lost card)."""
    found = cooperative.cards(get_db(), g.user, _base_url(), member_ids=[member_id])
    return render_template("coop/cards.html", sheets=[found], page=1, pages=1, count=1,
                           chosen=[member_id], loopback=_loopback())


def _loopback() -> bool:
    """Cards made for 'localhost' would send every phone to itself."""
    host = urlsplit(_base_url()).hostname or ""
    return host == "localhost" or host.startswith("127.") or host == "::1"
