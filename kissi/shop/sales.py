"""Sales: one or more lines, paid in cash, mobile money, on credit, or a mix; voids.

Payment: ``cash = total - mobile - credit``; mobile money names its provider (and an
optional reference); credit names a customer and appends a ``credit`` entry to her debt.

Selling beyond the recorded stock is ALLOWED, because informal stock is often never
counted: refusing the sale would make the trader stop recording. The rule: a sale is
flagged ``beyond_stock`` when, for some product, the quantity sold (all its lines in this
sale together) is more than that product's recorded level just before the sale. The
level then goes negative and :func:`kissi.shop.stock.alerts` reports it until a restock or a
count correction brings it back.

A void is a fact whose id is the sale's id (so two devices voiding the same sale offline
merge into one void). Voiding gives the stock back (by derivation), removes the sale's
credit from the customer's balance, and keeps the sale in history.
"""
from __future__ import annotations

import sqlite_utils

from ..errors import Conflict, Invalid, NotFound
from ..store import changes
from ..store.db import transaction
from . import ledger, products
from .credit import get_customer
from .ledger import N_

MAX_LINES = 50


def line_amount(unit_price: int, qty: int) -> int:
    """Amount of a line: unit_price * qty / 1000, rounded half up, in integers only."""
    return (unit_price * qty + 500) // 1000


def record_sale(db: sqlite_utils.Database, shop_id: str, lines, *, discount=0, mobile=0,
                mobile_provider=None, mobile_ref=None, credit=0, customer_id=None,
                user_id=None, at=None) -> dict:
    """Record a sale. ``lines``: ``[{"product_id", "qty", "unit_price"?}]`` (qty in thousandths,
    unit_price defaulting to the product's price). Returns the sale as :func:`get_sale`.

    Everything is checked before the first write; the sale, its lines and its credit
    entry are written in one transaction.
    """
    if not isinstance(lines, list) or not lines:
        raise Invalid("no_lines", N_("Add at least one product"), "lines")
    if len(lines) > MAX_LINES:
        raise Invalid("too_many_lines", N_("Too many products in one sale"), "lines")
    clean, needed = [], {}
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise Invalid("bad_line", N_("Each line needs a product and a quantity"), f"lines[{i}]")
        product = products.sellable_product(db, shop_id, line.get("product_id"),
                                            f"lines[{i}].product_id")
        qty = products.check_qty(line.get("qty"), product["unit"], f"lines[{i}].qty")
        price = line.get("unit_price")
        price = product["price"] if price is None else ledger.check_price(price, f"lines[{i}].unit_price")
        clean.append((product, qty, price, line_amount(price, qty)))
        needed[product["id"]] = needed.get(product["id"], 0) + qty
    subtotal = sum(c[3] for c in clean)
    discount = ledger.check_amount(discount, "discount")
    if discount >= subtotal:
        raise Invalid("discount_too_big", N_("The discount must be less than the price"), "discount")
    total = subtotal - discount
    mobile = ledger.check_amount(mobile, "mobile")
    credit = ledger.check_amount(credit, "credit")
    if mobile:
        mobile_provider, mobile_ref = ledger.check_mobile(mobile_provider, mobile_ref)
    elif mobile_provider is not None or mobile_ref:
        raise Invalid("mobile_without_amount", N_("Enter the mobile money amount"), "mobile")
    if mobile + credit > total:
        raise Invalid("paid_more_than_total", N_("Mobile money and credit add up to more than the total"),
                      "credit" if credit else "mobile")
    if credit and customer_id is None:
        raise Invalid("customer_required", N_("Choose the customer who takes credit"), "customer_id")
    if customer_id is not None:
        get_customer(db, shop_id, customer_id)
    levels = {product["id"]: product["stock"] for product, *_ in clean}
    beyond = any(levels[pid] < qty for pid, qty in needed.items())
    at, day = ledger.stamp(db, shop_id, at)
    with transaction(db):
        sale = changes.insert_fact(db, "sales", {
            "shop_id": shop_id, "user_id": user_id, "customer_id": customer_id,
            "subtotal": subtotal, "discount": discount, "total": total,
            "cash": total - mobile - credit, "mobile": mobile,
            "mobile_provider": mobile_provider if mobile else None,
            "mobile_ref": mobile_ref if mobile else None, "credit": credit,
            "beyond_stock": int(beyond), "at": at, "day": day})
        written = [changes.insert_fact(db, "sale_lines", {
            "sale_id": sale["id"], "shop_id": shop_id, "product_id": product["id"],
            "qty": qty, "unit_price": price, "amount": amount}) for product, qty, price, amount in clean]
        if credit:
            changes.insert_fact(db, "credit_entries", {
                "shop_id": shop_id, "customer_id": customer_id, "kind": "credit",
                "amount": credit, "sale_id": sale["id"], "user_id": user_id, "at": at, "day": day})
    # the sale as get_sale shows it, from what was just written (no second read)
    return {**{k: sale[k] for k in _SALE}, "beyond_stock": beyond, "voided": False, "void": None,
            "lines": [{"id": line["id"], "product_id": product["id"], "name": product["name"],
                       "icon": product["icon"], "unit": product["unit"], "qty": line["qty"],
                       "unit_price": line["unit_price"], "amount": line["amount"]}
                      for line, (product, *_) in zip(written, clean, strict=False)]}


def void_sale(db: sqlite_utils.Database, shop_id: str, sale_id: str, reason, *, user_id=None,
              at=None) -> dict:
    """Cancel a sale with a reason; it stays in history, marked voided. Twice is a Conflict."""
    sale = get_sale(db, shop_id, sale_id)
    reason = ledger.check_text(reason, "reason", required=True)
    if sale["voided"]:
        raise Conflict("already_voided", N_("This sale was already cancelled"), "sale_id")
    at, day = ledger.stamp(db, shop_id, at)
    changes.insert_fact(db, "sale_voids", {"id": sale_id, "shop_id": shop_id, "reason": reason,
                                           "user_id": user_id, "at": at, "day": day})
    return get_sale(db, shop_id, sale_id)


_SALE = ("id", "user_id", "customer_id", "subtotal", "discount", "total", "cash", "mobile",
         "mobile_provider", "mobile_ref", "credit", "beyond_stock", "at", "day")
_SALE_SQL = ("select " + ", ".join(f"s.{c}" for c in _SALE) +
             ", v.reason, v.at from sales s left join sale_voids v on v.id = s.id"
             " where s.shop_id = ?")


def _shape(row) -> dict:
    sale = dict(zip(_SALE, row[:len(_SALE)], strict=False))
    sale["beyond_stock"] = bool(sale["beyond_stock"])
    reason, voided_at = row[len(_SALE):]
    sale["voided"] = voided_at is not None
    sale["void"] = {"reason": reason, "at": voided_at} if voided_at else None
    return sale


def get_sale(db: sqlite_utils.Database, shop_id: str, sale_id: str) -> dict:
    """One sale of this shop with its lines; another shop's sale is not found."""
    row = db.execute(_SALE_SQL + " and s.id = ?", [shop_id, sale_id]).fetchone()
    if row is None:
        raise NotFound("sale", "sale_id")
    sale = _shape(row)
    sale["lines"] = [dict(zip(("id", "product_id", "name", "icon", "unit", "qty", "unit_price",
                               "amount"), r, strict=False)) for r in db.execute(
        "select l.id, l.product_id, p.name, p.icon, p.unit, l.qty, l.unit_price, l.amount"
        " from sale_lines l join products p on p.id = l.product_id where l.sale_id = ?"
        " order by l.rowid", [sale_id])]
    return sale


def list_sales(db: sqlite_utils.Database, shop_id: str, *, day: str | None = None,
               before: str | None = None, limit: int = 50) -> list[dict]:
    """The shop's sales, newest first, with their lines; ``day`` filters one local date,
    ``before`` (a sale id) pages back."""
    limit = max(1, min(int(limit), 200))
    sql, params = _SALE_SQL, [shop_id]
    if day:
        sql, params = sql + " and s.day = ?", params + [day]
    if before:
        sql, params = sql + " and s.id < ?", params + [before]
    rows = db.execute(sql + " order by s.id desc limit ?", params + [limit]).fetchall()
    sales = [_shape(r) for r in rows]
    by_id = {s["id"]: {**s, "lines": []} for s in sales}
    if by_id:
        marks = ",".join("?" * len(by_id))
        for r in db.execute(
                "select l.sale_id, l.id, l.product_id, p.name, p.icon, p.unit, l.qty, l.unit_price,"
                f" l.amount from sale_lines l join products p on p.id = l.product_id"
                f" where l.sale_id in ({marks}) order by l.rowid", list(by_id)):
            by_id[r[0]]["lines"].append(dict(zip(("id", "product_id", "name", "icon", "unit", "qty",
                                                  "unit_price", "amount"), r[1:], strict=False)))
    return list(by_id.values())
