"""The installable app shell: web app manifest, service worker and icons.

The service worker is served from the root (``/sw.js``) so its scope covers every page;
its cache names carry a version computed from the static files and the worker's own
source, so a deploy that changes any of them installs new caches and the old ones are
deleted on activate.
"""
from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from .. import __version__, icons
from ..i18n import current_language
from .ui import inline_css

bp = Blueprint("pwa", __name__)

# Pages a trader needs when the node is unreachable; cached when fetched (network first).
OFFLINE_PAGES = ("/", "/sell/", "/day/")
# Static files the shell precaches (small ones only: audio has its own cache).
PRECACHE_SUFFIXES = (".css", ".js", ".svg", ".png", ".webp", ".woff2")
PRECACHE_MAX_BYTES = 64 * 1024
# Where the voice layer publishes the clip manifest of a language; None when absent.
AUDIO_MANIFEST_ENDPOINTS = ("voice.manifest", "voice_api.manifest", "prompts.manifest")
# How long the phone's HTTP cache answers the browser's checks of /sw.js (service_worker()).
WORKER_MAX_AGE = 300
# Set by app.js to the worker's version once the worker keeps the shell (stylesheet()).
SHELL_COOKIE = "kissi_shell"


@lru_cache(maxsize=1)
def _static_files(root: str) -> tuple[tuple[str, bytes], ...]:
    folder = Path(root)
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in PRECACHE_SUFFIXES and path.stat().st_size <= PRECACHE_MAX_BYTES:
            files.append((path.relative_to(folder).as_posix(), path.read_bytes()))
    return tuple(files)


def shell_version() -> str:
    """A short hash of everything the worker caches and of the worker itself."""
    digest = hashlib.sha256(__version__.encode())
    for name, data in _static_files(current_app.static_folder):
        digest.update(name.encode() + b"\0" + data)
    source = Path(current_app.root_path, "templates", "pwa", "sw.js").read_bytes()
    digest.update(source)
    return digest.hexdigest()[:12]


def audio_manifest_url(language: str | None = None) -> str | None:
    """The URL of the clip manifest for ``language``, if the voice layer serves one."""
    language = language or current_language()
    for endpoint in AUDIO_MANIFEST_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, lang=language)
            except Exception:  # the endpoint takes other arguments: not ours to guess
                continue
    return None


def stylesheet(name: str) -> Markup:
    """A page's stylesheet: inlined (one round trip on a cold phone, kissi.web.ui.inline_css),
    or linked on a phone whose worker already keeps it, which says so with the cookie
    ``SHELL_COOKIE`` set by app.js to the worker's version: a warm page view then does not
    carry 2 KB of CSS it has (the worker answers the link from its cache, offline too)."""
    if request.cookies.get(SHELL_COOKIE) == shell_version():
        href = url_for("static", filename=name, v=shell_version())
        return Markup(f'<link rel="stylesheet" href="{escape(href)}">')
    return Markup(f"<style>{inline_css(name)}</style>")


def pwa_attrs() -> Markup:
    """Extra ``<html>`` attributes app.js reads: signed in, login and logout paths, clips."""
    # data-now: the node's clock, so the phone's queue can stamp a sale with the time of her
    # tap in the node's time (app.js keeps the offset from the last page the node served)
    attrs = {"data-login": url_for("auth.login"), "data-logout": url_for("auth.logout"),
             "data-now": str(int(time.time() * 1000)), "data-shell": shell_version()}
    if g.get("user"):
        attrs["data-user"] = ""
        manifest = audio_manifest_url()
        if manifest:
            attrs["data-audio-manifest"] = manifest
    return Markup("".join(f' {k}="{escape(v)}"' for k, v in attrs.items()))


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what Chrome needs to offer 'Add to home screen'."""
    icon = lambda size, purpose: {  # noqa: E731
        "src": url_for("pwa.icon", size=size, purpose=purpose), "sizes": f"{size}x{size}",
        "type": "image/png", "purpose": purpose}
    data = {
        "name": "kissi",
        "short_name": "kissi",
        "description": gettext("My shop: sales, stock and debts"),
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": icons.THEME,
        "icons": [icon(size, purpose) for size in icons.SIZES for purpose in ("any", "maskable")],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    response.cache_control.max_age = 3600
    return response


@bp.get("/icons/<purpose>-<int:size>.png")
def icon(purpose: str, size: int):
    if size not in icons.SIZES or purpose not in ("any", "maskable"):
        return Response(status=404)
    response = Response(icons.icon_png(size, purpose == "maskable"), mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 86400
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, with an ETag: the browser checks the worker after page views, and
    an unchanged worker costs a 304 instead of its full text on a prepaid phone. app.js
    registers it with ``updateViaCache: 'all'``, so for ``WORKER_MAX_AGE`` seconds the check
    is answered by the phone's own HTTP cache (nothing on the wire); a new deploy reaches
    phones within those minutes, never later (a stale worker would pin old caches)."""
    static = url_for("static", filename="")
    # Stylesheets too: a warm phone's pages link them instead of inlining them (stylesheet()).
    precache = [static + name for name, _ in _static_files(current_app.static_folder)]
    # Not the icons (20 KB on a prepaid phone for pictures no offline page shows): the
    # browser fetches the one it installs with.
    precache += [url_for("pwa.manifest")]
    body = render_template("pwa/sw.js", version=shell_version(), precache=precache,
                           pages=list(current_app.config.get("PWA_OFFLINE_PAGES", OFFLINE_PAGES)),
                           static=static)
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.max_age = WORKER_MAX_AGE
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    return response.make_conditional(request)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(pwa_attrs=pwa_attrs, stylesheet=stylesheet)
