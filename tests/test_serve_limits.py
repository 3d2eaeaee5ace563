"""`kissi serve` refuses bodies larger than kissi accepts before buffering them (a real waitress)."""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from browser_helpers import Node
from kissi import create_app
from kissi.cli.main import server_limits
from kissi.sync import protocol

MB = 1024 * 1024


def _spooled_bytes(pid: int, folder: Path) -> int:
    """Bytes in the temporary files the server process holds open under ``folder``."""
    total = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith(str(folder)):
                total += os.stat(fd).st_size
        except OSError:
            continue
    return total


@pytest.fixture
def node(tmp_path, monkeypatch):
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))  # where waitress spools bodies (tempfile)
    node = Node(tmp_path / "instance").start()
    yield node, spool
    node.stop()


def test_body_limit_is_what_kissi_itself_accepts(tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "i"))
    limits = server_limits(app)
    assert limits["max_request_body_size"] == max(app.config["MAX_CONTENT_LENGTH"], protocol.MAX_BODY)
    assert limits["max_request_body_size"] <= 2 * MB
    assert limits["max_request_header_size"] <= 64 * 1024


@pytest.mark.slow
def test_a_50_mb_post_is_refused_from_its_headers_and_spools_nothing(node):
    node, spool = node
    body_size = 50 * MB
    started = time.monotonic()
    sent, spooled, answer = 0, 0, b""
    with socket.create_connection(("127.0.0.1", node.port), timeout=10) as s:
        s.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Length: %d\r\n\r\n" % body_size)
        chunk = b"\0" * (256 * 1024)
        try:
            while sent < body_size:
                s.sendall(chunk)
                sent += len(chunk)
                if sent % (8 * MB) == 0:
                    spooled = max(spooled, _spooled_bytes(node.process.pid, spool))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what we want
        s.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer and (part := s.recv(4096)):
                answer += part
        except ConnectionResetError:
            pass
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert spooled < 2 * MB, f"the server spooled {spooled} bytes of a body it refuses"
    assert elapsed < 10
    assert sum(f.stat().st_size for f in spool.rglob("*") if f.is_file()) < 2 * MB


def test_a_body_kissi_accepts_still_passes_through_waitress(node):
    import requests

    node, _ = node
    answer = requests.post(node.url + "/login", data={"phone": "0700000000", "pin": "1234", "pad": "x" * MB},
                           headers={"Origin": node.url}, timeout=10)
    assert answer.status_code in (200, 401, 429)  # the login form answered, not the server's 413
