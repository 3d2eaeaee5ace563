"""Anomalies found by merging: a stock that went negative once other devices' sales arrived.

Two devices may sell the last bags of rice offline; each was right alone, together they
sold more than there was. DESIGN.md rule 6: shown, never silently fixed. After each
merged batch the products it moved are re-measured; a negative level opens (or updates)
an alert in the local ``stock_alerts`` table, a level back at or above zero closes it.
Trader pages read :func:`negative_stock_alerts`.
"""
from __future__ import annotations

import sqlite_utils

from ..changes import utc_now


def stock_level(db: sqlite_utils.Database, product_id: str) -> int:
    """A product's stock in thousandths of its unit, derived from its events.

    Uses the ledger's own derivation (``kissi.stock.stock_level``) when present; until
    then: the sum of signed stock movements minus the quantities of sales not voided.
    """
    try:
        from ..stock import stock_level as ledger_level  # the ledger's derivation wins
    except ImportError:
        ledger_level = None
    if ledger_level is not None:
        return int(ledger_level(db, product_id))
    moved = db.execute("select coalesce(sum(qty), 0) from stock_movements where product_id = ?",
                       [product_id]).fetchone()[0]
    sold = db.execute(
        "select coalesce(sum(l.qty), 0) from sale_lines l left join sale_voids v on v.id = l.sale_id"
        " where l.product_id = ? and v.id is null", [product_id]).fetchone()[0]
    return moved - sold


def check_products(db: sqlite_utils.Database, product_ids) -> list[dict]:
    """Re-measure products after a merge; returns the alerts now open among them."""
    ids = sorted(p for p in product_ids if p)
    opened = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for product_id, shop_id, level in _levels(db, part):
            if level < 0:
                db.execute(
                    "insert into stock_alerts (product_id, shop_id, level, detected_at) values (?, ?, ?, ?)"
                    " on conflict (product_id) do update set level = excluded.level",
                    [product_id, shop_id, level, utc_now()])
                opened.append({"product_id": product_id, "shop_id": shop_id, "level": level})
        marks = ",".join("?" * len(part))
        db.execute(f"delete from stock_alerts where product_id in ({marks}) and product_id not in"
                   f" ({','.join('?' * len(opened))})" if opened else
                   f"delete from stock_alerts where product_id in ({marks})",
                   part + [o["product_id"] for o in opened])
    return opened


def _levels(db, product_ids: list[str]) -> list[tuple]:
    """``(product_id, shop_id, level)`` of several products at once."""
    try:
        from ..stock import stock_level as ledger_level  # the ledger's derivation wins
    except ImportError:
        ledger_level = None
    marks = ",".join("?" * len(product_ids))
    shops = dict(db.execute(f"select id, shop_id from products where id in ({marks})", product_ids).fetchall())
    if ledger_level is not None:
        return [(p, shops[p], int(ledger_level(db, p))) for p in product_ids if p in shops]
    moved = dict(db.execute(f"select product_id, sum(qty) from stock_movements where product_id in ({marks})"
                            " group by product_id", product_ids).fetchall())
    sold = dict(db.execute(
        f"select l.product_id, sum(l.qty) from sale_lines l left join sale_voids v on v.id = l.sale_id"
        f" where l.product_id in ({marks}) and v.id is null group by l.product_id", product_ids).fetchall())
    return [(p, shops[p], moved.get(p, 0) - sold.get(p, 0)) for p in product_ids if p in shops]


def negative_stock_alerts(db: sqlite_utils.Database, shop_id: str) -> list[dict]:
    """Open alerts of one shop, each re-measured now (a restock since closes it)."""
    ids = [r[0] for r in db.execute("select product_id from stock_alerts where shop_id = ?", [shop_id])]
    if ids:
        from ..db import in_transaction, transaction

        if in_transaction(db) or not db.conn.in_transaction:
            with transaction(db):
                check_products(db, ids)
    return [dict(zip(("product_id", "name", "level", "detected_at"), r)) for r in db.execute(
        "select a.product_id, p.name, a.level, a.detected_at from stock_alerts a"
        " join products p on p.id = a.product_id where a.shop_id = ? order by a.detected_at",
        [shop_id])]
