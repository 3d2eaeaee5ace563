"""The trainer's domain: members in her care, their progress, stuck flags, PINs and cards."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from coop_helpers import NOW, coops  # noqa: F401 (fixture)
from factories import table_counts
from kissi.coop import cooperative, logins, members
from kissi.errors import Conflict, Invalid, NotFound


def _by_name(rows):
    return {m["name"]: m for m in rows}


def test_a_trainer_sees_only_her_cooperatives_traders(db, coops):
    names = [m["name"] for m in cooperative.progress(db, coops["fatou"], sort="name", now=NOW)]
    assert names == ["Awa", "Bintou", "Chantal"]
    assert [m["name"] for m in cooperative.progress(db, coops["mariam"], now=NOW)] == ["Fanta"]


def test_an_admin_sees_every_cooperative_or_one(db, coops):
    assert len(cooperative.progress(db, coops["admin"], now=NOW)) == 4
    only_b = cooperative.progress(db, coops["admin"], cooperative_id=coops["b"]["id"], now=NOW)
    assert [m["name"] for m in only_b] == ["Fanta"]


def test_a_trader_sees_no_members(db, coops):
    assert cooperative.progress(db, coops["awa"], now=NOW) == []


def test_progress_figures_follow_the_facts(db, coops):
    rows = _by_name(cooperative.progress(db, coops["fatou"], now=NOW))
    awa = rows["Awa"]
    # non-voided sales: today 2 x 250, 1 day ago 4 x 250, 2 days 2 x 250, 3 days 250,
    # 10 days 4 x 250, 20 days 250; the voided sale of today counts nowhere
    assert awa["last_sale"] == "2026-03-10" and awa["days_since_sale"] == 0
    assert (awa["week_count"], awa["week_total"]) == (4, 500 + 1000 + 500 + 250)
    assert (awa["month_count"], awa["month_total"]) == (6, 2250 + 1000 + 250)
    assert awa["products"] == 2 and awa["stock_recorded"] is True
    # Kadi owes 1000 - 400, Rose 500
    assert (awa["debtors"], awa["debts"]) == (2, 600 + 500)
    assert awa["flags"] == [] and awa["stuck"] is False
    bintou = rows["Bintou"]
    assert bintou["days_since_sale"] == 9 and bintou["week_count"] == 0
    assert (bintou["month_count"], bintou["month_total"]) == (1, 1500)
    assert (bintou["debtors"], bintou["debts"]) == (0, 0)


def test_stuck_flags_and_stuck_first_order(db, coops):
    rows = cooperative.progress(db, coops["fatou"], now=NOW)
    assert [(m["name"], m["flags"]) for m in rows] == [
        ("Chantal", ["never_sold", "no_stock"]), ("Bintou", ["idle", "no_stock"]), ("Awa", [])]


def test_idle_starts_at_seven_days_without_a_sale(db, coops):
    from datetime import timedelta

    six = _by_name(cooperative.progress(db, coops["fatou"], now=NOW - timedelta(days=3)))
    assert six["Bintou"]["days_since_sale"] == 6 and "idle" not in six["Bintou"]["flags"]
    seven = _by_name(cooperative.progress(db, coops["fatou"], now=NOW - timedelta(days=2)))
    assert seven["Bintou"]["days_since_sale"] == 7 and "idle" in seven["Bintou"]["flags"]


def test_other_orders(db, coops):
    assert [m["name"] for m in cooperative.progress(db, coops["fatou"], sort="week", now=NOW)
            ] == ["Bintou", "Chantal", "Awa"]
    with pytest.raises(Invalid):
        cooperative.progress(db, coops["fatou"], sort="phone")


def test_another_cooperatives_member_is_not_found(db, coops):
    fanta = coops["fanta"]["id"]
    for call in (lambda: cooperative.get_member(db, coops["fatou"], fanta),
                 lambda: cooperative.reset_pin(db, coops["fatou"], fanta),
                 lambda: cooperative.unlock(db, coops["fatou"], fanta),
                 lambda: cooperative.get_member(db, coops["fatou"], coops["mariam"]["id"]),
                 lambda: cooperative.cards(db, coops["fatou"], "http://n", member_ids=[fanta])):
        before = table_counts(db)
        with pytest.raises(NotFound):
            call()
        assert table_counts(db) == before
    assert cooperative.get_member(db, coops["admin"], fanta)["name"] == "Fanta"


def test_add_member_with_a_generated_pin_in_her_cooperative(db, coops):
    added = cooperative.add_member(db, coops["fatou"], name="Djeneba", phone="07 11 22 33 44",
                                   shop_name="Étal Djeneba", cooperative_id=coops["b"]["id"])
    assert re.fullmatch(r"\d{4}", added["pin"])
    row = members.find_by_phone(db, "0711223344")
    assert row["cooperative_id"] == coops["a"]["id"] and row["role"] == "trader"
    assert members.pin_matches(row["pin_hash"], added["pin"])
    shop = members.get_shop(db, row["shop_id"])
    assert shop["name"] == "Étal Djeneba" and shop["cooperative_id"] == coops["a"]["id"]
    assert "pin" not in row or row.get("pin") is None  # only the hash is kept


def test_add_member_refusals_write_nothing(db, coops):
    before = table_counts(db)
    with pytest.raises(Conflict):
        cooperative.add_member(db, coops["fatou"], name="X", phone=coops["awa"]["phone"])
    with pytest.raises(Invalid):
        cooperative.add_member(db, coops["fatou"], name="X", phone="0711", shop_name="S")
    with pytest.raises(Invalid):
        cooperative.add_member(db, coops["fatou"], name="X", phone="0711223355", pin="12")
    with pytest.raises(NotFound):  # an admin must name an existing cooperative
        cooperative.add_member(db, coops["admin"], name="X", phone="0711223355")
    assert table_counts(db) == before


def test_reset_pin_old_fails_new_works_and_sessions_end(db, coops):
    awa = coops["awa"]
    token = logins.open_session(db, awa["id"])
    with pytest.raises(logins.WrongPin):  # one wrong try, cleared by the reset
        logins.verify_login(db, awa["phone"], "0000", "10.0.0.1")
    assert cooperative.wrong_pins(db, awa["phone"]) == 1
    reset = cooperative.reset_pin(db, coops["fatou"], awa["id"])
    assert reset["pin"] != awa["pin"]
    assert logins.session_user(db, token, 3600) is None
    assert cooperative.wrong_pins(db, awa["phone"]) == 0
    with pytest.raises(logins.WrongPin):
        logins.verify_login(db, awa["phone"], awa["pin"], "10.0.0.2")
    assert logins.verify_login(db, awa["phone"], reset["pin"], "10.0.0.3")["id"] == awa["id"]
    chosen = cooperative.reset_pin(db, coops["fatou"], awa["id"], pin="864209")
    assert chosen["pin"] == "864209"


def test_generated_pins_avoid_the_obvious_ones():
    pins = {cooperative.new_pin() for _ in range(500)}
    assert all(re.fullmatch(r"\d{4}", p) and len(set(p)) > 1 for p in pins)
    assert not pins & {"1234", "0000", "1111"}


def test_card_holds_the_login_url_with_her_phone_and_never_the_pin(db, coops):
    awa = coops["awa"]
    [card] = cooperative.cards(db, coops["fatou"], "http://192.168.1.10:8080/",
                               member_ids=[awa["id"]])
    assert card["url"] == f"http://192.168.1.10:8080/login?phone={quote(awa['phone'])}"
    assert awa["pin"] not in card["url"]
    svg = ET.fromstring(card["qr"])
    assert svg.tag.endswith("svg") and svg.find("{http://www.w3.org/2000/svg}path") is not None
    assert card["phone_digits"].replace(" ", "") == awa["phone"]
    assert card["shop"] == members.get_shop(db, awa["shop_id"])["name"]


def test_qr_code_decodes_to_its_data():
    """Read the modules back from the SVG path and compare with qrcode's own matrix."""
    import qrcode

    data = "http://kissi.local/login?phone=%2B2250701020304"
    svg = cooperative.qr_svg(data)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    expected = {(x, y) for y, row in enumerate(qr.get_matrix()) for x, on in enumerate(row) if on}
    drawn = set()
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1", svg):
        drawn |= {(int(x) + i, int(y)) for i in range(int(n))}
    assert drawn == expected


def test_cards_are_sorted_by_name_and_spaced_phones():
    assert cooperative.spaced_phone("0701020304") == "07 01 02 03 04"
    assert cooperative.spaced_phone("+2250701020304") == "+225 07 01 02 03 04"
    assert cooperative.spaced_phone("701020304") == "7 01 02 03 04"
