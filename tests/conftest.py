"""Shared fixtures: an app on a temporary instance folder, its client and its database."""
from __future__ import annotations

import pytest

from kissi import create_app
from kissi.store import changes, db as store


@pytest.fixture(autouse=True)
def quick_pin_hash(request, monkeypatch):
    """Real scrypt, at a lower cost than production's (n=2**10 instead of 2**15), so that
    tests creating and logging in members stay fast; ``@pytest.mark.real_pin_hash`` keeps
    the production cost."""
    if request.node.get_closest_marker("real_pin_hash") is None:
        from kissi.coop import members

        monkeypatch.setattr(members, "PIN_HASH_METHOD", "scrypt:1024:8:1")


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
    """A client that says, like a browser, that its requests come from this site (CSRF)."""
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    return client


@pytest.fixture
def db(app):
    """A handle on the app's own database file (the same file the requests use)."""
    handle = store.connect(app.config["DATABASE"])
    yield handle
    handle.conn.close()


@pytest.fixture
def trader(db):
    """A trader (with her shop, in a cooperative); ``trader['pin']`` logs her in."""
    from factories import make_cooperative, make_user

    return make_user(db, "trader", cooperative_id=make_cooperative(db)["id"])


@pytest.fixture
def trader_client(client, trader):
    """The client, logged in as ``trader``."""
    from factories import login

    assert login(client, trader).status_code == 302
    return client


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (the system's, through Playwright) for a module's page tests."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from browser_helpers import launch

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
