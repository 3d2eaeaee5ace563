"""Pieces the benchmarks share: timing a call, and logging the demo trader in over HTTP."""
from __future__ import annotations

import http.client
import statistics
import time
import urllib.parse

PHONE, PIN = "0701010101", "1010"  # the demo trader (kissi/cli/demo.py)


def timed(fn, repeat: int = 15) -> tuple[float, float]:
    """Median and worst milliseconds of ``repeat`` calls, after one warm-up call."""
    fn()  # warm the page cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def log_in(port: int, phone: str = PHONE, pin: str = PIN) -> str:
    """Log in through the real form on a loopback server; returns the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/login", urllib.parse.urlencode({"phone": phone, "pin": pin}),
                 {"Content-Type": "application/x-www-form-urlencoded",
                  "Origin": f"http://127.0.0.1:{port}"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    conn.close()
    return cookie
