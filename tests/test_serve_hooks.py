"""Each server thread keeps its database connection: no checkpoint on close, no reconnect."""
import threading
from pathlib import Path

from factories import PIN, login, make_cooperative, make_user
from kissi import changes, create_app, db as store
from kissi.web.database import get_db


def _app(tmp_path):
    app = create_app({"TESTING": True, "SYNC_ENABLED": False}, instance_path=str(tmp_path / "i"))
    setup = store.connect(app.config["DATABASE"])
    store.migrate(setup)
    changes.ensure_node(setup)
    trader = make_user(setup, cooperative_id=make_cooperative(setup)["id"], pin=PIN)
    setup.conn.close()
    return app, trader


def test_wal_survives_write_requests_and_the_connection_is_reused(tmp_path):
    app, trader = _app(tmp_path)
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(client, trader)
    assert client.post("/api/v1/customers", json={"name": "Awa"}).status_code == 201
    # the last connection to close would have checkpointed and deleted the WAL
    assert Path(app.config["DATABASE"] + "-wal").exists()
    with app.test_request_context():
        first = get_db()
    with app.test_request_context():
        assert get_db() is first and not first.conn.in_transaction
    seen = []
    other = threading.Thread(target=lambda: seen.append(_db_in_request(app)))
    other.start()
    other.join()
    assert seen[0] is not first  # another thread, its own connection


def _db_in_request(app):
    with app.test_request_context():
        return get_db()


def test_a_failed_request_rolls_back_and_a_broken_request_drops_its_connection(tmp_path):
    app, trader = _app(tmp_path)
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(client, trader)
    assert client.post("/api/v1/customers", json={"name": ""}).status_code == 422
    with app.test_request_context():
        kept = get_db()
        assert not kept.conn.in_transaction
    try:
        with app.test_request_context():
            assert get_db() is kept
            raise RuntimeError("a view failed")
    except RuntimeError:
        pass
    with app.test_request_context():
        assert get_db() is not kept  # the connection left midway was closed, not reused
    assert client.get("/api/v1/customers").status_code == 200
