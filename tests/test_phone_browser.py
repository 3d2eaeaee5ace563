"""The trader's phone in a real headless Chromium at 360x640 against `kissi serve`:
Back and resubmit, the login keypad, buttons offline, the time of an offline sale,
overflow and touch targets in every language, a tile heard, login cards on A4.
"""
from __future__ import annotations

import pytest

from browser_helpers import PHONE, wait_for
from kissi.store import db as store
from test_browser import PIN, log_in, shop  # noqa: F401  (shop: the served demo node, a fixture)

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")


def phone_page(browser, **options):
    context = browser.new_context(**{**PHONE, **options})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def count(shop, sql: str) -> int:
    db = store.connect(shop["instance"] / "kissi.sqlite3")
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.conn.close()


def test_login_keypad_fills_the_pin_once_the_phone_is_complete(browser, shop):
    """She tapped the phone field first, then typed everything on the big keypad."""
    page = phone_page(browser)
    page.goto(shop["node"].url + "/login")
    page.locator('input[name="phone"]').tap()
    local = shop["awa"]["phone"][len("+225"):]  # she types her number as she knows it: 07...
    for d in local + PIN:
        page.locator(f'.kp[data-for="pin"] button[value="{d}"]').tap()
    assert page.locator('input[name="phone"]').input_value() == local
    assert page.locator('input[name="pin"]').input_value() == PIN
    page.locator('button[data-prompt="login.submit"]').tap()
    page.wait_for_url(shop["node"].url + "/")
    page.context.close()


def test_offline_buttons_that_need_the_node_show_kissis_offline_screen(browser, shop):
    """Credit, part now and the basket ask the node the next question: with the node away
    she sees kissi's screen (icon, spoken prompt), not the browser's error. (A mobile money
    operator's button records the sale at once, queued like cash.)"""
    page = phone_page(browser)
    log_in(page, shop)
    url = f"{shop['node'].url}/sell/{shop['products'][0]['id']}"
    page.goto(url)
    screen = page.locator("[data-offline-step]")
    for prompt in ("sale.pay_credit", "sale.pay_mixed", "sale.add"):
        page.context.set_offline(True)
        page.locator(f'button[data-prompt="{prompt}"]').tap()
        screen.wait_for(state="visible")
        assert page.url == url and screen.get_attribute("data-prompt") == "sync.offline"
        assert "📵" in screen.inner_text()
        screen.locator("button").tap()
        screen.wait_for(state="hidden")
    page.context.set_offline(False)
    page.locator('button[data-prompt="sale.pay_credit"]').tap()  # online: the next question
    page.locator('input[name="new_name"]').wait_for()
    page.context.close()


def test_an_offline_sale_carries_the_time_of_the_tap(browser, shop):
    """Sold while the node is away, sent 4 s later: recorded at the tap, not the arrival."""
    import time
    from datetime import UTC, datetime
    page = phone_page(browser)
    log_in(page, shop)
    page.goto(f"{shop['node'].url}/sell/{shop['products'][2]['id']}")
    page.context.set_offline(True)
    tapped = datetime.now(UTC)
    page.locator('button[value="cash"]').tap()
    page.locator("[data-queued]").wait_for(state="visible")
    time.sleep(4)
    page.context.set_offline(False)
    page.evaluate("window.kissiFlush()")
    wait_for(page, "document.documentElement.getAttribute('data-outbox-n') === '0'")
    db = store.connect(shop["instance"] / "kissi.sqlite3")
    at = db.execute("select at from sales order by id desc limit 1").fetchone()[0]
    db.conn.close()
    recorded = datetime.fromisoformat(at.replace("Z", "+00:00"))
    assert abs((recorded - tapped).total_seconds()) < 2, (recorded, tapped)
    page.context.close()


def test_the_restock_cost_summary_is_a_48_px_touch_target(browser, shop):
    page = phone_page(browser)
    log_in(page, shop)
    page.goto(f"{shop['node'].url}/stock/{shop['products'][0]['id']}/restock")
    box = page.locator("summary").first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48, box
    page.context.close()
