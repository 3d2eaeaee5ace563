"""Demo data: a cooperative, a trainer and two traders with two weeks of market life.

Everything goes through the domain (members, products, stock, sales, credit), so the
demo is also a smoke test of the whole write path. Random choices use a fixed seed: the
same figures every time (ids and "today" differ).
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import sqlite_utils

from ..coop import members
from ..public import pages
from ..shop import credit, ledger, products, sales, stock
from ..store.db import transaction

DAYS = 14
SEED = 2026

COOPERATIVE = ("Coopérative des commerçantes d'Adjamé", "Abidjan")
TRAINER = {"name": "Fatou Diallo", "phone": "0703030303", "pin": "30303030"}
TRADERS = [
    {"name": "Awa Koné", "phone": "0701010101", "pin": "1010", "goods": [
        ("Savon", "soap", "piece", 250, 150, 10), ("Huile", "oil", "litre", 1200, 900, 4),
        ("Riz", "rice", "kg", 600, 450, 10), ("Sucre", "sugar", "kg", 800, 600, 3),
        ("Pagne wax", "wax", "piece", 6000, 4500, 2), ("Tomates", "tomato", "heap", 200, 100, 5),
        ("Oignons", "onion", "kg", 500, 350, 3), ("Lait", "milk", "packet", 350, 250, 5),
        ("Sel", "salt", "packet", 100, 60, 5), ("Piment", "pepper", "heap", 100, 50, 5)]},
    {"name": "Aminata Traoré", "phone": "0702020202", "pin": "2020", "goods": [
        ("Poisson fumé", "fish", "piece", 500, 300, 5), ("Œufs", "egg", "piece", 100, 75, 30),
        ("Pain", "bread", "piece", 150, 110, 10), ("Eau en sachet", "water", "bag", 50, 30, 20),
        ("Charbon", "charcoal", "bag", 3500, 2800, 2), ("Farine", "flour", "kg", 500, 380, 5),
        ("Banane plantain", "plantain", "bunch", 1500, 1000, 3),
        ("Arachides", "peanut", "bowl", 300, 200, 5)]},
]
CUSTOMERS = [("Mariam", "0707070701"), ("Salimata", "0707070702"), ("Adjoua", None),
             ("Kadi", "0707070704")]
PROVIDERS = list(ledger.MOBILE_PROVIDERS)
# Awa Koné's public page is published, so a newcomer sees one at once (Aminata's is not).
PAGE = {"market": "Adjamé", "stall": "Allée B, n° 12", "landmark": "Près de la porte de la mosquée"}


def _at(day, rng, hour_from=7, hour_to=19) -> str:
    moment = datetime.combine(day, time(rng.randint(hour_from, hour_to - 1), rng.randint(0, 59),
                                        rng.randint(0, 59)), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _fill_shop(db, shop_id, goods, rng, first_day) -> dict:
    created = _at(first_day - timedelta(days=1), rng)
    items = []
    for name, icon, unit, price, cost, low in goods:
        p = products.create_product(db, shop_id, name=name, icon=icon, unit=unit, price=price,
                                    cost_price=cost, low_stock=low * 1000, at=created)
        stock.restock(db, shop_id, p["id"], low * 4000, cost=cost * low * 4,
                      supplier="Grossiste Adjamé", at=created)
        items.append(p)
    people = [credit.create_customer(db, shop_id, name=n, phone=ph, at=created)
              for n, ph in rng.sample(CUSTOMERS, 3)]
    counts = {"sales": 0, "voids": 0, "repayments": 0}
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        # the morning run to the wholesaler: whatever ran low is bought again
        for p in items:
            if stock.stock_level(db, shop_id, p["id"]) < p["low_stock"] * 2:
                stock.restock(db, shop_id, p["id"], p["low_stock"] * 4, at=_at(day, rng, 6, 7))
        # the day's sales in time order, so that their time-ordered ids follow the clock
        for moment in sorted(_at(day, rng) for _ in range(rng.randint(8, 18))):
            lines = [{"product_id": p["id"],
                      "qty": rng.choice([250, 500, 1000, 1500, 2000]) if p["divisible"]
                      else rng.randint(1, 3) * 1000} for p in rng.sample(items, rng.randint(1, 3))]
            total = sum(sales.line_amount(p["price"], line["qty"])
                        for p, line in zip((next(i for i in items if i["id"] == line["product_id"])
                                            for line in lines), lines, strict=False))
            kind, payment = rng.random(), {}
            if kind < 0.15:
                payment = {"mobile": total, "mobile_provider": rng.choice(PROVIDERS),
                           "mobile_ref": f"TX{rng.randint(100000, 999999)}"}
            elif kind < 0.25:
                payment = {"credit": total, "customer_id": rng.choice(people)["id"]}
            elif kind < 0.30 and total >= 200:
                payment = {"credit": total // 2, "customer_id": rng.choice(people)["id"]}
            sale = sales.record_sale(db, shop_id, lines, at=moment, **payment)
            counts["sales"] += 1
            if rng.random() < 0.03:
                sales.void_sale(db, shop_id, sale["id"], "Erreur de saisie", at=sale["at"])
                counts["voids"] += 1
        for person in people:
            owed = credit.customer_balance(db, shop_id, person["id"])
            if owed > 0 and rng.random() < 0.25:
                amount = owed if rng.random() < 0.5 else max(1, owed // 2)
                credit.record_repayment(db, shop_id, person["id"], amount, at=_at(day, rng, 17, 19))
                counts["repayments"] += 1
    return counts


def load_demo(db: sqlite_utils.Database, *, today=None) -> dict:
    """Load the demo cooperative; returns the logins (role, name, phone, PIN) and counts."""
    rng = random.Random(SEED)
    today = today or datetime.now(UTC).date()
    first_day = today - timedelta(days=DAYS - 1)
    logins, counts = [], {}
    with transaction(db):
        coop = members.create_cooperative(db, *COOPERATIVE)
        trainer = members.add_user(db, role="trainer", phone=TRAINER["phone"], pin=TRAINER["pin"],
                                   name=TRAINER["name"], cooperative_id=coop["id"])
        logins.append({"role": "trainer", **{k: TRAINER[k] for k in ("name", "phone", "pin")},
                       "id": trainer["id"]})
        for spec in TRADERS:
            user = members.add_user(db, role="trader", phone=spec["phone"], pin=spec["pin"],
                                    name=spec["name"], cooperative_id=coop["id"])
            counts[spec["name"]] = _fill_shop(db, user["shop_id"], spec["goods"], rng, first_day)
            logins.append({"role": "trader", **{k: spec[k] for k in ("name", "phone", "pin")},
                           "id": user["id"], "shop_id": user["shop_id"]})
        _subscriptions(db, [x["shop_id"] for x in logins if x["role"] == "trader"])
        awa = logins[1]["shop_id"]
        pages.ensure_page(db, awa, market=PAGE["market"])
        page = pages.update_page(db, awa, published=1, **PAGE)
    return {"cooperative_id": coop["id"], "logins": logins, "counts": counts, "public_slug": page["slug"]}


def _subscriptions(db, shop_ids) -> None:
    """The default plans; the first trader on the small stall plan and paid up this month,
    the others on it too and not yet paid (so the reminder and the trainer's list show)."""
    from ..coop import plans

    plans.ensure_default_plans(db)
    for i, shop_id in enumerate(shop_ids):
        sub = plans.subscribe(db, None, shop_id, "stall")
        if i == 0:
            plans.record_payment(db, None, shop_id, sub["start_month"])


def has_users(db: sqlite_utils.Database) -> bool:
    return db.execute("select exists (select 1 from users)").fetchone()[0] == 1
