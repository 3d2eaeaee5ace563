"""Members: cooperatives, shops and users, their phone numbers and PINs.

A member logs in with her phone number (stored in E.164, see :mod:`kissi.store.phones`:
a local number belongs to her cooperative's country) and a PIN of 4 to 6 digits (she reads
digits, not passwords); a trainer or an admin with 8 to 12 digits. PINs are stored as scrypt
hashes, and a trader's travels with her user record to the devices of her shop and
cooperative so she can log in on them offline; staff secrets never leave the hub
(docs/security.md).
Login throttling and sessions are in :mod:`kissi.coop.logins`.
"""
from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from .. import languages
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..shop import ledger
from ..store import changes, phones
from ..store.db import transaction

ROLES = ("trader", "trainer", "admin")
PIN_HASH_METHOD = "scrypt"  # werkzeug's scrypt: n=2**15, r=8, p=1 (~50 ms, 32 MB)
STAFF_PIN_MIN, STAFF_PIN_MAX = 8, 12
USER_FIELDS = "id, role, phone, name, language, cooperative_id, shop_id, created_at"


def resolve_phone(db: sqlite_utils.Database, typed) -> tuple[str, dict | None]:
    """``(number, user)``: the E.164 number a typed phone designates and its live member.

    A number typed with its country code is that number. A local number is read in each
    country whose members this node holds (the node's default first) and designates a
    member only when it is her number read in *her* cooperative's country: ``+221`` in
    front of an Ivorian local number is another number, and logs into nobody's account.
    ``number`` is the member's own, else the reading in the node's default country: it
    keys the wrong-PIN counter, so every spelling of one number shares one counter.
    Raises :class:`~kissi.errors.Invalid` (``bad_phone``) for what is no phone number.
    """
    if phones.is_international(typed):
        number = phones.e164(typed, phones.node_country(db))
        return number, _live_user(db, number)
    readings = {}
    for country in phones.local_countries(db):
        try:
            readings.setdefault(phones.e164(typed, country), country)
        except Invalid:
            continue
    if not readings:
        raise Invalid("bad_phone", "This phone number is not right", "phone")
    found = [u for u in map(functools.partial(_live_user, db), readings) if u is not None
             and phones.cooperative_country(db, u["cooperative_id"]) == readings[u["phone"]]]
    if len(found) == 1:
        return found[0]["phone"], found[0]
    return next(iter(readings)), None


def _live_user(db, number: str) -> dict | None:
    rows = list(db.query("select * from users where phone = ? and deleted = 0", [number]))
    return rows[0] if rows else None


def check_pin(pin: str | None, role: str = "trader") -> str:
    """A trader's PIN has 4 to 6 digits; a trainer's or admin's secret 8 to 12 digits.

    Why longer for staff: their accounts reach every member of a cooperative (or all of
    them), and a 4-digit hash falls to an offline search in minutes once a file is copied;
    8 digits cost such a search months. They stay digits so the login keypad serves all.
    """
    pin = str(pin or "").strip()
    low, high = (4, 6) if role == "trader" else (STAFF_PIN_MIN, STAFF_PIN_MAX)
    if not (pin.isdigit() and pin.isascii() and low <= len(pin) <= high):
        if role != "trader":
            raise Invalid("bad_staff_pin", "A trainer's or admin's secret code has 8 to 12 digits", "pin")
        raise Invalid("bad_pin", "The PIN has 4 to 6 digits", "pin")
    return pin


def hash_pin(pin: str, role: str = "trader") -> str:
    return generate_password_hash(check_pin(pin, role), method=PIN_HASH_METHOD)


def pin_matches(pin_hash: str, pin: str) -> bool:
    return check_password_hash(pin_hash, pin)


def check_name(name, field: str = "name") -> str:
    """A member's, shop's or cooperative's name: the ledger's one name check."""
    return ledger.check_name(name, field)


def check_language(code: str | None) -> str:
    if code not in languages.LANGUAGES:
        raise Invalid("bad_language", "This language is not available", "language")
    return code


# -- cooperatives and shops -----------------------------------------------------------------

def create_cooperative(db: sqlite_utils.Database, name: str, region: str | None = None,
                       country: str | None = None) -> dict:
    """A cooperative; ``country`` (CI, SN, ML, BF...) is where its members' local phone
    numbers belong (None: the node's default, see :mod:`kissi.store.phones`)."""
    return changes.insert_record(db, "cooperatives", {
        "name": check_name(name), "region": check_name(region, "region") if region else None,
        "country": phones.check_country(country) if country else None,
        "created_at": changes.utc_now()})


def get_cooperative(db: sqlite_utils.Database, cooperative_id: str | None) -> dict:
    rows = list(db.query("select * from cooperatives where id = ? and deleted = 0",
                         [cooperative_id]))
    if not rows:
        raise NotFound("cooperative", "cooperative_id")
    return rows[0]


def find_cooperative(db: sqlite_utils.Database, key: str) -> dict:
    """A cooperative by id or by exact name (for the command line)."""
    rows = list(db.query("select * from cooperatives where (id = ? or name = ?) and deleted = 0",
                         [key, key]))
    if len(rows) != 1:
        raise NotFound("cooperative", "cooperative_id")
    return rows[0]


def create_shop(db: sqlite_utils.Database, cooperative_id: str | None, name: str,
                timezone: str = "Africa/Abidjan", language: str = "fr") -> dict:
    if cooperative_id is not None:
        get_cooperative(db, cooperative_id)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("bad_timezone", "This time zone is not known", "timezone") from None
    return changes.insert_record(db, "shops", {
        "cooperative_id": cooperative_id, "name": check_name(name), "timezone": timezone,
        "language": check_language(language), "created_at": changes.utc_now()})


def get_shop(db: sqlite_utils.Database, shop_id: str | None) -> dict:
    rows = list(db.query("select * from shops where id = ? and deleted = 0", [shop_id]))
    if not rows:
        raise NotFound("shop", "shop_id")
    return rows[0]


# -- users ----------------------------------------------------------------------------------

def add_user(db: sqlite_utils.Database, *, role: str, phone: str, pin: str, name: str,
             cooperative_id: str | None = None, shop_id: str | None = None,
             language: str = "fr") -> dict:
    """Create a member; a trader without ``shop_id`` gets a new shop in her cooperative.

    A trainer belongs to a cooperative; an admin to none. Returns the user without its
    PIN hash. A phone number already in use is a conflict.
    """
    if role not in ROLES:
        raise Invalid("bad_role", "This role is not known", "role")
    pin_hash = hash_pin(pin, role)
    name = check_name(name)
    language = check_language(language)
    with transaction(db):
        if shop_id is not None:
            shop = get_shop(db, shop_id)
            if cooperative_id is not None and shop["cooperative_id"] != cooperative_id:
                raise NotFound("shop", "shop_id")
            cooperative_id = shop["cooperative_id"]
        elif cooperative_id is not None:
            get_cooperative(db, cooperative_id)
        if role == "trainer" and cooperative_id is None:
            raise Invalid("cooperative_missing", "A trainer belongs to a cooperative",
                          "cooperative_id")
        if role == "trader" and shop_id is None:
            shop_id = create_shop(db, cooperative_id, name, language=language)["id"]
        if role == "admin":
            shop_id = cooperative_id = None
        phone = phones.e164(phone, phones.cooperative_country(db, cooperative_id))
        if db.execute("select 1 from users where phone = ?", [phone]).fetchone():
            raise Conflict("phone_taken", "This phone number already has an account", "phone")
        row = changes.insert_record(db, "users", {
            "role": role, "phone": phone, "name": name, "pin_hash": pin_hash,
            "language": language, "cooperative_id": cooperative_id, "shop_id": shop_id,
            "created_at": changes.utc_now()})
    return public(row)


def public(user: dict) -> dict:
    """A user row without its PIN hash."""
    return {k: v for k, v in user.items() if k not in ("pin_hash", "deleted")}


def get_user(db: sqlite_utils.Database, user_id: str | None) -> dict:
    rows = list(db.query(f"select {USER_FIELDS} from users where id = ? and deleted = 0",
                         [user_id]))
    if not rows:
        raise NotFound("user", "user_id")
    return rows[0]


def find_by_phone(db: sqlite_utils.Database, typed) -> dict | None:
    """The live user a typed number designates, with its PIN hash, or None (see
    :func:`resolve_phone`)."""
    return resolve_phone(db, typed)[1]


def can_manage(actor: dict | None, target: dict) -> bool:
    """Whether ``actor`` looks after ``target``: an admin, or a trainer of her cooperative.

    ``None`` is the operator at the node's command line, who can do anything.
    """
    if actor is None or actor["role"] == "admin":
        return True
    return (actor["role"] == "trainer" and actor["cooperative_id"] is not None
            and actor["cooperative_id"] == target["cooperative_id"])


def set_language(db: sqlite_utils.Database, user_id: str, language: str) -> None:
    changes.update_record(db, "users", user_id, {"language": check_language(language)})


def set_pin(db: sqlite_utils.Database, actor: dict | None, user_id: str, pin: str) -> None:
    """A new PIN, set by the member herself, her trainer or an admin."""
    target = get_user(db, user_id)
    if actor is not None and actor["id"] != user_id and not can_manage(actor, target):
        raise NotFound("user", "user_id")
    changes.update_record(db, "users", user_id, {"pin_hash": hash_pin(pin, target["role"])})


def require_manager(actor: dict | None, target: dict) -> None:
    """Members outside the actor's care are 'not found', never shown."""
    if not can_manage(actor, target):
        if actor and actor["role"] == "trader":
            raise Forbidden("forbidden", "Only a trainer or an admin can do this")
        raise NotFound("user", "phone")
