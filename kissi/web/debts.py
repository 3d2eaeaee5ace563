"""Debts: who owes what (oldest first), one customer's account, repayments, reminders.

Giving credit is selling on credit: the customer's page links to the sale grid with the
customer chosen, so a credit always says what was taken.
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..errors import DomainError
from ..shop import credit, ledger
from .auth import shop_required
from .database import get_db
from .keys import cash_keyed

bp = Blueprint("debts", __name__, url_prefix="/debts")


@bp.get("/")
@shop_required
def index():
    return render_template("debts_index.html", debtors=credit.debtors(get_db(), g.shop_id))


@bp.route("/new", methods=["GET", "POST"])
@shop_required
def new():
    """A new customer (name and, for reminders, her phone)."""
    form = request.form
    if request.method == "GET":
        return render_template("debts_new.html", name="", phone="")
    try:
        customer = credit.create_customer(get_db(), g.shop_id, name=form.get("name"),
                                          phone=form.get("phone") or None)
    except DomainError as err:
        return render_template("debts_new.html", name=form.get("name", ""),
                               phone=form.get("phone", ""), error=err), err.status
    return redirect(url_for("debts.customer", customer_id=customer["id"]))


def _reminder(db, customer):
    if not customer["phone"] or customer["balance"] <= 0:
        return None
    return credit.reminder_link(db, g.shop_id, customer["id"], lambda **v: gettext(
        "Hello %(name)s, this is %(shop)s. You owe %(amount)s F CFA. Thank you!", **v))


@bp.get("/<customer_id>")
@shop_required
def customer(customer_id):
    db = get_db()
    found = credit.get_customer(db, g.shop_id, customer_id)
    history = credit.credit_history(db, g.shop_id, customer_id)
    return render_template("debts_customer.html", customer=found, history=history[-20:],
                           reminder=_reminder(db, found), done=request.args.get("done"))


@bp.route("/<customer_id>/repay", methods=["GET", "POST"])
@shop_required
def repay(customer_id):
    """She pays back all (one tap) or part (notes and coins) in cash or mobile money."""
    db = get_db()
    found = credit.get_customer(db, g.shop_id, customer_id)
    form = request.form
    state = {"customer": found, "providers": ledger.MOBILE_PROVIDERS, "amount": ""}
    if request.method == "GET":
        return render_template("debts_repay.html", **state)
    state["amount"], pressed = cash_keyed(form, "amount")
    if pressed:
        return render_template("debts_repay.html", **state)
    amount = found["balance"] if form.get("all") else state["amount"]
    method = "mobile" if form.get("provider") else "cash"
    try:
        credit.record_repayment(db, g.shop_id, customer_id, amount or "0", method=method,
                                mobile_provider=form.get("provider") or None,
                                user_id=g.user["id"])
    except DomainError as err:
        return render_template("debts_repay.html", error=err, **state), err.status
    return redirect(url_for("debts.customer", customer_id=customer_id, done="repaid"))
