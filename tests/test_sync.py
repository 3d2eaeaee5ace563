"""Sync between real nodes: a hub served by waitress on loopback, edges with their own files."""
from __future__ import annotations

import http.client
import json

import pytest

from kissi.store import changes
from kissi.sync import client, hub, protocol
from tests.faultproxy import FaultProxy
from tests.sync_helpers import Node, hub_with_shop, product, restock, sell, shop, state_of


@pytest.fixture
def net(tmp_path):
    """A hub with a cooperative, a shop and a product; an edge enrolled for the shop."""
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    nodes = [h, edge]
    yield {"hub": h, "edge": edge, "coop": c, "shop": s, "product": p, "nodes": nodes, "tmp": tmp_path}
    for n in nodes:
        n.close()


def _edge(net, name, kind="shop", scope=None):
    node = Node(net["tmp"] / name)
    node.enroll(net["hub"], kind, scope or net["shop"]["id"])
    node.sync()
    net["nodes"].append(node)
    return node


def _raw_push(url, token, body):
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port))
    conn.request("POST", "/api/v1/sync/push", body,
                 {"Authorization": f"Bearer {token}", "Content-Type": protocol.MEDIA_TYPE})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def test_offline_sale_reaches_the_hub_and_position_advances(net):
    edge, h = net["edge"], net["hub"]
    assert edge.count("products") == 1  # the catalog came down at enrollment's first sync
    sale = sell(edge.db, net["shop"]["id"], net["product"], 2000)
    assert client.pending_count(edge.db) == 2
    result = edge.sync()
    assert result["pushed"] == 2 and result["requests"] == 2
    assert h.count("sales", id=sale["id"]) == 1 and h.count("sale_lines", sale_id=sale["id"]) == 1
    assert client.pending_count(edge.db) == 0
    device = hub.list_devices(h.db)[0]
    assert device["push_acked"] == client.state(edge.db)["push_acked"] > 0
    assert device["last_contact_at"]


def test_enrollment_code_works_once(net):
    code = hub.create_enrollment(net["hub"].db, "shop", net["shop"]["id"])["code"]
    first = Node(net["tmp"] / "first")
    second = Node(net["tmp"] / "second")
    net["nodes"] += [first, second]
    assert client.enroll(first.db, net["hub"].url, code.lower().replace("-", " "), None,
                         net["hub"].fingerprint)["scope_kind"] == "shop"
    with pytest.raises(client.SyncError) as err:
        client.enroll(second.db, net["hub"].url, code, None, net["hub"].fingerprint)
    assert err.value.code == "enrollment_invalid" and err.value.status == 422


def test_catalog_change_at_the_hub_flows_down(net):
    h, edge = net["hub"], net["edge"]
    changes.update_record(h.db, "products", net["product"]["id"], {"price": 650, "name": "Savon Or"})
    new = product(h.db, net["shop"]["id"], "Riz", 25000)
    edge.sync()
    assert edge.db.execute("select name, price from products where id = ?",
                           [net["product"]["id"]]).fetchone() == ("Savon Or", 650)
    assert edge.count("products", id=new["id"]) == 1


def test_fields_merge_per_field_and_tombstones_win_by_version(net):
    h, edge = net["hub"], net["edge"]
    pid = net["product"]["id"]
    changes.update_record(edge.db, "products", pid, {"name": "Savon edge"})
    changes.update_record(h.db, "products", pid, {"price": 700})
    edge.sync()
    for node in (h, edge):
        assert node.db.execute("select name, price from products where id = ?", [pid]).fetchone() == ("Savon edge", 700)
    changes.delete_record(h.db, "products", pid)
    edge.sync()
    assert edge.db.execute("select deleted from products where id = ?", [pid]).fetchone()[0] == 1


def test_cooperative_device_gets_the_other_shops_and_a_shop_device_does_not(net):
    h = net["hub"]
    other = shop(h.db, net["coop"]["id"], "Fatou")
    other_product = product(h.db, other["id"], "Huile", 1200)
    coop_edge = _edge(net, "coop", "cooperative", net["coop"]["id"])
    sale = sell(coop_edge.db, other["id"], other_product)
    coop_edge.sync()
    net["edge"].sync()
    assert coop_edge.count("shops") == 2 and coop_edge.count("products") == 2
    assert net["edge"].count("shops") == 1 and net["edge"].count("sales", id=sale["id"]) == 0
    assert h.count("sales", id=sale["id"]) == 1


def test_two_edges_of_one_shop_see_each_others_sales(net):
    second = _edge(net, "second")
    a = sell(net["edge"].db, net["shop"]["id"], net["product"])
    b = sell(second.db, net["shop"]["id"], net["product"])
    for node in (net["edge"], second, net["edge"]):
        node.sync()
    assert state_of(net["edge"].db) == state_of(second.db) == state_of(net["hub"].db)
    assert net["hub"].count("sales") == 2 and {a["id"], b["id"]} <= {
        r[0] for r in second.db.execute("select id from sales")}


def test_revoked_device_is_refused_and_keeps_its_data(net):
    edge, h = net["edge"], net["hub"]
    sale = sell(edge.db, net["shop"]["id"], net["product"])
    hub.revoke(h.db, hub.list_devices(h.db)[0]["id"])
    with pytest.raises(client.SyncError) as err:
        edge.sync()
    assert err.value.code == "device_revoked" and err.value.status == 403 and not err.value.retry
    assert "revoked" in client.state(edge.db)["last_error"]
    assert edge.count("sales", id=sale["id"]) == 1 and client.pending_count(edge.db) == 2
    assert h.count("sales", id=sale["id"]) == 0


def test_forged_change_for_another_shop_refuses_the_whole_batch(net):
    h, edge = net["hub"], net["edge"]
    other = shop(h.db, net["coop"]["id"], "Fatou")
    other_product = product(h.db, other["id"], "Huile", 1200)
    good = sell(edge.db, net["shop"]["id"], net["product"])
    rows = [dict(r) for r in edge.db.query("select * from change_log where node_id = ? order by seq",
                                           [edge.node_id])][-2:]
    forged = changes.change_id(edge.node_id, "00000190000000ff.0000")
    sale_id = "01900000-0000-7000-8000-000000000001"
    rows.append({"id": forged, "node_id": edge.node_id, "hlc": "00000190000000ff.0000", "tbl": "sales",
                 "row_id": sale_id, "op": "insert", "data": json.dumps({
                     "id": sale_id, "shop_id": other["id"], "subtotal": 1200, "total": 1200, "cash": 1200,
                     "at": changes.utc_now(), "day": "2026-01-01"})})
    token = client.state(edge.db)["token"]
    status, body = _raw_push(h.url, token, protocol.encode(rows, to=99, t=0))
    error = json.loads(body)["error"]
    assert status == 422 and error["code"] == "bad_entry"
    assert "entry 2" in error["message"] and forged in error["message"] and "scope" in error["message"]
    assert h.count("sales", id=good["id"]) == 0 and h.count("sales", shop_id=other["id"]) == 0
    # a line of her own shop pointing at another shop's product is refused too
    bad_line = {**rows[1], "data": {**json.loads(rows[1]["data"]), "product_id": other_product["id"]}}
    status, body = _raw_push(h.url, token, protocol.encode(rows[:1] + [bad_line], to=99))
    assert status == 422 and "another shop" in json.loads(body)["error"]["message"]
    assert h.count("sales", id=good["id"]) == 0


@pytest.mark.parametrize("change, reason", [
    ({"tbl": "secrets"}, "unknown table"),
    ({"data": {"colour": "red"}}, "unknown field"),
    ({"op": "update"}, "not allowed"),
    ({"data": {"total": "1200"}}, "wrong type"),
])
def test_malformed_entries_are_refused_by_name(net, change, reason):
    edge = net["edge"]
    sell(edge.db, net["shop"]["id"], net["product"])
    row = dict(next(edge.db.query("select * from change_log where tbl = 'sales'")))
    row["data"] = json.loads(row["data"])
    if "data" in change:
        row["data"] = {**row["data"], **change.pop("data")}
    row.update(change)
    status, body = _raw_push(net["hub"].url, client.state(edge.db)["token"], protocol.encode([row], to=1))
    assert status == 422 and reason in json.loads(body)["error"]["message"]


def test_replayed_batch_is_a_no_op(net):
    edge, h = net["edge"], net["hub"]
    for _ in range(3):
        sell(edge.db, net["shop"]["id"], net["product"])
    rows = [dict(r) for r in edge.db.query("select * from change_log where node_id = ? and seq > ?",
                                           [edge.node_id, client.state(edge.db)["push_acked"]])]
    body = protocol.encode(rows, to=rows[-1]["seq"])
    token = client.state(edge.db)["token"]
    first = _raw_push(h.url, token, body)
    before = state_of(h.db), h.count("change_log")
    second = _raw_push(h.url, token, body)
    assert first[0] == second[0] == 200
    assert protocol.decode(first[1])[0]["n"] == 6 and protocol.decode(second[1])[0]["n"] == 0
    assert (state_of(h.db), h.count("change_log")) == before and h.count("sales") == 3


def test_batch_cut_after_the_hub_committed_is_sent_again_without_doubling(net):
    edge, h = net["edge"], net["hub"]
    proxy = FaultProxy(h.server.effective_port, cut_response=1.0)
    sales = [sell(edge.db, net["shop"]["id"], net["product"]) for _ in range(5)]
    acked = client.state(edge.db)["push_acked"]
    with pytest.raises(client.SyncError):
        edge.sync(proxy.url)
    assert proxy.faults["cut_response"] == 1
    assert h.count("sales") == 5  # the hub committed ...
    assert client.state(edge.db)["push_acked"] == acked  # ... but the edge never heard it
    proxy.set(cut_response=0.0)
    edge.sync(proxy.url)
    assert h.count("sales") == 5 and h.count("sale_lines") == 5
    assert h.db.execute("select count(*) from change_log where tbl = 'sales'").fetchone()[0] == 5
    assert client.pending_count(edge.db) == 0 and {s["id"] for s in sales} == {
        r[0] for r in h.db.execute("select id from sales")}
    proxy.close()


def test_negative_stock_after_merge_becomes_an_alert(net):
    from kissi.sync.alerts import negative_stock_alerts

    h, edge = net["hub"], net["edge"]
    second = _edge(net, "second")
    restock(h.db, net["shop"]["id"], net["product"]["id"], 1000)
    edge.sync()
    second.sync()
    sell(edge.db, net["shop"]["id"], net["product"], 1000)
    sell(second.db, net["shop"]["id"], net["product"], 1000)
    assert negative_stock_alerts(edge.db, net["shop"]["id"]) == []  # alone, each was right
    edge.sync()
    second.sync()
    edge.sync()
    for node in (h, edge, second):
        alerts = negative_stock_alerts(node.db, net["shop"]["id"])
        assert [(a["product_id"], a["level"]) for a in alerts] == [(net["product"]["id"], -1000)]
    restock(edge.db, net["shop"]["id"], net["product"]["id"], 5000)
    assert negative_stock_alerts(edge.db, net["shop"]["id"]) == []


def test_compaction_drops_only_what_the_hub_holds(net):
    edge = net["edge"]
    sell(edge.db, net["shop"]["id"], net["product"])
    edge.sync()
    sell(edge.db, net["shop"]["id"], net["product"])
    before = edge.count("change_log")
    dropped = client.compact(edge.db, keep_days=-1)
    assert dropped == before - 2 and client.pending_count(edge.db) == 2
    assert edge.count("sales") == 2  # her history stays
    edge.sync()
    assert net["hub"].count("sales") == 2


def test_concurrent_edges_through_a_reordering_proxy_converge(net):
    import threading

    edges = [net["edge"], _edge(net, "second"), _edge(net, "third", "cooperative", net["coop"]["id"])]
    proxy = FaultProxy(net["hub"].server.effective_port, seed=3, delay=(0.0, 0.15), duplicate=0.3,
                       stale_replay=0.3)
    sold = set()

    def work(edge):
        for _ in range(3):
            sold.update(sell(edge.db, net["shop"]["id"], net["product"])["id"] for _ in range(4))
            edge.sync(proxy.url)

    threads = [threading.Thread(target=work, args=(e,)) for e in edges]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for edge in edges:
        edge.sync(proxy.url)
    assert proxy.faults["stale_replay"] and proxy.faults["duplicate"]
    assert {r[0] for r in net["hub"].db.execute("select id from sales")} == sold and len(sold) == 36
    assert all(state_of(e.db) == state_of(net["hub"].db) for e in edges)
    proxy.close()


def test_a_sale_voided_on_two_devices_offline_converges_on_the_first_void(net):
    second, third = _edge(net, "second"), _edge(net, "third")
    sale = sell(net["edge"].db, net["shop"]["id"], net["product"])
    for node in (net["edge"], second, third):
        node.sync()
    for node, reason in ((net["edge"], "first"), (second, "second")):
        changes.insert_fact(node.db, "sale_voids", {"id": sale["id"], "shop_id": net["shop"]["id"],
                                                    "reason": reason, "at": changes.utc_now(), "day": "2026-11-26"})
    second.sync()
    net["edge"].sync()  # the hub now holds both copies; the first one wins
    for node in (third, second, net["edge"]):  # the third gets both in one batch
        node.sync()
    for node in (net["hub"], net["edge"], second, third):
        assert node.db.execute("select reason from sale_voids where id = ?", [sale["id"]]).fetchone() == ("first",)
