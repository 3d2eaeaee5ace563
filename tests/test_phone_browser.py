"""The trader's phone in a real headless Chromium at 360x640 against `kissi serve`:
Back and resubmit, the login keypad, buttons offline, the time of an offline sale,
overflow and touch targets in every language, a tile heard, login cards on A4.
"""
from __future__ import annotations

import pytest

from browser_helpers import PHONE, Node, launch
from kissi.store import db as store
from test_browser import seed

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    instance = tmp_path_factory.mktemp("node")
    data = seed(instance)
    node = Node(instance).start()
    yield {**data, "node": node, "instance": instance}
    node.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


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
