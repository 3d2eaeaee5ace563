"""``kissi user ...``: add members and unlock them from the node's command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..coop import logins, members
from ..errors import DomainError
from .common import fail, open_db


@click.group("user")
def user_group():
    """Add members (traders, trainers, admins) and unlock them."""


@user_group.command("add")
@click.option("--role", type=click.Choice(members.ROLES), required=True,
              help="trader (keeps a shop), trainer (looks after a cooperative) or admin.")
@click.option("--phone", required=True, help="Phone number: local, or with its country code.")
@click.option("--pin", required=True, help="Secret code: 4 to 6 digits for a trader, 8 to 12 for a trainer or admin.")
@click.option("--name", required=True, help="The member's name (at most 80 characters).")
@click.option("--cooperative", default=None,
              help="Cooperative id or exact name (created when a name is new).")
@click.option("--language", default="fr", show_default=True, help="App language code.")
@with_appcontext
def add_command(role, phone, pin, name, cooperative, language):
    """Add a member; a trader gets a new shop in her cooperative."""
    db = open_db()
    try:
        coop_id = None
        if cooperative:
            try:
                coop_id = members.find_cooperative(db, cooperative)["id"]
            except DomainError:
                coop_id = members.create_cooperative(db, cooperative)["id"]
                click.echo(f"cooperative {cooperative!r} created: {coop_id}")
        user = members.add_user(db, role=role, phone=phone, pin=pin, name=name,
                                cooperative_id=coop_id, language=language)
    except DomainError as err:
        fail(err)
    click.echo(f"{user['role']} {user['name']} ({user['phone']}) added: {user['id']}"
               + (f", shop {user['shop_id']}" if user["shop_id"] else ""))


@user_group.command("unlock")
@click.option("--phone", required=True, help="The member's phone number.")
@with_appcontext
def unlock_command(phone):
    """Clear a member's wrong PINs so she can try again at once."""
    try:
        user = logins.unlock(open_db(), None, phone)
    except DomainError as err:
        fail(err)
    click.echo(f"{user['name']} ({user['phone']}) unlocked")


@user_group.command("pin")
@click.option("--phone", required=True, help="The member's phone number.")
@click.option("--pin", required=True, help="The new secret code (8 to 12 digits for staff).")
@with_appcontext
def pin_command(phone, pin):
    """Set a member's secret code on this node; on a market box, a trainer's box credential.

    A staff member's secret never travels: one set here stays on this node (docs/security.md).
    """
    db = open_db()
    try:
        user = members.find_by_phone(db, phone)
        if user is None:
            raise members.NotFound("user", "phone")
        members.set_pin(db, None, user["id"], pin)
    except DomainError as err:
        fail(err)
    click.echo(f"{user['name']} ({user['phone']}): secret code set on this node")
