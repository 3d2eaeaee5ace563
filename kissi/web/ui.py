"""What every page template can use: the shell's scripts, error text, money pictures.

Templates get ``page_scripts()`` (the small optional JS files that exist, in load order),
``error_text(err)`` (a domain error's translated message) and the F CFA ``cash_notes`` and
``cash_coins`` the cash keypad draws.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import gettext

from ..errors import DomainError
from . import keys

# Optional progressive enhancement, each added by its own part when present:
# keypads (here), offline shell (app.js), voice prompts (voice.js), voice input (mic.js).
SCRIPTS = ("keys.js", "app.js", "voice.js", "mic.js")


def error_text(err: DomainError | None) -> str:
    return gettext(err.message, **err.params) if err else ""


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    present = tuple(name for name in SCRIPTS if (static / name).is_file())
    app.jinja_env.globals.update(
        page_scripts=lambda: present, error_text=error_text,
        cash_notes=keys.NOTES, cash_coins=keys.COINS)
