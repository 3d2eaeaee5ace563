"""``kissi plan ...`` and ``kissi subscribe``: plans and subscriptions from the command line.

The command line is the node's operator (``actor=None``): it may do what an admin does.
Plans are made at the hub; an enrolled edge refuses (see :mod:`kissi.coop.plans`).
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..coop import members, plans
from ..errors import DomainError
from .common import fail, open_db


@click.group("plan")
def plan_group():
    """Subscription plans: list, add, deactivate (at the hub)."""


@plan_group.command("list")
@with_appcontext
def list_command():
    """Every plan: code, monthly price (F CFA), size, active or not, name."""
    for p in plans.list_plans(open_db()):
        click.echo(f"{p['code']:<12} {p['price']:>7} F  {p['size']:<6} "
                   f"{'active' if p['active'] else 'inactive':<8} {p['name']}")


@plan_group.command("add")
@click.option("--code", required=True, help="Short code, e.g. stall (letters, digits, dashes).")
@click.option("--name", required=True, help="The plan's name.")
@click.option("--price", required=True, type=int, help="Monthly price in F CFA, e.g. 3000.")
@click.option("--size", type=click.Choice(plans.SIZES), default="small", show_default=True,
              help="Size of shop the plan is for.")
@with_appcontext
def add_command(code, name, price, size):
    """Add a plan (it flows down to every device at the next sync)."""
    try:
        plan = plans.add_plan(open_db(), None, code=code, name=name, price=price, size=size)
    except DomainError as err:
        fail(err)
    click.echo(f"plan {plan['code']} added: {plan['id']}")


@plan_group.command("deactivate")
@click.argument("code")
@with_appcontext
def deactivate_command(code):
    """Offer a plan no more (subscriptions to it stay)."""
    try:
        plans.set_plan_active(open_db(), None, code, False)
    except DomainError as err:
        fail(err)
    click.echo(f"plan {code} deactivated")


@plan_group.command("defaults")
@with_appcontext
def defaults_command():
    """Add the default plans (small stall 3,000, shop 10,000, large shop 30,000) if missing."""
    try:
        made = plans.ensure_default_plans(open_db())
    except DomainError as err:
        fail(err)
    click.echo(f"{len(made)} plan(s)")


def _shop_id(db, key: str) -> str:
    """A shop id, or the phone number of the trader who keeps it."""
    if db.execute("select 1 from shops where id = ?", [key]).fetchone():
        return key
    user = members.find_by_phone(db, key)
    if user is None or not user["shop_id"]:
        raise click.ClickException(f"no shop {key!r} (give a shop id or a trader's phone)")
    return user["shop_id"]


@click.command("subscribe")
@click.option("--shop", "shop", required=True, help="Shop id or the trader's phone number.")
@click.option("--plan", "plan", required=True, help="Plan code or id.")
@click.option("--start", default=None, help="First month owed, YYYY-MM (default: this month).")
@with_appcontext
def subscribe_command(shop, plan, start):
    """Put a shop on a plan (or change its plan)."""
    db = open_db()
    try:
        sub = plans.subscribe(db, None, _shop_id(db, shop), plan, start_month=start)
    except DomainError as err:
        fail(err)
    click.echo(f"shop {sub['shop_id']} on plan {sub['plan']['code']} from {sub['start_month']}")


def init_app(app) -> None:
    app.cli.add_command(plan_group)
    app.cli.add_command(subscribe_command)
