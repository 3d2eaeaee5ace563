"""The trainer's pages in a real headless Chromium against `kissi serve`: every touch target
is at least 48 px (issue 11, defect 12: sort links, checkboxes, pay links, studio language
links), and the login cards print right on A4 (defect 7): with the print media emulated the
page is printed to a PDF, the PDF drawn as images with pdftoppm (poppler), and every card's
QR code read back with zxing-cpp while the boxes show each phone number whole.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from browser_helpers import Node, launch, report, screenshot
from factories import STAFF_PIN
from kissi.coop import members
from kissi.store import db as store
from test_browser import log_in, seed

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

# Touch targets under 48 px: links, buttons, fields, summaries (a checkbox counts by the
# label around it, which is what the finger meets).
SMALL_TARGETS_JS = """() => [...document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main summary, header a, header button')]
  .filter(el => el.checkVisibility() && !el.closest('[hidden]'))
  .map(el => [el, (el.matches('input') && el.closest('label')) || el])
  .map(([el, t]) => [el, t.getBoundingClientRect()])
  .filter(([el, r]) => r.width < 47.5 || r.height < 47.5)
  .map(([el, r]) => el.outerHTML.slice(0, 90) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""

# Each card's box against its phone number's: the number drawn whole, inside the card.
CARDS_JS = """() => [...document.querySelectorAll('.card')].map(card => {
  const c = card.getBoundingClientRect(), ph = card.querySelector('.ph'), r = document.createRange();
  r.selectNodeContents(ph); const p = r.getBoundingClientRect();  // the text itself, not its box
  const q = card.querySelector('svg').getBoundingClientRect();
  return {phone: ph.textContent, whole: p.right <= ph.parentElement.getBoundingClientRect().right + 0.5,
          inside: p.left >= c.left - 0.5 && p.right <= c.right + 0.5 && p.bottom <= c.bottom + 0.5,
          qr: q.right <= c.right + 0.5 && q.bottom <= c.bottom + 0.5,
          screen: c.left >= 0 && c.right <= document.documentElement.clientWidth};
})"""


@pytest.fixture(scope="module")
def coop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("node")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    cooperative_id = data["awa"]["cooperative_id"]
    fatou = members.add_user(db, role="trainer", phone="0709090909", pin=STAFF_PIN, name="Fatou",
                             cooperative_id=cooperative_id)
    # long names and long numbers: what cuts a card
    for i, name in enumerate(("Adjoua Marie-Claire Kouassi-N'Guessan", "Fatoumata Bintou Traoré", "Ya",
                              "Aminata", "Rokia", "Mariam Ouédraogo", "Kadi", "Salimata Coulibaly")):
        members.add_user(db, role="trader", phone=f"+22507{i:02d}8888{i:02d}", pin="1357", name=name,
                         cooperative_id=cooperative_id)
    db.conn.close()
    node = Node(instance).start()
    yield {**data, "fatou": {**fatou, "pin": STAFF_PIN}, "node": node}
    node.stop()


@pytest.fixture(scope="module")
def page(coop):
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)  # her tablet
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, coop, "fatou")
        yield page
        browser.close()


def test_every_touch_target_on_the_trainer_pages_is_48_px(page, coop):
    url, shop = coop["node"].url, coop["awa"]["shop_id"]
    small, seen = [], 0
    for path in ("/coop/", "/coop/?sort=stuck", f"/coop/members/{coop['awa']['id']}", "/coop/members/new",
                 f"/coop/members/{coop['awa']['id']}/pin", "/coop/subscriptions", f"/coop/subscriptions/{shop}/pay",
                 "/voice/studio", "/voice/studio/dyu", "/voice/translations/dyu"):
        page.goto(url + path)
        seen += 1
        small += [f"{path}: {t}" for t in page.evaluate(SMALL_TARGETS_JS)]
    report(f"TOUCH TARGETS on {seen} trainer pages: {len(small)} under 48 px")
    assert not small, "\n".join(small)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_login_cards_print_on_a4_with_every_qr_readable_and_every_number_whole(page, coop, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page.goto(coop["node"].url + "/coop/cards")
    page.emulate_media(media="print")
    try:
        boxes = page.evaluate(CARDS_JS)
        screenshot(page, "cards-print")
        pdf = tmp_path / "cards.pdf"
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert len(boxes) >= 9  # two sheets: the second page of the PDF too
    assert all(b["whole"] and b["inside"] and b["qr"] for b in boxes), [b for b in boxes if not all(b.values())]
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "sheet")], check=True)
    images = sorted(tmp_path.glob("sheet*.png"))
    assert len(images) >= 2
    read = []
    for path in images:
        with Image.open(path) as im:
            assert abs(im.width / im.height - 210 / 297) < 0.01  # A4 portrait
            read += [r.text for r in zxingcpp.read_barcodes(im) if r.format == zxingcpp.BarcodeFormat.QRCode]
    urls = page.evaluate("[...document.querySelectorAll('.card small:last-child')].map(s => s.textContent)")
    report(f"LOGIN CARDS on A4: {len(boxes)} cards on {len(images)} pages, {len(read)} QR codes read back")
    assert sorted(read) == sorted(urls)


def test_a_login_card_fits_a_phone_screen_with_its_qr_and_number_whole(page, coop):
    page.set_viewport_size({"width": 360, "height": 640})
    try:
        page.goto(f"{coop['node'].url}/coop/members/{coop['awa']['id']}/card")
        boxes = page.evaluate(CARDS_JS)
    finally:
        page.set_viewport_size({"width": 1024, "height": 768})
    assert boxes and all(all(b.values()) for b in boxes), boxes
