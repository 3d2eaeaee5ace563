"""A fault-injecting HTTP/1.1 proxy on loopback, for testing sync over a bad link.

It reads each request whole, then (by a seeded random draw per request) may: cut the
connection partway through the request (the hub never sees it), forward it and cut the
answer partway (the hub committed, the client never heard), delay it (so concurrent
clients' requests overtake each other), send it twice, or later re-send an old request
(a stale replay arriving after newer ones). It can also emulate a slow link (bandwidth
and round trip). It counts every byte exchanged with the client, headers included.
"""
from __future__ import annotations

import random
import socket
import threading
import time


def _read_message(sock: socket.socket, buffer: bytearray) -> bytes | None:
    """One whole HTTP message (head + Content-Length body) from ``sock``, or None at EOF."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head_end = buffer.index(b"\r\n\r\n") + 4
    length = 0
    for line in bytes(buffer[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(buffer) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    message = bytes(buffer[:head_end + length])
    del buffer[:head_end + length]
    return message


class FaultProxy:
    def __init__(self, upstream_port: int, seed: int = 0, cut_request: float = 0.0,
                 cut_response: float = 0.0, duplicate: float = 0.0, stale_replay: float = 0.0,
                 delay: tuple[float, float] = (0.0, 0.0), bandwidth: float | None = None,
                 rtt: float = 0.0):
        self.upstream = ("127.0.0.1", upstream_port)
        self.rng = random.Random(seed)
        self.p = {"cut_request": cut_request, "cut_response": cut_response,
                  "duplicate": duplicate, "stale_replay": stale_replay}
        self.delay, self.bandwidth, self.rtt = delay, bandwidth, rtt
        self.lock = threading.Lock()
        self.bytes_up = self.bytes_down = self.requests = 0
        self.faults = {k: 0 for k in self.p}
        self.history: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        self.listener.close()

    def set(self, **probabilities) -> None:
        with self.lock:
            self.p.update(probabilities)

    def _draw(self) -> dict:
        with self.lock:
            return {k: self.rng.random() < p for k, p in self.p.items()} | {
                "delay": self.rng.uniform(*self.delay), "fraction": self.rng.random()}

    def _accept(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _wire(self, size: int, one_way: bool = True) -> None:
        """Time a message of ``size`` bytes takes on the emulated link."""
        seconds = (self.rtt / 2 if one_way else 0) + (size / self.bandwidth if self.bandwidth else 0)
        if seconds:
            time.sleep(seconds)

    def _exchange(self, request: bytes) -> bytes | None:
        with socket.create_connection(self.upstream) as up:
            up.sendall(request)
            return _read_message(up, bytearray())

    def _serve(self, conn: socket.socket) -> None:
        buffer = bytearray()
        with conn:
            while True:
                try:
                    request = _read_message(conn, buffer)
                except OSError:
                    return
                if request is None:
                    return
                fault = self._draw()
                with self.lock:
                    self.requests += 1
                    self.bytes_up += len(request)
                self._wire(len(request))
                if fault["cut_request"]:
                    self.faults["cut_request"] += 1
                    with socket.create_connection(self.upstream) as up:
                        up.sendall(request[:int(len(request) * fault["fraction"])])
                    return
                if fault["delay"]:
                    time.sleep(fault["delay"])
                response = self._exchange(request)
                if response is None:
                    return
                if fault["duplicate"]:
                    self.faults["duplicate"] += 1
                    self._exchange(request)
                if fault["stale_replay"] and self.history:
                    self.faults["stale_replay"] += 1
                    with self.lock:
                        old = self.rng.choice(self.history)
                    self._exchange(old)
                with self.lock:
                    self.history = (self.history + [request])[-20:]
                self._wire(len(response))
                if fault["cut_response"]:
                    self.faults["cut_response"] += 1
                    part = response[:int(len(response) * fault["fraction"])]
                    with self.lock:
                        self.bytes_down += len(part)
                    try:
                        conn.sendall(part)
                    except OSError:
                        pass
                    return
                with self.lock:
                    self.bytes_down += len(response)
                try:
                    conn.sendall(response)
                except OSError:
                    return
