import pytest

from factories import make_customer, table_counts
from kissi.errors import Conflict, Invalid, NotFound
from kissi.shop import credit, products, sales, stock
from ledger_helpers import mariam, other_shop, rice, shop, soap  # noqa: F401


def test_cash_sale_defaults_to_the_product_price(db, shop, soap):
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 3000}])
    assert (sale["total"], sale["cash"], sale["mobile"], sale["credit"]) == (750, 750, 0, 0)
    assert sale["lines"][0]["unit_price"] == 250


def test_line_amount_rounds_half_up_with_integers():
    assert sales.line_amount(600, 1500) == 900
    assert sales.line_amount(333, 1500) == 500  # 499.5 -> 500
    assert sales.line_amount(333, 1499) == 499  # 499.167 -> 499
    assert sales.line_amount(1, 500) == 1 and sales.line_amount(1, 499) == 0


def test_mixed_payment_puts_the_rest_on_credit(db, shop, soap, rice, mariam):
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 2000},
                                              {"product_id": rice["id"], "qty": 2500, "unit_price": 550}],
                             discount=75, mobile=500, mobile_provider="orange", mobile_ref="TX1",
                             credit=1000, customer_id=mariam["id"])
    assert (sale["subtotal"], sale["total"], sale["cash"]) == (1875, 1800, 300)
    assert credit.customer_balance(db, shop["id"], mariam["id"]) == 1000
    assert sale == sales.get_sale(db, shop["id"], sale["id"])  # what was written, as read back


def test_selling_beyond_recorded_stock_is_allowed_but_flagged(db, shop, soap):
    stock.restock(db, shop["id"], soap["id"], 2000)
    ok = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 2000}])
    assert ok["beyond_stock"] is False
    # two lines of the same product count together
    beyond = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000},
                                                {"product_id": soap["id"], "qty": 1000}])
    assert beyond["beyond_stock"] is True
    assert stock.stock_level(db, shop["id"], soap["id"]) == -2000


def test_void_restores_stock_and_removes_the_credit(db, shop, soap, mariam):
    stock.restock(db, shop["id"], soap["id"], 5000)
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 4000}],
                             credit=1000, customer_id=mariam["id"])
    voided = sales.void_sale(db, shop["id"], sale["id"], "wrong product")
    assert voided["voided"] and voided["void"]["reason"] == "wrong product"
    assert stock.stock_level(db, shop["id"], soap["id"]) == 5000
    assert credit.customer_balance(db, shop["id"], mariam["id"]) == 0
    assert [s["id"] for s in sales.list_sales(db, shop["id"])] == [sale["id"]]  # stays in history


def test_voiding_twice_is_a_conflict_and_writes_nothing(db, shop, soap):
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}])
    sales.void_sale(db, shop["id"], sale["id"], "oops")
    before = table_counts(db)
    with pytest.raises(Conflict):
        sales.void_sale(db, shop["id"], sale["id"], "again")
    assert table_counts(db) == before


SOAP = "<soap>"  # replaced by the soap product's id


@pytest.mark.parametrize("lines, kwargs, code, field", [
    ([], {}, "no_lines", "lines"),
    ([{"qty": 1000}], {}, "not_found", "lines[0].product_id"),
    ([{"product_id": "nope", "qty": 1000}], {}, "not_found", "lines[0].product_id"),
    ([{"product_id": SOAP, "qty": 0}], {}, "qty_not_positive", "lines[0].qty"),
    ([{"product_id": SOAP, "qty": -1000}], {}, "qty_not_positive", "lines[0].qty"),
    ([{"product_id": SOAP, "qty": "deux"}], {}, "not_a_number", "lines[0].qty"),
    ([{"product_id": SOAP, "qty": 1500}], {}, "whole_number_only", "lines[0].qty"),
    ([{"product_id": SOAP, "qty": 1000, "unit_price": 0}], {}, "price_not_positive", "lines[0].unit_price"),
    ([{"product_id": SOAP, "qty": 1000, "unit_price": 100_000_001}], {}, "price_too_high",
     "lines[0].unit_price"),
    ([{"product_id": SOAP, "qty": 1000}], {"discount": 250}, "discount_too_big", "discount"),
    ([{"product_id": SOAP, "qty": 1000}], {"mobile": 100}, "unknown_mobile_provider", "mobile_provider"),
    ([{"product_id": SOAP, "qty": 1000}], {"mobile": 100, "mobile_provider": "paypal"},
     "unknown_mobile_provider", "mobile_provider"),
    ([{"product_id": SOAP, "qty": 1000}], {"credit": 100}, "customer_required", "customer_id"),
    ([{"product_id": SOAP, "qty": 1000}], {"mobile": 200, "mobile_provider": "mtn", "credit": 100},
     "paid_more_than_total", "credit"),
    ([{"product_id": SOAP, "qty": 1000}], {"credit": 100, "customer_id": "ghost"}, "not_found",
     "customer_id"),
])
def test_bad_sale_is_refused_with_code_and_field_and_writes_nothing(db, shop, soap, lines, kwargs,
                                                                    code, field):
    lines = [{**line, "product_id": soap["id"]} if line.get("product_id") == SOAP else line
             for line in lines]
    before = table_counts(db)
    with pytest.raises(NotFound if code == "not_found" else Invalid) as err:
        sales.record_sale(db, shop["id"], lines, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)
    assert table_counts(db) == before


def test_selling_another_shops_or_archived_product_is_refused(db, shop, other_shop, soap):
    with pytest.raises(NotFound):
        sales.record_sale(db, other_shop["id"], [{"product_id": soap["id"], "qty": 1000}])
    products.archive_product(db, shop["id"], soap["id"])
    with pytest.raises(Conflict):
        sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}])


def test_credit_to_another_shops_customer_is_refused(db, shop, other_shop, soap):
    stranger = make_customer(db, other_shop)
    with pytest.raises(NotFound):
        sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}], credit=250,
                          customer_id=stranger["id"])


def test_another_shops_sale_is_not_found_and_cannot_be_voided(db, shop, other_shop, soap):
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}])
    with pytest.raises(NotFound):
        sales.get_sale(db, other_shop["id"], sale["id"])
    with pytest.raises(NotFound):
        sales.void_sale(db, other_shop["id"], sale["id"], "mine now")
    assert sales.list_sales(db, other_shop["id"]) == []


def test_list_sales_pages_back_newest_first(db, shop, soap):
    ids = [sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 1000}])["id"]
           for _ in range(5)]
    first = sales.list_sales(db, shop["id"], limit=3)
    rest = sales.list_sales(db, shop["id"], before=first[-1]["id"], limit=3)
    assert [s["id"] for s in first + rest] == ids[::-1]
