"""Two cooperatives, their trainers and traders, and sales placed on chosen days."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from factories import make_cooperative, make_user
from kissi.shop import credit, products, sales, stock

# A fixed "now": 2026-03-10 at noon UTC (Abidjan is UTC all year, so today is 2026-03-10).
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def days_ago(n: int) -> str:
    return (NOW - timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def sell(db, shop_id, product_id, qty=1000, ago=0, **kw) -> dict:
    return sales.record_sale(db, shop_id, [{"product_id": product_id, "qty": qty}],
                             at=days_ago(ago), **kw)


@pytest.fixture
def coops(db):
    """Coop A (trainer Fatou; traders Awa, Bintou, Chantal) and coop B (trainer Mariam; Fanta).

    Awa: sold today, 3 days ago, 10 days ago and 20 days ago (+ a voided sale today),
    restocked, owes-to-her debts; Bintou: last sale 9 days ago, no stock; Chantal: nothing.
    """
    a, b = make_cooperative(db, "Coop A"), make_cooperative(db, "Coop B")
    fatou = make_user(db, "trainer", cooperative_id=a["id"], name="Fatou", language="en")  # pages checked in English
    awa = make_user(db, cooperative_id=a["id"], name="Awa")
    bintou = make_user(db, cooperative_id=a["id"], name="Bintou")
    chantal = make_user(db, cooperative_id=a["id"], name="Chantal")
    mariam = make_user(db, "trainer", cooperative_id=b["id"], name="Mariam")
    fanta = make_user(db, cooperative_id=b["id"], name="Fanta")
    admin = make_user(db, "admin", name="Admin")
    soap = products.create_product(db, awa["shop_id"], name="Savon", price=250)
    products.create_product(db, awa["shop_id"], name="Riz", price=600, unit="kg")
    stock.restock(db, awa["shop_id"], soap["id"], 10_000)
    for ago, qty in ((0, 2000), (3, 1000), (10, 4000), (20, 1000)):
        sell(db, awa["shop_id"], soap["id"], qty, ago)
    voided = sell(db, awa["shop_id"], soap["id"], 3000, 0)
    sales.void_sale(db, awa["shop_id"], voided["id"], "mistake")
    kadi = credit.create_customer(db, awa["shop_id"], name="Kadi")
    sell(db, awa["shop_id"], soap["id"], 4000, 1, credit=1000, customer_id=kadi["id"])
    credit.record_repayment(db, awa["shop_id"], kadi["id"], 400)
    rose = credit.create_customer(db, awa["shop_id"], name="Rose")
    sell(db, awa["shop_id"], soap["id"], 2000, 2, credit=500, customer_id=rose["id"])
    oil = products.create_product(db, bintou["shop_id"], name="Huile", price=1500)
    sell(db, bintou["shop_id"], oil["id"], 1000, 9)
    fanta_soap = products.create_product(db, fanta["shop_id"], name="Savon", price=300)
    sell(db, fanta["shop_id"], fanta_soap["id"], 1000, 0)
    return {"a": a, "b": b, "fatou": fatou, "awa": awa, "bintou": bintou, "chantal": chantal,
            "mariam": mariam, "fanta": fanta, "admin": admin}
