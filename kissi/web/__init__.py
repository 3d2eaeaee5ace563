"""The web layer: thin Flask blueprints over the domain modules."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every blueprint and the error handlers (one place, so nothing is forgotten)."""
    from . import compress, errors, health, idempotency, pwa

    errors.init_app(app)
    app.register_blueprint(health.bp)
    compress.init_app(app)  # registered before idempotency so it runs after it
    idempotency.init_app(app)
    pwa.init_app(app)
