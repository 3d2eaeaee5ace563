"""Backups that are proven: the node refuses to start on a damaged file and names the last good
backup; ``kissi restore`` refuses what it must; a restored edge resyncs with nothing lost or doubled."""
from __future__ import annotations

import sqlite3
import subprocess

import pytest

from kissi import create_app
from kissi.deploy import backups
from kissi.store import db as store
from kissi.sync import client
from tests.browser_helpers import KISSI
from tests.sync_helpers import Node, hub_with_shop, sell


def kissi(instance, *args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([KISSI, "--instance", str(instance), *args], capture_output=True, text=True,
                          timeout=120, **kwargs)


def damage(path) -> None:
    """Scribble over the middle of the file, as a power cut on a cheap SD card may."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(b"\xde\xad\xbe\xef" * 2048)


@pytest.fixture
def instance(tmp_path):
    """A node's data folder with demo data and one nightly backup."""
    folder = tmp_path / "node"
    assert kissi(folder, "init").returncode == 0
    assert kissi(folder, "demo").returncode == 0
    assert kissi(folder, "backup", "--into", str(folder / "backups")).returncode == 0
    return folder


def test_serve_refuses_a_damaged_database_and_names_the_last_good_backup(instance):
    conn = sqlite3.connect(instance / "kissi.sqlite3")
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    damage(instance / "kissi.sqlite3")
    (instance / "backups" / "kissi-20990101-000000.sqlite3").write_bytes(b"not a database at all")  # newest, bad
    good = backups.list_backups(instance / "backups")[1]
    result = kissi(instance, "serve", "--port", "1")
    assert result.returncode == 1
    assert "is damaged" in result.stderr and f"kissi restore {good}" in result.stderr


def test_serve_starts_on_a_good_database(instance):
    """The check lets a good file through (the server is then stopped by its bad port)."""
    result = kissi(instance, "serve", "--host", "256.0.0.1", "--port", "8080")
    assert "damaged" not in result.stderr and "serving on" in result.stdout


def test_restore_keeps_the_current_file_aside_and_puts_the_backup_in_place(instance):
    backup = backups.list_backups(instance / "backups")[0]
    assert kissi(instance, "user", "add", "--role", "trader", "--phone", "0709090909", "--pin", "1357",
                 "--name", "Mariam", "--cooperative", "Coop Adjame").returncode == 0
    result = kissi(instance, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    aside = next(instance.glob("kissi.sqlite3.before-restore-*"))
    count = "select count(*) from users where name = 'Mariam'"
    assert sqlite3.connect(aside).execute(count).fetchone()[0] == 1
    assert sqlite3.connect(instance / "kissi.sqlite3").execute(count).fetchone()[0] == 0


def test_restore_refuses_another_nodes_backup_unless_told(instance, tmp_path):
    other = tmp_path / "other"
    assert kissi(other, "init").returncode == 0
    theirs = tmp_path / "theirs.sqlite3"
    assert kissi(other, "backup", str(theirs)).returncode == 0
    refused = kissi(instance, "restore", str(theirs))
    assert refused.returncode == 1 and "backup_other_node" in refused.stderr
    assert not list(instance.glob("kissi.sqlite3.before-restore-*"))
    assert kissi(instance, "restore", "--other-node", str(theirs)).returncode == 0


def test_restore_refuses_a_damaged_backup(instance):
    backup = backups.list_backups(instance / "backups")[0]
    damage(backup)
    result = kissi(instance, "restore", str(backup))
    assert result.returncode == 1 and "backup_damaged" in result.stderr


def test_restore_refuses_a_backup_from_a_newer_kissi(instance, tmp_path):
    newer = tmp_path / "newer.sqlite3"
    backups.copy_database(instance / "kissi.sqlite3", newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("insert into _migrations values ('9990_from_the_future', '2030-01-01T00:00:00Z')")
    result = kissi(instance, "restore", str(newer))
    assert result.returncode == 1 and "schema_too_new" in result.stderr and "9990_from_the_future" in result.stderr


# -- a restored edge resyncs --------------------------------------------------------------------

def test_a_restored_edge_resyncs_and_the_hub_has_every_sale_exactly_once(tmp_path):
    h, _, shop, soap = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    try:
        edge.enroll(h, "shop", shop["id"])
        edge.sync()  # the shop and its product come down
        made = [sell(edge.db, shop["id"], soap)]
        edge.sync()
        backup = backups.copy_database(edge.app.config["DATABASE"], tmp_path / "yesterday.sqlite3")
        made += [sell(edge.db, shop["id"], soap) for _ in range(3)]   # sent, then lost on the box
        edge.sync()
        edge.db.conn.close()
        result = edge.app.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        edge.db = store.connect(edge.app.config["DATABASE"])
        made.append(sell(edge.db, shop["id"], soap))                    # after the restore
        edge.sync()
        made += [sell(edge.db, shop["id"], soap) for _ in range(3)]   # positions the lost ones had
        edge.sync()
        on_hub = dict(h.db.execute("select id, count(*) from sales group by id").fetchall())
        assert on_hub == {sale["id"]: 1 for sale in made}
        assert h.db.execute("select count(*) from sale_lines").fetchone()[0] == len(made)
        assert client.pending_count(edge.db) == 0
    finally:
        edge.close()
        h.close()


def test_a_restore_never_moves_the_nodes_clock_back(tmp_path):
    """A change made after the restore must not take the id (node + clock) of one already sent."""
    app = create_app({"TESTING": True, "SYNC_ENABLED": False}, instance_path=str(tmp_path / "node"))
    db = store.connect(app.config["DATABASE"])
    store.migrate(db)
    from kissi.store import changes

    changes.ensure_node(db, "edge")
    backup = backups.copy_database(app.config["DATABASE"], tmp_path / "old.sqlite3")
    db.execute("update node set hlc = 'ffff000000000000.0000'")
    db.conn.close()
    backups.restore(app.config["DATABASE"], backup)
    assert sqlite3.connect(app.config["DATABASE"]).execute("select hlc from node").fetchone()[0] == \
        "ffff000000000000.0000"
