"""Subscriptions for trainers (``/coop/subscriptions``) and plans for admins (``/plans``).

A trainer sees the members of her cooperative with their plan and this month's state
(paid / due / late, derived from the payments), puts a member on a plan and records a
payment she collected in cash or mobile money; a member outside her care is 404 (the
domain decides, :mod:`kissi.coop.plans`). Admins list, add and deactivate plans (at the hub).
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from ..coop import plans
from ..errors import DomainError
from ..shop import ledger
from .auth import role_required
from .database import get_db
from .keys import cash_keyed

bp = Blueprint("plans", __name__)

MANAGERS = ("trainer", "admin")


def _month() -> str | None:
    ym = request.values.get("month")
    return ym if ym and ledger.MONTH.match(ym) else None


def _subscriptions(status=200, **extra):
    db = get_db()
    month = _month()
    members = plans.cooperative_states(db, g.user, month)
    counts = {k: sum(m["state"] == k for m in members) for k in ("paid", "due", "late", "none")}
    shown = month or (members[0]["month"] if members else None)
    around = (ledger.shift_month(shown, -1), ledger.shift_month(shown, 1)) if shown else None
    return render_template("coop/subscriptions.html", members=members, counts=counts,
                           month=shown, around=around, plans=plans.list_plans(db, active_only=True),
                           providers=ledger.MOBILE_PROVIDERS, **extra), status


@bp.get("/coop/subscriptions")
@role_required(*MANAGERS)
def subscriptions():
    return _subscriptions(done=request.args.get("done"))


@bp.route("/coop/subscriptions/<shop_id>/pay", methods=["GET", "POST"])
@role_required(*MANAGERS)
def pay(shop_id):
    """Record a payment she collected: the month's fee in one tap, or part of it (notes and
    coins), in cash or mobile money."""
    db = get_db()
    state = plans.month_state(db, g.user, shop_id, _month())
    member = db.execute("select name, phone from users where shop_id = ? and role = 'trader'"
                        " and deleted = 0 order by created_at limit 1", [shop_id]).fetchone()
    form = request.form
    paid = [p for p in plans.payments(db, g.user, shop_id) if p["month"] == state["month"]]
    page = {"s": state, "m": member, "providers": ledger.MOBILE_PROVIDERS, "amount": "",
            "paid": paid}
    if request.method == "GET":
        return render_template("coop/pay.html", **page)
    page["amount"], pressed = cash_keyed(form, "amount")
    if pressed:
        return render_template("coop/pay.html", **page)
    provider = form.get("provider") or None
    amount = None if form.get("all") or not page["amount"] else page["amount"]  # None: the rest
    try:
        plans.record_payment(db, g.user, shop_id, state["month"], amount=amount,
                             method="mobile" if provider else "cash", mobile_provider=provider,
                             mobile_ref=form.get("ref") or None)
    except DomainError as err:
        return render_template("coop/pay.html", error=err, **page), err.status
    return redirect(url_for("plans.subscriptions", month=state["month"], done="paid"))


@bp.post("/coop/subscriptions/payments/<payment_id>/reverse")
@role_required(*MANAGERS)
def reverse(payment_id):
    """Cancel a payment recorded by mistake (a reversal fact; the payment stays listed)."""
    db = get_db()
    cancelled = plans.reverse_payment(db, g.user, payment_id,
                                      request.form.get("reason") or "mistake")
    month = db.execute("select month from subscription_payments where id = ?",
                       [payment_id]).fetchone()[0]
    return redirect(url_for("plans.pay", shop_id=cancelled["shop_id"], month=month))


@bp.post("/coop/subscriptions/<shop_id>/plan")
@role_required(*MANAGERS)
def choose_plan(shop_id):
    try:
        plans.subscribe(get_db(), g.user, shop_id, request.form.get("plan") or "")
    except DomainError as err:
        return _subscriptions(err.status, error=err)
    return redirect(url_for("plans.subscriptions", done="plan"))


@bp.route("/plans", methods=["GET", "POST"])
@role_required("admin")
def index():
    """The plans; an admin adds one (code, name, monthly price, size)."""
    db = get_db()
    form = request.form
    if request.method == "POST":
        try:
            plans.add_plan(db, g.user, code=form.get("code"), name=form.get("name"),
                           price=form.get("price"), size=form.get("size") or "small")
        except DomainError as err:
            return render_template("plans.html", plans=plans.list_plans(db), error=err,
                                   form=form, sizes=plans.SIZES), err.status
        return redirect(url_for("plans.index", done="added"))
    return render_template("plans.html", plans=plans.list_plans(db), form={},
                           sizes=plans.SIZES, done=request.args.get("done"))


@bp.post("/plans/<plan_id>/active")
@role_required("admin")
def set_active(plan_id):
    plans.set_plan_active(get_db(), g.user, plan_id, request.form.get("active") == "1")
    return redirect(url_for("plans.index"))
