"""Fewer words, in a real Chromium at 360x640: the sale's quantity in view, a phone keypad
that keeps its digit order in Arabic, the language button that says its name first.

Screenshots go to test-artifacts/; with ``KISSI_DOCS_SCREENSHOTS=1`` they also replace the
ones in docs/screenshots/ (the README's and docs' pictures).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from browser_helpers import Node, report, screenshot, wait_for
from kissi.store import db as store
from kissi.voice import clips, espeak
from test_browser import seed, signed_in_context, tap_digits

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def shot(page, name: str) -> None:
    path = screenshot(page, name)
    if os.environ.get("KISSI_DOCS_SCREENSHOTS"):
        shutil.copy(path, DOCS / path.name)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("node")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    files = clips.ClipFiles(instance / "audio")
    # Wolof's own name, said by a machine voice: no voice speaks Wolof, a trainer would record it
    clips.save_machine_clip(db, files, "wo", clips.prompt_key("lang.name.wo"), "espeak",
                            espeak.synthesize("Wolof, Wolof", "fr"))
    hers = [dict(id=r[0]) for r in db.execute("select id from products where shop_id = ? order by name",
                                              [data["amina"]["shop_id"]])]
    db.conn.close()
    node = Node(instance).start()
    yield {**data, "node": node, "instance": instance, "amina_products": hers}
    node.stop()


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("who", ["awa", "amina"])  # French, then Arabic (right to left)
def test_quantity_first_and_in_view_without_scrolling(browser, shop, who):
    context, page = signed_in_context(browser, shop, who)
    try:
        soap = shop["products"][0] if who == "awa" else shop["amina_products"][0]
        page.goto(shop["node"].url + f"/sell/{soap['id']}")
        field, keys = _box(page, 'input[name="qty"]'), _box(page, '.kp[data-for="qty"]')
        cash = _box(page, 'button[data-prompt="sale.pay_cash"]')
        report(f"sale at 360x640 ({who}): quantity at {field['y']:.0f} px, keypad ends at "
               f"{keys['y'] + keys['height']:.0f} px, cash ends at {cash['y'] + cash['height']:.0f} px")
        assert page.evaluate("scrollY") == 0
        assert field["y"] + field["height"] <= 640 and keys["y"] + keys["height"] <= 640
        assert field["y"] < cash["y"]  # the quantity comes before how she is paid
        assert cash["y"] + cash["height"] <= 640  # and her cash tap needs no scroll either
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        qty = page.locator('input[name="qty"]')
        assert qty.input_value() == "1"  # what a tap on cash would sell, in view
        tap_digits(page, "3", '.kp[data-for="qty"]')
        assert qty.input_value() == "3"  # the first key replaces the proposed 1
        shot(page, "sell-item" if who == "awa" else "sell-item-arabic")
        # part now: what stays on credit is shown, and follows the coins she taps
        page.locator('button[data-prompt="sale.pay_mixed"]').tap()
        page.wait_for_url("**/sell/*")
        page.locator("[data-rest]").wait_for()
        total = int(page.locator("[data-rest]").get_attribute("data-rest"))
        page.locator('button[name="cash"][value="200"]').tap()
        wait_for(page, "n => document.querySelector('[data-rest]').textContent.replace(/\\D/g, '') === String(n)",
                 arg=total - 200)
        if who == "awa":
            shot(page, "sell-part-now")
    finally:
        context.close()


def test_phone_keypad_keeps_its_digit_order_right_to_left(browser, shop):
    context, page = signed_in_context(browser, shop, "amina")
    try:
        page.goto(shop["node"].url + f"/sell/{shop['amina_products'][0]['id']}")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        one, three = _box(page, '.kp button[value="1"]'), _box(page, '.kp button[value="3"]')
        erase, clear = _box(page, '.kp button[value="<"]'), _box(page, '.kp button[value="c"]')
        assert one["x"] < three["x"] and erase["x"] < clear["x"]  # 1-2-3 left to right, as on a phone
        page.goto(shop["node"].url + "/day/")
        shot(page, "day-arabic")
        page.goto(shop["node"].url + "/language")
        shot(page, "language-arabic")
    finally:
        context.close()


def test_language_button_says_its_name_in_that_language_then_switches(browser, shop):
    context, page = signed_in_context(browser, shop, "awa")
    seen: dict[str, float] = {}
    try:
        page.goto(shop["node"].url + "/day/")
        shot(page, "day")
        page.goto(shop["node"].url + "/language?next=/day/")
        shot(page, "language")
        page.on("request", lambda r: seen.setdefault(
            "clip" if "/voice/clip/" in r.url else "switch" if r.method == "POST" else "other", time.monotonic()))
        page.locator('button[data-name-of="wo"]').tap()
        wait_for(page, "location.pathname === '/day/' && document.documentElement.lang === 'wo'")
        assert "clip" in seen and "switch" in seen
        waited = seen["switch"] - seen["clip"]
        report(f"language page: the switch waited {waited:.2f} s for the name to be said")
        assert waited > 0.5  # "Wolof, Wolof" lasts about a second: the switch came after it
        page.goto(shop["node"].url + "/language?next=/day/")
        page.locator('button[data-name-of="fr"]').tap()  # no clip for French here: it still switches
        wait_for(page, "location.pathname === '/day/' && document.documentElement.lang === 'fr'")
    finally:
        context.close()


def test_an_operator_tapped_offline_waits_on_the_phone_and_lands_with_its_operator(browser, shop):
    """Orange Money is one tap, like cash: with the node away the sale waits on the phone
    (kissi's queue, no browser error page) and lands once, paid with Orange Money."""
    context, page = signed_in_context(browser, shop, "awa")
    rice = shop["products"][2]
    try:
        page.goto(shop["node"].url + f"/sell/{rice['id']}")
        page.context.set_offline(True)
        page.locator('button[value="mobile:orange"]').tap()
        page.locator("[data-queued]").wait_for(state="visible")
        page.context.set_offline(False)
        page.evaluate("window.kissiFlush()")
        wait_for(page, "document.documentElement.getAttribute('data-outbox-n') === '0'")
        db = store.connect(shop["instance"] / "kissi.sqlite3")
        try:
            last = db.execute("select mobile, mobile_provider from sales where shop_id = ? order by id desc limit 1",
                              [shop["awa"]["shop_id"]]).fetchone()
        finally:
            db.conn.close()
        assert tuple(last) == (rice["price"], "orange")
    finally:
        context.close()


def test_large_text_keeps_the_quantity_in_view(browser, shop):
    # no service worker: the text size is measured on the pages the node draws now; the
    # size is kept in this context's cookie, so the other tests keep the normal size
    context, page = signed_in_context(browser, shop, "awa", service_workers="block")
    try:
        sell = f"/sell/{shop['products'][0]['id']}"
        # large text is switched as the language page's button does (its own test is in
        # test_browser.py); the answer sets this context's cookie. The home page's own
        # requests are let finish first: a late answer carries the older cookie and would
        # undo the switch (the text size is still kept in the cookie, unlike the basket)
        page.wait_for_load_state("networkidle")
        answer = page.request.post(shop["node"].url + "/textsize", headers={"Origin": shop["node"].url},
                                   max_redirects=0)
        assert answer.status in (302, 303)
        page.goto(shop["node"].url + sell)
        assert page.evaluate("document.documentElement.classList.contains('big')")
        keys = _box(page, '.kp[data-for="qty"]')
        cash = _box(page, 'button[data-prompt="sale.pay_cash"]')
        report(f"sale at 360x640, large text: keypad ends at {keys['y'] + keys['height']:.0f} px, "
               f"cash ends at {cash['y'] + cash['height']:.0f} px")
        assert _box(page, 'input[name="qty"]')["y"] + 40 <= 640 and keys["y"] + keys["height"] <= 640
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
