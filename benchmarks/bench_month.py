"""The subscriber's month on a big shop (run on demand, not part of the tests).

  python benchmarks/bench_month.py [--sales 200000] [--days 365]

SETUP, not measured: a shop with ``--sales`` sales (1 to 3 lines, 20 % mobile money, 5 % on
credit to 50 customers with repayments, 1 % voided) spread over ``--days`` days, bulk-inserted
with plain executemany (no change log; the summary caches are kept by their triggers), then
ANALYZE. Measured: ``kissi.shop.month.month_report`` for the busiest full month (target <= 50 ms),
and in the same run the baseline: the month's totals, payment split, per-day totals and
products summed from the raw ``sales`` / ``sale_lines`` rows (what the report would cost
without the caches). Both must agree on the total.
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

from common import timed

from kissi.shop import credit, month, products  # noqa: E402
from kissi.store import changes, db as store  # noqa: E402
from kissi.store.ids import uuid7  # noqa: E402


def big_shop(path: Path, n: int, days: int):
    db = store.connect(path)
    db.execute("pragma cache_size = -262144")  # setup only: 256 MB, so the bulk insert stays in memory
    store.migrate(db)
    changes.ensure_node(db)
    coop = changes.insert_record(db, "cooperatives", {"name": "Bench", "created_at": changes.utc_now()})
    shop = changes.insert_record(db, "shops", {"name": "Bench", "cooperative_id": coop["id"],
                                               "created_at": changes.utc_now()})
    items = [products.create_product(db, shop["id"], name=f"P{i}", price=100 + 25 * i)
             for i in range(20)]
    customers = [credit.create_customer(db, shop["id"], name=f"C{i}")["id"] for i in range(50)]
    rng = random.Random(11)
    first = date.today() - timedelta(days=days - 1)
    sale_rows, line_rows, void_rows, credit_rows = [], [], [], []
    for i in range(n):
        d = (first + timedelta(days=i * days // n)).isoformat()
        sid = uuid7()
        total = 0
        for p in rng.sample(items, rng.randint(1, 3)):
            qty = rng.randint(1, 5) * 1000
            total += p["price"] * qty // 1000
            line_rows.append((uuid7(), sid, shop["id"], p["id"], qty, p["price"], p["price"] * qty // 1000))
        r = rng.random()
        mobile = total // 2 if r < 0.2 else 0
        owed = total if 0.2 <= r < 0.25 else 0
        who = rng.choice(customers) if owed else None
        at = f"{d}T10:00:00.000Z"
        sale_rows.append((sid, shop["id"], who, total, total, total - mobile - owed, mobile,
                          "wave" if mobile else None, owed, at, d))
        if owed:
            credit_rows.append((uuid7(), shop["id"], who, "credit", owed, sid, None, at, d))
            if rng.random() < 0.7:
                credit_rows.append((uuid7(), shop["id"], who, "repayment", owed, None, "cash",
                                    f"{d}T16:00:00.000Z", d))
        if rng.random() < 0.01:
            void_rows.append((sid, shop["id"], "bench", f"{d}T11:00:00.000Z", d))
    with store.transaction(db):
        db.conn.executemany("insert into sales (id, shop_id, customer_id, subtotal, total, cash,"
                            " mobile, mobile_provider, credit, at, day)"
                            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sale_rows)
        db.conn.executemany("insert into sale_lines values (?, ?, ?, ?, ?, ?, ?)", line_rows)
        db.conn.executemany("insert into sale_voids (id, shop_id, reason, at, day)"
                            " values (?, ?, ?, ?, ?)", void_rows)
        db.conn.executemany("insert into credit_entries (id, shop_id, customer_id, kind, amount,"
                            " sale_id, method, at, day) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            credit_rows)
    db.execute("analyze")
    return db, shop


_RAW_NOT_VOIDED = "not exists (select 1 from sale_voids v where v.id = s.id)"


def raw_month(db, shop_id, start, end):
    """Baseline: the same month summed from the raw sale rows."""
    totals = db.execute(
        "select count(*), sum(total), sum(cash), sum(mobile), sum(credit) from sales s"
        f" where s.shop_id = ? and s.day between ? and ? and {_RAW_NOT_VOIDED}",
        [shop_id, start, end]).fetchone()
    per_day = db.execute(
        "select s.day, count(*), sum(s.total) from sales s where s.shop_id = ?"
        f" and s.day between ? and ? and {_RAW_NOT_VOIDED} group by s.day",
        [shop_id, start, end]).fetchall()
    best = db.execute(
        "select l.product_id, sum(l.qty), sum(l.amount) from sales s join sale_lines l"
        f" on l.sale_id = s.id where s.shop_id = ? and s.day between ? and ? and {_RAW_NOT_VOIDED}"
        " group by l.product_id order by 3 desc", [shop_id, start, end]).fetchall()
    return {"count": totals[0], "total": totals[1], "days": per_day, "best": best}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", type=Path, default=None,
                        help="database file to build once and reuse in later runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        path = args.keep or Path(folder) / "month.sqlite3"
        if path.exists():
            db = store.connect(path)
            shop = next(db.query("select * from shops"))
        else:
            db, shop = big_shop(path, args.sales, args.days)
        print(f"setup: {args.sales} sales over {args.days} days ready in"
              f" {time.perf_counter() - start:.1f} s")
        ym = (date.today().replace(day=1) - timedelta(days=1)).isoformat()[:7]  # last full month
        first, last = month.bounds(ym)
        report = month.month_report(db, shop["id"], ym)
        raw = raw_month(db, shop["id"], first, last)
        assert (report["count"], report["total"]) == (raw["count"], raw["total"]), (report, raw)
        med, worst = timed(lambda: month.month_report(db, shop["id"], ym))
        base_med, base_worst = timed(lambda: raw_month(db, shop["id"], first, last))
        print(f"month {ym}: {report['count']} sales, {report['total']} F,"
              f" growth {report['growth_tenths']} tenths of a %, owed at the end {report['debts_at_end']} F")
        print(f"  month_report (caches):  median {med:.1f} ms, max {worst:.1f} ms (target <= 50 ms)")
        print(f"  baseline (raw rows, fewer figures): median {base_med:.1f} ms, max {base_worst:.1f} ms")
        print(f"  ratio baseline / report: {base_med / med:.1f}x")
        db.conn.close()


if __name__ == "__main__":
    main()
