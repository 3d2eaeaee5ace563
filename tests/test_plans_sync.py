"""Plans flow from the hub to every device; subscriptions and payments to their shop's."""
from __future__ import annotations

import pytest

from kissi.coop import plans
from kissi.errors import Forbidden
from kissi.store import changes
from kissi.sync.client import SyncError
from tests.sync_helpers import Node, hub_with_shop, shop


@pytest.fixture
def net(tmp_path):
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    other = shop(h.db, c["id"], "Fanta")
    edge, other_edge = Node(tmp_path / "edge"), Node(tmp_path / "other")
    edge.enroll(h, "shop", s["id"])
    other_edge.enroll(h, "shop", other["id"])
    coop_edge = Node(tmp_path / "coop")
    coop_edge.enroll(h, "cooperative", c["id"])
    nodes = [h, edge, other_edge, coop_edge]
    yield {"hub": h, "edge": edge, "other_edge": other_edge, "coop_edge": coop_edge,
           "shop": s, "other": other, "coop": c}
    for n in nodes:
        n.close()


def test_a_plan_made_at_the_hub_reaches_every_edge(net):
    h = net["hub"]
    made = plans.add_plan(h.db, None, code="stall", name="Small stall", price=3000)
    for name in ("edge", "other_edge", "coop_edge"):
        net[name].sync()
        assert plans.get_plan(net[name].db, "stall")["id"] == made["id"], name
    plans.set_plan_active(h.db, None, "stall", False)
    net["edge"].sync()
    assert plans.get_plan(net["edge"].db, "stall")["active"] == 0
    with pytest.raises(Forbidden):  # an enrolled edge does not make plans
        plans.add_plan(net["edge"].db, None, code="mine", name="Mine", price=1000)


def test_subscription_state_flows_down_to_her_shop_only(net):
    h, edge = net["hub"], net["edge"]
    plans.ensure_default_plans(h.db)
    plans.subscribe(h.db, None, net["shop"]["id"], "stall", start_month="2026-11")
    pay = plans.record_payment(h.db, None, net["shop"]["id"], "2026-11")
    for name in ("edge", "other_edge"):
        net[name].sync()
    got = plans.month_state(edge.db, None, net["shop"]["id"], "2026-11", today="2026-11-20")
    assert (got["state"], got["paid"]) == ("paid", 3000)
    assert net["other_edge"].count("subscription_payments") == 0
    assert net["other_edge"].count("plans") == 3
    plans.reverse_payment(h.db, None, pay["id"], "wrong shop")
    edge.sync()
    assert plans.month_state(edge.db, None, net["shop"]["id"], "2026-11",
                             today="2026-11-20")["state"] == "late"


def test_a_cooperative_device_records_a_payment_that_reaches_the_hub_and_her_shop(net):
    h, coop_edge = net["hub"], net["coop_edge"]
    plans.ensure_default_plans(h.db)
    plans.subscribe(h.db, None, net["other"]["id"], "shop", start_month="2026-11")
    coop_edge.sync()
    pay = plans.record_payment(coop_edge.db, None, net["other"]["id"], "2026-11", amount=4000)
    coop_edge.sync()
    net["other_edge"].sync()
    assert h.count("subscription_payments", id=pay["id"]) == 1
    assert plans.paid_for(net["other_edge"].db, net["other"]["id"], "2026-11") == 4000


def test_a_shop_device_cannot_push_a_payment(net):
    h, edge = net["hub"], net["edge"]
    plans.ensure_default_plans(h.db)
    plans.subscribe(h.db, None, net["shop"]["id"], "stall", start_month="2026-11")
    edge.sync()
    with pytest.raises(Forbidden):
        plans.record_payment(edge.db, None, net["shop"]["id"], "2026-11")
    forged = changes.insert_fact(edge.db, "subscription_payments", {  # behind the domain's back
        "shop_id": net["shop"]["id"], "plan_id": plans.get_plan(edge.db, "stall")["id"],
        "month": "2026-11", "amount": 3000, "method": "cash", "at": changes.utc_now(),
        "day": "2026-11-20"})
    with pytest.raises(SyncError, match="a shop device cannot record subscriptions"):
        edge.sync()
    assert h.count("subscription_payments", id=forged["id"]) == 0
