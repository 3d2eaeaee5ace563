import pytest

from factories import make_product, table_counts
from kissi.errors import Conflict, Invalid, NotFound
from kissi.shop import ledger, products
from ledger_helpers import other_shop, shop, soap  # noqa: F401


def test_create_product_records_its_first_price(db, shop):
    p = products.create_product(db, shop["id"], name="  Huile  ", price=1000, unit="litre",
                                icon="oil", cost_price=800)
    assert (p["name"], p["unit"], p["divisible"], p["stock"], p["status"]) == ("Huile", "litre", True, 0, "out")
    history = db.execute("select price, cost_price from price_changes where product_id = ?", [p["id"]]).fetchall()
    assert history == [(1000, 800)]


def test_price_change_appends_a_dated_fact(db, shop, soap):
    products.update_product(db, shop["id"], soap["id"], price=300)
    products.update_product(db, shop["id"], soap["id"], name="Savon Marseille")  # no price fact
    rows = db.execute("select price, day from price_changes where product_id = ? order by rowid",
                      [soap["id"]]).fetchall()
    assert [r[0] for r in rows] == [250, 300]
    assert rows[1][1] == ledger.today(db, shop["id"])


@pytest.mark.parametrize("fields, code, field", [
    ({"price": 0}, "price_not_positive", "price"),
    ({"price": -5}, "price_not_positive", "price"),
    ({"price": 100_000_001}, "price_too_high", "price"),
    ({"price": "abc"}, "not_a_number", "price"),
    ({"price": 2.5}, "not_a_number", "price"),
    ({"name": "x" * 81}, "name_too_long", "name"),
    ({"name": "   "}, "name_required", "name"),
    ({"unit": "ton"}, "unknown_unit", "unit"),
    ({"icon": "rocket"}, "unknown_icon", "icon"),
    ({"low_stock": 1500}, "whole_number_only", "low_stock"),
])
def test_bad_product_input_is_refused_and_writes_nothing(db, shop, fields, code, field):
    before = table_counts(db)
    with pytest.raises(Invalid) as err:
        products.create_product(db, shop["id"], **{"name": "Savon", "price": 250, **fields})
    assert (err.value.code, err.value.field) == (code, field)
    assert table_counts(db) == before


def test_price_of_exactly_one_hundred_million_is_accepted(db, shop):
    assert make_product(db, shop, price=100_000_000)["price"] == 100_000_000


def test_another_shops_product_is_not_found(db, shop, other_shop, soap):
    with pytest.raises(NotFound):
        products.get_product(db, other_shop["id"], soap["id"])
    with pytest.raises(NotFound):
        products.update_product(db, other_shop["id"], soap["id"], price=1)
    assert products.list_products(db, other_shop["id"]) == []


def test_archived_product_is_listed_apart_and_cannot_be_sold(db, shop, soap):
    products.archive_product(db, shop["id"], soap["id"])
    assert products.list_products(db, shop["id"]) == []
    assert [p["id"] for p in products.list_products(db, shop["id"], archived=True)] == [soap["id"]]
    with pytest.raises(Conflict):
        products.sellable_product(db, shop["id"], soap["id"])
    assert products.unarchive_product(db, shop["id"], soap["id"])["archived"] is False


def test_unit_cannot_change_once_stock_moved(db, shop, soap):
    from kissi.shop import stock

    assert products.update_product(db, shop["id"], soap["id"], unit="box")["unit"] == "box"
    stock.restock(db, shop["id"], soap["id"], 3000)
    with pytest.raises(Conflict):
        products.update_product(db, shop["id"], soap["id"], unit="kg")


@pytest.mark.parametrize("text, unit, qty", [
    ("3", "piece", 3000), ("1,5", "kg", 1500), ("1.5", "kg", 1500), (" 0,25 ", "litre", 250),
    ("2,125", "kg", 2125), (4, "bag", 4000),
])
def test_parse_qty_reads_commas_and_dots_as_thousandths(text, unit, qty):
    assert products.parse_qty(text, unit) == qty


@pytest.mark.parametrize("text, unit, code", [
    ("1,5", "piece", "whole_number_only"), ("0", "kg", "qty_not_positive"),
    ("-1", "kg", "not_a_number"), ("abc", "kg", "not_a_number"), ("1,2345", "kg", "not_a_number"),
    ("", "kg", "not_a_number"), (None, "kg", "not_a_number"), ("1e3", "kg", "not_a_number"),
])
def test_parse_qty_refuses_what_is_not_a_quantity(text, unit, code):
    with pytest.raises(Invalid) as err:
        products.parse_qty(text, unit)
    assert err.value.code == code


def test_every_icon_is_an_emoji_and_units_know_divisibility():
    assert len(products.ICONS) >= 30
    assert all(not v.isascii() for v in products.ICONS.values())
    assert products.UNITS["kg"].divisible and not products.UNITS["heap"].divisible


@pytest.mark.parametrize("value", ["²", "--5", "-", "١٢", "1_000", " ", 10**20])
def test_odd_numbers_are_refused_not_crashing(db, shop, value):
    with pytest.raises(Invalid):
        products.create_product(db, shop["id"], name="Savon", price=value)
    with pytest.raises(Invalid):
        products.parse_qty(value, "piece")
