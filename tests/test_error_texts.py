"""Every error a page can show, in every language: no English source text where a
translation is expected, and a number's words follow the language's plural rules.

The errors are found in the code itself (every domain error raised with its text), so a
new error, or a new error class the extraction does not know, is checked without a list
to keep. Each is drawn by the pages' own ``error_box`` macro in every language whose
chain reaches French (the complete catalog), with its placeholders filled.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from flask import g, render_template_string

import kissi
from kissi import languages
from kissi.errors import DomainError, NotFound

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
BOX = '{% from "_ui.html" import error_box %}{{ error_box(err) }}'


def _error_classes() -> set[str]:
    for module in pkgutil.walk_packages(kissi.__path__, "kissi."):
        try:
            importlib.import_module(module.name)
        except ImportError:  # an optional part (a speech model's library) not installed
            continue
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _text(node, plurals: dict):
    """The literal text of a message argument: "..." or N_("...") or NAME[i] of an N_plural."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, None
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return node.args[0].value, None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in plurals:
        return plurals[node.value.id]
    return None, None


def raised_errors() -> list[tuple[str, str, str | None]]:
    """(code, message, plural) of every domain error the code builds with a literal text."""
    classes = _error_classes()
    found = {("not_found", NotFound("x").message, None)}
    for path in Path(kissi.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        plurals = {t.id: tuple(a.value for a in node.value.args)
                   for node in ast.walk(tree) if isinstance(node, ast.Assign)
                   and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "N_plural"
                   for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if (name not in classes or name == "NotFound" or len(node.args) < 2
                    or not isinstance(node.args[0], ast.Constant)):
                continue
            message, plural = _text(node.args[1], plurals)
            if message:
                found.add((node.args[0].value, message, plural))
    return sorted(found)


ERRORS = raised_errors()
EXPECTED = sorted(code for code, lang in languages.LANGUAGES.items() if "fr" in lang.chain)


def _draw(app, language: str, err: DomainError) -> str:
    with app.test_request_context("/"):
        g.language = language
        html = render_template_string(BOX, err=err)
    return re.sub(r"<[^>]+>|⚠️", "", html).strip()


def _error(code, message, plural, n):
    names = set(PLACEHOLDER.findall(message))
    params = {name: n for name in names}
    count = next(iter(names), None) if plural else None
    return DomainError(code, message, plural=plural, count=count, **params)


def test_the_errors_are_found_in_the_code():
    codes = {code for code, _m, _p in ERRORS}
    assert {"wrong_pin", "login_throttled", "name_required", "not_found"} <= codes
    assert len(ERRORS) > 50


@pytest.mark.parametrize("language", EXPECTED)
def test_every_error_is_shown_translated_in_every_language(app, language):
    untranslated = []
    for code, message, plural in ERRORS:
        for n in (1, 2):
            err = _error(code, message, plural, n)
            english = (message if n == 1 or not plural else plural) % err.params if err.params else message
            if _draw(app, language, err) == english:
                untranslated.append(english)
    assert untranslated == [], f"{language}: shown in English: {sorted(set(untranslated))}"


@pytest.mark.parametrize("language", EXPECTED)
def test_an_error_with_a_number_follows_the_plural_rules(app, language):
    for code, message, plural in ERRORS:
        if plural:
            one, two = (_draw(app, language, _error(code, message, plural, n)) for n in (1, 2))
            if language == "fr":
                assert "secondes" not in one and one.replace("1", "#") != two.replace("2", "#"), (one, two)
            assert "1" in one and "2" in two
