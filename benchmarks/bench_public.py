"""Public page benchmark (run on demand, not part of the tests).

  python benchmarks/bench_public.py [--shops 2000] [--products 30] [--repeat 50]

- her public page with 30 products: HTML bytes, raw and gzipped (target: <= 14 KB gzipped);
- the directory search (:func:`kissi.public.directory.search`, FTS5) over ``--shops`` published
  shops of one cooperative with ``--products`` products each (2,000 x 30 = 60,000), median and
  p95 over a set of queries (target: <= 20 ms), against a baseline measured in the same run:
  the same joins with a plain ``name LIKE '%word%'`` (which finds neither plurals nor
  accents, and reads every product);
- a sheet of 50 A6 stickers as one PDF (target: <= 3 s).

SETUP, not measured: shops, pages and products are bulk-inserted with executemany (the FTS
triggers index the names; no change log), then ANALYZE.
"""
from __future__ import annotations

import argparse
import gzip
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kissi import create_app  # noqa: E402
from kissi.public import directory, pages, qr  # noqa: E402
from kissi.store import changes, db as store  # noqa: E402
from kissi.store.ids import uuid7  # noqa: E402

GOODS = ["Beurre de karité", "Savon noir", "Savon", "Tomates", "Oignons", "Riz parfumé", "Huile de palme",
         "Pagne wax", "Poisson fumé", "Œufs", "Attiéké", "Piment", "Gombo", "Aubergines", "Igname", "Manioc",
         "Banane plantain", "Arachides", "Sucre", "Lait en poudre", "Farine", "Charbon", "Eau en sachet",
         "Shea butter", "Rice", "Palm oil", "Smoked fish", "Onions", "Tomato paste", "Cloth", "Sandales",
         "Sac de riz", "Cube Maggi", "Thé vert", "Café", "Mangues", "Oranges", "Noix de coco", "Ail", "Sel"]
QUALITIES = ["", " du village", " extra", " de Bouaké", " premier choix", " en gros", " petit", " grand"]
QUERIES = ["karite", "savons", "tomates", "riz", "huile palme", "pagne", "oignon", "poisson fume", "attieke",
           "shea butter", "mangue", "charbon", "oeufs", "gombo", "igname", "sandale"]
SEARCH_SQL = (
    "select p.id, p.name, p.icon, case when pg.show_prices = 1 then p.price end, pg.slug, s.name, pg.market,"
    " pg.stall from products p join shop_pages pg on pg.shop_id = p.shop_id and pg.published = 1"
    " and pg.deleted = 0 join shops s on s.id = p.shop_id and s.deleted = 0 and s.cooperative_id = ?"
    " where p.name like ? and p.archived = 0 and p.deleted = 0 and p.on_page = 1 order by p.name limit 50")


def build(path: Path, n_shops: int, n_products: int) -> str:
    db = store.connect(path)
    store.migrate(db)
    changes.ensure_node(db)
    coop = changes.insert_record(db, "cooperatives", {"name": "Bench", "created_at": changes.utc_now()})
    rng = random.Random(13)
    now = changes.utc_now()
    shops, page_rows, product_rows = [], [], []
    for i in range(n_shops):
        shop_id = uuid7()
        shops.append((shop_id, coop["id"], f"Commerçante {i}", now))
        page_rows.append((pages.page_id(shop_id), shop_id, int(rng.random() < 0.9), f"commercante-{i}",
                          rng.choice(["Adjamé", "Treichville", "Abobo", "Yopougon"]), f"B{i}", now))
        for _ in range(n_products):
            name = rng.choice(GOODS) + rng.choice(QUALITIES)
            product_rows.append((uuid7(), shop_id, name, rng.randint(1, 200) * 50, now))
    with store.transaction(db):
        db.conn.executemany("insert into shops (id, cooperative_id, name, created_at) values (?, ?, ?, ?)", shops)
        db.conn.executemany("insert into shop_pages (id, shop_id, published, slug, market, stall, created_at)"
                            " values (?, ?, ?, ?, ?, ?, ?)", page_rows)
        db.conn.executemany("insert into products (id, shop_id, name, price, created_at) values (?, ?, ?, ?, ?)",
                            product_rows)
    db.execute("analyze")
    db.conn.close()
    return coop["id"]


def percentiles(runs: list[float]) -> tuple[float, float]:
    runs = sorted(runs)
    return statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))]


def bench_search(path: Path, coop_id: str, repeat: int) -> None:
    db = store.connect(path)
    fts, like, hits_fts, hits_like = [], [], 0, 0
    for query in QUERIES:  # warm-up
        directory.search(db, coop_id, query)
    for _ in range(repeat):
        for query in QUERIES:
            started = time.perf_counter()
            hits_fts += len(directory.search(db, coop_id, query))
            fts.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            hits_like += len(db.execute(SEARCH_SQL, [coop_id, f"%{query}%"]).fetchall())
            like.append((time.perf_counter() - started) * 1000)
    db.conn.close()
    for name, runs, hits in (("FTS5 search", fts, hits_fts), ("LIKE baseline", like, hits_like)):
        median, p95 = percentiles(runs)
        print(f"{name:14}: median {median:6.2f} ms, p95 {p95:6.2f} ms over {len(runs)} queries"
              f" ({hits / len(runs):.1f} results a query)")


def bench_page(tmp: Path) -> None:
    app = create_app({"TESTING": True, "SYNC_ENABLED": False}, instance_path=str(tmp / "page"))
    db = store.connect(app.config["DATABASE"])
    store.migrate(db)
    changes.ensure_node(db)
    from kissi.coop import members
    from kissi.shop import products, stock

    members.PIN_HASH_METHOD = "scrypt:1024:8:1"
    coop = members.create_cooperative(db, "Coopérative des commerçantes d'Adjamé", region="Abidjan")
    awa = members.add_user(db, role="trader", phone="0701010101", pin="1010", name="Awa Koné",
                           cooperative_id=coop["id"])
    for i, name in enumerate((GOODS * 2)[:30]):
        p = products.create_product(db, awa["shop_id"], name=f"{name} {i}", price=100 + 50 * i, icon="soap",
                                    low_stock=3000)
        if i % 7:
            stock.restock(db, awa["shop_id"], p["id"], 1000 * (i % 7))
    pages.ensure_page(db, awa["shop_id"], market="Adjamé")
    slug = pages.update_page(db, awa["shop_id"], published=1, stall="Allée B, n° 12",
                             landmark="Près de la porte de la mosquée")["slug"]
    client = app.test_client()
    answer = client.get(f"/s/{slug}", headers={"Accept-Encoding": "gzip", "Accept-Language": "fr"})
    raw = gzip.decompress(answer.data)
    print(f"public page, 30 products: {len(raw):,} bytes of HTML, {len(answer.data):,} gzipped (target <= 14,336)")
    db.conn.close()


def bench_stickers() -> None:
    sheet = [{"url": f"https://kissi.example/s/commercante-{i}", "name": f"Commerçante {i}",
              "place": "Allée B · Adjamé", "scan": "Scanne pour commander"} for i in range(50)]
    started = time.perf_counter()
    pdf = qr.sticker_pdf(sheet)
    print(f"50 A6 stickers as one PDF: {time.perf_counter() - started:.2f} s, {len(pdf):,} bytes (target <= 3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=2000)
    parser.add_argument("--products", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        coop_id = build(tmp / "bench.db", args.shops, args.products)
        print(f"setup: {args.shops:,} shops, {args.shops * args.products:,} products"
              f" in {time.perf_counter() - started:.1f} s")
        bench_search(tmp / "bench.db", coop_id, args.repeat)
        bench_page(tmp)
        bench_stickers()
    print(f"machine load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
