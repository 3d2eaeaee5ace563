"""Data on a prepaid phone, in a real headless Chromium (service worker on) against `kissi
serve` behind a counting proxy (every byte of the pages and of the worker): on a metered
link the phone fetches the clip manifest once, keeps only the screen prompts and the pages
she opens, and a warm page view asks nothing but the page and a 304 for the worker; on a
fast unmetered link it keeps the sell grid's products and every prompt of the page.
The figures of a whole first sale are benchmarks/bench_data.py's."""
from __future__ import annotations

import pytest

from browser_helpers import PHONE, SLOW_3G, CountingProxy, Node, report, settle
from kissi.store import db as store
from kissi.voice import clips, espeak
from test_browser import PIN, seed

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

SAID = {"home.screen": "Accueil", "home.sell": "Vendre", "sale.pick": "Touche ce que tu vends",
        "sale.product": "Ce produit", "nav.home": "Accueil", "key.1": "un", "key.2": "deux",
        "stock.restock": "La marchandise est venue"}


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    instance = tmp_path_factory.mktemp("node")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    files = clips.ClipFiles(instance / "audio")
    shas = {key: clips.save_machine_clip(db, files, "fr", clips.prompt_key(key), "espeak",
                                         espeak.synthesize(text, "fr"))["sha"] for key, text in SAID.items()}
    db.conn.close()
    node = Node(instance).start()
    proxy = CountingProxy(node.port)
    yield {**data, "node": node, "proxy": proxy, "url": f"http://127.0.0.1:{proxy.port}", "shas": shas}
    node.stop()


def phone(browser, metered: bool):
    """A fresh phone; metered: a 3G link (effectiveType 3g) with Data Saver on."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    if metered:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {**SLOW_3G, "connectionType": "cellular3g"})
        cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
    return context, page


def visit(browser, node, metered: bool) -> tuple[list[dict], list[dict]]:
    """Log in, home, the sell grid; then home and the sell grid again on the warm phone."""
    context, page = phone(browser, metered)
    url, proxy = node["url"], node["proxy"]
    proxy.reset()
    page.goto(url + "/login")
    page.locator('input[name="phone"]').fill(node["awa"]["phone"])
    page.locator('input[name="pin"]').fill(PIN)
    page.locator('button[data-prompt="login.submit"]').tap()
    page.wait_for_url(url + "/")
    settle(proxy)  # the worker installed, what home asks kept
    page.locator('a.tile[data-prompt="home.sell"]').tap()
    page.wait_for_url(url + "/sell/")
    settle(proxy)
    first = proxy.reset()
    page.locator('a[data-prompt="nav.home"]').tap()
    page.wait_for_url(url + "/")
    settle(proxy)
    proxy.reset()
    page.locator('a.tile[data-prompt="home.sell"]').tap()
    page.wait_for_url(url + "/sell/")
    settle(proxy)
    warm = proxy.reset()
    context.close()
    return first, warm


def paths(exchanges, start: str) -> list[str]:
    return [e["path"] for e in exchanges if e["path"].startswith(start)]


def test_a_metered_phone_fetches_what_its_pages_need_and_a_warm_view_little_more(browser, node):
    first, warm = visit(browser, node, metered=True)
    # once signed out (the login page's keypad speaks) and once signed in (her cooperative's
    # recordings): not once per page and per script
    assert len(paths(first, "/voice/fr/manifest.json")) == 2
    clips_fetched = set(paths(first, "/voice/clip/"))
    screens = {f"/voice/clip/{node['shas'][k]}.ogg" for k in ("home.screen", "sale.pick")}
    assert clips_fetched <= screens | {f"/voice/clip/{node['shas']['sale.pick']}.ogg"}, clips_fetched
    assert screens <= clips_fetched  # the screen prompts are there for offline
    products = [p for p in paths(first, "/sell/") if p != "/sell/"]
    assert not products  # the grid's pages only on a fast link, or as she opens them
    assert [e["path"] for e in warm if e["path"] not in ("/sell/", "/sw.js")] == [], warm
    worker = [e for e in warm if e["path"] == "/sw.js"]
    assert all(e["down"] < 600 for e in worker), worker  # a 304
    total = sum(e["up"] + e["down"] for e in warm)
    assert total <= 4 * 1024, warm  # the budget of a page view on a warm phone
    page_only = sum(e["up"] + e["down"] for e in warm if e["path"] == "/sell/")
    report(f"DATA metered phone: first login + sell grid {sum(e['up'] + e['down'] for e in first)} B "
           f"in {len(first)} requests; warm view of the sell grid {total} B (the page itself {page_only} B)")


def test_a_fast_unmetered_phone_keeps_the_grid_and_every_prompt_of_the_page(browser, node):
    first, _ = visit(browser, node, metered=False)
    products = {p for p in paths(first, "/sell/") if p != "/sell/"}
    assert len(products) == len(node["products"])
    clips_fetched = set(paths(first, "/voice/clip/"))
    assert f"/voice/clip/{node['shas']['stock.restock']}.ogg" not in clips_fetched  # not the whole language
    assert f"/voice/clip/{node['shas']['home.sell']}.ogg" in clips_fetched  # a tile of the page


def test_a_metered_phone_keeps_every_voice_when_she_asks(browser, node):
    context, page = phone(browser, metered=True)
    url, proxy = node["url"], node["proxy"]
    page.goto(url + "/login")
    page.locator('input[name="phone"]').fill(node["awa"]["phone"])
    page.locator('input[name="pin"]').fill(PIN)
    page.locator('button[data-prompt="login.submit"]').tap()
    page.wait_for_url(url + "/")
    page.goto(url + "/help")
    settle(proxy)
    proxy.reset()
    page.locator("button[data-clips-all]").tap()
    settle(proxy)
    fetched = set(paths(proxy.reset(), "/voice/clip/"))
    context.close()
    assert f"/voice/clip/{node['shas']['stock.restock']}.ogg" in fetched  # on no page she saw
