"""Customers and their credit: debts from credit sales, repayments, balances, reminders.

A balance is derived: sum of ``credit`` entries whose sale is not voided, minus the sum
of ``repayment`` entries. Repayments pay the oldest debt first, which is how "oldest
unpaid debt" in :func:`debtors` is found.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import sqlite_utils

from ..errors import Invalid, NotFound
from ..store import changes, phones
from . import ledger
from .ledger import N_

_CUSTOMER = ("id", "name", "phone", "photo", "voice_label", "created_at")

# An entry counts unless it is the credit of a voided sale.
_COUNTS = "not (e.kind = 'credit' and e.sale_id is not null and exists" \
          " (select 1 from sale_voids v where v.id = e.sale_id))"


def _check_phone(db, shop_id: str, phone):
    """A customer's number in E.164, a local one read in her shop's country (as members'
    numbers are, see :mod:`kissi.store.phones`), so that the WhatsApp link reaches her."""
    if phone is None or (isinstance(phone, str) and not phone.strip()):
        return None
    return phones.e164(phone, _country(db, shop_id))


def _country(db, shop_id: str) -> str:
    return phones.cooperative_country(db, ledger.shop(db, shop_id)["cooperative_id"])


def create_customer(db: sqlite_utils.Database, shop_id: str, *, name, phone=None,
                    at: str | None = None) -> dict:
    """A customer of this shop (created offline like anything else)."""
    ledger.shop(db, shop_id)
    row = changes.insert_record(db, "customers", {
        "shop_id": shop_id, "name": ledger.check_name(name), "phone": _check_phone(db, shop_id, phone),
        "created_at": at or changes.utc_now()})
    return get_customer(db, shop_id, row["id"])


def update_customer(db: sqlite_utils.Database, shop_id: str, customer_id: str, **fields) -> dict:
    """Change name, phone, photo or voice label."""
    get_customer(db, shop_id, customer_id)
    unknown = set(fields) - {"name", "phone", "photo", "voice_label"}
    if unknown:
        raise Invalid("unknown_field", N_("Unknown field"), sorted(unknown)[0])
    clean = {}
    if "name" in fields:
        clean["name"] = ledger.check_name(fields["name"])
    if "phone" in fields:
        clean["phone"] = _check_phone(db, shop_id, fields["phone"])
    for key in ("photo", "voice_label"):
        if key in fields:
            clean[key] = ledger.check_text(fields[key], key)
    changes.update_record(db, "customers", customer_id, clean)
    return get_customer(db, shop_id, customer_id)


def get_customer(db: sqlite_utils.Database, shop_id: str, customer_id) -> dict:
    """One customer of this shop with her balance; another shop's customer is not found."""
    row = db.execute("select id, name, phone, photo, voice_label, created_at from customers"
                     " where id = ? and shop_id = ? and deleted = 0",
                     [customer_id, shop_id]).fetchone() if isinstance(customer_id, str) else None
    if row is None:
        raise NotFound("customer", "customer_id")
    return {**dict(zip(_CUSTOMER, row, strict=False)), "balance": customer_balance(db, shop_id, customer_id)}


def list_customers(db: sqlite_utils.Database, shop_id: str) -> list[dict]:
    """The shop's customers by name, each with her balance."""
    balances = _balances(db, shop_id)
    return [{**dict(zip(_CUSTOMER, r, strict=False)), "balance": balances.get(r[0], 0)} for r in db.execute(
        "select id, name, phone, photo, voice_label, created_at from customers"
        " where shop_id = ? and deleted = 0 order by name collate nocase, id", [shop_id])]


def customer_balance(db: sqlite_utils.Database, shop_id: str, customer_id: str) -> int:
    """What the customer owes now, in F CFA (negative if she paid more than a voided debt)."""
    return db.execute(
        "select coalesce(sum(case e.kind when 'credit' then e.amount else -e.amount end), 0)"
        f" from credit_entries e where e.customer_id = ? and e.shop_id = ? and {_COUNTS}",
        [customer_id, shop_id]).fetchone()[0]


def _balances(db, shop_id) -> dict[str, int]:
    return dict(db.execute(
        "select e.customer_id, sum(case e.kind when 'credit' then e.amount else -e.amount end)"
        f" from credit_entries e where e.shop_id = ? and {_COUNTS} group by e.customer_id",
        [shop_id]).fetchall())


def record_repayment(db: sqlite_utils.Database, shop_id: str, customer_id: str, amount, *,
                     method: str = "cash", mobile_provider=None, mobile_ref=None,
                     user_id=None, at=None) -> dict:
    """The customer pays back all or part of her debt, in cash or mobile money.

    Paying more than she owes is refused (the trader would owe her change).
    """
    customer = get_customer(db, shop_id, customer_id)
    amount = ledger.check_amount(amount, "amount", allow_zero=False)
    if method not in ("cash", "mobile"):
        raise Invalid("unknown_method", N_("Choose cash or mobile money"), "method")
    if method == "mobile":
        mobile_provider, mobile_ref = ledger.check_mobile(mobile_provider, mobile_ref)
    else:
        mobile_provider = mobile_ref = None
    if amount > customer["balance"]:
        raise Invalid("more_than_owed", N_("This is more than the customer owes"), "amount")
    at, day = ledger.stamp(db, shop_id, at)
    entry = changes.insert_fact(db, "credit_entries", {
        "shop_id": shop_id, "customer_id": customer_id, "kind": "repayment", "amount": amount,
        "method": method, "mobile_provider": mobile_provider, "mobile_ref": mobile_ref,
        "user_id": user_id, "at": at, "day": day})
    return {**entry, "balance": customer["balance"] - amount}


def credit_history(db: sqlite_utils.Database, shop_id: str, customer_id: str) -> list[dict]:
    """The customer's credit entries, oldest first, each marked ``counts`` (False when voided)."""
    get_customer(db, shop_id, customer_id)
    cols = ("id", "kind", "amount", "sale_id", "method", "mobile_provider", "mobile_ref", "at", "day")
    return [{**dict(zip(cols, r[:-1], strict=False)), "counts": bool(r[-1])} for r in db.execute(
        f"select e.{', e.'.join(cols)}, {_COUNTS} from credit_entries e"
        " where e.customer_id = ? and e.shop_id = ? order by e.at, e.id", [customer_id, shop_id])]


def debtors(db: sqlite_utils.Database, shop_id: str) -> list[dict]:
    """Who owes what, the oldest unpaid debt first.

    Repayments settle the oldest credits first; ``since`` is the day of the oldest credit
    not yet fully paid back.
    """
    rows = db.execute(
        "select e.customer_id, e.kind, e.amount, e.day from credit_entries e"
        f" where e.shop_id = ? and {_COUNTS} order by e.customer_id, e.at, e.id",
        [shop_id]).fetchall()
    per: dict[str, dict] = {}
    for customer_id, kind, amount, day in rows:
        p = per.setdefault(customer_id, {"credits": [], "repaid": 0})
        if kind == "credit":
            p["credits"].append((day, amount))
        else:
            p["repaid"] += amount
    names = {r[0]: r[1:] for r in db.execute(
        "select id, name, phone, photo, voice_label from customers where shop_id = ? and deleted = 0",
        [shop_id])}
    found = []
    for customer_id, p in per.items():
        owed = sum(a for _, a in p["credits"]) - p["repaid"]
        if owed <= 0 or customer_id not in names:
            continue
        left, since = p["repaid"], None
        for day, amount in p["credits"]:
            if left < amount:
                since = day
                break
            left -= amount
        name, phone, photo, voice_label = names[customer_id]
        found.append({"customer_id": customer_id, "name": name, "phone": phone, "photo": photo,
                      "voice_label": voice_label, "balance": owed, "since": since})
    return sorted(found, key=lambda d: (d["since"], -d["balance"], d["name"]))


def reminder_link(db: sqlite_utils.Database, shop_id: str, customer_id: str,
                  message: str | Callable[..., str]) -> str:
    """A WhatsApp link (``https://wa.me/<digits>?text=...``) with a prefilled reminder.

    ``message`` is the already-translated text: a template with ``{name}``, ``{amount}``
    (digits grouped, "1 500") and ``{shop}``, or a callable taking those keywords.
    The number is her E.164 one (a number stored before numbers were normalised is read
    in the shop's country, like a new one).
    """
    customer = get_customer(db, shop_id, customer_id)
    if not customer["phone"]:
        raise Invalid("no_phone", N_("This customer has no phone number"), "phone")
    digits = phones.e164(customer["phone"], _country(db, shop_id))[1:]
    values = {"name": customer["name"], "amount": ledger.format_amount(customer["balance"]),
              "shop": ledger.shop(db, shop_id)["name"]}
    text = message(**values) if callable(message) else message.format(**values)
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"
