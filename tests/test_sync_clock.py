"""Clock skew of +/- 2 days: an edge process whose wall clock is off syncs with a true hub.

The skewed edge is a real separate process (``time.time`` shifted before kissi loads),
working on its own SQLite file; the hub runs in the test process with the true time.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kissi.store import changes, db as store
from kissi.sync import hub
from tests.sync_helpers import Node, hub_with_shop

DAY = 86_400


def run_skewed(node: Node, skew_seconds: int, code: str):
    """Run ``code`` (with ``db`` open on the node's file) in a process whose clock is skewed."""
    script = textwrap.dedent(f"""
        import json, time
        _real = time.time
        time.time = lambda: _real() + {skew_seconds}
        from kissi.store import changes, db as store
        from kissi.sync import client
        db = store.connect({node.app.config["DATABASE"]!r})
        result = None
    """) + textwrap.dedent(code) + "\nprint(json.dumps(result))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def pair(tmp_path):
    h, c, s, p = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    yield h, edge, p
    edge.close()
    h.close()


def _product(node, pid):
    return node.db.execute("select name, price from products where id = ?", [pid]).fetchone()


def test_edge_two_days_ahead_neither_wins_a_later_edit_nor_reorders_its_own(pair):
    h, edge, p = pair
    run_skewed(edge, 2 * DAY, f"""
        changes.update_record(db, "products", {p["id"]!r}, {{"name": "edge, offline"}})
        changes.update_record(db, "products", {p["id"]!r}, {{"price": 600}})
        changes.update_record(db, "products", {p["id"]!r}, {{"price": 700}})
    """)
    changes.update_record(h.db, "products", p["id"], {"name": "hub, later"})
    offset = run_skewed(edge, 2 * DAY, """
        client.sync_once(db)
        result = db.execute("select clock_offset_ms from node").fetchone()[0]
    """)
    assert _product(h, p["id"]) == _product(edge, p["id"]) == ("hub, later", 700)
    assert abs(offset + 2 * DAY * 1000) < 60_000  # the edge learned the hub's time
    device = hub.list_devices(h.db)[0]
    assert abs(device["skew_ms"] - 2 * DAY * 1000) < 60_000  # and the hub reports the skew
    run_skewed(edge, 2 * DAY, f"""
        changes.update_record(db, "products", {p["id"]!r}, {{"name": "edge, after"}})
        client.sync_once(db)
    """)
    assert _product(h, p["id"]) == _product(edge, p["id"]) == ("edge, after", 700)


def test_edge_two_days_behind_loses_to_later_edits_then_writes_in_true_time(pair):
    h, edge, p = pair
    run_skewed(edge, -2 * DAY, f"""
        changes.update_record(db, "products", {p["id"]!r}, {{"name": "edge, offline"}})
    """)
    changes.update_record(h.db, "products", p["id"], {"name": "hub, later"})
    run_skewed(edge, -2 * DAY, "client.sync_once(db)")
    assert _product(h, p["id"])[0] == _product(edge, p["id"])[0] == "hub, later"
    assert abs(hub.list_devices(h.db)[0]["skew_ms"] + 2 * DAY * 1000) < 60_000
    run_skewed(edge, -2 * DAY, f"""
        changes.update_record(db, "products", {p["id"]!r}, {{"price": 900}})
        client.sync_once(db)
    """)
    changes.update_record(h.db, "products", p["id"], {"name": "hub, last"})
    run_skewed(edge, -2 * DAY, "client.sync_once(db)")
    assert _product(h, p["id"]) == _product(edge, p["id"]) == ("hub, last", 900)
    stamp = edge.db.execute("select hlc from change_log where node_id = ? order by seq desc limit 1",
                            [edge.node_id]).fetchone()[0]
    assert abs(changes.hlc_mod.HLC.decode(stamp).wall - changes.hlc_mod.now_ms()) < 60_000


def test_edge_that_learned_its_fast_clock_wins_with_a_genuinely_later_edit(pair):
    """After a sync the fast edge's HLC steps back to true time: an edit it makes after the
    hub's edit is later, everywhere (before, it was stamped after its own future change,
    moved back by the hub to the time of that change, and lost for two days)."""
    h, edge, p = pair
    run_skewed(edge, 2 * DAY, f"""
        changes.update_record(db, "products", {p["id"]!r}, {{"name": "edge, offline"}})
        client.sync_once(db)
    """)
    changes.update_record(h.db, "products", p["id"], {"name": "hub, meanwhile"})
    run_skewed(edge, 2 * DAY, f"""
        changes.update_record(db, "products", {p["id"]!r}, {{"name": "edge, later"}})
        client.sync_once(db)
    """)
    assert _product(h, p["id"])[0] == _product(edge, p["id"])[0] == "edge, later"
    last = edge.db.execute("select hlc from node").fetchone()[0]
    assert abs(changes.hlc_mod.HLC.decode(last).wall - changes.hlc_mod.now_ms()) < 60_000


def test_sale_on_a_fast_edge_after_sync_is_booked_on_the_traders_day_everywhere(pair):
    """The sale's ``at`` and day come from the corrected clock, in the shop's time zone."""
    h, edge, p = pair
    zone = "Pacific/Kiritimati"  # UTC+14: her local day differs from the UTC day half the time
    changes.update_record(h.db, "shops", p["shop_id"], {"timezone": zone})
    changes.insert_fact(h.db, "stock_movements", {"shop_id": p["shop_id"], "product_id": p["id"],
                        "kind": "restock", "qty": 10_000, "at": changes.utc_now(), "day": "2026-01-01"})
    days_before = _local_day(zone)
    sale_id = run_skewed(edge, 2 * DAY, f"""
        from kissi.shop import sales
        client.sync_once(db)  # learns the offset (and brings the time zone down)
        sale = sales.record_sale(db, {p["shop_id"]!r}, [{{"product_id": {p["id"]!r}, "qty": 1000}}])
        client.sync_once(db)
        result = sale["id"]
    """)
    days = {days_before, _local_day(zone)}
    for node in (edge, h):
        at, day = node.db.execute("select at, day from sales where id = ?", [sale_id]).fetchone()
        assert day in days
        booked = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
        assert abs(booked - time.time()) < 60


def _local_day(zone: str) -> str:
    return datetime.now(ZoneInfo(zone)).date().isoformat()


def test_a_clock_stepped_back_from_the_future_never_reuses_a_change_id(tmp_path, monkeypatch):
    """Change ids derive from (node, HLC): when true time reaches a stamp the node gave while
    fast (that change since moved back by the hub), the next write still gets a new id."""
    node = Node(tmp_path / "edge")
    future = changes.hlc_mod.now_ms() + 2 * DAY * 1000
    monkeypatch.setattr(changes.hlc_mod, "now_ms", lambda: future)
    first = changes.insert_record(node.db, "cooperatives", {"name": "A", "created_at": changes.utc_now()})
    moved = changes.hlc_mod.HLC(future - 2 * DAY * 1000, 0).encode()
    node.db.execute("update change_log set hlc = ? where row_id = ?", [moved, first["id"]])  # as the hub said
    monkeypatch.setattr(changes.hlc_mod, "now_ms", lambda: future - 2 * DAY * 1000)
    with store.transaction(node.db):
        changes.set_clock_offset(node.db, 0)
    assert node.db.execute("select hlc from node").fetchone()[0] == moved
    monkeypatch.setattr(changes.hlc_mod, "now_ms", lambda: future)  # two days later
    second = changes.insert_record(node.db, "cooperatives", {"name": "B", "created_at": changes.utc_now()})
    ids = [r[0] for r in node.db.execute("select id from change_log order by seq")]
    assert len(set(ids)) == 2 and second["id"] != first["id"]
    node.close()
