"""``kissi backup`` and ``kissi restore``: copies of the database, and putting one back.

The rules (rotation, what "good" means, what a restore refuses) are in
:mod:`kissi.deploy.backups`; these commands only pick the files and report.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..deploy import backups
from ..errors import DomainError
from .common import fail


def backup_folder(app) -> Path:
    """Where the nightly backups go: ``KISSI_BACKUP_DIR``, else ``<instance>/backups``."""
    return Path(app.config.get("BACKUP_DIR") or os.path.join(app.instance_path, "backups"))


@click.command("backup")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", type=click.Path(file_okay=False, path_type=Path),
              help="Write a dated backup into this folder (default: the backup folder) and rotate.")
@click.option("--keep", default=14, show_default=True, type=int, help="With --into: backups kept, newest first.")
@with_appcontext
def backup_command(file: Path | None, into: Path | None, keep: int):
    """Copy the database to FILE (or a dated file in --into, rotated) with SQLite's online backup."""
    database = current_app.config["DATABASE"]
    if file is not None:
        backups.copy_database(database, file)
        click.echo(f"backup written to {file}")
        return
    made, removed = backups.backup_rotated(database, into or backup_folder(current_app), keep)
    click.echo(f"backup written to {made}; {len(removed)} older backup(s) removed")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--other-node", is_flag=True, help="Accept a backup of another node (to replace that node's box).")
@with_appcontext
def restore_command(file: Path, other_node: bool):
    """Put the backup FILE in place of the database (stop the node first); the current file is kept aside.

    Refuses a damaged backup, one made by a newer kissi, and another node's backup unless
    --other-node. After a restore the node syncs as usual: what it had sent since the
    backup stays at the hub once, what it makes now is sent.
    """
    try:
        done = backups.restore(current_app.config["DATABASE"], file, other_node=other_node)
    except DomainError as err:
        fail(err)
    if done["aside"]:
        click.echo(f"the previous database is kept as {done['aside']}")
    click.echo(f"restored {file} (node {done['node_id']}); start the node again")
