"""Backups that are proven: rotated copies, a check of the database at start, and a restore.

Rules a later developer must know:

- a backup is SQLite's online backup (consistent while the node serves), named
  ``kissi-YYYYMMDD-HHMMSS.sqlite3`` so that names sort by age; rotation keeps the newest;
- a database is good when ``PRAGMA quick_check`` says ``ok`` (at start: seconds on a small
  board) and, for a restore, the full ``integrity_check``; "the last good backup" is the
  newest backup that passes the quick check;
- a restore never overwrites: the current file is copied aside first; it refuses a backup of
  another node (another node id) unless told, a damaged one, and one made by a newer kissi;
- the node's clock never goes back with a restore: its change ids are made from its clock,
  and a change made after the restore must not take the id of one the hub already has.
"""
from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from ..errors import Conflict, Invalid
from ..store import db as store

PREFIX, SUFFIX = "kissi-", ".sqlite3"


def copy_database(source: str | Path, target: str | Path) -> Path:
    """Copy ``source`` into ``target`` with SQLite's online backup (safe while serving)."""
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
    return Path(target)


def backup_rotated(database: str | Path, folder: str | Path, keep: int, now: float | None = None) -> tuple[Path, list]:
    """A new backup in ``folder``, then all but the newest ``keep`` backups removed.

    Returns ``(the new file, the files removed)``. Only files named like backups are touched.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(time.time() if now is None else now))
    target = copy_database(database, folder / f"{PREFIX}{stamp}{SUFFIX}")
    removed = [old for old in list_backups(folder)[max(1, int(keep)):]]
    for old in removed:
        old.unlink()
    return target, removed


def list_backups(folder: str | Path) -> list[Path]:
    """Backups in ``folder``, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name, reverse=True)


def problems(path: str | Path, full: bool = False) -> list[str]:
    """What SQLite finds wrong with the file (``[]``: good). ``full`` runs ``integrity_check``."""
    path = Path(path)
    if not path.is_file():
        return [f"no file at {path}"]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(f"pragma {'integrity_check' if full else 'quick_check'}").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return [str(err)]
    found = [r[0] for r in rows]
    return [] if found == ["ok"] else found


def last_good_backup(folder: str | Path) -> Path | None:
    """The newest backup in ``folder`` that passes the quick check, or None."""
    return next((p for p in list_backups(folder) if not problems(p)), None)


def _node(path: Path) -> dict | None:
    """``{"id", "hlc"}`` of the kissi node whose database ``path`` is, or None if unreadable."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("select id, hlc from node where singleton = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return {"id": row[0], "hlc": row[1]} if row else None


def restore(database: str | Path, backup: str | Path, other_node: bool = False, now: float | None = None) -> dict:
    """Put ``backup`` in place of ``database``; returns ``{"aside", "node_id"}``.

    The node must be stopped (the systemd unit, or ``kissi serve``). Raises
    :class:`~kissi.errors.Invalid` for a damaged or foreign file, :class:`~kissi.errors.Conflict`
    for another node's backup (without ``other_node``) or one made by a newer kissi.
    """
    database, backup = Path(database), Path(backup)
    found = problems(backup, full=True)
    if found:
        raise Invalid("backup_damaged", "This backup is damaged: %(problem)s", "file", problem=found[0])
    theirs = _node(backup)
    if theirs is None:
        raise Invalid("not_a_backup", "This file is not a kissi database", "file")
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        newer = store.unknown_migrations(sqlite_utils.Database(check))
    finally:
        check.close()
    if newer:
        raise store.schema_too_new(newer)
    ours = _node(database) if database.exists() else None
    if ours and ours["id"] != theirs["id"] and not other_node:
        raise Conflict("backup_other_node", "This backup belongs to another node (%(theirs)s, this one is "
                       "%(ours)s); restore it with --other-node only to replace that node", "file",
                       theirs=theirs["id"], ours=ours["id"])
    aside = None
    if database.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(time.time() if now is None else now))
        aside = database.with_name(f"{database.name}.before-restore-{stamp}")
        if problems(database):  # a damaged file is kept as it is, journal and all
            for extra in ("", "-wal", "-shm"):
                if Path(f"{database}{extra}").exists():
                    shutil.copy2(f"{database}{extra}", f"{aside}{extra}")
        else:
            copy_database(database, aside)
        for extra in ("", "-wal", "-shm"):
            Path(f"{database}{extra}").unlink(missing_ok=True)
    copy_database(backup, database)
    if ours and ours["id"] == theirs["id"]:
        conn = sqlite3.connect(str(database))
        try:
            with conn:
                conn.execute("update node set hlc = max(hlc, ?) where singleton = 1", [ours["hlc"]])
        finally:
            conn.close()
    return {"aside": aside, "node_id": theirs["id"]}
