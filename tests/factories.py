"""Test factories: members, shops and logged-in clients (fixtures live in conftest.py)."""
from __future__ import annotations

import itertools

from kissi import members

_phones = itertools.count(70_000_001)
PIN = "2468"


def next_phone() -> str:
    return f"07{next(_phones):08d}"


def make_cooperative(db, name="Coop Adjamé"):
    return members.create_cooperative(db, name, region="Abidjan")


def make_user(db, role="trader", *, cooperative_id=None, pin=PIN, name="Awa", **extra):
    """A member with a fresh phone number; ``user['pin']`` is her PIN (for logging in)."""
    user = members.add_user(db, role=role, phone=next_phone(), pin=pin, name=name,
                            cooperative_id=cooperative_id, **extra)
    return {**user, "pin": pin}


def login(client, user, **headers):
    """Log ``user`` in through the real login form; returns the response."""
    return client.post("/login", data={"phone": user["phone"], "pin": user["pin"]},
                       headers=headers)
