"""What every page template can use: the shell's scripts, error text, money pictures.

Templates get ``page_scripts()`` (the small optional JS files that exist, in load order),
``error_text(err)`` (a domain error's translated message) and the F CFA ``cash_notes`` and
``cash_coins`` the cash keypad draws, ``product_icon(key)``, ``provider_icons``,
``unit_labels`` and ``unit_icons``.
"""
from __future__ import annotations

import zlib
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request
from flask_babel import format_date, gettext, lazy_gettext as _l, ngettext
from markupsafe import Markup

from ..errors import DomainError
from ..shop import products
from . import idempotency, keys
from .errors import translate

# Blueprints whose GET routes are HTML pages (each must stay within the 14 KB budget).
PAGE_BLUEPRINTS = ("auth", "pages", "sell", "stock", "debts", "day", "myshop", "month", "mypage")

# Optional progressive enhancement, each added by its own part when present:
# keypads (here), offline shell (app.js), voice prompts (voice.js), voice input (mic.js).
SCRIPTS = ("keys.js", "app.js", "voice.js", "mic.js")


# Mobile money providers as the trader knows them: their colour, or Wave's penguin.
PROVIDER_ICONS = {"orange": "🟠", "mtn": "🟡", "moov": "🔵", "wave": "🐧"}
UNIT_LABELS = {
    "piece": _l("piece"), "kg": _l("kg"), "litre": _l("litre"), "metre": _l("metre"),
    "heap": _l("heap"), "bag": _l("bag"), "box": _l("box"), "bottle": _l("bottle"),
    "packet": _l("packet"), "bunch": _l("bunch"), "bowl": _l("bowl"), "dozen": _l("dozen"),
    "bidon": _l("bidon"),
}


# The default plans' names (kissi.coop.plans.DEFAULT_PLANS), shown in her language while
# an admin has not renamed them.
PLAN_NAMES = {"Small stall": _l("Small stall"), "Shop": _l("Shop"), "Large shop": _l("Large shop")}


def plan_name(plan: dict | None) -> str:
    return str(PLAN_NAMES.get(plan["name"], plan["name"])) if plan else ""


def days_ago(n: int) -> str:
    """"today", "1 day ago", "5 days ago": the plural rules of the page's language."""
    return gettext("today") if not n else ngettext("%(num)s day ago", "%(num)s days ago", n)


def hue(row_id: str | None) -> int:
    """One of eight colours for a customer's initial, always the same for the same
    customer (so Kadi is "the green K" on every page and every phone)."""
    return zlib.crc32((row_id or "").encode()) % 8


def long_date(day: str) -> str:
    """"24 novembre 2026" for ``2026-11-24``: what a screen reader says for a date picture."""
    try:
        return format_date(date.fromisoformat(day[:10]), "long")
    except ValueError:
        return day


def product_icon(key: str | None) -> str:
    return products.ICONS.get(key or "", "📦")


def error_text(err: DomainError | None) -> str:
    return translate(err) if err else ""


def inline_css(name: str) -> Markup:
    """A static stylesheet's text, for a ``<style>`` in the page's head.

    Inlined rather than linked: on a 2G/3G link a linked stylesheet costs a second round
    trip (2 s with Chrome's Slow 3G preset) before the first paint, while kissi.css is
    under 2 KB gzipped, so every page draws from its HTML alone. Re-read when the file
    changes (development)."""
    path = Path(current_app.static_folder, name)
    return _read_css(str(path), path.stat().st_mtime_ns)


def trader_css() -> Markup:
    """``pictures.css`` (payments, faces, dates, language pictures) as ``kissi.css`` is, on the
    trader's pages only: the trainer's pages, already near the 14 KB budget, never draw them."""
    if request.blueprint not in PAGE_BLUEPRINTS:
        return Markup("")
    from .pwa import stylesheet  # inlined, or linked on a phone whose worker keeps it

    return stylesheet("pictures.css")


@lru_cache(maxsize=8)
def _read_css(path: str, _mtime: int) -> Markup:
    return Markup(Path(path).read_text(encoding="utf-8").strip())


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    present = tuple(name for name in SCRIPTS if (static / name).is_file())
    app.jinja_env.globals.update(
        page_scripts=lambda: present, inline_css=inline_css, trader_css=trader_css, error_text=error_text,
        cash_notes=keys.NOTES, cash_coins=keys.COINS, product_icon=product_icon, product_icons=products.ICONS,
        provider_icons=PROVIDER_ICONS, unit_labels=UNIT_LABELS, unit_icons=products.UNIT_ICONS,
        form_token=idempotency.form_token,
        plan_name=plan_name, days_ago=days_ago, hue=hue)
    app.jinja_env.filters.update(longdate=long_date)
