"""Resident memory of the idle service (target <= 80 MB), against a bare waitress server.

``kissi serve`` runs as its own process over a temporary instance with the demo data; once
``/healthz`` answers, the demo trader signs in and a few pages are fetched once, then the
server is left idle 2 s and its VmRSS is read from ``/proc/<pid>/status``. Measured twice:
on the node's first start (its background eSpeak NG build of the voice clips runs in a
child process of the server; the figure is taken after that build has finished; the peak,
VmHWM, includes the ~32 MB scrypt of the PIN check at login) and after a restart on the
same instance (clips already there: the steady state). The baseline, in the same run, is a
bare ``python`` that imports flask and waitress and serves a trivial WSGI app, measured
the same way.

    .venv/bin/python benchmarks/bench_memory.py
"""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import log_in

TRAINER_PHONE, TRAINER_PIN = "0703030303", "3030"  # the demo trainer (kissi/cli/demo.py)

KISSI = str(Path(sys.executable).parent / "kissi")
PAGES = ("/", "/sell/", "/day/", "/stock/", "/debts/", "/manifest.webmanifest", "/sw.js")
TARGET_MB = 80
BASELINE = """
import sys, flask, waitress
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) in kB, and the thread count."""
    text = Path(f"/proc/{pid}/status").read_text()
    return {k: int(re.search(rf"^{k}:\s+(\d+)", text, re.M).group(1)) for k in ("VmRSS", "VmHWM", "Threads")}


def get(port: int, path: str, cookie: str = "", encoding: str = "gzip") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Accept-Encoding": encoding})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def wait_answering(port: int, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            get(port, path)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not answer within 60 s")


_staff: dict = {}


def espeak_clips(port: int) -> int:
    """Clips built so far, from /healthz as the demo trainer sees it (staff see the details)."""
    if port not in _staff:
        _staff[port] = log_in(port, TRAINER_PHONE, TRAINER_PIN)
    languages = json.loads(get(port, "/healthz", _staff[port], encoding="identity")[1])["voice"]["languages"]
    return sum(v.get("espeak", 0) for v in languages.values())


def wait_build_done(port: int, still: float = 3.0, limit: float = 300.0) -> float:
    """Until the clip count stops growing for ``still`` seconds (the build has finished)."""
    start = time.monotonic()
    last, since = espeak_clips(port), time.monotonic()
    while time.monotonic() - since < still and time.monotonic() - start < limit:
        time.sleep(0.5)
        now = espeak_clips(port)
        if now != last:
            last, since = now, time.monotonic()
    return time.monotonic() - start


def measure_kissi(env: dict, wait_build: bool) -> dict:
    port = free_port()
    process = subprocess.Popen([KISSI, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_answering(port, "/healthz", process)
        cookie = log_in(port)
        for path in PAGES:
            code, _ = get(port, path, cookie)
            assert code == 200, (path, code)
        built = wait_build_done(port) if wait_build else 0.0
        time.sleep(2)
        return {**status(process.pid), "build_s": built, "clips": espeak_clips(port)}
    finally:
        process.terminate()
        process.wait(10)


def measure_baseline() -> dict:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", BASELINE, str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_answering(port, "/", process)
        for _ in PAGES:
            get(port, "/")
        time.sleep(2)
        return status(process.pid)
    finally:
        process.terminate()
        process.wait(10)


def mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "KISSI_INSTANCE": folder}
        for command in (["init"], ["demo"]):
            subprocess.run([KISSI, *command], env=env, check=True, stdout=subprocess.DEVNULL)
        first = measure_kissi(env, wait_build=True)
        again = measure_kissi(env, wait_build=False)
    base = measure_baseline()
    print(f"bare waitress + flask (trivial WSGI app): VmRSS {mb(base['VmRSS'])}, {base['Threads']} threads")
    print(f"kissi serve, first start (eSpeak NG build of {first['clips']} clips in a child process, "
          f"done in {first['build_s']:.0f} s): VmRSS {mb(first['VmRSS'])} (peak {mb(first['VmHWM'])}), "
          f"{first['Threads']} threads; ratio {first['VmRSS'] / base['VmRSS']:.2f}")
    print(f"kissi serve, restarted (clips already built), idle: VmRSS {mb(again['VmRSS'])} "
          f"(peak {mb(again['VmHWM'])}), {again['Threads']} threads; "
          f"ratio {again['VmRSS'] / base['VmRSS']:.2f}")
    worst = max(first["VmRSS"], again["VmRSS"]) / 1024
    print(f"target <= {TARGET_MB} MB: {'met' if worst <= TARGET_MB else 'MISSED'} (worst {worst:.1f} MB)")


if __name__ == "__main__":
    main()
