"""The pages work under the Content-Security-Policy in a real Chromium: no violation reported,
the stylesheet applies, the keypads and the sale by taps still work."""
from __future__ import annotations

import pytest

from browser_helpers import PHONE, Node
from factories import STAFF_PIN
from kissi.coop import members
from kissi.store import db as store
from test_browser import log_in, sales_of, seed, sell

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

# Reported by the page itself: every violation, whatever the console says.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});"""
TRADER_PAGES = ("/", "/sell/", "/day/", "/day/30", "/stock/", "/debts/", "/shop/", "/month/", "/language?next=/")
STAFF_PAGES = ("/coop/", "/coop/cards", "/voice/studio", "/voice/studio/fr")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("csp")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    coop_id = members.get_user(db, data["awa"]["id"])["cooperative_id"]
    data["fatou"] = {**members.add_user(db, role="trainer", phone="0709090909", pin=STAFF_PIN, name="Fatou",
                                        cooperative_id=coop_id, language="fr"), "pin": STAFF_PIN}
    db.conn.close()
    node = Node(instance).start()
    yield {**data, "node": node, "instance": instance}
    node.stop()


def _page(browser):
    context = browser.new_context(**PHONE)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return context, page, console


def _violations(page, console) -> list[str]:
    return page.evaluate("window.__csp") + console


def test_trader_pages_and_a_sale_by_taps_work_under_the_policy(browser, shop):
    context, page, console = _page(browser)
    try:
        log_in(page, shop)  # the PIN keypad is keys.js: scripts from this origin run
        before = len(sales_of(shop))
        seen = []
        for path in TRADER_PAGES:
            answer = page.goto(shop["node"].url + path, wait_until="load")
            assert "script-src 'self';" in answer.headers["content-security-policy"], path
            seen += [f"{path}: {v}" for v in _violations(page, console)]
            console.clear()
        header = page.evaluate("getComputedStyle(document.querySelector('header')).display")
        assert header == "flex", "the inlined stylesheet did not apply"
        sell(page, shop, shop["products"][0], "2")
        page.wait_for_url("**/sell/done/**")
        seen += _violations(page, console)
        assert len(sales_of(shop)) == before + 1
        assert seen == []
    finally:
        context.close()


def test_staff_pages_work_under_the_policy(browser, shop):
    context, page, console = _page(browser)
    try:
        log_in(page, shop, "fatou")
        seen = []
        for path in STAFF_PAGES:
            answer = page.goto(shop["node"].url + path, wait_until="load")
            assert "script-src 'self';" in answer.headers["content-security-policy"], path
            seen += [f"{path}: {v}" for v in _violations(page, console)]
            console.clear()
        assert seen == []
    finally:
        context.close()
