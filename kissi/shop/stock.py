"""Stock: restocks, losses and count corrections are facts; the level is derived.

level(product) = sum(stock_movements.qty) - sum(sale_lines.qty of sales not voided).
The sums are kept per product in the local ``stock_totals`` table by triggers on the fact
tables (migration 0010), so reading a level costs one index lookup whoever wrote the
facts (this node, or sync applying another node's). :func:`derived_level` recomputes a
level from the facts alone; :func:`rebuild_totals` recomputes the whole cache.
A level can go negative (selling uncounted stock, or two offline devices selling the
last bag): it is flagged in :func:`alerts`, never silently fixed.
"""
from __future__ import annotations

import sqlite_utils

from ..errors import Invalid
from ..store import changes
from ..store.db import transaction
from . import ledger, products
from .ledger import N_


def _movement(db, shop_id, product, kind, qty, *, counted=None, cost=None, supplier=None,
              note=None, user_id=None, at=None) -> dict:
    at, day = ledger.stamp(db, shop_id, at)
    row = changes.insert_fact(db, "stock_movements", {
        "shop_id": shop_id, "product_id": product["id"], "kind": kind, "qty": qty,
        "counted": counted, "cost": cost, "supplier": supplier, "note": note,
        "user_id": user_id, "at": at, "day": day})
    return {**row, "stock": stock_level(db, shop_id, product["id"])}


def restock(db: sqlite_utils.Database, shop_id: str, product_id: str, qty, *, cost=None,
            supplier=None, note=None, user_id=None, at=None) -> dict:
    """Goods came in: ``qty`` thousandths, with the optional total ``cost`` paid and supplier."""
    product = products.sellable_product(db, shop_id, product_id)
    qty = products.check_qty(qty, product["unit"])
    cost = None if cost is None else ledger.check_amount(cost, "cost")
    supplier = ledger.check_text(supplier, "supplier", limit=ledger.MAX_NAME)
    note = ledger.check_text(note, "note")
    return _movement(db, shop_id, product, "restock", qty, cost=cost, supplier=supplier,
                     note=note, user_id=user_id, at=at)


def record_loss(db: sqlite_utils.Database, shop_id: str, product_id: str, qty, *, note=None,
                user_id=None, at=None) -> dict:
    """Goods spoiled, broken or stolen: a movement of ``-qty``."""
    product = products.sellable_product(db, shop_id, product_id)
    qty = products.check_qty(qty, product["unit"])
    return _movement(db, shop_id, product, "loss", -qty, note=ledger.check_text(note, "note"),
                     user_id=user_id, at=at)


def correct_count(db: sqlite_utils.Database, shop_id: str, product_id: str, counted, *,
                  note=None, user_id=None, at=None) -> dict:
    """The trader counted ``counted`` thousandths on the shelf: record the difference.

    The movement stores both the delta and the count, so a later merge with another
    device's offline sales still adds up (the count is a fact about that moment, the
    delta is what the level uses). A count equal to the level records nothing.
    """
    product = products.sellable_product(db, shop_id, product_id)
    counted = ledger.check_int(counted, "counted")
    if counted < 0:
        raise Invalid("qty_not_positive", N_("The count cannot be negative"), "counted")
    if counted:
        products.check_qty(counted, product["unit"], "counted")
    delta = counted - product["stock"]
    if delta == 0:
        return {"id": None, "product_id": product_id, "kind": "correction", "qty": 0,
                "counted": counted, "stock": counted}
    return _movement(db, shop_id, product, "correction", delta, counted=counted,
                     note=ledger.check_text(note, "note"), user_id=user_id, at=at)


def stock_level(db: sqlite_utils.Database, shop_id: str, product_id: str) -> int:
    """The product's level in thousandths (0 when it never moved)."""
    row = db.execute(
        "select coalesce(t.moved, 0) - coalesce(t.sold, 0) from products p"
        " left join stock_totals t on t.product_id = p.id where p.id = ? and p.shop_id = ?",
        [product_id, shop_id]).fetchone()
    if row is None:
        products.get_product(db, shop_id, product_id)  # raises NotFound
    return row[0]


def stock_levels(db: sqlite_utils.Database, shop_id: str) -> dict[str, int]:
    """``{product_id: level}`` for every product of the shop."""
    return {pid: level for pid, level in db.execute(
        "select p.id, coalesce(t.moved, 0) - coalesce(t.sold, 0) from products p"
        " left join stock_totals t on t.product_id = p.id where p.shop_id = ? and p.deleted = 0",
        [shop_id])}


def derived_level(db: sqlite_utils.Database, product_id: str) -> int:
    """The level recomputed from the facts alone (the definition; slow on big shops)."""
    return db.execute(
        "select coalesce((select sum(qty) from stock_movements where product_id = :p), 0)"
        " - coalesce((select sum(l.qty) from sale_lines l where l.product_id = :p"
        "   and not exists (select 1 from sale_voids v where v.id = l.sale_id)), 0)",
        {"p": product_id}).fetchone()[0]


def rebuild_totals(db: sqlite_utils.Database) -> None:
    """Recompute the ``stock_totals`` cache from the facts (repair tool; local table)."""
    with transaction(db):
        db.execute("delete from stock_totals")
        db.execute(
            "insert into stock_totals (product_id, moved, sold) select p.id,"
            " coalesce((select sum(m.qty) from stock_movements m where m.product_id = p.id), 0),"
            " coalesce((select sum(l.qty) from sale_lines l where l.product_id = p.id and not exists"
            "  (select 1 from sale_voids v where v.id = l.sale_id)), 0) from products p")


def alerts(db: sqlite_utils.Database, shop_id: str) -> list[dict]:
    """Products needing attention, worst first: ``negative``, then ``out``, then ``low``.

    Archived products raise no alert.
    """
    found = []
    for p in products.list_products(db, shop_id):
        if p["status"] == "ok":
            continue
        kind = "negative" if p["negative"] else p["status"]
        found.append({"product_id": p["id"], "name": p["name"], "icon": p["icon"],
                      "unit": p["unit"], "stock": p["stock"], "low_stock": p["low_stock"],
                      "alert": kind})
    order = {"negative": 0, "out": 1, "low": 2}
    return sorted(found, key=lambda a: (order[a["alert"]], a["stock"], a["name"]))
