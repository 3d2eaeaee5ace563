"""Logging in: PIN checks with throttling, and server-side sessions.

Throttling. A PIN has only 10,000 to 1,000,000 values, so wrong guesses are slowed per
account (the E.164 number the typed phone designates, known or not: every spelling of one
number shares one counter, see :func:`kissi.coop.members.resolve_phone`) and per client
address:

- after ``FREE_TRIES`` wrong PINs in the last hour, the next try is refused until
  ``2 ** (n - FREE_TRIES + 1)`` seconds after the last failure, capped at ``MAX_DELAY``
  (30 s: a trader who mistypes never waits long);
- at most ``HOURLY_CAP`` (100) wrong PINs per account per hour, whatever the delay;
- a client address gets the same growing delay after ``CLIENT_FREE_TRIES`` failures over
  all accounts (lenient: a market Wi-Fi or a mobile carrier puts many phones behind one
  address);
- a refused try is not counted; a successful login or an unlock by her trainer (or an
  admin) clears the account's failures.

Failures must outlive the failing request: :func:`verify_login` records them in its own
transaction and must be called outside any open transaction (the login view is exempt
from the request transaction, see :func:`kissi.web.database.own_transaction`).

Sessions. A login opens a NEW session (a random token in the cookie, its SHA-256 in the
``sessions`` table), so a token planted before login is worthless; logout revokes it.
Both tables are local to the node and written directly (never synced).
"""
from __future__ import annotations

import calendar
import functools
import hashlib
import json
import secrets
import time

import sqlite_utils

from ..errors import DomainError, N_plural, TooMany
from ..store import changes
from ..store.db import in_transaction, transaction
from . import members

FREE_TRIES = 3
CLIENT_FREE_TRIES = 10
MAX_DELAY = 30
HOURLY_CAP = 100
WINDOW = 3600
TOUCH_EVERY = 300  # seconds between two updates of a session's last_seen
THROTTLED = N_plural("Too many wrong PINs. Try again in %(seconds)s second",
                     "Too many wrong PINs. Try again in %(seconds)s seconds")


@functools.cache
def _dummy_hash() -> str:
    """Checked when the phone has no account, so that a wrong number costs the same time."""
    return members.hash_pin("0000")


class WrongPin(DomainError):
    """Phone or PIN wrong (deliberately not saying which)."""

    status = 401


def _delay(failures: list[float], free: int) -> float:
    """Seconds to wait after the last of ``failures`` (sorted, within the window)."""
    if len(failures) < free:
        return 0.0
    return float(min(2 ** (len(failures) - free + 1), MAX_DELAY))


def _failures(db, column: str, key: str, now: float) -> list[float]:
    return [r[0] for r in db.execute(
        f"select at from login_failures where {column} = ? and at > ? order by at",
        [key, now - WINDOW])]


def retry_after(db: sqlite_utils.Database, phone: str, client: str,
                now: float | None = None) -> int:
    """Seconds until a try for this account from this client is accepted (0: now)."""
    now = time.time() if now is None else now
    account = _failures(db, "phone", phone, now)
    waits = [0.0]
    if len(account) >= HOURLY_CAP:
        waits.append(account[-HOURLY_CAP] + WINDOW - now)
    if account:
        waits.append(account[-1] + _delay(account, FREE_TRIES) - now)
    by_client = _failures(db, "client", client, now)
    if by_client:
        waits.append(by_client[-1] + _delay(by_client, CLIENT_FREE_TRIES) - now)
    wait = max(waits)
    return int(wait) + (wait > int(wait))


def verify_login(db: sqlite_utils.Database, phone: str, pin: str, client: str,
                 now: float | None = None) -> dict:
    """The user whose phone and PIN these are, or an error (throttled, or wrong).

    Raises :class:`~kissi.errors.TooMany` (``login_throttled``, with ``seconds``) while
    throttled, :class:`WrongPin` (401) when the phone or PIN is wrong, after recording
    the failure, and :class:`~kissi.errors.Invalid` for a malformed phone or PIN.
    """
    if in_transaction(db):
        raise RuntimeError("verify_login must run outside a transaction to record failures")
    now = time.time() if now is None else now
    phone, user = members.resolve_phone(db, phone)
    client = str(client or "unknown")[:64]
    wait = retry_after(db, phone, client, now)
    if wait > 0:
        raise TooMany("login_throttled", THROTTLED[0], "pin", plural=THROTTLED[1], count="seconds",
                      seconds=wait)
    ok = members.pin_matches(user["pin_hash"] if user else _dummy_hash(), str(pin or ""))
    with transaction(db):
        if not (user and ok):
            db.execute("insert into login_failures (phone, client, at) values (?, ?, ?)",
                       [phone, client, now])
        else:
            db.execute("delete from login_failures where phone = ?", [phone])
            db.execute("delete from login_failures where at <= ?", [now - WINDOW])
    if not (user and ok):
        raise WrongPin("wrong_pin", "Wrong phone number or PIN", "pin")
    return members.public(user)


def unlock(db: sqlite_utils.Database, actor: dict | None, phone: str) -> dict:
    """Clear an account's wrong PINs. ``actor`` is her trainer, an admin, or None (CLI)."""
    user = members.find_by_phone(db, phone)
    if user is None:
        raise members.NotFound("user", "phone")
    members.require_manager(actor, user)
    with transaction(db):
        db.execute("delete from login_failures where phone = ?", [user["phone"]])
    return members.public(user)


# -- sessions ---------------------------------------------------------------------------------

def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: sqlite_utils.Database, user_id: str, client: str | None = None) -> str:
    """Start a new session for ``user_id``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = changes.utc_now()
    with transaction(db):
        db.execute("insert into sessions (id, user_id, client, created_at, last_seen)"
                   " values (?, ?, ?, ?, ?)", [_key(token), user_id, client, now, now])
    return token


def session_user(db: sqlite_utils.Database, token: str | None, max_idle: int) -> dict | None:
    """The live user of a live session (not revoked, seen within ``max_idle`` s), or None."""
    if not token:
        return None
    row = db.execute(
        "select s.last_seen, u.id from sessions s join users u on u.id = s.user_id"
        " where s.id = ? and s.revoked_at is null and u.deleted = 0", [_key(token)]).fetchone()
    if row is None:
        return None
    idle = time.time() - _epoch(row[0])
    if idle > max_idle:
        return None
    if idle > TOUCH_EVERY:
        with transaction(db):
            db.execute("update sessions set last_seen = ? where id = ?",
                       [changes.utc_now(), _key(token)])
    return members.get_user(db, row[1])


def session_data(db: sqlite_utils.Database, token: str | None) -> dict:
    """What this session keeps between pages (``{}`` without a live session).

    Kept server-side so that its value does not depend on the order in which the answers
    reach the phone (a cookie is rewritten by every answer, stale ones included)."""
    if not token:
        return {}
    row = db.execute("select data from sessions where id = ? and revoked_at is null",
                     [_key(token)]).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def update_session_data(db: sqlite_utils.Database, token: str | None, **values) -> dict:
    """Set (or, with ``None``, drop) keys of this session's data; returns the new data."""
    data = {k: v for k, v in {**session_data(db, token), **values}.items() if v is not None}
    if token:
        with transaction(db):
            db.execute("update sessions set data = ? where id = ?",
                       [json.dumps(data, separators=(",", ":")) if data else None, _key(token)])
    return data


def revoke_session(db: sqlite_utils.Database, token: str | None) -> None:
    if token:
        with transaction(db):
            db.execute("update sessions set revoked_at = ? where id = ? and revoked_at is null",
                       [changes.utc_now(), _key(token)])


def revoke_user_sessions(db: sqlite_utils.Database, user_id: str) -> None:
    """End every session of a member (after a PIN change, or a lost phone)."""
    with transaction(db):
        db.execute("update sessions set revoked_at = ? where user_id = ? and revoked_at is null",
                   [changes.utc_now(), user_id])


def _epoch(stamp: str) -> float:
    return calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S"))
