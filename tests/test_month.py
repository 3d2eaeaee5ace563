import pytest

from kissi.errors import Invalid
from kissi.shop import credit, month, sales
from kissi.store import changes
from ledger_helpers import mariam, other_shop, rice, shop, soap  # noqa: F401


def _sell(db, shop, product, qty, at, **pay):
    return sales.record_sale(db, shop["id"], [{"product_id": product["id"], "qty": qty}], at=at, **pay)


def test_month_figures_come_from_the_facts(db, shop, soap, rice, mariam):
    _sell(db, shop, soap, 4000, "2026-10-05T09:00:00.000Z")                     # 1000, Monday
    _sell(db, shop, rice, 2000, "2026-10-06T09:00:00.000Z", mobile=700,         # 1200, Tuesday
          mobile_provider="mtn", credit=500, customer_id=mariam["id"])
    _sell(db, shop, soap, 8000, "2026-10-06T10:00:00.000Z")                     # 2000
    voided = _sell(db, shop, rice, 10_000, "2026-10-07T09:00:00.000Z")          # 6000, voided
    sales.void_sale(db, shop["id"], voided["id"], "erreur")
    credit.record_repayment(db, shop["id"], mariam["id"], 200, at="2026-10-20T09:00:00.000Z")
    _sell(db, shop, soap, 1000, "2026-11-02T09:00:00.000Z")                     # next month
    r = month.month_report(db, shop["id"], "2026-10", today="2026-11-26")
    assert (r["count"], r["total"], r["average"]) == (3, 4200, 1400)
    assert (r["cash"], r["mobile"], r["credit"]) == (3000, 700, 500)
    assert r["split"] == {"cash": 714, "mobile": 167, "credit": 119}
    assert len(r["days"]) == 31 and r["peak"] == 3200
    assert [(d["day"], d["total"]) for d in r["best_days"]] == [("2026-10-06", 3200), ("2026-10-05", 1000)]
    assert [(w["weekday"], w["total"]) for w in r["best_weekdays"]] == [(1, 3200), (0, 1000)]
    assert [p["name"] for p in r["best_by_amount"]] == ["Savon", "Riz"]
    assert [(p["name"], p["qty"]) for p in r["best_by_qty"]] == [("Savon", 12000), ("Riz", 2000)]
    assert r["debts_collected"]["total"] == 200 and r["debts_at_end"] == 300
    assert (r["previous"], r["next"], r["previous_total"], r["growth_tenths"]) == (
        "2026-09", "2026-11", 0, None)


def test_a_voided_credit_sale_owes_nothing_at_month_end(db, shop, soap, mariam):
    sale = _sell(db, shop, soap, 4000, "2026-10-05T09:00:00.000Z", credit=1000,
                 customer_id=mariam["id"])
    sales.void_sale(db, shop["id"], sale["id"], "erreur")
    r = month.month_report(db, shop["id"], "2026-10", today="2026-11-26")
    assert (r["total"], r["credit"], r["debts_at_end"]) == (0, 0, 0)


def test_days_follow_the_shops_time_zone(db, shop, soap):
    changes.update_record(db, "shops", shop["id"], {"timezone": "Africa/Lagos"})  # UTC+1
    db.__dict__.pop("_kissi_shop_zone", None)
    _sell(db, shop, soap, 1000, "2026-10-31T23:30:00.000Z")  # 1 November, 00:30 in Lagos
    assert month.month_report(db, shop["id"], "2026-10", today="2026-11-26")["count"] == 0
    nov = month.month_report(db, shop["id"], "2026-11", today="2026-11-26")
    assert nov["count"] == 1 and nov["best_days"][0]["day"] == "2026-11-01"


def test_growth_against_the_previous_month(db, shop, soap):
    _sell(db, shop, soap, 8000, "2026-09-10T09:00:00.000Z")   # 2000
    _sell(db, shop, soap, 10_000, "2026-10-10T09:00:00.000Z")  # 2500
    r = month.month_report(db, shop["id"], "2026-10", today="2026-11-26")
    assert (r["previous_total"], r["growth_tenths"]) == (2000, 250)  # +25.0 %
    _sell(db, shop, soap, 1000, "2026-11-03T09:00:00.000Z")   # 250
    nov = month.month_report(db, shop["id"], "2026-11", today="2026-11-26")
    assert (nov["previous_total"], nov["growth_tenths"]) == (2500, -900)  # -90.0 %


def test_the_current_month_is_compared_over_the_same_days(db, shop, soap):
    _sell(db, shop, soap, 4000, "2026-10-03T09:00:00.000Z")   # 1000, within 1..5 October
    _sell(db, shop, soap, 40_000, "2026-10-20T09:00:00.000Z")  # 10000, after the 5th
    _sell(db, shop, soap, 6000, "2026-11-04T09:00:00.000Z")   # 1500
    r = month.month_report(db, shop["id"], "2026-11", today="2026-11-05")
    assert r["current"] and (r["previous_total"], r["growth_tenths"]) == (1000, 500)


@pytest.mark.parametrize("part, whole, tenths", [(1, 3, 333), (2, 3, 667), (-1, 8, -125),
                                                 (1, 2000, 1), (1, 2001, 0)])
def test_ratios_are_rounded_with_integers(part, whole, tenths):
    assert month.ratio_tenths(part, whole) == tenths


def test_months_are_checked_and_scoped(db, shop, other_shop, soap):
    with pytest.raises(Invalid):
        month.month_report(db, shop["id"], "2026-13")
    _sell(db, shop, soap, 1000, "2026-10-05T09:00:00.000Z")
    assert month.month_report(db, other_shop["id"], "2026-10", today="2026-11-26")["count"] == 0
