"""``kissi deploy caddy`` and ``kissi deploy systemd``: the files that make a box serve kissi over
HTTPS and start by itself (docs/deploy.md). They write files and enable nothing: the operator
copies them in place with the commands of the written page."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..cli.common import fail
from ..errors import DomainError
from . import caddy as caddy_mod, systemd as systemd_mod


@click.group("deploy")
def deploy_group():
    """Write the configuration of a market box or hub: Caddy (HTTPS) and systemd units."""


@deploy_group.command("caddy")
@click.option("--mode", type=click.Choice(caddy_mod.MODES), required=True,
              help="public: a hub with an ACME certificate and HSTS; named: a box with a certificate copied in; "
                   "internal-ca: the cooperative's own CA, its root served at /ca.")
@click.option("--name", required=True, help="The name the phones use, e.g. market.coop-adjame.ci.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The Caddyfile to write.")
@click.option("--upstream", default="127.0.0.1:8080", show_default=True, help="Where waitress listens.")
@click.option("--email", help="public: the address ACME certificates are registered to.")
@click.option("--cert", help="named: the certificate (PEM, full chain) for NAME.")
@click.option("--key", help="named: its private key (PEM).")
@click.option("--storage", default="/var/lib/caddy/.local/share/caddy", show_default=True,
              help="Caddy's data folder (its CA and certificates).")
@click.option("--http-port", default=80, show_default=True, type=int, help="Plain HTTP port (redirects).")
@click.option("--https-port", default=443, show_default=True, type=int, help="HTTPS port.")
@click.option("--admin", help="Caddy's admin endpoint: 'off' or an address (default: Caddy's own).")
def caddy_command(mode, name, out, upstream, email, cert, key, storage, http_port, https_port, admin):
    """Write the Caddyfile that serves kissi over HTTPS in MODE for NAME."""
    try:
        text = caddy_mod.caddyfile(mode, name, upstream, email=email, cert=cert, key=key, storage=storage,
                                   http_port=http_port, https_port=https_port, admin=admin)
    except DomainError as err:
        fail(err)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"Caddyfile for {name} ({mode}) written to {out}")


def _own_kissi() -> str:
    """The ``kissi`` command of this installation (beside its Python), as the units run it."""
    beside = Path(sys.executable).parent / "kissi"
    return str(beside if beside.exists() else shutil.which("kissi") or beside)


@deploy_group.command("systemd")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the units into (then copied to /etc/systemd/system).")
@click.option("--kissi", "kissi_path", help="The kissi command the units run (default: this one).")
@click.option("--instance", default="/var/lib/kissi", show_default=True, help="The node's data folder.")
@click.option("--user", default="kissi", show_default=True, help="The unprivileged user kissi runs as.")
@click.option("--port", default=8080, show_default=True, type=int, help="Where waitress listens (loopback).")
@click.option("--caddyfile", default="/etc/kissi/Caddyfile", show_default=True, help="The Caddyfile Caddy reads.")
@click.option("--backups", help="Folder of the nightly backups (default: INSTANCE/backups).")
@click.option("--keep", default=14, show_default=True, type=int, help="Nightly backups kept.")
@click.option("--sync-every", default="15min", show_default=True, help="Sync timer period (e.g. 15min, 1h).")
def systemd_command(out, kissi_path, instance, user, port, caddyfile, backups, keep, sync_every):
    """Write systemd units: kissi, Caddy, a sync timer and a nightly backup timer with rotation."""
    try:
        files = systemd_mod.units(kissi_path or _own_kissi(), instance, user, port, caddyfile,
                                  backups=backups, keep=keep, sync_every=sync_every)
    except DomainError as err:
        fail(err)
    for path in systemd_mod.write(out, files):
        click.echo(f"wrote {path}")


def init_app(app) -> None:
    app.cli.add_command(deploy_group)
