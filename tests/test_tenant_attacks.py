"""What the tenant matrix cannot see, tried as an attacker would: extra fields in bodies (mass
assignment), another shop's ids nested inside an own request, an Idempotency-Key reused by
another member, and a recording whose key names another shop's product.

Same world as the matrix (``tenant_helpers``): trader C attacks shop A from cooperative 2.
"""
from __future__ import annotations

import io

import pytest

from kissi.shop import products
from kissi.store import changes, hlc
from kissi.store.ids import uuid7
from kissi.sync import protocol
from tenant_helpers import build_world, fill, hub_app, member_client, readable, snapshot, table_counts


@pytest.fixture
def app(tmp_path):
    return hub_app(tmp_path / "instance")


@pytest.fixture
def world(app, db):
    world = build_world(app, db)
    world["clients"] = {role: member_client(app, db, world["people"].get(role))
                        for role in ("trader_a", "trader_c", "trainer_2")}
    world["a"], world["c"] = world["victims"]["A"], world["victims"]["C"]
    return world


def _untouched(db, victim, before):
    assert snapshot(db, victim, "shop") == before


def test_extra_fields_in_api_bodies_are_ignored(db, world):
    """``shop_id``, ``user_id``, ``id``, another shop's photo or voice label: an API body
    writes only the fields each call documents, in the caller's own shop, as herself."""
    c, a = world["clients"]["trader_c"], world["a"].ids
    own = world["c"].ids
    before = snapshot(db, world["a"], "shop")
    extra = {"shop_id": a["shop"], "user_id": a["trader_id"], "id": uuid7(), "photo": a["photo"],
             "voice_label": a["label_sha"], "deleted": 1, "archived": 1, "created_at": "2020-01-01T00:00:00Z"}
    made = c.post("/api/v1/products", json={"name": "Riz", "price": 500, **extra})
    assert made.status_code == 201
    row = db.execute("select shop_id, photo, voice_label, deleted, archived, id from products where id = ?",
                     [made.get_json()["id"]]).fetchone()
    assert row[:5] == (own["shop"], None, None, 0, 0) and row[5] != extra["id"]
    assert c.patch(f"/api/v1/products/{own['product']}", json={"price": 300, **extra}).status_code == 200
    assert c.patch(f"/api/v1/customers/{own['customer']}", json={"name": "Rose", **extra}).status_code == 200
    for table, row_id in (("products", own["product"]), ("customers", own["customer"])):
        assert db.execute(f"select shop_id, photo, voice_label, deleted from {table} where id = ?",
                          [row_id]).fetchone()[:3] != (a["shop"], a["photo"], a["label_sha"])
    assert c.get(f"/shop/photos/{a['photo']}").status_code == 404
    sale = c.post("/api/v1/sales", json={"lines": [{"product_id": own["product"], "qty": 1000}],
                                         "at": "2020-01-01T00:00:00Z", "day": "2020-01-01", **extra})
    assert sale.status_code == 201
    assert db.execute("select shop_id, user_id, day from sales where id = ?", [sale.get_json()["id"]]).fetchone() \
        == (own["shop"], world["people"]["trader_c"]["id"], sale.get_json()["day"])
    assert sale.get_json()["day"] != "2020-01-01"
    _untouched(db, world["a"], before)


def test_extra_fields_in_trainer_forms_stay_in_her_cooperative(db, world):
    """A trainer of cooperative 2 adding a member "as admin, in cooperative 1" adds a trader of
    her own cooperative; a payment "collected by" trainer 1 is collected by her."""
    t2, a, own = world["clients"]["trainer_2"], world["a"].ids, world["c"].ids
    before = snapshot(db, world["a"], "coop"), snapshot(db, world["a"], "shop")
    added = t2.post("/coop/members/new", data={"name": "Nafi", "phone": "0788888888", "pin": "8642",
                                               "role": "admin", "cooperative": a["coop"], "cooperative_id": a["coop"],
                                               "shop_id": a["shop"]})
    assert added.status_code in (302, 303)  # post/redirect/get
    assert db.execute("select role, cooperative_id, shop_id != ? from users where phone = '+2250788888888'",
                      [a["shop"]]).fetchone() == ("trader", own["coop"], 1)
    paid = t2.post(f"/api/v1/subscriptions/{own['shop']}/payments",
                   json={"month": "2026-03", "amount": 500, "collected_by": a["trainer_id"], "shop_id": a["shop"]})
    assert paid.status_code == 201
    assert db.execute("select shop_id, collected_by from subscription_payments where id = ?",
                      [paid.get_json()["id"]]).fetchone() == (own["shop"], world["people"]["trainer_2"]["id"])
    assert (snapshot(db, world["a"], "coop"), snapshot(db, world["a"], "shop")) == before


NESTED = [  # own row in the path, another shop's row inside the body
    ("post", "/api/v1/sales", {"json": {"lines": [{"product_id": "{own_product}", "qty": 1000},
                                                  {"product_id": "{product}", "qty": 1000}]}}, 404),
    ("post", "/api/v1/sales", {"json": {"lines": [{"product_id": "{own_product}", "qty": 1000}],
                                        "credit": 250, "customer_id": "{customer}"}}, 404),
    ("post", "/sell/{own_product}", {"data": {"pay": "credit", "customer_id": "{customer}"}}, 404),
    ("post", "/sell/{own_product}", {"data": {"pay": "mixed", "now": "100", "confirm": "1",
                                              "customer_id": "{customer}"}}, 404),
    ("post", "/listen/confirm", {"data": {"action": "sell", "product_id": "{own_product}", "qty": "1000",
                                          "customer_id": "{customer}"}}, 404),
    ("post", "/listen/confirm", {"data": {"action": "repay", "customer_id": "{customer}", "amount": "100"}}, 404),
    ("post", "/voice/record", {"data": {"key": "customer:{customer}", "lang": "fr"}, "upload": True}, 404),
    ("get", "/voice/say/fr?s=label:customer:{customer}&s=label:product:{product}", {}, 204),
    ("get", "/listen/heard?action=sell&product_id={own_product}&customer_id={customer}&qty=1000", {}, 200),
]


@pytest.mark.parametrize("method, url, body, status", NESTED, ids=[f"{m} {u.split('?')[0]}" for m, u, _, _ in NESTED])
def test_another_shops_id_nested_in_an_own_request_is_refused(db, world, method, url, body, status):
    ids = {**world["a"].ids, "own_product": world["c"].ids["product"]}
    kwargs = {k: fill(b, ids) for k, b in body.items() if k != "upload"}
    if body.get("upload"):
        kwargs["data"]["audio"] = (io.BytesIO(b"not audio"), "a.webm")
        kwargs["content_type"] = "multipart/form-data"
    before = table_counts(db), snapshot(db, world["a"], "shop")
    answer = getattr(world["clients"]["trader_c"], method)(url.format(**ids), **kwargs)
    assert answer.status_code == status
    assert "QxA" not in readable(answer)  # nothing of shop A: names, phones
    assert (table_counts(db), snapshot(db, world["a"], "shop")) == before


def test_another_members_idempotency_key_replays_nothing_of_hers(db, world):
    """Trader C sends trader A's exact request with A's key: no replay of A's answer (her
    sale id), the request is judged as C's own (A's product: not found), nothing written."""
    a_client, c_client, a = world["clients"]["trader_a"], world["clients"]["trader_c"], world["a"].ids
    body = {"lines": [{"product_id": a["product"], "qty": 1000}]}
    first = a_client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "tap-42"})
    assert first.status_code == 201
    before = table_counts(db), snapshot(db, world["a"], "shop")
    stolen = c_client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "tap-42"})
    assert stolen.status_code == 404 and "Idempotent-Replayed" not in stolen.headers
    assert first.get_json()["id"] not in stolen.text
    page = c_client.post(f"/sell/{a['product']}", data={"pay": "cash"}, headers={"Idempotency-Key": "tap-42"})
    assert page.status_code == 404 and "Idempotent-Replayed" not in page.headers
    assert (table_counts(db), snapshot(db, world["a"], "shop")) == before
    own = c_client.post("/api/v1/sales", json={"lines": [{"product_id": world["c"].ids["product"], "qty": 1000}]},
                        headers={"Idempotency-Key": "tap-42"})
    assert own.status_code == 201 and own.get_json()["id"] != first.get_json()["id"]


@pytest.mark.parametrize("device, member, shop_level", [("dev_shop_c", "trader_c", True),
                                                        ("dev_coop_2", "trainer_2", False)])
def test_a_pushed_recording_naming_another_shops_product_cannot_relabel_it(app, db, world, device, member,
                                                                          shop_level):
    """A device may push a voice recording of its own scope whose key names another shop's
    product (the key is text, not a reference the hub can check). Accepting it, as her
    shop's trader or as the cooperative's trainer, must not touch that product."""
    device, a, own = world["devices"][device], world["a"].ids, world["c"].ids
    rec_id = uuid7()
    entry = {"id": uuid7(), "node_id": device["node_id"], "hlc": hlc.HLC(hlc.now_ms(), 0).encode(),
             "tbl": "voice_recordings", "row_id": rec_id, "op": "insert", "data": {
                 "id": rec_id, "cooperative_id": own["coop"], "shop_id": own["shop"] if shop_level else None,
                 "lang": "fr", "key": f"product:{a['product']}", "sha": own["label_sha"], "bytes": 100, "ms": 600,
                 "user_id": own["trader_id"], "accepted": 0, "created_at": changes.utc_now()}}
    pushed = app.test_client().post("/api/v1/sync/push", data=protocol.encode([entry], to=1, t=hlc.now_ms()),
                                    headers={"Authorization": f"Bearer {device['token']}",
                                             "Content-Type": protocol.MEDIA_TYPE})
    before = table_counts(db), snapshot(db, world["a"], "shop")
    answer = world["clients"][member].post(f"/voice/recording/{rec_id}/accept")
    assert pushed.status_code != 200 or answer.status_code == 404
    assert products.get_product(db, a["shop"], a["product"])["voice_label"] == a["label_sha"]
    assert (table_counts(db), snapshot(db, world["a"], "shop")) == before


def test_a_trainer_cannot_enroll_a_device_for_another_cooperative_or_its_shops(db, world):
    """The enrollment form names its scope in the body: another cooperative, or any shop of it
    (not only the matrix's shop A), is not found and no code is made."""
    trainer_2, a = world["clients"]["trainer_2"], world["a"].ids
    shop_b = world["people"]["trader_b"]["shop_id"]
    before = table_counts(db), snapshot(db, world["a"], "coop")
    for scope in (f"cooperative:{a['coop']}", f"shop:{shop_b}", f"shop:{a['shop']}"):
        answer = trainer_2.post("/sync/enrollments", data={"scope": scope})
        assert answer.status_code == 404 and "QxA" not in readable(answer), scope
    assert (table_counts(db), snapshot(db, world["a"], "coop")) == before
