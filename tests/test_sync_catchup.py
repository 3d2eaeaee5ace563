"""After the hub comes back, the edge that synced first does not stay behind the others."""
from __future__ import annotations

import time

import pytest

from kissi.sync import client, hub, scheduler
from tests.sync_helpers import Node, hub_with_shop, sell

AWAY = "http://127.0.0.1:9"  # nothing listens there: the hub is away


@pytest.fixture
def net(tmp_path):
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    edges = []
    for name, config in (("a", {"SYNC_ENABLED": True, "SYNC_DEBOUNCE": 0.05, "SYNC_INTERVAL": 3600,
                                "SYNC_BACKOFF_MIN": 0.3, "SYNC_BACKOFF_MAX": 0.5}), ("b", {})):
        edge = Node(tmp_path / name, **config)
        edge.enroll(h, "shop", s["id"])
        edge.sync()
        edges.append(edge)
    yield h, edges, s, p
    for edge in edges:
        edge.close()
    h.close()


def _wait(condition, seconds=5.0) -> bool:
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(0.05)
    return condition()


def test_edge_that_synced_first_after_an_outage_gets_the_others_sales_soon(net):
    h, (a, b), s, p = net
    for edge in (a, b):
        edge.db.execute("update sync_state set hub_url = ? where singleton = 1", [AWAY])
    sold_a, sold_b = sell(a.db, s["id"], p), sell(b.db, s["id"], p)
    syncer = scheduler.start(a.app)
    try:
        syncer.poke()
        assert _wait(lambda: syncer.failures >= 1)
        a.db.execute("update sync_state set hub_url = ? where singleton = 1", [h.url])  # the hub is back
        assert _wait(lambda: h.count("sales", id=sold_a["id"]) == 1)
        b.sync(h.url)  # the other edge comes back later and pushes its sale
        assert h.count("sales", id=sold_b["id"]) == 1
        assert _wait(lambda: a.count("sales", id=sold_b["id"]) == 1), "edge a waits for its next interval"
    finally:
        syncer.stop()


def test_syncer_catches_up_at_doubling_delays_then_keeps_its_interval(net):
    h, (a, _), _, _ = net
    syncer = scheduler.Syncer(a.app)
    a.db.execute("update sync_state set hub_url = ? where singleton = 1", [AWAY])
    assert syncer.run_once() <= 0.5 * 1.5 and syncer.failures == 1
    a.db.execute("update sync_state set hub_url = ? where singleton = 1", [h.url])
    delays = [syncer.run_once() for _ in range(16)]
    assert delays[:4] == [0.3, 0.6, 1.2, 2.4] and delays[-1] == 3600
    assert sorted(delays[:-1]) == delays[:-1]


def test_a_push_that_learns_the_hub_has_newer_entries_pulls_again(net, monkeypatch):
    """Edge b pushes between a's pull and a's last push: a's last push hears of it, a pulls."""
    h, (a, b), s, p = net
    real_pull, calls = client.pull, []

    def pull_then_the_market_moves(db, conn):
        got = real_pull(db, conn)
        if not calls:
            calls.append(sell(b.db, s["id"], p))  # another edge's sale reaches the hub...
            b.sync()
            sell(a.db, s["id"], p)  # ...while the trader here sells again
        return got

    monkeypatch.setattr(client, "pull", pull_then_the_market_moves)
    a.sync()
    assert a.count("sales", id=calls[0]["id"]) == 1
    device = next(d for d in hub.list_devices(h.db) if d["id"] == a.node_id)
    assert not hub.has_news(h.db, device, client.state(a.db)["pull_cursor"])
