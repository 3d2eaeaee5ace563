"""Her data is hers (DESIGN.md rule 3): every row a trader owns, one CSV per table.

Rows are read straight from the tables, all columns, so the export can never forget a
field that a later migration adds.
"""
from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

from . import ledger

# table -> the column that ties its rows to the shop
TABLES = {
    "shops": "id",
    "products": "shop_id",
    "price_changes": "shop_id",
    "stock_movements": "shop_id",
    "customers": "shop_id",
    "sales": "shop_id",
    "sale_lines": "shop_id",
    "sale_voids": "shop_id",
    "credit_entries": "shop_id",
    "subscriptions": "shop_id",
    "subscription_payments": "shop_id",
    "subscription_reversals": "shop_id",
    "shop_pages": "shop_id",
    "shop_slugs": "shop_id",
    "page_visits": "shop_id",
}


def export_shop(db: sqlite_utils.Database, shop_id: str, out_dir) -> list[Path]:
    """Write ``<table>.csv`` for every table of the shop into ``out_dir``; return the files."""
    ledger.shop(db, shop_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table, column in TABLES.items():
        cursor = db.execute(f"select * from [{table}] where [{column}] = ? order by rowid", [shop_id])
        path = out / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(cursor)
        written.append(path)
    return written
