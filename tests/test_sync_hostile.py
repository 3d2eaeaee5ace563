"""Trust no peer (DESIGN.md rule 12): a hostile hub and a hostile edge get nothing written.

The hostile hub is :class:`tests.fakehub.FakeHub`, a real HTTP server on loopback that an
edge is enrolled with (its key pinned) and that then sends what an attacker would. The
hostile edge pushes forged batches to a real hub served by waitress.
"""
from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kissi.coop import members
from kissi.store import changes
from kissi.sync import client, hub, protocol
from kissi.sync.scope import NO_PIN
from tests.fakehub import FakeHub
from tests.sync_helpers import Node, cooperative, hub_with_shop, product, shop

STAFF_PIN = "24682468"


def _entries(db, *row_ids) -> list[dict]:
    """The change-log entries a real hub holds for these rows (what a pull would carry)."""
    marks = ",".join("?" * len(row_ids))
    return [{**dict(r), "data": json.loads(r["data"])} for r in db.query(
        f"select id, node_id, hlc, tbl, row_id, op, data from change_log where row_id in ({marks}) order by seq",
        list(row_ids))]


def _forged(source, tbl, row_id, op, data) -> dict:
    """An entry as the hostile hub makes it up, stamped by the source node's clock."""
    node_id, stamp = changes.next_hlc(source.db)
    return {"id": changes.change_id(node_id, stamp), "node_id": node_id, "hlc": stamp, "tbl": tbl,
            "row_id": row_id, "op": op, "data": data}


def _snapshot(db) -> dict:
    return {t: sorted(tuple(r) for r in db.execute(f"select * from {t}"))
            for t in ("users", "shops", "products", "cooperatives", "change_log", "field_versions")}


@pytest.fixture
def world(tmp_path):
    """Rows as a real hub would have them (not served), a fake hub sending the legit ones first,
    and an edge enrolled with the fake hub for Awa's shop, with its own local admin."""
    source = Node(tmp_path / "source", role="hub")
    coop = cooperative(source.db)
    awa_shop, other_shop = shop(source.db, coop["id"], "Awa"), shop(source.db, coop["id"], "Binta")
    soap, oil = product(source.db, awa_shop["id"]), product(source.db, other_shop["id"], "Huile", 1200)
    awa = members.add_user(source.db, role="trader", phone="0701010101", pin="1010", name="Awa",
                           shop_id=awa_shop["id"])
    fatou = members.add_user(source.db, role="trainer", phone="0703030303", pin=STAFF_PIN, name="Fatou",
                             cooperative_id=coop["id"])
    boss = members.add_user(source.db, role="admin", phone="0709090909", pin=STAFF_PIN, name="Admin")
    legit = _entries(source.db, coop["id"], awa_shop["id"], soap["id"], awa["id"])
    fake = FakeHub("shop", awa_shop["id"], [legit])
    edge = Node(tmp_path / "edge")
    local_admin = members.add_user(edge.db, role="admin", phone="0708080808", pin=STAFF_PIN, name="Node admin")
    client.enroll(edge.db, fake.url, "ABCDE-FGHJK", "edge", fake.fingerprint)
    edge.sync()
    yield {"source": source, "fake": fake, "edge": edge, "soap": soap, "oil": oil, "awa": awa, "fatou": fatou,
           "boss": boss, "local_admin": local_admin, "other_shop": other_shop}
    fake.close()
    edge.close()
    source.close()


def test_an_edge_takes_its_scope_from_the_pinned_hub_and_never_pushes_its_local_admin(world):
    edge = world["edge"]
    assert edge.count("products") == 1 and edge.count("users", role="trader") == 1
    assert client.pending_count(edge.db) == 0  # the local admin's row is not waiting either
    assert all(e["tbl"] != "users" for e in world["fake"].pushed)


HOSTILE = {
    "an admin account": lambda w: _entries(w["source"].db, w["boss"]["id"]),
    "a trainer with her secret code": lambda w: _entries(w["source"].db, w["fatou"]["id"]),
    "another shop's rows": lambda w: _entries(w["source"].db, w["other_shop"]["id"], w["oil"]["id"]),
    "a new secret code for the node's own admin": lambda w: [_forged(
        w["source"], "users", w["local_admin"]["id"], "update", {"pin_hash": members.hash_pin("1111")})],
    "her own account made an admin": lambda w: [_forged(
        w["source"], "users", w["awa"]["id"], "update", {"role": "admin"})],
    "a look-alike of the local admin's number": lambda w: [_forged(
        w["source"], "users", w["awa"]["id"], "update", {"phone": "+2250708080808"})],
    "a product moved to another shop": lambda w: [_forged(
        w["source"], "products", w["soap"]["id"], "update", {"shop_id": w["other_shop"]["id"]})],
}


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_a_hub_sending_out_of_scope_entries_gets_nothing_applied(world, attack):
    edge, fake = world["edge"], world["fake"]
    harmless = _forged(world["source"], "products", world["soap"]["id"], "update", {"price": 9999})
    fake.batches.append([harmless, *HOSTILE[attack](world)])
    before, cursor = _snapshot(edge.db), client.state(edge.db)["pull_cursor"]
    with pytest.raises(client.SyncError) as refused:
        edge.sync()
    assert refused.value.code == "hub_refused" and "refused" in str(refused.value)
    assert _snapshot(edge.db) == before and client.state(edge.db)["pull_cursor"] == cursor
    assert client.state(edge.db)["last_error"].startswith("hub_refused")


def test_answers_signed_by_another_key_are_refused(world):
    edge, fake = world["edge"], world["fake"]
    fake.signing_key = Ed25519PrivateKey.generate()
    fake.batches.append([_forged(world["source"], "products", world["soap"]["id"], "update", {"price": 1})])
    before = _snapshot(edge.db)
    with pytest.raises(client.SyncError) as refused:
        edge.sync()
    assert refused.value.code == "hub_unverified" and _snapshot(edge.db) == before


def test_a_recorded_answer_replayed_to_another_request_is_refused(world):
    edge, fake = world["edge"], world["fake"]
    fake.replay = True  # every pull now gets the first pull's answer, signed for that request only
    before = _snapshot(edge.db)
    with pytest.raises(client.SyncError) as refused:
        edge.sync()
    assert refused.value.code == "hub_unverified" and _snapshot(edge.db) == before


def test_an_enrolled_node_refuses_to_enroll_again_without_its_admins_reset(world, tmp_path):
    edge = world["edge"]
    pinned = client.state(edge.db)
    other = FakeHub("shop", world["other_shop"]["id"])
    with pytest.raises(client.SyncError) as refused:
        client.enroll(edge.db, other.url, "ABCDE-FGHJK", None, other.fingerprint)
    assert refused.value.code == "already_enrolled" and other.requests == []
    cli = edge.app.test_cli_runner().invoke(args=["enroll", f"kissi-enroll:XYZ@{other.url}#{other.fingerprint}"])
    assert cli.exit_code != 0 and other.requests == [] and client.state(edge.db) == pinned
    # a hub that disowns the device does not unpin it either: its admin decides
    world["fake"].answer_push = (401, {"error": {"code": "device_unknown", "message": "enroll again"}})
    members.set_pin(edge.db, None, world["awa"]["id"], "4321")  # something to push
    with pytest.raises(client.SyncError):
        edge.sync()
    after = client.state(edge.db)
    assert (after["hub_url"], after["token"], after["hub_key"]) == (pinned["hub_url"], pinned["token"],
                                                                     pinned["hub_key"])
    other.close()


def test_a_reset_never_sends_earlier_changes_to_the_next_hub(world, tmp_path):
    edge = world["edge"]
    members.set_pin(edge.db, None, world["awa"]["id"], "4321")  # made for the first hub, never sent
    assert client.reset(edge.db) == 1
    second = FakeHub("shop", world["awa"]["shop_id"])
    client.enroll(edge.db, second.url, "ABCDE-FGHJK", None, second.fingerprint)
    second.batches.append([])
    edge.sync()
    assert second.pushed == []
    members.set_pin(edge.db, None, world["awa"]["id"], "5678")
    edge.sync()
    assert [e["tbl"] for e in second.pushed] == ["users"]
    second.close()


# -- a hostile edge --------------------------------------------------------------------------------

@pytest.fixture
def real(tmp_path):
    """A real hub served on loopback; a trader's phone enrolled for her shop, a market box for the cooperative."""
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    fatou = members.add_user(h.db, role="trainer", phone="0703030303", pin=STAFF_PIN, name="Fatou",
                             cooperative_id=c["id"])
    other = shop(h.db, c["id"], "Binta")
    phone, box = Node(tmp_path / "phone"), Node(tmp_path / "box")
    phone.enroll(h, "shop", s["id"])
    box.enroll(h, "cooperative", c["id"])
    yield {"hub": h, "coop": c, "shop": s, "fatou": fatou, "other": other, "phone": phone, "box": box}
    for n in (h, phone, box):
        n.close()


def _push(real, device, entries):
    import http.client

    body = protocol.encode(entries, to=len(entries))
    conn = http.client.HTTPConnection("127.0.0.1", real["hub"].server.effective_port)
    conn.request("POST", "/api/v1/sync/push", body, {
        "Authorization": f"Bearer {client.state(real[device].db)['token']}", "Content-Type": protocol.MEDIA_TYPE})
    answer = conn.getresponse()
    status, data = answer.status, answer.read()
    conn.close()
    return status, json.loads(data)["error"]["message"] if status >= 400 else data


def _new_row(node, table, **data):
    from kissi.store.ids import uuid7

    row_id = uuid7()
    return _forged(node, table, row_id, "insert", {"id": row_id, "created_at": changes.utc_now(), **data})


def _account(r, device, role, phone, **where):
    return _new_row(r[device], "users", role=role, phone=phone, name="X", language="fr",
                    pin_hash=members.hash_pin("1234" if role == "trader" else STAFF_PIN, role), **where)


EDGE_ATTACKS = {
    "a look-alike of the trainer's number": ("box", lambda r: _account(
        r, "box", "trader", "+2250703030303", cooperative_id=r["coop"]["id"], shop_id=r["other"]["id"]),
        "another member"),
    "an admin account": ("box", lambda r: _account(r, "box", "admin", "0709090909"), "refused"),
    "an admin account in the cooperative": ("box", lambda r: _account(
        r, "box", "admin", "0709090909", cooperative_id=r["coop"]["id"]), "role"),
    "a trainer made at a market box": ("box", lambda r: _account(
        r, "box", "trainer", "0705050505", cooperative_id=r["coop"]["id"]), "role"),
    "a new secret code for the trainer": ("box", lambda r: _forged(
        r["box"], "users", r["fatou"]["id"], "update", {"pin_hash": members.hash_pin("1234")}), "refused"),
    "an account made by a trader's device": ("phone", lambda r: _account(
        r, "phone", "trader", "0706060606", cooperative_id=r["coop"]["id"], shop_id=r["shop"]["id"]),
        "cannot create accounts"),
    "another shop's product": ("phone", lambda r: _new_row(
        r["phone"], "products", shop_id=r["other"]["id"], name="Riz", price=100), "scope"),
}


@pytest.mark.parametrize("attack", list(EDGE_ATTACKS))
def test_a_hostile_edge_push_is_refused_with_zero_writes(real, attack):
    device, make, reason = EDGE_ATTACKS[attack]
    before = _snapshot(real["hub"].db)
    status, message = _push(real, device, [make(real)])
    assert status == 422 and reason in message
    assert _snapshot(real["hub"].db) == before


def test_a_trader_device_holds_only_her_own_secret_and_a_market_box_no_staff_secret(real):
    h = real["hub"]
    awa = members.add_user(h.db, role="trader", phone="0701010101", pin="1010", name="Awa",
                           shop_id=real["shop"]["id"])
    members.add_user(h.db, role="trader", phone="0702020202", pin="2020", name="Binta",
                     shop_id=real["other"]["id"])
    members.add_user(h.db, role="admin", phone="0709090909", pin=STAFF_PIN, name="Admin")
    members.set_pin(h.db, None, real["fatou"]["id"], "13571357")  # a later change travels stripped too
    for device in ("phone", "box"):
        real[device].sync()
    phone_rows = real["phone"].db.execute("select id, role, pin_hash from users").fetchall()
    assert [(r[0], r[1]) for r in phone_rows] == [(awa["id"], "trader")]
    assert members.pin_matches(phone_rows[0][2], "1010")
    box = dict((r[0], (r[1], r[2])) for r in real["box"].db.execute("select phone, role, pin_hash from users"))
    assert set(box) == {"+2250701010101", "+2250702020202", "+2250703030303"}  # no admin
    assert box["+2250703030303"] == ("trainer", NO_PIN)
    assert all(members.pin_matches(box[p][1], pin) for p, pin in (("+2250701010101", "1010"),
                                                                  ("+2250702020202", "2020")))
    logged = " ".join(r[0] for r in real["box"].db.execute("select data from change_log where tbl = 'users'"))
    assert "scrypt" not in logged.replace(box["+2250701010101"][1], "").replace(box["+2250702020202"][1], "")
    assert hub.list_devices(h.db)  # both devices still in good standing


# -- no outbound call under the write lock ---------------------------------------------------------

def test_an_enroll_to_a_silent_address_does_not_hold_up_a_sale(tmp_path):
    import socket
    import threading
    import time

    import requests

    edge = Node(tmp_path / "edge")
    coop = members.create_cooperative(edge.db, "Coop")
    awa = members.add_user(edge.db, role="trader", phone="0701010101", pin="1010", name="Awa",
                           cooperative_id=coop["id"])
    soap = product(edge.db, awa["shop_id"])
    members.add_user(edge.db, role="admin", phone="0708080808", pin=STAFF_PIN, name="Node admin")
    url = edge.serve()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are taken by the kernel and never answered
    same_site = {"Sec-Fetch-Site": "same-origin"}
    admin, trader = requests.Session(), requests.Session()
    for session, phone, pin in ((admin, "0708080808", STAFF_PIN), (trader, "0701010101", "1010")):
        assert session.post(f"{url}/login", data={"phone": phone, "pin": pin}, headers=same_site,
                            allow_redirects=False).status_code == 302
    answers = []
    enrolling = threading.Thread(target=lambda: answers.append(admin.post(
        f"{url}/sync/enroll", headers=same_site, timeout=60,
        data={"hub_url": f"http://127.0.0.1:{silent.getsockname()[1]}", "code": "ABCDE-FGHJK", "key": "A" * 26})))
    enrolling.start()
    time.sleep(0.5)
    started = time.monotonic()
    sale = trader.post(f"{url}/api/v1/sales", json={"lines": [{"product_id": soap["id"], "qty": 1000}]},
                       headers=same_site, timeout=30)
    took = time.monotonic() - started
    assert sale.status_code == 201 and took < 2, (sale.status_code, took)
    assert enrolling.is_alive()  # the enroll was still waiting for the silent address meanwhile
    silent.close()
    enrolling.join(30)
    assert answers and 'role="alert"' in answers[0].text and client.state(edge.db)["token"] is None
    edge.close()


def test_a_trainers_box_credential_opens_that_box_only_and_never_travels(real):
    from kissi.coop import logins

    box, h = real["box"], real["hub"]
    box.sync()
    assert box.db.execute("select pin_hash from users where id = ?", [real["fatou"]["id"]]).fetchone() == (NO_PIN,)
    with pytest.raises(logins.WrongPin):  # her hub secret is not on the box
        logins.verify_login(box.db, "0703030303", STAFF_PIN, "test")
    set_here = box.app.test_cli_runner().invoke(args=["user", "pin", "--phone", "0703030303", "--pin", "97531864"])
    assert set_here.exit_code == 0, set_here.output
    assert logins.verify_login(box.db, "0703030303", "97531864", "test")["role"] == "trainer"
    hub_hash = h.db.execute("select pin_hash from users where id = ?", [real["fatou"]["id"]]).fetchone()
    box.sync()
    assert client.pending_count(box.db) == 0
    assert h.db.execute("select pin_hash from users where id = ?", [real["fatou"]["id"]]).fetchone() == hub_hash
    with pytest.raises(logins.WrongPin):
        logins.verify_login(h.db, "0703030303", "97531864", "test")
