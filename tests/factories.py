"""Test factories for the shop ledger: rows made through the one write path."""
from __future__ import annotations

import itertools

from kissi import changes, credit, products

_n = itertools.count(1)


def make_cooperative(db, name: str = "Coop Adjamé") -> dict:
    return changes.insert_record(db, "cooperatives", {"name": name, "created_at": changes.utc_now()})


def make_shop(db, cooperative: dict | None = None, name: str = "Boutique Awa") -> dict:
    cooperative = cooperative or make_cooperative(db)
    return changes.insert_record(db, "shops", {"name": name, "cooperative_id": cooperative["id"],
                                               "created_at": changes.utc_now()})


def make_product(db, shop: dict, **fields) -> dict:
    fields = {"name": f"Savon {next(_n)}", "price": 250, "icon": "soap", **fields}
    return products.create_product(db, shop["id"], **fields)


def make_customer(db, shop: dict, **fields) -> dict:
    fields = {"name": f"Mariam {next(_n)}", "phone": "07 07 07 07 07", **fields}
    return credit.create_customer(db, shop["id"], **fields)


def table_counts(db) -> dict[str, int]:
    """Row count of every table (change log included): proof that nothing was written."""
    return {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in db.table_names()}
