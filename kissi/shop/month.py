"""The subscriber's month: totals, best products and days, growth, debts, payment split.

Built on :mod:`kissi.shop.day`'s period summary, which reads the per-day summary caches kept
by triggers (``product_days`` and the per-day sale totals), so a month costs about one row
per day and per product sold, whatever the number of sales: a shop with 200,000 sales
answers in a few milliseconds (``benchmarks/bench_month.py``). Voided sales count nowhere.
Days are the shop's local dates (``sales.day``), so a sale at 23:30 UTC in a shop an hour
east of UTC belongs to the next day, and maybe to the next month.

Money is integer F CFA. Ratios are integers too: ``growth_tenths`` is the change against
the previous month in tenths of a percent (``125`` = +12.5 %), rounded half away from
zero; ``None`` when the previous month sold nothing. For the current month the previous
month is compared over the same number of days (1st to today's date), so a month that
has just begun is not "down 90 %".
"""
from __future__ import annotations

import calendar
from datetime import date

import sqlite_utils

from ..errors import Invalid
from . import day as days, ledger
from .ledger import check_month, shift_month


def bounds(month: str) -> tuple[str, str]:
    """First and last day of ``YYYY-MM``."""
    y, m = int(month[:4]), int(month[5:])
    return f"{month}-01", f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def ratio_tenths(part: int, whole: int) -> int:
    """``part / whole`` in tenths of a percent, rounded half away from zero (integers only)."""
    n = abs(part) * 2000 + abs(whole)
    value = n // (2 * abs(whole))
    return value if (part >= 0) == (whole > 0) else -value


def growth_tenths(current: int, previous: int) -> int | None:
    """Change from ``previous`` to ``current`` in tenths of a percent; ``None`` from zero."""
    return None if previous <= 0 else ratio_tenths(current - previous, previous)


def debts_at(db: sqlite_utils.Database, shop_id: str, end: str) -> int:
    """What her customers owed her at the end of day ``end``: credit minus repayments, less
    the credit of voided sales (found from the few voids, so the entries are read from
    their covering index only)."""
    owed = db.execute(
        "select coalesce(sum(case kind when 'credit' then amount else -amount end), 0)"
        " from credit_entries where shop_id = ? and day <= ?", [shop_id, end]).fetchone()[0]
    voided = db.execute(
        "select coalesce(sum(e.amount), 0) from sale_voids v join credit_entries e"
        " on e.sale_id = v.id and e.kind = 'credit' where v.shop_id = ? and e.day <= ?",
        [shop_id, end]).fetchone()[0]
    return owed - voided


def month_report(db: sqlite_utils.Database, shop_id: str, month: str | None = None, *,
                 today: str | None = None, top: int = 5) -> dict:
    """The month ``YYYY-MM`` (default: the shop's current month) of one shop.

    Returns ``month, start, end, previous, next, current`` (bool), ``count, total, cash,
    mobile, credit, discount``, ``average`` (basket, F CFA), ``days`` (every day: day,
    count, total, ``weekday`` 0 = Monday), ``peak`` (largest day total, at least 1),
    ``best_days`` (dates), ``weekdays`` (7 entries: weekday, count, total) and
    ``best_weekdays``, ``best_by_amount``, ``best_by_qty``, ``split`` (cash/mobile/credit
    in tenths of a percent of the total), ``debts_collected`` (total, cash, mobile, count),
    ``debts_at_end``, ``previous_total`` (over the compared days), ``growth_tenths``.
    """
    ledger.shop(db, shop_id)
    today = today or ledger.today(db, shop_id)
    month = check_month(month) if month else today[:7]
    if not "2000-01" <= month <= "2199-12":
        raise Invalid("bad_month", "Enter a month as YYYY-MM", "month")
    start, end = bounds(month)
    s = days.period_summary(db, shop_id, start, end, top=top)
    current = month == today[:7]
    prev = shift_month(month, -1)
    p_start, p_end = bounds(prev)
    if current:  # same number of days: 1st to today's date, within the previous month
        p_end = min(p_end, f"{prev}-{today[8:10]}")
    previous_total = days.period_summary(db, shop_id, p_start, p_end, top=0)["total"]
    weekdays = [{"weekday": i, "count": 0, "total": 0} for i in range(7)]
    for d in s["days"]:
        d["weekday"] = date.fromisoformat(d["day"]).weekday()
        weekdays[d["weekday"]]["count"] += d["count"]
        weekdays[d["weekday"]]["total"] += d["total"]
    total = s["total"]
    return {
        "month": month, "start": start, "end": end, "previous": prev,
        "next": shift_month(month, 1), "current": current, "today": today,
        **{k: s[k] for k in ("count", "total", "cash", "mobile", "credit", "discount")},
        "average": (2 * total + s["count"]) // (2 * s["count"]) if s["count"] else 0,
        "days": s["days"], "peak": max([d["total"] for d in s["days"]] + [1]),
        "best_days": s["best_days"], "weekdays": weekdays,
        "best_weekdays": sorted((w for w in weekdays if w["count"]),
                                key=lambda w: (-w["total"], w["weekday"]))[:3],
        "best_by_amount": s["best_products"],
        "best_by_qty": days.top_products(db, shop_id, start, end, top, by="qty"),
        "split": {k: ratio_tenths(s[k], total) if total else 0 for k in ("cash", "mobile", "credit")},
        "debts_collected": s["debts_collected"],
        "debts_at_end": debts_at(db, shop_id, min(end, today) if current else end),
        "previous_total": previous_total,
        "growth_tenths": growth_tenths(total, previous_total),
    }
