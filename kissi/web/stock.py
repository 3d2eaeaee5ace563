"""Stock pages: levels and alerts, restock (with cost and supplier), loss, count."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from ..errors import DomainError
from ..shop import ledger, products, stock
from .auth import shop_required
from .database import get_db
from .keys import cash_keyed, keyed

bp = Blueprint("stock", __name__, url_prefix="/stock")

KINDS = ("restock", "loss", "count")


@bp.get("/")
@shop_required
def index():
    db = get_db()
    return render_template("stock_index.html", alerts=stock.alerts(db, g.shop_id),
                           products=products.list_products(db, g.shop_id))


@bp.get("/<product_id>")
@shop_required
def product(product_id):
    """One product's level and the three things she can do to it."""
    item = products.get_product(get_db(), g.shop_id, product_id)
    return render_template("stock_product.html", product=item, done=request.args.get("done"))


@bp.route("/<product_id>/<kind>", methods=["GET", "POST"])
@shop_required
def move(product_id, kind):
    """Restock, loss or count: a quantity on the keypad (and, for a restock, the cost)."""
    if kind not in KINDS:
        abort(404)
    db = get_db()
    item = products.sellable_product(db, g.shop_id, product_id)
    state = {"product": item, "kind": kind, "qty": "", "cost": "",
             "supplier": request.form.get("supplier", "")}
    if request.method == "GET":
        return render_template("stock_move.html", **state)
    state["qty"], pressed = keyed(request.form, "qty", maxlen=9)
    state["cost"], cash_pressed = cash_keyed(request.form, "cost")
    if pressed or cash_pressed:
        return render_template("stock_move.html", **state)
    try:
        _record(db, item, kind, state)
    except DomainError as err:
        return render_template("stock_move.html", error=err, **state), err.status
    return redirect(url_for("stock.product", product_id=product_id, done=kind))


def _record(db, item, kind, state):
    user_id = g.user["id"]
    if kind == "count":
        counted = (0 if state["qty"] in ("0", "0,", "0.")
                   else products.parse_qty(state["qty"], item["unit"]))
        return stock.correct_count(db, g.shop_id, item["id"], counted, user_id=user_id)
    qty = products.parse_qty(state["qty"], item["unit"])
    if kind == "loss":
        return stock.record_loss(db, g.shop_id, item["id"], qty, user_id=user_id)
    cost = ledger.check_amount(state["cost"], "cost") if state["cost"] else None
    return stock.restock(db, g.shop_id, item["id"], qty, cost=cost,
                         supplier=state["supplier"] or None, user_id=user_id)
