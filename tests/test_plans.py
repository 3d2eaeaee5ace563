import pytest

from factories import table_counts
from kissi.coop import plans
from kissi.errors import Conflict, Forbidden, Invalid, NotFound
from kissi.shop import export, products, sales
from kissi.store import changes
from plans_helpers import coop, default_plans  # noqa: F401

NOV = "2026-11"


def test_default_plans_are_written_once_through_the_change_log(db):
    first = plans.ensure_default_plans(db)
    again = plans.ensure_default_plans(db)
    assert [p["price"] for p in first] == [3_000, 10_000, 30_000] == [p["price"] for p in again]
    assert db.execute("select count(*) from change_log where tbl = 'plans'").fetchone()[0] == 3


def test_only_an_admin_adds_and_deactivates_plans(db, coop, default_plans):
    with pytest.raises(Forbidden):
        plans.add_plan(db, coop["trainer"], code="x", name="X", price=5000)
    added = plans.add_plan(db, coop["admin"], code="Market", name="Market", price=5000, size="medium")
    assert added["code"] == "market" and added["active"] == 1
    with pytest.raises(Conflict):
        plans.add_plan(db, coop["admin"], code="market", name="Again", price=5000)
    with pytest.raises(Invalid):
        plans.add_plan(db, coop["admin"], code="bad code!", name="Y", price=5000)
    plans.set_plan_active(db, coop["admin"], "market", False)
    assert "market" not in [p["code"] for p in plans.list_plans(db, active_only=True)]
    with pytest.raises(Invalid) as err:
        plans.subscribe(db, coop["trainer"], coop["awa"]["shop_id"], "market")
    assert err.value.code == "plan_inactive"


def test_an_enrolled_edge_does_not_write_plans(db):
    db.execute("update sync_state set scope_kind = 'shop', scope_id = 'x' where singleton = 1")
    with pytest.raises(Forbidden) as err:
        plans.add_plan(db, None, code="stall", name="Stall", price=3000)
    assert err.value.code == "plans_at_hub"


def _subscribe(db, c, who="awa", plan="stall", start=NOV):
    return plans.subscribe(db, c["trainer"], c[who]["shop_id"], plan, start_month=start)


@pytest.mark.parametrize("paid, today, state, late", [
    (0, "2026-11-03", "due", 0),
    (0, "2026-11-10", "due", 0),
    (0, "2026-11-14", "late", 4),
    (1_000, "2026-12-02", "late", 22),
    (3_000, "2026-11-30", "paid", 0),
])
def test_state_is_derived_from_the_payments(db, coop, default_plans, paid, today, state, late):
    shop_id = coop["awa"]["shop_id"]
    _subscribe(db, coop)
    if paid:
        plans.record_payment(db, coop["trainer"], shop_id, NOV, amount=paid)
    got = plans.month_state(db, coop["awa"], shop_id, NOV, today=today)
    assert (got["state"], got["days_late"], got["left"]) == (state, late, 3_000 - paid)


def test_no_state_without_a_plan_or_before_its_first_month(db, coop, default_plans):
    shop_id = coop["awa"]["shop_id"]
    assert plans.month_state(db, None, shop_id, NOV, today="2026-11-20")["state"] == "none"
    _subscribe(db, coop, start="2026-12")
    assert plans.month_state(db, None, shop_id, NOV, today="2026-11-20")["state"] == "none"
    assert plans.month_state(db, None, shop_id, "2026-12", today="2026-12-20")["state"] == "late"


def test_a_payment_defaults_to_what_is_left_and_a_paid_month_refuses_more(db, coop, default_plans):
    shop_id = coop["awa"]["shop_id"]
    _subscribe(db, coop, plan="shop")
    plans.record_payment(db, coop["trainer"], shop_id, NOV, amount=4_000)
    second = plans.record_payment(db, coop["trainer"], shop_id, NOV, method="mobile",
                                  mobile_provider="orange", mobile_ref="TX1")
    assert second["amount"] == 6_000 and second["collected_by"] == coop["trainer"]["id"]
    assert plans.month_state(db, None, shop_id, NOV, today="2026-11-20")["state"] == "paid"
    with pytest.raises(Conflict):
        plans.record_payment(db, coop["trainer"], shop_id, NOV)
    with pytest.raises(Invalid):
        plans.record_payment(db, coop["trainer"], shop_id, NOV, method="mobile", mobile_provider="x")


def test_a_reversal_is_a_new_fact_and_the_payment_stays(db, coop, default_plans):
    shop_id = coop["awa"]["shop_id"]
    _subscribe(db, coop)
    pay = plans.record_payment(db, coop["trainer"], shop_id, NOV)
    plans.reverse_payment(db, coop["trainer"], pay["id"], "wrong month")
    with pytest.raises(Conflict):
        plans.reverse_payment(db, coop["trainer"], pay["id"], "again")
    assert plans.month_state(db, None, shop_id, NOV, today="2026-11-20")["state"] == "late"
    listed = plans.payments(db, coop["trainer"], shop_id)
    assert [(p["id"], p["amount"], p["reversed"]) for p in listed] == [(pay["id"], 3_000, True)]
    ops = db.execute("select tbl, op from change_log where tbl in"
                     " ('subscription_payments', 'subscription_reversals')"
                     " order by seq").fetchall()
    assert ops == [("subscription_payments", "insert"), ("subscription_reversals", "insert")]
    with pytest.raises(ValueError):  # facts have no update in the write path
        changes.update_record(db, "subscription_payments", pay["id"], {"amount": 1})


def test_trainers_collect_only_in_their_cooperative(db, coop, default_plans):
    outsider_shop = coop["outsider"]["shop_id"]
    plans.subscribe(db, coop["admin"], outsider_shop, "stall", start_month=NOV)
    before = table_counts(db)
    with pytest.raises(NotFound):
        plans.record_payment(db, coop["trainer"], outsider_shop, NOV)
    with pytest.raises(NotFound):
        plans.subscribe(db, coop["trainer"], outsider_shop, "shop")
    with pytest.raises(NotFound):
        plans.month_state(db, coop["awa"], outsider_shop, NOV)
    with pytest.raises(Forbidden):
        plans.record_payment(db, coop["awa"], coop["awa"]["shop_id"], NOV)
    assert table_counts(db) == before
    listed = plans.cooperative_states(db, coop["trainer"], NOV, today="2026-11-20")
    assert sorted(m["name"] for m in listed) == ["Awa", "Mariam"]
    everyone = plans.cooperative_states(db, coop["admin"], NOV, today="2026-11-20")
    assert {m["name"]: m["state"] for m in everyone} == {"Awa": "none", "Mariam": "none",
                                                         "Fanta": "late"}


def test_cooperative_states_match_each_members_state(db, coop, default_plans):
    _subscribe(db, coop, "awa")
    _subscribe(db, coop, "mariam", plan="large")
    plans.record_payment(db, coop["trainer"], coop["awa"]["shop_id"], NOV)
    plans.record_payment(db, coop["trainer"], coop["mariam"]["shop_id"], NOV, amount=10_000)
    listed = plans.cooperative_states(db, coop["trainer"], NOV, today="2026-11-12")
    for m in listed:
        one = plans.month_state(db, None, m["shop_id"], NOV, today="2026-11-12")
        assert (m["state"], m["days_late"], m["left"]) == (one["state"], one["days_late"], one["left"])
    assert {m["name"]: (m["state"], m["left"]) for m in listed} == {
        "Awa": ("paid", 0), "Mariam": ("late", 20_000)}


def test_an_unpaid_trader_still_sells_reads_and_exports(db, coop, default_plans, tmp_path):
    """Her data is hers: a late subscription never blocks the ledger."""
    shop_id = coop["awa"]["shop_id"]
    _subscribe(db, coop, start="2026-01")
    assert plans.month_state(db, None, shop_id, "2026-01")["state"] == "late"
    soap = products.create_product(db, shop_id, name="Savon", price=250)
    sale = sales.record_sale(db, shop_id, [{"product_id": soap["id"], "qty": 2000}])
    assert sales.get_sale(db, shop_id, sale["id"])["total"] == 500
    files = {f.name: f.read_text() for f in export.export_shop(db, shop_id, tmp_path)}
    assert sale["id"] in files["sales.csv"]


def test_plan_and_subscribe_commands(app, db, coop):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["plan", "add", "--code", "stall", "--name", "Small stall",
                                "--price", "3000"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(args=["plan", "add", "--code", "stall", "--name", "X",
                               "--price", "3000"]).exit_code != 0
    assert "stall" in runner.invoke(args=["plan", "list"]).output
    done = runner.invoke(args=["subscribe", "--shop", coop["awa"]["phone"], "--plan", "stall",
                               "--start", NOV])
    assert done.exit_code == 0, done.output
    assert plans.subscription(db, coop["awa"]["shop_id"])["plan"]["code"] == "stall"
    assert runner.invoke(args=["plan", "deactivate", "stall"]).exit_code == 0
    assert plans.get_plan(db, "stall")["active"] == 0
