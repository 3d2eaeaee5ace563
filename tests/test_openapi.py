"""The OpenAPI document stays true: routes and document agree, real answers fit the schemas."""
import io
import re

import jsonschema

from api_helpers import api, soap  # noqa: F401
from kissi.web import openapi
from web_helpers import png_bytes


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
            found |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_route_is_documented_and_every_documented_route_exists(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == _routes(app)


def test_document_is_a_valid_openapi_31_shape(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    refs = re.findall(r'"#/components/schemas/([A-Za-z]+)"', str(doc).replace("'", '"'))
    assert set(refs) <= set(doc["components"]["schemas"])


def _validate(doc, method, path, response):
    op = doc["paths"][path][method]
    spec = op["responses"].get(str(response.status_code))
    assert spec, f"{method} {path} answered an undocumented {response.status_code}"
    content = spec["content"]
    assert response.mimetype in content, (method, path, response.mimetype)
    if response.mimetype == "application/json":
        schema = {**content["application/json"]["schema"], "components": doc["components"]}
        jsonschema.validate(response.get_json(), schema, cls=jsonschema.Draft202012Validator)


def test_real_answers_of_every_operation_fit_the_documented_schemas(api, soap, client, db, trader):
    doc = client.get("/api/v1/openapi.json").get_json()
    seen = set()

    def call(method, path, template, **kwargs):
        response = getattr(api, method)(path, **kwargs)
        _validate(doc, method, template, response)
        if response.status_code < 400:
            seen.add((method, template))
        return response.get_json() if response.mimetype == "application/json" else None

    pid = soap["id"]
    p = "/products/{product_id}"
    call("post", "/products", "/products", json={"name": "Riz", "price": 600, "unit": "kg"})
    call("get", "/products", "/products")
    call("get", f"/products/{pid}", p)
    call("patch", f"/products/{pid}", p, json={"price": 300, "cost_price": None})
    call("post", f"/products/{pid}/archive", p + "/archive")
    call("post", f"/products/{pid}/unarchive", p + "/unarchive")
    call("post", f"/products/{pid}/photo", p + "/photo",
         data={"photo": (io.BytesIO(png_bytes()), "p.png")}, content_type="multipart/form-data")
    call("post", f"/products/{pid}/restock", p + "/restock", json={"qty": 3000, "supplier": "G"})
    call("post", f"/products/{pid}/loss", p + "/loss", json={"qty": 1000})
    call("post", f"/products/{pid}/count", p + "/count", json={"counted": 2000})
    call("post", f"/products/{pid}/count", p + "/count", json={"counted": 2000})  # no change
    call("get", "/stock/alerts", "/stock/alerts")
    customer = call("post", "/customers", "/customers", json={"name": "Awa", "phone": "0707070707"})
    c = "/customers/{customer_id}"
    cid = customer["id"]
    sale = call("post", "/sales", "/sales", json={
        "lines": [{"product_id": pid, "qty": 5000, "unit_price": 240}], "discount": 100,
        "mobile": 300, "mobile_provider": "orange", "mobile_ref": "X1", "credit": 500,
        "customer_id": cid})
    call("get", "/sales", "/sales")
    call("get", f"/sales/{sale['id']}", "/sales/{sale_id}")
    other = call("post", "/sales", "/sales", json={"lines": [{"product_id": pid, "qty": 1000}]})
    call("post", f"/sales/{other['id']}/void", "/sales/{sale_id}/void", json={"reason": "oops"})
    call("get", "/customers", "/customers")
    call("patch", f"/customers/{cid}", c, json={"phone": "+225 07 07 07 07 08"})
    call("post", f"/customers/{cid}/photo", c + "/photo", data=png_bytes(), content_type="image/png")
    call("post", f"/customers/{cid}/repayments", c + "/repayments",
         json={"amount": 200, "method": "mobile", "mobile_provider": "mtn"})
    call("get", f"/customers/{cid}", c)
    call("get", f"/customers/{cid}/reminder", c + "/reminder")
    call("get", "/debtors", "/debtors")
    call("get", "/day", "/day")
    call("get", "/period", "/period")
    call("get", "/month/2026-11", "/month/{ym}")
    call("get", "/subscription", "/subscription")
    call("get", "/export", "/export")
    call("get", "/openapi.json", "/openapi.json")
    call("post", "/listen", "/listen", data={"audio": (io.BytesIO(b""), "a.ogg")},
         content_type="multipart/form-data")  # an error answer; a success is checked below
    seen.add(("post", "/listen"))
    # error answers fit the Error schema too
    call("get", "/products/nope", p)
    call("post", "/sales", "/sales", json={"lines": []})
    call("post", "/sales", "/sales", data=b"{", content_type="application/json")
    call("post", f"/sales/{other['id']}/void", "/sales/{sale_id}/void", json={"reason": "x"})
    # a trainer of her cooperative: subscriptions
    from factories import login, make_user
    from kissi.coop import plans

    plans.ensure_default_plans(db)
    plans.subscribe(db, None, trader["shop_id"], "stall")
    client.post("/logout")
    assert login(client, make_user(db, "trainer", cooperative_id=trader["cooperative_id"])).status_code == 302
    call("get", "/subscriptions", "/subscriptions")
    s = "/subscriptions/{shop_id}/payments"
    call("post", f"/subscriptions/{trader['shop_id']}/payments", s, json={"amount": 1000,
         "method": "mobile", "mobile_provider": "wave", "mobile_ref": "W1"})
    call("post", f"/subscriptions/{trader['shop_id']}/payments", s, json={"method": "card"})
    # the sync endpoints speak a binary batch format: tests/test_sync_*.py exercise them
    documented = {(m, path) for path, ops in doc["paths"].items() for m, op in ops.items()
                  if "sync" not in op.get("tags", [])}
    assert seen == documented, documented - seen


def test_a_heard_intent_fits_the_intent_schema(client):
    """``POST /api/v1/listen`` answers ``Intent.as_dict()`` (its success needs a speech model,
    tested in tests/test_listen_web.py); the documented schema must accept it."""
    from kissi.listen.intents import Intent

    doc = client.get("/api/v1/openapi.json").get_json()
    schema = {**doc["paths"]["/listen"]["post"]["responses"]["200"]["content"]["application/json"]
              ["schema"], "components": doc["components"]}
    for intent in (Intent("sell", heard="cinq savons", product_id="p", product="Savon", qty=5000,
                          extra={"engine": "vosk"}),
                   Intent("unclear", heard="", reason="no_product"),
                   Intent("repay", customer_id="c", customer="Awa", amount=500),
                   Intent("ask", topic="today")):
        jsonschema.validate(intent.as_dict(), schema, cls=jsonschema.Draft202012Validator)


def test_every_schema_is_used(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    used = set(re.findall(r"#/components/schemas/(\w+)", str(doc["paths"]) + str(openapi.SCHEMAS)))
    assert used == set(openapi.SCHEMAS)
