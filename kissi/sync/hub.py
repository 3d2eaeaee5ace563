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
from ..store.changes import utc_now
from ..store.db import transaction
from ..store.ids import is_uuid, uuid7
from . import alerts
from .apply import apply_batch, parse_data, receive_clock
from .scope import NO_PIN, Checker, scope_cooperative

MAX_DRIFT_MS = 60_000
ENROLL_DAYS = 7
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
PULL_LIMIT = 1000


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
            cooperative_id and scope_cooperative(db, kind, scope_id) != cooperative_id):
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
        if cooperative_id and scope_cooperative(db, d["scope_kind"], d["scope_id"]) != cooperative_id:
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
    Checker(db, device["scope_kind"], device["scope_id"], device["id"]).check_all(entries)
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
    return {"entries": _credentials_for(db, device, [parse_data(r) for r in rows]), "c": nxt, "m": more,
            "a": device["push_acked"], "t": hlc.now_ms()}


def _credentials_for(db: sqlite_utils.Database, device: dict, entries: list[dict]) -> list[dict]:
    """Accounts go only where that person logs in, and staff secrets never leave the hub.

    A shop device gets its own shop's traders (her row and her PIN hash: she logs in on
    it offline); a cooperative device (a market box) gets its cooperative's traders with
    their PIN hashes and its trainers without theirs (:data:`~kissi.sync.scope.NO_PIN`:
    a trainer works at a box with the box credential its admin gives her, see
    docs/security.md); admins' rows go nowhere. Why: a device is a file a thief can
    copy, and a 4-6 digit PIN hash falls to an offline search in minutes.
    """
    wanted = [e["row_id"] for e in entries if e["tbl"] == "users"]
    if not wanted:
        return entries
    people = {r[0]: r[1:] for r in db.execute(
        f"select id, role, shop_id, cooperative_id from users where id in ({','.join('?' * len(wanted))})",
        wanted)}
    out = []
    for entry in entries:
        if entry["tbl"] == "users":
            role, shop_id, coop_id = people.get(entry["row_id"], ("admin", None, None))
            mine = (shop_id == device["scope_id"] and role == "trader" if device["scope_kind"] == "shop"
                    else coop_id == device["scope_id"] and role in ("trader", "trainer"))
            if not mine:
                continue
            if role != "trader" and "pin_hash" in entry["data"]:
                entry = {**entry, "data": {**entry["data"], "pin_hash": NO_PIN}}
        out.append(entry)
    return out
