"""Flask glue for the store: one connection per request and one transaction per request.

Every mutating request (POST, PUT, PATCH, DELETE) runs in one ``BEGIN IMMEDIATE``
transaction that commits only if the response is a success (< 400); a failed request
writes nothing (DESIGN.md rule 9). Domain calls inside nest as savepoints. A view that
must commit even when it answers an error (a failed login records the failure) is marked
with :func:`own_transaction` and manages its transactions itself.

Each server thread keeps its connection between requests (per app, per thread). Opening
one per request cost more than a whole page: the connect, its pragmas and the parse of the
schema took about half of a request's time, so a kept connection doubles the sales and
pages a node serves per second. It also keeps the WAL file: in WAL mode the last
connection to close checkpoints the database (with an fsync) and deletes the WAL, which
made every write request on a quiet node pay a checkpoint and re-create the WAL. A
connection that ends a request with an error, or still inside a transaction, is closed
and not reused. ``:memory:`` databases are not kept (each connection is its own database).
"""
from __future__ import annotations

import threading

import sqlite_utils
from flask import Flask, current_app, g, request

from .. import db as store

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def _thread_db(app: Flask) -> sqlite_utils.Database:
    """This thread's connection to ``app``'s database, opened on first use and kept."""
    path = str(app.config["DATABASE"])
    if path == ":memory:":
        return store.connect(path)
    kept = app.extensions["kissi_db_threads"]
    db = getattr(kept, "db", None)
    if db is None or kept.path != path:
        if db is not None:
            db.conn.close()
        db = kept.db = store.connect(path)
        kept.path = path
    return db


def _forget(app: Flask, db: sqlite_utils.Database) -> None:
    kept = app.extensions["kissi_db_threads"]
    if getattr(kept, "db", None) is db:
        kept.db = None
    db.conn.close()


def get_db():
    """The request's database handle: this thread's kept connection."""
    if "db" not in g:
        g.db = _thread_db(current_app)
    return g.db


def own_transaction(view):
    """Exempt ``view`` from the request transaction: its domain calls commit on their own."""
    view.own_transaction = True
    return view


def init_app(app: Flask) -> None:
    app.extensions["kissi_db_threads"] = threading.local()

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
    def _release(exc):
        db = g.pop("db", None)
        if db is None:
            return
        try:
            if g.pop("request_tx", False):
                store.end(db, commit=False)
        finally:
            if exc is not None or db.conn.in_transaction or str(app.config["DATABASE"]) == ":memory:":
                _forget(app, db)  # not reused: a connection left midway
