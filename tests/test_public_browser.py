"""A customer, as a new user would: the demo's public page in Chromium at 360x640, with and
without JavaScript, two products ticked, WhatsApp opened with the order written for her."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_helpers import KISSI, PHONE, SLOW_3G, Meter, Node, report, screenshot, wait_for

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def keep_screenshot(page, name: str) -> None:
    """Into test-artifacts/ every run; into docs/screenshots/ when ``KISSI_DOCS_SCREENSHOTS=1``."""
    path = screenshot(page, name)
    if os.environ.get("KISSI_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(path, SCREENSHOTS / path.name)


@pytest.fixture(scope="module")
def demo_node(tmp_path_factory):
    """``kissi init`` and ``kissi demo`` as a newcomer runs them, then ``kissi serve``."""
    instance = tmp_path_factory.mktemp("public")
    env = {**os.environ, "KISSI_INSTANCE": str(instance)}
    subprocess.run([KISSI, "init"], env=env, check=True, capture_output=True, timeout=120)
    printed = subprocess.run([KISSI, "demo"], env=env, check=True, capture_output=True, text=True,
                             timeout=300).stdout
    url = re.search(r"public page: (\S+)", printed).group(1)
    node = Node(instance).start()
    yield {"node": node, "path": urlsplit(url).path, "printed": url}
    node.stop()


def _open(browser, javascript: bool):
    context = browser.new_context(**{**PHONE, "java_script_enabled": javascript})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    whatsapp = []

    def _wa(route):
        whatsapp.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>WhatsApp</p>")

    page.route(re.compile(r"^https://(wa\.me|api\.whatsapp\.com)/.*"), _wa)
    return context, page, problems, whatsapp


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_a_customer_ticks_two_products_and_whatsapp_opens_with_her_order(browser, demo_node, javascript):
    assert demo_node["printed"].endswith("/s/awa-kone-adjame")
    context, page, problems, whatsapp = _open(browser, javascript)
    try:
        page.goto(demo_node["node"].url + demo_node["path"])
        assert page.locator("h1").inner_text().endswith("Awa Koné")
        if not javascript:
            keep_screenshot(page, "public-page")
        boxes = page.locator("input[type=checkbox]:not([disabled])")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.get_by_role("button", name=re.compile("WhatsApp")).click()
        page.wait_for_url(re.compile(r"^https://wa\.me/"))
        assert len(whatsapp) == 1 and whatsapp[0].startswith("https://wa.me/2250701010101?text=")
        text = parse_qs(urlsplit(whatsapp[0]).query)["text"][0]
        assert text.startswith("Bonjour Awa Koné") and len(text.splitlines()) == 5 and "Total" in text
        assert problems == []
    finally:
        context.close()


def test_directory_search_in_chromium(browser, demo_node):
    context, page, problems, _ = _open(browser, False)
    try:
        page.goto(demo_node["node"].url + "/c/cooperative-des-commercantes-d-adjame")
        page.get_by_role("searchbox").fill("savons")
        page.get_by_role("searchbox").press("Enter")
        page.wait_for_url(re.compile(r"q=savons"))
        assert page.get_by_role("link", name=re.compile("Savon")).count() >= 1
        keep_screenshot(page, "public-directory")
        assert problems == []
    finally:
        context.close()


def test_first_render_on_a_slow_link_and_bytes_on_the_wire(browser, demo_node):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    meter = Meter(cdp)
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    try:
        page.goto(demo_node["node"].url + demo_node["path"], wait_until="load")
        # the paint entry can be recorded just after "load": wait for it rather than read too early
        wait_for(page, "performance.getEntriesByName('first-contentful-paint').length > 0")
        paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        total = sum(meter.by_type().values())
        report(f"public page on 400 kbit/s, 400 ms: first contentful paint {paint:.0f} ms; {total:,} bytes on the wire")
        assert total <= 100 * 1024 and paint < 3000
    finally:
        context.close()
