"""Test factories: rows made through the domain and the one write path, logged-in clients."""
from __future__ import annotations

import itertools

from kissi.coop import members
from kissi.shop import credit, products
from kissi.store import changes

_n = itertools.count(1)
_phones = itertools.count(70_000_001)
PIN = "2468"
STAFF_PIN = "24682468"  # trainers and admins have 8 to 12 digits


def make_cooperative(db, name: str = "Coop Adjamé") -> dict:
    return members.create_cooperative(db, name, region="Abidjan")


def make_shop(db, cooperative: dict | None = None, name: str = "Boutique Awa") -> dict:
    cooperative = cooperative or make_cooperative(db)
    return changes.insert_record(db, "shops", {"name": name, "cooperative_id": cooperative["id"],
                                               "created_at": changes.utc_now()})


def make_product(db, shop: dict, **fields) -> dict:
    fields = {"name": f"Savon {next(_n)}", "price": 250, "icon": "soap", **fields}
    return products.create_product(db, shop["id"], **fields)


def make_customer(db, shop: dict, **fields) -> dict:
    fields = {"name": f"Mariam {next(_n)}", "phone": "07 07 07 07 07", **fields}
    return credit.create_customer(db, shop["id"], **fields)


def table_counts(db) -> dict[str, int]:
    """Row count of every table (change log included): proof that nothing was written."""
    return {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in db.table_names()}


def next_phone() -> str:
    return f"07{next(_phones):08d}"


def make_user(db, role="trader", *, cooperative_id=None, pin=None, name="Awa", **extra):
    """A member with a fresh phone number; ``user['pin']`` is her PIN (for logging in)."""
    pin = pin or (PIN if role == "trader" else STAFF_PIN)
    user = members.add_user(db, role=role, phone=next_phone(), pin=pin, name=name,
                            cooperative_id=cooperative_id, **extra)
    return {**user, "pin": pin}


def login(client, user, **headers):
    """Log ``user`` in through the real login form; returns the response."""
    return client.post("/login", data={"phone": user["phone"], "pin": user["pin"]},
                       headers=headers)


def logged_in(app, user):
    """A new client of ``app`` that says it is this site (CSRF), logged in as ``user``."""
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    assert login(client, user).status_code == 302
    return client


def staff_client(app, db):
    """A trainer's client: /healthz tells its details only to staff."""
    trainer = make_user(db, "trainer", cooperative_id=make_cooperative(db, "Coop du personnel")["id"],
                        name="Fatou")
    return logged_in(app, trainer)
