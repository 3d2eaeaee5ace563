"""Shared fixtures: an app on a temporary instance folder, its client and its database."""
from __future__ import annotations

import pytest

from kissi import changes, create_app, db as store


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "SYNC_ENABLED": False}, instance_path=str(tmp_path / "instance"))
    db = store.connect(app.config["DATABASE"])
    store.migrate(db)
    changes.ensure_node(db, app.config["ROLE"])
    db.conn.close()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """A handle on the app's own database file (the same file the requests use)."""
    handle = store.connect(app.config["DATABASE"])
    yield handle
    handle.conn.close()
