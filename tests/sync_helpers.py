"""Real kissi nodes for sync tests: each its own app and SQLite file; the hub behind waitress."""
from __future__ import annotations

import threading
import time

from kissi import create_app
from kissi.store import changes, db as store
from kissi.sync import client, hub, identity


class Node:
    """A kissi instance (edge or hub) on its own instance folder and database."""

    def __init__(self, folder, role: str = "edge", **config):
        self.app = create_app({"TESTING": True, "SYNC_ENABLED": False, "ROLE": role, **config},
                              instance_path=str(folder))
        self.db = store.connect(self.app.config["DATABASE"])
        store.migrate(self.db)
        changes.ensure_node(self.db, role)
        self.server = None

    @property
    def node_id(self) -> str:
        return changes.node(self.db)["id"]

    def serve(self) -> str:
        """Serve the app with waitress on a free loopback port; returns its URL."""
        from waitress.server import create_server

        self.server = create_server(self.app, host="127.0.0.1", port=0, threads=8,
                                    ident="kissi", connection_limit=200)
        self.serving = True
        threading.Thread(target=self._loop, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        return self.url

    def _loop(self) -> None:
        from waitress import wasyncore

        while self.serving:
            wasyncore.loop(timeout=0.05, map=self.server._map, count=1)

    def close(self) -> None:
        if self.server is not None:
            self.serving = False
            time.sleep(0.1)
            self.server.close()
        self.db.conn.close()

    # -- sync shortcuts --------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """A hub's key fingerprint, as its enrollment page shows it."""
        return identity.fingerprint(identity.public_raw(identity.load_or_create(self.app.instance_path)))

    def enroll(self, hub_node: Node, kind: str, scope_id: str, url: str | None = None) -> dict:
        code = hub.create_enrollment(hub_node.db, kind, scope_id)["code"]
        return client.enroll(self.db, url or hub_node.url, code, "test device", hub_node.fingerprint)

    def sync(self, url: str | None = None, **kwargs) -> dict:
        if url:
            self.db.execute("update sync_state set hub_url = ? where singleton = 1", [url])
        return client.sync_once(self.db, **kwargs)

    def count(self, table: str, **where) -> int:
        clause = " and ".join(f"{k} = ?" for k in where) or "1"
        return self.db.execute(f"select count(*) from {table} where {clause}", list(where.values())).fetchone()[0]


# -- rows, written through the one write path --------------------------------------------------

def cooperative(db, name="Coop") -> dict:
    return changes.insert_record(db, "cooperatives", {"name": name, "created_at": changes.utc_now()})


def shop(db, coop_id, name="Awa") -> dict:
    return changes.insert_record(db, "shops", {"name": name, "cooperative_id": coop_id,
                                               "created_at": changes.utc_now()})


def product(db, shop_id, name="Savon", price=500) -> dict:
    return changes.insert_record(db, "products", {"shop_id": shop_id, "name": name, "price": price,
                                                  "created_at": changes.utc_now()})


def restock(db, shop_id, product_id, qty=1000) -> dict:
    return changes.insert_fact(db, "stock_movements", {
        "shop_id": shop_id, "product_id": product_id, "kind": "restock", "qty": qty,
        "at": changes.utc_now(), "day": changes.utc_now()[:10]})


def sell(db, shop_id, product_row, qty=1000) -> dict:
    """A one-line cash sale, as the ledger writes it: the sale and its line in one transaction."""
    amount = product_row["price"] * qty // 1000
    with store.transaction(db):
        sale = changes.insert_fact(db, "sales", {
            "shop_id": shop_id, "subtotal": amount, "discount": 0, "total": amount, "cash": amount,
            "mobile": 0, "credit": 0, "beyond_stock": 0, "at": changes.utc_now(),
            "day": changes.utc_now()[:10]})
        changes.insert_fact(db, "sale_lines", {
            "sale_id": sale["id"], "shop_id": shop_id, "product_id": product_row["id"], "qty": qty,
            "unit_price": product_row["price"], "amount": amount})
    return sale


def hub_with_shop(folder) -> tuple[Node, dict, dict, dict]:
    """A served hub holding one cooperative, one shop and one product."""
    h = Node(folder, role="hub")
    c = cooperative(h.db)
    s = shop(h.db, c["id"])
    p = product(h.db, s["id"])
    h.serve()
    return h, c, s, p


def state_of(db, tables=("shops", "products", "sales", "sale_lines", "stock_movements", "sale_voids")):
    """Every row of the given tables, as comparable sets (what 'the same state' means)."""
    return {t: sorted(tuple(r) for r in db.execute(f"select * from {t} order by id")) for t in tables}
