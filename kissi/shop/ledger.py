"""What the shop-ledger modules share: input checks, the shop's local day, money text.

Every check raises :class:`kissi.errors.Invalid` with a stable code and the field at
fault, before anything is written, so a refused operation leaves no row behind.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils

from ..errors import Invalid, NotFound
from ..store import changes


def N_(message: str) -> str:
    """Mark a domain message for extraction (pybabel's default keywords include ``N_``);
    the web layer translates it with ``gettext`` when it shows the error."""
    return message


MAX_PRICE = 100_000_000  # F CFA: above this a price is a typing slip, not a price
MAX_NAME = 80
MAX_NOTE = 200
MAX_QTY = 1_000_000 * 1000  # a million units, in thousandths
MOBILE_PROVIDERS = {"orange": "Orange Money", "mtn": "MTN MoMo", "moov": "Moov Money",
                    "wave": "Wave"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


MAX_INT = 10**15 - 1  # what SQLite's 64-bit integers hold with room to add, and 15 typed digits


def check_int(value, field: str) -> int:
    """``value`` as an int of at most 15 digits; bools, floats, text that is not a whole
    number in ASCII digits, and integers SQLite cannot hold are refused."""
    if isinstance(value, bool):
        raise Invalid("not_a_number", N_("Enter a number"), field)
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise Invalid("not_a_number", N_("Enter a number"), field)
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,15}", value.strip()):
        return int(value.strip())
    raise Invalid("not_a_number", N_("Enter a number"), field)


def check_price(value, field: str = "price") -> int:
    """A price in F CFA: 1 to 100,000,000."""
    value = check_int(value, field)
    if value <= 0:
        raise Invalid("price_not_positive", N_("The price must be more than zero"), field)
    if value > MAX_PRICE:
        raise Invalid("price_too_high", N_("The price is too high"), field)
    return value


def check_amount(value, field: str, *, allow_zero: bool = True) -> int:
    """A sum of money in F CFA: 0 (when allowed) to 100,000,000."""
    value = check_int(value, field)
    if value < 0 or (value == 0 and not allow_zero):
        raise Invalid("amount_not_positive", N_("The amount must be more than zero"), field)
    if value > MAX_PRICE:
        raise Invalid("amount_too_high", N_("The amount is too high"), field)
    return value


# Characters no text of hers needs and that hide or disguise text: bidi overrides,
# embeddings and isolates (U+202A-202E, U+2066-2069) turn "Awa" into what a page or a
# terminal shows backwards; plus the blank letters that look like nothing (Hangul fillers,
# the braille blank, the combining grapheme joiner), which Unicode files as letters.
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_TEXT_CONTROLS = frozenset("\t\n\r")  # a note typed in a text area may have lines


def _refuse_hidden(value: str, field: str, allowed: frozenset = frozenset()) -> None:
    """Refuse control characters (Cc: NUL, ANSI escapes), lone surrogates (Cs: not text,
    SQLite cannot store them) and bidi controls, except ``allowed``."""
    for c in value:
        if c in allowed:
            continue
        if c in _BIDI or unicodedata.category(c) in ("Cc", "Cs"):
            raise Invalid("bad_characters", N_("This text has characters that cannot be shown"), field)


def _visible(c: str) -> bool:
    """Whether ``c`` shows as something: not a space, a format character (ZWJ, ZWNJ...),
    a combining mark alone or a blank letter."""
    return (unicodedata.category(c)[0] not in "ZCM" and c not in _BLANK_LETTERS
            and not c.isspace())


def check_name(value, field: str = "name", *, required: bool = True) -> str | None:
    """A name of 1 to 80 characters, trimmed, spaces collapsed: every name of the project
    (products, customers, members, shops, cooperatives, plans) goes through here.

    Accents, Arabic, N'Ko, apostrophes and the joiners (ZWJ/ZWNJ) inside Arabic or Indic
    names are kept; control characters and bidi controls are refused, and so is a name
    with nothing visible in it (only spaces, joiners or blank letters).
    """
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        if not required and (value is None or value == ""):
            return None
        raise Invalid("name_required", N_("Enter a name"), field)
    _refuse_hidden(value, field)
    value = " ".join(value.split())
    if not any(_visible(c) for c in value):
        raise Invalid("name_required", N_("Enter a name"), field)
    if len(value) > MAX_NAME:
        raise Invalid("name_too_long", N_("The name is too long (80 characters at most)"), field)
    return value


def check_text(value, field: str, *, required: bool = False, limit: int = MAX_NOTE) -> str | None:
    """Free text (a note, a supplier, a reason) of at most ``limit`` characters; control
    characters other than tabs and line breaks, and bidi controls, are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid("text_required", N_("This cannot be empty"), field)
        return None
    if not isinstance(value, str):
        raise Invalid("not_text", N_("Enter some text"), field)
    _refuse_hidden(value, field, _TEXT_CONTROLS)
    value = value.strip()
    if not any(_visible(c) for c in value):
        if required:
            raise Invalid("text_required", N_("This cannot be empty"), field)
        return None
    if len(value) > limit:
        raise Invalid("text_too_long", N_("The text is too long"), field)
    return value


def shop(db: sqlite_utils.Database, shop_id: str) -> dict:
    """The shop row; an unknown or deleted shop is not found."""
    row = db.execute("select id, cooperative_id, name, timezone, language from shops"
                     " where id = ? and deleted = 0", [shop_id]).fetchone()
    if row is None:
        raise NotFound("shop", "shop_id")
    return dict(zip(("id", "cooperative_id", "name", "timezone", "language"), row, strict=False))


def _zone(db, shop_id: str):
    cache = db.__dict__.setdefault("_kissi_shop_zone", {})
    if shop_id not in cache:
        name = shop(db, shop_id)["timezone"]
        try:
            cache[shop_id] = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            cache[shop_id] = UTC
    return cache[shop_id]


def stamp(db: sqlite_utils.Database, shop_id: str, at: str | None = None) -> tuple[str, str]:
    """``(at, day)`` of a fact: UTC time text and the shop's local date.

    ``at`` defaults to the node's now (:func:`kissi.store.changes.node_now`: the machine's
    clock corrected by what the hub taught it), so a sale tapped on a device whose clock
    is days fast is booked on the day the trader made it, in her shop's time zone, on
    every node. A given ``at`` (demo data, an imported fact) keeps its own day.
    """
    at = at or changes.node_now(db)
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return at, moment.astimezone(_zone(db, shop_id)).date().isoformat()


def today(db: sqlite_utils.Database, shop_id: str) -> str:
    """The shop's local date now."""
    return stamp(db, shop_id)[1]


def format_amount(amount: int) -> str:
    """``1500`` -> ``"1 500"`` (digit groups split by a narrow no-break space, as in fr_CI)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", "\u202f")


def check_mobile(mobile_provider, mobile_ref, field_prefix: str = "mobile") -> tuple[str, str | None]:
    if mobile_provider not in MOBILE_PROVIDERS:
        raise Invalid("unknown_mobile_provider", N_("Choose the mobile money provider"),
                      f"{field_prefix}_provider")
    return mobile_provider, check_text(mobile_ref, f"{field_prefix}_ref", limit=40)


def check_month(value, field: str = "month") -> str:
    """``"2026-11"``: a month as YYYY-MM."""
    if not isinstance(value, str) or not MONTH.match(value):
        raise Invalid("bad_month", "Enter a month as YYYY-MM", field)
    return value


def month_of(day: str) -> str:
    return day[:7]


def shift_month(month: str, n: int) -> str:
    """``shift_month("2026-01", -1) == "2025-12"``."""
    y, m = int(month[:4]), int(month[5:]) + n
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return f"{y:04d}-{m:02d}"
