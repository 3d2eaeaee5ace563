"""Upgrades: a database made at any earlier schema version, with data in it, migrates and today's
kissi reads and writes it; an older kissi refuses a newer database with a clear message."""
from __future__ import annotations

import sqlite3

import pytest
from werkzeug.security import generate_password_hash

from kissi.coop import logins
from kissi.errors import Conflict
from kissi.shop import credit, day, sales, stock
from kissi.store import changes, db as store
from tests.browser_helpers import KISSI

VERSIONS = store.migration_names()
DAY = "2025-03-14"
AT = f"{DAY}T10:00:00.000Z"
IDS = {name: f"0195{n:04x}-0000-7000-8000-{n:012x}" for n, name in enumerate(
    ["coop", "shop", "user", "soap", "restock", "customer", "sale1", "line1", "sale2", "line2", "credit"], 1)}


def fill(db, version: str) -> None:
    """A cooperative's first days, written with the columns of the first schema (later
    migrations only add), so the same rows go into a database of any version; her phone as
    that version wrote it (E.164 from 0090 on)."""
    i = IDS
    phone = "+2250701020304" if version >= "0090_phones" else "07 01 02 03 04"
    rows = [
        ("cooperatives", {"id": i["coop"], "name": "Coop Adjamé", "created_at": AT}),
        ("shops", {"id": i["shop"], "cooperative_id": i["coop"], "name": "Awa", "created_at": AT}),
        ("users", {"id": i["user"], "role": "trader", "phone": phone, "name": "Awa",
                   "pin_hash": generate_password_hash("1357", "scrypt:1024:8:1"), "cooperative_id": i["coop"],
                   "shop_id": i["shop"], "created_at": AT}),
        ("products", {"id": i["soap"], "shop_id": i["shop"], "name": "Savon", "price": 250, "created_at": AT}),
        ("stock_movements", {"id": i["restock"], "shop_id": i["shop"], "product_id": i["soap"], "kind": "restock",
                             "qty": 20_000, "at": AT, "day": DAY}),
        ("customers", {"id": i["customer"], "shop_id": i["shop"], "name": "Mariam", "created_at": AT}),
        ("sales", {"id": i["sale1"], "shop_id": i["shop"], "subtotal": 750, "total": 750, "cash": 750,
                   "at": AT, "day": DAY}),
        ("sale_lines", {"id": i["line1"], "sale_id": i["sale1"], "shop_id": i["shop"], "product_id": i["soap"],
                        "qty": 3000, "unit_price": 250, "amount": 750}),
        ("sales", {"id": i["sale2"], "shop_id": i["shop"], "customer_id": i["customer"], "subtotal": 500,
                   "total": 500, "credit": 500, "at": AT, "day": DAY}),
        ("sale_lines", {"id": i["line2"], "sale_id": i["sale2"], "shop_id": i["shop"], "product_id": i["soap"],
                        "qty": 2000, "unit_price": 250, "amount": 500}),
        ("credit_entries", {"id": i["credit"], "shop_id": i["shop"], "customer_id": i["customer"], "kind": "credit",
                            "amount": 500, "sale_id": i["sale2"], "at": AT, "day": DAY}),
    ]
    with store.transaction(db):
        for table, row in rows:
            db.execute(f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                       list(row.values()))


@pytest.mark.parametrize("version", VERSIONS[:-1])
def test_a_database_of_every_earlier_version_migrates_with_its_data(tmp_path, version):
    db = store.connect(tmp_path / "old.sqlite3")
    assert store.migrate(db, upto=version) == VERSIONS[:VERSIONS.index(version) + 1]
    changes.ensure_node(db, "edge")
    fill(db, version)
    assert store.migrate(db) == VERSIONS[VERSIONS.index(version) + 1:]
    shop = IDS["shop"]
    summary = day.day_summary(db, shop, DAY)
    assert (summary["count"], summary["total"], summary["cash"], summary["credit"]) == (2, 1250, 750, 500)
    assert stock.stock_level(db, shop, IDS["soap"]) == 15_000
    assert credit.customer_balance(db, shop, IDS["customer"]) == 500
    # her number in the form every version since reads, and her PIN still opens her book
    assert logins.verify_login(db, "+2250701020304", "1357", "test")["id"] == IDS["user"]
    # and today's write path writes into it
    sale = sales.record_sale(db, shop, [{"product_id": IDS["soap"], "qty": 1000}])
    assert stock.stock_level(db, shop, IDS["soap"]) == 14_000 and sale["total"] == 250
    db.conn.close()


def test_every_version_is_tested_from_the_first():
    assert VERSIONS[0] == "0001_core" and len(VERSIONS) >= 2


def test_an_older_kissi_refuses_a_newer_database_and_changes_nothing(tmp_path):
    path = tmp_path / "kissi.sqlite3"
    db = store.connect(path)
    store.migrate(db)
    db.execute("insert into _migrations values ('9990_from_the_future', '2030-01-01T00:00:00Z')")
    before = db.execute("select count(*) from sqlite_master").fetchone()[0]
    with pytest.raises(Conflict) as err:
        store.migrate(db)
    assert err.value.code == "schema_too_new" and err.value.params["names"] == "9990_from_the_future"
    assert db.execute("select count(*) from sqlite_master").fetchone()[0] == before
    db.conn.close()


def test_the_command_line_says_the_database_is_newer(tmp_path):
    import subprocess

    instance = tmp_path / "node"
    assert subprocess.run([KISSI, "--instance", str(instance), "init"], capture_output=True).returncode == 0
    with sqlite3.connect(instance / "kissi.sqlite3") as conn:
        conn.execute("insert into _migrations values ('9990_from_the_future', '2030-01-01T00:00:00Z')")
    for command in (["init"], ["serve", "--port", "1"], ["sync", "--status"]):
        result = subprocess.run([KISSI, "--instance", str(instance), *command], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 1, command
        assert "schema_too_new: This database was made by a newer kissi" in result.stderr
        assert "Traceback" not in result.stderr
