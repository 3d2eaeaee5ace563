"""Sync benchmark: bytes, requests and time of kissi's sync against CouchDB replication.

Run: .venv/bin/python benchmarks/bench_sync.py [--sales 1000] [--edges 50] [--per-edge 200]

1. 1,000 sales made offline on an edge over a morning, then synced through a counting
   proxy on loopback: bytes on the wire per sale (both directions, HTTP headers included),
   requests, time. Baseline in the same run: the bytes CouchDB's replication protocol
   needs for the same sales (one document per sale with its lines; real request and
   response bodies and headers: database info, checkpoint read, _revs_diff and _bulk_docs
   with _revisions in batches of 500, checkpoint write, then the pull side's _changes).
2. One sale synced alone: requests and bytes.
3. The same 1,000-sale sync over an emulated 2G link (50 kbit/s, 500 ms round trip, 5 %
   of connections cut): time, and proof that every sale arrived exactly once.
4. Hub ingest: N edges push at once to a hub served by ``kissi serve`` in its own process.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kissi.shop import sales as ledger_sales  # noqa: E402
from kissi.store import db as store, hlc  # noqa: E402
from kissi.sync import client, hub, protocol  # noqa: E402
from tests.faultproxy import FaultProxy  # noqa: E402
from tests.sync_helpers import Node, cooperative, product, shop  # noqa: E402

# -- a morning of offline sales --------------------------------------------------------------

class MorningClock:
    """Moves time.time() back to the morning, forward as sales happen; restores it on exit.

    Everything of the morning (hub, enrollment, first sync, sales) runs on this clock, so
    ids and HLCs are spread over hours as on a real day, not packed into one second.
    """

    def __init__(self, hours_ago: float):
        self.real = time.time
        self.start = self.real() - hours_ago * 3600
        self.offset = 0.0

    def __enter__(self):
        from kissi.store import ids

        ids._last_ms = 0
        time.time = lambda: self.start + self.offset + (self.real() % 1)
        return self

    def advance(self, seconds: float):
        self.offset += seconds

    def __exit__(self, *exc):
        time.time = self.real


def offline_sales(db, shop_id, products, n, rng, clock=None, spacing=25.0) -> list[dict]:
    """``n`` sales recorded by the ledger (1-2 lines; cash or mobile money), ``spacing`` s apart."""
    made = []
    for _ in range(n):
        if clock:
            clock.advance(rng.expovariate(1 / spacing))
        lines = [{"product_id": rng.choice(products)["id"], "qty": rng.randint(1, 5) * 1000}
                 for _ in range(1 if rng.random() < 0.8 else 2)]
        total = sum(next(p["price"] for p in products if p["id"] == line["product_id"]) * line["qty"] // 1000
                    for line in lines)
        mobile = total if rng.random() < 0.15 else 0
        made.append(ledger_sales.record_sale(db, shop_id, lines, mobile=mobile,
                                      mobile_provider="orange" if mobile else None))
    return made


# -- the CouchDB baseline ---------------------------------------------------------------------

COUCH_RESPONSE_HEADERS = ("HTTP/1.1 {status}\r\nCache-Control: must-revalidate\r\nContent-Length: {length}\r\n"
                          "Content-Type: application/json\r\nDate: Thu, 26 Nov 2026 14:00:00 GMT\r\n"
                          "Server: CouchDB/3.3.3 (Erlang OTP/24)\r\nX-Couch-Request-ID: {rid}\r\n"
                          "X-CouchDB-Body-Time: 0\r\n\r\n")
COUCH_REQUEST_HEADERS = ("{method} {path} HTTP/1.1\r\nHost: hub.example.org:5984\r\nAccept: application/json\r\n"
                         "Authorization: Basic {auth}\r\nContent-Type: application/json\r\n"
                         "Content-Length: {length}\r\n\r\n")


class Couch:
    """Counts the bytes of a CouchDB replication's HTTP exchanges (bodies as CouchDB sends them)."""

    def __init__(self, compress: bool = False):
        self.bytes = self.requests = 0
        self.compress = compress
        self.auth = "a2lzc2k6" + secrets.token_urlsafe(12)

    def exchange(self, method, path, body, status, answer):
        request = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        response = json.dumps(answer, separators=(",", ":")).encode()
        if self.compress:
            request, response = gzip.compress(request), gzip.compress(response)
        head = COUCH_REQUEST_HEADERS.format(method=method, path=path, auth=self.auth, length=len(request))
        back = COUCH_RESPONSE_HEADERS.format(status=status, length=len(response), rid=secrets.token_hex(5))
        self.bytes += len(head) + len(request) + len(back) + len(response)
        self.requests += 1


def couch_replication(sales, compress=False) -> Couch:
    couch = Couch(compress)
    rep_id = secrets.token_hex(16)
    session = secrets.token_hex(16)
    info = {"db_name": "shop",
            "purge_seq": "0-g1AAAABXeJzLYWBgYMpgTmHgz8tPSTV0MDQy1zMAQsMcoEQiQ1L9____szKYExlz", "update_seq":
            "0-g1AAAACbeJzLYWBgYMpgTmHgz8tPSTV0MDQy1zMAQsMcoEQiQ1L9____szKYE5lzgQLsZsZJJiaWyDpwmJLHAiQZGoDUf5BhiRnAuIv5",
            "sizes": {"file": 33080, "external": 0, "active": 0}, "props": {}, "doc_del_count": 0, "doc_count": 0,
            "disk_format_version": 8, "compact_running": False, "cluster": {"q": 2, "n": 1, "w": 1, "r": 1},
            "instance_start_time": "0"}
    couch.exchange("GET", "/shop/", None, "200 OK", info)
    couch.exchange("GET", f"/shop/_local/{rep_id}", None, "404 Object Not Found",
                   {"error": "not_found", "reason": "missing"})
    seq = 0
    for start in range(0, len(sales), 500):
        batch = sales[start:start + 500]
        docs = []
        for sale in batch:
            doc_id, rev = uuid.uuid4().hex, secrets.token_hex(16)
            doc = {"_id": doc_id, "_rev": f"1-{rev}", "_revisions": {"start": 1, "ids": [rev]},
                   **{k: v for k, v in sale.items() if k not in ("id", "lines", "voided", "void")},
                   "lines": [{k: line[k] for k in ("id", "product_id", "qty", "unit_price", "amount")}
                             for line in sale["lines"]]}
            docs.append(doc)
        diff = {d["_id"]: [d["_rev"]] for d in docs}
        missing = {d["_id"]: {"missing": [d["_rev"]]} for d in docs}
        couch.exchange("POST", "/shop/_revs_diff", diff, "200 OK", missing)
        couch.exchange("POST", "/shop/_bulk_docs", {"docs": docs, "new_edits": False}, "201 Created", [])
        seq += len(batch)
        couch.exchange("PUT", f"/shop/_local/{rep_id}", {
            "session_id": session, "source_last_seq": f"{seq}-g1AAAACbeJzLYWBgYMpgTmHgz8tPSTV0MDQy1zMAQsMcoEQ",
            "replication_id_version": 4,
            "history": [{"session_id": session, "start_time": "Thu, 26 Nov 2026 14:00:00 GMT",
                                                      "end_time": "Thu, 26 Nov 2026 14:00:01 GMT", "start_last_seq": 0,
                                                      "end_last_seq": seq, "recorded_seq": seq, "missing_checked": seq,
                                                      "missing_found": seq, "docs_read": seq, "docs_written": seq,
                                                      "doc_write_failures": 0}]},
            "201 Created", {"ok": True, "id": f"_local/{rep_id}", "rev": f"0-{start // 500 + 1}"})
    # the pull side: the hub's changes since the edge's checkpoint (none for this shop)
    couch.exchange("GET", "/shop/", None, "200 OK", info)
    couch.exchange("GET", f"/shop/_local/{secrets.token_hex(16)}", None, "200 OK",
                   {"_id": "_local/x", "_rev": "0-3", "source_last_seq": "12-g1AAAACbeJzLYWBgYMpgTmHgz8tPSTV0MDQy"})
    couch.exchange("GET", "/shop/_changes?feed=normal&style=all_docs&since=12&limit=100", None, "200 OK",
                   {"results": [], "last_seq": "12-g1AAAACbeJzLYWBgYMpgTmHgz8tPSTV0MDQy", "pending": 0})
    return couch


# -- runs ---------------------------------------------------------------------------------------

def world(folder: Path, n_products=20):
    h = Node(folder / "hub", role="hub")
    c = cooperative(h.db)
    s = shop(h.db, c["id"])
    products = [product(h.db, s["id"], f"Produit {i}", 100 * random.Random(i).randint(1, 300))
                for i in range(n_products)]
    h.serve()
    return h, s, products


def new_edge(folder: Path, name: str, h: Node, s: dict) -> Node:
    edge = Node(folder / name)
    edge.enroll(h, "shop", s["id"])
    edge.sync()
    return edge


def measured_sync(edge: Node, proxy: FaultProxy) -> dict:
    before = proxy.bytes_up, proxy.bytes_down, proxy.requests
    started = time.perf_counter()
    result = edge.sync(proxy.url)
    return {"seconds": time.perf_counter() - started, "up": proxy.bytes_up - before[0],
            "down": proxy.bytes_down - before[1], "requests": proxy.requests - before[2], **result}


def morning(folder: Path, n_sales: int, rng):
    """A hub, an edge enrolled at dawn, and ``n_sales`` sold offline through the morning."""
    with MorningClock(hours_ago=n_sales * 25 / 3600 + 0.5) as clock:
        h, s, products = world(folder)
        edge = new_edge(folder, "edge", h, s)
        sales = offline_sales(edge.db, s["id"], products, n_sales, rng, clock)
    return h, s, products, edge, sales


def bench_bytes(folder: Path, n_sales: int, rng) -> None:
    h, s, products, edge, sales = morning(folder, n_sales, rng)
    proxy = FaultProxy(h.server.effective_port)
    run = measured_sync(edge, proxy)
    total = run["up"] + run["down"]
    per_sale = total / n_sales
    couch = couch_replication(sales)
    couch_gz = couch_replication(sales, compress=True)
    print(f"\n1. {n_sales} offline sales ({sum(len(x['lines']) for x in sales)} lines), one sync on loopback")
    print(f"   kissi : {total:>9,} B  ({run['up']:,} up, {run['down']:,} down) = {per_sale:6.1f} B/sale,"
          f" {run['requests']} requests, {run['seconds'] * 1000:.0f} ms")
    print(f"   CouchDB replication: {couch.bytes:>9,} B = {couch.bytes / n_sales:6.1f} B/sale,"
          f" {couch.requests} requests"
          f"  -> kissi/CouchDB = {total / couch.bytes:.3f}  (target <= 40 B/sale and <= 0.1)")
    print(f"   CouchDB with gzip'd bodies (not in its protocol; for reference): {couch_gz.bytes:,} B"
          f" = {couch_gz.bytes / n_sales:.1f} B/sale -> ratio {total / couch_gz.bytes:.3f}")
    assert h.count("sales") == n_sales
    one = offline_sales(edge.db, s["id"], products, 1, rng)
    single = measured_sync(edge, proxy)
    print(f"2. one sale alone ({len(one[0]['lines'])} line): {single['requests']} requests,"
          f" {single['up'] + single['down']:,} B incl. headers (target <= 2 and <= 1,536 B)")
    proxy.close()
    edge.close()
    h.close()


def bench_2g(folder: Path, n_sales: int, rng, seed: int) -> None:
    h, s, products, edge, sales = morning(folder, n_sales, rng)
    proxy = FaultProxy(h.server.effective_port, seed=seed, bandwidth=50_000 / 8, rtt=0.5,
                       cut_request=0.025, cut_response=0.025)
    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        try:
            edge.sync(proxy.url, batch=250, timeout=60)
            break
        except client.SyncError:
            continue
    seconds = time.perf_counter() - started
    ids = [r[0] for r in h.db.execute("select id from sales where shop_id = ?", [s["id"]])]
    logged = h.db.execute("select count(*), count(distinct row_id) from change_log where tbl = 'sales'"
                          " and shop_id = ?", [s["id"]]).fetchone()
    lines = h.db.execute("select count(*) from sale_lines where shop_id = ?", [s["id"]]).fetchone()[0]
    arrived_once = (sorted(ids) == sorted(x["id"] for x in sales) and logged == (n_sales, n_sales)
                    and lines == sum(len(x["lines"]) for x in sales))
    print(f"3. (seed {seed}) {n_sales} sales over emulated 2G (50 kbit/s, 500 ms RTT, 5 % cut): {seconds:.1f} s,"
          f" {attempts} sync run(s), {proxy.requests} requests, cuts {proxy.faults['cut_request']}+"
          f"{proxy.faults['cut_response']}; every sale arrived exactly once: {arrived_once}")
    proxy.close()
    edge.close()
    h.close()


def bench_ingest(folder: Path, n_edges: int, per_edge: int, rng) -> None:
    """Hub in its own process (``kissi serve``); edges push their sales at the same moment."""
    hub_dir = folder / "ingest-hub"
    h = Node(hub_dir, role="hub")
    c = cooperative(h.db)
    shops = [shop(h.db, c["id"], f"Shop {i}") for i in range(n_edges)]
    catalog = {sh["id"]: [product(h.db, sh["id"], f"P{j}", 500 + 100 * j) for j in range(10)] for sh in shops}
    codes = [hub.create_enrollment(h.db, "shop", sh["id"])["code"] for sh in shops]
    key = h.fingerprint
    h.close()
    port = 20000 + os.getpid() % 20000
    env = {**os.environ, "KISSI_ROLE": "hub", "KISSI_SYNC_ENABLED": "false"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "kissi"), "--instance", str(hub_dir), "serve",
                               "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the hub did not start")
        edges = []
        for i, sh in enumerate(shops):
            edge = Node(folder / f"ingest-edge{i}")
            client.enroll(edge.db, url, codes[i], None, key)
            edge.sync()
            offline_sales(edge.db, sh["id"], catalog[sh["id"]], per_edge, rng)
            edges.append(edge)
        n_sales = n_edges * per_edge
        entries = sum(client.pending_count(e.db) for e in edges)
        gate = threading.Barrier(n_edges + 1)
        errors = []

        def push(edge):
            """Each edge's batch is encoded before the start: the hub's work is what is timed."""
            rows = [dict(r) for r in edge.db.query(
                "select * from change_log where node_id = ? and seq > ? order by seq",
                [edge.node_id, client.state(edge.db)["push_acked"]])]
            body = protocol.encode(rows, to=rows[-1]["seq"], t=hlc.now_ms())
            conn = client.Connection(url, client.state(edge.db)["token"], 120)
            gate.wait()
            try:
                conn.batch("POST", "/api/v1/sync/push", body)
            except Exception as err:  # reported below
                errors.append(err)
            finally:
                conn.close()

        threads = [threading.Thread(target=push, args=(e,)) for e in edges]
        for t in threads:
            t.start()
        gate.wait()
        started = time.perf_counter()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        print(f"4. hub ingest: {n_edges} edges push {n_sales:,} sales ({entries:,} entries) at once:"
              f" {seconds:.2f} s = {n_sales / seconds:,.0f} sales/s (target >= 5,000/s); errors: {len(errors)}")
        check = store.connect(hub_dir / "kissi.sqlite3")
        print(f"   hub holds {check.execute('select count(*) from sales').fetchone()[0]:,} sales")
        for e in edges:
            e.close()
    finally:
        server.terminate()
        server.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--edges", type=int, default=50)
    parser.add_argument("--per-edge", type=int, default=200)
    parser.add_argument("--trials-2g", type=int, default=3, help="2G runs, each with its own fault seed")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: bytes,2g,ingest")
    args = parser.parse_args()
    rng = random.Random(2026)
    skip = set(args.skip.split(","))
    print(f"load average before the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
          f" on {os.cpu_count()} cores (figures scale with the machine's idle share)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "bytes" not in skip:
            bench_bytes(folder / "bytes", args.sales, rng)
        if "2g" not in skip:
            for seed in range(1, args.trials_2g + 1):
                bench_2g(folder / f"2g-{seed}", args.sales, rng, seed)
        if "ingest" not in skip:
            bench_ingest(folder / "ingest", args.edges, args.per_edge, rng)


if __name__ == "__main__":
    main()
