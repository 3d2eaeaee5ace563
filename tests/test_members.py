"""Members, PINs, login throttling and sessions, at the domain level (no Flask)."""
import pytest

from factories import PIN, make_cooperative, make_user
from kissi.coop import logins, members
from kissi.errors import Conflict, Forbidden, Invalid, NotFound, TooMany


@pytest.mark.real_pin_hash
def test_pin_is_stored_as_a_slow_salted_hash(db):
    user = make_user(db)
    stored = db.execute("select pin_hash from users where id = ?", [user["id"]]).fetchone()[0]
    assert stored.startswith("scrypt:32768:8:1$") and PIN not in stored
    assert members.pin_matches(stored, PIN) and not members.pin_matches(stored, "1357")
    assert members.hash_pin(PIN) != stored  # salted


@pytest.mark.parametrize("pin", ["123", "1234567", "12a4", "", "١٢٣٤"])
def test_pin_must_be_4_to_6_ascii_digits(db, pin):
    with pytest.raises(Invalid):
        members.add_user(db, role="trader", phone="0700000001", pin=pin, name="Awa")
    assert db.execute("select count(*) from users").fetchone()[0] == 0


def test_trader_without_shop_gets_a_new_shop_in_her_cooperative(db):
    coop = make_cooperative(db)
    user = make_user(db, cooperative_id=coop["id"], name="Mariam")
    shop = members.get_shop(db, user["shop_id"])
    assert (shop["cooperative_id"], shop["name"]) == (coop["id"], "Mariam")
    assert "pin_hash" not in user


def test_trainer_needs_a_cooperative_and_admin_has_none(db):
    with pytest.raises(Invalid):
        make_user(db, "trainer")
    admin = make_user(db, "admin", cooperative_id=make_cooperative(db)["id"])
    assert admin["cooperative_id"] is None and admin["shop_id"] is None


def test_a_phone_number_has_one_account_with_or_without_country_code(db):
    members.add_user(db, role="trader", phone="0701020304", pin=PIN, name="Awa")
    with pytest.raises(Conflict):
        members.add_user(db, role="trader", phone="+225 0701020304", pin=PIN, name="Awa 2")


def test_login_with_or_without_country_code(db):
    members.add_user(db, role="trader", phone="+2250701020304", pin=PIN, name="Awa")
    assert logins.verify_login(db, "07 01 02 03 04", PIN, "c1")["name"] == "Awa"


def _failures(db, phone):
    return db.execute("select count(*) from login_failures where phone = ?", [phone]).fetchone()[0]


def test_wrong_pins_make_the_delay_grow(db):
    user = make_user(db)
    now = 1_000_000.0
    for _ in range(3):
        with pytest.raises(logins.WrongPin):
            logins.verify_login(db, user["phone"], "0000", "c1", now=now)
    waits = []
    for _ in range(3):
        with pytest.raises(TooMany) as refused:
            logins.verify_login(db, user["phone"], PIN, "c1", now=now)
        waits.append(refused.value.params["seconds"])
        now += waits[-1]
        with pytest.raises(logins.WrongPin):  # allowed again once the delay is over
            logins.verify_login(db, user["phone"], "0000", "c1", now=now)
    assert waits == [2, 4, 8]
    assert _failures(db, user["phone"]) == 6  # refused tries are not counted


def test_delay_is_capped_and_the_account_allows_100_wrong_pins_per_hour(db):
    user = make_user(db)
    start = 2_000_000.0
    db.conn.executemany("insert into login_failures (phone, client, at) values (?, ?, ?)",
                        [(user["phone"], f"c{i}", start + i * 35) for i in range(100)])
    now = start + 99 * 35 + logins.MAX_DELAY + 1  # past the capped delay...
    with pytest.raises(TooMany) as refused:  # ...but 100 failures in the last hour
        logins.verify_login(db, user["phone"], PIN, "other", now=now)
    assert refused.value.params["seconds"] == pytest.approx(start + 3600 - now, abs=1)
    assert logins.verify_login(db, user["phone"], PIN, "other", now=start + 3601)["id"] == user["id"]


def test_a_client_guessing_many_accounts_is_slowed(db):
    now = 3_000_000.0
    for i in range(logins.CLIENT_FREE_TRIES):
        with pytest.raises(logins.WrongPin):
            logins.verify_login(db, f"0700000{i:03d}", "1234", "guesser", now=now)
    with pytest.raises(TooMany):
        logins.verify_login(db, "0799999999", "1234", "guesser", now=now)
    with pytest.raises(logins.WrongPin):  # another phone on the market Wi-Fi is not slowed
        logins.verify_login(db, "0799999999", "1234", "neighbour", now=now)


def test_trainer_of_her_cooperative_unlocks_but_not_another_cooperatives(db):
    coop, other = make_cooperative(db), make_cooperative(db, "Coop Treichville")
    awa = make_user(db, cooperative_id=coop["id"])
    trainer = make_user(db, "trainer", cooperative_id=coop["id"], name="Fatou")
    stranger = make_user(db, "trainer", cooperative_id=other["id"], name="Aminata")
    trader = make_user(db, cooperative_id=coop["id"], name="Salimata")
    for _ in range(3):
        with pytest.raises(logins.WrongPin):
            logins.verify_login(db, awa["phone"], "0000", "c1")
    with pytest.raises(NotFound):
        logins.unlock(db, stranger, awa["phone"])
    with pytest.raises(Forbidden):
        logins.unlock(db, trader, awa["phone"])
    with pytest.raises(TooMany):
        logins.verify_login(db, awa["phone"], PIN, "c1")
    logins.unlock(db, trainer, awa["phone"])
    assert _failures(db, awa["phone"]) == 0
    assert logins.verify_login(db, awa["phone"], PIN, "c2")["id"] == awa["id"]


def test_verify_login_refuses_to_run_inside_a_transaction(db):
    from kissi.store.db import transaction

    with transaction(db), pytest.raises(RuntimeError):
        logins.verify_login(db, "0701020304", "1234", "c1")


def test_session_is_new_at_each_login_and_dead_once_revoked(db):
    user = make_user(db)
    first = logins.open_session(db, user["id"])
    second = logins.open_session(db, user["id"])
    assert first != second
    assert logins.session_user(db, first, 3600)["id"] == user["id"]
    logins.revoke_session(db, first)
    assert logins.session_user(db, first, 3600) is None
    assert logins.session_user(db, second, 3600)["id"] == user["id"]
    stored = [r[0] for r in db.execute("select id from sessions")]
    assert first not in stored and second not in stored  # only hashes are kept


def test_idle_session_expires(db):
    user = make_user(db)
    token = logins.open_session(db, user["id"])
    db.execute("update sessions set last_seen = '2020-01-01T00:00:00.000Z'")
    assert logins.session_user(db, token, 3600) is None
