"""A phone on a market box's Wi-Fi, for real: Chromium at 360x640 reaches kissi through Caddy with
the cooperative CA, on the box's own name (mapped to loopback by Chromium's host-resolver rules).

The phone trusts the cooperative root the way an Android phone does once its owner installs it:
the root, downloaded from ``/ca``, goes into the browser profile's certificate store (NSS,
which Chromium on Linux reads for user-installed roots). No certificate check is switched off;
``--ignore-certificate-errors-spki-list`` cannot stand in for this, since Caddy sends the leaf
and the intermediate only, never the root, and the intermediate changes every week.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from types import SimpleNamespace

import pytest

from tests.browser_helpers import CHROMIUM, FLAGS, PHONE, Node, free_port, screenshot, wait_for
from tests.caddy_helpers import NAME, Caddy, needs_caddy

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
RESOLVE = f"--host-resolver-rules=MAP {NAME} 127.0.0.1"


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    """A seeded node behind Caddy (internal CA) and a phone profile that trusts the root from /ca."""
    from tests.test_browser import seed

    needs_caddy()
    if shutil.which("certutil") is None:
        pytest.skip("certutil is missing: install the Debian package libnss3-tools (./dev.sh test does)")
    folder = tmp_path_factory.mktemp("market")
    (folder / "node").mkdir()
    data = seed(folder / "node")
    node = Node(folder / "node").start()
    caddy = Caddy(folder, f"127.0.0.1:{node.port}", free_port(), free_port()).start()
    status, _, root = caddy.request("GET", "/ca", https=False)  # what the phone downloads
    assert status == 200
    (folder / "kissi-ca.crt").write_bytes(root)
    home = folder / "phone-home"
    nssdb = f"sql:{home}/.pki/nssdb"
    (home / ".pki" / "nssdb").mkdir(parents=True)
    subprocess.run(["certutil", "-d", nssdb, "-N", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-d", nssdb, "-A", "-t", "C,,", "-n", "kissi cooperative CA",
                    "-i", str(folder / "kissi-ca.crt")], check=True, capture_output=True)
    url = f"https://{NAME}:{caddy.https_port}"
    shop = {**data, "node": SimpleNamespace(url=url), "instance": folder / "node"}
    yield SimpleNamespace(node=node, caddy=caddy, home=home, url=url, shop=shop)
    caddy.stop()
    node.stop()


@pytest.fixture(scope="module")
def pw():
    with playwright_api.sync_playwright() as p:
        yield p


def test_a_phone_that_trusts_the_cooperative_root_installs_kissi_and_works_with_the_node_stopped(market, pw):
    from tests.test_browser import log_in, outbox, sales_of, sell

    shop = market.shop
    with tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=[*FLAGS, RESOLVE], headless=True,
            env={**os.environ, "HOME": str(market.home)}, **PHONE)
        try:
            page = context.pages[0]
            page.set_default_timeout(15_000)
            log_in(page, shop)
            assert page.evaluate("window.isSecureContext") and page.url.startswith(f"https://{NAME}:")
            wait_for(page, "navigator.serviceWorker.controller !== null")
            cdp = context.new_cdp_session(page)
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
            oil = shop["products"][1]
            wait_for(page, """async (path) => {  // the worker keeps the sell grid and its products
                const names = await caches.keys();
                const pages = names.find(n => n.startsWith('kissi-pages-'));
                return pages && (await (await caches.open(pages)).keys()).some(r => r.url.endsWith(path)) }""",
                     arg=f"/sell/{oil['id']}", timeout=30)
            before = sales_of(shop)

            market.node.stop()  # the box's kissi is down; Caddy still answers on the name
            try:
                page.goto(market.url + "/")
                page.locator("[data-offline-banner]").wait_for(state="visible")
                screenshot(page, "market-box-node-stopped")
                sell(page, shop, oil)
                page.locator("[data-queued]").wait_for(state="visible")
                assert outbox(page) == 1 and sales_of(shop) == before
            finally:
                market.node.start()

            page.goto(market.url + "/sell/")  # a page load sends what waits
            wait_for(page, "document.documentElement.getAttribute('data-outbox-n') === '0'")
            assert sales_of(shop)[len(before):] == [(oil["id"], 1000, oil["price"])]
        finally:
            context.close()


def test_a_phone_without_the_root_is_stopped_by_the_certificate_check(market, pw):
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, RESOLVE], headless=True)
    try:
        page = browser.new_page(**PHONE)
        with pytest.raises(playwright_api.Error, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(market.url + "/login")
    finally:
        browser.close()
