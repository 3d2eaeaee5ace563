"""The OpenAPI 3.1 description of ``/api/v1``, kept beside the routes in :mod:`kissi.web.api`.

Schemas are JSON Schema (OpenAPI 3.1), so a test validates real responses against them;
another test checks that every ``/api/v1`` route is described with its methods and that
nothing described is missing from the routes.
"""
from __future__ import annotations

from .. import __version__
from ..shop.ledger import MOBILE_PROVIDERS
from ..shop.products import ICONS, UNITS


def _obj(required: str, optional: str = "", **types) -> dict:
    """An object schema: ``required``/``optional`` are space-separated names; unlisted
    property types default to string."""
    names = required.split() + optional.split()
    props = {n: types.get(n, {"type": "string"}) for n in names}
    return {"type": "object", "required": required.split(), "properties": props}


INT = {"type": "integer"}
BOOL = {"type": "boolean"}
S_N = {"type": ["string", "null"]}
I_N = {"type": ["integer", "null"]}
PROVIDER = {"enum": [*MOBILE_PROVIDERS, None]}
DAY = {"type": "string", "format": "date"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array(name: str) -> dict:
    return {"type": "array", "items": ref(name)}


SCHEMAS = {
    "Error": _obj("error", error=_obj("code message field", field=S_N)),
    "Product": _obj(
        "id name unit divisible price cost_price icon photo voice_label low_stock archived"
        " created_at stock status negative", unit={"enum": list(UNITS)}, divisible=BOOL,
        price=INT, cost_price=I_N, icon={"enum": [*ICONS, None]}, photo=S_N, voice_label=S_N,
        low_stock=INT, archived=BOOL, stock=INT, status={"enum": ["ok", "low", "out"]},
        negative=BOOL),
    "ProductList": _obj("products", products=array("Product")),
    "ProductInput": _obj("name price", "unit cost_price icon low_stock", price=INT,
                         unit={"enum": list(UNITS)}, cost_price=I_N,
                         icon={"enum": [*ICONS, None]}, low_stock=INT),
    "ProductChange": _obj("", "name price unit cost_price icon low_stock", price=INT,
                          unit={"enum": list(UNITS)}, cost_price=I_N,
                          icon={"enum": [*ICONS, None]}, low_stock=INT),
    "Movement": _obj("id product_id kind qty stock",
                     "shop_id counted cost supplier note user_id at day", id=S_N,
                     kind={"enum": ["restock", "loss", "correction"]}, qty=INT, stock=INT,
                     counted=I_N, cost=I_N, supplier=S_N, note=S_N, user_id=S_N),
    "RestockInput": _obj("qty", "cost supplier note", qty=INT, cost=I_N),
    "LossInput": _obj("qty", "note", qty=INT),
    "CountInput": _obj("counted", "note", counted=INT),
    "Alert": _obj("product_id name icon unit stock low_stock alert", icon=S_N, stock=INT,
                  low_stock=INT, alert={"enum": ["negative", "out", "low"]}),
    "AlertList": _obj("alerts", alerts=array("Alert")),
    "SaleLine": _obj("id product_id name icon unit qty unit_price amount", icon=S_N, qty=INT,
                     unit_price=INT, amount=INT),
    "Sale": _obj(
        "id user_id customer_id subtotal discount total cash mobile mobile_provider mobile_ref"
        " credit beyond_stock at day voided void lines", user_id=S_N, customer_id=S_N,
        subtotal=INT, discount=INT, total=INT, cash=INT, mobile=INT, mobile_provider=PROVIDER,
        mobile_ref=S_N, credit=INT, beyond_stock=BOOL, voided=BOOL, day=DAY,
        void={"oneOf": [{"type": "null"}, _obj("reason at")]}, lines=array("SaleLine")),
    "SaleList": _obj("sales", sales=array("Sale")),
    "SaleInput": _obj(
        "lines", "discount mobile mobile_provider mobile_ref credit customer_id",
        lines={"type": "array", "minItems": 1,
               "items": _obj("product_id qty", "unit_price", qty=INT, unit_price=INT)},
        discount=INT, mobile=INT, mobile_provider=PROVIDER, mobile_ref=S_N, credit=INT,
        customer_id=S_N),
    "VoidInput": _obj("reason"),
    "Customer": _obj("id name phone photo voice_label created_at balance", phone=S_N,
                     photo=S_N, voice_label=S_N, balance=INT),
    "CreditEntry": _obj("id kind amount sale_id method mobile_provider mobile_ref at day counts",
                        kind={"enum": ["credit", "repayment"]}, amount=INT, sale_id=S_N,
                        method={"enum": ["cash", "mobile", None]}, mobile_provider=PROVIDER,
                        mobile_ref=S_N, counts=BOOL),
    "CustomerDetail": {"allOf": [ref("Customer"), _obj("entries", entries=array("CreditEntry"))]},
    "CustomerList": _obj("customers", customers=array("Customer")),
    "CustomerInput": _obj("name", "phone", phone=S_N),
    "CustomerChange": _obj("", "name phone", phone=S_N),
    "RepaymentInput": _obj("amount", "method mobile_provider mobile_ref", amount=INT,
                           method={"enum": ["cash", "mobile"]}, mobile_provider=PROVIDER,
                           mobile_ref=S_N),
    "Repayment": _obj("id customer_id kind amount method mobile_provider mobile_ref at day balance",
                      kind={"const": "repayment"}, amount=INT, method={"enum": ["cash", "mobile"]},
                      mobile_provider=PROVIDER, mobile_ref=S_N, balance=INT, day=DAY),
    "Reminder": _obj("url", url={"type": "string", "pattern": "^https://wa\\.me/[0-9]+\\?text="}),
    "Debtor": _obj("customer_id name phone photo balance since", phone=S_N, photo=S_N,
                   balance=INT, since=DAY),
    "DebtorList": _obj("debtors", debtors=array("Debtor")),
    "TopProduct": _obj("product_id name icon unit qty amount", icon=S_N, qty=INT, amount=INT),
    "Collected": _obj("total cash mobile count", total=INT, cash=INT, mobile=INT, count=INT),
    "DaySummary": _obj(
        "day count total cash mobile credit discount mobile_by_provider voided cash_expected"
        " debts_collected top_products alerts", day=DAY, count=INT, total=INT, cash=INT,
        mobile=INT, credit=INT, discount=INT,
        mobile_by_provider={"type": "object", "additionalProperties": INT}, voided=INT,
        cash_expected=INT, debts_collected=ref("Collected"), top_products=array("TopProduct"),
        alerts=array("Alert")),
    "PeriodSummary": _obj(
        "start end count total cash mobile credit discount debts_collected days best_days"
        " best_products", start=DAY, end=DAY, count=INT, total=INT, cash=INT, mobile=INT,
        credit=INT, discount=INT, debts_collected=ref("Collected"),
        days={"type": "array", "items": _obj("day count total", day=DAY, count=INT, total=INT)},
        best_days={"type": "array", "items": _obj("day count total", day=DAY, count=INT, total=INT)},
        best_products=array("TopProduct")),
    # kissi.shop.month.month_report and kissi.coop.plans (subscriptions)
    "MonthReport": _obj(
        "month start end previous next current today count total cash mobile credit discount"
        " average days peak best_days weekdays best_weekdays best_by_amount best_by_qty split"
        " debts_collected debts_at_end previous_total growth_tenths",
        start=DAY, end=DAY, today=DAY, current=BOOL, count=INT, total=INT, cash=INT, mobile=INT,
        credit=INT, discount=INT, average=INT, peak=INT, debts_at_end=INT, previous_total=INT,
        growth_tenths=I_N, debts_collected=ref("Collected"),
        days={"type": "array", "items": _obj("day count total weekday", day=DAY, count=INT,
                                             total=INT, weekday=INT)},
        best_days={"type": "array", "items": _obj("day count total", day=DAY, count=INT, total=INT)},
        weekdays={"type": "array", "items": _obj("weekday count total", weekday=INT, count=INT,
                                                 total=INT)},
        best_weekdays={"type": "array", "items": _obj("weekday count total", weekday=INT,
                                                      count=INT, total=INT)},
        best_by_amount=array("TopProduct"), best_by_qty=array("TopProduct"),
        split=_obj("cash mobile credit", cash=INT, mobile=INT, credit=INT)),
    "SubscriptionState": _obj(
        "state days_late price paid left due_on month plan",
        state={"enum": ["paid", "due", "late", "none"]}, days_late=INT, price=INT, paid=INT,
        left=INT, due_on={"type": ["string", "null"]},
        plan={"type": ["object", "null"]}),
    "SubscriptionPayment": _obj(
        "id shop_id plan_id month amount method mobile_provider mobile_ref collected_by at day"
        " reversed", amount=INT, method={"enum": ["cash", "mobile"]}, mobile_provider=PROVIDER,
        mobile_ref=S_N, collected_by=S_N, day=DAY, reversed=BOOL),
    "SubscriptionPaymentInput": _obj(
        "", "month amount method mobile_provider mobile_ref", month={"type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}$"}, amount=INT, method={"enum": ["cash", "mobile"]},
        mobile_provider=PROVIDER, mobile_ref=S_N),
    "NewSubscriptionPayment": _obj(
        "id shop_id plan_id month amount method mobile_provider mobile_ref collected_by at day",
        amount=INT, method={"enum": ["cash", "mobile"]}, mobile_provider=PROVIDER,
        mobile_ref=S_N, collected_by=S_N, day=DAY),
    "MemberSubscription": _obj(
        "user_id name phone shop_id shop month plan status start_month state days_late price"
        " paid left due_on", plan={"type": ["object", "null"]}, status=S_N, start_month=S_N,
        state={"enum": ["paid", "due", "late", "none"]}, days_late=INT, price=INT, paid=INT,
        left=INT, due_on=S_N),
    "MemberSubscriptionList": _obj("members", members=array("MemberSubscription")),
    "Subscription": _obj("state payments", state=ref("SubscriptionState"),
                         payments=array("SubscriptionPayment")),
    # kissi.listen.intents.Intent.as_dict(): what a spoken command was understood as
    "Intent": _obj("action", "heard product_id product customer_id customer qty amount"
                   " unit_price topic reason",
                   action={"enum": ["sell", "restock", "repay", "ask", "unclear"]}, qty=INT,
                   amount=INT, unit_price=INT, extra={"type": "object"}),
}

# (method, path, summary, request schema, success status, response schema, query params)
OPERATIONS = [
    ("get", "/products", "The shop's products with stock levels", None, 200, "ProductList", ["archived"]),
    ("post", "/products", "Add a product", "ProductInput", 201, "Product", []),
    ("get", "/products/{product_id}", "One product", None, 200, "Product", []),
    ("patch", "/products/{product_id}", "Change a product (a price change is dated)",
     "ProductChange", 200, "Product", []),
    ("post", "/products/{product_id}/archive", "Archive a product", None, 200, "Product", []),
    ("post", "/products/{product_id}/unarchive", "Bring an archived product back", None, 200,
     "Product", []),
    ("post", "/products/{product_id}/photo", "Set the product's photo (JPEG, PNG or WebP)",
     "photo", 200, "Product", []),
    ("post", "/products/{product_id}/restock", "Goods came in", "RestockInput", 201, "Movement", []),
    ("post", "/products/{product_id}/loss", "Goods lost", "LossInput", 201, "Movement", []),
    ("post", "/products/{product_id}/count", "Correct the stock to a count", "CountInput", 201,
     "Movement", []),
    ("get", "/stock/alerts", "Products with negative, no or low stock", None, 200, "AlertList", []),
    ("get", "/sales", "Sales, newest first", None, 200, "SaleList", ["day", "before", "limit"]),
    ("post", "/sales", "Record a sale", "SaleInput", 201, "Sale", []),
    ("get", "/sales/{sale_id}", "One sale", None, 200, "Sale", []),
    ("post", "/sales/{sale_id}/void", "Cancel a sale (it stays in history)", "VoidInput", 200,
     "Sale", []),
    ("get", "/customers", "Customers with their balances", None, 200, "CustomerList", []),
    ("post", "/customers", "Add a customer", "CustomerInput", 201, "Customer", []),
    ("get", "/customers/{customer_id}", "A customer and her credit history", None, 200,
     "CustomerDetail", []),
    ("patch", "/customers/{customer_id}", "Change a customer", "CustomerChange", 200, "Customer", []),
    ("post", "/customers/{customer_id}/photo", "Set the customer's photo (JPEG, PNG or WebP)",
     "photo", 200, "Customer", []),
    ("post", "/customers/{customer_id}/repayments", "A repayment (full or partial)",
     "RepaymentInput", 201, "Repayment", []),
    ("get", "/customers/{customer_id}/reminder", "A WhatsApp reminder link", None, 200,
     "Reminder", []),
    ("get", "/debtors", "Who owes what, oldest unpaid debt first", None, 200, "DebtorList", []),
    ("get", "/day", "The day's summary", None, 200, "DaySummary", ["day"]),
    ("get", "/period", "Several days' summary (default: the last 30 days)", None, 200,
     "PeriodSummary", ["start", "end"]),
    ("get", "/month/{ym}", "The month YYYY-MM: totals, best products and days, growth, debts",
     None, 200, "MonthReport", []),
    ("get", "/subscription", "Her plan, the month's state (paid, due, late) and her payments",
     None, 200, "Subscription", ["month"]),
    ("get", "/subscriptions", "Trainers: members with their plan and the month's state",
     None, 200, "MemberSubscriptionList", ["month"]),
    ("post", "/subscriptions/{shop_id}/payments", "Trainers: a subscription payment collected",
     "SubscriptionPaymentInput", 201, "NewSubscriptionPayment", []),
    ("get", "/export", "Everything the trader owns, a zip of CSV files", None, 200, "zip", []),
    ("post", "/listen", "What a spoken command was understood as (nothing is written)",
     "audio", 200, "Intent", []),
    ("get", "/openapi.json", "This document", None, 200, "openapi", []),
]

ERRORS = {"400": "Malformed request", "401": "Not logged in", "403": "No shop for this account",
          "404": "Not found (or another shop's)", "409": "Conflict (archived, already voided)",
          "422": "Invalid input (code and field say which)"}


def _operation(method, path, summary, request_schema, status, response_schema, query) -> dict:
    op: dict = {"summary": summary, "operationId": f"{method}_{path}".replace("/", "_")
                .replace("{", "").replace("}", "").replace(".", "_").strip("_")}
    params = [{"name": p[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
              for p in path.split("/") if p.startswith("{")]
    params += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}}
               for q in query]
    if method in ("post", "patch"):
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "maxLength": 200},
                       "description": "A retry with the same key and body replays the first "
                                      "answer; with another body it is refused (422)."})
    if params:
        op["parameters"] = params
    if request_schema == "audio":
        op["requestBody"] = {"content": {"multipart/form-data": {"schema": _obj(
            "audio", "screen", audio={"type": "string", "format": "binary"},
            screen={"enum": ["sell", "stock", "debts"]})}}}
    elif request_schema == "photo":
        op["requestBody"] = {"content": {
            "multipart/form-data": {"schema": _obj("photo", photo={"type": "string",
                                                                   "format": "binary"})},
            "image/*": {"schema": {"type": "string", "format": "binary"}}}}
    elif request_schema:
        op["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(request_schema)}}}
    if response_schema == "zip":
        content = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}
    elif response_schema == "openapi":
        content = {"application/json": {"schema": {"type": "object"}}}
    else:
        content = {"application/json": {"schema": ref(response_schema)}}
    op["responses"] = {str(status): {"description": summary, "content": content}}
    if path != "/openapi.json":
        op["responses"].update({code: {"description": text, "content": {
            "application/json": {"schema": ref("Error")}}} for code, text in ERRORS.items()})
    return op


def document() -> dict:
    """The whole ``/api/v1`` document: the ledger operations above and the sync endpoints
    (described by :mod:`kissi.sync.openapi`, whose binary bodies JSON Schema cannot say)."""
    from ..sync import openapi as sync_openapi

    paths: dict = {}
    for method, path, *rest in OPERATIONS:
        paths.setdefault(path, {})[method] = _operation(method, path, *rest)
    for path, item in sync_openapi.PATHS.items():
        paths[path[len("/api/v1"):]] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": "kissi shop ledger API", "version": __version__,
                 "description": "A trader's products, stock, sales, customers and credit. "
                                "Log in first (session cookie). Money: integer F CFA. "
                                "Quantities: integer thousandths of the product's unit "
                                "(1 piece = 1000, 1.5 kg = 1500)."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, **sync_openapi.COMPONENTS},
    }
