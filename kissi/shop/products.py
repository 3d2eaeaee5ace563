"""A shop's products: name, unit, prices (with their history), icon or photo, stock flags.

Products are editable records (merged per field); every change of the sale or cost price
also appends a ``price_changes`` fact with its date, so the price history survives any
later edit. Quantities are integer thousandths of the unit (1 piece = 1000, 1.5 kg = 1500).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from ..errors import Conflict, Invalid, NotFound
from ..store import changes
from ..store.db import transaction
from . import ledger
from .ledger import N_


@dataclass(frozen=True)
class Unit:
    code: str
    divisible: bool  # sold in fractions (1.5 kg); otherwise whole numbers only


UNITS: dict[str, Unit] = {u.code: u for u in (
    Unit("piece", False), Unit("kg", True), Unit("litre", True), Unit("metre", True),
    Unit("heap", False), Unit("bag", False), Unit("box", False), Unit("bottle", False),
    Unit("packet", False), Unit("bunch", False), Unit("bowl", False), Unit("dozen", False),
    Unit("bidon", False),
)}

# Each unit as a picture of its own (she reads pictures, not "kg"): no two units share one,
# and none is a product's default picture, so a unit is never mistaken for a product.
UNIT_ICONS: dict[str, str] = {
    "piece": "☝️", "kg": "⚖️", "litre": "🫙", "metre": "📏", "heap": "⛰️", "bag": "🛍️",
    "box": "🗃️", "bottle": "🍾", "packet": "🥡", "bunch": "💐", "bowl": "🥣", "dozen": "🕛",
    "bidon": "🛢️",
}

# Icons for goods of a West African market, shown when a product has no photo. Each is a
# picture of its own (a test keeps them distinct): salt and sugar, banana and plantain are
# told apart by the picture alone. Sugar is sold in cubes; plantain is best known as alloco.
ICONS: dict[str, str] = {
    "soap": "🧼", "oil": "🫗", "rice": "🍚", "cloth": "🧵", "wax": "👗", "tomato": "🍅",
    "onion": "🧅", "sugar": "🧊", "fish": "🐟", "egg": "🥚", "pepper": "🌶️", "bread": "🍞",
    "water": "💧", "milk": "🥛", "salt": "🧂", "flour": "🌾", "charcoal": "🪨", "banana": "🍌",
    "plantain": "🍟", "cassava": "🥔", "yam": "🍠", "maize": "🌽", "peanut": "🥜", "beans": "🫘",
    "chicken": "🐔", "meat": "🥩", "orange": "🍊", "mango": "🥭", "coconut": "🥥", "garlic": "🧄",
    "tea": "🍵", "coffee": "☕", "juice": "🧃", "soda": "🥤", "biscuit": "🍪", "candy": "🍬",
    "phone_credit": "📱", "battery": "🔋", "matches": "🔥", "bag": "👜", "shoes": "👡",
    "bowl": "🍽️", "other": "📦",
}

_FIELDS = ("id", "name", "unit", "price", "cost_price", "icon", "photo", "voice_label",
           "low_stock", "archived", "created_at")
_QTY_TEXT = re.compile(r"^\s*([0-9]{1,7})(?:[.,]([0-9]{1,3}))?\s*$")


def unit_of(code) -> Unit:
    try:
        return UNITS[code]
    except (KeyError, TypeError):
        raise Invalid("unknown_unit", N_("Unknown unit"), "unit") from None


def parse_qty(text, unit_code: str, field: str = "qty") -> int:
    """A quantity typed by the trader ("3", "1,5", "1.5") as thousandths of the unit.

    Whole numbers only for units that are not divisible; at most three decimals.
    """
    u = unit_of(unit_code)
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise Invalid("not_a_number", N_("Enter a number"), field)
    match = _QTY_TEXT.match(str(text))
    if match is None:
        raise Invalid("not_a_number", N_("Enter a number"), field)
    whole, frac = match.groups()
    qty = int(whole) * 1000 + int((frac or "").ljust(3, "0"))
    return check_qty(qty, u.code, field)


def check_qty(qty, unit_code: str, field: str = "qty") -> int:
    """A quantity in thousandths: a positive integer, whole units for undivisible units."""
    qty = ledger.check_int(qty, field)
    if qty <= 0:
        raise Invalid("qty_not_positive", N_("The quantity must be more than zero"), field)
    if qty > ledger.MAX_QTY:
        raise Invalid("qty_too_high", N_("The quantity is too high"), field)
    if not unit_of(unit_code).divisible and qty % 1000:
        raise Invalid("whole_number_only", N_("This product is counted in whole numbers"), field)
    return qty


def _check_icon(icon):
    if icon is not None and icon not in ICONS:
        raise Invalid("unknown_icon", N_("Unknown icon"), "icon")
    return icon


def _check_low_stock(value, unit_code):
    value = ledger.check_int(value, "low_stock")
    if value < 0:
        raise Invalid("qty_not_positive", N_("The quantity cannot be negative"), "low_stock")
    if value > ledger.MAX_QTY:
        raise Invalid("qty_too_high", N_("The quantity is too high"), "low_stock")
    if value and not UNITS[unit_code].divisible and value % 1000:
        raise Invalid("whole_number_only", N_("This product is counted in whole numbers"), "low_stock")
    return value


def create_product(db: sqlite_utils.Database, shop_id: str, *, name, price, unit: str = "piece",
                   cost_price=None, icon=None, low_stock=0, at: str | None = None) -> dict:
    """Add a product to the shop and record its first price."""
    ledger.shop(db, shop_id)
    row = {"shop_id": shop_id, "name": ledger.check_name(name), "unit": unit_of(unit).code,
           "price": ledger.check_price(price),
           "cost_price": None if cost_price is None else ledger.check_price(cost_price, "cost_price"),
           "icon": _check_icon(icon), "low_stock": _check_low_stock(low_stock, unit),
           "archived": 0}
    at, day = ledger.stamp(db, shop_id, at)
    with transaction(db):
        product = changes.insert_record(db, "products", {**row, "created_at": at})
        changes.insert_fact(db, "price_changes", {
            "shop_id": shop_id, "product_id": product["id"], "price": row["price"],
            "cost_price": row["cost_price"], "at": at, "day": day})
    return get_product(db, shop_id, product["id"])


def update_product(db: sqlite_utils.Database, shop_id: str, product_id: str, **fields) -> dict:
    """Change some fields (name, unit, price, cost_price, icon, photo, voice_label, low_stock).

    A changed price or cost price appends a ``price_changes`` fact. The unit can change
    only while the product has no stock movement and no sale (quantities would change
    meaning).
    """
    current = get_product(db, shop_id, product_id)
    allowed = {"name", "unit", "price", "cost_price", "icon", "photo", "voice_label", "low_stock"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid("unknown_field", N_("Unknown field"), sorted(unknown)[0])
    clean = {}
    if "name" in fields:
        clean["name"] = ledger.check_name(fields["name"])
    if "unit" in fields:
        clean["unit"] = unit_of(fields["unit"]).code
        if clean["unit"] != current["unit"] and _has_history(db, product_id):
            raise Conflict("unit_in_use", N_("The unit cannot change once the product has stock or sales"),
                           "unit")
    if "price" in fields:
        clean["price"] = ledger.check_price(fields["price"])
    if "cost_price" in fields:
        clean["cost_price"] = (None if fields["cost_price"] is None
                               else ledger.check_price(fields["cost_price"], "cost_price"))
    if "icon" in fields:
        clean["icon"] = _check_icon(fields["icon"])
    for key in ("photo", "voice_label"):
        if key in fields:
            clean[key] = ledger.check_text(fields[key], key)
    if "low_stock" in fields:
        clean["low_stock"] = _check_low_stock(fields["low_stock"], clean.get("unit", current["unit"]))
    with transaction(db):
        changed = changes.update_record(db, "products", product_id, clean)
        if {"price", "cost_price"} & set(changed):
            at, day = ledger.stamp(db, shop_id)
            changes.insert_fact(db, "price_changes", {
                "shop_id": shop_id, "product_id": product_id,
                "price": clean.get("price", current["price"]),
                "cost_price": clean.get("cost_price", current["cost_price"]), "at": at, "day": day})
    return get_product(db, shop_id, product_id)


def _has_history(db, product_id) -> bool:
    return db.execute("select exists (select 1 from stock_movements where product_id = ?)"
                      " or exists (select 1 from sale_lines where product_id = ?)",
                      [product_id, product_id]).fetchone()[0] == 1


def archive_product(db: sqlite_utils.Database, shop_id: str, product_id: str) -> dict:
    """Hide a product from selling; its history stays."""
    get_product(db, shop_id, product_id)
    changes.update_record(db, "products", product_id, {"archived": 1})
    return get_product(db, shop_id, product_id)


def unarchive_product(db: sqlite_utils.Database, shop_id: str, product_id: str) -> dict:
    get_product(db, shop_id, product_id)
    changes.update_record(db, "products", product_id, {"archived": 0})
    return get_product(db, shop_id, product_id)


_SELECT = ("select p.id, p.name, p.unit, p.price, p.cost_price, p.icon, p.photo, p.voice_label,"
           " p.low_stock, p.archived, p.created_at,"
           " coalesce(t.moved, 0) - coalesce(t.sold, 0) as stock"
           " from products p left join stock_totals t on t.product_id = p.id"
           " where p.shop_id = ? and p.deleted = 0")


def _shape(row) -> dict:
    product = dict(zip((*_FIELDS, "stock"), row, strict=False))
    product["archived"] = bool(product["archived"])
    product["divisible"] = UNITS.get(product["unit"], UNITS["piece"]).divisible
    stock = product["stock"]
    product["status"] = "out" if stock <= 0 else "low" if stock <= product["low_stock"] else "ok"
    product["negative"] = stock < 0
    return product


def get_product(db: sqlite_utils.Database, shop_id: str, product_id: str) -> dict:
    """One product of this shop with its stock level; another shop's product is not found."""
    row = db.execute(_SELECT + " and p.id = ?", [shop_id, product_id]).fetchone()
    if row is None:
        raise NotFound("product", "product_id")
    return _shape(row)


def sellable_product(db: sqlite_utils.Database, shop_id: str, product_id, field="product_id") -> dict:
    """A product that can be sold or restocked: of this shop and not archived."""
    if not isinstance(product_id, str):
        raise NotFound("product", field)
    try:
        product = get_product(db, shop_id, product_id)
    except NotFound:
        raise NotFound("product", field) from None
    if product["archived"]:
        raise Conflict("product_archived", N_("This product is archived"), field)
    return product


def list_products(db: sqlite_utils.Database, shop_id: str, *, archived: bool = False) -> list[dict]:
    """The shop's products by name, with stock level and ``status`` ok / low / out."""
    rows = db.execute(_SELECT + " and p.archived = ? order by p.name collate nocase, p.id",
                      [shop_id, int(archived)]).fetchall()
    return [_shape(r) for r in rows]
