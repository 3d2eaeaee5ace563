"""The web layer: thin Flask blueprints over the domain modules."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every blueprint and the error handlers (one place, so nothing is forgotten)."""
    from . import auth, day, debts, errors, health, myshop, pages, sell, stock, ui

    errors.init_app(app)
    app.register_blueprint(health.bp)
    auth.init_app(app)
    ui.init_app(app)
    for module in (pages, sell, stock, debts, day, myshop):  # the trader's pages
        app.register_blueprint(module.bp)
    from . import voice

    voice.init_app(app)
    from . import listen

    listen.init_app(app)
    from . import sync

    sync.init_app(app)
    from . import coop

    app.register_blueprint(coop.bp)
