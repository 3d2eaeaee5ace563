"""``Idempotency-Key`` on the page form posts, so the phone's offline queue lands once.

The offline queue (``static/app.js``) replays a form post that could not reach the node
exactly as the form would have sent it, with the key it generated when the trader
tapped. The first post with a key runs normally; its answer (status, redirect target,
small body) is stored with the key *in the same transaction* as what the view wrote, so
either both commit or neither does. A later post with the same key and the same body
gets the stored answer and writes nothing; the same key with another body is a 409.
Two identical posts racing each other are serialised by the request transaction
(``BEGIN IMMEDIATE`` is taken before the lookup). The JSON API has its own handling.
Keys are scoped to the signed-in member (``g.user``; posts of nobody signed in are left
alone) and kept for :data:`KEEP_DAYS`.
"""
from __future__ import annotations

import hashlib
import time

from flask import Flask, Response, g, request
from flask_babel import gettext

from .database import get_db
from .errors import respond

HEADER = "Idempotency-Key"
KEEP_DAYS = 30
MAX_BODY = 64 * 1024


def _scope() -> str | None:
    user = g.get("user")
    return f"user:{user['id']}" if user else None


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _applies() -> bool:
    return request.method == "POST" and not request.path.startswith("/api/") and _scope()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def before() -> Response | tuple | None:
    key = request.headers.get(HEADER, "").strip()
    if not key or not _applies():
        return None
    if len(key) > 100:
        return respond(422, "invalid_idempotency_key", gettext("This request key is too long."))
    scope, fingerprint = _scope(), _fingerprint()
    row = get_db().execute(
        "select fingerprint, status, location, body from page_idempotency where scope = ? and key = ?",
        [scope, key],
    ).fetchone()
    if row is None:
        g.idempotency = (scope, key, fingerprint)
        return None
    if row[0] != fingerprint:
        return respond(409, "idempotency_key_reused",
                       gettext("This request key was already used for another request."))
    response = Response(row[3] or "", status=row[1], mimetype="text/html")
    if row[2]:
        response.headers["Location"] = row[2]
    response.headers["Idempotent-Replayed"] = "true"
    return response


def after(response: Response) -> Response:
    """Store the answer with the key, inside the request's transaction (committed with it)."""
    pending = g.pop("idempotency", None)
    if pending is None or response.status_code >= 400:
        return response
    scope, key, fingerprint = pending
    body = None
    if not response.is_streamed and response.status_code < 300:
        data = response.get_data()
        body = data.decode("utf-8", "replace") if len(data) <= MAX_BODY else None
    db = get_db()
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - KEEP_DAYS * 86400))
    # Local table (idempotency keys mean nothing to other nodes): written directly.
    db.execute("delete from page_idempotency where at < ?", [cutoff])
    db.execute(
        "insert into page_idempotency (scope, key, fingerprint, status, location, body, at)"
        " values (?, ?, ?, ?, ?, ?, ?)",
        [scope, key, fingerprint, response.status_code, response.headers.get("Location"), body,
         _now()],
    )
    return response


def init_app(app: Flask) -> None:
    """Register after :mod:`kissi.web.database` so the lookup runs inside the transaction."""
    app.before_request(before)
    app.after_request(after)
