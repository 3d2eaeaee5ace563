"""What every answer says about itself: content policy, framing, sniffing, referrer, caching.

Rules a later developer must know:

- **No inline script.** The Content-Security-Policy allows scripts from this origin only;
  an ``onclick=`` or a ``<script>`` block in a template is refused by the browser. Put the
  behaviour in a static script (a ``data-`` attribute and a listener).
- **Inline styles by hash.** Pages inline their stylesheets (:func:`kissi.web.ui.inline_css`);
  the policy lists the SHA-256 of every static ``.css`` file and of every literal
  ``<style>`` block in the templates, so a ``<style>`` an attacker injects is not applied.
  ``style=""`` attributes (the day's bars) stay allowed: they cannot run code.
- **Not stored unless said.** An answer whose view set no ``Cache-Control`` is
  ``no-store``: pages and API answers carry her sales, debts and customers, and a shared
  phone or a proxy must not keep them. Static files, clips, icons and the service worker
  set their own. The trader's pages the phone may keep for offline use say so with
  ``X-Kissi-Offline: keep`` (the service worker keeps only those; ``no-store`` speaks to the
  browser's HTTP cache, not to the worker's own storage, which is emptied at logout).
- **Behind a proxy.** ``X-Forwarded-*`` headers are honoured only when ``TRUSTED_PROXIES``
  (``KISSI_TRUSTED_PROXIES``) says how many proxies stand in front (Caddy: 1); the session
  cookie is ``Secure`` whenever the request came over HTTPS (or ``SESSION_COOKIE_SECURE``).
"""
from __future__ import annotations

import base64
import hashlib
import re
import time
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# Answers that never carry the session cookie (static files, clips, spoken sentences, the
# service worker, manifests and icons): the page fetches them in parallel with its posts,
# and an answer that came back late with the cookie it was sent with would undo a newer one.
COOKIELESS_ENDPOINTS = frozenset({"static", "voice.clip", "voice.manifest", "voice.say", "pwa.service_worker",
                                  "pwa.manifest", "pwa.icon"})
# A permanent session's cookie is signed again at most this often (should_set_cookie).
COOKIE_REFRESH_SECONDS = 24 * 3600
# The trader's pages that the service worker may keep for offline use (kissi.web.pwa).
OFFLINE_BLUEPRINTS = ("pages", "sell", "stock", "debts", "day", "myshop", "month")
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)

POLICY = ("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
          "form-action 'self'; frame-ancestors 'none'; img-src 'self' data: blob:; media-src 'self' blob:; "
          "connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
          # style-src is for browsers without the two finer directives (Chrome < 75).
          "style-src 'self' 'unsafe-inline'; style-src-attr 'unsafe-inline'; style-src-elem 'self' {styles}")


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@lru_cache(maxsize=4)
def _style_hashes(static: str, templates: str, _stamp: tuple) -> str:
    found = {_sha(p.read_text(encoding="utf-8").strip()) for p in sorted(Path(static).glob("*.css"))}
    for path in sorted(Path(templates).rglob("*.html")):
        found |= {_sha(block) for block in _STYLE_BLOCK.findall(path.read_text(encoding="utf-8"))
                  if "{{" not in block and "{%" not in block}  # literal blocks only
    return " ".join(sorted(found))


def content_security_policy() -> str:
    """The policy, with the hashes of the styles kissi itself inlines (re-read when they change)."""
    static = Path(current_app.static_folder)
    stamp = tuple(p.stat().st_mtime_ns for p in sorted(static.glob("*.css")))
    templates = Path(current_app.root_path, "templates")
    return POLICY.format(styles=_style_hashes(str(static), str(templates), stamp))


def add_headers(response):
    """Every answer: the content policy and its companions; personal answers: not stored.
    Not a 304: the browser keeps the headers of the answer it revalidated, and on a warm
    phone most answers are 304s (the worker's check, the clip manifest): 600 bytes each."""
    headers = response.headers
    if response.status_code == 304:
        return response
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors, for older browsers
    headers.setdefault("Referrer-Policy", "same-origin")  # the CSRF check reads Referer on old phones
    if "Cache-Control" not in headers and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
                and request.blueprint in OFFLINE_BLUEPRINTS):
            headers["X-Kissi-Offline"] = "keep"
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, ``Secure`` whenever the request came over HTTPS, and
    never set by the answers listed in :data:`COOKIELESS_ENDPOINTS` (Flask would otherwise
    refresh a permanent session's cookie on every answer)."""

    def open_session(self, app: Flask, request):
        """Flask's, remembering when the cookie was signed (its itsdangerous timestamp)."""
        session = super().open_session(app, request)
        value = request.cookies.get(self.get_cookie_name(app))
        if session is not None and value:
            try:
                _, session.signed_at = self.get_signing_serializer(app).loads(value, return_timestamp=True)
            except Exception:  # unreadable: Flask already gave a fresh session
                pass
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        """Changed, or a permanent session whose cookie is a day old: Flask would refresh it
        on every answer, 300 bytes of every page view on a prepaid phone. Refreshed once a
        day it still outlives 30 idle days (the server-side session decides)."""
        if session.modified or not session.permanent:
            return session.modified
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or (time.time() - signed_at.timestamp()) > COOKIE_REFRESH_SECONDS

    def save_session(self, app: Flask, session, response) -> None:
        if request.endpoint in COOKIELESS_ENDPOINTS:
            return  # neither refreshed nor deleted: the cookie is the pages' business
        super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Register after the compressor: after-request hooks run last-registered first, so the
    headers are set on the answer before it is compressed (the order does not matter to them)."""
    app.session_interface = SessionInterface()
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(add_headers)
