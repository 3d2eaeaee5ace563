from urllib.parse import parse_qs, urlparse

import pytest

from factories import make_customer, table_counts
from kissi.errors import Invalid, NotFound
from kissi.shop import credit, sales
from kissi.store import changes
from ledger_helpers import mariam, other_shop, shop, soap  # noqa: F401


def _credit_sale(db, shop, product, customer, amount, at=None):
    return sales.record_sale(db, shop["id"], [{"product_id": product["id"], "qty": amount // 250 * 1000}],
                             credit=amount, customer_id=customer["id"], at=at)


def test_partial_and_full_repayment_reduce_the_balance(db, shop, soap, mariam):
    _credit_sale(db, shop, soap, mariam, 1000)
    assert credit.record_repayment(db, shop["id"], mariam["id"], 400)["balance"] == 600
    paid = credit.record_repayment(db, shop["id"], mariam["id"], 600, method="mobile",
                                   mobile_provider="wave", mobile_ref="W123")
    assert paid["balance"] == 0 and paid["mobile_provider"] == "wave"
    assert credit.debtors(db, shop["id"]) == []


@pytest.mark.parametrize("amount, kwargs, code", [
    (1001, {}, "more_than_owed"), (0, {}, "amount_not_positive"), (-5, {}, "amount_not_positive"),
    ("cent", {}, "not_a_number"), (100, {"method": "cheque"}, "unknown_method"),
    (100, {"method": "mobile"}, "unknown_mobile_provider"),
])
def test_bad_repayment_is_refused_and_writes_nothing(db, shop, soap, mariam, amount, kwargs, code):
    _credit_sale(db, shop, soap, mariam, 1000)
    before = table_counts(db)
    with pytest.raises(Invalid) as err:
        credit.record_repayment(db, shop["id"], mariam["id"], amount, **kwargs)
    assert err.value.code == code
    assert table_counts(db) == before


def test_debtors_oldest_unpaid_debt_first(db, shop, soap):
    awa, fanta = make_customer(db, shop, name="Awa"), make_customer(db, shop, name="Fanta")
    _credit_sale(db, shop, soap, awa, 500, at="2026-03-01T10:00:00.000Z")
    _credit_sale(db, shop, soap, fanta, 750, at="2026-03-02T10:00:00.000Z")
    _credit_sale(db, shop, soap, awa, 250, at="2026-03-05T10:00:00.000Z")
    assert [(d["name"], d["balance"], d["since"]) for d in credit.debtors(db, shop["id"])] == [
        ("Awa", 750, "2026-03-01"), ("Fanta", 750, "2026-03-02")]
    credit.record_repayment(db, shop["id"], awa["id"], 500)  # pays the 1 March debt off
    assert [(d["name"], d["since"]) for d in credit.debtors(db, shop["id"])] == [
        ("Fanta", "2026-03-02"), ("Awa", "2026-03-05")]


def test_customer_validation_and_scoping(db, shop, other_shop):
    with pytest.raises(Invalid) as err:
        credit.create_customer(db, shop["id"], name="n" * 81)
    assert err.value.field == "name"
    with pytest.raises(Invalid):
        credit.create_customer(db, shop["id"], name="Awa", phone="call me")
    awa = make_customer(db, shop, name="Awa", phone=None)
    with pytest.raises(NotFound):
        credit.get_customer(db, other_shop["id"], awa["id"])
    with pytest.raises(NotFound):
        credit.record_repayment(db, other_shop["id"], awa["id"], 100)
    assert credit.update_customer(db, shop["id"], awa["id"], phone="+225 05 01 02 03 04")["phone"]
    assert [c["name"] for c in credit.list_customers(db, shop["id"])] == ["Awa"]
    assert credit.list_customers(db, other_shop["id"]) == []


def test_reminder_link_is_a_prefilled_whatsapp_message(db, shop, soap, mariam):
    _credit_sale(db, shop, soap, mariam, 1500)
    link = credit.reminder_link(db, shop["id"], mariam["id"],
                                "Bonjour {name}, vous devez {amount} F CFA à {shop}.")
    url = urlparse(link)
    assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/2250707070707")
    assert parse_qs(url.query)["text"] == ["Bonjour Mariam, vous devez 1\u202f500 F CFA à Boutique Awa."]
    called = credit.reminder_link(db, shop["id"], mariam["id"], lambda **v: f"{v['name']}:{v['amount']}")
    assert called.endswith("?text=Mariam%3A1%E2%80%AF500")


def test_reminder_link_keeps_international_numbers_and_needs_a_phone(db, shop):
    intl = make_customer(db, shop, phone="+223 76 00 00 00")
    assert credit.reminder_link(db, shop["id"], intl["id"], "x").startswith("https://wa.me/22376000000?")
    nophone = make_customer(db, shop, phone=None)
    with pytest.raises(Invalid):
        credit.reminder_link(db, shop["id"], nophone["id"], "x")


def test_credit_entries_are_logged_for_sync(db, shop, soap, mariam):
    sale = _credit_sale(db, shop, soap, mariam, 500)
    logged = db.execute("select count(*) from change_log where tbl = 'credit_entries' and shop_id = ?",
                        [shop["id"]]).fetchone()[0]
    assert logged == 1 and changes.SYNCED["credit_entries"].kind == "fact" and sale["credit"] == 500
