"""The subscriber's month (``/month``, ``/month/<YYYY-MM>``): totals, best products and days,
growth, debts, the payment split; bars drawn with CSS, no JavaScript.

Her subscription state only adds a reminder here (DESIGN.md rule 3: whatever her
subscription, she keeps recording, reading and exporting her data).
"""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from ..coop import plans
from ..public import visits
from ..shop import ledger, month as months
from .auth import shop_required
from .database import get_db

bp = Blueprint("month", __name__, url_prefix="/month")


def month_segments(report: dict) -> list[str]:
    """"This month you sold 125 000 francs, 84 sales" (voice, like ``day_segments``)."""
    return ["prompt:month.voice_total", f"money:{report.get('total', 0)}",
            f"number:{report.get('count', 0)}", "prompt:voice.sales"]


@bp.get("/")
@bp.get("/<ym>")
@shop_required
def index(ym: str | None = None):
    db = get_db()
    if ym is not None and not ledger.MONTH.match(ym):
        abort(404)
    report = months.month_report(db, g.shop_id, ym)
    # her own shop: the reminder is for this month, whichever month she is looking at
    state = plans.month_state(db, None, g.shop_id, report["today"][:7], today=report["today"])
    return render_template("month.html", r=report, sub=state,
                           visits=visits.month_visits(db, g.shop_id, report["month"]))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(month_segments=month_segments)
