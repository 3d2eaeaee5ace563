"""Row ids born where the row is born: text UUIDv7 (RFC 9562), time-ordered.

Time-ordered ids keep the B-tree indexes of append-only tables compact and let a node
sort rows by birth without a clock column. Within one process the ids are strictly
increasing, even for many ids in the same millisecond (the 12-bit ``rand_a`` field is
used as a counter, as RFC 9562 section 6.2 method 1 allows).
"""
import os
import re
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(now_ms: int | None = None) -> str:
    """A new UUIDv7 as canonical lowercase text."""
    global _last_ms, _counter
    with _lock:
        ms = int(time.time() * 1000) if now_ms is None else now_ms
        if ms <= _last_ms:
            ms = _last_ms
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        _last_ms = ms
        rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | _counter << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def is_uuid(text: object) -> bool:
    """True when ``text`` is a canonical UUID string (any version, lowercase)."""
    return isinstance(text, str) and _CANONICAL.fullmatch(text) is not None
