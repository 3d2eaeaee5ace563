"""Update and compile the translation catalogs of every app language, Babel locale or not.

``pybabel update`` and ``pybabel compile`` refuse ``dyu`` and ``bci`` (Babel has no such
locales), so kissi does both with Babel's own catalog functions, without a locale.
Run as ``python -m kissi.catalogs update|compile``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .i18n import LOCALES_DIR
from .languages import LANGUAGES


def _po(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=None)


def update() -> None:
    """Merge ``messages.pot`` into every language's catalog (creating missing ones)."""
    template = _read(LOCALES_DIR / "messages.pot")
    for code in LANGUAGES:
        path = _po(code)
        catalog = _read(path) if path.exists() else Catalog(locale=None, project="kissi")
        catalog.update(template)
        catalog.language_team = code
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False)


def compile_all() -> None:
    """Compile every ``messages.po`` to ``messages.mo`` (fuzzy entries are left out)."""
    for code in LANGUAGES:
        path = _po(code)
        if not path.exists():
            continue
        catalog = _read(path)
        for message in list(catalog):  # a plural not translated in all its forms falls back whole
            if message.id and isinstance(message.string, tuple) and not all(message.string):
                catalog.delete(message.id, message.context)
        with path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


if __name__ == "__main__":
    {"update": update, "compile": compile_all}[sys.argv[1]]()
