"""``Idempotency-Key``: a mutating API call retried over a flaky link is applied once.

The first response (a success: failures write nothing and may be retried) is stored with
the key, the user, the method, the path and a hash of the body, in the same transaction
as what the call wrote. The same key again with the same request replays the stored
response (``Idempotent-Replayed: true``) and writes nothing; the same key with another
request is refused (422 ``idempotency_key_reused``). The lookup runs inside the request's
``BEGIN IMMEDIATE`` transaction, so two concurrent retries are serialized and the second
sees the first's stored answer. Keys live in the local ``idempotency_keys`` table (a
retry goes to the node that answered) and are forgotten after :data:`KEEP_DAYS`.

The trader's page forms (sell, stock, debts) honour the key too: the phone's offline
queue (``static/app.js``) replays a form post exactly as the form sent it, with the key
made at her tap. A page post's success is a redirect, stored as its ``location`` and
replayed as the same redirect; errors answer as a page (see :func:`respond`).

Without JavaScript there is no header, so every form that writes carries a one-time token
instead: a hidden field :data:`FIELD` (the ``once()`` macro of ``_ui.html``) made when the
page is drawn and carried from step to step of the same form. Back then "send again" posts
the same token, which is recognised, and the first answer (the same sale's confirmation)
comes back. A page post is compared by its parsed fields (and files' contents), not its
raw body: a browser sending a multipart form again picks a new boundary.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, g, request
from flask_babel import gettext

from ..store import changes
from .database import MUTATING, get_db
from .errors import respond

HEADER = "Idempotency-Key"
TAPPED = "Kissi-Tapped-At"  # when she tapped, in the node's time (the phone's queue)
SKEW = 5  # seconds: a tap time further in the future than this is not believed
KEEP_DAYS = 7
MAX_KEY = 200
FIELD = "once"  # the page forms' one-time token


def form_token() -> str:
    """The token of the form being drawn: the one this post carried (a next step of the same
    form), else a new one."""
    posted = request.form.get(FIELD, "") if request.method == "POST" else ""
    return posted if 0 < len(posted) <= MAX_KEY else uuid.uuid4().hex


def tapped_at() -> str | None:
    """When a queued post was made, in the node's time, or None (record it as now).

    The phone's queue sends the time of her tap, already corrected by the offset between
    its clock and the node's, with the post's ``Idempotency-Key``. It is believed only
    within bounds: not in the future, not older than a queued post can live (the key's
    :data:`KEEP_DAYS`); else the node's own time is used (rule 12: trust no peer)."""
    raw = request.headers.get(TAPPED)
    if raw is None or request.headers.get(HEADER) is None or len(raw) > 40:
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    now = datetime.now(UTC)
    if not now - timedelta(days=KEEP_DAYS) <= when <= now + timedelta(seconds=SKEW):
        return None
    when = min(when.astimezone(UTC), now)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _request_hash(pages: bool = False) -> str:
    digest = hashlib.sha256()
    body = [request.get_data(cache=True)] if not pages else [
        *(f"{k}={v}" for k, v in sorted(request.form.items(multi=True))),
        *(f"{k}:{f.filename}:{hashlib.sha256(f.read()).hexdigest()}"
          for k, f in sorted(request.files.items(multi=True)))]
    for f in request.files.values():
        f.seek(0)
    for part in (request.method, request.path, request.query_string, *body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _lookup(pages: bool = False):
    if request.method not in MUTATING or g.get("user") is None:
        return None
    key = request.headers.get(HEADER)
    if key is None and pages:
        key = request.form.get(FIELD) or None
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY:
        return respond(400, "bad_idempotency_key", gettext("The Idempotency-Key header is not valid"),
                       HEADER)
    found = get_db().execute(
        "select method, path, body_hash, status, response, location from idempotency_keys"
        " where user_id = ? and key = ?", [g.user["id"], key]).fetchone()
    if found is None:
        g.idempotency = (key, _request_hash(pages))
        return None
    method, path, body_hash, status, body, location = found
    if (method, path, body_hash) != (request.method, request.path, _request_hash(pages)):
        if pages:  # a page the phone showed again (Back) and sent with other values
            return respond(422, "form_already_sent",
                           gettext("This form was already sent. Open the page again to start a new one."), FIELD)
        return respond(422, "idempotency_key_reused",
                       gettext("This Idempotency-Key was already used for another request"), HEADER)
    response = Response(body, status=status,
                        mimetype="text/html" if location else "application/json")
    if location:
        response.headers["Location"] = location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(response):
    pending = g.pop("idempotency", None)
    location = response.headers.get("Location") if 300 <= response.status_code < 400 else None
    if pending is None or response.status_code >= 400 or not (
            response.mimetype == "application/json" or location):
        return response
    key, body_hash = pending
    db = get_db()
    now = changes.utc_now()
    cutoff = (datetime.now(UTC) - timedelta(days=KEEP_DAYS)).strftime("%Y-%m-%dT%H:%M:%S")
    db.execute("delete from idempotency_keys where created_at < ?", [cutoff])
    db.execute(
        "insert into idempotency_keys (user_id, key, method, path, body_hash, status, response,"
        " location, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [g.user["id"], key, request.method, request.path, body_hash, response.status_code,
         "" if location else response.get_data(as_text=True), location, now])
    return response


def init_blueprint(bp: Blueprint) -> None:
    """Honour ``Idempotency-Key`` on every mutating route of ``bp``."""
    bp.before_request(_lookup)
    bp.after_request(_store)


def init_pages(app, blueprints: tuple[str, ...]) -> None:
    """Honour ``Idempotency-Key`` on the page forms of ``blueprints`` (the offline queue's).

    Registered on the app after the auth hooks (``g.user``) and after :mod:`.compress`, so
    the answer is stored before it is gzipped and before the request transaction commits.
    """
    names = set(blueprints)
    app.before_request(lambda: _lookup(pages=True) if request.blueprint in names else None)
    app.after_request(lambda response: _store(response) if request.blueprint in names else response)
