"""Sync commands: ``kissi enroll``, ``kissi sync`` on an edge; ``kissi hub ...`` on the hub."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
import sqlite_utils
from flask import current_app
from flask.cli import with_appcontext

from ..cli.common import open_db
from ..errors import DomainError
from ..store import changes, db as store
from . import client, hub, identity


@click.command("enroll")
@click.argument("code", required=False)
@click.option("--hub", "hub_url", help="The hub's address, e.g. https://hub.example.org (in the QR text already).")
@click.option("--key", "fingerprint", help="The hub's key fingerprint shown with the code (in the QR text already).")
@click.option("--name", help="A name for this device in the hub's list.")
@click.option("--reset", is_flag=True, help="Forget the hub this node is enrolled with (then enroll again).")
@with_appcontext
def enroll_command(code, hub_url, fingerprint, name, reset):
    """Enroll this node with a hub: a one-time CODE (or the QR text) and the hub's key fingerprint.

    Only the node's admin does this (here, on its console): an enrolled node is refused
    until it is reset with --reset; what it made before a reset is never sent to the next hub.
    """
    db = open_db()
    if reset:
        kept = client.reset(db)
        click.echo(f"enrollment forgotten; {kept} change(s) not sent stay only on this node")
    if not code:
        if not reset:
            raise click.UsageError("give the enrollment CODE (or --reset)")
        return
    code, qr_url, qr_key = client.parse_code(code)
    try:
        answer = client.enroll(db, qr_url or hub_url or "", code, name, qr_key or fingerprint)
    except client.SyncError as err:
        raise click.ClickException(f"enrollment refused: {err}") from None
    click.echo(f"enrolled as node {answer['node_id']} for {answer['scope_kind']} {answer['scope_id']}")
    try:
        result = client.sync_once(db)
        click.echo(f"first sync: sent {result['pushed']}, received {result['pulled']}")
    except client.SyncError as err:
        click.echo(f"first sync failed ({err}); the background syncer will retry")


@click.command("sync")
@click.option("--status", is_flag=True, help="Only show what is waiting and the last sync (writes nothing).")
@with_appcontext
def sync_command(status):
    """Sync with the hub once (push, then pull), with a progress bar."""
    if status:
        return show_status(current_app.config["DATABASE"])
    db = open_db()
    with click.progressbar(length=max(client.pending_count(db), 1), label="sending") as bar:
        try:
            result = client.sync_once(db, progress=bar.update)
        except client.SyncError as err:
            raise click.ClickException(f"sync failed ({err.code}): {err}") from None
    click.echo(f"sent {result['pushed']}, received {result['pulled']} change(s) in {result['requests']} request(s)")


def show_status(path) -> None:
    """What waits and the last sync, read through a read-only connection.

    A status command must not write: not the node's role (run without ``KISSI_ROLE=hub``
    on the hub's folder, the usual open would turn the hub into an edge), not a migration,
    not a checkpoint. The figure is :func:`kissi.sync.client.waiting_records`, the unit
    the trader's pages show.
    """
    if not os.path.exists(path):
        raise click.ClickException(f"no database at {path}: run kissi init first")
    db = sqlite_utils.Database(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True))
    try:
        newer = store.unknown_migrations(db)
        if newer:  # a newer kissi's file: its state may mean something else (read, not written)
            err = store.schema_too_new(newer)
            raise click.ClickException(f"{err.code}: {err.message % err.params}")
        node = changes.node(db)
        if node is None:
            raise click.ClickException("this database has no node yet: run kissi init first")
        state = client.state(db)
        if node["role"] == "hub":
            click.echo(f"node {node['id']} (hub)")
        else:
            refused = f"; REFUSED by the hub: {state['refused']}" if state.get("refused") else ""
            click.echo(f"node {node['id']} (edge); hub: {state['hub_url'] or '-'}; "
                       f"waiting: {client.waiting_records(db)} record(s); "
                       f"last success: {state['last_success_at'] or 'never'}; "
                       f"last error: {state['last_error'] or '-'}{refused}")
        for line in shop_digests(db):
            click.echo(line)
    finally:
        db.conn.close()


def shop_digests(db) -> list[str]:
    """One line per shop: sales, their total and a digest of their ids, to compare nodes by eye."""
    import hashlib

    lines = []
    for shop_id, name in db.execute("select id, name from shops order by id"):
        ids = [r[0] for r in db.execute("select id from sales where shop_id = ? order by id", [shop_id])]
        total = db.execute("select coalesce(sum(total), 0) from sales where shop_id = ? and id not in"
                           " (select id from sale_voids)", [shop_id]).fetchone()[0]
        digest = hashlib.sha256("".join(ids).encode()).hexdigest()[:12]
        lines.append(f"shop {shop_id} {name}: {len(ids)} sales, {total} F, digest {digest}")
    return lines


@click.group("hub")
def hub_group():
    """Hub administration: enrollment codes and devices."""


@hub_group.command("enroll")
@click.option("--shop", help="Enroll a device for this shop id.")
@click.option("--cooperative", help="Enroll a device for this cooperative id (all its shops).")
@with_appcontext
def hub_enroll_command(shop, cooperative):
    """Create a one-time enrollment code (shown as text and as a QR code)."""
    if bool(shop) == bool(cooperative):
        raise click.UsageError("give exactly one of --shop or --cooperative")
    try:
        e = hub.create_enrollment(open_db(), "shop" if shop else "cooperative", shop or cooperative)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    import qrcode

    key = identity.fingerprint(identity.public_raw(identity.load_or_create(current_app.instance_path)))
    qr = qrcode.QRCode(border=1)
    qr.add_data(f"kissi-enroll:{e['code']}@{current_app.config.get('HUB_URL') or ''}#{key}")
    qr.print_ascii()
    click.echo(f"code {e['code']} for {e['scope_kind']} {e['scope_name']}, valid once until {e['expires_at']}")
    click.echo(f"hub key {key}: on the device, kissi enroll {e['code']} --hub URL --key {key}")


@hub_group.command("scopes")
@with_appcontext
def hub_scopes_command():
    """List cooperatives and shops with their ids (what a device can be enrolled for)."""
    db = open_db()
    for coop_id, name in db.execute("select id, name from cooperatives where deleted = 0 order by name"):
        click.echo(f"cooperative {coop_id}  {name}")
        for shop_id, shop_name in db.execute("select id, name from shops where cooperative_id = ?"
                                             " and deleted = 0 order by name", [coop_id]):
            click.echo(f"  shop {shop_id}  {shop_name}")


@hub_group.command("devices")
@with_appcontext
def hub_devices_command():
    """List enrolled devices with their scope, last contact and clock skew."""
    for d in hub.list_devices(open_db()):
        skew = f"{d['skew_ms'] / 1000:+.0f}s" if d["skew_ms"] is not None else "-"
        click.echo(f"{d['id']}  {d['scope_kind']}:{d['scope_name']}  {d['name'] or '-'}  "
                   f"last {d['last_contact_at'] or 'never'}  skew {skew}"
                   f"{'  REVOKED' if d['revoked_at'] else ''}")


@hub_group.command("revoke")
@click.argument("device_id")
@with_appcontext
def hub_revoke_command(device_id):
    """Revoke a device: its requests are refused from now on; its own data stays on it."""
    try:
        hub.revoke(open_db(), device_id)
    except DomainError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"device {device_id} revoked")


def init_app(app) -> None:
    for command in (enroll_command, sync_command, hub_group):
        app.cli.add_command(command)
