"""The phone's figures, measured in headless Chromium against a real node.

Bytes on the wire per page (HTML with its inlined CSS, gzipped, against the 14 KB budget)
and the time to a usable sell screen (first product tile drawn with its styles and
DOMContentLoaded fired; the load event, which also waits for the async scripts, beside
it), on a cold phone (no HTTP cache, no service worker) already signed in, on two links in
the same run: Chrome DevTools' Slow 3G preset (2000 ms latency, 400 kbit/s down, 400
kbit/s up) and WebPageTest's 3G Slow (400 ms, 400 kbit/s); target <= 3 s. The
measurements are the browser tests' own; this runs just those and shows their figure lines.

    .venv/bin/python benchmarks/bench_pwa.py
"""
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
sys.exit(subprocess.call(
    [sys.executable, "-m", "pytest", "tests/test_browser.py", "-q", "-s", "-p", "no:cacheprovider",
     "-k", "bytes_per_page or slow_3g"], cwd=root))
