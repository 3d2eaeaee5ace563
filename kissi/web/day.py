"""My day (totals, payment split, cash in the box, best products, alerts) and 30 days."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, g, render_template, request

from ..shop import day as days, ledger, sales
from .auth import shop_required
from .database import get_db

bp = Blueprint("day", __name__, url_prefix="/day")


@bp.get("/")
@shop_required
def today():
    db = get_db()
    summary = days.day_summary(db, g.shop_id, request.args.get("day") or None)
    return render_template("day.html", s=summary, providers=ledger.MOBILE_PROVIDERS,
                           sales=sales.list_sales(db, g.shop_id, day=summary["day"], limit=30))


@bp.get("/30")
@shop_required
def month():
    db = get_db()
    end = date.fromisoformat(ledger.today(db, g.shop_id))
    summary = days.period_summary(db, g.shop_id, (end - timedelta(days=29)).isoformat(),
                                  end.isoformat())
    peak = max([d["total"] for d in summary["days"]] + [1])
    return render_template("day_30.html", s=summary, peak=peak)
