"""The hub's identity: an Ed25519 key pair, its fingerprint, and signed sync answers.

Why: an edge must only ever talk to the hub it was enrolled with (DESIGN.md rule 12). A
URL or a TLS certificate does not say that (a market Wi-Fi can answer for any name, and
many hubs run behind self-signed or shared certificates), so the hub holds its own key
pair in its instance folder, the enrollment code carries the key's fingerprint, and the
hub signs every answer of the sync API. Rules a later developer must know:

- the signed message is the answer's status and body bound to the request: its nonce
  (random, drawn by the edge for each request), method, target below ``/api/v1/sync``
  and the SHA-256 of its body, so a recorded answer cannot be replayed to another request;
- the edge pins the full public key at enrollment (after checking it against the
  fingerprint it was given) and refuses any answer whose signature does not verify;
- the fingerprint is the first 16 bytes of the SHA-256 of the raw public key in base32
  (26 characters, no 0/1/8/9, dashes and case ignored when typed).
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "hub_key.pem"
SIGNATURE_HEADER = "Kissi-Signature"
NONCE_HEADER = "Kissi-Nonce"
KEY_HEADER = "Kissi-Hub-Key"  # the public key, so that an enrolling edge can check it against the fingerprint
API_PREFIX = "/api/v1/sync"
NONCE_MAX = 64


def load_or_create(folder: str | Path) -> Ed25519PrivateKey:
    """The hub's private key from ``folder`` (made on first use, readable by its owner only)."""
    path = Path(folder) / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{KEY_FILE} is not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key


def public_raw(key: Ed25519PrivateKey) -> bytes:
    """The 32 bytes of the public key (what travels and what is pinned)."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def decode_key(text) -> bytes | None:
    """The raw public key from its base64 text, or None when it is not one."""
    try:
        raw = base64.b64decode(str(text), validate=True)
    except (ValueError, TypeError):
        return None
    return raw if len(raw) == 32 else None


def fingerprint(raw: bytes) -> str:
    """What the enrollment code carries: ``XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX`` (128 bits)."""
    text = base64.b32encode(hashlib.sha256(raw).digest()[:16]).decode().rstrip("=")
    return "-".join(text[i:i + 5] for i in range(0, 20, 5)) + "-" + text[20:]


def normalize_fingerprint(text: str | None) -> str:
    """A typed fingerprint without spaces, dashes or case (``""`` when nothing usable)."""
    return re.sub(r"[^A-Z2-7]", "", (text or "").upper())


def matches(raw: bytes, typed: str | None) -> bool:
    expected = normalize_fingerprint(typed)
    return len(expected) == 26 and normalize_fingerprint(fingerprint(raw)) == expected


def target(path: str, query: str = "") -> str:
    """The part of a request's target that is signed: below the sync API, with its query."""
    below = path[path.rfind(API_PREFIX) + len(API_PREFIX):] if API_PREFIX in path else path
    return below + (f"?{query}" if query else "")


def message(nonce: str, method: str, where: str, request_body: bytes | None, status: int,
            body: bytes) -> bytes:
    """The bytes the hub signs: the request it answers, then its status and body."""
    digest = hashlib.sha256(request_body or b"").hexdigest()
    head = f"kissi-sync/1\n{nonce[:NONCE_MAX]}\n{method.upper()} {where}\n{digest}\n{status}\n"
    return head.encode() + body


def sign(key: Ed25519PrivateKey, *parts) -> str:
    """The signature header's value for :func:`message` of ``parts``."""
    return base64.b64encode(key.sign(message(*parts))).decode()


def verify(raw: bytes, signature: str | None, *parts) -> bool:
    """Whether ``signature`` is the pinned key's over :func:`message` of ``parts``."""
    if not signature:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(signature, validate=True),
                                                       message(*parts))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
