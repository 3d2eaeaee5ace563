"""My shop: her products (add, edit, archive), with an icon or a photo of her own."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_file, url_for

from ..errors import DomainError
from ..shop import ledger, photos, products
from .auth import shop_required
from .database import get_db
from .keys import cash_keyed

bp = Blueprint("myshop", __name__, url_prefix="/shop")

FIELDS = ("name", "price", "unit", "icon", "low_stock")


@bp.get("/")
@shop_required
def index():
    db = get_db()
    return render_template("shop_index.html", shop=ledger.shop(db, g.shop_id),
                           products=products.list_products(db, g.shop_id),
                           archived=products.list_products(db, g.shop_id, archived=True))


def _form_values(product: dict | None) -> dict:
    """The form's fields: what was posted, else the product's current values."""
    form = request.form
    values = {k: form.get(k, "") for k in FIELDS} if request.method == "POST" else {
        "name": product["name"], "price": str(product["price"]), "unit": product["unit"],
        "icon": product["icon"] or "", "low_stock": _qty_text(product["low_stock"]),
    } if product else {"name": "", "price": "", "unit": "piece", "icon": "", "low_stock": ""}
    if request.method == "POST":
        values["price"], values["pressed"] = cash_keyed(form, "price")
    return values


def _qty_text(milli: int) -> str:
    return "" if not milli else (str(milli // 1000) if milli % 1000 == 0
                                 else f"{milli / 1000:g}".replace(".", ","))


def _save(db, product: dict | None, values: dict) -> dict:
    fields = {"name": values["name"], "price": values["price"] or "0",
              "unit": values["unit"], "icon": values["icon"] or None,
              "low_stock": (products.parse_qty(values["low_stock"], values["unit"], "low_stock")
                            if values["low_stock"].strip() not in ("", "0") else 0)}
    upload = request.files.get("photo")
    if upload and upload.filename:
        fields["photo"] = photos.save_photo(current_app.instance_path, upload.read())
    if product is None:
        photo = fields.pop("photo", None)
        product = products.create_product(db, g.shop_id, **fields)
        return products.update_product(db, g.shop_id, product["id"], photo=photo) if photo else product
    return products.update_product(db, g.shop_id, product["id"], **fields)


@bp.route("/<product_id>", methods=["GET", "POST"])
@shop_required
def edit(product_id=None):
    """Add or change a product: name, icon or photo, price (notes and coins), unit, alert."""
    db = get_db()
    product = products.get_product(db, g.shop_id, product_id) if product_id else None
    values = _form_values(product)
    if request.method == "GET" or values.get("pressed"):
        return render_template("shop_product.html", product=product, v=values)
    try:
        if request.form.get("archive") and product:
            saved = (products.unarchive_product if product["archived"]
                     else products.archive_product)(db, g.shop_id, product["id"])
        else:
            saved = _save(db, product, values)
    except DomainError as err:
        return render_template("shop_product.html", product=product, v=values, error=err), err.status
    return redirect(url_for("myshop.index", saved=saved["id"]))


bp.add_url_rule("/new", "new", edit, methods=["GET", "POST"])


@bp.get("/photos/<name>")
@shop_required
def photo(name):
    """A product or customer photo of her own shop (names are content hashes)."""
    db = get_db()
    owned = db.execute("select 1 from products where shop_id = ? and photo = ? union all"
                       " select 1 from customers where shop_id = ? and photo = ? limit 1",
                       [g.shop_id, name, g.shop_id, name]).fetchone()
    path = photos.photo_path(current_app.instance_path, name) if owned else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=365 * 24 * 3600)
