"""A real kissi node and a real headless Chromium for the browser tests (and a proxy that
counts the bytes between them).

The node is ``kissi serve`` (waitress) in a subprocess on loopback over a temporary
instance, so a test can stop it (the node restarts, the phone loses it) and start it
again on the same port. The browser is Debian's Chromium driven by Playwright, with
flags that keep it from calling home (the machine has no internet).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
KISSI = str(Path(sys.executable).parent / "kissi")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--autoplay-policy=no-user-gesture-required"]
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "fr-FR"}
# WebPageTest's "3G Slow" profile: 400 ms round trip, 400 kbit/s each way.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
           "uploadThroughput": 400_000 / 8}
# Chrome DevTools' "Slow 3G" preset as Chromium defines it (NetworkManager.ts): latency
# 400 ms * 5 = 2000 ms, download and upload 500 kbit/s * 0.8 = 400 kbit/s (50,000 B/s).
DEVTOOLS_SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500_000 / 8 * 0.8,
                    "uploadThroughput": 500_000 / 8 * 0.8}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """``kissi serve`` on loopback; :meth:`stop` and :meth:`start` as a node restart would."""

    def __init__(self, instance: Path, port: int | None = None):
        self.instance = instance
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Node:
        env = {**os.environ, "KISSI_INSTANCE": str(self.instance), "KISSI_SYNC_ENABLED": "false"}
        self.process = subprocess.Popen(
            [KISSI, "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--threads", "4"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kissi serve exited: {self.process.stderr.read().decode()}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("kissi serve did not answer within 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


def report(line: str) -> None:
    """A measured figure: printed (seen with ``-s``) and kept in test-artifacts/figures.txt."""
    print("\n" + line)
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "figures.txt", "a", encoding="utf-8") as out:
        out.write(time.strftime("%Y-%m-%dT%H:%M:%SZ ", time.gmtime()) + line + "\n")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), scale="css")  # 360x640: small files
    return path


class Meter:
    """Bytes on the wire per document, from CDP Network events (what the phone pays for)."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.requests: dict[str, dict] = {}
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        r = event["response"]
        self.requests[event["requestId"]] = {
            "url": r["url"], "type": event.get("type"), "mime": r.get("mimeType"),
            "encoding": {k.lower(): v for k, v in r.get("headers", {}).items()}.get("content-encoding"),
            "bytes": 0, "from_sw": r.get("fromServiceWorker", False)}

    def _finished(self, event):
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    def reset(self):
        self.requests.clear()

    def by_type(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for r in self.requests.values():
            totals[r["type"]] = totals.get(r["type"], 0) + r["bytes"]
        return totals


def wait_for(page, expression: str, arg=None, timeout: float = 15.0) -> None:
    """``page.wait_for_function`` without evaluating a string inside the page, which kissi's
    Content-Security-Policy forbids (no 'unsafe-eval'): polls ``page.evaluate`` instead,
    which goes through DevTools and is not subject to the page's policy."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except Exception as err:  # a navigation replaced the page's context: ask again
            if "context was destroyed" not in str(err) and "navigat" not in str(err):
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


class CountingProxy:
    """A TCP relay that counts the bytes of each HTTP exchange (request and answer, headers
    included). HTTP/1.1 on one connection is one exchange after another, so the bytes
    that follow a request line on a connection belong to that request."""

    def __init__(self, upstream_port: int):
        self.upstream = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.exchanges: list[dict] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> list[dict]:
        with self.lock:
            done, self.exchanges = self.exchanges, []
        return done

    def total(self) -> int:
        with self.lock:
            return sum(e["up"] + e["down"] for e in self.exchanges)

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(("127.0.0.1", self.upstream))
            current: list[dict | None] = [None]
            threading.Thread(target=self._pipe, args=(client, server, current, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, current, False), daemon=True).start()

    def _pipe(self, src, dst, current, upstream: bool) -> None:
        try:
            while chunk := src.recv(65536):
                with self.lock:
                    if upstream and chunk[:8].split(b" ")[0] in (b"GET", b"POST", b"HEAD"):
                        line = chunk.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                        current[0] = {"method": line[0], "path": line[1], "up": 0, "down": 0}
                        self.exchanges.append(current[0])
                    if current[0] is not None:
                        current[0]["up" if upstream else "down"] += len(chunk)
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def settle(proxy: CountingProxy, quiet: float = 2.0, limit: float = 120.0) -> None:
    """Wait until nothing has crossed the proxy for ``quiet`` seconds (the worker is done)."""
    last, since, start = -1, time.monotonic(), time.monotonic()
    while time.monotonic() - start < limit:
        now = proxy.total()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)
