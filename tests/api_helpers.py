"""Helpers for the API tests: a logged-in trader with a product, and JSON calls."""
from __future__ import annotations

import pytest

from factories import make_product


@pytest.fixture
def api(trader_client):
    """The client logged in as the trader; ``api.post(path, json=...)`` etc. under /api/v1."""
    return ApiClient(trader_client)


@pytest.fixture
def soap(db, trader):
    return make_product(db, {"id": trader["shop_id"]}, name="Savon", price=250, low_stock=2000)


class ApiClient:
    def __init__(self, client):
        self.client = client

    def __getattr__(self, method):
        call = getattr(self.client, method)

        def request(path, *args, **kwargs):
            return call("/api/v1" + path, *args, **kwargs)
        return request
