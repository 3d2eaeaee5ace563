"""A demo-like shop for the page tests: products (icon and photo), stock, customers, sales."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from factories import login, make_cooperative, make_user
from kissi.shop import credit, photos, products, sales, stock


def png_bytes(color=(200, 80, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), color).save(out, "PNG")
    return out.getvalue()


def fill_shop(app, db, shop_id: str, color=(200, 80, 20)) -> dict:
    """Products, stock, a debt, a sale and a voided sale in ``shop_id``; returns their ids."""
    soap = products.create_product(db, shop_id, name="Savon", price=250, icon="soap",
                                   low_stock=5000)
    rice = products.create_product(db, shop_id, name="Riz", unit="kg", price=600, icon="rice")
    oil = products.create_product(db, shop_id, name="Huile", price=1500, icon="oil")
    photo = photos.save_photo(app.instance_path, png_bytes(color))
    products.update_product(db, shop_id, oil["id"], photo=photo)
    stock.restock(db, shop_id, soap["id"], 10_000, cost=2000, supplier="Grossiste")
    stock.restock(db, shop_id, rice["id"], 25_000)
    mariam = credit.create_customer(db, shop_id, name="Mariam", phone="07 07 07 07 07")
    on_credit = sales.record_sale(db, shop_id, [{"product_id": rice["id"], "qty": 2500}],
                                  credit=1500, customer_id=mariam["id"])
    cash = sales.record_sale(db, shop_id, [{"product_id": soap["id"], "qty": 2000}])
    voided = sales.record_sale(db, shop_id, [{"product_id": soap["id"], "qty": 1000}])
    sales.void_sale(db, shop_id, voided["id"], "mistake")
    return {"soap": soap["id"], "rice": rice["id"], "oil": oil["id"], "photo": photo,
            "mariam": mariam["id"], "credit_sale": on_credit["id"], "cash_sale": cash["id"],
            "voided_sale": voided["id"]}


@pytest.fixture
def shop_ids(app, db, trader):
    return fill_shop(app, db, trader["shop_id"])


@pytest.fixture
def other_ids(app, db, client):
    """Another trader's shop, in another cooperative."""
    fanta = make_user(db, cooperative_id=make_cooperative(db, "Coop Treichville")["id"],
                      name="Fanta")
    return {**fill_shop(app, db, fanta["shop_id"], (20, 80, 200)), "user": fanta}


@pytest.fixture
def awa(client, trader, shop_ids):
    """The client logged in as the trader whose shop is filled."""
    assert login(client, trader).status_code == 302
    return client
