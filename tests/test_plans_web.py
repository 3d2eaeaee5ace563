import gzip
import re

import pytest

from factories import login, make_user, table_counts
from kissi.coop import plans
from kissi.prompts import PROMPTS
from kissi.shop import products
from plans_helpers import coop, default_plans  # noqa: F401


def _as(client, user):
    assert login(client, user).status_code == 302
    return client


def _prompts_declared(html: str):
    used = set(re.findall(r'data-prompt="([^"]*)"', html))
    assert used and used <= set(PROMPTS), used - set(PROMPTS)


def _late(db, coop, who="awa"):
    return plans.subscribe(db, coop["trainer"], coop[who]["shop_id"], "stall", start_month="2026-01")


def test_month_page_shows_figures_and_a_reminder_when_late(client, db, coop, default_plans):
    _late(db, coop)
    soap = products.create_product(db, coop["awa"]["shop_id"], name="Savon", price=250)
    page = _as(client, coop["awa"])
    from kissi.shop import sales
    sales.record_sale(db, coop["awa"]["shop_id"], [{"product_id": soap["id"], "qty": 4000}])
    html = page.get("/month/").get_data(as_text=True)
    assert "month.remind_late" in html and "Savon" in html and "1\u202f000" in html
    assert 'class="bar"' in html and "<script>" not in html
    assert "month.voice_total" in html  # the speaker button says the month's total
    _prompts_declared(html)
    assert page.get("/month/2026-13").status_code == 404


def test_an_unpaid_trader_still_sells_through_the_pages(client, db, coop, default_plans):
    _late(db, coop)
    soap = products.create_product(db, coop["awa"]["shop_id"], name="Savon", price=250)
    page = _as(client, coop["awa"])
    assert page.post(f"/sell/{soap['id']}", data={"pay": "cash", "qty": "2"}).status_code in (200, 302)
    assert db.execute("select count(*) from sales where shop_id = ?",
                      [coop["awa"]["shop_id"]]).fetchone()[0] == 1
    assert page.get("/day/").status_code == 200 and page.get("/debts/").status_code == 200


def test_traders_cannot_open_subscriptions_nor_plans(client, coop):
    page = _as(client, coop["awa"])
    for url in ("/coop/subscriptions", "/plans", f"/coop/subscriptions/{coop['awa']['shop_id']}/pay"):
        assert page.get(url).status_code == 403, url


def test_trainer_puts_a_member_on_a_plan_and_records_the_month(client, db, coop, default_plans):
    page = _as(client, coop["trainer"])
    shop_id = coop["awa"]["shop_id"]
    assert page.post(f"/coop/subscriptions/{shop_id}/plan",
                     data={"plan": default_plans["shop"]["id"]}).status_code == 302
    listing = page.get("/coop/subscriptions").get_data(as_text=True)
    assert "Awa" in listing and "month.previous" in listing and "Mariam" in listing and "Fanta" not in listing
    _prompts_declared(listing)
    month = plans.month_state(db, None, shop_id)["month"]
    form = page.get(f"/coop/subscriptions/{shop_id}/pay?month={month}").get_data(as_text=True)
    _prompts_declared(form)
    keyed = page.post(f"/coop/subscriptions/{shop_id}/pay",
                      data={"month": month, "amount": "", "cash": "5000"})
    assert keyed.status_code == 200 and 'value="5000"' in keyed.get_data(as_text=True)
    assert page.post(f"/coop/subscriptions/{shop_id}/pay",
                     data={"month": month, "amount": "4000"}).status_code == 302
    assert page.post(f"/coop/subscriptions/{shop_id}/pay",
                     data={"month": month, "provider": "wave", "ref": "W1"}).status_code == 302
    pays = plans.payments(db, None, shop_id)
    assert [(p["amount"], p["method"], p["mobile_provider"]) for p in pays] == [
        (6000, "mobile", "wave"), (4000, "cash", None)]
    assert plans.month_state(db, None, shop_id, month)["state"] == "paid"
    again = page.post(f"/coop/subscriptions/{shop_id}/pay", data={"month": month, "all": "1"})
    assert again.status_code == 409 and "error.already_paid" in again.get_data(as_text=True)
    form = page.get(f"/coop/subscriptions/{shop_id}/pay?month={month}").get_data(as_text=True)
    _prompts_declared(form)
    assert page.post(f"/coop/subscriptions/payments/{pays[0]['id']}/reverse",
                     data={"reason": "mistake"}).status_code == 302
    assert plans.month_state(db, None, shop_id, month)["left"] == 6000
    assert db.execute("select count(*) from subscription_payments").fetchone()[0] == 2


def test_another_cooperatives_shop_is_404_and_nothing_is_written(client, db, coop, default_plans):
    plans.subscribe(db, coop["admin"], coop["outsider"]["shop_id"], "stall")
    page = _as(client, coop["trainer"])
    before = table_counts(db)
    other = coop["outsider"]["shop_id"]
    assert page.get(f"/coop/subscriptions/{other}/pay").status_code == 404
    assert page.post(f"/coop/subscriptions/{other}/pay", data={"all": "1"}).status_code == 404
    assert page.post(f"/coop/subscriptions/{other}/plan",
                     data={"plan": default_plans["large"]["id"]}).status_code == 404
    theirs = plans.record_payment(db, coop["admin"], other, plans.month_state(db, None, other)["month"])
    before = table_counts(db)
    assert page.post(f"/coop/subscriptions/payments/{theirs['id']}/reverse").status_code == 404
    assert table_counts(db) == before


def test_admin_adds_and_deactivates_plans(client, db, coop, default_plans):
    assert _as(client, coop["trainer"]).get("/plans").status_code == 403
    client.post("/logout")
    page = _as(client, coop["admin"])
    html = page.get("/plans").get_data(as_text=True)
    assert "Grande boutique" in html and "Large shop" not in html  # the default plans, in her language
    _prompts_declared(html)
    bad = page.post("/plans", data={"code": "x y", "name": "X", "price": "5000"})
    assert bad.status_code == 422 and "error.bad_plan_code" in bad.get_data(as_text=True)
    assert page.post("/plans", data={"code": "market", "name": "Market", "price": "5000",
                                     "size": "medium"}).status_code == 302
    market = plans.get_plan(db, "market")
    assert market["price"] == 5000
    assert page.post(f"/plans/{market['id']}/active", data={"active": "0"}).status_code == 302
    assert plans.get_plan(db, "market")["active"] == 0


@pytest.fixture
def big_coop(db, coop, default_plans):
    """200 traders on plans in the trainer's cooperative, some paid."""
    for i in range(200):
        user = make_user(db, "trader", cooperative_id=coop["coop"]["id"], name=f"Commerçante {i}")
        plans.subscribe(db, coop["trainer"], user["shop_id"], ("stall", "shop", "large")[i % 3])
        if i % 2:
            plans.record_payment(db, coop["trainer"], user["shop_id"],
                                 plans.month_state(db, None, user["shop_id"])["month"])
    return coop


def test_subscription_pages_fit_in_14_kb_gzipped_with_their_css(client, db, big_coop):
    page = _as(client, big_coop["admin"])
    css = sum(len(gzip.compress(page.get(f"/static/{n}").data)) for n in ("kissi.css", "coop.css"))
    shop_id = big_coop["awa"]["shop_id"]
    plans.subscribe(db, None, shop_id, "stall")
    for url in ("/coop/subscriptions", f"/coop/subscriptions/{shop_id}/pay", "/plans"):
        answer = page.get(url)
        assert answer.status_code == 200, url
        assert len(gzip.compress(answer.data)) + css <= 14 * 1024, url


def test_api_gives_her_month_and_her_subscription(client, db, coop, default_plans):
    shop_id = coop["awa"]["shop_id"]
    plans.subscribe(db, None, shop_id, "shop")
    month = plans.month_state(db, None, shop_id)["month"]
    plans.record_payment(db, coop["trainer"], shop_id, month, amount=4000)
    api = _as(client, coop["awa"])
    got = api.get("/api/v1/subscription").get_json()
    assert (got["state"]["left"], got["state"]["plan"]["code"]) == (6000, "shop")
    assert [p["amount"] for p in got["payments"]] == [4000]
    report = api.get(f"/api/v1/month/{month}").get_json()
    assert report["month"] == month and report["count"] == 0
    bad = api.get("/api/v1/month/2026-13")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "bad_month"


def test_api_payments_stay_in_the_trainers_cooperative(client, db, coop, default_plans):
    other = coop["outsider"]["shop_id"]
    plans.subscribe(db, None, other, "stall")
    api = _as(client, coop["trainer"])
    before = table_counts(db)
    answer = api.post(f"/api/v1/subscriptions/{other}/payments", json={"amount": 3000})
    assert answer.status_code == 404 and table_counts(db) == before
    names = [m["name"] for m in api.get("/api/v1/subscriptions").get_json()["members"]]
    assert sorted(names) == ["Awa", "Mariam"]
    client.post("/logout")
    assert _as(client, coop["awa"]).get("/api/v1/subscriptions").status_code == 403
