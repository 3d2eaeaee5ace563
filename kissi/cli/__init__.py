"""The ``kissi`` command: the group and the node's own commands (init, serve, backup, demo,
export, user, plan, subscribe); each part adds its group (``sync``, ``voice``).

May import every part below ``web`` (store, shop, coop, sync, voice, listen) and Flask; never
``web``. Nothing but the app factory and the console script imports it. Command modules get
the database from :func:`kissi.cli.common.open_db`, never from :mod:`kissi.cli.main`.
"""
from .main import init_app, main

__all__ = ["init_app", "main"]
