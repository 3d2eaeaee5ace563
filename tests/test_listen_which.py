""""Which customer?" in a real Chromium at 360x640: a first name two customers share.

The trader said "trois savons pour Kadi" and her shop has Kadi Ouattara and Kadi Koné. The
intent is parsed by the real parser from the shop's own catalog, the page is served by the
real node (``kissi serve``), and she taps the name she meant: the sale is recorded on credit
to that Kadi only after the confirm tap.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from browser_helpers import PHONE, Node, launch
from kissi.listen import grammar
from kissi.listen.intents import parse
from kissi.shop import credit
from kissi.store import db as store
from test_browser import log_in, seed

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("which")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    shop_id = data["awa"]["shop_id"]
    data["kadis"] = {name: credit.create_customer(db, shop_id, name=name) for name in ("Kadi Ouattara", "Kadi Koné")}
    intent = parse("trois savons pour Kadi", "fr", grammar.catalog(db, shop_id))
    db.conn.close()
    node = Node(instance).start()
    yield {**data, "node": node, "instance": instance, "intent": intent}
    node.stop()


def _query(intent) -> str:
    """The query ``POST /listen`` redirects to for this intent (see kissi.web.listen.listen)."""
    fields = {k: v for k, v in intent.as_dict().items() if k not in ("extra", "product", "customer")}
    fields |= {"screen": "sell", "then": intent.extra["then"],
               "choices": ",".join(c["id"] for c in intent.extra["choices"])}
    return urlencode(fields)


def test_she_taps_the_kadi_she_meant_and_the_credit_sale_is_hers(shop):
    intent = shop["intent"]
    assert (intent.action, intent.reason, intent.extra["then"]) == ("unclear", "which_customer", "sell")
    kone = shop["kadis"]["Kadi Koné"]
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            log_in(page, shop)
            page.goto(f"{shop['node'].url}/listen/heard?{_query(intent)}")
            assert page.locator("p[data-prompt='listen.which_customer']").inner_text().startswith("👤❓ Quelle cliente")
            buttons = page.locator(".opts a.wide")
            assert buttons.count() == 2
            for i in range(2):
                box = buttons.nth(i).bounding_box()
                assert box["height"] >= 48 and box["x"] >= 0 and box["x"] + box["width"] <= 360
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.locator(".opts a.wide", has_text="Kadi Koné").tap()
            page.wait_for_url("**/listen/heard?**customer_id=*")
            assert page.locator("text=Kadi Koné").first.is_visible()
            page.locator("[data-prompt='listen.confirm']").tap()
            page.wait_for_url("**/listen/done?**")
        finally:
            context.close()
            browser.close()
    db = store.connect(shop["instance"] / "kissi.sqlite3")
    try:
        sold = db.execute("select customer_id, credit, total from sales where customer_id in (?, ?)",
                          [kone["id"], shop["kadis"]["Kadi Ouattara"]["id"]]).fetchall()
    finally:
        db.conn.close()
    assert sold == [(kone["id"], 750, 750)]
