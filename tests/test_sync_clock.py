"""Clock skew of +/- 2 days: an edge process whose wall clock is off syncs with a true hub.

The skewed edge is a real separate process (``time.time`` shifted before kissi loads),
working on its own SQLite file; the hub runs in the test process with the true time.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from kissi.store import changes
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
