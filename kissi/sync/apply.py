"""Merging remote change-log entries into this node (DESIGN.md "Sync, in principle").

Facts are inserted once by id (a replay is a no-op); records merge per field, the higher
``"hlc/node_id"`` version winning; deletions are tombstones (``deleted = 1``) that merge
like any field. Every entry applied is appended to the local ``change_log`` with its
original id, node and HLC, so the hub can relay it and a replay is known by its id.
Entries must already be well formed (the hub validates pushes, see :mod:`kissi.sync.hub`).

Within a batch, tables are applied parents first (foreign-key order) so that facts can be
written with one ``executemany`` per table and shape: that is what lets the hub ingest
thousands of sales a second.
"""
from __future__ import annotations

import json
import sqlite3
from graphlib import TopologicalSorter

import sqlite_utils

from ..errors import Invalid
from ..store import changes, hlc
from ..store.changes import SYNCED, dumps

CHUNK = 500


class BadEntry(Invalid):
    """One entry of a batch cannot be applied; nothing of the batch was written."""

    def __init__(self, index: int, entry: dict, reason: str):
        super().__init__("bad_entry", "entry %(index)s (%(table)s %(row)s, change %(change)s)"
                         " refused: %(reason)s", "entries", index=index, table=entry.get("tbl"),
                         row=entry.get("row_id"), change=entry.get("id"), reason=reason)

    def __str__(self) -> str:
        return self.message % self.params


def table_order(db: sqlite_utils.Database) -> list[str]:
    """Synced tables, parents before children (by their foreign keys)."""
    cache = db.__dict__.setdefault("_kissi_table_order", [])
    if not cache:
        graph = {t: {r[2] for r in db.execute(f"pragma foreign_key_list([{t}])")
                     if r[2] in SYNCED and r[2] != t}
                 for t in SYNCED if t in _tables(db)}
        cache.extend(TopologicalSorter(graph).static_order())
    return cache


def _tables(db) -> set[str]:
    return {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}


def known_ids(db: sqlite_utils.Database, table: str, column: str, ids: list[str]) -> dict:
    """``{id: row}`` (as dicts of the table's columns named in ``column``) for ids present."""
    found = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        marks = ",".join("?" * len(part))
        for row in db.execute(f"select [{column}] from [{table}] where [{column}] in ({marks})", part):
            found[row[0]] = True
    return found


def apply_batch(db: sqlite_utils.Database, entries: list[dict], logged: dict | None = None) -> dict:
    """Apply remote entries in the caller's transaction; replays are skipped.

    Returns ``{"applied": n, "replayed": n, "products": {...}, "max_hlc": text}`` where
    ``products`` are the products whose stock the batch moved (for negative-stock alerts).
    Raises :class:`BadEntry` naming the first entry the database refuses. ``logged``: the
    entries' ids already in the change log, when the caller has looked them up.
    """
    seen, unique = set(), []
    for index, entry in enumerate(entries):
        if entry["id"] not in seen:
            seen.add(entry["id"])
            unique.append((index, entry))
    if logged is None:
        logged = known_ids(db, "change_log", "id", [e["id"] for _, e in unique])
    fresh = [(i, e) for i, e in unique if e["id"] not in logged]
    by_table: dict[str, list] = {}
    for item in fresh:
        by_table.setdefault(item[1]["tbl"], []).append(item)
    applied_log, products = [], set()
    for table in table_order(db):
        items = by_table.pop(table, None)
        if not items:
            continue
        if SYNCED[table].kind == "fact":
            done = _apply_facts(db, table, items)
        else:
            done = [_apply_record(db, table, i, e) for i, e in items]
        applied_log.extend(done)
        products.update(_stock_products(db, table, [e for _, e in items]))
    if by_table:
        index, entry = next(iter(by_table.values()))[0]
        raise BadEntry(index, entry, "unknown table")
    _append_log(db, applied_log)
    stamps = [e["hlc"] for _, e in fresh]
    return {"applied": len(applied_log), "replayed": len(entries) - len(applied_log),
            "products": products, "max_hlc": max(stamps) if stamps else None}


def _apply_facts(db, table, items) -> list[tuple]:
    by_row: dict[str, list] = {}
    for item in items:
        by_row.setdefault(item[1]["row_id"], []).append(item)
    twins = []
    if len(by_row) < len(items):  # the same fact written apart on two nodes: earliest first
        items = []
        for group in by_row.values():
            group.sort(key=lambda item: hlc.version(item[1]["hlc"], item[1]["node_id"]))
            items.append(group[0])
            twins.extend(group[1:])
    present = known_ids(db, table, "id", list(by_row))
    new = [(i, e) for i, e in items if e["row_id"] not in present]
    won = [(e, changes.scope_of(db, table, e["data"]))
           for i, e in items if e["row_id"] in present and _earlier_twin(db, table, i, e)]
    won += [(e, changes.scope_of(db, table, e["data"])) for _, e in twins]  # logged, not written
    shapes: dict[tuple, list] = {}
    for index, entry in new:
        shapes.setdefault(tuple(entry["data"]), []).append((index, entry))
    for fields, group in shapes.items():
        sql = (f"insert or ignore into [{table}] ({', '.join(f'[{f}]' for f in fields)})"
               f" values ({', '.join('?' * len(fields))})")
        try:
            db.conn.executemany(sql, [list(e["data"].values()) for _, e in group])
        except sqlite3.Error:
            for index, entry in group:  # find which one: the rest are ignored as replays now
                try:
                    db.conn.execute(sql, list(entry["data"].values()))
                except sqlite3.Error as err:
                    raise BadEntry(index, entry, str(err)) from None
            raise
    return [(e, changes.scope_of(db, table, e["data"])) for _, e in new] + won


def _earlier_twin(db, table, index, entry) -> bool:
    """Two nodes wrote the same fact id apart (two devices voiding one sale offline).

    Every node keeps the copy whose change came first (HLC, then node id) so that all
    converge on the same row; returns True when the arriving copy wins and replaced ours.
    """
    ours = db.execute("select hlc, node_id from change_log where tbl = ? and row_id = ? and op = 'insert'"
                      " order by hlc, node_id limit 1", [table, entry["row_id"]]).fetchone()
    if ours is None or hlc.version(*ours) <= hlc.version(entry["hlc"], entry["node_id"]):
        return False
    fields = [f for f in entry["data"] if f != "id"]
    try:
        db.execute(f"update [{table}] set {', '.join(f'[{f}] = ?' for f in fields)} where id = ?",
                   [*(entry["data"][f] for f in fields), entry["row_id"]])
    except sqlite3.Error as err:
        raise BadEntry(index, entry, str(err)) from None
    return True


def _apply_record(db, table, index, entry) -> tuple:
    version = hlc.version(entry["hlc"], entry["node_id"])
    columns = changes._columns(db, table)
    current = db.execute(f"select * from [{table}] where id = ?", [entry["row_id"]]).fetchone()
    data = {k: v for k, v in entry["data"].items() if k != "id"}
    try:
        if current is None:
            if entry["op"] != "insert":
                raise BadEntry(index, entry, "no such row to change")
            row = {"id": entry["row_id"], **data}
            db.execute(f"insert into [{table}] ({', '.join(f'[{c}]' for c in row)})"
                       f" values ({', '.join('?' * len(row))})", list(row.values()))
            changes._set_versions(db, table, entry["row_id"], list(data), version)
            return entry, changes.scope_of(db, table, row)
        row = dict(zip(columns, current, strict=False))
        held = dict(db.execute(
            "select field, version from field_versions where tbl = ? and row_id = ?",
            [table, entry["row_id"]]).fetchall())
        winners = {k: v for k, v in data.items() if version > held.get(k, "")}
        if winners:
            sets = ", ".join(f"[{k}] = ?" for k in winners)
            db.execute(f"update [{table}] set {sets} where id = ?", [*winners.values(), entry["row_id"]])
            changes._set_versions(db, table, entry["row_id"], list(winners), version)
        return entry, changes.scope_of(db, table, {**row, **winners})
    except sqlite3.Error as err:
        raise BadEntry(index, entry, str(err)) from None


def _append_log(db, applied: list[tuple]) -> None:
    db.conn.executemany(
        "insert or ignore into change_log (id, node_id, hlc, tbl, row_id, op, data, shop_id, cooperative_id)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(e["id"], e["node_id"], e["hlc"], e["tbl"], e["row_id"], e["op"],
          e["data"] if isinstance(e["data"], str) else dumps(e["data"]), *scope)
         for e, scope in applied],
    )


def _stock_products(db, table, entries) -> set[str]:
    if table in ("sale_lines", "stock_movements"):
        return {e["data"].get("product_id") for e in entries if e["data"].get("product_id")}
    if table == "sale_voids":
        sale_ids = [e["row_id"] for e in entries]
        found = set()
        for start in range(0, len(sale_ids), CHUNK):
            part = sale_ids[start:start + CHUNK]
            found.update(r[0] for r in db.execute(
                f"select distinct product_id from sale_lines where sale_id in ({','.join('?' * len(part))})",
                part))
        return found
    return set()


def receive_clock(db: sqlite_utils.Database, remote_hlc: str | None, now_ms: int | None = None) -> str:
    """Advance this node's HLC past ``remote_hlc`` so its next write is later than it."""
    last = hlc.HLC.decode(db.execute("select hlc from node where singleton = 1").fetchone()[0])
    offset = db.execute("select clock_offset_ms from node where singleton = 1").fetchone()[0]
    wall = (hlc.now_ms() if now_ms is None else now_ms) + offset
    merged = hlc.receive(last, hlc.HLC.decode(remote_hlc), wall) if remote_hlc else hlc.tick(last, wall)
    stamp = merged.encode()
    db.execute("update node set hlc = ? where singleton = 1", [stamp])
    return stamp


def parse_data(entry: dict) -> dict:
    """An entry whose ``data`` is a dict (change-log rows store it as JSON text)."""
    if isinstance(entry["data"], str):
        return {**entry, "data": json.loads(entry["data"])}
    return entry
