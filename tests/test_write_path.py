"""The one write path: rows and change-log entries land together or not at all."""
import json

import pytest

from factories import staff_client
from kissi.store import changes, db as store
from kissi.store.hlc import HLC


def _coop_and_shop(db):
    coop = changes.insert_record(db, "cooperatives", {"name": "Coop", "created_at": changes.utc_now()})
    shop = changes.insert_record(db, "shops", {"name": "Awa", "cooperative_id": coop["id"],
                                               "created_at": changes.utc_now()})
    return coop, shop


def test_insert_record_logs_the_row_with_its_scope(db):
    coop, shop = _coop_and_shop(db)
    entry = db.execute("select tbl, row_id, op, data, shop_id, cooperative_id from change_log"
                       " where row_id = ?", [shop["id"]]).fetchone()
    assert entry[:3] == ("shops", shop["id"], "insert")
    assert json.loads(entry[3])["name"] == "Awa"
    assert entry[4:] == (shop["id"], coop["id"])


def test_update_record_logs_only_changed_fields_and_bumps_versions(db):
    _, shop = _coop_and_shop(db)
    before = db.execute("select version from field_versions where row_id = ? and field = 'name'",
                        [shop["id"]]).fetchone()[0]
    changed = changes.update_record(db, "shops", shop["id"], {"name": "Awa B", "timezone": "Africa/Abidjan"})
    assert changed == {"name": "Awa B"}
    assert changes.update_record(db, "shops", shop["id"], {"name": "Awa B"}) == {}
    logged = [json.loads(r[0]) for r in db.execute(
        "select data from change_log where row_id = ? and op = 'update'", [shop["id"]])]
    assert logged == [{"name": "Awa B"}]
    after = db.execute("select version from field_versions where row_id = ? and field = 'name'",
                       [shop["id"]]).fetchone()[0]
    assert after > before


def test_failed_transaction_leaves_neither_row_nor_log(db):
    _coop_and_shop(db)
    count = db.execute("select count(*) from change_log").fetchone()[0]
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            changes.insert_record(db, "cooperatives", {"name": "Gone", "created_at": changes.utc_now()})
            raise RuntimeError("boom")
    assert db.execute("select count(*) from change_log").fetchone()[0] == count
    assert db.execute("select count(*) from cooperatives where name = 'Gone'").fetchone()[0] == 0


def test_facts_cannot_be_updated_through_the_write_path(db):
    with pytest.raises(ValueError):
        changes.update_record(db, "sales", "x", {"total": 1})


def test_clock_never_goes_backwards_when_the_wall_clock_does(db, monkeypatch):
    from kissi.store import hlc

    monkeypatch.setattr(hlc, "now_ms", lambda: 2_000_000_000_000)
    _, first = changes.next_hlc(db)
    monkeypatch.setattr(hlc, "now_ms", lambda: 1_000_000_000_000)
    _, second = changes.next_hlc(db)
    assert HLC.decode(second) > HLC.decode(first)


def test_healthz_reports_role_and_database(app, db):
    body = staff_client(app, db).get("/healthz").get_json()
    assert body["role"] == "edge" and body["database"]["ok"] is True
    assert body["database"]["journal_mode"] == "wal"


def test_clock_ticks_stay_increasing_across_connections_and_rollbacks(app, db):
    other = store.connect(app.config["DATABASE"])
    try:
        stamps = []
        for i in range(6):
            handle = (db, other)[i % 2]
            with store.transaction(handle):
                stamps.append(changes.next_hlc(handle)[1])
        with pytest.raises(RuntimeError):
            with store.transaction(db):
                changes.next_hlc(db)
                raise RuntimeError("rolled back")
        stamps.append(changes.next_hlc(db)[1])
        db.execute("update node set clock_offset_ms = 3600000")  # sync learned an offset
        stamps.append(changes.next_hlc(other)[1])
        assert [HLC.decode(s) for s in stamps] == sorted(HLC.decode(s) for s in stamps)
        assert len(set(stamps)) == len(stamps)
        assert db.execute("select hlc from node").fetchone()[0] == stamps[-1]
        assert HLC.decode(stamps[-1]).wall >= HLC.decode(stamps[-2]).wall + 3_000_000
    finally:
        other.conn.close()
