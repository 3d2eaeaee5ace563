"""Keep proving it: `kissi serve` killed with SIGKILL while a client streams sales, again and
again, alone and while it syncs with a hub (either side killed).

After every cycle, on every node's file: each acknowledged sale and restock (2xx received)
is there exactly once, nothing is there twice, ``PRAGMA integrity_check`` is ok, and the
stock caches equal the sums of the facts. A request cut by the kill is sent again after the
restart with the same ``Idempotency-Key`` and must be applied once. A few cycles run in
CI; ``KISSI_CRASH_CYCLES=500`` runs 500 of each on demand.
"""
from __future__ import annotations

import http.client
import os
import random
import sqlite3
import threading
import time

import pytest

from factories import PIN, make_cooperative, make_user
from kissi.shop import products, stock
from kissi.store import changes, db as store
from kissi.sync import client, hub, identity
from tests.served_process import Served, post_json

CYCLES = int(os.environ.get("KISSI_CRASH_CYCLES", "3"))
pytestmark = pytest.mark.slow


class Stream(threading.Thread):
    """A trader's phone posting sales (and a restock every fifth time) as fast as answered,
    until the server dies; ``pending`` carries the cut request over to the next stream."""

    def __init__(self, port: int, cookie: str, product_id: str, pending: list, tag: str,
                 only_pending: bool = False):
        super().__init__(daemon=True)
        self.port, self.cookie, self.product_id, self.tag = port, cookie, product_id, tag
        self.only_pending = only_pending
        self.pending, self.acked, self.refused, self.n = pending, [], [], 0

    def _next(self):
        self.n += 1
        ref = f"{self.tag}-{self.n}"
        if self.n % 5 == 0:
            return ref, f"/api/v1/products/{self.product_id}/restock", {"qty": 5000, "supplier": ref}
        return ref, "/api/v1/sales", {"lines": [{"product_id": self.product_id, "qty": 1000}],
                                      "mobile": 250, "mobile_provider": "orange", "mobile_ref": ref}

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while self.pending or not self.only_pending:
            request = self.pending.pop(0) if self.pending else self._next()
            try:
                status = post_json(conn, request[1], request[2], self.cookie, request[0])
            except (OSError, http.client.HTTPException):
                self.pending.insert(0, request)  # not acknowledged: sent again after the restart
                conn.close()
                return
            (self.acked if 200 <= status < 300 else self.refused).append((request[0], status))


def check_store(path, acked: list[str], complete: bool = True) -> None:
    """The file is sound, nothing is doubled, and (``complete``) every acknowledged ref is there."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        refs = dict(conn.execute("select mobile_ref, count(*) from sales group by mobile_ref"))
        refs.update(conn.execute("select supplier, count(*) from stock_movements where supplier is not null"
                                 " group by supplier"))
        assert all(count == 1 for count in refs.values()), "a sale or restock is there twice"
        missing = [ref for ref in acked if ref not in refs]
        assert not complete or not missing, f"acknowledged but lost: {missing[:5]}"
        wrong = conn.execute(
            "select t.product_id from stock_totals t where t.moved != (select coalesce(sum(qty), 0)"
            " from stock_movements m where m.product_id = t.product_id) or t.sold != (select coalesce(sum(qty), 0)"
            " from sale_lines l where l.product_id = t.product_id and l.sale_id not in (select id from sale_voids))"
        ).fetchall()
        assert not wrong, "stock is not the sum of the movements and sales"
    finally:
        conn.close()


def _shop(path):
    """A node's file with a trader (her shop), a product at 250 F and some stock."""
    db = store.connect(path)
    store.migrate(db)
    changes.ensure_node(db, "hub" if "hub" in str(path) else "edge")
    trader = make_user(db, cooperative_id=make_cooperative(db)["id"], pin=PIN)
    product = products.create_product(db, trader["shop_id"], name="Savon", price=250)
    stock.restock(db, trader["shop_id"], product["id"], 100_000)
    return db, trader, product


def _cycle(served: Served, cookie, product_id, pending, tag, kill_after) -> Stream:
    stream = Stream(served.port, cookie, product_id, pending, tag)
    stream.start()
    time.sleep(kill_after)
    served.kill()
    stream.join(15)
    assert not stream.is_alive()
    return stream


def test_killed_server_loses_and_doubles_nothing(tmp_path):
    path = tmp_path / "edge" / "kissi.sqlite3"
    path.parent.mkdir()
    db, trader, product = _shop(path)
    db.conn.close()
    served = Served(path.parent, SYNC_ENABLED="false")
    rng, pending, acked, cookie = random.Random(10), [], [], None
    started = time.perf_counter()
    for cycle in range(CYCLES):
        served.start()
        cookie = cookie or served.login(trader["phone"], PIN)
        stream = _cycle(served, cookie, product["id"], pending, f"c{cycle}", rng.uniform(0.2, 0.6))
        assert not stream.refused, stream.refused[:3]
        acked += [ref for ref, _ in stream.acked]
        check_store(path, acked)
        _progress(cycle, started)
    served.start()  # the last cut request goes through, once
    last = Stream(served.port, cookie, product["id"], pending, "last", only_pending=True)
    last.run()
    served.kill()
    acked += [ref for ref, _ in last.acked]
    check_store(path, acked)
    print(f"{CYCLES} kill -9 cycles, {len(acked)} acknowledged writes, {time.perf_counter() - started:.1f} s")
    assert len(acked) >= CYCLES  # every cycle got writes through


def test_sync_killed_on_either_side_loses_and_doubles_nothing(tmp_path):
    hub_path = tmp_path / "hub" / "kissi.sqlite3"
    hub_path.parent.mkdir()
    hub_db, trader, product = _shop(hub_path)
    hub_node = Served(hub_path.parent, role="hub").start()
    code = hub.create_enrollment(hub_db, "shop", trader["shop_id"])["code"]
    hub_db.conn.close()
    edge_path = tmp_path / "edge" / "kissi.sqlite3"
    edge_path.parent.mkdir()
    edge_db = store.connect(edge_path)
    store.migrate(edge_db)
    changes.ensure_node(edge_db, "edge")
    key = identity.fingerprint(identity.public_raw(identity.load_or_create(hub_path.parent)))
    client.enroll(edge_db, hub_node.url, code, "market box", key)
    client.sync_once(edge_db)
    edge_db.conn.close()
    edge = Served(edge_path.parent, SYNC_DEBOUNCE=0.05, SYNC_INTERVAL=1, SYNC_BACKOFF_MIN=0.1,
                  SYNC_BACKOFF_MAX=0.5)
    rng, pending, acked, cookie = random.Random(12), [], [], None
    started = time.perf_counter()
    for cycle in range(CYCLES):
        edge.start()
        if hub_node.process is None:
            hub_node.start()
        cookie = cookie or edge.login(trader["phone"], PIN)
        victim = rng.choice((edge, hub_node))
        stream = Stream(edge.port, cookie, product["id"], pending, f"s{cycle}")
        stream.start()
        time.sleep(rng.uniform(0.3, 0.8))  # sales flow and the syncer pushes them meanwhile
        victim.kill()
        if victim is hub_node:  # the edge keeps selling without its hub: offline first
            time.sleep(0.2)
            assert stream.is_alive(), "a sale waited for the hub"
            edge.kill()
        stream.join(15)
        assert not stream.refused, stream.refused[:3]
        acked += [ref for ref, _ in stream.acked]
        edge.kill()
        check_store(edge_path, acked)
        check_store(hub_path, acked, complete=False)
        _progress(cycle, started)
    edge.start()
    hub_node.start()
    last = Stream(edge.port, cookie, product["id"], pending, "last", only_pending=True)
    last.run()
    acked += [ref for ref, _ in last.acked]
    settled = _wait_until_sent(edge_path, hub_path, acked)
    edge.kill()
    hub_node.kill()
    check_store(edge_path, acked)
    check_store(hub_path, acked)
    assert settled, "the edge's acknowledged sales did not all reach the hub"
    print(f"{CYCLES} kill -9 cycles during sync, {len(acked)} acknowledged writes,"
          f" {time.perf_counter() - started:.1f} s")


def _progress(cycle: int, started: float) -> None:
    if (cycle + 1) % 50 == 0:  # long runs on demand say how far they got
        print(f"cycle {cycle + 1}/{CYCLES} passed, {time.perf_counter() - started:.0f} s", flush=True)


def _wait_until_sent(edge_path, hub_path, acked, seconds: float = 30) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        conn = sqlite3.connect(hub_path)
        try:
            there = {r[0] for r in conn.execute("select mobile_ref from sales")}
            there |= {r[0] for r in conn.execute("select supplier from stock_movements")}
        finally:
            conn.close()
        if set(acked) <= there:
            return True
        time.sleep(0.2)
    return False
