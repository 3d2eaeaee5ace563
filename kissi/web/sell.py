"""Selling by taps: product grid -> quantity keypad -> payment, then a confirmation.

A cash sale of one piece is two taps (product, cash) and three with a quantity. Mobile
money adds the provider's icon; credit adds the customer (or a new one); a mixed sale
takes the cash paid now on the cash keypad and puts the rest on the customer's debt.
Every step is one form posting to the same URL; the state so far rides in hidden fields,
so the pages work without JavaScript and nothing is written before the last tap.
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from .. import credit, ledger, products, sales
from ..errors import DomainError, Invalid
from .auth import shop_required
from .database import get_db
from .keys import cash_keyed, keyed

bp = Blueprint("sell", __name__, url_prefix="/sell")

PAYMENTS = ("cash", "mobile", "credit", "mixed")
VOID_REASONS = ("mistake", "returned")


def _customer(db, customer_id):
    return credit.get_customer(db, g.shop_id, customer_id) if customer_id else None


@bp.get("/", endpoint="products")
@shop_required
def grid():
    """The first tap: her products as photos or icons, with their price."""
    db = get_db()
    customer = _customer(db, request.args.get("customer"))
    return render_template("sell_products.html", customer=customer,
                           products=products.list_products(db, g.shop_id))


@bp.route("/<product_id>", methods=["GET", "POST"])
@shop_required
def item(product_id):
    """Quantity and payment for one product; each POST either asks more or records."""
    db = get_db()
    product = products.sellable_product(db, g.shop_id, product_id)
    form = request.form
    state = {"product": product, "customer": _customer(db, request.values.get("customer")),
             "qty": "", "pay": form.get("pay"), "now": "", "stage": "qty"}
    if request.method == "GET":
        return _page(state)
    state["qty"], pressed = keyed(form, "qty", maxlen=7)
    state["now"], cash_pressed = cash_keyed(form, "now")
    try:
        qty = products.parse_qty(state["qty"] or "1", product["unit"])
        state["total"] = sales.line_amount(product["price"], qty)
        if pressed or cash_pressed or state["pay"] not in PAYMENTS:
            state["stage"] = "mixed" if cash_pressed else "qty"
            return _page(state)
        stage = _missing(form, state)
        if stage:
            state["stage"] = stage
            return _page(state)
        sale = _record(db, product, qty, form, state)
    except DomainError as err:
        state["stage"] = _stage_of(err, state)
        return _page(state, err), err.status
    return redirect(url_for("sell.done", sale_id=sale["id"]))


def _missing(form, state) -> str | None:
    """The payment step still to show, or None when the sale can be recorded."""
    pay = state["pay"]
    if pay == "mobile" and not form.get("provider"):
        return "mobile"
    if pay in ("credit", "mixed") and not (state["customer"] or form.get("customer_id")
                                          or form.get("new_name")):
        return pay
    if pay == "mixed" and not form.get("confirm"):
        return "mixed"
    return None


def _stage_of(err: DomainError, state) -> str:
    if state["pay"] in ("mobile", "credit", "mixed") and err.field not in ("qty", "lines[0].qty"):
        return state["pay"]
    return "qty"


def _record(db, product, qty, form, state) -> dict:
    pay, total = state["pay"], state["total"]
    options: dict = {}
    if pay == "mobile":
        options = {"mobile": total, "mobile_provider": form.get("provider"),
                   "mobile_ref": form.get("ref") or None}
    elif pay in ("credit", "mixed"):
        customer = state["customer"] or _customer(db, form.get("customer_id"))
        if customer is None:
            customer = credit.create_customer(db, g.shop_id, name=form.get("new_name"),
                                              phone=form.get("new_phone") or None)
        now = ledger.check_amount(state["now"] or "0", "now") if pay == "mixed" else 0
        if now >= total and pay == "mixed":
            raise Invalid("paid_now_too_much", "What is paid now must be less than the total", "now")
        options = {"credit": total - now, "customer_id": customer["id"]}
    return sales.record_sale(db, g.shop_id, [{"product_id": product["id"], "qty": qty}],
                             user_id=g.user["id"], **options)


def _page(state, error=None):
    if state["stage"] in ("credit", "mixed") and not state["customer"]:
        state["customers"] = credit.list_customers(get_db(), g.shop_id)
    return render_template("sell_item.html", error=error,
                           providers=sales.MOBILE_PROVIDERS, **state)


@bp.get("/done/<sale_id>")
@shop_required
def done(sale_id):
    """What was sold, for how much and how it was paid: seen and heard (``sale.done``)."""
    db = get_db()
    sale = sales.get_sale(db, g.shop_id, sale_id)
    customer = _customer(db, sale["customer_id"])
    return render_template("sell_done.html", sale=sale, customer=customer,
                           providers=sales.MOBILE_PROVIDERS)


@bp.route("/void/<sale_id>", methods=["GET", "POST"])
@shop_required
def void(sale_id):
    """Cancel a sale with a reason: stock comes back, the sale stays in history."""
    db = get_db()
    sale = sales.get_sale(db, g.shop_id, sale_id)
    if request.method == "GET":
        return render_template("sell_void.html", sale=sale)
    reason = request.form.get("reason")
    if reason == "other":
        reason = request.form.get("other")
    try:
        sales.void_sale(db, g.shop_id, sale_id, reason, user_id=g.user["id"])
    except DomainError as err:
        return render_template("sell_void.html", sale=sale, error=err), err.status
    return redirect(url_for("sell.done", sale_id=sale_id))
