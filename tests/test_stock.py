import pytest

from factories import table_counts
from kissi.errors import Conflict, Invalid, NotFound
from kissi.shop import products, sales, stock
from ledger_helpers import other_shop, rice, shop, soap  # noqa: F401


def test_restock_loss_and_count_make_the_level(db, shop, soap):
    stock.restock(db, shop["id"], soap["id"], 10_000, cost=2000, supplier="Grossiste")
    stock.record_loss(db, shop["id"], soap["id"], 1000, note="cassé")
    assert stock.stock_level(db, shop["id"], soap["id"]) == 9000
    moved = stock.correct_count(db, shop["id"], soap["id"], 7000)
    assert (moved["qty"], moved["counted"], moved["stock"]) == (-2000, 7000, 7000)
    assert stock.derived_level(db, soap["id"]) == 7000


def test_count_equal_to_level_records_nothing(db, shop, soap):
    stock.restock(db, shop["id"], soap["id"], 5000)
    before = table_counts(db)
    assert stock.correct_count(db, shop["id"], soap["id"], 5000)["id"] is None
    assert table_counts(db) == before


def test_alerts_flag_negative_out_and_low(db, shop, soap, rice):
    stock.restock(db, shop["id"], soap["id"], 2000)  # at threshold -> low
    sales.record_sale(db, shop["id"], [{"product_id": rice["id"], "qty": 500}])  # -> negative
    alerts = {a["product_id"]: a["alert"] for a in stock.alerts(db, shop["id"])}
    assert alerts == {soap["id"]: "low", rice["id"]: "negative"}
    stock.restock(db, shop["id"], rice["id"], 500)
    assert {a["alert"] for a in stock.alerts(db, shop["id"])} == {"low", "out"}


@pytest.mark.parametrize("qty, code", [(0, "qty_not_positive"), (-3000, "qty_not_positive"),
                                       ("x", "not_a_number"), (1500, "whole_number_only")])
def test_bad_restock_quantity_writes_nothing(db, shop, soap, qty, code):
    before = table_counts(db)
    with pytest.raises(Invalid) as err:
        stock.restock(db, shop["id"], soap["id"], qty)
    assert (err.value.code, err.value.field) == (code, "qty")
    assert table_counts(db) == before


def test_restocking_another_shops_or_archived_product_is_refused(db, shop, other_shop, soap):
    with pytest.raises(NotFound):
        stock.restock(db, other_shop["id"], soap["id"], 1000)
    products.archive_product(db, shop["id"], soap["id"])
    with pytest.raises(Conflict):
        stock.restock(db, shop["id"], soap["id"], 1000)


def test_stock_totals_cache_matches_the_facts_after_rebuild(db, shop, soap, rice):
    stock.restock(db, shop["id"], rice["id"], 3500)
    sale = sales.record_sale(db, shop["id"], [{"product_id": rice["id"], "qty": 1250},
                                              {"product_id": soap["id"], "qty": 1000}])
    sales.void_sale(db, shop["id"], sale["id"], "erreur")
    before = stock.stock_levels(db, shop["id"])
    db.execute("update stock_totals set moved = 0")
    stock.rebuild_totals(db)
    assert stock.stock_levels(db, shop["id"]) == before == {
        rice["id"]: stock.derived_level(db, rice["id"]), soap["id"]: stock.derived_level(db, soap["id"])}
