"""The edge's side of sync: enroll once, then push what it made and pull what it lacks.

Resumable by construction: the push position (``sync_state.push_acked``, a local
change-log seq) moves only when the hub has answered that it committed the batch, and
the pull cursor (a hub seq) moves in the same transaction that applies the pulled
batch. A cut connection at any moment leaves both where a retry picks up: the hub
treats a re-pushed change as a replay, and a re-pulled one is a replay here.
"""
from __future__ import annotations

import http.client
import json
import secrets
from urllib.parse import urlencode, urlsplit

import sqlite_utils

from ..errors import Conflict
from ..store import changes, hlc
from ..store.changes import utc_now
from ..store.db import transaction
from . import alerts, identity, protocol
from .apply import BadEntry, apply_batch, receive_clock
from .scope import Checker

PUSH_BATCH = 2000
# The hub's answers that mean "this device may not sync any more" (kept in sync_state.refused).
REFUSALS = ("device_revoked", "device_unknown")
OFFSET_THRESHOLD_MS = 2000
NEWS_ROUNDS = 3  # pulls a run adds when its pushes learn the hub has newer entries
API = "/api/v1/sync"


class SyncError(Exception):
    """A sync run stopped. ``retry`` says whether trying later may help."""

    def __init__(self, message: str, code: str = "unreachable", status: int | None = None):
        super().__init__(message)
        self.code, self.status = code, status
        self.retry = status is None or status >= 500 or status == 429


# -- local state ----------------------------------------------------------------------------

def state(db: sqlite_utils.Database) -> dict:
    """This node's sync state (the one row made by the migration)."""
    return next(db.query("select * from sync_state where singleton = 1"))


def pending_count(db: sqlite_utils.Database) -> int:
    """How many of this node's own change-log entries the hub has not acknowledged yet
    (what a push will send; people are shown :func:`waiting_records`)."""
    node_id = changes.node(db)["id"]
    return db.execute("select count(*) from change_log where node_id = ? and seq > ?",
                      [node_id, state(db)["push_acked"]]).fetchone()[0]


# The record a change belongs to, as the trader counts: a sale's lines, its credit entry and
# its cancellation belong to the sale; a price change to its product; anything else is itself.
_RECORD = ("case tbl when 'sale_lines' then json_extract(data, '$.sale_id')"
           " when 'credit_entries' then coalesce(json_extract(data, '$.sale_id'), row_id)"
           " when 'price_changes' then json_extract(data, '$.product_id') else row_id end")


def waiting_records(db: sqlite_utils.Database) -> int:
    """The one "waiting" figure, in one unit: records with changes the hub has not acknowledged.

    A record is a sale (with its lines, its credit and its cancellation), a product (with its
    price history), a customer, a stock movement, a repayment...: each counts once however
    many of its changes wait, so a credit sale is one, not two. The trader's pages, ``kissi
    sync --status`` and ``/healthz`` all show this figure.
    """
    node_id = changes.node(db)["id"]
    return db.execute(f"select count(distinct {_RECORD}) from change_log where node_id = ? and seq > ?",
                      [node_id, state(db)["push_acked"]]).fetchone()[0]


def _adopt_node_id(db, new_id: str) -> None:
    """Take the node id the hub issued; this node's past changes move to it (never sent yet)."""
    old = changes.node(db)["id"]
    if new_id == old:
        return
    db.execute("update node set id = ? where singleton = 1", [new_id])
    db.execute("update change_log set node_id = ? where node_id = ?", [new_id, old])
    db.execute("update field_versions set version = substr(version, 1, 22) || ? where version like ?",
               [new_id, f"%/{old}"])


def check_hub_url(hub_url: str) -> str:
    """An http(s) address with a host and nothing else (no user, no fragment), or SyncError."""
    text = str(hub_url or "").strip()
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises on a port out of range or not a number
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc
            or parts.fragment or any(ch.isspace() or ord(ch) < 32 for ch in text)):
        raise SyncError("the hub's address must be an http:// or https:// address", "bad_hub_url", 422)
    return text.rstrip("/")


def parse_code(text: str) -> tuple[str, str | None, str | None]:
    """``(code, hub_url, fingerprint)`` from what was typed or scanned.

    The QR code holds ``kissi-enroll:CODE@HUB_URL#FINGERPRINT``; a typed code alone gives
    ``(code, None, None)`` and the address and fingerprint come separately.
    """
    text = str(text or "").strip()
    if not text.lower().startswith("kissi-enroll:"):
        return text, None, None
    code, _, rest = text[len("kissi-enroll:"):].partition("@")
    url, _, key = rest.rpartition("#") if "#" in rest else (rest, "", "")
    return code, url or None, key or None


def enroll(db: sqlite_utils.Database, hub_url: str, code: str, name: str | None = None,
           fingerprint: str | None = None, timeout: float = 30) -> dict:
    """Redeem an enrollment code at the hub and pin the hub's key, token and scope.

    Only a node that is not enrolled (or was reset by its admin, :func:`reset`) enrolls:
    re-pointing an enrolled node at another server would hand that server every row it
    holds. The hub's answer must carry a key whose fingerprint is the one given with the
    code, and be signed by it. The exchange happens before the transaction that stores
    its result: a silent address never holds the write lock (every sale would wait).
    """
    hub_url = check_hub_url(hub_url)
    if state(db)["token"]:
        raise SyncError("this node is already enrolled; its admin must reset it first", "already_enrolled", 409)
    if len(identity.normalize_fingerprint(fingerprint)) != 26:
        raise SyncError("the hub's key fingerprint (in the QR code, or given with the code) is needed",
                        "fingerprint_missing", 422)
    conn = Connection(hub_url, code, timeout, fingerprint=fingerprint)  # the code is this call's credential
    try:
        body = json.dumps({"code": code, "node_id": changes.node(db)["id"], "name": name}).encode()
        answer = json.loads(conn.request("POST", f"{API}/enroll", body, "application/json"))
    finally:
        conn.close()
    with transaction(db):
        if state(db)["token"]:
            raise SyncError("this node is already enrolled; its admin must reset it first", "already_enrolled", 409)
        _adopt_node_id(db, answer["node_id"])
        db.execute("update sync_state set hub_url = ?, token = ?, scope_kind = ?, scope_id = ?, hub_key = ?,"
                   " pull_cursor = 0, last_error = null, refused = null where singleton = 1",
                   [hub_url, answer["token"], answer["scope_kind"], answer["scope_id"],
                    identity.encode_key(conn.hub_key)])
    return answer


def reset(db: sqlite_utils.Database) -> int:
    """Forget the hub (address, token, pinned key, scope) so that the node can enroll again.

    The admin's explicit act. The push position does not go back: changes made before the
    reset are never sent to the next hub (it may be another one); returns how many of this
    node's changes were still waiting and now stay only here (in its database and export).
    """
    with transaction(db):
        waiting = pending_count(db)
        top = db.execute("select coalesce(max(seq), 0) from change_log").fetchone()[0]
        db.execute("update sync_state set hub_url = null, token = null, hub_key = null, scope_kind = null,"
                   " scope_id = null, pull_cursor = 0, push_acked = max(push_acked, ?), push_floor = ?,"
                   " last_error = null,"
                   " last_success_at = null where singleton = 1", [top, top])
    return waiting


# -- HTTP ------------------------------------------------------------------------------------

class Connection:
    """One keep-alive HTTP connection to the hub, sending only the headers sync needs.

    Every answer must be signed by the hub's pinned key (``hub_key``, raw bytes) over this
    request's fresh nonce (:mod:`kissi.sync.identity`); an enrollment knows only the
    fingerprint and takes the key from the answer after checking it against the fingerprint.
    """

    def __init__(self, hub_url: str, token: str | None, timeout: float = 30, hub_key: bytes | None = None,
                 fingerprint: str | None = None):
        parts = urlsplit(hub_url)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port or (443 if self.https else 80)
        self.base = parts.path.rstrip("/")
        self.token, self.timeout, self.conn = token, timeout, None
        self.hub_key, self.fingerprint = hub_key, fingerprint
        self.requests = 0
        self.news = False  # a push's answer said the hub holds entries this node has not pulled

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = protocol.MEDIA_TYPE) -> bytes:
        """The response body of a 2xx answer signed by the hub; otherwise :class:`SyncError`."""
        self.requests += 1
        nonce = secrets.token_urlsafe(18)
        try:
            if self.conn is None:
                cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
                self.conn = cls(self.host, self.port, timeout=self.timeout)
            self.conn.putrequest(method, self.base + path, skip_accept_encoding=True)
            self.conn.putheader(identity.NONCE_HEADER, nonce)
            self.conn.putheader(protocol.VERSION_HEADER, str(protocol.VERSION))
            if self.token:
                self.conn.putheader("Authorization", f"Bearer {self.token}")
            if body is not None:
                self.conn.putheader("Content-Type", content_type)
                self.conn.putheader("Content-Length", str(len(body)))
            self.conn.endheaders(body)
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Content-Length") != str(len(data)):
                # http.client takes a connection closed inside the headers for their end
                raise http.client.IncompleteRead(data)
        except (TimeoutError, OSError, http.client.HTTPException) as err:
            self.close()
            raise SyncError(f"hub unreachable: {err.__class__.__name__}: {err}") from None
        where, _, query = path.partition("?")
        signed = (nonce, method, identity.target(where, query), body, response.status, data)
        if self.hub_key is None and self.fingerprint:
            self.hub_key = self._key_in(response.getheader(identity.KEY_HEADER))
        if self.hub_key is None or not identity.verify(self.hub_key, response.getheader(identity.SIGNATURE_HEADER),
                                                       *signed):
            self.close()
            raise SyncError("this answer is not signed by the hub this node was enrolled with", "hub_unverified")
        try:
            protocol.check_version(response.getheader(protocol.VERSION_HEADER), at_hub=False)
        except Conflict as err:
            raise SyncError(err.message % err.params, err.code, err.status) from None
        if response.status >= 400:
            try:
                error = json.loads(data)["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "hub_error", "message": data[:200].decode("utf-8", "replace")}
            raise SyncError(error.get("message") or error["code"], error["code"], response.status)
        return data

    def _key_in(self, header: str | None) -> bytes:
        """The key the hub presents, if it has the fingerprint this node was given with the code."""
        raw = identity.decode_key(header)
        if raw is None or not identity.matches(raw, self.fingerprint):
            self.close()
            raise SyncError("this hub's key does not match the fingerprint given with the enrollment code",
                            "hub_unverified", 422)
        return raw

    def batch(self, method: str, path: str, body: bytes | None = None) -> tuple[dict, list[dict]]:
        """A sync request whose answer is a batch (see :mod:`kissi.sync.protocol`)."""
        try:
            return protocol.decode(self.request(method, path, body))
        except protocol.ProtocolError as err:
            self.close()
            raise SyncError(f"garbled answer from the hub: {err}", "garbled") from None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# -- one run ---------------------------------------------------------------------------------

def _learn_offset(db, hub_ms, sent_ms, received_ms) -> None:
    """Correct this node's wall clock by the hub's, measured at the request's midpoint
    (its HLC steps back from the future too: :func:`kissi.store.changes.set_clock_offset`)."""
    if not isinstance(hub_ms, int):
        return
    offset = hub_ms - (sent_ms + received_ms) // 2
    offset = offset if abs(offset) > OFFSET_THRESHOLD_MS else 0
    changes.set_clock_offset(db, offset)
    db.execute("update sync_state set hub_skew_ms = ? where singleton = 1", [-offset])


def _restamp(db, node_id: str, restamped: dict) -> None:
    """The hub moved some of this node's changes from the future to its own time: follow it."""
    for change_id, new_hlc in restamped.items():
        found = db.execute("select hlc from change_log where id = ? and node_id = ?",
                           [change_id, node_id]).fetchone()
        if found is None or found[0] == new_hlc:
            continue
        db.execute("update change_log set hlc = ? where id = ?", [new_hlc, change_id])
        db.execute("update field_versions set version = ? where version = ?",
                   [hlc.version(new_hlc, node_id), hlc.version(found[0], node_id)])


def _staff(db) -> set[str]:
    """Accounts whose rows never leave this node: staff rows are the hub's (their secrets stay
    there), and a staff account or secret made here (the node's own admin, a trainer's box
    credential) stays here."""
    return {r[0] for r in db.execute("select id from users where role != 'trader'")}


def push(db, conn: Connection, batch: int = PUSH_BATCH, progress=None) -> int:
    """Send this node's unacknowledged changes, batch by batch; returns how many."""
    node_id = changes.node(db)["id"]
    sent = 0
    while True:
        acked = state(db)["push_acked"]
        rows = [dict(r) for r in db.query(
            "select seq, id, node_id, hlc, tbl, row_id, op, data from change_log"
            " where node_id = ? and seq > ? order by seq limit ?", [node_id, acked, batch])]
        if not rows:
            return sent
        upto, staff = rows[-1]["seq"], _staff(db)
        rows = [r for r in rows if not (r["tbl"] == "users" and r["row_id"] in staff)]
        body = protocol.encode(rows, to=upto, t=hlc.now_ms(), c=state(db)["pull_cursor"])
        started = hlc.now_ms()
        meta, _ = conn.batch("POST", f"{API}/push", body)
        conn.news = meta.get("m") is True
        with transaction(db):
            _restamp(db, node_id, meta.get("r") or {})
            # never past what was sent: a hub that acknowledges more held this node's log before
            # a restore from a backup, and the changes made since take those positions again
            db.execute("update sync_state set push_acked = max(min(?, ?), push_floor) where singleton = 1",
                       [meta["a"], upto])
            _learn_offset(db, meta.get("t"), started, hlc.now_ms())
        sent += len(rows)
        if progress:
            progress(len(rows))


def check_pulled(db, entries: list[dict]) -> None:
    """The hub's entries go through the checks the hub applies to a push (:mod:`kissi.sync.scope`).

    Raises :class:`SyncError` (``hub_refused``) naming the first entry out of scope or
    malformed; nothing of the batch is applied and the pull cursor stays.
    """
    current = state(db)
    try:
        Checker(db, current["scope_kind"], current["scope_id"], changes.node(db)["id"], pulling=True,
                entries=entries).check_all(entries)
    except BadEntry as err:
        raise SyncError(f"the hub sent what this device must not take: {err}", "hub_refused", 422) from None


def pull(db, conn: Connection) -> int:
    """Fetch, check and apply the hub's changes for this scope, batch by batch; returns how many."""
    got = 0
    while True:
        cursor = state(db)["pull_cursor"]
        started = hlc.now_ms()
        query = urlencode({"c": cursor, "t": started})
        meta, entries = conn.batch("GET", f"{API}/pull?{query}")
        if not isinstance(meta.get("c"), int):
            raise SyncError("garbled answer from the hub: no cursor", "garbled")
        with transaction(db):
            check_pulled(db, entries)
            result = apply_batch(db, entries)
            receive_clock(db, result["max_hlc"])
            alerts.check_products(db, result["products"])
            db.execute("update sync_state set pull_cursor = ? where singleton = 1", [meta["c"]])
            if isinstance(meta.get("a"), int) and meta["a"] < state(db)["push_acked"]:
                # the hub lost what it had acknowledged (restored from a backup): send again,
                # but never what was made before this node's enrollment (push_floor)
                db.execute("update sync_state set push_acked = max(?, push_floor) where singleton = 1", [meta["a"]])
            _learn_offset(db, meta.get("t"), started, hlc.now_ms())
        got += len(entries)
        if not meta.get("m"):
            return got


def sync_once(db: sqlite_utils.Database, progress=None, timeout: float = 30,
              batch: int = PUSH_BATCH) -> dict:
    """One run: push, then pull, then push what the pull may have caused; then, while the last
    push's answer says the hub has entries this node lacks (another edge pushed meanwhile),
    pull and push again (a few rounds at most). Raises SyncError."""
    current = state(db)
    if not current["hub_url"] or not current["token"]:
        raise SyncError("this node is not enrolled with a hub", "not_enrolled", 400)
    hub_key = identity.decode_key(current["hub_key"])
    if hub_key is None:
        raise SyncError("this node has no pinned hub key: its admin must reset it and enroll it again",
                        "not_enrolled", 400)
    conn = Connection(current["hub_url"], current["token"], timeout, hub_key=hub_key)
    with transaction(db):
        db.execute("update sync_state set last_attempt_at = ? where singleton = 1", [utc_now()])
    try:
        pushed = push(db, conn, batch, progress)
        pulled = pull(db, conn)
        conn.news = False
        pushed += push(db, conn, batch, progress)
        for _ in range(NEWS_ROUNDS):
            if not conn.news:
                break
            pulled += pull(db, conn)
            conn.news = False
            pushed += push(db, conn, batch, progress)
    except SyncError as err:
        with transaction(db):
            db.execute("update sync_state set last_error = ? where singleton = 1", [f"{err.code}: {err}"])
            if err.code in REFUSALS:
                db.execute("update sync_state set refused = ? where singleton = 1", [err.code])
        raise
    finally:
        conn.close()
    with transaction(db):
        db.execute("update sync_state set last_success_at = ?, last_error = null, refused = null"
                   " where singleton = 1",
                   [utc_now()])
    return {"pushed": pushed, "pulled": pulled, "requests": conn.requests}


def compact(db: sqlite_utils.Database, keep_days: int = 30) -> int:
    """Drop change-log entries the hub holds and that are older than ``keep_days``.

    Own entries go once acknowledged; entries pulled from the hub go once old (they were
    applied, and a replay of them is still harmless: facts by id, fields by version).
    The rows themselves (her sales, stock and debts) stay: only the log shrinks.
    """
    node_id = changes.node(db)["id"]
    acked = state(db)["push_acked"]
    cutoff = hlc.HLC(hlc.now_ms() - keep_days * 86_400_000, 0).encode()
    with transaction(db):
        cur = db.execute("delete from change_log where hlc < ? and (node_id != ? or seq <= ?)",
                         [cutoff, node_id, acked])
    return cur.rowcount
