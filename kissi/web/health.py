"""``GET /healthz``: is this node up, what role, which database state, which voice parts."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .. import __version__
from ..store import db as store
from .database import get_db

bp = Blueprint("health", __name__)

# Other parts (voice prompts, voice input, sync) add a callable here that returns a dict.
STATUS_PARTS: dict = {}


@bp.get("/healthz")
def healthz():
    db = get_db()
    pending = store.pending_migrations(db)
    parts = {name: part(current_app) for name, part in STATUS_PARTS.items()}
    return jsonify(
        status="ok" if not pending else "degraded",
        role=current_app.config["ROLE"],
        version=__version__,
        database={"ok": not pending, "pending_migrations": pending,
                  "journal_mode": db.execute("pragma journal_mode").fetchone()[0]},
        **parts,
    )
