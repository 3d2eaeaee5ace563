"""Plans, subscriptions and subscription payments: what a subscriber owes, and whether she paid.

**Her data is hers** (DESIGN.md rule 3): whatever her subscription, paid, due, late or
none, a trader can always record and read her sales, stock and debts and export them.
Nothing in kissi reads a subscription state to refuse an action; an unpaid month only
shows her a reminder (``tests/test_plans.py`` pins this). Keep it that way.

- **Plans** (``plans``, synced records) are managed at the hub by admins: a code, a name,
  a monthly price in integer F CFA (3,000 for a small stall to 30,000 for a large shop), a
  size label and an ``active`` flag. They have no shop nor cooperative, so they flow down
  to every device, and no device can push one: an enrolled edge refuses to write them.
- **Subscriptions** (``subscriptions``, one synced record per shop): her plan, ``active``
  or ``stopped``, and the first month owed.
- **Payments** (``subscription_payments``, synced facts, append-only) are what a trainer
  of her cooperative (or an admin) collected, in cash or mobile money, for one month.
  A mistake is corrected by a **reversal** (``subscription_reversals``, a fact whose id is
  the payment's id), never by changing the payment.
- **The state of a month** is derived from the payments each time: ``paid`` when the
  payments (not reversed) for the month reach the plan's price; else ``due`` until the
  ``DUE_DAY`` of the month, ``late`` (with the number of days) after it; ``none`` when
  the shop owes nothing that month (no active subscription, or before its first month).
"""
from __future__ import annotations

import json
import re
from datetime import date

import sqlite_utils

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..shop import ledger
from ..shop.ledger import check_mobile, check_month, check_name, check_text, month_of
from ..store import changes
from ..store.db import transaction
from . import members

SIZES = ("small", "medium", "large")
METHODS = ("cash", "mobile")
DUE_DAY = 10  # a month's fee is expected by the 10th; "late" counts the days after it
MAX_PLAN_PRICE = 1_000_000
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")

# The demo's (and a new hub's) plans: code, name, price, size.
DEFAULT_PLANS = (
    ("stall", "Small stall", 3_000, "small"),
    ("shop", "Shop", 10_000, "medium"),
    ("large", "Large shop", 30_000, "large"),
)

_PLAN_COLS = ("id", "code", "name", "price", "size", "active", "created_at")


# -- plans ------------------------------------------------------------------------------------

def _plans_writable(db) -> None:
    """Plans are made at the hub. An enrolled edge never writes one: the hub would refuse
    its push (a global row lies in no device's scope) and its sync would stop."""
    node = changes.node(db)
    enrolled = db.execute("select scope_kind from sync_state where singleton = 1").fetchone()
    if node and node["role"] == "edge" and enrolled and enrolled[0]:
        raise Forbidden("plans_at_hub", "Plans are managed at the hub", "code")


def _admin(actor) -> None:
    if actor is not None and actor["role"] != "admin":
        raise Forbidden("forbidden", "Only an admin can do this")


def _plan(row) -> dict:
    return dict(zip(_PLAN_COLS, row, strict=False))


def list_plans(db: sqlite_utils.Database, *, active_only: bool = False) -> list[dict]:
    """Plans, cheapest first."""
    where = "deleted = 0" + (" and active = 1" if active_only else "")
    return [_plan(r) for r in db.execute(
        f"select {', '.join(_PLAN_COLS)} from plans where {where} order by price, code")]


def get_plan(db: sqlite_utils.Database, key: str) -> dict:
    """A plan by id or by code."""
    row = db.execute(f"select {', '.join(_PLAN_COLS)} from plans where deleted = 0"
                     " and (id = ? or code = ?) order by created_at limit 1", [key, key]).fetchone()
    if row is None:
        raise NotFound("plan", "plan")
    return _plan(row)


def add_plan(db: sqlite_utils.Database, actor: dict | None, *, code: str, name: str, price,
             size: str = "small") -> dict:
    """A new plan (admins; ``actor=None`` is the command line)."""
    _admin(actor)
    _plans_writable(db)
    code = (code or "").strip().lower()
    if not _CODE.match(code):
        raise Invalid("bad_plan_code", "A plan code is 1 to 20 letters, digits or dashes", "code")
    name = check_name(name)
    price = ledger.check_amount(price, "price", allow_zero=False)
    if price > MAX_PLAN_PRICE:
        raise Invalid("amount_too_high", "The amount is too high", "price")
    if size not in SIZES:
        raise Invalid("bad_plan_size", "Choose a size", "size")
    with transaction(db):
        if db.execute("select 1 from plans where code = ? and deleted = 0", [code]).fetchone():
            raise Conflict("plan_code_taken", "This plan code is already used", "code")
        row = changes.insert_record(db, "plans", {
            "code": code, "name": name, "price": price, "size": size, "active": 1,
            "created_at": changes.utc_now()})
    return {k: row[k] for k in _PLAN_COLS}


def set_plan_active(db: sqlite_utils.Database, actor: dict | None, key: str, active: bool) -> dict:
    """Deactivate (or reactivate) a plan: no new subscription to it; existing ones stay."""
    _admin(actor)
    _plans_writable(db)
    plan = get_plan(db, key)
    changes.update_record(db, "plans", plan["id"], {"active": 1 if active else 0})
    return {**plan, "active": 1 if active else 0}


def ensure_default_plans(db: sqlite_utils.Database) -> list[dict]:
    """The three default plans (:data:`DEFAULT_PLANS`), each made once (for the demo and a
    new hub); returns every plan."""
    with transaction(db):
        for code, name, price, size in DEFAULT_PLANS:
            if not db.execute("select 1 from plans where code = ? and deleted = 0", [code]).fetchone():
                add_plan(db, None, code=code, name=name, price=price, size=size)
    return list_plans(db)


# -- scope ------------------------------------------------------------------------------------

def _shop_in_care(db, actor: dict | None, shop_id: str) -> dict:
    """The shop, if ``actor`` may see its subscription: her own shop (a trader), a shop of
    her cooperative (a trainer), any (an admin or the command line). Else not found."""
    try:
        shop = ledger.shop(db, shop_id)
    except NotFound:
        raise NotFound("shop", "shop") from None
    if actor is None or actor["role"] == "admin":
        return shop
    if actor["role"] == "trader" and actor.get("shop_id") == shop_id:
        return shop
    if actor["role"] == "trainer" and members.can_manage(actor, shop):
        return shop
    raise NotFound("shop", "shop")


def _manager(actor, db=None) -> None:
    """Subscriptions and payments are written by trainers and admins, at the hub or on a
    cooperative's device; the hub refuses them from a shop's own device."""
    if actor is not None and actor["role"] not in ("trainer", "admin"):
        raise Forbidden("forbidden", "Only a trainer or an admin can do this")
    if db is not None:
        enrolled = db.execute("select scope_kind from sync_state where singleton = 1").fetchone()
        if enrolled and enrolled[0] == "shop":
            raise Forbidden("subscriptions_elsewhere",
                            "Subscriptions are recorded at the hub or on the cooperative's device")


# -- subscriptions ----------------------------------------------------------------------------

def subscription(db: sqlite_utils.Database, shop_id: str) -> dict | None:
    """The shop's subscription with its plan, or ``None``."""
    row = db.execute(
        "select s.id, s.shop_id, s.status, s.start_month, p.id, p.code, p.name, p.price, p.size"
        " from subscriptions s join plans p on p.id = s.plan_id"
        " where s.shop_id = ? and s.deleted = 0 order by s.created_at, s.id limit 1",
        [shop_id]).fetchone()
    if row is None:
        return None
    return {"id": row[0], "shop_id": row[1], "status": row[2], "start_month": row[3],
            "plan": dict(zip(("id", "code", "name", "price", "size"), row[4:], strict=False))}


def subscribe(db: sqlite_utils.Database, actor: dict | None, shop_id: str, plan_key: str, *,
              start_month: str | None = None) -> dict:
    """Put a shop on a plan (a trainer of its cooperative, an admin, the command line).

    One subscription per shop: subscribing again changes its plan (and reactivates it).
    The first month owed is ``start_month``, else the shop's current month.
    """
    _manager(actor, db)
    _shop_in_care(db, actor, shop_id)
    plan = get_plan(db, plan_key)
    if not plan["active"]:
        raise Invalid("plan_inactive", "This plan is no longer offered", "plan")
    start = check_month(start_month, "start_month") if start_month else month_of(
        ledger.today(db, shop_id))
    with transaction(db):
        current = subscription(db, shop_id)
        if current is None:
            changes.insert_record(db, "subscriptions", {
                "shop_id": shop_id, "plan_id": plan["id"], "status": "active",
                "start_month": start, "created_at": changes.utc_now()})
        else:
            fields = {"plan_id": plan["id"], "status": "active"}
            if start_month:
                fields["start_month"] = start
            changes.update_record(db, "subscriptions", current["id"], fields)
    return subscription(db, shop_id)


def stop(db: sqlite_utils.Database, actor: dict | None, shop_id: str) -> dict:
    """End a subscription: no month is owed any more (payments made stay, as facts)."""
    _manager(actor, db)
    _shop_in_care(db, actor, shop_id)
    current = subscription(db, shop_id)
    if current is None:
        raise NotFound("subscription", "shop")
    changes.update_record(db, "subscriptions", current["id"], {"status": "stopped"})
    return subscription(db, shop_id)


# -- payments ---------------------------------------------------------------------------------

def record_payment(db: sqlite_utils.Database, actor: dict | None, shop_id: str, month: str, *,
                   amount=None, method: str = "cash", mobile_provider=None, mobile_ref=None,
                   at: str | None = None) -> dict:
    """A payment collected by a trainer of the shop's cooperative (or an admin) for a month.

    ``amount`` defaults to what is left to pay for the month (the plan's price at most).
    """
    _manager(actor, db)
    _shop_in_care(db, actor, shop_id)
    month = check_month(month)
    current = subscription(db, shop_id)
    if current is None:
        raise Invalid("no_subscription", "This shop has no plan", "shop")
    if method not in METHODS:
        raise Invalid("bad_method", "Choose cash or mobile money", "method")
    provider, ref = (check_mobile(mobile_provider, mobile_ref) if method == "mobile"
                     else (None, None))
    left = current["plan"]["price"] - paid_for(db, shop_id, month)
    amount = left if amount in (None, "") else ledger.check_amount(amount, "amount", allow_zero=False)
    if amount <= 0:
        raise Conflict("already_paid", "This month is already paid", "month")
    at, day = ledger.stamp(db, shop_id, at)
    return changes.insert_fact(db, "subscription_payments", {
        "shop_id": shop_id, "plan_id": current["plan"]["id"], "month": month, "amount": amount,
        "method": method, "mobile_provider": provider, "mobile_ref": ref,
        "collected_by": actor["id"] if actor else None, "at": at, "day": day})


def reverse_payment(db: sqlite_utils.Database, actor: dict | None, payment_id: str,
                    reason: str) -> dict:
    """Cancel a payment recorded by mistake: a new fact, the payment itself stays."""
    _manager(actor, db)
    row = db.execute("select shop_id from subscription_payments where id = ?",
                     [payment_id]).fetchone()
    if row is None:
        raise NotFound("payment", "payment")
    _shop_in_care(db, actor, row[0])
    reason = check_text(reason, "reason", required=True)
    with transaction(db):
        if db.execute("select 1 from subscription_reversals where id = ?", [payment_id]).fetchone():
            raise Conflict("already_reversed", "This payment was already cancelled", "payment")
        at, day = ledger.stamp(db, row[0])
        return changes.insert_fact(db, "subscription_reversals", {
            "id": payment_id, "shop_id": row[0], "reason": reason,
            "user_id": actor["id"] if actor else None, "at": at, "day": day})


_KEPT = "not exists (select 1 from subscription_reversals r where r.id = p.id)"


def paid_for(db: sqlite_utils.Database, shop_id: str, month: str) -> int:
    """What was paid for ``month`` (reversed payments left out)."""
    return db.execute(f"select coalesce(sum(p.amount), 0) from subscription_payments p"
                      f" where p.shop_id = ? and p.month = ? and {_KEPT}",
                      [shop_id, month]).fetchone()[0]


def payments(db: sqlite_utils.Database, actor: dict | None, shop_id: str) -> list[dict]:
    """Her payments, newest first, each with ``reversed``."""
    _shop_in_care(db, actor, shop_id)
    return [{**dict(r), "reversed": bool(r["reversed"])} for r in db.query(
        "select p.*, exists (select 1 from subscription_reversals r where r.id = p.id) as reversed"
        " from subscription_payments p where p.shop_id = ? order by p.at desc, p.id desc",
        [shop_id])]


# -- the derived state ------------------------------------------------------------------------

def derive_state(price: int | None, paid: int, month: str, today: str,
                 start_month: str | None, active: bool) -> dict:
    """The state of one month from plain values (no database): see the module docstring."""
    if price is None or not active or start_month is None or month < start_month:
        return {"state": "none", "days_late": 0, "price": price or 0, "paid": paid, "left": 0,
                "due_on": None}
    left = max(price - paid, 0)
    due_on = date(int(month[:4]), int(month[5:]), DUE_DAY)
    late = (date.fromisoformat(today) - due_on).days
    state = "paid" if left == 0 else ("late" if late > 0 else "due")
    return {"state": state, "days_late": late if state == "late" else 0, "price": price,
            "paid": paid, "left": left, "due_on": due_on.isoformat()}


def month_state(db: sqlite_utils.Database, actor: dict | None, shop_id: str,
                month: str | None = None, *, today: str | None = None) -> dict:
    """``{state: paid|due|late|none, days_late, price, paid, left, due_on, month, plan}`` for
    the shop and month (default: her current month), derived from the payments."""
    _shop_in_care(db, actor, shop_id)
    today = today or ledger.today(db, shop_id)
    month = check_month(month) if month else month_of(today)
    sub = subscription(db, shop_id)
    state = derive_state(sub["plan"]["price"] if sub else None, paid_for(db, shop_id, month),
                         month, today, sub["start_month"] if sub else None,
                         bool(sub) and sub["status"] == "active")
    return {**state, "month": month, "plan": sub["plan"] if sub else None}


def cooperative_states(db: sqlite_utils.Database, actor: dict | None, month: str | None = None,
                       *, cooperative_id: str | None = None, today: str | None = None) -> list[dict]:
    """Every trader in the actor's care with her plan and this month's state (two queries
    for the whole list). A trainer sees her cooperative; an admin all, or ``cooperative_id``."""
    _manager(actor)
    coop = actor["cooperative_id"] if actor and actor["role"] == "trainer" else cooperative_id
    if actor and actor["role"] == "trainer" and not coop:
        return []
    where, params = ("and sh.cooperative_id = ?", [coop]) if coop else ("", [])
    rows = db.execute(
        "select u.id, u.name, u.phone, sh.id, sh.name, sh.timezone, s.status, s.start_month,"
        " p.id, p.code, p.name, p.price from users u join shops sh on sh.id = u.shop_id"
        " left join subscriptions s on s.shop_id = sh.id and s.deleted = 0"
        " left join plans p on p.id = s.plan_id"
        f" where u.role = 'trader' and u.deleted = 0 and sh.deleted = 0 {where}"
        " order by u.name, u.id", params).fetchall()
    out = []
    for r in rows:
        day = today or ledger.today(db, r[3])
        m = check_month(month) if month else month_of(day)
        plan = dict(zip(("id", "code", "name", "price"), r[8:], strict=False)) if r[8] else None
        out.append({"user_id": r[0], "name": r[1], "phone": r[2], "shop_id": r[3], "shop": r[4],
                    "month": m, "plan": plan, "status": r[6], "start_month": r[7], "today": day})
    paid = dict(((sid, m), total) for sid, m, total in db.execute(
        f"select p.shop_id, p.month, sum(p.amount) from subscription_payments p where {_KEPT}"
        " and p.month in (select value from json_each(?)) group by p.shop_id, p.month",
        [json.dumps(sorted({o["month"] for o in out}))]))
    for o in out:
        o.update(derive_state(o["plan"]["price"] if o["plan"] else None,
                              paid.get((o["shop_id"], o["month"]), 0), o["month"], o.pop("today"),
                              o["start_month"], o["status"] == "active"))
    return out
