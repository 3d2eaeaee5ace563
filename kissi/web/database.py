"""Flask glue for the store: one connection per request and one transaction per request.

Every mutating request (POST, PUT, PATCH, DELETE) runs in one ``BEGIN IMMEDIATE``
transaction that commits only if the response is a success (< 400); a failed request
writes nothing (DESIGN.md rule 9). Domain calls inside nest as savepoints. A view that
must commit even when it answers an error (a failed login records the failure) is marked
with :func:`own_transaction` and manages its transactions itself.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request

from ..store import db as store, phones

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def get_db():
    """The request's database handle, opened on first use."""
    if "db" not in g:
        g.db = phones.set_node_country(store.connect(current_app.config["DATABASE"]),
                                       current_app.config["DEFAULT_COUNTRY"])
    return g.db


def own_transaction(view):
    """Exempt ``view`` from the request transaction: its domain calls commit on their own."""
    view.own_transaction = True
    return view


def init_app(app: Flask) -> None:
    @app.before_request
    def _begin():
        view = current_app.view_functions.get(request.endpoint)
        if request.method in MUTATING and not getattr(view, "own_transaction", False):
            store.begin(get_db())
            g.request_tx = True

    @app.after_request
    def _finish(response):
        if g.pop("request_tx", False):
            store.end(get_db(), commit=response.status_code < 400)
        return response

    @app.teardown_request
    def _close(exc):
        db = g.pop("db", None)
        if db is not None:
            if g.pop("request_tx", False):
                store.end(db, commit=False)
            db.conn.close()
