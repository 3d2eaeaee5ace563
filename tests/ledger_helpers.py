"""Fixtures for the ledger tests: a fresh shop with one product, and a second shop."""
from __future__ import annotations

import pytest

from factories import make_cooperative, make_customer, make_product, make_shop


@pytest.fixture
def shop(db):
    return make_shop(db)


@pytest.fixture
def other_shop(db):
    return make_shop(db, make_cooperative(db, "Coop Treichville"), name="Boutique Fanta")


@pytest.fixture
def soap(db, shop):
    return make_product(db, shop, name="Savon", price=250, low_stock=2000)


@pytest.fixture
def rice(db, shop):
    return make_product(db, shop, name="Riz", unit="kg", price=600, icon="rice")


@pytest.fixture
def mariam(db, shop):
    return make_customer(db, shop, name="Mariam")
