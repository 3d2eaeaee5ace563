"""What a device says about its sync: refused by the hub, what waits (one unit), read-only status."""
from __future__ import annotations

import pytest

from factories import login, make_user
from kissi import create_app
from kissi.shop import credit, products, sales, stock
from kissi.sync import client, hub
from kissi.web import health
from tests.sync_helpers import Node, hub_with_shop

PAGES = ("/", "/sell/", "/day/")


@pytest.fixture
def pair(tmp_path):
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    yield h, edge, c, s, p
    edge.close()
    h.close()


def _web(app):
    web = app.test_client()
    web.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    return web


def _staff_health(app) -> dict:
    """The sync part of /healthz as staff see it (anonymous callers and traders get only
    "up": tests/test_headers.py). Logging a trainer in on the edge would add to its queue."""
    return health.STATUS_PARTS["sync"](app)


def test_a_revoked_device_tells_the_trader_on_every_page_and_in_healthz(pair):
    h, edge, c, s, _ = pair
    hub.revoke(h.db, hub.list_devices(h.db)[0]["id"])
    with pytest.raises(client.SyncError):
        edge.sync()
    url = client.state(edge.db)["hub_url"]
    with pytest.raises(client.SyncError) as away:  # a later attempt finds the hub away: still refused
        edge.sync("http://127.0.0.1:9")
    assert away.value.code == "unreachable"
    web = _web(edge.app)
    assert 'data-prompt="sync.revoked"' in web.get("/login").get_data(as_text=True)
    trader = make_user(edge.db, cooperative_id=c["id"], shop_id=s["id"])
    assert login(web, trader).status_code == 302
    for path in PAGES:
        page = web.get(path).get_data(as_text=True)
        assert 'class="sync-state sync-revoked" role="alert"' in page and 'data-prompt="sync.revoked"' in page, path
        assert "👩‍🏫" in page, path  # what to do: see her trainer
    health = _staff_health(edge.app)
    assert health["revoked"] is True and health["refused"] == "device_revoked"
    client.reset(edge.db)  # the node's admin forgets the hub, then enrolls the device again
    edge.enroll(h, "shop", s["id"], url)
    edge.sync()
    assert 'data-prompt="sync.all_sent"' in web.get("/").get_data(as_text=True)
    assert _staff_health(edge.app)["revoked"] is False


def test_waiting_counts_records_alike_on_the_page_in_the_cli_and_in_healthz(pair):
    """A credit sale (sale, line, credit entry) is one record; a price edit with its price
    history is one; a restock and a new customer one each: 4, wherever it is shown."""
    h, edge, c, s, p = pair
    mariam = credit.create_customer(edge.db, s["id"], name="Mariam")
    sales.record_sale(edge.db, s["id"], [{"product_id": p["id"], "qty": 1000}], credit=500,
                      customer_id=mariam["id"])
    stock.restock(edge.db, s["id"], p["id"], 5000)
    products.update_product(edge.db, s["id"], p["id"], price=600)
    assert client.pending_count(edge.db) == 7  # change-log entries: what a push sends
    web = _web(edge.app)
    assert login(web, make_user(edge.db, cooperative_id=c["id"], shop_id=s["id"])).status_code == 302
    page = web.get("/").get_data(as_text=True)
    assert 'data-prompt="sync.waiting"' in page and "<b>5</b>" in page  # her own user record too
    assert "waiting: 5 record(s)" in edge.app.test_cli_runner().invoke(args=["sync", "--status"]).output
    assert _staff_health(edge.app)["waiting"] == 5


def test_sync_status_on_the_hub_without_its_role_writes_nothing(tmp_path):
    h, _, s, p = hub_with_shop(tmp_path / "hub")
    h.close()
    path = tmp_path / "hub" / "kissi.sqlite3"
    before = path.read_bytes()
    plain = create_app({"TESTING": True, "SYNC_ENABLED": False}, instance_path=str(tmp_path / "hub"))
    assert plain.config["ROLE"] == "edge" and plain.config["DATABASE"] == str(path)
    shown = plain.test_cli_runner().invoke(args=["sync", "--status"])
    assert shown.exit_code == 0, shown.output
    assert "(hub)" in shown.output and f"shop {s['id']}" in shown.output
    wal = path.with_name("kissi.sqlite3-wal")
    assert path.read_bytes() == before and (not wal.exists() or wal.stat().st_size == 0)
