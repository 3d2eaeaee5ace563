"""What a device may push to its hub and what a hub may send down to a device: one set of checks.

Both directions run every entry of a batch through :class:`Checker` before anything is
written (DESIGN.md rules 11 and 12): the hub checks a device's push, and an edge checks
its hub's pull the same way, so a hub that lies (or an address that only pretends to be
the hub) gets nothing written. One bad entry refuses the whole batch with
:class:`~kissi.sync.apply.BadEntry` naming it. Rules a later developer must know:

- an entry is of a synced table this node has, with an allowed operation (facts: insert
  only), well-formed ids and clock, known fields of the right type, all required fields on
  an insert, and an edit never moves a row to another shop or cooperative;
- a pushed entry is made by the pushing device; a pulled one is not made by this node;
- the row lies in the device's scope: a shop device holds its shop's rows (and, pulling,
  its cooperative's and global rows, but of users only its own shop's traders); a
  cooperative device holds its cooperative's rows and shops;
- accounts: no device and no hub makes an admin; a shop device pushes no new account; a
  cooperative device creates traders only; a staff member's secret code
  (``pin_hash`` of a trainer or admin) never travels: it is :data:`NO_PIN` on every device,
  and a user's phone must already be in its E.164 form for her cooperative's country and
  belong to no other member (a look-alike spelling of a trainer's number is refused).
"""
from __future__ import annotations

import re

from ..store import changes, phones
from ..store.changes import SYNCED
from ..store.ids import is_uuid
from .apply import BadEntry

# The pin_hash a device holds for someone whose secret stays at the hub (no hash matches it).
NO_PIN = "!hub"
# Written by trainers and admins (kissi/coop/plans.py): a trader's own device never sends them.
COLLECTED = ("subscriptions", "subscription_payments", "subscription_reversals")
_HLC = re.compile(r"^[0-9a-f]{16}\.[0-9a-f]{4}$")


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


def scope_cooperative(db, kind, scope_id) -> str | None:
    return scope_id if kind == "cooperative" else changes.shop_cooperative(db, scope_id)


class Checker:
    """Checks one batch against a device's scope, before any write.

    ``node_id``: pushing, the device that pushes (every entry must be its own); pulling,
    this node (no entry may claim to be its own). ``entries`` lets a shop device that has
    never seen its shop row learn its cooperative from the batch that brings it.
    """

    def __init__(self, db, kind: str, scope_id: str, node_id: str, pulling: bool = False,
                 entries: list[dict] = ()):
        self.db, self.kind, self.scope, self.node_id, self.pulling = db, kind, scope_id, node_id, pulling
        self.coop = scope_cooperative(db, kind, scope_id)
        if self.coop is None and kind == "shop":
            self.coop = next((e["data"].get("cooperative_id") for e in entries
                              if e.get("tbl") == "shops" and e.get("row_id") == scope_id
                              and e.get("op") == "insert" and isinstance(e.get("data"), dict)), None)
        self.new_shops: dict[str, str | None] = {}
        self.shop_of: dict[tuple, str | None] = {}
        self.made: dict[tuple, tuple] = {}  # scope of the rows this batch inserts
        self.roles: dict[str, str] = {}
        self.tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}

    def in_scope(self, table, shop_id, coop_id) -> bool:
        open_row = self.pulling and table != "users" and shop_id is None
        if self.kind == "shop":
            return shop_id == self.scope or (open_row and coop_id in (None, self.coop))
        if shop_id:
            actual = self.new_shops.get(shop_id) or changes.shop_cooperative(self.db, shop_id)
            return actual == self.coop and coop_id in (None, self.coop)
        return coop_id == self.coop or (open_row and coop_id is None)

    def row_shop(self, table, row_id):
        key = (table, row_id)
        if key not in self.shop_of:
            cols = changes._columns(self.db, table)
            if "shop_id" not in cols:
                return None
            found = self.db.execute(f"select shop_id from [{table}] where id = ?", [row_id]).fetchone()
            self.shop_of[key] = found[0] if found else None
        return self.shop_of[key]

    def check_all(self, entries: list[dict]) -> None:
        for index, entry in enumerate(entries):
            self.check(index, entry)

    def check(self, index: int, e: dict) -> None:
        def bad(reason):
            raise BadEntry(index, e, reason)

        table, data = e.get("tbl"), e.get("data")
        spec = SYNCED.get(table)
        if spec is None or table not in self.tables:
            bad("unknown table")
        if self.pulling and (e.get("node_id") == self.node_id or not is_uuid(e.get("node_id"))):
            bad("claims to be made by this node")
        if not self.pulling and e.get("node_id") != self.node_id:
            bad("made by another node")
        if not (is_uuid(e.get("row_id")) and is_uuid(e.get("id")) and _HLC.match(e.get("hlc") or "")):
            bad("malformed id or clock")
        if e.get("op") not in (("insert",) if spec.kind == "fact" else ("insert", "update", "delete")):
            bad(f"operation {e.get('op')!r} not allowed on {table}")
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
        current = None
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
            self.made[(table, e["row_id"])] = (shop_id, coop_id)
        else:
            if e["op"] == "delete" and data != {"deleted": 1}:
                bad("a delete carries only the tombstone")
            if "id" in data or {"shop_id", "cooperative_id"} & set(data):
                bad("an edit cannot move a row to another scope")
            found = self.db.execute(f"select * from [{table}] where id = ?", [e["row_id"]]).fetchone()
            if found is not None:
                current = dict(zip(changes._columns(self.db, table), found, strict=False))
                shop_id, coop_id = changes.scope_of(self.db, table, current)
            elif (table, e["row_id"]) in self.made:
                shop_id, coop_id = self.made[(table, e["row_id"])]
            else:
                bad("no such row to change")
        if not self.in_scope(table, shop_id, coop_id):
            bad("row outside this device's scope")
        for field, ref_table in schema["refs"].items():
            value = data.get(field)
            if value is not None and self.row_shop(ref_table, value) not in (None, shop_id):
                bad(f"field {field} refers to another shop's row")
        if not self.pulling and self.kind == "shop" and table in COLLECTED:
            bad("a shop device cannot record subscriptions")
        if table == "users":
            self._check_account(e, data, current, coop_id, bad)

    def _check_account(self, e, data, current, coop_id, bad) -> None:
        role = data.get("role") or (current or {}).get("role") or self.roles.get(e["row_id"])
        self.roles[e["row_id"]] = role
        allowed = ("trader",) if self.kind == "shop" or not self.pulling else ("trader", "trainer")
        if role not in allowed:
            bad("a device cannot grant this role")
        if not self.pulling and self.kind == "shop" and e["op"] == "insert":
            bad("a shop device cannot create accounts")
        if role != "trader" and data.get("pin_hash", NO_PIN) != NO_PIN:
            bad("a staff member's secret code never leaves the hub")
        if "phone" in data and (why := phones.pushed_user_problem(self.db, e["row_id"], data["phone"], coop_id)):
            bad(why)
