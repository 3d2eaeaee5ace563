"""The trader's day and month: totals, payment split, cash in the box, best products.

Voided sales are left out of every figure (whatever day they were voided). Totals per day
come from ``sale_days`` and products sold per day from ``product_days``: local caches kept
by triggers on the fact tables (migration 0011), so a summary reads one row per day (and
product) however many sales the shop has.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from ..errors import Invalid
from ..store.db import transaction
from . import ledger, stock
from .ledger import N_

_NOT_VOIDED = "not exists (select 1 from sale_voids v where v.id = s.id)"
MAX_PERIOD_DAYS = 366


def _check_day(value, field="day") -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise Invalid("bad_date", N_("Enter a date as YYYY-MM-DD"), field) from None


def top_products(db, shop_id: str, start: str, end: str, limit: int, by: str = "amount") -> list[dict]:
    """Best products between two days (inclusive), by ``amount`` sold or by ``qty``."""
    order = {"amount": "t.amount desc", "qty": "t.qty desc"}[by]
    rows = db.execute(
        "select t.product_id, p.name, p.icon, p.unit, t.qty, t.amount from ("
        " select product_id, sum(qty) as qty, sum(amount) as amount from product_days"
        " where shop_id = ? and day between ? and ? group by product_id having sum(qty) > 0"
        f") t join products p on p.id = t.product_id order by {order}, p.name limit ?",
        [shop_id, start, end, limit]).fetchall()
    return [dict(zip(("product_id", "name", "icon", "unit", "qty", "amount"), r, strict=False)) for r in rows]


def rebuild_summaries(db: sqlite_utils.Database) -> None:
    """Recompute the ``sale_days`` and ``product_days`` caches from the facts (a repair
    tool: both are local tables kept by triggers, see migration 0011)."""
    with transaction(db):
        db.execute("delete from sale_days")
        db.execute(
            "insert into sale_days (shop_id, day, count, total, cash, mobile, credit, discount)"
            " select shop_id, day, count(*), sum(total), sum(cash), sum(mobile), sum(credit),"
            f" sum(discount) from sales s where {_NOT_VOIDED} group by shop_id, day")
        db.execute("delete from product_days")
        db.execute(
            "insert into product_days (shop_id, day, product_id, qty, amount)"
            " select s.shop_id, s.day, l.product_id, sum(l.qty), sum(l.amount)"
            " from sales s join sale_lines l on l.sale_id = s.id"
            f" where {_NOT_VOIDED} group by s.shop_id, s.day, l.product_id")


def _repayments(db, shop_id, start, end) -> dict:
    cash = mobile = count = 0
    for method, amount, n in db.execute(
            "select method, sum(amount), count(*) from credit_entries where shop_id = ?"
            " and day between ? and ? and kind = 'repayment' group by method",
            [shop_id, start, end]):
        count += n
        if method == "mobile":
            mobile += amount
        else:
            cash += amount
    return {"total": cash + mobile, "cash": cash, "mobile": mobile, "count": count}


_SUMS = ("count", "total", "cash", "mobile", "credit", "discount")


def _per_day(db, shop_id, start, end) -> dict[str, dict]:
    """``{day: {count, total, cash, mobile, credit, discount}}`` for days with sales."""
    return {r[0]: dict(zip(_SUMS, r[1:], strict=False)) for r in db.execute(
        "select day, count, total, cash, mobile, credit, discount from sale_days"
        " where shop_id = ? and day between ? and ? and count > 0", [shop_id, start, end])}


def _add(per_day) -> dict:
    return {k: sum(d[k] for d in per_day.values()) for k in _SUMS}


def day_summary(db: sqlite_utils.Database, shop_id: str, day: str | None = None, *,
                top: int = 5) -> dict:
    """One local day: total and count, cash / mobile / credit split, cash expected in the box
    (cash sales + cash repayments), top products, stock alerts, debts collected."""
    ledger.shop(db, shop_id)
    day = _check_day(day) if day else ledger.today(db, shop_id)
    totals = _add(_per_day(db, shop_id, day, day))
    repaid = _repayments(db, shop_id, day, day)
    mobile_by_provider = dict(db.execute(
        "select mobile_provider, sum(mobile) from sales s where s.shop_id = ? and s.day = ?"
        f" and s.mobile > 0 and {_NOT_VOIDED} group by mobile_provider", [shop_id, day]).fetchall())
    voided = db.execute("select count(*) from sale_voids where shop_id = ? and day = ?",
                        [shop_id, day]).fetchone()[0]
    return {
        "day": day, **totals, "mobile_by_provider": mobile_by_provider,
        "voided": voided,
        "cash_expected": totals["cash"] + repaid["cash"],
        "debts_collected": repaid,
        "top_products": top_products(db, shop_id, day, day, top),
        "alerts": stock.alerts(db, shop_id),
    }


def period_summary(db: sqlite_utils.Database, shop_id: str, start: str, end: str, *,
                   top: int = 5) -> dict:
    """Several days (a month, typically): per-day totals (every day, zeros included),
    the period's totals, best products and best days."""
    ledger.shop(db, shop_id)
    start, end = _check_day(start, "start"), _check_day(end, "end")
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if last < first:
        raise Invalid("bad_period", N_("The end is before the start"), "end")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise Invalid("period_too_long", N_("Choose at most a year"), "end")
    per_day = _per_day(db, shop_id, start, end)
    days = []
    for i in range((last - first).days + 1):
        d = (first + timedelta(days=i)).isoformat()
        found = per_day.get(d, {})
        days.append({"day": d, "count": found.get("count", 0), "total": found.get("total", 0)})
    best_days = sorted((d for d in days if d["count"]), key=lambda d: (-d["total"], d["day"]))[:3]
    return {
        "start": start, "end": end, **_add(per_day),
        "debts_collected": _repayments(db, shop_id, start, end),
        "days": days, "best_days": best_days,
        "best_products": top_products(db, shop_id, start, end, top),
    }
