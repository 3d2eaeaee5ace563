"""Flask glue for the store: a connection kept per server thread, one transaction per request.

Every mutating request (POST, PUT, PATCH, DELETE) runs in one ``BEGIN IMMEDIATE``
transaction that commits only if the response is a success (< 400); a failed request
writes nothing (DESIGN.md rule 9). Domain calls inside nest as savepoints. A view that
must commit even when it answers an error (a failed login records the failure) is marked
with :func:`own_transaction` and manages its transactions itself.

**Why connections are kept.** Opening a connection (the file, the WAL index, the pragmas)
and closing it cost more than a whole sale, and in WAL mode the last connection to close
checkpoints the database with an fsync. So each server thread keeps its connection
(:class:`Kept`, opened with the store's :func:`kissi.store.db.connect`) from request to
request. What must not leak from one request to the next is put back at the end of each:
a transaction still open is rolled back, and a connection whose state is unknown (an
unhandled error, a failed rollback) is closed and replaced. The caches other modules hang
on the handle (``db.__dict__``) are dropped at the start of each request, as they were
with a fresh connection, except the node's clock (its next tick is a compare-and-set on
the node row, :func:`kissi.store.changes.next_hlc`) and the caches of table columns, kept
while the schema's version is unchanged. A database file replaced or deleted under a
running server (a restore, a test's fresh file) is noticed by its file identity and the
connection opened again.
"""
from __future__ import annotations

import os
import sqlite3
import threading

import sqlite_utils
from flask import Flask, current_app, g, request

from ..store import db as store, phones

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}

# Caches on the handle that describe the schema, not the data: kept while it is unchanged.
SCHEMA_CACHES = ("_kissi_columns", "_kissi_schema", "_kissi_table_order")
# Safe across requests as it is: every use checks it against the node row first.
CLOCK_CACHE = "_kissi_clock"


def _file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the database file; a file replaced at the same path has another one
    (the old inode cannot be reused while the kept connection still holds it open)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Kept(threading.local):
    """The connection this thread keeps for an app, with what it needs to know it is still good."""

    db: sqlite_utils.Database | None = None
    path: str = ""
    identity: tuple[int, int] | None = None
    schema_version: int = -1
    own: frozenset = frozenset()  # keys of db.__dict__ set at opening: the handle's own

    def checkout(self, path: str, country: str) -> sqlite_utils.Database:
        """This thread's connection to ``path``, ready for a new request."""
        if self.db is not None and (path != self.path or _file_identity(path) != self.identity):
            self.discard()
        if self.db is None:
            db = phones.set_node_country(store.connect(path), country)
            self.db, self.path, self.identity = db, path, _file_identity(path)
            self.own = frozenset(db.__dict__)
            self.schema_version = -1
        self._fresh(self.db)
        return self.db

    def _fresh(self, db: sqlite_utils.Database) -> None:
        store.end(db, commit=False)  # nothing is expected open (release() ends it): be sure
        version = db.execute("PRAGMA schema_version").fetchone()[0]
        keep = self.own | {CLOCK_CACHE}
        if version == self.schema_version:
            keep |= set(SCHEMA_CACHES)
        self.schema_version = version
        for key in [k for k in db.__dict__ if k not in keep]:
            del db.__dict__[key]

    def release(self, db: sqlite_utils.Database, failed: bool) -> None:
        """End of a request: roll back what is still open; close a connection left in doubt."""
        try:
            store.end(db, commit=False)  # the request's, or one a view began by hand and left open
        except sqlite3.Error:
            failed = True
        if failed or db is not self.db:
            self.discard(db)

    def discard(self, db: sqlite_utils.Database | None = None) -> None:
        db = db or self.db
        if db is self.db:
            self.db, self.identity = None, None
        if db is not None:
            try:
                db.conn.close()
            except sqlite3.Error:
                pass


def kept(app: Flask) -> Kept:
    """The app's per-thread connections (created with the app, see :func:`init_app`)."""
    return app.extensions["kissi_db"]


def get_db():
    """The request's database handle: this thread's kept connection, checked out on first use."""
    if "db" not in g:
        g.db = kept(current_app).checkout(current_app.config["DATABASE"], current_app.config["DEFAULT_COUNTRY"])
    return g.db


def own_transaction(view):
    """Exempt ``view`` from the request transaction: its domain calls commit on their own."""
    view.own_transaction = True
    return view


def init_app(app: Flask) -> None:
    app.extensions["kissi_db"] = Kept()

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
        g.pop("request_tx", None)
        db = g.pop("db", None)
        if db is not None:
            kept(current_app).release(db, failed=exc is not None)
