"""The hub's side of sync: enrollment, devices, and what a device may push and pull.

A device is an edge node enrolled for a scope (one shop, or one cooperative with its
shops). It authenticates with a bearer token (only its hash is stored). A push is
checked entry by entry before anything is written: a known synced table and operation,
known fields of the right type, made by the pushing node, and a row inside the device's
scope that refers only to rows of the same shop; one bad entry refuses the whole batch
with an error naming it. Accepted batches are applied in one transaction with the
device's acknowledged position. The hub never lets a device's clock pull its own into
the future: a change stamped more than :data:`MAX_DRIFT_MS` ahead of the hub is
moved back by the device's measured skew (keeping the device's own order), and the
device is told so (see docs/sync.md).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

import sqlite_utils

from ..errors import DomainError, Forbidden, Invalid, NotFound
from ..store import changes, hlc
from ..store.changes import SYNCED, utc_now
from ..store.db import transaction
from ..store.ids import is_uuid, uuid7
from . import alerts
from .apply import BadEntry, apply_batch, parse_data, receive_clock

MAX_DRIFT_MS = 60_000
ENROLL_DAYS = 7
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
PULL_LIMIT = 1000
# Written by trainers and admins (kissi/coop/plans.py): a trader's own device never sends them.
_COLLECTED = ("subscriptions", "subscription_payments", "subscription_reversals")
_HLC = re.compile(r"^[0-9a-f]{16}\.[0-9a-f]{4}$")


class Unauthorized(DomainError):
    status = 401


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_code(text: str) -> str:
    """``"k7qx m4pd-2a"`` -> ``"K7QXM4PD2A"``: what was typed, without spaces or dashes."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


# -- enrollment and devices ----------------------------------------------------------------

def scope_name(db: sqlite_utils.Database, kind: str, scope_id: str) -> str | None:
    table = "shops" if kind == "shop" else "cooperatives"
    row = db.execute(f"select name from {table} where id = ? and deleted = 0", [scope_id]).fetchone()
    return row[0] if row else None


def create_enrollment(db: sqlite_utils.Database, kind: str, scope_id: str,
                      created_by: str | None = None, cooperative_id: str | None = None) -> dict:
    """A one-time code binding the device that redeems it to a shop or a cooperative.

    ``cooperative_id`` limits a trainer to her own cooperative (its shops or itself).
    """
    if kind not in ("shop", "cooperative"):
        raise Invalid("bad_scope", "A device is enrolled for a shop or a cooperative", "scope_kind")
    if scope_name(db, kind, scope_id) is None or (
            cooperative_id and _scope_cooperative(db, kind, scope_id) != cooperative_id):
        raise NotFound("shop" if kind == "shop" else "cooperative", "scope_id")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    expires = datetime.now(UTC) + timedelta(days=ENROLL_DAYS)
    with transaction(db):
        db.execute(
            "insert into sync_enrollments (code_hash, scope_kind, scope_id, created_by, created_at,"
            " expires_at) values (?, ?, ?, ?, ?, ?)",
            [_hash(code), kind, scope_id, created_by, utc_now(), expires.strftime("%Y-%m-%dT%H:%M:%SZ")])
    return {"code": f"{code[:5]}-{code[5:]}", "scope_kind": kind, "scope_id": scope_id,
            "scope_name": scope_name(db, kind, scope_id), "expires_at": expires.strftime("%Y-%m-%d")}


def _scope_cooperative(db, kind, scope_id) -> str | None:
    return scope_id if kind == "cooperative" else changes.shop_cooperative(db, scope_id)


def redeem(db: sqlite_utils.Database, code: str, node_id: str | None, name: str | None = None) -> dict:
    """Turn a code into a device: returns its node id, token and scope. Works once."""
    with transaction(db):
        found = db.execute(
            "select scope_kind, scope_id, expires_at, redeemed_at from sync_enrollments where code_hash = ?",
            [_hash(normalize_code(code))]).fetchone()
        if found is None or found[3] is not None or found[2] < utc_now():
            raise Invalid("enrollment_invalid", "This enrollment code is unknown, used or expired", "code")
        kind, scope_id = found[0], found[1]
        taken = is_uuid(node_id) and db.execute(
            "select 1 from sync_devices where id = ?", [node_id]).fetchone()
        device_id = node_id if is_uuid(node_id) and not taken and node_id != changes.node(db)["id"] else uuid7()
        token = secrets.token_urlsafe(24)
        db.execute(
            "insert into sync_devices (id, token_hash, name, scope_kind, scope_id, enrolled_at)"
            " values (?, ?, ?, ?, ?, ?)",
            [device_id, _hash(token), (name or "")[:80] or None, kind, scope_id, utc_now()])
        db.execute("update sync_enrollments set redeemed_at = ?, device_id = ? where code_hash = ?",
                   [utc_now(), device_id, _hash(normalize_code(code))])
    return {"node_id": device_id, "token": token, "scope_kind": kind, "scope_id": scope_id,
            "hub_node": changes.node(db)["id"]}


def authenticate(db: sqlite_utils.Database, token: str | None) -> dict:
    """The device holding ``token``; a revoked device is refused with its own error."""
    row = db.execute("select * from sync_devices where token_hash = ?", [_hash(token or "")]).fetchone()
    if row is None:
        raise Unauthorized("device_unknown", "This device is not enrolled with this hub")
    device = dict(zip([c[0] for c in db.execute("select * from sync_devices limit 0").description], row, strict=False))
    if device["revoked_at"]:
        raise Forbidden("device_revoked", "This device was revoked by the cooperative; its data "
                        "stays on it but it can no longer sync. Ask your trainer to enroll it again.")
    return device


def list_devices(db: sqlite_utils.Database, cooperative_id: str | None = None) -> list[dict]:
    """Devices, newest contact first; ``cooperative_id`` limits the list to one cooperative."""
    rows = [dict(r) for r in db.query("select * from sync_devices order by last_contact_at desc, enrolled_at")]
    out = []
    for d in rows:
        if cooperative_id and _scope_cooperative(db, d["scope_kind"], d["scope_id"]) != cooperative_id:
            continue
        d.pop("token_hash")
        d["scope_name"] = scope_name(db, d["scope_kind"], d["scope_id"])
        out.append(d)
    return out


def revoke(db: sqlite_utils.Database, device_id: str, cooperative_id: str | None = None) -> dict:
    devices = {d["id"]: d for d in list_devices(db, cooperative_id)}
    if device_id not in devices:
        raise NotFound("device")
    with transaction(db):
        db.execute("update sync_devices set revoked_at = coalesce(revoked_at, ?) where id = ?",
                   [utc_now(), device_id])
    return {**devices[device_id], "revoked_at": utc_now()}


# -- push --------------------------------------------------------------------------------

def _schema(db, table) -> dict:
    cache = db.__dict__.setdefault("_kissi_schema", {})
    if table not in cache:
        cols = {r[1]: r for r in db.execute(f"pragma table_info([{table}])")}
        fks = {r[3]: r[2] for r in db.execute(f"pragma foreign_key_list([{table}])")}
        cache[table] = {
            "types": {c: (r[2] or "").lower() for c, r in cols.items()},
            "required": {c for c, r in cols.items() if r[3] and r[4] is None and not r[5]},
            "refs": {c: t for c, t in fks.items() if t in SYNCED and t not in ("shops", "cooperatives")},
        }
    return cache[table]


class _Checker:
    """Checks one batch of a device's entries against its scope, before any write."""

    def __init__(self, db, device):
        self.db, self.device = db, device
        self.kind, self.scope = device["scope_kind"], device["scope_id"]
        self.coop = _scope_cooperative(db, self.kind, self.scope)
        self.new_shops: dict[str, str | None] = {}
        self.shop_of: dict[tuple, str | None] = {}
        self.tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}

    def in_scope(self, shop_id, coop_id) -> bool:
        if self.kind == "shop":
            return shop_id == self.scope
        if shop_id:
            actual = self.new_shops.get(shop_id) or changes.shop_cooperative(self.db, shop_id)
            return actual == self.coop and coop_id in (None, self.coop)
        return coop_id == self.coop

    def row_shop(self, table, row_id):
        key = (table, row_id)
        if key not in self.shop_of:
            cols = changes._columns(self.db, table)
            if "shop_id" not in cols:
                return None
            found = self.db.execute(f"select shop_id from [{table}] where id = ?", [row_id]).fetchone()
            self.shop_of[key] = found[0] if found else None
        return self.shop_of[key]

    def check(self, index: int, e: dict) -> None:
        def bad(reason):
            raise BadEntry(index, e, reason)

        table, data = e.get("tbl"), e.get("data")
        spec = SYNCED.get(table)
        if spec is None or table not in self.tables:
            bad("unknown table")
        if e.get("node_id") != self.device["id"]:
            bad("made by another node")
        if not (is_uuid(e.get("row_id")) and is_uuid(e.get("id")) and _HLC.match(e.get("hlc") or "")):
            bad("malformed id or clock")
        if e["op"] not in (("insert",) if spec.kind == "fact" else ("insert", "update", "delete")):
            bad(f"operation {e['op']!r} not allowed on {table}")
        schema = _schema(self.db, table)
        if not isinstance(data, dict) or not data:
            bad("no fields")
        unknown = data.keys() - schema["types"].keys()
        if unknown:
            bad(f"unknown field {sorted(unknown)[0]}")
        types = schema["types"]
        for field, value in data.items():  # type(), not isinstance(): a bool is no integer
            if value is not None and type(value) is not (int if types[field] == "integer" else str):
                bad(f"field {field} has the wrong type")
        if e["op"] == "insert":
            if data.get("id") != e["row_id"]:
                bad("row id and data disagree")
            missing = [f for f in schema["required"] if data.get(f) is None and f != "id"]
            if missing:
                bad(f"missing field {sorted(missing)[0]}")
            if table == "shops":
                self.new_shops[e["row_id"]] = data.get("cooperative_id")
            shop_id, coop_id = changes.scope_of(self.db, table, data) if table != "shops" else (
                e["row_id"], data.get("cooperative_id"))
            self.shop_of[(table, e["row_id"])] = shop_id
        else:
            if e["op"] == "delete" and data != {"deleted": 1}:
                bad("a delete carries only the tombstone")
            if "id" in data or {"shop_id", "cooperative_id"} & set(data):
                bad("an edit cannot move a row to another scope")
            current = self.db.execute(f"select * from [{table}] where id = ?", [e["row_id"]]).fetchone()
            if current is not None:
                shop_id, coop_id = changes.scope_of(
                    self.db, table, dict(zip(changes._columns(self.db, table), current, strict=False)))
            elif (table, e["row_id"]) in self.shop_of:
                shop_id, coop_id = self.shop_of[(table, e["row_id"])], None
            else:
                bad("no such row to change")
        if not self.in_scope(shop_id, coop_id):
            bad("row outside this device's scope")
        for field, ref_table in schema["refs"].items():
            value = data.get(field)
            if value is not None and self.row_shop(ref_table, value) not in (None, shop_id):
                bad(f"field {field} refers to another shop's row")
        if self.kind == "shop" and table in _COLLECTED:
            bad("a shop device cannot record subscriptions")
        if table == "users" and "role" in data and data["role"] not in (
                ("trader",) if self.kind == "shop" else ("trader", "trainer")):
            bad("a device cannot grant this role")


def _moved_back(stamp: hlc.HLC, skew: int | None, now: int, floor: hlc.HLC, seen: hlc.HLC) -> hlc.HLC:
    """Where a change stamped in the future belongs: back by the device's measured skew.

    Never below the device's previous change (its own order holds) nor below what it had
    pulled before pushing (a value it replaced stays replaced), and never later than its
    own stamp (a value that beat it on the device keeps beating it everywhere): these
    bounds keep every node converging on the same winner (see docs/sync.md).
    """
    wall = min(stamp.wall - skew, now) if skew and skew > MAX_DRIFT_MS else now
    moved = max(hlc.HLC(wall, stamp.counter), hlc.HLC(floor.wall, floor.counter + 1),
                hlc.HLC(seen.wall, seen.counter + 1))
    return min(stamp, moved)


def ingest(db: sqlite_utils.Database, device: dict, entries: list[dict], meta: dict,
           now_ms: int | None = None) -> dict:
    """Apply a device's pushed batch in one transaction; returns what the device must hear.

    ``{"a": acknowledged position, "t": hub time ms, "k": device skew ms, "r": {change id:
    hub hlc} for changes restamped from the future}``. A replayed batch changes nothing
    and gets the same answer, so an edge that missed the answer simply pushes again.
    """
    now = hlc.now_ms() if now_ms is None else now_ms
    checker = _Checker(db, device)
    for index, entry in enumerate(entries):
        checker.check(index, entry)
    upto = meta.get("to")
    if not isinstance(upto, int) or upto < 0:
        raise Invalid("bad_batch", "A push names the last position it covers", "to")
    restamped = {}
    skew = meta["t"] - now if isinstance(meta.get("t"), int) else None
    with transaction(db):
        stored = {}
        ids = [e["id"] for e in entries]
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            stored.update(db.execute(
                f"select id, hlc from change_log where id in ({','.join('?' * len(part))})", part).fetchall())
        known = dict(stored)
        floor, seen = (hlc.HLC.decode(v) for v in db.execute(
            "select coalesce(last_hlc, :z), coalesce(seen_hlc, :z) from sync_devices where id = :id",
            {"z": hlc.ZERO.encode(), "id": device["id"]}).fetchone())
        limit = hlc.HLC(now + MAX_DRIFT_MS, 0)
        for entry in entries:
            if entry["id"] in restamped:
                continue
            if entry["id"] in stored:
                if stored[entry["id"]] != entry["hlc"]:
                    restamped[entry["id"]] = stored[entry["id"]]
                continue
            stamp = hlc.HLC.decode(entry["hlc"])
            if stamp > limit:  # from the future: see _moved_back
                stamp = _moved_back(stamp, skew, now, floor, seen)
                entry["hlc"] = restamped[entry["id"]] = stamp.encode()
            floor = max(floor, stamp)
            stored[entry["id"]] = entry["hlc"]
        result = apply_batch(db, entries, logged=known)
        receive_clock(db, result["max_hlc"], now)
        alerts.check_products(db, result["products"])
        db.execute("update sync_devices set push_acked = max(push_acked, ?), last_contact_at = ?,"
                   " skew_ms = coalesce(?, skew_ms), last_hlc = ? where id = ?",
                   [upto, utc_now(), skew, floor.encode(), device["id"]])
        acked = db.execute("select push_acked from sync_devices where id = ?", [device["id"]]).fetchone()[0]
    out = {"a": acked, "t": hlc.now_ms(), "n": result["applied"]}
    if type(meta.get("c")) is int and 0 <= meta["c"] < 2 ** 63:
        out["m"] = has_news(db, device, meta["c"])  # the edge pulls again when it learns this
    if skew is not None:
        out["k"] = skew
    if restamped:
        out["r"] = restamped
    return out


# -- pull --------------------------------------------------------------------------------

def _scope_filter(db, device) -> tuple[str, dict]:
    """The SQL condition (and its parameters) on ``change_log`` rows a device may receive."""
    if device["scope_kind"] == "shop":
        coop = changes.shop_cooperative(db, device["scope_id"])
        return ("(shop_id = :scope or (shop_id is null and (cooperative_id = :coop"
                " or cooperative_id is null)))", {"scope": device["scope_id"], "coop": coop})
    return ("(cooperative_id = :scope or (shop_id is null and cooperative_id is null))",
            {"scope": device["scope_id"]})


def has_news(db: sqlite_utils.Database, device: dict, cursor: int) -> bool:
    """Whether entries the device would pull wait after ``cursor`` (told in a push's answer)."""
    where, params = _scope_filter(db, device)
    return db.execute(f"select exists (select 1 from change_log where seq > :cursor and node_id != :device"
                      f" and {where})", {**params, "cursor": cursor, "device": device["id"]}).fetchone()[0] == 1


def pull(db: sqlite_utils.Database, device: dict, cursor: int, limit: int = PULL_LIMIT,
         skew: int | None = None) -> dict:
    """Entries after ``cursor`` in the device's scope, not made by the device itself.

    Returns ``{"entries", "c": next cursor, "m": more waiting, "a": push position, "t"}``.
    Entries outside the scope are stepped over: the cursor moves past them.
    """
    limit = max(1, min(int(limit), PULL_LIMIT))
    top = db.execute("select coalesce(max(seq), 0) from change_log").fetchone()[0]
    where, params = _scope_filter(db, device)
    rows = [dict(r) for r in db.query(
        "select seq, id, node_id, hlc, tbl, row_id, op, data from change_log"
        f" where seq > :cursor and seq <= :top and node_id != :device and {where}"
        " order by seq limit :limit",
        {**params, "cursor": cursor, "top": top, "device": device["id"], "limit": limit})]
    more = len(rows) == limit
    nxt = rows[-1]["seq"] if more else max(top, cursor)
    seen = max((r["hlc"] for r in rows), default=None)
    with transaction(db):
        db.execute("update sync_devices set last_contact_at = ?, pull_cursor = max(pull_cursor, ?),"
                   " skew_ms = coalesce(?, skew_ms), seen_hlc = max(coalesce(seen_hlc, ''), coalesce(?, ''))"
                   " where id = ?", [utc_now(), cursor, skew, seen, device["id"]])
    return {"entries": [parse_data(r) for r in rows], "c": nxt, "m": more,
            "a": device["push_acked"], "t": hlc.now_ms()}
