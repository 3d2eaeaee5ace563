"""The trader's phone, form by form: what a slow link, Back and a reload must not break.

Driven through the real app and a real SQLite file (Flask's test client): the order in
which answers land, a form sent twice, a page reloaded.
"""
from __future__ import annotations

from web_helpers import awa, shop_ids  # noqa: F401 (fixtures)


def test_basket_survives_a_late_answer_carrying_the_old_cookie(awa, shop_ids):  # noqa: F811
    """A clip or sw.js answer that left before she added a product lands after it: the
    cookie it carries is the old one, and the basket must still be there."""
    before = awa.get_cookie("session").value
    assert awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "2", "pay": "basket"}).status_code == 302
    assert awa.post(f"/sell/{shop_ids['rice']}", data={"qty": "1", "pay": "basket"}).status_code == 302
    awa.set_cookie("session", before)  # the late answer's Set-Cookie
    page = awa.get("/sell/").get_data(as_text=True)
    assert 'data-prompt="sale.basket"' in page and "🧺 2 ·" in page
