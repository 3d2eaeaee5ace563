"""A real Caddy in front of a real kissi node: a subprocess on high loopback ports with its own
storage folder (its CA, its certificates), configured by ``kissi deploy caddy``."""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from kissi.deploy.caddy import CA_ID, caddyfile

CADDY = shutil.which("caddy")
NAME = "market.coop-adjame.test"  # a name no resolver knows: the tests map it to loopback


def needs_caddy():
    """Caddy is installed by ``./dev.sh test`` (Debian package ``caddy``)."""
    if CADDY is None:
        pytest.skip("the caddy command is missing: install the Debian package caddy (./dev.sh test does)")


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CADDY, "validate", "--adapter", "caddyfile", "--config", str(path)],
                          capture_output=True, text=True, timeout=60, env=_env(path.parent))


def _env(folder: Path) -> dict:
    return {**os.environ, "XDG_DATA_HOME": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config"),
            "HOME": str(folder)}


class Caddy:
    """Caddy with the cooperative CA for :data:`NAME`, proxying to ``upstream``."""

    def __init__(self, folder: Path, upstream: str, http_port: int, https_port: int):
        self.folder, self.http_port, self.https_port = folder, http_port, https_port
        self.storage = folder / "storage"
        self.config = folder / "Caddyfile"
        self.config.write_text(caddyfile("internal-ca", NAME, upstream, storage=str(self.storage),
                                         http_port=http_port, https_port=https_port, admin="off"))
        self.process = None

    @property
    def root(self) -> Path:
        return self.storage / "pki" / "authorities" / CA_ID / "root.crt"

    def start(self) -> Caddy:
        log = open(self.folder / "caddy.log", "ab")
        self.process = subprocess.Popen([CADDY, "run", "--adapter", "caddyfile", "--config", str(self.config)],
                                        env=_env(self.folder), stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("caddy exited: " + (self.folder / "caddy.log").read_text()[-2000:])
            if self.root.exists():
                try:
                    self.request("GET", "/ca", https=False)
                    self.request("GET", "/healthz")
                    return self
                except (OSError, ssl.SSLError):
                    pass
            time.sleep(0.2)
        raise RuntimeError("caddy did not answer within 30 s: " + (self.folder / "caddy.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def request(self, method: str, path: str, https: bool = True, trust: Path | None = None):
        """``(status, headers, body)`` of a request to :data:`NAME` on loopback; HTTPS checks the
        certificate against the cooperative root (or ``trust``) and the name."""
        if https:
            context = ssl.create_default_context(cafile=str(trust or self.root))
            conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=10, context=context)
            conn.sock = context.wrap_socket(socket.create_connection(("127.0.0.1", self.https_port), 10),
                                            server_hostname=NAME)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            conn.request(method, path, headers={"Host": NAME if self.https_port == 443 and https
                                                 else f"{NAME}:{self.https_port if https else self.http_port}"})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()
