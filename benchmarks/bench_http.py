"""(c) of the ledger benchmark: a sale over HTTP against the same sale written plainly, same server.

A real waitress server (its own process) on loopback serves a real instance, and beside it,
on the same waitress and the same database file, a minimal Flask app whose one view writes
the same rows with ``sqlite3`` over a connection kept per thread (``common.PlainSale``):
what a sale costs with no framework of ours. A few client threads, each logged in through
the real login form and holding one keep-alive connection, send ``POST /api/v1/sales`` (one
to three lines) and the same bodies to ``POST /plain/sales``, in interleaved rounds.
The ratio of the two rates is what kissi's sale path (session, CSRF check, idempotency, the
domain's checks, the request transaction) costs over the floor; the latencies are the
sale's as a phone sees them on loopback. The background clip build is off
(``VOICE_BUILD_ON_SERVE=False``): this is the steady state of a node.
"""
from __future__ import annotations

import http.client
import json
import logging
import multiprocessing
import os
import random
import socket
import statistics
import threading
import time
from pathlib import Path

from common import PHONE, PIN, PlainSale, log_in, plain_connection

from kissi import create_app
from kissi.coop import members
from kissi.shop import products, stock
from kissi.store import changes, db as store

ROUNDS = 5
CONFIG = {"SYNC_ENABLED": False, "VOICE_BUILD_ON_SERVE": False}


def _setup(folder: Path):
    app = create_app(CONFIG, instance_path=str(folder / "instance"))
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
    plain = PlainSale(user["shop_id"], user["cooperative_id"], {p["id"]: p["price"] for p in items}, user["id"])
    return app, [p["id"] for p in items], plain


def _round(port, cookies, per_client, make_request):
    """``per_client`` requests from each client at once: (requests/s, each request's milliseconds)."""
    errors, latencies = [], []

    def client(cookie, seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(per_client):
            method, path, body = make_request(rng)
            headers = {"Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
            start = time.perf_counter()
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - start) * 1000)
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
    return len(cookies) * per_client / elapsed, latencies


def plain_app(database: str, plain: PlainSale):
    """The baseline: a minimal Flask app, one view, sqlite3 over a connection kept per thread."""
    from flask import Flask, request

    app = Flask("plain")
    local = threading.local()

    @app.post("/sales")
    def sale():
        if not hasattr(local, "conn"):
            local.conn = plain_connection(database)
        return {"id": plain.record(local.conn, request.get_json()["lines"])}, 201

    return app


def _serve(instance_path: str, port: int, threads: int, plain: PlainSale) -> None:
    """The server process: the app as ``kissi serve`` runs it (waitress, a thread pool), and the
    plain app under ``/plain`` on the same server."""
    import waitress
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" noise
    app = create_app(CONFIG, instance_path=instance_path)
    for hook in app.extensions.get("kissi_serve_hooks", []):  # as `kissi serve` does
        hook(app)
    both = DispatcherMiddleware(app, {"/plain": plain_app(app.config["DATABASE"], plain)})
    waitress.serve(both, host="127.0.0.1", port=port, threads=threads, _quiet=True)


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


def _percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def bench_http(n: int, clients: int, folder: Path):
    """Server and clients in separate processes (as phones and a node are), so the clients'
    Python work does not compete with the server for one interpreter lock."""
    app, item_ids, plain = _setup(folder)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(app.instance_path, port, clients, plain), daemon=True)
    load_before = os.getloadavg()
    server.start()
    try:
        _wait_up(port)
        cookies = [log_in(port) for _ in range(clients)]

        def body(rng):
            return json.dumps({"lines": [{"product_id": pid, "qty": rng.randint(1, 3) * 1000}
                                         for pid in rng.sample(item_ids, rng.randint(1, 3))]})

        def kissi_sale(rng):
            return "POST", "/api/v1/sales", body(rng)

        def plain_sale(rng):
            return "POST", "/plain/sales", body(rng)

        per_client = max(1, n // clients // ROUNDS)
        _round(port, cookies, 20, kissi_sale)  # warm up both paths
        _round(port, cookies, 20, plain_sale)
        rates = {"kissi": [], "plain": []}
        latencies = {"kissi": [], "plain": []}
        for _ in range(ROUNDS):  # interleaved, so a busy moment of the machine hits both
            for name, make in (("kissi", kissi_sale), ("plain", plain_sale)):
                rate, times = _round(port, cookies, per_client, make)
                rates[name].append(rate)
                latencies[name].extend(times)
    finally:
        server.terminate()
        server.join()
    load_after = os.getloadavg()
    ours, floor = (statistics.median(rates[k]) for k in ("kissi", "plain"))
    p50, p95 = (_percentile(latencies["kissi"], q) for q in (50, 95))
    b50, b95 = (_percentile(latencies["plain"], q) for q in (50, 95))
    print(f"(c) HTTP, waitress on loopback, {clients} clients, {ROUNDS} interleaved rounds of "
          f"{clients * per_client} sales each (medians of the rounds):\n"
          f"    POST /api/v1/sales {ours:,.0f} sales/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p50 <= 10 ms)\n"
          f"    plain Flask + sqlite3 {floor:,.0f} sales/s, p50 {b50:.1f} ms, p95 {b95:.1f} ms\n"
          f"    ratio {ours / floor:.2f} (target >= 0.5); machine: {os.cpu_count()} cores, load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after")
