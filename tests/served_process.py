"""`kissi serve` as a real process on loopback: start it, wait until it answers, kill it -9."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

KISSI = str(Path(sys.executable).with_name("kissi"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """One node's ``kissi serve`` on a fixed port (so peers keep its address across restarts)."""

    def __init__(self, instance: Path, role: str = "edge", host: str = "127.0.0.1", **env):
        self.instance, self.port, self.host = Path(instance), free_port(), host
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KISSI_INSTANCE": str(self.instance), "KISSI_ROLE": role,
                    "KISSI_VOICE_BUILD_ON_SERVE": "false", **{f"KISSI_{k}": str(v) for k, v in env.items()}}
        self.process = None
        self.log = self.instance / "serve.log"

    def start(self, timeout: float = 30) -> Served:
        self.instance.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [KISSI, "serve", "--host", self.host, "--port", str(self.port), "--threads", "4"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"kissi serve did not answer: {self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no handler runs, no connection is closed cleanly."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def login(self, phone: str, pin: str) -> str:
        """The session cookie of a member logged in through the real form."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", "/login", f"phone={phone}&pin={pin}",
                         {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
            response = conn.getresponse()
            response.read()
            assert response.status == 302, response.status
            return response.getheader("Set-Cookie").split(";")[0]
        finally:
            conn.close()


def post_json(conn: http.client.HTTPConnection, path: str, body: dict, cookie: str, key: str) -> int:
    """POST JSON with an Idempotency-Key; the status (raises OSError/HTTPException if cut)."""
    conn.request("POST", path, json.dumps(body), {
        "Content-Type": "application/json", "Cookie": cookie, "Sec-Fetch-Site": "same-origin",
        "Idempotency-Key": key})
    response = conn.getresponse()
    response.read()
    return response.status
