"""Her page, from her side (``/page``): publish or unpublish, and choose what a customer sees.

Big toggles with icons, each with a prompt key: publish, prices, phone, the open days, and
one per product. Where to find her (market, stall, landmark) is short text a trainer can
type with her. Publishing checks her phone number first (a wrong number is caught now,
not when a customer taps "order"). Unpublishing takes effect on this node at once.
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from ..errors import DomainError
from ..public import pages, visits
from ..shop import ledger, products
from .auth import shop_required
from .database import get_db
from .public import page_url

bp = Blueprint("mypage", __name__, url_prefix="/page")


def _form_fields(form) -> dict:
    return {
        "published": bool(form.get("published")), "show_prices": bool(form.get("show_prices")),
        "show_phone": bool(form.get("show_phone")),
        "open_days": [bool(form.get(f"d{i}")) for i in range(pages.DAYS)],
        "market": form.get("market"), "stall": form.get("stall"), "landmark": form.get("landmark"),
    }


def _render(db, page, error=None, status=200):
    items = products.list_products(db, g.shop_id)
    shown = {pid for (pid,) in db.execute("select id from products where shop_id = ? and on_page = 1",
                                          [g.shop_id])}
    month = ledger.today(db, g.shop_id)[:7]
    return render_template("mypage.html", page=page, items=items, shown=shown, error=error,
                           url=page_url(page["slug"]), visits=visits.month_visits(db, g.shop_id, month)), status


@bp.route("/", methods=["GET", "POST"])
@shop_required
def edit():
    db = get_db()
    page = pages.ensure_page(db, g.shop_id) if request.method == "POST" else pages.get_page(db, g.shop_id)
    if page is None:  # never made: show the defaults, write nothing on a GET
        page = {"slug": pages.slugify((pages.owner(db, g.shop_id) or {}).get("name") or ""), "published": 0,
                "show_prices": 1, "show_phone": 0, "days": [True] * 6 + [False], "market": None,
                "stall": None, "landmark": None}
    if request.method == "GET":
        return _render(db, page)
    try:
        pages.update_page(db, g.shop_id, **_form_fields(request.form))
        for item in products.list_products(db, g.shop_id):
            pages.show_product(db, g.shop_id, item["id"], bool(request.form.get(f"p_{item['id']}")))
        address = (request.form.get("address") or "").strip()
        if address and address != page["slug"]:
            pages.rename_slug(db, g.shop_id, address)
    except DomainError as err:
        return _render(db, page, err, err.status)
    return redirect(url_for("mypage.edit", saved=1))
