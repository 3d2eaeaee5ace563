"""The web layer: thin Flask blueprints over the domain modules."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every blueprint and the error handlers (one place, so nothing is forgotten)."""
    from . import errors, health, idempotency, pwa

    errors.init_app(app)
    app.register_blueprint(health.bp)
    idempotency.init_app(app)
    pwa.init_app(app)
