"""Cooperative benchmark (run on demand, not part of the tests).

  python benchmarks/bench_coop.py [--members 200] [--sales 300] [--repeat 20]

The trainer's members list (:func:`kissi.coop.cooperative.progress`) on a cooperative of
``--members`` traders with ``--sales`` sales each over the last 60 days (some voided), a
few products, stock movements and debts; against a baseline measured in the same run: the
same figures gathered member by member with the existing per-shop domain functions
(``day.period_summary`` for 7 and 28 days, ``credit.debtors``, ``products.list_products``),
as a page would do without the one-query listing. Target: the list <= 100 ms for 200
members. The cards page (24 QR codes) is timed too.

SETUP, not measured: sales and lines are bulk-inserted with plain executemany (triggers
keep the local caches; no change log), then ANALYZE; the list only reads.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kissi.coop import cooperative, members
from kissi.shop import credit, day, products, stock
from kissi.store import changes, db as store
from kissi.store.ids import uuid7  # noqa: E402


def build(path: Path, n_members: int, n_sales: int):
    members.PIN_HASH_METHOD = "scrypt:1024:8:1"  # setup speed only
    db = store.connect(path)
    store.migrate(db)
    changes.ensure_node(db)
    coop = members.create_cooperative(db, "Bench")
    trainer = members.add_user(db, role="trainer", phone="0100000000", pin="2468", name="Fatou",
                               cooperative_id=coop["id"])
    rng = random.Random(3)
    today = date.today()
    sales_rows, line_rows, voids = [], [], []
    for i in range(n_members):
        user = members.add_user(db, role="trader", phone=f"07{i:08d}", pin="2468",
                                name=f"Membre {i}", cooperative_id=coop["id"])
        shop = user["shop_id"]
        items = [products.create_product(db, shop, name=f"P{k}", price=100 + 50 * k)
                 for k in range(5)]
        if i % 5:
            stock.restock(db, shop, items[0]["id"], 50_000)
        if i % 3 == 0:
            who = credit.create_customer(db, shop, name="Client")
            changes.insert_fact(db, "credit_entries", {
                "shop_id": shop, "customer_id": who["id"], "kind": "credit", "amount": 1500,
                "at": changes.utc_now(), "day": today.isoformat()})
        if i % 10 == 9:
            continue  # never sold
        for _ in range(n_sales):
            d = (today - timedelta(days=rng.randint(0 if i % 7 else 9, 60))).isoformat()
            p = rng.choice(items)
            sale_id = uuid7()
            total = p["price"] * 2
            sales_rows.append((sale_id, shop, total, total, total, f"{d}T10:00:00.000Z", d))
            line_rows.append((uuid7(), sale_id, shop, p["id"], 2000, p["price"], total))
            if rng.random() < 0.02:
                voids.append((sale_id, shop, "mistake", f"{d}T11:00:00.000Z", d))
    with store.transaction(db):
        db.conn.executemany("insert into sales (id, shop_id, subtotal, total, cash, at, day)"
                            " values (?, ?, ?, ?, ?, ?, ?)", sales_rows)
        db.conn.executemany("insert into sale_lines (id, sale_id, shop_id, product_id, qty,"
                            " unit_price, amount) values (?, ?, ?, ?, ?, ?, ?)", line_rows)
        db.conn.executemany("insert into sale_voids (id, shop_id, reason, at, day)"
                            " values (?, ?, ?, ?, ?)", voids)
    db.execute("analyze")
    return db, {**trainer, "cooperative_id": coop["id"]}, len(sales_rows)


def baseline(db, actor):
    """The same figures member by member through the per-shop domain functions."""
    rows = []
    for m in db.execute("select id, shop_id from users where role = 'trader' and cooperative_id = ?",
                        [actor["cooperative_id"]]).fetchall():
        today = date.today()
        week = day.period_summary(db, m[1], (today - timedelta(days=6)).isoformat(), today.isoformat())
        month = day.period_summary(db, m[1], (today - timedelta(days=27)).isoformat(), today.isoformat())
        owed = credit.debtors(db, m[1])
        rows.append((m[0], week["count"], week["total"], month["count"], month["total"],
                     len(products.list_products(db, m[1])), sum(d["balance"] for d in owed)))
    return rows


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=200)
    ap.add_argument("--sales", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        db, actor, n = build(Path(tmp) / "bench.sqlite3", args.members, args.sales)
        print(f"setup: {args.members} members, {n} sales in {time.perf_counter() - start:.1f} s")
        now = datetime.now(UTC)
        found = cooperative.progress(db, actor, now=now)
        check = {r[0]: r[1:5] for r in baseline(db, actor)}
        assert all(check[m["id"]] == (m["week_count"], m["week_total"], m["month_count"],
                                      m["month_total"]) for m in found), "figures differ"
        ours = timed(lambda: cooperative.progress(db, actor, now=now), args.repeat)
        base = timed(lambda: baseline(db, actor), max(3, args.repeat // 4))
        print(f"members list (cooperative.progress): {ours:.1f} ms median (target <= 100 ms)")
        print(f"baseline, member by member:          {base:.1f} ms median")
        print(f"ratio baseline / list: {base / ours:.1f}x; stuck: {sum(m['stuck'] for m in found)}")
        ids = [m["id"] for m in found[:24]]

        def make_cards(cold):
            if cold:
                cooperative.qr_svg.cache_clear()
            cooperative.cards(db, actor, "http://192.168.1.10:8080", member_ids=ids)

        cold = timed(lambda: make_cards(True), max(3, args.repeat // 4))
        warm = timed(lambda: make_cards(False), args.repeat)
        print(f"24 login cards: {cold:.1f} ms median with new QR codes, {warm:.1f} ms when kept")


if __name__ == "__main__":
    main()
