"""A trainer's cooperative: its members, how each is doing, who is stuck, their login cards.

A trainer sees the traders of her own cooperative; an admin sees every cooperative's.
A member outside the actor's care is "not found" (404), never shown. Progress figures
are derived from the ledger facts in one SQL query for the whole cooperative (a few
correlated subqueries per member, each on an index), so 200 members list in a few
milliseconds; the windows are rolling: "week" is the last 7 local days of her shop
(today included), "4 weeks" the last 28.

Stuck flags, what a trainer follows up in person:

- ``never_sold``: no sale recorded (voided sales do not count);
- ``idle``: she has sold before, but not in the last ``IDLE_DAYS`` days;
- ``no_stock``: she never recorded any stock movement (restock, loss or count).

PINs set or reset here are returned once to the caller (shown once on the page) and
never stored in clear; a reset ends her sessions and clears her wrong tries.
"""
from __future__ import annotations

import functools
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils

from ..errors import Invalid, NotFound
from ..store.db import transaction
from . import logins, members

IDLE_DAYS = 7
FLAGS = ("never_sold", "idle", "no_stock")
SORTS = ("stuck", "name", "last_sale", "week")
_NOT_VOIDED = "not exists (select 1 from sale_voids v where v.id = s.id)"
_COUNTS = ("not (e.kind = 'credit' and e.sale_id is not null and exists"
           " (select 1 from sale_voids v where v.id = e.sale_id))")

# One row per member. ``w``: (timezone, today, first days of the 7 and 28-day windows) of
# each time zone; ``recent``: one pass over each shop's last 28 days of sales; ``owed``:
# what her customers owe, per customer then per shop.
_MEMBERS_SQL = f"""
with w(tz, today, d7, d28) as ({{windows}}),
m as (select u.id, u.name, u.phone, u.language, u.cooperative_id, c.name as coop, u.shop_id,
        sh.name as shop, u.created_at, w.today, w.d7, w.d28
      from users u join shops sh on sh.id = u.shop_id join w on w.tz = sh.timezone
        left join cooperatives c on c.id = u.cooperative_id
      where u.role = 'trader' and u.deleted = 0 and sh.deleted = 0 {{scope}}),
shops_in as (select distinct shop_id, today, d7, d28 from m),
recent as (select x.shop_id, sum(s.day >= x.d7) as wc,
             sum(case when s.day >= x.d7 then s.total else 0 end) as wt,
             count(*) as mc, sum(s.total) as mt
           from shops_in x join sales s on s.shop_id = x.shop_id
             and s.day between x.d28 and x.today
           where {_NOT_VOIDED} group by x.shop_id),
owed as (select shop_id, count(*) as n, sum(b) as total from (
           select e.shop_id, e.customer_id,
             sum(case e.kind when 'credit' then e.amount else -e.amount end) as b
           from shops_in x join credit_entries e on e.shop_id = x.shop_id
           where {_COUNTS} group by e.shop_id, e.customer_id) where b > 0 group by shop_id)
select m.id, m.name, m.phone, m.language, m.cooperative_id, m.coop, m.shop_id, m.shop,
  m.created_at, m.today,
  (select s.day from sales s where s.shop_id = m.shop_id and {_NOT_VOIDED}
     order by s.day desc limit 1),
  coalesce(r.wc, 0), coalesce(r.wt, 0), coalesce(r.mc, 0), coalesce(r.mt, 0),
  (select count(*) from products p where p.shop_id = m.shop_id and p.archived = 0
     and p.deleted = 0),
  exists (select 1 from stock_movements k where k.shop_id = m.shop_id),
  coalesce(o.n, 0), coalesce(o.total, 0)
from m left join recent r on r.shop_id = m.shop_id left join owed o on o.shop_id = m.shop_id
"""
_COLUMNS = ("id", "name", "phone", "language", "cooperative_id", "cooperative", "shop_id",
            "shop", "created_at", "today", "last_sale", "week_count", "week_total",
            "month_count", "month_total", "products", "stock_recorded", "debtors", "debts")


def _windows(zones: list[str], now: datetime) -> tuple[str, list]:
    """A ``values`` list of (tz, today, d7, d28) per time zone used by the shops."""
    rows = []
    for name in zones:
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        today = now.astimezone(zone).date()
        rows += [name, today.isoformat(), (today - timedelta(days=6)).isoformat(),
                 (today - timedelta(days=27)).isoformat()]
    values = ", ".join(["(?, ?, ?, ?)"] * len(zones)) or "(null, null, null, null)"
    return f"values {values}", rows


def _scope(actor: dict | None, cooperative_id: str | None) -> tuple[str, list]:
    """Which cooperative's members ``actor`` may see: a trainer hers, an admin any (or all)."""
    if actor is not None and actor["role"] == "trainer":
        if not actor.get("cooperative_id"):
            return " and 0", []
        cooperative_id = actor["cooperative_id"]
    elif actor is not None and actor["role"] != "admin":
        return " and 0", []
    return (" and u.cooperative_id = ?", [cooperative_id]) if cooperative_id else ("", [])


def progress(db: sqlite_utils.Database, actor: dict | None, *, cooperative_id: str | None = None,
             member_id: str | None = None, sort: str = "stuck",
             now: datetime | None = None) -> list[dict]:
    """The members in ``actor``'s care with their progress figures and stuck flags.

    ``actor`` None is the node's operator (everything). ``sort``: ``stuck`` (most flags
    first, then longest without a sale), ``name``, ``last_sale`` (oldest first) or
    ``week`` (smallest week total first).
    """
    if sort not in SORTS:
        raise Invalid("bad_sort", "This order is not known", "sort")
    now = now or datetime.now(UTC)
    scope, params = _scope(actor, cooperative_id)
    if member_id is not None:
        scope += " and u.id = ?"
        params = [*params, member_id]
    zones = [r[0] for r in db.execute("select distinct timezone from shops where deleted = 0")]
    values, window = _windows(zones, now)
    sql = _MEMBERS_SQL.format(windows=values, scope=scope)
    found = [_figures(dict(zip(_COLUMNS, row, strict=False))) for row in db.execute(sql, window + params)]
    return sorted(found, key=_SORT_KEYS[sort])


def _figures(m: dict) -> dict:
    m["stock_recorded"] = bool(m["stock_recorded"])
    today = date.fromisoformat(m["today"])
    m["days_since_sale"] = ((today - date.fromisoformat(m["last_sale"])).days
                            if m["last_sale"] else None)
    m["flags"] = [flag for flag, on in (
        ("never_sold", m["last_sale"] is None),
        ("idle", m["days_since_sale"] is not None and m["days_since_sale"] >= IDLE_DAYS),
        ("no_stock", not m["stock_recorded"])) if on]
    m["stuck"] = bool(m["flags"])
    return m


_SORT_KEYS = {
    "stuck": lambda m: (-len(m["flags"]), -(m["days_since_sale"] if m["days_since_sale"]
                                           is not None else 10**6), m["name"].lower()),
    "name": lambda m: (m["name"].lower(), m["id"]),
    "last_sale": lambda m: (m["last_sale"] or "", m["name"].lower()),
    "week": lambda m: (m["week_total"], m["name"].lower()),
}


def get_member(db: sqlite_utils.Database, actor: dict | None, member_id: str, *,
               now: datetime | None = None) -> dict:
    """One member in ``actor``'s care with her figures; anyone else is not found."""
    found = progress(db, actor, member_id=str(member_id or ""), now=now)
    if not found:
        raise NotFound("member", "member_id")
    member = found[0]
    member["wrong_pins"] = wrong_pins(db, member["phone"])
    return member


def wrong_pins(db: sqlite_utils.Database, phone: str, now: float | None = None) -> int:
    """Wrong PINs typed for her number in the last hour (she may be waiting to log in)."""
    now = time.time() if now is None else now
    return db.execute("select count(*) from login_failures where phone = ? and at > ?",
                      [phone, now - logins.WINDOW]).fetchone()[0]


def new_pin() -> str:
    """A random 4-digit PIN (easy to learn), never one of the first ones a thief tries."""
    while True:
        pin = f"{secrets.randbelow(10_000):04d}"
        if len(set(pin)) > 1 and pin not in ("1234", "4321", "0123", "9876", "1212", "2580"):
            return pin


def add_member(db: sqlite_utils.Database, actor: dict | None, *, name: str, phone: str,
               pin: str | None = None, shop_name: str | None = None, language: str = "fr",
               cooperative_id: str | None = None) -> dict:
    """A new trader in the actor's cooperative (an admin names one), with her own shop.

    Returns the member and ``pin``: the one typed by the trainer, else a generated one,
    to be shown once.
    """
    if actor is not None and actor["role"] == "trainer":
        cooperative_id = actor["cooperative_id"]
    elif actor is not None and actor["role"] != "admin":
        raise NotFound("cooperative", "cooperative_id")
    members.get_cooperative(db, cooperative_id)
    pin = members.check_pin(pin) if str(pin or "").strip() else new_pin()
    with transaction(db):
        shop_id = None
        if str(shop_name or "").strip():
            shop_id = members.create_shop(db, cooperative_id, members.check_name(shop_name, "shop"),
                                          language=members.check_language(language))["id"]
        user = members.add_user(db, role="trader", phone=phone, pin=pin, name=name,
                                cooperative_id=cooperative_id, shop_id=shop_id,
                                language=language)
    return {**user, "pin": pin}


def reset_pin(db: sqlite_utils.Database, actor: dict | None, member_id: str,
              pin: str | None = None) -> dict:
    """A new PIN for a member in the actor's care (typed, else generated), shown once.

    Her sessions end (a lost or borrowed phone stays logged out) and her wrong tries are
    cleared, so she can log in with the new PIN at once.
    """
    member = get_member(db, actor, member_id)
    pin = members.check_pin(pin) if str(pin or "").strip() else new_pin()
    with transaction(db):
        members.set_pin(db, actor, member["id"], pin)
        logins.revoke_user_sessions(db, member["id"])
        logins.unlock(db, actor, member["phone"])
    return {**member, "pin": pin}


def unlock(db: sqlite_utils.Database, actor: dict | None, member_id: str) -> dict:
    """Clear a member's wrong PINs (see :func:`kissi.coop.logins.unlock`), by her id."""
    member = get_member(db, actor, member_id)
    logins.unlock(db, actor, member["phone"])
    return member


# -- login cards ------------------------------------------------------------------------------

def login_url(base_url: str, phone: str) -> str:
    """The node's login page with her phone number filled in. Never the PIN."""
    return f"{base_url.rstrip('/')}/login?{urlencode({'phone': phone})}"


@functools.lru_cache(maxsize=512)
def qr_svg(data: str) -> str:
    """``data`` as an inline SVG QR code: one path of horizontal runs, a few KB per card.

    qrcode's own SVG factories draw one square per module (about twice the bytes); the
    run-length path keeps a sheet of cards within the page budget. Scaled by CSS. Making
    one costs ~12 ms (qrcode tries its 8 masks), so recent ones are kept: a trainer
    prints the same sheets again.
    """
    import qrcode  # loaded on first use: only trainers print cards

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {size + 8} {size + 8}"'
            f' shape-rendering="crispEdges"><rect x="-4" y="-4" width="{size + 8}"'
            f' height="{size + 8}" fill="#fff"/><path d="{"".join(runs)}"/></svg>')


def card(member: dict, base_url: str) -> dict:
    """What a member's login card shows: name, phone digits, shop, and the QR code."""
    url = login_url(base_url, member["phone"])
    return {"id": member["id"], "name": member["name"], "phone": member["phone"],
            "phone_digits": spaced_phone(member["phone"]), "shop": member["shop"],
            "cooperative": member.get("cooperative"), "url": url, "qr": qr_svg(url)}


def cards(db: sqlite_utils.Database, actor: dict | None, base_url: str, *,
          member_ids: list[str] | None = None, cooperative_id: str | None = None) -> list[dict]:
    """Login cards of the members in the actor's care, by name (only ``member_ids`` if given;
    an id outside her care is not found)."""
    found = progress(db, actor, cooperative_id=cooperative_id, sort="name")
    if member_ids:
        by_id = {m["id"]: m for m in found}
        missing = [i for i in member_ids if i not in by_id]
        if missing:
            raise NotFound("member", "member_id")
        found = [by_id[i] for i in dict.fromkeys(member_ids)]
    return [card(m, base_url) for m in found]


def spaced_phone(phone: str) -> str:
    """``0701020304`` -> ``07 01 02 03 04`` (read in pairs, as numbers are said aloud)."""
    prefix, digits = (phone[:4] + " ", phone[4:]) if phone.startswith("+") else ("", phone)
    pairs = [digits[max(0, i - 2):i] for i in range(len(digits), 0, -2)][::-1]
    return prefix + " ".join(pairs)
