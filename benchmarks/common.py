"""Pieces the benchmarks share: timing a call, logging the demo trader in over HTTP, and a sale
written plainly with sqlite3 (the baseline of the ledger and HTTP benchmarks)."""
from __future__ import annotations

import http.client
import sqlite3
import statistics
import time
import urllib.parse

PHONE, PIN = "0701010101", "1010"  # the demo trader (kissi/cli/demo.py)


def timed(fn, repeat: int = 15) -> tuple[float, float]:
    """Median and worst milliseconds of ``repeat`` calls, after one warm-up call."""
    fn()  # warm the page cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def log_in(port: int, phone: str = PHONE, pin: str = PIN) -> str:
    """Log in through the real form on a loopback server; returns the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/login", urllib.parse.urlencode({"phone": phone, "pin": pin}),
                 {"Content-Type": "application/x-www-form-urlencoded",
                  "Origin": f"http://127.0.0.1:{port}"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    conn.close()
    return cookie


def plain_connection(path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the same settings kissi's store uses (WAL, NORMAL sync, keys)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = normal")
    conn.execute("pragma foreign_keys = on")
    return conn


class PlainSale:
    """A sale written plainly with sqlite3: the rows ``kissi.shop.sales.record_sale`` writes
    (the sale, its lines, a change-log entry for each, the node's clock), in one
    ``BEGIN IMMEDIATE`` transaction, with none of kissi's checks: the floor kissi is compared with.

    ``prices`` maps product id to price; the clock is read from the node row per sale, so
    several connections (threads of a server) can share the database.
    """

    def __init__(self, shop_id: str, cooperative_id: str, prices: dict, user_id: str | None = None):
        self.shop_id, self.cooperative_id, self.prices, self.user_id = shop_id, cooperative_id, prices, user_id

    def record(self, conn: sqlite3.Connection, lines: list[dict], mobile: int = 0) -> str:
        from kissi.store import changes
        from kissi.store.hlc import HLC, now_ms, tick
        from kissi.store.ids import uuid7

        shop, coop, price, dump = self.shop_id, self.cooperative_id, self.prices, changes.dumps
        at = changes.utc_now()
        conn.execute("begin immediate")
        try:
            node_id, last = conn.execute("select id, hlc from node where singleton = 1").fetchone()
            clock = HLC.decode(last)
            rows = [(uuid7(), p, q, price[p], (price[p] * q + 500) // 1000)
                    for p, q in ((line["product_id"], line["qty"]) for line in lines)]
            total = sum(r[4] for r in rows)
            sale = {"id": uuid7(), "shop_id": shop, "user_id": self.user_id, "customer_id": None,
                    "subtotal": total, "discount": 0, "total": total, "cash": total - mobile, "mobile": mobile,
                    "mobile_provider": "orange" if mobile else None, "mobile_ref": None, "credit": 0,
                    "beyond_stock": 1, "at": at, "day": at[:10]}
            conn.execute("insert into sales values (:id, :shop_id, :user_id, :customer_id, :subtotal,"
                         " :discount, :total, :cash, :mobile, :mobile_provider, :mobile_ref, :credit,"
                         " :beyond_stock, :at, :day)", sale)
            clock = tick(clock, now_ms())
            log = [(uuid7(), node_id, clock.encode(), "sales", sale["id"], "insert", dump(sale), shop, coop)]
            for line_id, pid, q, up, amount in rows:
                conn.execute("insert into sale_lines values (?, ?, ?, ?, ?, ?, ?)",
                             (line_id, sale["id"], shop, pid, q, up, amount))
                clock = tick(clock, now_ms())
                log.append((uuid7(), node_id, clock.encode(), "sale_lines", line_id, "insert",
                            dump({"id": line_id, "sale_id": sale["id"], "shop_id": shop, "product_id": pid,
                                  "qty": q, "unit_price": up, "amount": amount}), shop, coop))
            conn.executemany("insert into change_log (id, node_id, hlc, tbl, row_id, op, data, shop_id,"
                             " cooperative_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", log)
            conn.execute("update node set hlc = ? where singleton = 1", [clock.encode()])
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")
        return sale["id"]
