"""Anomalies found by merging: a stock that went negative once other devices' sales arrived.

Two devices may sell the last bags of rice offline; each was right alone, together they
sold more than there was. DESIGN.md rule 6: shown, never silently fixed. After each
merged batch the products it moved are re-measured (the ledger's ``stock_totals``); a
negative level opens (or updates) an alert in the local ``stock_alerts`` table, with the
moment the merge found it; a level back at or above zero closes it. Trader pages read
:func:`negative_stock_alerts` (the ledger's ``stock.alerts`` also flags any negative level).
"""
from __future__ import annotations

import sqlite_utils

from ..store.changes import utc_now


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
    """``(product_id, shop_id, level)`` of several products, from the ledger's stock totals.

    ``stock_totals`` (migration 0010) is kept by triggers on the fact tables, so it is true
    after sync's inserts too: sum of movements minus quantities of sales not voided.
    """
    marks = ",".join("?" * len(product_ids))
    return db.execute(
        "select p.id, p.shop_id, coalesce(t.moved, 0) - coalesce(t.sold, 0) from products p"
        f" left join stock_totals t on t.product_id = p.id where p.id in ({marks})",
        product_ids).fetchall()


def negative_stock_alerts(db: sqlite_utils.Database, shop_id: str) -> list[dict]:
    """Open alerts of one shop, each re-measured now (a restock since closes it)."""
    ids = [r[0] for r in db.execute("select product_id from stock_alerts where shop_id = ?", [shop_id])]
    if ids:
        from ..store.db import in_transaction, transaction

        if in_transaction(db) or not db.conn.in_transaction:
            with transaction(db):
                check_products(db, ids)
    return [dict(zip(("product_id", "name", "level", "detected_at"), r, strict=False)) for r in db.execute(
        "select a.product_id, p.name, a.level, a.detected_at from stock_alerts a"
        " join products p on p.id = a.product_id where a.shop_id = ? order by a.detected_at",
        [shop_id])]
