"""Sync's pages, API guards, trader state, background syncer and CLI."""
from __future__ import annotations

import re
import time

import pytest
from flask import g, render_template_string

from kissi.store import changes
from kissi.sync import client, hub, scheduler
from tests.sync_helpers import Node, cooperative, hub_with_shop, product, sell, shop


def _as_user(app, role="trainer", cooperative_id=None):
    @app.before_request
    def _signed_in():  # stands in for the auth layer, which sets g.user
        g.user = {"id": "u1", "role": role, "cooperative_id": cooperative_id}


@pytest.fixture
def served(tmp_path):
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    yield h, c, s, p
    h.close()


SAME_SITE = {"Sec-Fetch-Site": "same-origin"}  # what a browser sends with the site's own forms


def test_sync_api_lives_only_on_the_hub(client):
    assert client.post("/api/v1/sync/push", data=b"x", headers={"Authorization": "Bearer x"}).status_code == 404


def test_push_without_a_token_gets_the_api_error_shape(served):
    h = served[0]
    response = h.app.test_client().post("/api/v1/sync/push", data=b"", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "device_unknown"


def test_trainer_creates_an_enrollment_with_qr_code_and_revokes_the_device(served, tmp_path):
    h, c, s, _ = served
    _as_user(h.app, "trainer", c["id"])
    web = h.app.test_client()
    page = web.get("/sync/devices").get_data(as_text=True)
    assert f"shop:{s['id']}" in page and f"cooperative:{c['id']}" in page
    shown = web.post("/sync/enrollments", data={"scope": f"shop:{s['id']}"}, headers=SAME_SITE).get_data(as_text=True)
    assert "<svg" in shown and 'data-prompt="sync.code"' in shown
    code = shown.split('data-prompt="sync.code">')[1].split("<")[0]
    edge = Node(tmp_path / "edge")
    client.enroll(edge.db, h.url, code, "Awa's phone", h.fingerprint)
    listed = web.get("/sync/devices").get_data(as_text=True)
    assert "Awa&#39;s phone" in listed and "Awa" in listed
    device_id = hub.list_devices(h.db)[0]["id"]
    assert web.post(f"/sync/devices/{device_id}/revoke", headers=SAME_SITE).status_code == 302
    assert hub.list_devices(h.db)[0]["revoked_at"]
    with pytest.raises(client.SyncError) as refused:
        edge.sync()
    assert (refused.value.code, refused.value.status) == ("device_revoked", 403)
    edge.close()


def test_trainer_cannot_enroll_or_revoke_outside_her_cooperative(served):
    h = served[0]
    other_coop = cooperative(h.db, "Other")
    other_shop = shop(h.db, other_coop["id"], "Elsewhere")
    _as_user(h.app, "trainer", other_coop["id"])
    web = h.app.test_client()
    refused = web.post("/sync/enrollments", data={"scope": f"shop:{served[2]['id']}"}, headers=SAME_SITE)
    assert refused.status_code == 404
    assert f"shop:{served[2]['id']}" not in web.get("/sync/devices").get_data(as_text=True)
    assert f"shop:{other_shop['id']}" in web.get("/sync/devices").get_data(as_text=True)


def test_a_trader_cannot_open_the_device_pages(served):
    _as_user(served[0].app, "trader")
    assert served[0].app.test_client().get("/sync/devices").status_code == 403


def test_edge_admin_enrolls_on_the_page_and_must_reset_before_another_hub(served, tmp_path):
    h, _, s, _ = served
    edge = Node(tmp_path / "edge")
    _as_user(edge.app, "admin")
    web = edge.app.test_client()
    code = hub.create_enrollment(h.db, "shop", s["id"])["code"]
    page = web.post("/sync/enroll", data={"hub_url": h.url, "code": code, "key": h.fingerprint.lower()},
                    headers=SAME_SITE)
    assert 'data-prompt="sync.enrolled"' in page.get_data(as_text=True)
    pinned = client.state(edge.db)
    assert pinned["scope_id"] == s["id"] and pinned["hub_key"]
    other = hub.create_enrollment(h.db, "shop", s["id"])["code"]
    again = web.post("/sync/enroll", data={"hub_url": "http://127.0.0.1:9", "code": other, "key": h.fingerprint},
                     headers=SAME_SITE)
    assert 'role="alert"' in again.get_data(as_text=True) and client.state(edge.db) == pinned
    assert 'role="status"' in web.post("/sync/enroll", data={"reset": "1"}, headers=SAME_SITE).get_data(as_text=True)
    assert client.state(edge.db)["token"] is None
    qr = f"kissi-enroll:{other}@{h.url}#{h.fingerprint}"  # the QR text alone carries address and key
    page = web.post("/sync/enroll", data={"code": qr}, headers=SAME_SITE)
    assert 'data-prompt="sync.enrolled"' in page.get_data(as_text=True) and client.state(edge.db)["token"]
    edge.close()


@pytest.mark.parametrize("role", [None, "trainer", "trader"])
def test_only_the_nodes_admin_may_enroll_it_on_the_page(served, tmp_path, role):
    h, _, s, _ = served
    edge = Node(tmp_path / "edge")
    if role:
        _as_user(edge.app, role)
    web = edge.app.test_client()
    code = hub.create_enrollment(h.db, "shop", s["id"])["code"]
    assert web.get("/sync/enroll").status_code in (302, 401, 403)
    refused = web.post("/sync/enroll", data={"hub_url": h.url, "code": code, "key": h.fingerprint},
                       headers=SAME_SITE)
    assert refused.status_code in (302, 401, 403)
    assert client.state(edge.db)["token"] is None and hub.list_devices(h.db) == []
    edge.close()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://hub.example", "javascript:alert(1)", "gopher://x",
                                 "http://user:pw@hub.example", "http://", "http://hub.example:99999",
                                 "http://[::1", "//hub.example"])
def test_only_http_and_https_hub_addresses_are_accepted(tmp_path, url):
    edge = Node(tmp_path / "edge")
    with pytest.raises(client.SyncError) as refused:
        client.enroll(edge.db, url, "ABCDE-FGHJK", None, "A" * 26)
    assert refused.value.code == "bad_hub_url" and not refused.value.retry
    edge.close()


def _sync_state(app):
    with app.test_request_context("/"):
        return render_template_string('{% include "_sync_state.html" %}')


def test_trader_sees_never_then_waiting_then_all_sent(served, tmp_path):
    h, _, s, p = served
    edge = Node(tmp_path / "edge")
    never = _sync_state(edge.app)
    assert 'data-prompt="sync.never"' in never
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    all_sent = _sync_state(edge.app)
    assert 'data-prompt="sync.all_sent"' in all_sent
    sell(edge.db, s["id"], p)
    waiting = _sync_state(edge.app)
    assert 'data-prompt="sync.waiting"' in waiting and "<b>1</b>" in waiting  # one sale, lines included
    # three pictures she can tell apart (a tick, an arrow on amber, an arrow in a dashed
    # ring), none of them the circular arrow that read as "reload"
    pictures = [re.search(r"<svg.*?</svg>", state, re.S).group(0) for state in (never, all_sent, waiting)]
    assert len(set(pictures)) == 3 and not any("a8 8 0 1 0" in svg for svg in pictures)
    edge.sync()
    assert 'data-prompt="sync.all_sent"' in _sync_state(edge.app)
    assert _sync_state(h.app).strip() == ""  # the hub shows no sync state
    health = scheduler.health(edge.app)  # the sync part of /healthz (shown to staff)
    assert health["enrolled"] and health["waiting"] == 0 and health["last_success"]
    edge.close()


def test_backoff_doubles_with_jitter_up_to_a_cap():
    low = [scheduler.backoff(n, 5, 1800, rand=lambda: 0.0) for n in range(1, 12)]
    high = [scheduler.backoff(n, 5, 1800, rand=lambda: 1.0) for n in range(1, 12)]
    assert low[:4] == [2.5, 5, 10, 20] and high[:4] == [7.5, 15, 30, 60]
    assert max(high) == 2700 and max(low) == 900


def _sell_route(app, shop_id, product_row):
    @app.post("/test-sell")
    def _test_sell():  # a trader's write, as the ledger pages will do it
        from kissi.web.database import get_db

        sell(get_db(), shop_id, product_row)
        return "ok"


def test_a_local_write_wakes_the_syncer_and_never_waits_for_the_hub(served, tmp_path):
    h, _, s, p = served
    edge = Node(tmp_path / "edge", SYNC_ENABLED=True, SYNC_DEBOUNCE=0.1, SYNC_INTERVAL=3600)
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    _sell_route(edge.app, s["id"], p)
    syncer = scheduler.start(edge.app)
    try:
        web = edge.app.test_client()
        started = time.perf_counter()
        assert web.post("/test-sell", headers=SAME_SITE).status_code == 200
        assert time.perf_counter() - started < 0.5
        deadline = time.time() + 10
        while h.count("sales") == 0 and time.time() < deadline:
            time.sleep(0.05)
        assert h.count("sales") == 1 and syncer.failures == 0
        # the hub goes away: writes still return at once, the syncer backs off
        edge.db.execute("update sync_state set hub_url = 'http://127.0.0.1:9' where singleton = 1")
        started = time.perf_counter()
        assert web.post("/test-sell", headers=SAME_SITE).status_code == 200
        assert time.perf_counter() - started < 0.5
        deadline = time.time() + 10
        while syncer.failures == 0 and time.time() < deadline:
            time.sleep(0.05)
        assert syncer.failures >= 1 and "unreachable" in client.state(edge.db)["last_error"]
    finally:
        syncer.stop()
        edge.close()


def test_cli_enrolls_syncs_and_manages_devices(served, tmp_path):
    h, _, s, p = served
    hub_cli = h.app.test_cli_runner()
    made = hub_cli.invoke(args=["hub", "enroll", "--shop", s["id"]])
    assert made.exit_code == 0, made.output
    code = made.output.split("code ")[1].split()[0]
    edge = Node(tmp_path / "edge")
    edge_cli = edge.app.test_cli_runner()
    assert h.fingerprint in made.output
    unpinned = edge_cli.invoke(args=["enroll", code, "--hub", h.url])
    assert unpinned.exit_code != 0 and "fingerprint" in unpinned.output
    done = edge_cli.invoke(args=["enroll", code, "--hub", h.url, "--key", h.fingerprint])
    assert done.exit_code == 0 and "enrolled as node" in done.output
    sell(edge.db, s["id"], p)
    ran = edge_cli.invoke(args=["sync"])
    assert ran.exit_code == 0 and "sent 2" in ran.output and h.count("sales") == 1
    assert "waiting: 0" in edge_cli.invoke(args=["sync", "--status"]).output
    device_id = hub.list_devices(h.db)[0]["id"]
    assert device_id in hub_cli.invoke(args=["hub", "devices"]).output
    assert hub_cli.invoke(args=["hub", "revoke", device_id]).exit_code == 0
    refused = edge_cli.invoke(args=["sync"])
    assert refused.exit_code != 0 and "device_revoked" in refused.output
    edge.close()


def test_hub_edits_on_behalf_of_a_shop_reach_a_product_added_later(served, tmp_path):
    h, _, s, _ = served
    edge = Node(tmp_path / "edge")
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    later = product(h.db, s["id"], "Riz", 25000)
    changes.update_record(h.db, "products", later["id"], {"price": 24000})
    edge.sync()
    assert edge.db.execute("select price from products where id = ?", [later["id"]]).fetchone()[0] == 24000
    edge.close()


def test_every_sync_api_route_is_in_the_openapi_paths(served):
    from kissi.sync.openapi import PATHS

    routes = {(r.rule, m.lower()) for r in served[0].app.url_map.iter_rules()
              if r.rule.startswith("/api/v1/sync/") for m in r.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in PATHS.items() for method in item}
    assert routes == documented


def test_sync_templates_use_only_declared_prompt_keys():
    import re
    from pathlib import Path

    from kissi.prompts import PROMPTS

    folder = Path(__file__).resolve().parent.parent / "kissi" / "templates"
    used = set()
    for template in [folder / "_sync_state.html", *(folder / "sync").glob("*.html")]:
        used |= set(re.findall(r'data-prompt="([a-z_.]+)"', template.read_text()))
    used |= {f"sync.{status}" for status in ("all_sent", "waiting", "never", "revoked")}  # built in sync_state()
    assert used and used <= set(PROMPTS)
