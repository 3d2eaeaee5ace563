"""Counting visits without watching visitors: views of her page and WhatsApp taps per day.

A counter per shop and day on the node that served the page, and nothing else: no cookie,
no address, no user agent is stored, so there is nothing to leak and nothing to consent
to. The counts are local to each node (the hub counts what the hub served); they are not
synced, so a busy hub writes no change-log entry per view.
"""
from __future__ import annotations

import sqlite_utils

from ..shop import ledger
from ..store.db import transaction

KINDS = ("views", "taps")


def count(db: sqlite_utils.Database, shop_id: str, kind: str) -> None:
    """Add one view or one tap to today's counter of the shop (her local day)."""
    if kind not in KINDS:
        raise ValueError(kind)
    day = ledger.today(db, shop_id)
    with transaction(db):
        db.execute(f"insert into page_visits (shop_id, day, {kind}) values (?, ?, 1)"
                   f" on conflict (shop_id, day) do update set {kind} = {kind} + 1", [shop_id, day])


def month_visits(db: sqlite_utils.Database, shop_id: str, month: str) -> dict:
    """``{"views": n, "taps": n}`` over the month ``YYYY-MM``."""
    row = db.execute("select coalesce(sum(views), 0), coalesce(sum(taps), 0) from page_visits"
                     " where shop_id = ? and day like ?", [shop_id, month + "-%"]).fetchone()
    return {"views": row[0], "taps": row[1]}
