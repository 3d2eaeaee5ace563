"""Data on a prepaid phone: what a real Chromium session costs on the wire.

A fresh node (``kissi init``, ``kissi demo``, French prompts built offline with eSpeak NG)
is served by waitress behind a counting proxy on loopback: every byte between the browser
(its pages and its service worker) and the node passes through it, headers included, and
is put down to the request it answers. The phone says it is on a metered 3G link
(DevTools' throttling, so ``navigator.connection.effectiveType`` is ``3g``) with Data Saver
on, as a prepaid phone in a market is. Printed:

- the first sale after the first login (the login page, her number and PIN, the sell grid,
  a product, cash, the confirmation, and everything the service worker fetches meanwhile),
  budget <= 150 KB in total;
- a page view on a warm phone (home again, once the worker has what it keeps), <= 4 KB;
- the clips fetched in the background, and what the whole language would have cost;
- the machine's load average (the figures are bytes, not times, but the run is long).

    .venv/bin/python benchmarks/bench_data.py [--wifi]

``--wifi`` leaves the link unthrottled and Data Saver off (effectiveType 4g): the worker
then keeps the whole language, which the figures show.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from common import PHONE as DEMO_PHONE, PIN as DEMO_PIN  # noqa: E402

from browser_helpers import PHONE, SLOW_3G, CountingProxy, Node, launch, settle  # noqa: E402

FIRST_SALE_BUDGET = 150 * 1024
WARM_VIEW_BUDGET = 4 * 1024


def kind(path: str) -> str:
    if path.startswith("/voice/clip/") or path.startswith("/voice/say/"):
        return "clips"
    if path.endswith("/manifest.json"):
        return "clip manifest"
    if path.startswith("/static/") or path in ("/sw.js", "/manifest.webmanifest") or path.startswith("/icons/"):
        return "shell"
    return "pages and posts"


def summary(exchanges: list[dict]) -> str:
    by: dict[str, list[int]] = {}
    for e in exchanges:
        n = by.setdefault(kind(e["path"]), [0, 0])
        n[0] += e["up"] + e["down"]
        n[1] += 1
    return ", ".join(f"{k} {b / 1024:.1f} KB ({n})" for k, (b, n) in sorted(by.items()))


def prepare(instance: Path, langs: list[str]) -> None:
    env = {**os.environ, "KISSI_INSTANCE": str(instance)}
    kissi = str(Path(sys.executable).parent / "kissi")
    for args in (["init"], ["demo"], ["voice", "build", "--offline", *sum((["--lang", x] for x in langs), [])]):
        subprocess.run([kissi, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def first_sale(page, url: str) -> None:
    """As she does it: her number and PIN on the keypad, Sell, a product, cash."""
    page.goto(url + "/login")
    page.locator('input[name="phone"]').tap()
    for d in DEMO_PHONE + DEMO_PIN:
        page.locator(f'.kp[data-for="pin"] button[value="{d}"]').tap()
    page.locator('button[data-prompt="login.submit"]').tap()
    page.wait_for_url(url + "/")
    page.locator('a.tile[data-prompt="home.sell"]').tap()
    page.wait_for_url(url + "/sell/")
    page.locator("a.pick").first.tap()
    page.locator('button[value="cash"]').tap()
    page.wait_for_url("**/sell/done/**")


def measure(wifi: bool = False, langs: tuple[str, ...] = ("fr",)) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        instance = Path(tmp)
        prepare(instance, list(langs))
        node = Node(instance).start()
        proxy = CountingProxy(node.port)
        url = f"http://127.0.0.1:{proxy.port}"  # loopback: a secure context, the worker runs
        try:
            with sync_playwright() as p:
                browser = launch(p)
                context = browser.new_context(**PHONE)
                page = context.new_page()
                page.set_default_timeout(30_000)
                cdp = context.new_cdp_session(page)
                if not wifi:
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", {**SLOW_3G, "connectionType": "cellular3g"})
                    cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
                first_sale(page, url)
                settle(proxy)
                sale = proxy.reset()
                page.goto(url + "/")  # warm up the page view once (its own clips, the worker check)
                settle(proxy)
                proxy.reset()
                page.locator('a.tile[data-prompt="home.sell"]').tap()
                page.wait_for_url(url + "/sell/")
                settle(proxy)
                warm = proxy.reset()
                browser.close()
        finally:
            node.stop()
    clips = [e for e in sale if kind(e["path"]) == "clips"]
    return {"sale": sale, "warm": warm, "clips": clips,
            "sale_bytes": sum(e["up"] + e["down"] for e in sale),
            "warm_bytes": sum(e["up"] + e["down"] for e in warm)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wifi", action="store_true", help="an unthrottled link, Data Saver off")
    args = parser.parse_args()
    started = time.monotonic()
    m = measure(wifi=args.wifi)
    link = "Wi-Fi (4g, no Data Saver)" if args.wifi else "metered 3G, Data Saver on"
    print(f"link: {link}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores")
    budget = ("no budget on Wi-Fi: the grid and every prompt are kept" if args.wifi
              else f"budget {FIRST_SALE_BUDGET // 1024} KB")
    print(f"first sale after first login: {m['sale_bytes'] / 1024:.1f} KB on the wire ({budget})"
          f" in {len(m['sale'])} requests: {summary(m['sale'])}")
    print(f"clips fetched meanwhile: {len(m['clips'])}, "
          f"{sum(e['up'] + e['down'] for e in m['clips']) / 1024:.1f} KB")
    print(f"page view on a warm phone (home -> sell): {m['warm_bytes']} B (budget {WARM_VIEW_BUDGET} B) "
          f"in {len(m['warm'])} requests: " + "; ".join(f"{e['method']} {e['path']} {e['up'] + e['down']} B"
                                                     for e in m["warm"]))
    print(f"run took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
