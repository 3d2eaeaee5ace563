"""Phone numbers: stored, compared and throttled in E.164, local numbers read in the
cooperative's country (issue 10, finding 3)."""
import pytest

from factories import PIN, STAFF_PIN, make_cooperative, make_shop
from kissi.coop import cooperative, logins, members
from kissi.errors import Conflict, Invalid, TooMany
from kissi.store import changes, db as store, phones


@pytest.mark.parametrize("raw, country, stored", [
    ("07 01 02 03 04", "CI", "+2250701020304"),
    ("+225 07-01-02-03-04", "CI", "+2250701020304"),
    ("00225 0701020304", "SN", "+2250701020304"),
    ("00221 77 123 45 67", "CI", "+221771234567"),
    ("77 123 45 67", "SN", "+221771234567"),
    ("76.12.34.56", "ML", "+22376123456"),
    ("70 12 34 56", "BF", "+22670123456"),
])
def test_phone_is_stored_in_e164_with_local_numbers_in_the_given_country(raw, country, stored):
    assert phones.e164(raw, country) == stored


@pytest.mark.parametrize("raw", ["", "12345", "07abc10203", "٠٧٠١٠٢٠٣٠٤", "+221 0701020304",
                                 "0" * 60, "07\x0001020304"])
def test_what_is_no_phone_number_is_refused(raw):
    with pytest.raises(Invalid) as err:
        phones.e164(raw, "CI")
    assert (err.value.code, err.value.field) == ("bad_phone", "phone")


def test_member_number_is_read_in_her_cooperatives_country(db):
    dakar = members.create_cooperative(db, "Coop Dakar", country="SN")
    user = members.add_user(db, role="trader", phone="77 123 45 67", pin=PIN, name="Awa",
                            cooperative_id=dakar["id"])
    assert user["phone"] == "+221771234567"
    assert logins.verify_login(db, "77 123 45 67", PIN, "c1")["id"] == user["id"]


@pytest.mark.parametrize("spelling", ["+225 0701020304", "00225 07 01 02 03 04", "+2250701020304"])
def test_two_spellings_of_one_number_are_one_account(db, spelling):
    members.add_user(db, role="trader", phone="0701020304", pin=PIN, name="Awa")
    with pytest.raises(Conflict):
        members.add_user(db, role="trader", phone=spelling, pin=PIN, name="Awa 2")


def test_every_spelling_of_a_number_shares_one_wrong_pin_counter(db):
    user = members.add_user(db, role="trader", phone="0701020304", pin=PIN, name="Awa")
    now = 1_000_000.0
    for spelling in ("07 01 02 03 04", "+225 07 01 02 03 04", "00225 0701020304"):
        with pytest.raises(logins.WrongPin):
            logins.verify_login(db, spelling, "0000", f"client-{spelling}", now=now)
    with pytest.raises(TooMany):  # the fourth try waits, whichever spelling it uses
        logins.verify_login(db, "+2250701020304", PIN, "client-4", now=now)
    assert cooperative.wrong_pins(db, user["phone"], now=now) == 3


@pytest.mark.parametrize("foreign", ["+221 0701020304", "+223 0701020304", "+221 701020304"])
def test_local_number_with_a_foreign_country_code_logs_into_nobody(db, foreign):
    members.add_user(db, role="trader", phone="0701020304", pin=PIN, name="Awa")
    with pytest.raises((logins.WrongPin, Invalid)):
        logins.verify_login(db, foreign, PIN, "c1")


def test_node_default_country_reads_local_numbers_of_members_without_cooperative(db):
    phones.set_node_country(db, "ML")
    admin = members.add_user(db, role="admin", phone="76 12 34 56", pin=STAFF_PIN, name="Admin")
    assert admin["phone"] == "+22376123456"
    assert logins.verify_login(db, "76123456", STAFF_PIN, "c1")["id"] == admin["id"]


def test_migration_normalises_numbers_and_leaves_a_younger_look_alike_unmatched(tmp_path):
    db = store.connect(tmp_path / "old.sqlite3")
    db.execute("create table if not exists _migrations (name text primary key, applied_at text not null)")
    names = [name for name, _ in store._migration_files()]
    for name, path in store._migration_files():  # the schema as it was before 0090
        if name < "0090":
            with store.transaction(db):
                store._run(db, name, path)
                db.execute("insert into _migrations values (?, 'x')", [name])
    changes.ensure_node(db, "hub")
    coop = changes.insert_record(db, "cooperatives", {"name": "Coop", "created_at": changes.utc_now()})
    ids = []
    for phone in ("0701020304", "+2250701020304", "+2210701020304"):  # the old forms, as typed
        row = changes.insert_record(db, "users", {
            "role": "trader", "phone": phone, "name": "Awa", "pin_hash": "x", "language": "fr",
            "cooperative_id": coop["id"], "created_at": changes.utc_now()})
        ids.append(row["id"])
    assert "0090_phones" in names and store.migrate(db) == [n for n in names if n >= "0090"]
    stored = [db.execute("select phone from users where id = ?", [i]).fetchone()[0] for i in ids]
    assert stored == ["+2250701020304", "#+2250701020304", "+2210701020304"]
    logged = db.execute("select json_extract(data, '$.phone') from change_log where row_id = ?",
                        [ids[0]]).fetchone()[0]
    assert logged == "+2250701020304"  # a hub relaying old entries sends the normalised number
    assert members.find_by_phone(db, "07 01 02 03 04")["id"] == ids[0]


def test_customer_number_and_whatsapp_link_use_the_shops_country(db):
    from kissi.shop import credit

    dakar = members.create_cooperative(db, "Coop Dakar", country="SN")
    shop = make_shop(db, dakar)
    awa = credit.create_customer(db, shop["id"], name="Awa", phone="77 123 45 67")
    assert awa["phone"] == "+221771234567"
    assert credit.reminder_link(db, shop["id"], awa["id"], "x").startswith("https://wa.me/221771234567?")
    abidjan = make_shop(db, make_cooperative(db))
    for typed in ("07 07 07 07 07", "+225 0707070707", "00225 07 07 07 07 07"):
        assert credit.create_customer(db, abidjan["id"], name="Ami", phone=typed)["phone"] == "+2250707070707"
