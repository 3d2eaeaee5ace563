"""The package's layout holds: dependencies point down, Flask stays at the top.

Every module of ``kissi/`` is read (not imported) and each of its imports, at the top or
inside a function, is checked against the rules the packages' docstrings state:

- ``store`` imports nothing of kissi but ``kissi.errors``;
- ``shop`` never imports ``coop``; neither imports ``sync``, ``voice``, ``listen``, ``web``
  or ``cli``; ``sync`` needs neither ``shop`` nor ``coop``; ``voice`` never imports ``listen``; ``public``
  stands on ``store``, ``shop``, ``coop`` and the shared modules; ``deploy`` on ``store`` and the shared
  modules only;
- no part imports ``web``; only the app factory and command modules import command modules,
  and they take their helpers from ``kissi.cli.common``;
- Flask (``flask``, ``flask_babel``, ``werkzeug`` but its password hashing) only in ``web/``,
  the command modules, the app factory and the i18n glue (``i18n``, ``prompts``);
- ``web`` never imports a command module, nor the clip builder (which may run for minutes).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kissi"
PARTS = ("store", "shop", "coop", "sync", "voice", "listen", "public", "deploy", "web", "cli")
FLASK = ("flask", "flask_babel", "werkzeug")
FLASK_ALLOWED_FROM = ("werkzeug.security",)  # PIN hashing: no web in it
I18N_GLUE = ("kissi", "kissi.i18n", "kissi.prompts")  # the app factory and the translated strings
# What each part may not import (besides the rules for every part below).
FORBIDDEN = {
    "shop": ("kissi.coop", "kissi.sync", "kissi.voice", "kissi.listen"),
    "coop": ("kissi.sync", "kissi.voice", "kissi.listen"),
    "sync": ("kissi.shop", "kissi.coop", "kissi.voice", "kissi.listen"),
    "voice": ("kissi.listen", "kissi.sync"),
    "listen": ("kissi.sync",),
    "public": ("kissi.sync", "kissi.voice", "kissi.listen"),  # store, shop, coop and the shared modules
    "deploy": ("kissi.shop", "kissi.coop", "kissi.sync", "kissi.voice", "kissi.listen"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every import of the file, relative ones resolved; ``from X import
    y`` gives ``X.y`` too (y may be a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def part_of(module: str) -> str:
    """``kissi.shop.sales`` -> ``shop``; a top-level module of the package -> ``shared``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 2 or pieces[-1] in PARTS else "shared"


def is_command_module(module: str) -> bool:
    return module.startswith("kissi.cli") or module.endswith(".cli")


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def broken_rules(module: str, imported: str) -> list[str]:
    """The rules ``module`` breaks by importing ``imported`` (empty when it may)."""
    part, broken = part_of(module), []
    top = imported.split(".")[0]
    if top in FLASK and not any(within(imported, ok) for ok in FLASK_ALLOWED_FROM):
        if not (part in ("web", "cli") or is_command_module(module) or module in I18N_GLUE):
            broken.append("Flask outside web/, the commands, the app factory and the i18n glue")
    if top != "kissi" or within(imported, module):
        return broken
    if part == "store" and not (within(imported, "kissi.store") or within(imported, "kissi.errors")):
        broken.append("store imports nothing of kissi but errors")
    if any(within(imported, forbidden) for forbidden in FORBIDDEN.get(part, ())):
        broken.append(f"{part} may not import {imported}")
    if within(imported, "kissi.web") and part != "web" and module != "kissi":
        broken.append("only the app factory imports web")
    helpers = within(imported, "kissi.cli.common")
    if is_command_module(imported) and not helpers and not (module == "kissi" or is_command_module(module)):
        broken.append("only the app factory and command modules import command modules")
    if within(imported, "kissi.cli.main") and module != "kissi.cli":
        broken.append("command modules take their helpers from kissi.cli.common, not the group")
    if helpers and not is_command_module(module):
        broken.append("only command modules use the command line's helpers")
    if part == "web" and within(imported, "kissi.voice.build"):
        broken.append("the clip builder never runs in a web request")
    if part != "cli" and within(imported, "kissi.create_app"):
        broken.append("only the command line builds the app")
    return broken


def all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_part_is_a_package_with_a_docstring_saying_what_it_may_import():
    for part in PARTS:
        init = PACKAGE / part / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text())) if init.exists() else None
        assert doc and "import" in doc.lower(), f"kissi/{part}/__init__.py must say what it may import"


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_point_down(path):
    module = module_name(path)
    bad = [f"line {line}: {imported}: {rule}" for line, imported in imports_of(path)
           for rule in broken_rules(module, imported)]
    assert not bad, f"{module} breaks the layout:\n" + "\n".join(bad)


@pytest.mark.parametrize("module, imported", [
    ("kissi.shop.month", "kissi.coop.plans"),
    ("kissi.store.changes", "kissi.shop.ledger"),
    ("kissi.shop.sales", "flask"),
    ("kissi.coop.members", "flask_babel"),
    ("kissi.voice.build", "flask"),
    ("kissi.listen.cli", "kissi.web.listen"),
    ("kissi.cli.shop", "kissi.cli.main"),
    ("kissi.web.voice", "kissi.voice.cli"),
    ("kissi.web.voice", "kissi.voice.build"),
    ("kissi.sync.hub", "kissi.web.database"),
    ("kissi.shop.day", "kissi.create_app"),
    ("kissi.public.pages", "kissi.web.public"),
    ("kissi.public.pages", "flask"),
    ("kissi.public.directory", "kissi.sync.client"),
    ("kissi.deploy.backups", "kissi.web.database"),
    ("kissi.deploy.backups", "kissi.sync.client"),
])
def test_the_rules_catch_a_wrong_direction(module, imported):
    assert broken_rules(module, imported)


@pytest.mark.parametrize("module, imported", [
    ("kissi.coop.plans", "kissi.shop.ledger"),
    ("kissi.store.changes", "kissi.errors"),
    ("kissi.coop.members", "werkzeug.security"),
    ("kissi.sync.cli", "kissi.cli.common"),
    ("kissi.web.api", "flask"),
    ("kissi.prompts", "flask_babel"),
    ("kissi", "kissi.web"),
    ("kissi.public.pages", "kissi.shop.stock"),
    ("kissi.public.pages", "kissi.coop.members"),
    ("kissi.deploy.backups", "kissi.store.db"),
    ("kissi.cli.main", "kissi.deploy.backups"),
])
def test_the_rules_let_the_right_direction_pass(module, imported):
    assert not broken_rules(module, imported)
