"""Shop-ledger benchmark (run on demand, not part of the tests).

  python benchmarks/bench_ledger.py [--sales 20000] [--big 200000] [--http 2000] [--clients 4]

(a) Record sales (1 to 3 lines) through the domain layer (``kissi.shop.sales.record_sale``),
    and the same rows (sales, sale_lines, change_log) written with plain sqlite3 in the
    same pattern (one BEGIN IMMEDIATE transaction per sale) on an identical database, in
    the same run: sales/s of each and the ratio (target >= 0.5).
(b) Day summary and 30-day summary on a shop with 200,000 sales (target <= 50 ms each).
    SETUP, not measured: the big shop's rows are bulk-inserted with plain executemany
    (no change log), then ANALYZE; the summaries only read.
(c) The same sale over HTTP (waitress on loopback, 4 concurrent clients) against the same sale
    written plainly (a minimal Flask view, sqlite3 over a kept connection) on the same waitress,
    in the same run: sales/s of each, the ratio (target >= 0.5), the sale's p50 and p95 latency
    (target p50 <= 10 ms) and the machine's load (``benchmarks/bench_http.py``).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import PlainSale, plain_connection, timed

from kissi.shop import day, products, sales  # noqa: E402
from kissi.store import changes, db as store  # noqa: E402
from kissi.store.ids import uuid7  # noqa: E402


def fresh_db(path: Path):
    db = store.connect(path)
    store.migrate(db)
    changes.ensure_node(db)
    coop = changes.insert_record(db, "cooperatives", {"name": "Bench", "created_at": changes.utc_now()})
    shop = changes.insert_record(db, "shops", {"name": "Bench", "cooperative_id": coop["id"],
                                               "created_at": changes.utc_now()})
    items = [products.create_product(db, shop["id"], name=f"P{i}", price=100 + 25 * i,
                                     unit="kg" if i % 4 == 0 else "piece")
             for i in range(20)]
    return db, shop, coop, items


def sale_plan(items, n, seed=7):
    rng = random.Random(seed)
    plan = []
    for _ in range(n):
        lines = []
        for p in rng.sample(items, rng.randint(1, 3)):
            qty = rng.randint(1, 5) * 1000 if p["unit"] == "piece" else rng.randint(250, 3000)
            lines.append({"product_id": p["id"], "qty": qty})
        mobile = rng.random() < 0.2
        plan.append((lines, mobile))
    return plan


def run_domain(db, shop, plan):
    start = time.perf_counter()
    for lines, mobile in plan:
        kwargs = {}
        if mobile:
            kwargs = {"mobile": 20, "mobile_provider": "orange"}
        sales.record_sale(db, shop["id"], lines, **kwargs)
    return time.perf_counter() - start


def run_plain(path: Path, shop, coop, items, plan):
    """The same rows with plain sqlite3 (``common.PlainSale``): sales, sale_lines and their change_log entries."""
    conn = plain_connection(path)
    plain = PlainSale(shop["id"], coop["id"], {p["id"]: p["price"] for p in items})
    start = time.perf_counter()
    for lines, mobile in plan:
        plain.record(conn, lines, 20 if mobile else 0)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bench_write(n: int, tmp: Path):
    db, shop, coop, items = fresh_db(tmp / "domain.sqlite3")
    plan = sale_plan(items, n)
    domain_s = run_domain(db, shop, plan)
    db.conn.close()
    db2, shop2, coop2, items2 = fresh_db(tmp / "plain.sqlite3")
    remap = {a["id"]: b for a, b in zip(items, items2, strict=True)}
    plan2 = [([{"product_id": remap[line["product_id"]]["id"], "qty": line["qty"]} for line in lines], m)
             for lines, m in plan]
    db2.conn.close()
    plain_s = run_plain(tmp / "plain.sqlite3", shop2, coop2, items2, plan2)
    d, p = n / domain_s, n / plain_s
    print(f"(a) {n} sales  domain: {d:,.0f} sales/s   plain sqlite3: {p:,.0f} sales/s"
          f"   ratio {d / p:.2f} (target >= 0.5)")


def bulk_shop(path: Path, n: int, days: int = 730):
    """SETUP: a shop with ``n`` sales over ``days`` days, bulk-inserted (no change log)."""
    db, shop, coop, items = fresh_db(path)
    rng = random.Random(11)
    first = date.today() - timedelta(days=days - 1)
    sale_rows, line_rows, void_rows = [], [], []
    for i in range(n):
        d = (first + timedelta(days=i * days // n)).isoformat()
        sid = uuid7()
        total = 0
        for p in rng.sample(items, rng.randint(1, 3)):
            qty = rng.randint(1, 5) * 1000
            amount = p["price"] * qty // 1000
            total += amount
            line_rows.append((uuid7(), sid, shop["id"], p["id"], qty, p["price"], amount))
        mobile = total // 2 if rng.random() < 0.2 else 0
        sale_rows.append((sid, shop["id"], total, total, total - mobile, mobile,
                          "wave" if mobile else None, f"{d}T10:00:00.000Z", d))
        if rng.random() < 0.01:
            void_rows.append((sid, shop["id"], "bench", f"{d}T11:00:00.000Z", d))
    with store.transaction(db):
        db.conn.executemany("insert into sales (id, shop_id, subtotal, total, cash, mobile,"
                            " mobile_provider, at, day) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", sale_rows)
        db.conn.executemany("insert into sale_lines values (?, ?, ?, ?, ?, ?, ?)", line_rows)
        db.conn.executemany("insert into sale_voids (id, shop_id, reason, at, day)"
                            " values (?, ?, ?, ?, ?)", void_rows)
    db.execute("analyze")
    return db, shop, first + timedelta(days=days - 1)


def bench_summaries(n: int, tmp: Path):
    start = time.perf_counter()
    db, shop, last = bulk_shop(tmp / "big.sqlite3", n)
    print(f"(b) setup: {n} sales bulk-inserted in {time.perf_counter() - start:.1f} s")
    one = last.isoformat()
    month = (last - timedelta(days=29)).isoformat()
    med, worst = timed(lambda: day.day_summary(db, shop["id"], one))
    count = day.day_summary(db, shop["id"], one)["count"]
    print(f"    day summary ({count} sales that day): median {med:.1f} ms, max {worst:.1f} ms"
          " (target <= 50 ms)")
    med, worst = timed(lambda: day.period_summary(db, shop["id"], month, one))
    count = day.period_summary(db, shop["id"], month, one)["count"]
    print(f"    30-day summary ({count} sales): median {med:.1f} ms, max {worst:.1f} ms"
          " (target <= 50 ms)")
    db.conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=20_000, help="sales to record (0: skip)")
    parser.add_argument("--big", type=int, default=200_000, help="sales of the big shop (0: skip)")
    parser.add_argument("--http", type=int, default=2_000, help="requests per HTTP run (0: skip)")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.sales:
            bench_write(args.sales, tmp)
        if args.big:
            bench_summaries(args.big, tmp)
        if args.http:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_http import bench_http

            bench_http(args.http, args.clients, tmp)


if __name__ == "__main__":
    main()
