"""The trader's pages fit a 360 px phone (issue 11, defect 11), in a real headless Chromium
at 360x640 against `kissi serve`: every trader page, in every language, in both text sizes,
has no horizontal overflow (the document no wider than the screen), no element drawn past
either edge (Arabic prices clipped at the left), and no text cut inside its own box (dates).
"""
from __future__ import annotations

import os

import pytest

from browser_helpers import PHONE, Node, report, screenshot
from kissi import languages
from kissi.store import db as store
from test_browser import log_in, seed

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

# What overflows on the page shown: the document's width, elements past either edge of the
# screen, and elements whose text is wider than their own box while it hides the rest.
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, out = [];
  const name = el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
    + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  if (document.documentElement.scrollWidth > W) out.push('document ' + document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll('body *')) {
    if (!el.checkVisibility() || el.closest('[hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < -0.5 || r.right > W + 0.5)
      out.push(name(el) + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
    const s = getComputedStyle(el);
    if (s.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'INPUT')
      out.push(name(el) + ' cut ' + el.scrollWidth + '>' + el.clientWidth);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("node")
    data = seed(instance)
    db = store.connect(instance / "kissi.sqlite3")
    sale = db.execute("select id from sales where shop_id = ? order by id desc limit 1",
                      [data["awa"]["shop_id"]]).fetchone()[0]
    customer = db.execute("select id from customers limit 1").fetchone()[0]
    db.conn.close()
    node = Node(instance).start()
    yield {**data, "node": node, "sale": sale, "customer": customer}
    node.stop()


def trader_pages(shop) -> list[str]:
    """Every trader page template (KISSI_LAYOUT_ALL=1: every variant of each as well)."""
    p, c, s = shop["products"][0]["id"], shop["customer"], shop["sale"]
    pages = ["/", "/sell/", f"/sell/{p}?customer={c}", f"/sell/done/{s}", f"/sell/void/{s}",
             "/stock/", f"/stock/{p}", f"/stock/{p}/restock", "/debts/", "/debts/new", f"/debts/{c}",
             f"/debts/{c}/repay", "/day/", "/day/30", "/month/", "/shop/", "/shop/new", f"/shop/{p}", "/help",
             "/language"]
    if os.environ.get("KISSI_LAYOUT_ALL"):
        pages += [f"/sell/{p}", f"/stock/{p}/loss", f"/stock/{p}/count"]
    return pages


def test_no_trader_page_overflows_a_360_px_screen_in_any_language_or_text_size(browser, shop):
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, shop)
    url, found, checked = shop["node"].url, [], 0
    for code in languages.LANGUAGES:
        page.request.post(url + "/language", form={"language": code}, headers={"Origin": url})
        for big in (False, True):
            if page.evaluate("document.documentElement.classList.contains('big')") != big:
                page.request.post(url + "/textsize", headers={"Origin": url})
            for path in trader_pages(shop):
                page.goto(url + path, wait_until="domcontentloaded")
                assert page.evaluate("document.documentElement.lang") == code
                assert page.evaluate("document.documentElement.classList.contains('big')") == big
                checked += 1
                problems = page.evaluate(OVERFLOW_JS)
                if problems:
                    where = f"{code}-{'big' if big else 'normal'}-{path.strip('/').replace('/', '_')[:40]}"
                    screenshot(page, f"overflow-{where}")
                    found.append(f"{where}: {problems[:4]}")
    context.close()
    report(f"OVERFLOW checked {checked} page views (7 languages x 2 text sizes): {len(found)} overflowing")
    assert not found, "\n".join(found)
