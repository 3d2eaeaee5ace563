"""The trader's day and month: totals, payment split, cash in the box, best products.

Voided sales are left out of every figure (whatever day they were voided). Each summary
reads covering indexes only (migration 0010), so it stays fast on a shop with hundreds of
thousands of sales.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from . import ledger, stock
from .errors import Invalid

_NOT_VOIDED = "not exists (select 1 from sale_voids v where v.id = s.id)"
MAX_PERIOD_DAYS = 366


def _check_day(value, field="day") -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise Invalid("bad_date", "Enter a date as YYYY-MM-DD", field) from None


def _top_products(db, shop_id, start, end, limit):
    rows = db.execute(
        "select l.product_id, p.name, p.icon, p.unit, sum(l.qty), sum(l.amount)"
        " from sales s join sale_lines l on l.sale_id = s.id join products p on p.id = l.product_id"
        f" where s.shop_id = ? and s.day between ? and ? and {_NOT_VOIDED}"
        " group by l.product_id order by sum(l.amount) desc, p.name limit ?",
        [shop_id, start, end, limit]).fetchall()
    return [dict(zip(("product_id", "name", "icon", "unit", "qty", "amount"), r)) for r in rows]


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


def _totals(db, shop_id, start, end) -> dict:
    row = db.execute(
        "select count(*), coalesce(sum(total), 0), coalesce(sum(cash), 0), coalesce(sum(mobile), 0),"
        " coalesce(sum(credit), 0), coalesce(sum(discount), 0) from sales s"
        f" where s.shop_id = ? and s.day between ? and ? and {_NOT_VOIDED}",
        [shop_id, start, end]).fetchone()
    return dict(zip(("count", "total", "cash", "mobile", "credit", "discount"), row))


def day_summary(db: sqlite_utils.Database, shop_id: str, day: str | None = None, *,
                top: int = 5) -> dict:
    """One local day: total and count, cash / mobile / credit split, cash expected in the box
    (cash sales + cash repayments), top products, stock alerts, debts collected."""
    ledger.shop(db, shop_id)
    day = _check_day(day) if day else ledger.today(db, shop_id)
    totals = _totals(db, shop_id, day, day)
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
        "top_products": _top_products(db, shop_id, day, day, top),
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
        raise Invalid("bad_period", "The end is before the start", "end")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise Invalid("period_too_long", "Choose at most a year", "end")
    per_day = {d: (count, total) for d, count, total in db.execute(
        "select s.day, count(*), sum(s.total) from sales s"
        f" where s.shop_id = ? and s.day between ? and ? and {_NOT_VOIDED} group by s.day",
        [shop_id, start, end])}
    days = []
    for i in range((last - first).days + 1):
        d = (first + timedelta(days=i)).isoformat()
        count, total = per_day.get(d, (0, 0))
        days.append({"day": d, "count": count, "total": total})
    best_days = sorted((d for d in days if d["count"]), key=lambda d: (-d["total"], d["day"]))[:3]
    return {
        "start": start, "end": end, **_totals(db, shop_id, start, end),
        "debts_collected": _repayments(db, shop_id, start, end),
        "days": days, "best_days": best_days,
        "best_products": _top_products(db, shop_id, start, end, top),
    }
