"""voice.js in a real headless Chromium against kissi served by waitress on loopback:
a tap plays the prompt's clip from the manifest; the sale confirmation speaks itself."""
import socket
import threading

import pytest

from factories import make_cooperative, make_product, make_user
from kissi.shop import sales
from kissi.voice.clips import audio_files
from tests.test_voice_web import speak_everything

pytestmark = pytest.mark.browser


@pytest.fixture
def server(app):
    import waitress.server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = waitress.server.create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    srv.close()


@pytest.fixture
def page(server):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required",
                                          "--use-fake-device-for-media-stream",
                                          "--use-fake-ui-for-media-stream"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        yield page
        browser.close()


def _login(page, server, user):
    page.goto(server + "/login")
    page.fill("input[name=phone]", user["phone"])
    page.fill("input[name=pin]", user["pin"])
    page.click("button[data-prompt='login.submit']")
    page.wait_for_url(server + "/")


def test_tapping_an_element_plays_its_prompt_and_a_sale_speaks(app, db, server, page):
    files = audio_files(app)
    speak_everything(db, files, "en", 0.3)
    awa = make_user(db, "trader", cooperative_id=make_cooperative(db)["id"], language="en")
    soap = make_product(db, {"id": awa["shop_id"]}, name="Soap", price=500)
    sale = sales.record_sale(db, awa["shop_id"], [{"product_id": soap["id"], "qty": 3000}])
    _login(page, server, awa)
    heard = []
    page.on("request", lambda r: heard.append(r.url) if "/voice/" in r.url else None)
    page.goto(server + "/help")
    page.wait_for_timeout(300)
    page.click("li[data-prompt='help.sell']")
    clip = db.execute("select sha from voice_clips where lang = 'en' and key = 'p:help.sell'").fetchone()[0]
    _heard_within(page, heard, lambda u: u.endswith(f"/voice/clip/{clip}.ogg"))
    assert any(u.endswith("/voice/en/manifest.json") for u in heard)
    heard.clear()
    page.goto(f"{server}/sell/done/{sale['id']}")
    _heard_within(page, heard, lambda u: "/voice/say/en?" in u and "money:1500" in u.replace("%3A", ":"))


def _heard_within(page, heard: list, wanted, seconds: float = 8.0) -> None:
    """Wait until a request the page made matches (a loaded machine answers late)."""
    for _ in range(int(seconds * 10)):
        if any(wanted(u) for u in heard):
            return
        page.wait_for_timeout(100)
    assert any(wanted(u) for u in heard), heard


def test_trainer_records_in_the_browser_and_reviews_the_recording(app, db, server, page):
    fatou = make_user(db, "trainer", cooperative_id=make_cooperative(db)["id"], name="Fatou")
    _login(page, server, fatou)
    page.goto(server + "/voice/studio/dyu")
    button = page.locator("form.rec [data-record]").first
    key = page.locator("form.rec input[name=key]").first.get_attribute("value")
    button.click()
    page.wait_for_timeout(1500)
    button.click()
    page.wait_for_url(server + "/voice/recording/*")
    row = db.execute("select key, lang, ms, accepted from voice_recordings").fetchone()
    assert row[:2] == (key, "dyu") and 200 < row[2] < 2500 and row[3] == 0
    page.click("[data-prompt='studio.accept']")
    page.wait_for_url(server + "/voice/studio/dyu?saved=1")
    assert db.execute("select accepted from voice_recordings").fetchone()[0] == 1
