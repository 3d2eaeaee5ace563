"""Every tap is heard (issue 11, defect 8), in a real headless Chromium at 360x640 against
`kissi serve`: a tap that leaves the page is said by the next page on arrival (the screen's
prompt, or the product's own recorded name), and holding a tile says it without leaving.
What played is read from the page's audio elements (a play() that started), and the clip
requests are counted by a route handler."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from browser_helpers import PHONE, Node, wait_for
from kissi.store import db as store
from kissi.voice import clips, espeak, studio
from test_browser import log_in, seed
from voice_helpers import wav_bytes

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

# Every play() that really started, by URL (an init script: DevTools, not the page's policy).
PLAYED_JS = """(() => { window.__played = []; const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () { const src = this.src, p = play.call(this);
    if (p) p.then(() => window.__played.push(src), () => {}); return p; }; })()"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("node")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    files = clips.ClipFiles(instance / "audio")
    said = {key: clips.save_machine_clip(db, files, "fr", clips.prompt_key(key), "espeak",
                                         espeak.synthesize(text, "fr"))["sha"]
            for key, text in (("sale.pick", "Touche ce que tu vends"), ("sale.qty", "Combien ?"))}
    soap = data["products"][0]
    awa = data["awa"]  # her own recording of "savon", through the studio
    rec = studio.record(db, files, awa, "fr", f"product:{soap['id']}", wav_bytes(0.6), "savon.wav")
    label = studio.accept(db, awa, rec["id"])["sha"]
    db.conn.close()
    node = Node(instance).start()
    yield {**data, "node": node, "said": said, "label": label, "soap": soap}
    node.stop()


def test_a_tap_that_leaves_the_page_is_heard_on_the_next_page(browser, shop):
    context = browser.new_context(**PHONE, service_workers="block")
    requested = []
    context.route("**/voice/**", lambda route: (requested.append(route.request.url), route.continue_()))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(PLAYED_JS)
    log_in(page, shop)
    page.locator('a.tile[data-prompt="home.sell"]').tap()
    page.wait_for_url("**/sell/")
    pick = f"/voice/clip/{shop['said']['sale.pick']}.ogg"
    wait_for(page, "p => window.__played.some(u => u.endsWith(p))", pick)
    assert sum(u.endswith(pick) for u in requested) == 1
    # the product she tapped, named in her own voice, then the question of the screen
    page.locator(f'a.pick[href$="{shop["soap"]["id"]}"]').tap()
    page.wait_for_url(f"**/sell/{shop['soap']['id']}")
    wait_for(page, "() => window.__played.some(u => u.includes('/voice/say/'))")
    sentence = unquote(next(u for u in page.evaluate("window.__played") if "/voice/say/" in u))
    assert f"s=label:product:{shop['soap']['id']}" in sentence and "s=prompt:sale.qty" in sentence
    assert page.evaluate("window.__played.length") == 1  # said once, not over itself
    context.close()


def test_holding_a_tile_says_its_name_and_stays_on_the_page(browser, shop):
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(PLAYED_JS)
    log_in(page, shop)
    page.goto(shop["node"].url + "/sell/")
    box = page.locator(f'a.pick[href$="{shop["soap"]["id"]}"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(800)
    page.mouse.up()
    label = f"/voice/clip/{shop['label']}.ogg"
    wait_for(page, "p => window.__played.some(u => u.endsWith(p))", label)
    page.wait_for_timeout(300)
    assert page.url.endswith("/sell/")  # heard, not gone
    context.close()
