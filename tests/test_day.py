import pytest

from kissi.errors import Invalid
from kissi.shop import credit, day, sales, stock
from ledger_helpers import mariam, other_shop, rice, shop, soap  # noqa: F401

D1, D2 = "2026-05-04", "2026-05-05"


def _at(d, hour=9):
    return f"{d}T{hour:02d}:00:00.000Z"


def test_day_summary_splits_payments_and_counts_the_cash_box(db, shop, soap, rice, mariam):
    stock.restock(db, shop["id"], soap["id"], 10_000)
    sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 4000}], at=_at(D1))  # 1000 cash
    sales.record_sale(db, shop["id"], [{"product_id": rice["id"], "qty": 2000}], mobile=700,
                      mobile_provider="mtn", credit=500, customer_id=mariam["id"], at=_at(D1, 10))
    voided = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}], at=_at(D1, 11))
    sales.void_sale(db, shop["id"], voided["id"], "erreur", at=_at(D1, 12))
    credit.record_repayment(db, shop["id"], mariam["id"], 200, at=_at(D1, 13))
    sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}], at=_at(D2))
    summary = day.day_summary(db, shop["id"], D1)
    assert (summary["count"], summary["total"]) == (2, 2200)
    assert (summary["cash"], summary["mobile"], summary["credit"]) == (1000, 700, 500)
    assert summary["mobile_by_provider"] == {"mtn": 700}
    assert summary["cash_expected"] == 1200 and summary["debts_collected"]["total"] == 200
    assert summary["voided"] == 1
    assert [p["name"] for p in summary["top_products"]] == ["Riz", "Savon"]
    assert {a["product_id"]: a["alert"] for a in summary["alerts"]} == {rice["id"]: "negative"}


def test_period_summary_lists_every_day_and_the_best(db, shop, soap, rice):
    sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 2000}], at=_at(D1))
    sales.record_sale(db, shop["id"], [{"product_id": rice["id"], "qty": 3000}], at=_at(D2))
    sales.record_sale(db, shop["id"], [{"product_id": rice["id"], "qty": 1000}], at=_at(D2, 11))
    summary = day.period_summary(db, shop["id"], "2026-05-01", "2026-05-30")
    assert len(summary["days"]) == 30 and summary["total"] == 500 + 2400
    assert [(d["day"], d["total"]) for d in summary["best_days"]] == [(D2, 2400), (D1, 500)]
    assert summary["best_products"][0]["name"] == "Riz"
    assert sum(d["total"] for d in summary["days"]) == summary["total"]


def test_summaries_see_only_their_own_shop(db, shop, other_shop, soap):
    sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}], at=_at(D1))
    assert day.day_summary(db, other_shop["id"], D1)["total"] == 0
    assert day.period_summary(db, other_shop["id"], D1, D2)["count"] == 0


@pytest.mark.parametrize("start, end, field", [("2026-13-01", "2026-05-01", "start"),
                                                ("2026-05-02", "2026-05-01", "end"),
                                                ("2025-01-01", "2026-05-01", "end")])
def test_bad_periods_are_refused(db, shop, start, end, field):
    with pytest.raises(Invalid) as err:
        day.period_summary(db, shop["id"], start, end)
    assert err.value.field == field


def test_day_follows_the_shops_timezone(db, shop, soap):
    from kissi.store import changes

    changes.update_record(db, "shops", shop["id"], {"timezone": "Africa/Lagos"})  # UTC+1
    db.__dict__.pop("_kissi_shop_zone", None)
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}],
                             at="2026-05-04T23:30:00.000Z")
    assert sale["day"] == "2026-05-05"


def test_summary_caches_rebuild_to_the_same_figures(db, shop, soap, rice):
    sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 2000}], at=_at(D1))
    gone = sales.record_sale(db, shop["id"], [{"product_id": rice["id"], "qty": 3000}], at=_at(D1))
    sales.void_sale(db, shop["id"], gone["id"], "erreur", at=_at(D2))
    before = day.day_summary(db, shop["id"], D1)["top_products"]
    summary = day.day_summary(db, shop["id"], D1)
    db.execute("delete from product_days")
    db.execute("update sale_days set total = 0")
    day.rebuild_summaries(db)
    assert day.day_summary(db, shop["id"], D1) == summary
    assert [(p["name"], p["qty"]) for p in before] == [("Savon", 2000)]
