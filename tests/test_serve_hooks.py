"""`kissi serve` keeps one connection open so write requests do not checkpoint on close."""
from pathlib import Path

import pytest

from factories import PIN, login, make_cooperative, make_user
from kissi import create_app
from kissi.cli import shop as cli_shop
from kissi.store import db as store


@pytest.mark.parametrize("held", [True, False])
def test_wal_survives_write_requests_only_while_held(tmp_path, held):
    app = create_app({"TESTING": True, "SYNC_ENABLED": False}, instance_path=str(tmp_path / "i"))
    setup = store.connect(app.config["DATABASE"])
    store.migrate(setup)
    from kissi.store import changes

    changes.ensure_node(setup)
    trader = make_user(setup, cooperative_id=make_cooperative(setup)["id"], pin=PIN)
    setup.conn.close()
    if held:
        assert cli_shop.hold_database_open in app.extensions["kissi_serve_hooks"]
        cli_shop.hold_database_open(app)
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(client, trader)
    assert client.post("/api/v1/customers", json={"name": "Awa"}).status_code == 201
    wal = Path(app.config["DATABASE"] + "-wal")
    assert wal.exists() == held  # the last connection to close checkpoints and deletes it
    if held:
        app.extensions["kissi_wal_holder"].conn.close()


def test_serve_on_every_interface_prints_the_addresses_phones_can_use(tmp_path):
    """Not 127.0.0.1 alone: each non-loopback IPv4 address of the machine (as `ip` lists them)."""
    import shutil
    import subprocess

    from tests.served_process import Served

    if shutil.which("ip") is None:
        pytest.skip("no ip command to compare with")
    listed = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
    addresses = [line.split()[3].split("/")[0] for line in listed.splitlines() if " lo " not in line]
    served = Served(tmp_path / "i", host="0.0.0.0", SYNC_ENABLED="false").start()
    try:
        said = served.log.read_text().splitlines()[0]
    finally:
        served.kill()
    assert "every interface" in said and f"this machine: http://127.0.0.1:{served.port}/" in said
    for address in addresses:
        assert f"http://{address}:{served.port}/" in said
    if not addresses:
        assert "no network interface is up" in said
