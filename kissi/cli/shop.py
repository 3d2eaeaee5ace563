"""``kissi demo`` and ``kissi export``: the shop ledger from the node's command line."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..errors import DomainError
from ..shop import export
from . import demo
from .common import open_db


@click.command("demo")
@click.option("--if-empty", is_flag=True,
              help="Load nothing when the database already has users (safe to run at every start).")
@with_appcontext
def demo_command(if_empty):
    """Load demo data: a cooperative, a trainer, two traders, two weeks of sales and debts."""
    db = open_db()
    try:
        if demo.has_users(db):
            if if_empty:
                click.echo("demo: the database already has users; nothing loaded")
                return
        try:
            loaded = demo.load_demo(db)
        except DomainError as err:
            raise click.ClickException(f"demo data not loaded ({err.code}): {err.message}") from None
    finally:
        db.conn.close()
    for shop, counts in loaded["counts"].items():
        click.echo(f"demo: {shop}: {counts['sales']} sales, {counts['voids']} voided, "
                   f"{counts['repayments']} repayments")
    click.echo("demo logins (phone / PIN):")
    for login in loaded["logins"]:
        click.echo(f"  {login['role']:8} {login['name']:16} {login['phone']} / {login['pin']}")
    base = (current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:8080").rstrip("/")
    click.echo(f"demo: Awa Koné's public page: {base}/s/{loaded['public_slug']}")


def _shop_of(db, key: str) -> str:
    """A shop id as given, or the shop of the trader with that phone number."""
    from ..coop import members

    if db.execute("select 1 from shops where id = ?", [key]).fetchone():
        return key
    try:
        user = members.find_by_phone(db, key)
    except DomainError:
        user = None
    return user["shop_id"] if user and user.get("shop_id") else key


@click.command("export")
@click.option("--shop", "shop_id", required=True,
              help="The shop's id, or the phone number of the trader who keeps it.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the CSV files into (created if needed).")
@with_appcontext
def export_command(shop_id, out_dir):
    """Write everything a shop owns as CSV files, one per table."""
    db = open_db()
    try:
        files = export.export_shop(db, _shop_of(db, shop_id), out_dir)
    except DomainError as err:
        raise click.ClickException(f"{err.code}: {err.message}") from None
    finally:
        db.conn.close()
    for path in files:
        click.echo(str(path))


def init_app(app) -> None:
    for command in (demo_command, export_command):
        app.cli.add_command(command)
