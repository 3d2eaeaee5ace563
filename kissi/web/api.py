"""The JSON API (``/api/v1``): every ledger operation of the pages, thin over the domain.

Errors have one shape, ``{"error": {"code", "message", "field"}}`` (see
:mod:`kissi.web.errors`); every mutating call honours ``Idempotency-Key``
(:mod:`kissi.web.idempotency`); the routes are described by the OpenAPI document served
at ``/api/v1/openapi.json`` (:mod:`kissi.web.openapi`), which a test keeps true.
Quantities are integer thousandths of the product's unit, money integer F CFA.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file
from flask_babel import gettext

from ..coop import plans
from ..errors import DomainError, Invalid
from ..shop import credit, day, export, ledger, month, photos, products, sales, stock
from ..shop.ledger import N_
from . import idempotency, openapi
from .auth import role_required, shop_required
from .database import get_db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
idempotency.init_blueprint(bp)


MAX_DEPTH = 32  # nesting of a JSON body: kissi's own bodies need 3


def body() -> dict:
    """The JSON object sent; an empty body is ``{}``; anything else is a 400.

    Also a 400: nesting deeper than :data:`MAX_DEPTH` (Python's parser would recurse until
    it fails), and text that is not Unicode text (``"\\ud800"``, a lone surrogate that
    JSON can spell but no database or page can hold).
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw) if _depth(raw) <= MAX_DEPTH else None
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):
        data = None
    if not isinstance(data, dict):  # DomainError's own status: 400
        raise DomainError("bad_json", N_("The request body is not a JSON object"))
    return data


def _depth(raw: bytes) -> int:
    """How deep brackets nest in ``raw`` (those inside strings count too: an upper bound)."""
    depth = deepest = 0
    for byte in raw:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def int_arg(name: str, default: int | None, *, lowest: int = 0, highest: int = 2**63 - 1) -> int:
    """A whole-number query argument in ASCII digits (``int()`` also reads ``٣``, which
    SQLite refuses) between ``lowest`` and ``highest``; anything else is a 422 naming it."""
    text = request.args.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 19) or not (
            lowest <= int(text) <= highest):
        raise Invalid("not_a_number", N_("Enter a number"), name)
    return int(text)


def pick(data: dict, *names: str) -> dict:
    return {k: data[k] for k in names if k in data}


def created(value):
    return jsonify(value), 201


# -- products and stock -------------------------------------------------------------------

@bp.get("/products")
@shop_required
def list_products():
    archived = request.args.get("archived") in ("1", "true")
    return jsonify(products=products.list_products(get_db(), g.shop_id, archived=archived))


@bp.post("/products")
@shop_required
def create_product():
    data = body()
    return created(products.create_product(get_db(), g.shop_id, name=data.get("name"),
                                           price=data.get("price"),
                                           **pick(data, "unit", "cost_price", "icon", "low_stock")))


def _uploaded_photo() -> str:
    """Store the photo sent as multipart field ``photo`` or as the raw body; its file name."""
    upload = request.files.get("photo")
    data = upload.read() if upload else request.get_data(cache=True)
    return photos.save_photo(current_app.instance_path, data)


@bp.get("/products/<product_id>")
@shop_required
def get_product(product_id):
    return jsonify(products.get_product(get_db(), g.shop_id, product_id))


@bp.patch("/products/<product_id>")
@shop_required
def update_product(product_id):
    data = pick(body(), "name", "unit", "price", "cost_price", "icon", "low_stock")
    return jsonify(products.update_product(get_db(), g.shop_id, product_id, **data))


@bp.post("/products/<product_id>/archive")
@shop_required
def archive_product(product_id):
    return jsonify(products.archive_product(get_db(), g.shop_id, product_id))


@bp.post("/products/<product_id>/unarchive")
@shop_required
def unarchive_product(product_id):
    return jsonify(products.unarchive_product(get_db(), g.shop_id, product_id))


@bp.post("/products/<product_id>/photo")
@shop_required
def product_photo(product_id):
    """A photo as multipart field ``photo`` or as the raw body; stored as a thumbnail."""
    db = get_db()
    products.get_product(db, g.shop_id, product_id)
    return jsonify(products.update_product(db, g.shop_id, product_id, photo=_uploaded_photo()))


@bp.post("/products/<product_id>/restock")
@shop_required
def restock(product_id):
    data = body()
    return created(stock.restock(get_db(), g.shop_id, product_id, data.get("qty"),
                                 user_id=g.user["id"], **pick(data, "cost", "supplier", "note")))


@bp.post("/products/<product_id>/loss")
@shop_required
def loss(product_id):
    data = body()
    return created(stock.record_loss(get_db(), g.shop_id, product_id, data.get("qty"),
                                     user_id=g.user["id"], **pick(data, "note")))


@bp.post("/products/<product_id>/count")
@shop_required
def count(product_id):
    data = body()
    return created(stock.correct_count(get_db(), g.shop_id, product_id, data.get("counted"),
                                       user_id=g.user["id"], **pick(data, "note")))


@bp.get("/stock/alerts")
@shop_required
def alerts():
    return jsonify(alerts=stock.alerts(get_db(), g.shop_id))


# -- sales ------------------------------------------------------------------------------------

@bp.get("/sales")
@shop_required
def list_sales():
    args = request.args
    limit = int_arg("limit", 50)
    return jsonify(sales=sales.list_sales(get_db(), g.shop_id, day=args.get("day"),
                                          before=args.get("before"), limit=limit))


@bp.post("/sales")
@shop_required
def record_sale():
    data = body()
    return created(sales.record_sale(
        get_db(), g.shop_id, data.get("lines"), user_id=g.user["id"],
        **pick(data, "discount", "mobile", "mobile_provider", "mobile_ref", "credit", "customer_id")))


@bp.get("/sales/<sale_id>")
@shop_required
def get_sale(sale_id):
    return jsonify(sales.get_sale(get_db(), g.shop_id, sale_id))


@bp.post("/sales/<sale_id>/void")
@shop_required
def void_sale(sale_id):
    return jsonify(sales.void_sale(get_db(), g.shop_id, sale_id, body().get("reason"),
                                   user_id=g.user["id"]))


# -- customers and credit ------------------------------------------------------------------

@bp.get("/customers")
@shop_required
def list_customers():
    return jsonify(customers=credit.list_customers(get_db(), g.shop_id))


@bp.post("/customers")
@shop_required
def create_customer():
    data = body()
    return created(credit.create_customer(get_db(), g.shop_id, name=data.get("name"),
                                          phone=data.get("phone")))


@bp.get("/customers/<customer_id>")
@shop_required
def get_customer(customer_id):
    db = get_db()
    return jsonify({**credit.get_customer(db, g.shop_id, customer_id),
                    "entries": credit.credit_history(db, g.shop_id, customer_id)})


@bp.patch("/customers/<customer_id>")
@shop_required
def update_customer(customer_id):
    return jsonify(credit.update_customer(get_db(), g.shop_id, customer_id,
                                          **pick(body(), "name", "phone")))


@bp.post("/customers/<customer_id>/photo")
@shop_required
def customer_photo(customer_id):
    db = get_db()
    credit.get_customer(db, g.shop_id, customer_id)
    return jsonify(credit.update_customer(db, g.shop_id, customer_id, photo=_uploaded_photo()))


@bp.post("/customers/<customer_id>/repayments")
@shop_required
def record_repayment(customer_id):
    data = body()
    return created(credit.record_repayment(
        get_db(), g.shop_id, customer_id, data.get("amount"), user_id=g.user["id"],
        **pick(data, "method", "mobile_provider", "mobile_ref")))


@bp.get("/customers/<customer_id>/reminder")
@shop_required
def reminder(customer_id):
    """The WhatsApp reminder link, its message in the trader's language."""
    message = gettext("Hello {name}, this is {shop}: a friendly reminder that you owe "
                      "{amount} F CFA. Thank you!")
    return jsonify(url=credit.reminder_link(get_db(), g.shop_id, customer_id, message))


@bp.get("/debtors")
@shop_required
def debtors():
    return jsonify(debtors=credit.debtors(get_db(), g.shop_id))


# -- the day, the month, the export --------------------------------------------------------

@bp.get("/day")
@shop_required
def day_summary():
    return jsonify(day.day_summary(get_db(), g.shop_id, request.args.get("day")))


@bp.get("/month/<ym>")
@shop_required
def month_report(ym):
    """The subscriber's month ``YYYY-MM`` (see kissi.shop.month)."""
    return jsonify(month.month_report(get_db(), g.shop_id, ym))


@bp.get("/subscription")
@shop_required
def subscription():
    """Her plan, the month's state (derived from the payments) and her payments."""
    db = get_db()
    state = plans.month_state(db, None, g.shop_id, request.args.get("month") or None)
    return jsonify(state=state, payments=plans.payments(db, None, g.shop_id))


@bp.get("/subscriptions")
@role_required("trainer", "admin")
def subscriptions():
    """The traders in her care with their plan and the month's state (``?month=YYYY-MM``)."""
    return jsonify(members=plans.cooperative_states(get_db(), g.user,
                                                    request.args.get("month") or None))


@bp.post("/subscriptions/<shop_id>/payments")
@role_required("trainer", "admin")
def subscription_payment(shop_id):
    """A payment she collected: ``month``, ``amount`` (default: what is left), ``method``
    cash or mobile with ``mobile_provider`` and ``mobile_ref``."""
    data = body()
    db = get_db()
    ym = data.get("month") or plans.month_state(db, g.user, shop_id)["month"]
    return created(plans.record_payment(db, g.user, shop_id, ym, **pick(
        data, "amount", "method", "mobile_provider", "mobile_ref")))


@bp.get("/period")
@shop_required
def period_summary():
    """``start``/``end`` (local dates); by default the 30 days up to today."""
    db = get_db()
    end = request.args.get("end") or ledger.today(db, g.shop_id)
    start = request.args.get("start")
    if not start:
        try:
            start = (date.fromisoformat(end) - timedelta(days=29)).isoformat()
        except ValueError:
            raise Invalid("bad_date", N_("Enter a date as YYYY-MM-DD"), "end") from None
    return jsonify(day.period_summary(db, g.shop_id, start, end))


@bp.get("/export")
@shop_required
def export_download():
    """Everything the trader owns: a zip of one CSV per table."""
    with tempfile.TemporaryDirectory() as folder:
        files = export.export_shop(get_db(), g.shop_id, folder)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, Path(path).name)
    out.seek(0)
    return send_file(out, mimetype="application/zip", as_attachment=True,
                     download_name=f"kissi-{ledger.today(get_db(), g.shop_id)}.zip")


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())
