"""The SQLite store: connection settings, transactions and versioned migrations.

One file, WAL journal (readers never block the writer, safe online backups), foreign
keys on, a busy timeout so concurrent requests queue instead of failing. Connections are
opened in autocommit mode and every write happens inside :func:`transaction`, which
starts ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two writers never
deadlock on lock upgrade) or a SAVEPOINT when a transaction is already open: domain
functions are atomic on their own and compose into one transaction per web request.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import sqlite_utils

from ..errors import Conflict

BUSY_TIMEOUT_MS = 10_000


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` with kissi's settings."""
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


_depth_key = "_kissi_tx_depth"


@contextmanager
def transaction(db: sqlite_utils.Database):
    """Run the block in one transaction; nested blocks become savepoints.

    On an exception everything the block wrote is rolled back and the exception goes on.
    """
    conn = db.conn
    depth = getattr(db, _depth_key, 0)
    if depth == 0 and conn.in_transaction:
        raise RuntimeError("a transaction was opened outside kissi.store.db.transaction")
    name = f"sp{depth}"
    if depth == 0:
        conn.execute("BEGIN IMMEDIATE")
    else:
        conn.execute(f"SAVEPOINT {name}")
    setattr(db, _depth_key, depth + 1)
    try:
        yield db
    except BaseException:
        if depth == 0:
            conn.execute("ROLLBACK")
        else:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    else:
        if depth == 0:
            conn.execute("COMMIT")
        else:
            conn.execute(f"RELEASE {name}")
    finally:
        setattr(db, _depth_key, depth)


def in_transaction(db: sqlite_utils.Database) -> bool:
    return getattr(db, _depth_key, 0) > 0


def begin(db: sqlite_utils.Database) -> None:
    """Open the outermost transaction by hand (the web layer's one-per-request transaction)."""
    db.conn.execute("BEGIN IMMEDIATE")
    setattr(db, _depth_key, 1)


def end(db: sqlite_utils.Database, commit: bool) -> None:
    """Close a transaction opened with :func:`begin`, committing or rolling back."""
    if db.conn.in_transaction:
        db.conn.execute("COMMIT" if commit else "ROLLBACK")
    setattr(db, _depth_key, 0)


# -- migrations -----------------------------------------------------------------------

def _migration_files() -> list[tuple[str, resources.abc.Traversable]]:
    """``(name, file)`` of each migration: SQL scripts, and Python files (a ``migrate(db)``
    function) for the changes SQL cannot express, such as normalising phone numbers."""
    folder = resources.files("kissi.store") / "migrations"
    files = sorted(p for p in folder.iterdir() if p.name.endswith((".sql", ".py")))
    return [(p.name.rsplit(".", 1)[0], p) for p in files]


def migration_names() -> list[str]:
    """Every migration this version of kissi has, oldest first: the schema versions."""
    return [name for name, _ in _migration_files()]


def _run(db: sqlite_utils.Database, name: str, path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name.endswith(".py"):
        namespace: dict = {"__name__": f"kissi.store.migrations.{name}"}
        exec(compile(text, path.name, "exec"), namespace)  # our own packaged file
        namespace["migrate"](db)
        return
    for statement in _statements(text):
        db.execute(statement)


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    if "_migrations" not in db.table_names():
        return []
    return [r["name"] for r in db.query("select name from _migrations order by name")]


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    done = set(applied_migrations(db))
    return [name for name, _ in _migration_files() if name not in done]


def unknown_migrations(db: sqlite_utils.Database) -> list[str]:
    """Migrations recorded in the database that this version of kissi does not have: the file
    was made (or last opened) by a newer kissi."""
    known = set(migration_names())
    return [name for name in applied_migrations(db) if name not in known]


def schema_too_new(names: list[str]) -> Conflict:
    """The error for a database that has migrations this kissi does not know; nothing was changed."""
    return Conflict("schema_too_new", "This database was made by a newer kissi (it has %(names)s, which this "
                    "version does not know): install that version, or use a backup made by this one",
                    "database", names=", ".join(names))


def migrate(db: sqlite_utils.Database, upto: str | None = None) -> list[str]:
    """Apply every migration not yet recorded in the database, each in its own transaction.

    Migrations are ``kissi/store/migrations/NNNN_name.sql`` (or ``.py``, with a
    ``migrate(db)`` function) files applied in name order and recorded in ``_migrations``;
    returns the names applied now. ``upto`` stops after that migration (tests build the
    databases of earlier versions with it). A database that has migrations this version
    does not know is refused (:func:`schema_too_new`) before anything is applied: an
    older kissi writing into a newer schema could lose what the newer one keeps.
    """
    db.execute(
        "create table if not exists _migrations (name text primary key, applied_at text not null)"
    )
    newer = unknown_migrations(db)
    if newer:
        raise schema_too_new(newer)
    done = set(applied_migrations(db))
    applied = []
    for name, path in _migration_files():
        if upto is not None and name > upto:
            break
        if name in done:
            continue
        with transaction(db):
            _run(db, name, path)
            db.execute(
                "insert into _migrations (name, applied_at) values (?, ?)",
                [name, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())],
            )
        applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
