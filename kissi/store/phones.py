"""Phone numbers as kissi stores and compares them: E.164 (``+2250701020304``).

One number has many spellings (``07 01 02 03 04``, ``+225 07...``, ``00225...``); when each
spelling was its own key, each had its own wrong-PIN counter and a device could plant a
look-alike of a trainer's number. So a number is normalised once, where it enters, and
only its E.164 form is stored, compared, throttled and synced. Rules a later developer
must know:

- a number typed with ``+`` or ``00`` keeps its own country code; any other number is
  local to a country: the member's cooperative's (``cooperatives.country``), else the
  node's default (``KISSI_DEFAULT_COUNTRY``, CI), set on the database handle by whoever
  opens it for the app (:func:`set_node_country`);
- a number must be *possible* for its country (its length), not necessarily in a range
  the library knows today: ranges open faster than libraries are updated;
- here, not in the members module, because the store's migration and the hub's check of
  pushed user rows need it too, and neither may import the cooperative's code.
"""
from __future__ import annotations

import phonenumbers
import sqlite_utils

from ..errors import Invalid

DEFAULT_COUNTRY = "CI"
MAX_TYPED = 40  # characters: a typed number longer than this is not a phone number


def check_country(code) -> str:
    """An ISO 3166 alpha-2 country the phone library knows (``CI``, ``SN``, ``ML``, ``BF``...)."""
    code = str(code or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise Invalid("bad_country", "This country is not known", "country")
    return code


def e164(raw, country: str) -> str:
    """``raw`` as E.164; a number without ``+``/``00`` is local to ``country``.

    Raises :class:`~kissi.errors.Invalid` (``bad_phone``) for anything that is not a
    possible phone number.
    """
    text = str(raw or "").strip()
    if not text or len(text) > MAX_TYPED or not text.isascii():
        raise Invalid("bad_phone", "This phone number is not right", "phone")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        raise Invalid("bad_phone", "This phone number is not right", "phone") from None
    if not phonenumbers.is_possible_number(number):
        raise Invalid("bad_phone", "This phone number is not right", "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_international(raw) -> bool:
    """Whether ``raw`` carries its own country code (then the country given is ignored)."""
    text = str(raw or "").strip()
    return text.startswith(("+", "00"))


def set_node_country(db: sqlite_utils.Database, country: str | None) -> sqlite_utils.Database:
    """Remember the node's default country on this handle (from the app's configuration)."""
    db.__dict__["kissi_country"] = check_country(country or DEFAULT_COUNTRY)
    return db


def node_country(db: sqlite_utils.Database) -> str:
    return db.__dict__.get("kissi_country") or DEFAULT_COUNTRY


def cooperative_country(db: sqlite_utils.Database, cooperative_id: str | None) -> str:
    """The country local numbers of this cooperative's members belong to."""
    row = db.execute("select country from cooperatives where id = ?", [cooperative_id]).fetchone() \
        if cooperative_id else None
    return (row[0] if row and row[0] else None) or node_country(db)


def local_countries(db: sqlite_utils.Database) -> list[str]:
    """Countries a number typed without its code may belong to on this node: default first."""
    found = [node_country(db)]
    for (code,) in db.execute("select distinct country from cooperatives where country is not null"
                              " and deleted = 0 order by country"):
        if code not in found:
            found.append(code)
    return found


def pushed_user_problem(db: sqlite_utils.Database, user_id: str, phone, cooperative_id: str | None) -> str | None:
    """Why a user row arriving from another node may not carry ``phone`` (None: it may).

    It must already be in its E.164 form for her cooperative's country, and no other
    member may hold it: a look-alike spelling of a trainer's number would otherwise shadow
    her real login.
    """
    if not isinstance(phone, str):
        return "phone is not text"
    try:
        normal = e164(phone, cooperative_country(db, cooperative_id))
    except Invalid:
        return "phone is not a phone number"
    if normal != phone:
        return "phone is not in its E.164 form"
    if db.execute("select 1 from users where phone = ? and id != ?", [phone, user_id]).fetchone():
        return "phone belongs to another member"
    return None
