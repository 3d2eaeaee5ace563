"""The one write path for synced tables (DESIGN.md rule 8).

Every insert or update of a synced table goes through :func:`insert_fact`,
:func:`insert_record`, :func:`update_record` or :func:`delete_record`. Each writes the
row and appends an entry to ``change_log`` in the same transaction, stamped with this
node's id and the next hybrid-logical-clock time, and tagged with the row's shop and
cooperative so sync can filter by scope. Records (editable rows) also keep a per-field
version in ``field_versions`` so concurrent edits merge per field, last writer wins.

Facts are append-only: there is no update or delete for them here, by design.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

import sqlite_utils

from . import hlc as hlc_mod
from .db import transaction
from .ids import uuid7


@dataclass(frozen=True)
class Synced:
    """How a synced table behaves: ``kind`` is 'fact' or 'record'."""

    kind: str


SYNCED: dict[str, Synced] = {
    "cooperatives": Synced("record"),
    "shops": Synced("record"),
    "users": Synced("record"),
    "products": Synced("record"),
    "customers": Synced("record"),
    "voice_recordings": Synced("record"),
    "price_changes": Synced("fact"),
    "stock_movements": Synced("fact"),
    "sales": Synced("fact"),
    "sale_lines": Synced("fact"),
    "sale_voids": Synced("fact"),
    "credit_entries": Synced("fact"),
    "plans": Synced("record"), "subscriptions": Synced("record"),  # kissi/coop/plans.py
    "subscription_payments": Synced("fact"), "subscription_reversals": Synced("fact"),
    "shop_pages": Synced("record"), "shop_slugs": Synced("fact"),  # kissi/public/pages.py
}


def utc_now(ms: int | None = None) -> str:
    """UTC time as ISO-8601 text with milliseconds (sorts as text): now, or ``ms`` since the epoch."""
    ms = int(time.time() * 1000) if ms is None else ms
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def dumps(data: dict) -> str:
    """Compact, key-sorted JSON (one encoder, built once: this runs for every change)."""
    return _ENCODER.encode(data)


# -- node identity and clock ------------------------------------------------------------

def ensure_node(db: sqlite_utils.Database, role: str = "edge") -> dict:
    """This node's row (id, role, clock), created on first call."""
    row = node(db)
    if row is None:
        with transaction(db):
            db.execute(
                "insert into node (singleton, id, role, created_at) values (1, ?, ?, ?)",
                [uuid7(), role, utc_now()],
            )
        row = node(db)
    elif row["role"] != role:
        with transaction(db):
            db.execute("update node set role = ? where singleton = 1", [role])
        row = node(db)
    return row


def node(db: sqlite_utils.Database) -> dict | None:
    rows = list(db.query("select * from node where singleton = 1"))
    return rows[0] if rows else None


def node_now_ms(db: sqlite_utils.Database) -> int:
    """This node's "now" in ms: the machine's clock corrected by the offset learned from the hub.

    The one place that says what time it is for the node's own facts: the HLC's physical
    part (:func:`next_hlc`) and a sale's ``at`` and day (``kissi.shop.ledger.stamp``) both
    read it, so a phone whose clock is days off books her sales on the day she made them
    once it has synced.
    """
    return hlc_mod.now_ms() + db.execute("select clock_offset_ms from node where singleton = 1").fetchone()[0]


def node_now(db: sqlite_utils.Database) -> str:
    """:func:`node_now_ms` as UTC text, like :func:`utc_now`."""
    return utc_now(node_now_ms(db))


# A node's HLC may run this far ahead of its corrected clock (bursts of writes tick the
# counter, received stamps from clocks slightly ahead) before set_clock_offset steps it back.
CLOCK_AHEAD_MS = 2000


def set_clock_offset(db: sqlite_utils.Database, offset_ms: int) -> None:
    """Correct this node's clock by ``offset_ms`` (the hub's time minus the machine's).

    A clock that ran fast stamped this node's HLC in the future; the hub has since moved
    those changes back to true time (and this node followed, ``kissi.sync.client``). If
    the HLC stayed ahead, every later write would be stamped just after that old future
    time, which the hub moves back again, so a genuinely later edit would lose to an
    earlier one from elsewhere until real time caught up. So when the HLC is ahead of
    the corrected clock it steps back to the latest stamp the change log holds (own
    changes as restamped, and what was received): never below a stamp this node has
    given or seen, so its own order and "an edit is later than what it replaces" hold.
    Runs inside the caller's transaction.
    """
    db.execute("update node set clock_offset_ms = ? where singleton = 1", [offset_ms])
    last = hlc_mod.HLC.decode(db.execute("select hlc from node where singleton = 1").fetchone()[0])
    if last.wall > hlc_mod.now_ms() + offset_ms + CLOCK_AHEAD_MS:
        latest = db.execute("select max(hlc) from change_log").fetchone()[0]
        back = min(last, hlc_mod.HLC.decode(latest) if latest else hlc_mod.ZERO)
        db.execute("update node set hlc = ? where singleton = 1", [back.encode()])
    db.__dict__.pop("_kissi_clock", None)


def next_hlc(db: sqlite_utils.Database, after: str | None = None) -> tuple[str, str]:
    """Tick this node's clock inside the current transaction: ``(node_id, hlc_text)``.

    The wall clock is corrected by the offset learned from the hub (:func:`node_now_ms`),
    so a phone whose clock is days off does not win every conflict once it has synced.
    ``after`` (an HLC text) makes the new stamp later than it: an edit is always later
    than the version it replaces, so a node never reorders its own writes.

    The clock last written through this handle is remembered, and the next tick is a
    compare-and-set on it (one statement instead of a read and a write per change). When
    anything else moved the node row meanwhile (another connection, sync receiving a
    remote time or a new offset, a rolled-back savepoint), the compare fails and the row
    is read again, so the clock never goes behind a stamp it has given.
    """
    def _stamp(last_text: str, offset: int) -> str:
        last = hlc_mod.HLC.decode(last_text)
        if after:
            last = max(last, hlc_mod.HLC.decode(after))
        return hlc_mod.tick(last, hlc_mod.now_ms() + offset).encode()

    remembered = db.__dict__.get("_kissi_clock")
    if remembered is not None:
        node_id, last, offset = remembered
        stamp = _stamp(last, offset)
        if db.execute("update node set hlc = ? where singleton = 1 and hlc = ?"
                      " and clock_offset_ms = ?", [stamp, last, offset]).rowcount == 1:
            db.__dict__["_kissi_clock"] = (node_id, stamp, offset)
            return node_id, stamp
    node_id, last, offset = db.execute(
        "select id, hlc, clock_offset_ms from node where singleton = 1"
    ).fetchone()
    stamp = _stamp(last, offset)
    db.execute("update node set hlc = ? where singleton = 1", [stamp])
    db.__dict__["_kissi_clock"] = (node_id, stamp, offset)
    return node_id, stamp


def change_id(node_id: str, stamp: str) -> str:
    """The id of the change a node made at HLC ``stamp``: UUIDv7-shaped, derived, not drawn.

    A node never stamps two changes alike, so ``(node_id, hlc)`` is unique; deriving the id
    from it lets the sync protocol leave ids off the wire (see :mod:`kissi.sync.protocol`)
    while every node still stores and compares the same id.
    """
    w = stamp[4:16]  # the HLC's wall time: 48 bits of milliseconds, as hex
    d = hashlib.blake2b(f"{node_id}/{stamp}".encode(), digest_size=10).hexdigest()
    return f"{w[:8]}-{w[8:]}-7{d[:3]}-{'89ab'[int(d[3], 16) & 3]}{d[4:7]}-{d[7:19]}"


def uuid_text(number: int) -> str:
    """A 128-bit number as canonical UUID text (what ``str(uuid.UUID(int=n))`` gives, faster)."""
    h = f"{number:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# -- scope -------------------------------------------------------------------------------

def _columns(db: sqlite_utils.Database, table: str) -> list[str]:
    cache = db.__dict__.setdefault("_kissi_columns", {})
    if table not in cache:
        cache[table] = [r[1] for r in db.execute(f"pragma table_info([{table}])").fetchall()]
    return cache[table]


def scope_of(db: sqlite_utils.Database, table: str, row: dict) -> tuple[str | None, str | None]:
    """``(shop_id, cooperative_id)`` a row belongs to, for scoped sync."""
    if table == "cooperatives":
        return None, row["id"]
    if table == "shops":
        return row["id"], row.get("cooperative_id")
    shop_id = row.get("shop_id")
    cooperative_id = row.get("cooperative_id")
    if shop_id and not cooperative_id:
        cooperative_id = shop_cooperative(db, shop_id)
    return shop_id, cooperative_id


def shop_cooperative(db: sqlite_utils.Database, shop_id: str) -> str | None:
    cache = db.__dict__.setdefault("_kissi_shop_coop", {})
    if shop_id not in cache:
        found = db.execute("select cooperative_id from shops where id = ?", [shop_id]).fetchone()
        if found is None:
            return None
        cache[shop_id] = found[0]
    return cache[shop_id]


# -- the write path --------------------------------------------------------------------------

def _log(db, table, row_id, op, data, scope_row, after=None) -> dict:
    shop_id, cooperative_id = scope_of(db, table, scope_row)
    while True:
        node_id, stamp = next_hlc(db, after)
        entry = {
            "id": change_id(node_id, stamp), "node_id": node_id, "hlc": stamp, "tbl": table, "row_id": row_id,
            "op": op, "data": dumps(data), "shop_id": shop_id, "cooperative_id": cooperative_id,
        }
        # A clock stepped back from the future (set_clock_offset) can meet a stamp it gave
        # before the hub moved that change (whose id was derived from it): tick again.
        if db.execute(
            "insert into change_log (id, node_id, hlc, tbl, row_id, op, data, shop_id, cooperative_id)"
            " values (:id, :node_id, :hlc, :tbl, :row_id, :op, :data, :shop_id, :cooperative_id)"
            " on conflict (id) do nothing", entry,
        ).rowcount == 1:
            return entry


def _set_versions(db, table, row_id, fields, version):
    db.conn.executemany(
        "insert into field_versions (tbl, row_id, field, version) values (?, ?, ?, ?)"
        " on conflict (tbl, row_id, field) do update set version = excluded.version",
        [(table, row_id, f, version) for f in fields],
    )


def _latest_hlc(db, table, row_id, fields) -> str | None:
    """The newest HLC among the current versions of ``fields`` of a record."""
    marks = ",".join("?" * len(fields))
    found = db.execute(
        f"select max(version) from field_versions where tbl = ? and row_id = ? and field in ({marks})",
        [table, row_id, *fields],
    ).fetchone()[0]
    return found.partition("/")[0] if found else None


def _insert(db, table, row):
    unknown = set(row) - set(_columns(db, table))
    if unknown:
        raise ValueError(f"{table} has no column {sorted(unknown)}")
    cols = list(row)
    db.execute(
        f"insert into [{table}] ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def _require(table: str, kind: str):
    spec = SYNCED.get(table)
    if spec is None or spec.kind != kind:
        raise ValueError(f"{table} is not a synced {kind} table")


def insert_fact(db: sqlite_utils.Database, table: str, row: dict) -> dict:
    """Append a fact (an event row). ``row['id']`` is created here when absent."""
    _require(table, "fact")
    row = {"id": uuid7(), **row}
    with transaction(db):
        _insert(db, table, row)
        _log(db, table, row["id"], "insert", row, row)
    return row


def insert_record(db: sqlite_utils.Database, table: str, row: dict) -> dict:
    """Create an editable record; every field gets this change's version."""
    _require(table, "record")
    row = {"id": uuid7(), **row}
    with transaction(db):
        _insert(db, table, row)
        entry = _log(db, table, row["id"], "insert", row, row)
        _set_versions(db, table, row["id"], [f for f in row if f != "id"],
                      hlc_mod.version(entry["hlc"], entry["node_id"]))
    return row


def update_record(db: sqlite_utils.Database, table: str, row_id: str, fields: dict) -> dict:
    """Change some fields of a record; only fields whose value differs are written and logged.

    Returns the fields that changed (empty when nothing did: no log entry then).
    """
    _require(table, "record")
    if "id" in fields:
        raise ValueError("a record's id never changes")
    unknown = set(fields) - set(_columns(db, table))
    if unknown:
        raise ValueError(f"{table} has no column {sorted(unknown)}")
    with transaction(db):
        current = db.execute(f"select * from [{table}] where id = ?", [row_id]).fetchone()
        if current is None:
            raise LookupError(f"{table} {row_id} does not exist")
        current = dict(zip(_columns(db, table), current, strict=False))
        changed = {k: v for k, v in fields.items() if current.get(k) != v}
        if not changed:
            return {}
        sets = ", ".join(f"[{k}] = ?" for k in changed)
        db.execute(f"update [{table}] set {sets} where id = ?", [*changed.values(), row_id])
        entry = _log(db, table, row_id, "update", changed, {**current, **changed},
                     _latest_hlc(db, table, row_id, list(changed)))
        _set_versions(db, table, row_id, list(changed), hlc_mod.version(entry["hlc"], entry["node_id"]))
    return changed


def delete_record(db: sqlite_utils.Database, table: str, row_id: str) -> None:
    """Delete a record as a tombstone (``deleted = 1``) that syncs like any other field."""
    _require(table, "record")
    with transaction(db):
        current = db.execute(f"select * from [{table}] where id = ?", [row_id]).fetchone()
        if current is None:
            raise LookupError(f"{table} {row_id} does not exist")
        current = dict(zip(_columns(db, table), current, strict=False))
        db.execute(f"update [{table}] set deleted = 1 where id = ?", [row_id])
        entry = _log(db, table, row_id, "delete", {"deleted": 1}, current,
                     _latest_hlc(db, table, row_id, ["deleted"]))
        _set_versions(db, table, row_id, ["deleted"], hlc_mod.version(entry["hlc"], entry["node_id"]))
