"""(c) of the ledger benchmark: a sale over HTTP against a trivial endpoint, same server.

A real waitress server (its own process) on loopback serves a real instance; a few client
threads, each logged in through the real login form and holding one keep-alive
connection, send ``POST /api/v1/sales`` (one to three lines), then ``GET /bench/ping``, a trivial
endpoint added to the same app for the benchmark.
The ratio of the two request rates is the cost of the sale path (auth, CSRF check,
idempotency, the domain, the request transaction) relative to the bare server.
"""
from __future__ import annotations

import http.client
import json
import logging
import multiprocessing
import random
import socket
import statistics
import threading
import time
from pathlib import Path

from common import PHONE, PIN, log_in

from kissi import create_app
from kissi.coop import members
from kissi.shop import products, stock
from kissi.store import changes, db as store

ROUNDS = 5


def _setup(folder: Path):
    app = create_app({"SYNC_ENABLED": False}, instance_path=str(folder / "instance"))
    db = store.connect(app.config["DATABASE"])
    store.migrate(db)
    changes.ensure_node(db)
    user = members.add_user(db, role="trader", phone=PHONE, pin=PIN, name="Awa",
                            cooperative_id=members.create_cooperative(db, "Bench")["id"])
    items = [products.create_product(db, user["shop_id"], name=f"P{i}", price=100 + 50 * i)
             for i in range(10)]
    for p in items:
        stock.restock(db, user["shop_id"], p["id"], 1_000_000)
    db.conn.close()
    return app, [p["id"] for p in items]


def _round(port, cookies, per_client, make_request):
    errors = []

    def client(cookie, seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(per_client):
            method, path, body = make_request(rng)
            headers = {"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=client, args=(c, i)) for i, c in enumerate(cookies)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert not errors, f"{len(errors)} failed requests, e.g. {errors[0]}"
    return len(cookies) * per_client / elapsed


def _serve(instance_path: str, port: int, threads: int) -> None:
    """The server process: the app as ``kissi serve`` runs it (waitress, a thread pool)."""
    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" noise
    app = create_app({"SYNC_ENABLED": False}, instance_path=instance_path)
    # The trivial endpoint: through the same app and hooks (session, CSRF, database
    # teardown), no work of its own. /healthz is not trivial: it asks every part its state.
    app.add_url_rule("/bench/ping", "bench_ping", lambda: {"ok": True})
    for hook in app.extensions.get("kissi_serve_hooks", []):  # as `kissi serve` does
        hook(app)
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def bench_http(n: int, clients: int, folder: Path):
    """Server and clients in separate processes (as phones and a node are), so the clients'
    Python work does not compete with the server for one interpreter lock."""
    app, item_ids = _setup(folder)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(app.instance_path, port, clients), daemon=True)
    server.start()
    try:
        _wait_up(port)
        cookies = [log_in(port) for _ in range(clients)]

        def sale(rng):
            lines = [{"product_id": pid, "qty": rng.randint(1, 3) * 1000}
                     for pid in rng.sample(item_ids, rng.randint(1, 3))]
            return "POST", "/api/v1/sales", json.dumps({"lines": lines})

        def trivial(rng):
            return "GET", "/bench/ping", None

        per_client = max(1, n // clients // ROUNDS)
        _round(port, cookies, 20, trivial)  # warm up both paths
        _round(port, cookies, 20, sale)
        rates = {"sale": [], "trivial": []}
        for _ in range(ROUNDS):  # interleaved, so a busy moment of the machine hits both
            rates["sale"].append(_round(port, cookies, per_client, sale))
            rates["trivial"].append(_round(port, cookies, per_client, trivial))
    finally:
        server.terminate()
        server.join()
    sales_rate, trivial_rate = (statistics.median(rates[k]) for k in ("sale", "trivial"))
    print(f"(c) HTTP, waitress on loopback, {clients} clients, {ROUNDS} interleaved rounds of "
          f"{clients * per_client} requests (medians): POST /api/v1/sales {sales_rate:,.0f} req/s, "
          f"GET /bench/ping {trivial_rate:,.0f} req/s, ratio {sales_rate / trivial_rate:.2f} "
          "(target >= 0.4)")
