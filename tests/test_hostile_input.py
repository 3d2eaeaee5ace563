"""Hostile input answers a 4xx in the documented shape, never a 500, and changes nothing
(issue 10, findings 4, 6 and 9; the look-alike phone pushed by a device, finding 3)."""
from __future__ import annotations

import json

import pytest

from api_helpers import api, soap  # noqa: F401 (fixtures)
from factories import PIN, STAFF_PIN, login, make_cooperative, make_customer, make_shop, make_user
from kissi.coop import logins, members, plans
from kissi.errors import Invalid, TooMany
from kissi.shop import credit, products
from kissi.store import changes
from kissi.sync import client as sync_client, hub
from tests.sync_helpers import Node, hub_with_shop
from tests.test_sync import _raw_push

# -- redirects (finding 4) -----------------------------------------------------------------

HOSTILE_NEXT = [
    "//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
    "/\\evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "http:/evil.example", "///evil.example", " //evil.example", "/\x00/evil.example",
    "/\r\nSet-Cookie: sid=planted", "/\u2028/evil.example", "evil.example", "/%09/ok\x7f",
]


def _location(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_next_never_leaves_the_site(client, trader, target):
    response = client.post("/login", data={"phone": trader["phone"], "pin": PIN, "next": target})
    assert _location(response) == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_and_text_size_next_never_leave_the_site(client, target):
    assert _location(client.post("/language", data={"language": "fr", "next": target})) == "/"
    assert _location(client.post("/textsize", data={"next": target})) == "/"


def test_same_site_next_is_still_followed(client, trader):
    response = client.post("/login", data={"phone": trader["phone"], "pin": PIN, "next": "/day/?d=1"})
    assert _location(response) == "/day/?d=1"
    assert _location(client.post("/language", data={"language": "fr", "next": "/sell/"})) == "/sell/"


# -- Retry-After (finding 3) -----------------------------------------------------------------

def test_throttled_login_page_says_when_to_come_back(client, trader):
    for _ in range(logins.FREE_TRIES):
        client.post("/login", data={"phone": trader["phone"], "pin": "1111"})
    refused = client.post("/login", data={"phone": trader["phone"], "pin": PIN})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= logins.MAX_DELAY


def test_every_api_429_carries_retry_after(app):
    def busy():
        raise TooMany("busy", "Try again in %(seconds)s seconds", seconds=17)

    def busy_without_seconds():
        raise TooMany("busy", "Try again later")

    app.add_url_rule("/api/v1/_busy", view_func=busy)
    app.add_url_rule("/api/v1/_busy2", view_func=busy_without_seconds)
    client = app.test_client()
    answer = client.get("/api/v1/_busy")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "17")
    assert answer.get_json()["error"]["code"] == "busy"
    assert client.get("/api/v1/_busy2").headers["Retry-After"] == "1"


# -- names (finding 9) -------------------------------------------------------------------------

BAD_NAMES = [
    ("Awa\x00", "bad_characters"), ("Awa\x1b[31mKoné", "bad_characters"), ("\u202eénoK awA", "bad_characters"),
    ("Awa\u2066x\u2069", "bad_characters"), ("Awa\x7f", "bad_characters"), ("Awa\u0085", "bad_characters"),
    ("\u200b\u200c\u200d", "name_required"), ("\u3164", "name_required"), ("\u2800\u2800", "name_required"),
    ("\u00a0\u2003\u3000", "name_required"), ("\u034f", "name_required"), ("\u2060\ufeff", "name_required"),
]
GOOD_NAMES = ["Awa Koné", "N'Diaye", "Aïcha Traoré", "عائشة", "ߊߥߊ ߞߐߣߋ", "کیوان\u200cفر", "क्\u200dष", "Ndèye Fatou"]


@pytest.mark.parametrize("name, code", BAD_NAMES)
def test_hidden_or_invisible_names_are_refused_everywhere(db, name, code):
    coop = make_cooperative(db)
    shop = make_shop(db, coop)
    attempts = [
        lambda: products.create_product(db, shop["id"], name=name, price=100),
        lambda: credit.create_customer(db, shop["id"], name=name),
        lambda: members.add_user(db, role="trader", phone="0701020399", pin=PIN, name=name),
        lambda: members.create_cooperative(db, name),
        lambda: plans.add_plan(db, None, code="stall", name=name, price=3000),
    ]
    before = db.execute("select count(*) from change_log").fetchone()[0]
    for attempt in attempts:
        with pytest.raises(Invalid) as err:
            attempt()
        assert err.value.code == code
    assert db.execute("select count(*) from change_log").fetchone()[0] == before


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_real_names_are_kept_as_typed(db, name):
    shop = make_shop(db)
    assert products.create_product(db, shop["id"], name=name, price=100)["name"] == name
    assert make_customer(db, shop, name=name)["name"] == name


def test_notes_keep_line_breaks_but_not_escapes(db, trader, soap):  # noqa: F811 (fixture)
    from kissi.shop import stock

    shop_id = trader["shop_id"]
    assert stock.restock(db, shop_id, soap["id"], 1000, note="line 1\nline 2")["note"] == "line 1\nline 2"
    with pytest.raises(Invalid):
        stock.restock(db, shop_id, soap["id"], 1000, note="\x1b]8;;http://evil.example\x1b\\x")


# -- hostile bodies and arguments (finding 6) ------------------------------------------------

def _assert_error(response, status: int | tuple, field: str | None = "any"):
    assert response.status_code in ((status,) if isinstance(status, int) else status), response.status_code
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "field"} and error["message"]
    if field != "any":
        assert error["field"] == field


def test_deeply_nested_json_is_a_400(api, db):  # noqa: F811 (fixture)
    deep = b"[" * 5000 + b"]" * 5000
    _assert_error(api.post("/products", data=deep, content_type="application/json"), 400)
    nested = b'{"name": "Savon", "price": 100, "x": ' + b"[" * 100 + b"]" * 100 + b"}"
    _assert_error(api.post("/products", data=nested, content_type="application/json"), 400)
    assert db.execute("select count(*) from products").fetchone()[0] == 0


def test_lone_surrogate_in_a_name_is_a_4xx(api, db):  # noqa: F811 (fixture)
    for name in ('"Sav\\ud800on"', '"\\udfff"', '"ok\\ud83d"'):
        body = b'{"name": ' + name.encode() + b', "price": 100}'
        _assert_error(api.post("/products", data=body, content_type="application/json"), (400, 422))
    body = b'{"name": "Awa", "phone": "07\\udc0007070707"}'
    _assert_error(api.post("/customers", data=body, content_type="application/json"), (400, 422))
    assert db.execute("select count(*) from products").fetchone()[0] == 0


# whole thousands (whole pieces), so that only the size can refuse them
@pytest.mark.parametrize("value", [(2**63 // 1000 + 1) * 1000, 2**64 * 1000, -(2**63) - 1000, 10**15, 10**30])
def test_integers_past_what_sqlite_holds_are_a_422(api, soap, value):  # noqa: F811 (fixture)
    _assert_error(api.post("/products", json={"name": "Huile", "price": 100, "low_stock": value}), 422, "low_stock")
    _assert_error(api.patch(f"/products/{soap['id']}", json={"low_stock": value}), 422, "low_stock")
    _assert_error(api.post(f"/products/{soap['id']}/restock", json={"qty": value}), 422, "qty")
    _assert_error(api.post("/products", json={"name": "Huile", "price": value}), 422, "price")


@pytest.mark.parametrize("limit", ["³", "٣", "²⁵", "1e3", "-1", "99999999999999999999", "0x10", " 5"])
def test_limit_in_unicode_digits_or_out_of_range_is_a_422(api, limit):  # noqa: F811 (fixture)
    _assert_error(api.get("/sales", query_string={"limit": limit}), 422, "limit")


def test_plain_limit_still_works(api):  # noqa: F811 (fixture)
    assert api.get("/sales?limit=5").status_code == 200


@pytest.fixture
def device(tmp_path):
    """A served hub and the token of a shop device enrolled with it."""
    h, coop, shop, _ = hub_with_shop(tmp_path / "hub")
    code = hub.create_enrollment(h.db, "shop", shop["id"])["code"]
    token = hub.redeem(h.db, code, None, "test")["token"]
    yield {"hub": h, "coop": coop, "shop": shop, "token": token}
    h.close()


@pytest.mark.parametrize("query", ["c=18446744073709551616", "c=-1", "c=³", "n=99999999999999999999999",
                                   "t=18446744073709551616", "c=1e9", "n=٣"])
def test_sync_pull_with_an_out_of_range_cursor_is_a_422(device, query):
    client = device["hub"].app.test_client()
    answer = client.get(f"/api/v1/sync/pull?{query}", headers={"Authorization": f"Bearer {device['token']}"})
    _assert_error(answer, 422)


@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"code": ' * 3000 + b"1" + b"}" * 3000,
                                  b'{"code": "\\ud800"}', b'{"code": "ABCDE-FGHJK", "name": {"a": 1}}'])
def test_hub_enroll_refuses_hostile_bodies_without_login(device, body):
    client = device["hub"].app.test_client()
    answer = client.post("/api/v1/sync/enroll", data=body, content_type="application/json",
                         headers={"Authorization": "Bearer x"})
    _assert_error(answer, (400, 422))


# -- a look-alike of a staff number pushed by a device (finding 3) ----------------------------

@pytest.mark.parametrize("spelling", ["0703030303", "+225 07 03 03 03 03", "002250703030303", "+2250703030303",
                                      "+2210703030303", "+225070303030"])
def test_pushed_look_alike_of_a_trainers_number_is_refused_at_the_hub(tmp_path, spelling):
    h, coop, shop, _ = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    try:
        fatou = members.add_user(h.db, role="trainer", phone="07 03 03 03 03", pin=STAFF_PIN, name="Fatou",
                                 cooperative_id=coop["id"])
        edge.enroll(h, "cooperative", coop["id"])  # a market box: the device that may add traders
        edge.sync()
        node = edge.node_id
        stamp = "0000019000000000.0000"
        row_id = "01900000-0000-7000-8000-0000000000aa"
        entry = {"id": changes.change_id(node, stamp), "node_id": node, "hlc": stamp, "tbl": "users",
                 "row_id": row_id, "op": "insert", "data": {
                     "id": row_id, "role": "trader", "phone": spelling, "name": "Fatou", "pin_hash": "x",
                     "language": "fr", "cooperative_id": coop["id"], "shop_id": shop["id"],
                     "created_at": changes.utc_now()}}
        from kissi.sync import protocol

        status, body = _raw_push(h.url, sync_client.state(edge.db)["token"], protocol.encode([entry], to=1))
        assert status == 422 and "phone" in json.loads(body)["error"]["message"]
        assert h.count("users", id=row_id) == 0
        assert members.find_by_phone(h.db, "0703030303")["id"] == fatou["id"]
        assert logins.verify_login(h.db, "07 03 03 03 03", STAFF_PIN, "c1")["id"] == fatou["id"]
    finally:
        edge.close()
        h.close()


def test_a_trader_added_on_a_device_still_reaches_the_hub(tmp_path):
    h, coop, shop, _ = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    try:
        edge.enroll(h, "cooperative", coop["id"])  # a market box adds traders; a shop device cannot
        edge.sync()
        added = members.add_user(edge.db, role="trader", phone="05 05 05 05 05", pin=PIN, name="Awa",
                                 shop_id=shop["id"])
        edge.sync()
        assert h.count("users", id=added["id"]) == 1
        assert members.find_by_phone(h.db, "+225 05 05 05 05 05")["id"] == added["id"]
    finally:
        edge.close()
        h.close()


def test_login_page_still_logs_in_with_a_local_spelling(client, db):
    user = make_user(db)
    assert login(client, {**user, "phone": "+225 " + user["phone"][4:]}).status_code == 302
