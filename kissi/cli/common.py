"""What every command module shares: the node's database and the one way a command fails.

Kept apart from :mod:`kissi.cli.main` (which registers the command modules) so that the
command modules of every part can import it without an import circle.
"""
from __future__ import annotations

import click
from flask import current_app

from ..errors import DomainError
from ..store import changes, db as store, phones


def open_db():
    """The app's database, migrated and with this node's identity in place."""
    db = phones.set_node_country(store.connect(current_app.config["DATABASE"]),
                                 current_app.config["DEFAULT_COUNTRY"])
    try:
        store.migrate(db)
    except DomainError as err:
        db.conn.close()
        fail(err)
    changes.ensure_node(db, current_app.config["ROLE"])
    return db


def fail(err: DomainError):
    """Stop the command with the domain error's code and message (exit status 1)."""
    raise click.ClickException(f"{err.code}: {err.message % err.params if err.params else err.message}")
