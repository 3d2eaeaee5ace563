"""``GET /healthz``: is this node up; to staff, also its role, version, database and parts.

Anonymous callers (and traders) learn only ``status``: the rest (version, queue sizes,
which parts are installed) helps an attacker more than a monitor, which needs only to
know the node answers. Trainers and admins logged in see everything.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify

from .. import __version__
from ..store import db as store
from .database import get_db

bp = Blueprint("health", __name__)

# Other parts (voice prompts, voice input, sync) add a callable here that returns a dict.
STATUS_PARTS: dict = {}
STAFF = ("trainer", "admin")


@bp.get("/healthz")
def healthz():
    db = get_db()
    pending = store.pending_migrations(db)
    status = "ok" if not pending else "degraded"
    if not g.get("user") or g.user["role"] not in STAFF:
        return jsonify(status=status)
    parts = {name: part(current_app) for name, part in STATUS_PARTS.items()}
    return jsonify(
        status=status,
        role=current_app.config["ROLE"],
        version=__version__,
        database={"ok": not pending, "pending_migrations": pending,
                  "journal_mode": db.execute("pragma journal_mode").fetchone()[0]},
        **parts,
    )
