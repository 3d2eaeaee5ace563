"""The ``kissi`` command (also ``flask --app kissi``): init, serve, backup and friends.

Commands are plain click commands registered on ``app.cli`` by :func:`init_app`, so both
entry points see the same set. ``--instance DIR`` (or ``KISSI_INSTANCE``) picks the data
folder.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from ..deploy import backups
from ..errors import DomainError
from ..store import changes, db as store, phones
from .backups import backup_command, backup_folder, restore_command
from .common import fail, open_db

# What waitress itself holds for one connection before kissi sees the request. Its own
# defaults (1 GB bodies, 256 KB headers) would let anyone, logged in or not, fill the disk
# with spooled bodies that Flask then refuses: the server refuses them first.
MAX_HEADER_BYTES = 32 * 1024
SPOOL_ABOVE_BYTES = 256 * 1024


def server_limits(app) -> dict:
    """waitress settings that bound what a client can make the node buffer.

    A body larger than anything kissi accepts (Flask's ``MAX_CONTENT_LENGTH``, the sync
    push's :data:`kissi.sync.protocol.MAX_BODY`) is refused with 413 from its headers,
    before one byte of it is read; bodies above ``SPOOL_ABOVE_BYTES`` go to a temporary
    file (at most the body limit per connection) rather than memory.
    """
    from ..sync import protocol

    body = max(int(app.config.get("MAX_CONTENT_LENGTH") or 0), protocol.MAX_BODY)
    return {"max_request_body_size": body, "max_request_header_size": MAX_HEADER_BYTES,
            "inbuf_overflow": SPOOL_ABOVE_BYTES}


@click.command("init")
@with_appcontext
def init_command():
    """Create the database, or migrate it to the current schema."""
    db = phones.set_node_country(store.connect(current_app.config["DATABASE"]),
                                 current_app.config["DEFAULT_COUNTRY"])
    try:
        applied = store.migrate(db)
    except DomainError as err:
        fail(err)
    node = changes.ensure_node(db, current_app.config["ROLE"])
    click.echo(f"database {current_app.config['DATABASE']}: "
               f"{len(applied)} migration(s) applied; node {node['id']} ({node['role']})")


def check_database(app) -> None:
    """Stop the start of a node whose database is damaged, naming the last good backup.

    ``PRAGMA quick_check`` takes seconds on a small board; a market box that serves a damaged
    file would spread the damage to the hub at its next sync.
    """
    path = Path(app.config["DATABASE"])
    if not path.exists():
        return
    found = backups.problems(path)
    if not found:
        return
    folder = backup_folder(app)
    good = backups.last_good_backup(folder)
    advice = (f"the last good backup is {good}: stop here and run `kissi restore {good}`" if good
              else f"no good backup in {folder}")
    raise click.ClickException(f"the database {path} is damaged ({'; '.join(found[:3])}); {advice}")


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@with_appcontext
def serve_command(host, port, threads):
    """Serve kissi with waitress (a production WSGI server)."""
    import waitress

    check_database(current_app)
    open_db().conn.close()
    app = current_app._get_current_object()
    if host in ("0.0.0.0", "::", ""):
        phones = [f"http://{a}:{port}/" for a in interface_addresses()]
        click.echo(f"kissi ({app.config['ROLE']}) serving on every interface, port {port}; phones on this "
                   f"network open: {' '.join(phones) or '(no network interface is up)'}; "
                   f"this machine: http://127.0.0.1:{port}/")
    else:
        click.echo(f"kissi ({app.config['ROLE']}) serving on http://{host}:{port}/")
    for hook in app.extensions.get("kissi_serve_hooks", []):
        hook(app)
    waitress.serve(app, host=host, port=port, threads=threads, ident="kissi", **server_limits(app))


def interface_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback: where phones on its Wi-Fi reach it.

    Asked of the kernel, interface by interface (``SIOCGIFADDR``), so it needs no network
    call, no name lookup and no route to the internet (a market box often has none). Empty
    where the call does not exist (not Linux) or no interface has an address.
    """
    import socket
    import struct

    try:
        import fcntl
    except ImportError:
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                answer = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            except OSError:  # no IPv4 address on this interface
                continue
            address = socket.inet_ntoa(answer[20:24])
            if not address.startswith("127.") and address not in found:
                found.append(address)
    return found


def init_app(app) -> None:
    """Register every command group (the voice group before listen, which adds to it)."""
    from ..deploy import cli as deploy_cli
    from ..listen import cli as listen_cli
    from ..sync import cli as sync_cli
    from ..voice import cli as voice_cli
    from . import plans, shop
    from .users import user_group

    for command in (init_command, serve_command, backup_command, restore_command, user_group):
        app.cli.add_command(command)
    for part in (shop, voice_cli, listen_cli, sync_cli, plans, deploy_cli):
        part.init_app(app)


def _set_instance(ctx, param, value):
    if value:
        os.environ["KISSI_INSTANCE"] = str(Path(value).resolve())
    return value


def _create_app():
    from .. import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
@click.option("--instance", type=click.Path(file_okay=False), expose_value=False, is_eager=True,
              callback=_set_instance, envvar="KISSI_INSTANCE",
              help="Data folder (database, secret key, audio). Default: the Flask instance folder.")
def main():
    """kissi: an offline-first shop, sales and credit book for informal traders."""
