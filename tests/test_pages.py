"""The trader's pages by form posts alone: sell, restock, credit, repayment; scoping; errors."""
import gzip
import re

import pytest

from factories import table_counts
from kissi.prompts import PROMPTS
from kissi.shop import credit, stock
from kissi.web.ui import PAGE_BLUEPRINTS
from web_helpers import awa, other_ids, shop_ids  # noqa: F401 (fixtures)

BUDGET = 14 * 1024


def _level(db, shop_id, product_id):
    return stock.stock_level(db, shop_id, product_id)


def test_home_shows_the_six_tiles_with_labels_and_prompts(awa):
    page = awa.get("/").get_data(as_text=True)
    for prompt in ("home.sell", "home.stock", "home.debts", "home.day", "home.shop", "home.help"):
        assert re.search(rf'<a class="tile" href="[^"]+" aria-label="[^"]+" data-prompt="{prompt}"', page)


def test_cash_sale_in_two_taps_then_confirmation(awa, db, trader, shop_ids):
    grid = awa.get("/sell/").get_data(as_text=True)
    assert f'/sell/{shop_ids["soap"]}' in grid
    answer = awa.post(f"/sell/{shop_ids['soap']}", data={"pay": "cash"})
    assert answer.status_code == 302
    done = awa.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'data-prompt="sale.done"' in done and "250" in done
    assert _level(db, trader["shop_id"], shop_ids["soap"]) == 7000


def test_quantity_keypad_without_javascript(awa, db, trader, shop_ids):
    step = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "", "kp": "3"})
    assert step.status_code == 200 and 'value="3"' in step.get_data(as_text=True)
    assert 'name="cash" value="10000"' not in step.get_data(as_text=True)
    awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "3", "pay": "cash"})
    assert _level(db, trader["shop_id"], shop_ids["soap"]) == 5000


def test_mobile_money_sale_asks_the_provider_then_records(awa, db, trader, shop_ids):
    ask = awa.post(f"/sell/{shop_ids['rice']}", data={"qty": "1,5", "pay": "mobile"})
    page = ask.get_data(as_text=True)
    assert ask.status_code == 200 and 'data-prompt="sale.provider_wave"' in page
    done = awa.post(f"/sell/{shop_ids['rice']}", data={"qty": "1,5", "pay": "mobile",
                                                        "provider": "wave"})
    sale_id = done.headers["Location"].rsplit("/", 1)[1]
    row = db.execute("select total, mobile, mobile_provider from sales where id = ?", [sale_id]).fetchone()
    assert row == (900, 900, "wave")


def test_credit_sale_to_a_new_customer_then_repayment_in_two_parts(awa, db, trader, shop_ids):
    ask = awa.post(f"/sell/{shop_ids['oil']}", data={"qty": "2", "pay": "credit"})
    assert 'name="new_name"' in ask.get_data(as_text=True)
    awa.post(f"/sell/{shop_ids['oil']}", data={"qty": "2", "pay": "credit", "new_name": "Koffi",
                                               "new_phone": "0102030405"})
    koffi = db.execute("select id from customers where name = 'Koffi'").fetchone()[0]
    assert credit.customer_balance(db, trader["shop_id"], koffi) == 3000
    page = awa.get(f"/debts/{koffi}").get_data(as_text=True)
    assert "https://wa.me/2250102030405?text=" in page
    # partial repayment with banknotes tapped on the cash keypad (no JavaScript)
    step = awa.post(f"/debts/{koffi}/repay", data={"amount": "", "cash": "1000"})
    step = awa.post(f"/debts/{koffi}/repay", data={"amount": "1000", "cash": "500"})
    assert 'value="1500"' in step.get_data(as_text=True)
    assert awa.post(f"/debts/{koffi}/repay", data={"amount": "1500"}).status_code == 302
    assert credit.customer_balance(db, trader["shop_id"], koffi) == 1500
    awa.post(f"/debts/{koffi}/repay", data={"all": "1", "amount": ""})
    assert credit.customer_balance(db, trader["shop_id"], koffi) == 0


def test_give_credit_from_the_customer_page_and_a_mixed_sale(awa, db, trader, shop_ids):
    mariam = shop_ids["mariam"]
    before = credit.customer_balance(db, trader["shop_id"], mariam)
    assert f"/sell/?customer={mariam}" in awa.get(f"/debts/{mariam}").get_data(as_text=True)
    awa.post(f"/sell/{shop_ids['soap']}?customer={mariam}", data={"pay": "credit", "customer": mariam})
    assert credit.customer_balance(db, trader["shop_id"], mariam) == before + 250
    awa.post(f"/sell/{shop_ids['oil']}", data={"pay": "mixed", "qty": "1", "now": "1000",
                                               "customer_id": mariam, "confirm": "1"})
    assert credit.customer_balance(db, trader["shop_id"], mariam) == before + 750
    assert db.execute("select cash, credit from sales order by id desc limit 1").fetchone() == (1000, 500)


def test_void_gives_the_stock_back(awa, db, trader, shop_ids):
    level = _level(db, trader["shop_id"], shop_ids["soap"])
    assert awa.post(f"/sell/void/{shop_ids['cash_sale']}", data={"reason": "mistake"}).status_code == 302
    assert _level(db, trader["shop_id"], shop_ids["soap"]) == level + 2000
    assert 'data-prompt="sale.voided"' in awa.get(f"/sell/done/{shop_ids['cash_sale']}").get_data(as_text=True)


def test_restock_with_cost_and_supplier_loss_and_count(awa, db, trader, shop_ids):
    soap = shop_ids["soap"]
    answer = awa.post(f"/stock/{soap}/restock", data={"qty": "12", "cost": "3000", "supplier": "Adjamé"})
    assert answer.status_code == 302
    assert db.execute("select qty, cost, supplier from stock_movements order by id desc limit 1"
                      ).fetchone() == (12000, 3000, "Adjamé")
    awa.post(f"/stock/{soap}/loss", data={"qty": "1"})
    assert _level(db, trader["shop_id"], soap) == 19000
    awa.post(f"/stock/{soap}/count", data={"qty": "15"})
    assert _level(db, trader["shop_id"], soap) == 15000


def test_add_a_product_with_a_photo_then_archive_it(awa, db, trader):
    import io

    from web_helpers import png_bytes

    answer = awa.post("/shop/new", data={"name": "Tomates", "price": "500", "unit": "heap",
                                         "icon": "tomato", "low_stock": "2",
                                         "photo": (io.BytesIO(png_bytes()), "t.png")},
                      content_type="multipart/form-data")
    assert answer.status_code == 302
    pid, photo, low = db.execute("select id, photo, low_stock from products where name = 'Tomates'").fetchone()
    assert low == 2000 and awa.get(f"/shop/photos/{photo}").mimetype == "image/webp"
    awa.post(f"/shop/{pid}", data={"archive": "1"})
    assert db.execute("select archived from products where id = ?", [pid]).fetchone()[0] == 1
    assert pid not in awa.get("/sell/").get_data(as_text=True)


@pytest.mark.parametrize("url, data, prompt", [
    ("/sell/{soap}", {"qty": "0", "pay": "cash"}, "error.qty_not_positive"),
    ("/sell/{soap}", {"qty": "abc", "pay": "cash"}, "error.not_a_number"),
    ("/sell/{soap}", {"qty": "1,5", "pay": "cash"}, "error.whole_number_only"),
    ("/sell/{soap}", {"pay": "credit", "new_name": "x" * 81}, "error.name_too_long"),
    ("/sell/{soap}", {"pay": "mixed", "now": "250", "customer_id": "{mariam}", "confirm": "1"},
     "error.paid_now_too_much"),
    ("/shop/new", {"name": "Sel", "price": "100000001", "unit": "piece"}, "error.price_too_high"),
    ("/shop/new", {"name": "Sel", "price": "0", "unit": "piece"}, "error.price_not_positive"),
    ("/shop/new", {"name": "y" * 81, "price": "100", "unit": "piece"}, "error.name_too_long"),
    ("/stock/{soap}/restock", {"qty": "-3"}, "error.not_a_number"),
    ("/debts/{mariam}/repay", {"amount": "999999"}, "error.more_than_owed"),
    ("/debts/new", {"name": ""}, "error.name_required"),
    ("/sell/void/{cash_sale}", {"reason": "other", "other": ""}, "error.text_required"),
])
def test_bad_input_shows_a_translated_error_and_writes_nothing(awa, db, shop_ids, url, data, prompt):
    data = {k: v.format(**shop_ids) for k, v in data.items()}
    before = table_counts(db)
    answer = awa.post(url.format(**shop_ids), data=data)
    page = answer.get_data(as_text=True)
    assert 400 <= answer.status_code < 500
    assert f'class="err" role="alert" data-prompt="{prompt}"' in page
    assert prompt in PROMPTS
    assert table_counts(db) == before


def test_another_shops_ids_give_404(awa, db, other_ids):
    before = table_counts(db)
    for url in ("/sell/{soap}", "/stock/{soap}", "/stock/{soap}/restock", "/debts/{mariam}",
                "/debts/{mariam}/repay", "/sell/done/{cash_sale}", "/sell/void/{cash_sale}",
                "/shop/{soap}", "/shop/photos/{photo}"):
        assert awa.get(url.format(**other_ids)).status_code == 404, url
    for url, data in (("/sell/{soap}", {"pay": "cash"}), ("/stock/{soap}/loss", {"qty": "1"}),
                      ("/debts/{mariam}/repay", {"all": "1"}), ("/sell/void/{cash_sale}", {"reason": "mistake"}),
                      ("/sell/{rice}", {"pay": "credit", "customer_id": "{mariam}"}),
                      ("/shop/{soap}", {"archive": "1"})):
        answer = awa.post(url.format(**other_ids), data={k: v.format(**other_ids) for k, v in data.items()})
        assert answer.status_code == 404, url
    assert table_counts(db) == before


def _page_urls(app, ids):
    args = {"product_id": ids["soap"], "customer_id": ids["mariam"], "sale_id": ids["credit_sale"],
            "kind": "restock", "ym": "2026-11"}
    ctx = app.test_request_context()
    ctx.push()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint not in PAGE_BLUEPRINTS or "GET" not in rule.methods or rule.endpoint == "myshop.photo":
            continue
        yield rule.endpoint, app.url_for(rule.endpoint, **{a: args[a] for a in rule.arguments})
    ctx.pop()


def _every_page(app, client, ids) -> dict:
    pages = dict(_page_urls(app, ids))
    assert {"pages.home", "sell.products", "sell.item", "stock.move", "debts.repay", "day.today",
            "day.month", "myshop.edit", "auth.language"} <= set(pages)
    bodies = {name: client.get(url) for name, url in pages.items() if name != "sell.basket"}
    # the payment steps are pages too, reached by posting the previous step
    for pay in ("mobile", "credit", "mixed"):
        bodies[f"sell.{pay}"] = client.post(f"/sell/{ids['soap']}", data={"pay": pay})
    bodies["stock.loss"] = client.get(f"/stock/{ids['soap']}/loss")
    bodies["error"] = client.get("/sell/no-such-product")
    for product in ("soap", "rice", "oil"):
        client.post(f"/sell/{ids[product]}", data={"pay": "basket"})
    bodies["sell.basket"] = client.get(pages["sell.basket"])
    bodies["sell.basket_mixed"] = client.post(pages["sell.basket"], data={"pay": "mixed"})
    return bodies


def test_every_prompt_on_every_page_is_declared(app, awa, shop_ids):
    from kissi.prompts import PROMPTS

    for name, answer in _every_page(app, awa, shop_ids).items():
        used = set(re.findall(r'data-prompt="([^"]*)"', answer.get_data(as_text=True)))
        assert used and used <= set(PROMPTS), (name, used - set(PROMPTS))


def test_every_page_fits_in_14_kb_gzipped_with_its_css(app, awa, shop_ids):
    css = awa.get("/static/kissi.css").get_data(as_text=True).strip()
    for name, answer in _every_page(app, awa, shop_ids).items():
        if name == "error":
            continue
        assert answer.status_code == 200, name
        html = answer.get_data(as_text=True)
        assert f"<style>{css}</style>" in html and 'rel="stylesheet"' not in html, name  # inlined
        size = len(gzip.compress(answer.data))
        assert size <= BUDGET, f"{name}: {size} bytes"


def test_basket_of_several_products_paid_at_once(awa, db, trader, shop_ids):
    awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "2", "pay": "basket"})
    item = awa.get(f"/sell/{shop_ids['rice']}").get_data(as_text=True)
    assert 'value="cash"' not in item and 'data-prompt="sale.add"' in item  # basket open: add only
    awa.post(f"/sell/{shop_ids['rice']}", data={"qty": "1,5", "pay": "basket"})
    awa.post(f"/sell/{shop_ids['oil']}", data={"qty": "1", "pay": "basket"})
    assert 'data-prompt="sale.basket"' in awa.get("/sell/").get_data(as_text=True)
    assert awa.post("/sell/basket", data={"remove": "2"}).status_code == 302
    page = awa.get("/sell/basket").get_data(as_text=True)
    assert "1\u202f400\u00a0F\u00a0CFA" in page or "1 400" in page  # 500 + 900
    done = awa.post("/sell/basket", data={"pay": "cash"})
    sale_id = done.headers["Location"].rsplit("/", 1)[1]
    assert db.execute("select count(*), sum(amount) from sale_lines where sale_id = ?",
                      [sale_id]).fetchone() == (2, 1400)
    assert awa.get("/sell/basket").status_code == 302  # emptied once paid
