"""The web layer: thin Flask blueprints, templates and static files over every part.

Stands on top: it may import every part (store, shop, coop, sync, voice, listen) and Flask;
nothing but the app factory imports it. It never imports the command modules (``kissi.cli``,
``<part>/cli.py``): what both need lives in the part itself.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every blueprint and the error handlers (one place, so nothing is forgotten)."""
    from . import (
        api,
        auth,
        compress,
        coop,
        day,
        debts,
        errors,
        headers,
        health,
        idempotency,
        listen,
        month,
        mypage,
        myshop,
        pages,
        plans,
        public,
        pwa,
        sell,
        stock,
        sync,
        ui,
        voice,
    )

    errors.init_app(app)
    app.register_blueprint(health.bp)
    auth.init_app(app)
    ui.init_app(app)
    for module in (pages, sell, stock, debts, day, myshop, mypage):  # the trader's pages
        app.register_blueprint(module.bp)
    compress.init_app(app)  # after-request hooks run last-registered first: compress runs last
    # the offline queue's forms, and every page form that writes (its one-time token)
    idempotency.init_pages(app, ("sell", "stock", "debts", "myshop", "coop", "plans"))
    pwa.init_app(app)
    voice.init_app(app)
    app.register_blueprint(api.bp)  # the JSON API, /api/v1
    listen.init_app(app)
    sync.init_app(app)
    app.register_blueprint(coop.bp)  # the cooperative trainer's pages, /coop
    month.init_app(app)
    app.register_blueprint(plans.bp)  # plans, for admins at the hub
    app.register_blueprint(public.bp)  # her public page and the directory: no login
    headers.init_app(app)  # content policy, caching, the session cookie's Secure flag
