"""Fixtures for plans and subscriptions: default plans, a cooperative with a trainer, an
admin and two traders, and a trader of another cooperative."""
from __future__ import annotations

import pytest

from factories import make_cooperative, make_user
from kissi.coop import plans


@pytest.fixture
def default_plans(db):
    return {p["code"]: p for p in plans.ensure_default_plans(db)}


@pytest.fixture
def coop(db):
    coop = make_cooperative(db)
    return {
        "coop": coop,
        "trainer": make_user(db, "trainer", cooperative_id=coop["id"], name="Fatou"),
        "awa": make_user(db, "trader", cooperative_id=coop["id"], name="Awa"),
        "mariam": make_user(db, "trader", cooperative_id=coop["id"], name="Mariam"),
        "admin": make_user(db, "admin", name="Admin"),
        "outsider": make_user(db, "trader", cooperative_id=make_cooperative(db, "Coop Bouaké")["id"],
                              name="Fanta"),
    }
