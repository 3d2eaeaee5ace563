import io
import zipfile

import pytest

from api_helpers import api, soap  # noqa: F401
from factories import login, make_cooperative, make_customer, make_product, make_user, table_counts
from web_helpers import png_bytes


def _error(response, status, code, field=None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and error["field"] == field and error["message"]


def test_api_needs_a_logged_in_trader_with_a_shop(client, db):
    _error(client.get("/api/v1/products"), 401, "login_required")
    trainer = make_user(db, "trainer", cooperative_id=make_cooperative(db)["id"])
    login(client, trainer)
    _error(client.get("/api/v1/products"), 403, "no_shop")


def test_product_lifecycle(api, db, trader):
    made = api.post("/products", json={"name": "Riz", "price": 600, "unit": "kg", "icon": "rice"})
    assert made.status_code == 201
    pid = made.get_json()["id"]
    assert api.patch(f"/products/{pid}", json={"price": 650}).get_json()["price"] == 650
    assert db.execute("select count(*) from price_changes where product_id = ?", [pid]).fetchone()[0] == 2
    assert api.post(f"/products/{pid}/archive").get_json()["archived"] is True
    assert api.get("/products").get_json()["products"] == []
    assert api.get("/products?archived=1").get_json()["products"][0]["id"] == pid
    assert api.post(f"/products/{pid}/unarchive").get_json()["archived"] is False


def test_product_photo_is_stored_as_a_thumbnail(api, soap, app):
    sent = api.post(f"/products/{soap['id']}/photo", data={"photo": (io.BytesIO(png_bytes()), "p.png")},
                    content_type="multipart/form-data")
    assert sent.status_code == 200
    name = sent.get_json()["photo"]
    assert name.endswith(".webp") and (app.instance_path + "/photos/" + name)
    _error(api.post(f"/products/{soap['id']}/photo", data=b"GIF89a not a photo",
                    content_type="image/gif"), 422, "photo_unreadable", "photo")


def test_stock_moves_and_alerts(api, soap):
    pid = soap["id"]
    assert api.post(f"/products/{pid}/restock", json={"qty": 5000, "cost": 1000}).get_json()["stock"] == 5000
    assert api.post(f"/products/{pid}/loss", json={"qty": 1000}).get_json()["stock"] == 4000
    counted = api.post(f"/products/{pid}/count", json={"counted": 2000}).get_json()
    assert (counted["qty"], counted["stock"]) == (-2000, 2000)
    assert api.get("/stock/alerts").get_json()["alerts"][0]["alert"] == "low"


def test_sale_void_and_history(api, soap):
    sale = api.post("/sales", json={"lines": [{"product_id": soap["id"], "qty": 2000}],
                                    "mobile": 200, "mobile_provider": "wave"})
    assert sale.status_code == 201
    sale = sale.get_json()
    assert (sale["total"], sale["cash"], sale["beyond_stock"]) == (500, 300, True)
    assert api.get(f"/sales/{sale['id']}").get_json()["lines"][0]["qty"] == 2000
    voided = api.post(f"/sales/{sale['id']}/void", json={"reason": "erreur"})
    assert voided.get_json()["voided"] is True
    _error(api.post(f"/sales/{sale['id']}/void", json={"reason": "again"}), 409, "already_voided", "sale_id")
    assert [s["id"] for s in api.get("/sales").get_json()["sales"]] == [sale["id"]]


def test_credit_repayment_reminder_and_debtors(api, soap):
    customer = api.post("/customers", json={"name": "Mariam", "phone": "07 07 07 07 07"}).get_json()
    api.post("/sales", json={"lines": [{"product_id": soap["id"], "qty": 4000}], "credit": 1000,
                             "customer_id": customer["id"]})
    assert api.get("/debtors").get_json()["debtors"][0]["balance"] == 1000
    repaid = api.post(f"/customers/{customer['id']}/repayments", json={"amount": 400})
    assert repaid.status_code == 201 and repaid.get_json()["balance"] == 600
    _error(api.post(f"/customers/{customer['id']}/repayments", json={"amount": 601}), 422,
           "more_than_owed", "amount")
    detail = api.get(f"/customers/{customer['id']}").get_json()
    assert [e["kind"] for e in detail["entries"]] == ["credit", "repayment"]
    url = api.get(f"/customers/{customer['id']}/reminder").get_json()["url"]
    assert url.startswith("https://wa.me/2250707070707?text=") and "600" in url


def test_day_period_and_export(api, soap):
    api.post("/sales", json={"lines": [{"product_id": soap["id"], "qty": 3000}]})
    today = api.get("/day").get_json()
    assert (today["count"], today["total"], today["cash_expected"]) == (1, 750, 750)
    period = api.get("/period").get_json()
    assert len(period["days"]) == 30 and period["total"] == 750
    _error(api.get("/period?start=2026-01-01&end=nope"), 422, "bad_date", "end")
    exported = api.get("/export")
    assert exported.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(exported.data)).namelist()
    assert "sales.csv" in names and "credit_entries.csv" in names


def test_malformed_json_is_a_400_and_writes_nothing(api, db, soap):
    before = table_counts(db)
    for data in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        _error(api.post("/sales", data=data, content_type="application/json"), 400, "bad_json")
    assert table_counts(db) == before


@pytest.mark.parametrize("payload, status, code, field", [
    ({"lines": [{"product_id": "SOAP", "qty": 0}]}, 422, "qty_not_positive", "lines[0].qty"),
    ({"lines": [{"product_id": "SOAP", "qty": "beaucoup"}]}, 422, "not_a_number", "lines[0].qty"),
    ({"lines": [{"product_id": "SOAP", "qty": -1000}]}, 422, "qty_not_positive", "lines[0].qty"),
    ({"lines": [{"product_id": "SOAP", "qty": 1000, "unit_price": 100_000_001}]}, 422,
     "price_too_high", "lines[0].unit_price"),
    ({"lines": [{"product_id": "OTHER", "qty": 1000}]}, 404, "not_found", "lines[0].product_id"),
    ({"lines": []}, 422, "no_lines", "lines"),
])
def test_bad_sales_answer_4xx_and_write_nothing(api, db, soap, payload, status, code, field):
    other = make_product(db, make_shop_for(db), name="Pagne")
    for line in payload["lines"]:
        line["product_id"] = {"SOAP": soap["id"], "OTHER": other["id"]}[line["product_id"]]
    before = table_counts(db)
    _error(api.post("/sales", json=payload), status, code, field)
    assert table_counts(db) == before


def make_shop_for(db):
    from factories import make_shop

    return make_shop(db, make_cooperative(db, "Coop Treichville"), name="Boutique Fanta")


def test_another_shops_rows_are_not_found(api, db):
    shop = make_shop_for(db)
    product = make_product(db, shop)
    customer = make_customer(db, shop)
    _error(api.get(f"/products/{product['id']}"), 404, "not_found", "product_id")
    _error(api.post(f"/products/{product['id']}/restock", json={"qty": 1000}), 404, "not_found",
           "product_id")
    _error(api.get(f"/customers/{customer['id']}"), 404, "not_found", "customer_id")
    _error(api.post(f"/customers/{customer['id']}/repayments", json={"amount": 1}), 404,
           "not_found", "customer_id")


def test_name_over_80_characters_is_refused(api, db):
    before = table_counts(db)
    _error(api.post("/products", json={"name": "x" * 81, "price": 100}), 422, "name_too_long", "name")
    _error(api.post("/customers", json={"name": "x" * 81}), 422, "name_too_long", "name")
    assert table_counts(db) == before


def test_idempotency_key_replays_the_first_answer(api, db, soap):
    payload = {"lines": [{"product_id": soap["id"], "qty": 1000}]}
    headers = {"Idempotency-Key": "sale-1"}
    first = api.post("/sales", json=payload, headers=headers)
    again = api.post("/sales", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert db.execute("select count(*) from sales").fetchone()[0] == 1


def test_idempotency_key_reused_with_another_body_is_refused_and_writes_nothing(api, db, soap):
    headers = {"Idempotency-Key": "k1"}
    api.post("/sales", json={"lines": [{"product_id": soap["id"], "qty": 1000}]}, headers=headers)
    before = table_counts(db)
    _error(api.post("/sales", json={"lines": [{"product_id": soap["id"], "qty": 2000}]},
                    headers=headers), 422, "idempotency_key_reused", "Idempotency-Key")
    _error(api.post(f"/products/{soap['id']}/restock", json={"qty": 1000}, headers=headers), 422,
           "idempotency_key_reused", "Idempotency-Key")
    assert table_counts(db) == before


def test_failed_call_does_not_consume_its_idempotency_key(api, db, soap):
    headers = {"Idempotency-Key": "retry-me"}
    _error(api.post("/customers", json={"name": ""}, headers=headers), 422, "name_required", "name")
    assert api.post("/customers", json={"name": ""}, headers=headers).status_code == 422
    assert db.execute("select count(*) from idempotency_keys").fetchone()[0] == 0
    assert api.post("/customers", json={"name": "Awa"}, headers=headers).status_code == 201


def test_idempotency_keys_belong_to_one_user(app, db, soap, trader):
    from kissi.coop import members

    headers = {"Idempotency-Key": "same"}
    payload = {"name": "Awa"}
    first = app.test_client()
    first.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(first, trader)
    assert first.post("/api/v1/customers", json=payload, headers=headers).status_code == 201
    helper = make_user(db, "trader", shop_id=trader["shop_id"], name="Helper")
    second = app.test_client()
    second.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(second, helper)
    answer = second.post("/api/v1/customers", json=payload, headers=headers)
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers
    assert db.execute("select count(*) from customers").fetchone()[0] == 2
    assert members.get_user(db, helper["id"])["shop_id"] == trader["shop_id"]
