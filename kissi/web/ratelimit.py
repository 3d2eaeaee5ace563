"""How often one account may ask for something costly: a token bucket per account, in memory.

A node is one waitress process, so the buckets live in that process (a restart forgives
everyone, which is harmless: the limit guards the node's disk and CPU, not a secret).
Declared on the route, as CTFd does::

    @rate_limited("voice_say", per_minute="VOICE_SAY_PER_MINUTE", burst="VOICE_SAY_BURST")

Over the limit the answer is 429 in the API's error shape, with ``Retry-After`` (seconds).
Anonymous requests share one bucket per client address.
"""
from __future__ import annotations

import functools
import math
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request
from flask_babel import gettext

from .errors import api_error

MAX_KEYS = 10_000  # accounts remembered per limit (least recently seen forgotten first)


class Bucket:
    """Tokens refill at ``rate`` per second up to ``burst``; each request takes one."""

    def __init__(self):
        self._seen: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str, rate: float, burst: int, now: float | None = None) -> float:
        """0 when ``key`` may go on (a token is taken), else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._seen.pop(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - at) * rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
            self._seen[key] = (tokens - 1 if not wait else tokens, now)
            while len(self._seen) > MAX_KEYS:
                self._seen.popitem(last=False)
        return wait


_buckets: dict[str, Bucket] = {}


def rate_limited(name: str, per_minute: str, burst: str):
    """Limit a view per account to the config's ``per_minute`` requests, ``burst`` at once."""
    bucket = _buckets.setdefault(name, Bucket())

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            config = current_app.config
            user = g.get("user")
            key = f"user:{user['id']}" if user else f"addr:{request.remote_addr}"
            wait = bucket.take(f"{current_app.config['DATABASE']}|{key}", float(config[per_minute]) / 60,
                               int(config[burst]))
            if wait:
                seconds = max(1, math.ceil(wait))
                response = api_error(429, "too_many_requests",
                                     gettext("Too many requests. Try again in %(seconds)s seconds",
                                             seconds=seconds))
                response.headers["Retry-After"] = str(seconds)
                return response
            return view(*args, **kwargs)
        return wrapped
    return decorator
