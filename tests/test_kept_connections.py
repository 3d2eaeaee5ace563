"""Each server thread keeps its database connection from request to request (kissi/web/database.py):
nothing of one request (a transaction, a cache, a replaced file) reaches the next."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from flask import abort

from factories import login, make_product, table_counts
from kissi.deploy import backups
from kissi.store import db as store
from kissi.web.database import get_db, kept, own_transaction


@pytest.fixture
def probed(app):
    """Views for the tests only, registered before the first request: what the request's handle is."""
    def handle():
        db = get_db()
        return {"conn": id(db.conn), "in_transaction": db.conn.in_transaction,
                "caches": sorted(k for k in db.__dict__ if k.startswith("_kissi"))}

    @own_transaction
    def left_open():
        with store.transaction(get_db()):
            get_db().execute("insert into _migrations (name, applied_at) values ('zz_left_open', 'x')")
        get_db().conn.execute("BEGIN")  # and never committed nor rolled back by the view
        get_db().execute("insert into _migrations (name, applied_at) values ('zz_never', 'x')")
        return {"ok": True}

    def crash():
        get_db().execute("insert into _migrations (name, applied_at) values ('zz_crash', 'x')")
        raise RuntimeError("a bug in a view")

    def refuse():
        get_db().execute("insert into _migrations (name, applied_at) values ('zz_refused', 'x')")
        abort(409)

    def cache():
        get_db().__dict__["_kissi_probe"] = "from an earlier request"
        return {"ok": True}

    app.add_url_rule("/t/handle", "t_handle", handle)
    app.add_url_rule("/t/left-open", "t_left_open", left_open, methods=["POST"])
    app.add_url_rule("/t/crash", "t_crash", crash, methods=["POST"])
    app.add_url_rule("/t/refuse", "t_refuse", refuse, methods=["POST"])
    app.add_url_rule("/t/cache", "t_cache", cache)
    return app


def _migrations(db) -> set[str]:
    return {r[0] for r in db.execute("select name from _migrations where name like 'zz_%'")}


def _write_lock_is_free(path) -> bool:
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_thread_keeps_one_connection_across_requests(probed, client):
    first = client.get("/t/handle").get_json()
    second = client.get("/t/handle").get_json()
    assert first["conn"] == second["conn"]
    assert kept(probed).db is not None and id(kept(probed).db.conn) == first["conn"]


def test_the_wal_survives_write_requests_with_no_serve_hook(app, trader, client):
    """Closing the last connection checkpoints and deletes the WAL; the kept one is never closed."""
    login(client, trader)
    assert client.post("/api/v1/customers", json={"name": "Awa"}).status_code == 201
    assert Path(app.config["DATABASE"] + "-wal").exists()


def test_a_refused_request_writes_nothing_and_leaves_no_transaction_open(probed, client, db, trader):
    login(client, trader)
    shop = {"id": trader["shop_id"]}
    product = make_product(db, shop)
    before = table_counts(db)
    refused = client.post("/api/v1/sales", json={"lines": [{"product_id": product["id"], "qty": -5}]})
    assert refused.status_code == 422
    assert client.post("/t/refuse").status_code == 409
    assert table_counts(db) == before and not _migrations(db)
    assert not kept(probed).db.conn.in_transaction
    assert _write_lock_is_free(probed.config["DATABASE"])  # no BEGIN IMMEDIATE left holding the lock
    # the login view refuses to run inside an open transaction: it still works on the kept connection
    assert login(client, trader).status_code == 302
    assert client.post("/api/v1/sales", json={"lines": [{"product_id": product["id"], "qty": 1000}]}
                       ).status_code == 201


def test_a_transaction_a_view_leaves_open_is_rolled_back_not_carried_over(probed, client, db):
    assert client.post("/t/left-open").status_code == 200
    assert _migrations(db) == {"zz_left_open"}  # what the view committed
    assert not kept(probed).db.conn.in_transaction
    assert client.get("/t/handle").get_json()["in_transaction"] is False
    assert _migrations(db) == {"zz_left_open"}  # what the open one wrote never commits later


def test_a_crashed_request_writes_nothing_and_its_connection_is_replaced(probed, client, db):
    probed.testing = False  # answer 500 instead of raising into the test
    client.get("/t/handle")
    before = kept(probed).db.conn  # the test client serves in this thread: its kept connection
    assert client.post("/t/crash").status_code == 500
    assert not _migrations(db)
    assert _write_lock_is_free(probed.config["DATABASE"])
    assert client.get("/t/handle").get_json()["in_transaction"] is False
    assert kept(probed).db.conn is not before


def test_caches_on_the_handle_last_one_request_and_schema_caches_one_schema(probed, client, db, trader):
    login(client, trader)
    assert client.post("/api/v1/customers", json={"name": "Awa"}).status_code == 201
    assert client.get("/t/cache").status_code == 200
    caches = client.get("/t/handle").get_json()["caches"]
    assert "_kissi_probe" not in caches  # a data cache does not outlive its request
    assert "_kissi_clock" in caches and "_kissi_columns" in caches  # safe to keep: checked at each use
    db.execute("alter table customers add column t_extra text")  # the schema moves under the server
    assert "_kissi_columns" not in client.get("/t/handle").get_json()["caches"]


def test_a_database_restored_under_the_server_is_opened_again(app, client, db, trader, tmp_path):
    login(client, trader)
    backup = backups.copy_database(app.config["DATABASE"], tmp_path / "kissi-backup.sqlite3")
    assert client.post("/api/v1/customers", json={"name": "Mariam"}).status_code == 201
    served = kept(app).db.conn
    backups.restore(app.config["DATABASE"], backup)
    names = [c["name"] for c in client.get("/api/v1/customers").get_json()["customers"]]
    assert names == []  # the restored file, not the one the kept connection had open
    assert kept(app).db.conn is not served
    assert client.post("/api/v1/customers", json={"name": "Fanta"}).status_code == 201
    fresh = store.connect(app.config["DATABASE"])
    assert [r[0] for r in fresh.execute("select name from customers")] == ["Fanta"]
    fresh.conn.close()


def test_concurrent_requests_through_waitress_each_thread_on_its_own_connection(app, db, trader):
    """Real waitress, 4 threads: sales and refused sales at once; every success is written once,
    no refusal writes, and no kept connection is left in a transaction."""
    import http.client
    import urllib.parse

    from waitress import wasyncore
    from waitress.server import create_server

    product = make_product(db, {"id": trader["shop_id"]})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    port, serving = server.effective_port, threading.Event()

    def loop():
        while not serving.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/login", urllib.parse.urlencode({"phone": trader["phone"], "pin": trader["pin"]}),
                     {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
        response = conn.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        statuses = []

        def client(seed):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for i in range(15):
                qty = -1 if (i + seed) % 3 == 0 else 1000
                c.request("POST", "/api/v1/sales", f'{{"lines": [{{"product_id": "{product["id"]}", "qty": {qty}}}]}}',
                          {"Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                statuses.append(r.status)
            c.close()

        clients = [threading.Thread(target=client, args=(s,)) for s in range(4)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
    finally:
        serving.set()
        thread.join(5)
        server.close()
    assert sorted(set(statuses)) == [201, 422]
    assert db.execute("select count(*) from sales").fetchone()[0] == statuses.count(201)
    assert _write_lock_is_free(app.config["DATABASE"])
