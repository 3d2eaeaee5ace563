"""The phone's figures, measured in headless Chromium against a real node.

Bytes on the wire per page (HTML+CSS gzipped, against the 14 KB budget) and the time to a
usable sell screen on an emulated slow 3G link (target <= 3 s), with DevTools' harsher
Slow 3G preset beside it. The measurements are the browser tests' own; this runs just
those and shows their figure lines.

    .venv/bin/python benchmarks/bench_pwa.py
"""
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
sys.exit(subprocess.call(
    [sys.executable, "-m", "pytest", "tests/test_browser.py", "-q", "-s", "-p", "no:cacheprovider",
     "-k", "bytes_per_page or slow_3g"], cwd=root))
