"""A hostile "hub" for tests: a real HTTP server on loopback that speaks kissi's sync API.

It answers enroll, push and pull with its own Ed25519 key, as a real hub does, so an edge
can be enrolled with it (its fingerprint pinned), and then sends what the test asks:
pull batches of any entries, answers signed by another key, or a recorded answer
replayed to a later request. It records every request it receives.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kissi.store import hlc
from kissi.store.ids import uuid7
from kissi.sync import identity, protocol


class FakeHub:
    def __init__(self, scope_kind: str, scope_id: str, batches: list[list[dict]] = ()):
        self.key = Ed25519PrivateKey.generate()
        self.signing_key = self.key  # set to another key: answers the edge must refuse
        self.scope_kind, self.scope_id = scope_kind, scope_id
        self.batches = list(batches)  # what each pull answers, in order; then nothing
        self.requests: list[tuple[str, str, bytes]] = []
        self.pushed: list[dict] = []
        self.replay = False  # answer every pull with the first pull answer, bytes for bytes
        self.recorded = None
        self.answer_push = None  # (status, json) to answer pushes with an error
        self.extra_headers: dict[str, str] = {}  # sent with every answer (another protocol version)
        self.versions: list[str | None] = []  # the protocol version each request named
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._answer(self)

            do_POST = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def fingerprint(self) -> str:
        return identity.fingerprint(identity.public_raw(self.key))

    def _answer(self, handler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        parts = urlsplit(handler.path)
        self.requests.append((handler.command, parts.path, body))
        self.versions.append(handler.headers.get(protocol.VERSION_HEADER))
        if parts.path.endswith("/pull") and self.replay and self.recorded:
            return self._send(handler, *self.recorded)
        status, data, kind = self._respond(parts.path, body)
        headers = {"Content-Type": kind, identity.KEY_HEADER: identity.encode_key(identity.public_raw(self.key)),
                   identity.SIGNATURE_HEADER: identity.sign(
                       self.signing_key, handler.headers.get(identity.NONCE_HEADER, ""), handler.command,
                       identity.target(parts.path, parts.query), body, status, data), **self.extra_headers}
        if parts.path.endswith("/pull") and self.recorded is None:
            self.recorded = (status, headers, data)
        self._send(handler, status, headers, data)

    def _respond(self, path: str, body: bytes) -> tuple[int, bytes, str]:
        if path.endswith("/enroll"):
            asked = json.loads(body)
            return 200, json.dumps({"node_id": asked["node_id"], "token": "fake-token", "scope_kind": self.scope_kind,
                                    "scope_id": self.scope_id, "hub_node": uuid7()}).encode(), "application/json"
        if path.endswith("/push"):
            meta, entries = protocol.decode(body)
            self.pushed.extend(entries)
            if self.answer_push:
                return self.answer_push[0], json.dumps(self.answer_push[1]).encode(), "application/json"
            return 200, protocol.encode([], a=meta["to"], t=hlc.now_ms()), protocol.MEDIA_TYPE
        if path.endswith("/pull"):
            entries = self.batches.pop(0) if self.batches else []
            return 200, protocol.encode(entries, c=len(self.requests), m=False, t=hlc.now_ms()), protocol.MEDIA_TYPE
        return 404, b'{"error": {"code": "not_found", "message": "no"}}', "application/json"

    @staticmethod
    def _send(handler, status: int, headers: dict, data: bytes) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
