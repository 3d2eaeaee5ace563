"""Selling by taps: product grid -> quantity keypad -> payment, then a confirmation.

A cash sale of one piece is two taps (product, cash) and three with a quantity. Mobile
money adds the provider's icon; credit adds the customer (or a new one); a mixed sale
takes the cash paid now on the cash keypad and puts the rest on the customer's debt.
Every step is one form posting to the same URL; the state so far rides in hidden fields,
so the pages work without JavaScript and nothing is written before the last tap.
A basket gathers several products into one sale, paid the same way. It is kept with the
server-side session (:func:`kissi.coop.logins.session_data`), never in the cookie: answers
to earlier requests (voice clips, the service worker) that reach the phone after she added
a product would otherwise bring back the cookie's old basket.
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from ..coop import logins
from ..errors import DomainError, Invalid
from ..shop import credit, ledger, products, sales
from ..shop.ledger import N_
from .auth import shop_required
from .database import get_db
from .idempotency import tapped_at
from .keys import cash_keyed, keyed

bp = Blueprint("sell", __name__, url_prefix="/sell")

PAYMENTS = ("cash", "mobile", "credit", "mixed")


def _basket(db) -> list:
    return logins.session_data(db, session.get("sid")).get("basket", [])


def _set_basket(db, lines: list) -> None:
    logins.update_session_data(db, session.get("sid"), basket=lines or None)


def _customer(db, customer_id):
    return credit.get_customer(db, g.shop_id, customer_id) if customer_id else None


@bp.get("/", endpoint="products")
@shop_required
def grid():
    """The first tap: her products as photos or icons, with their price (and the basket)."""
    db = get_db()
    customer = _customer(db, request.args.get("customer"))
    lines = _basket_lines(db)
    return render_template("sell_products.html", customer=customer, basket=lines,
                           basket_total=sum(line["amount"] for line in lines),
                           products=products.list_products(db, g.shop_id))


def _state(db, action: str) -> dict:
    # a mobile money operator's own button says both: pay=mobile:orange
    pay, _, provider = (request.form.get("pay") or "").partition(":")
    return {"customer": _customer(db, request.values.get("customer")), "action": action,
            "qty": "", "pay": pay or None, "provider": provider or request.form.get("provider"),
            "now": "", "stage": "qty", "basket": _basket(db)}


def _quantity(text: str, sent: bool, unit: str) -> int:
    """The quantity she saw: the form shows "1" until she taps a key, so an empty field
    means she erased it, and is asked again rather than taken as 1. Only a post with no
    quantity field at all (a script, the voice path) means one."""
    if sent and not text:
        raise Invalid("qty_missing", N_("How many? Tap the quantity"), "qty")
    return products.parse_qty(text or "1", unit)


@bp.route("/<product_id>", methods=["GET", "POST"])
@shop_required
def item(product_id):
    """Quantity and payment for one product; each POST either asks more or records."""
    db = get_db()
    product = products.sellable_product(db, g.shop_id, product_id)
    state = {**_state(db, url_for("sell.item", product_id=product_id)), "product": product}
    if request.method == "GET":
        return _page(state)
    state["qty"], pressed = keyed(request.form, "qty", maxlen=7, fresh=request.form.get("fresh") == "qty")
    try:
        if pressed:
            return _page(state)
        qty = _quantity(state["qty"], "qty" in request.form, product["unit"])
        if state["pay"] == "basket":
            return _add_to_basket(db, product, qty, state["customer"])
        state["total"] = sales.line_amount(product["price"], qty)
        return _checkout(db, [{"product_id": product["id"], "qty": qty}], state)
    except DomainError as err:
        state["stage"] = _stage_of(err, state)
        return _page(state, err), err.status


def _basket_lines(db) -> list[dict]:
    """The basket kept with the session: ``[product_id, qty]`` pairs, shown with amounts."""
    lines = []
    for product_id, qty in _basket(db):
        product = products.sellable_product(db, g.shop_id, product_id)
        lines.append({**product, "qty": qty, "amount": sales.line_amount(product["price"], qty)})
    return lines


def _add_to_basket(db, product, qty, customer):
    basket = _basket(db)
    if len(basket) >= sales.MAX_LINES:
        raise Invalid("too_many_lines", "Too many products in one sale", "lines")
    _set_basket(db, [*basket, [product["id"], qty]])
    return redirect(url_for("sell.products", customer=customer["id"] if customer else None))


@bp.route("/basket", methods=["GET", "POST"])
@shop_required
def basket():
    """Several products in one sale: the lines (each can be taken out), then the payment."""
    db = get_db()
    state = {**_state(db, url_for("sell.basket")), "product": None, "lines": []}
    remove = request.form.get("remove")
    if remove is not None:
        kept = [line for i, line in enumerate(state["basket"]) if str(i) != remove]
        _set_basket(db, kept)
        return redirect(url_for("sell.basket" if kept else "sell.products"))
    try:
        state["lines"] = _basket_lines(db)
        if not state["lines"]:
            return redirect(url_for("sell.products"))
        state["total"] = sum(line["amount"] for line in state["lines"])
        if request.method == "GET":
            return _page(state)
        answer = _checkout(db, [{"product_id": line["id"], "qty": line["qty"]}
                                for line in state["lines"]], state)
    except DomainError as err:
        state["stage"] = _stage_of(err, state)
        return _page(state, err), err.status
    if getattr(answer, "status_code", 200) == 302:  # recorded: the basket is done
        _set_basket(db, [])
    return answer


def _checkout(db, lines, state):
    """Ask for what the payment still needs, or record the sale and show it."""
    form = request.form
    state["now"], cash_pressed = cash_keyed(form, "now")
    if cash_pressed or state["pay"] not in PAYMENTS:
        state["stage"] = "mixed" if cash_pressed else "qty"
        return _page(state)
    stage = _missing(form, state)
    if stage:
        state["stage"] = stage
        return _page(state)
    sale = _record(db, lines, form, state)
    return redirect(url_for("sell.done", sale_id=sale["id"]))


def _missing(form, state) -> str | None:
    """The payment step still to show, or None when the sale can be recorded."""
    pay = state["pay"]
    if pay == "mobile" and not state["provider"]:
        return "mobile"
    # "new_customer": she tapped record under the new customer's name; an empty name is
    # then an error to show (create_customer says so), not a silent repeat of the page
    if pay in ("credit", "mixed") and not (state["customer"] or form.get("customer_id")
                                          or form.get("new_name") or form.get("new_customer")):
        return pay
    if pay == "mixed" and not form.get("confirm"):
        return "mixed"
    return None


def _stage_of(err: DomainError, state) -> str:
    if state["pay"] in ("mobile", "credit", "mixed") and err.field not in ("qty", "lines[0].qty"):
        return state["pay"]
    return "qty"


def _record(db, lines, form, state) -> dict:
    pay, total = state["pay"], state["total"]
    options: dict = {}
    if pay == "mobile":
        options = {"mobile": total, "mobile_provider": state["provider"],
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
    return sales.record_sale(db, g.shop_id, lines, user_id=g.user["id"], at=tapped_at(), **options)


def _page(state, error=None):
    if state["stage"] in ("credit", "mixed") and not state["customer"]:
        state["customers"] = credit.list_customers(get_db(), g.shop_id)
    if state["stage"] in ("credit", "mixed") and "total" in state:  # seen before she picks who owes it
        paid = int(state["now"]) if state["stage"] == "mixed" and str(state["now"]).isdigit() else 0
        state["rest"] = max(state["total"] - paid, 0)
    return render_template("sell_item.html", error=error,
                           providers=ledger.MOBILE_PROVIDERS, **state)


@bp.get("/done/<sale_id>")
@shop_required
def done(sale_id):
    """What was sold, for how much and how it was paid: seen and heard (``sale.done``)."""
    db = get_db()
    sale = sales.get_sale(db, g.shop_id, sale_id)
    customer = _customer(db, sale["customer_id"])
    return render_template("sell_done.html", sale=sale, customer=customer,
                           providers=ledger.MOBILE_PROVIDERS)


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
