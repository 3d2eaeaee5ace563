"""The translation catalogs: French and English complete, traders' languages cover every prompt.

French is the default language and must translate every string the code and templates
extract; English may repeat its source string but must not leave it empty. Arabic, Wolof,
Bambara, Dioula and Baoulé translate at least every voice prompt (the rest falls back along
each language's chain). Placeholders must survive translation, or a page raises KeyError.
"""
from __future__ import annotations

import gzip
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from kissi import languages
from kissi.i18n import LOCALES_DIR
from kissi.prompts import PROMPTS
from web_helpers import awa, shop_ids  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
TRADER_LANGUAGES = ("ar", "wo", "bm", "dyu", "bci")
KEYWORDS = {"gettext": None, "lazy_gettext": None, "_l": None, "_": None, "ngettext": (1, 2),
            "N_plural": (1, 2),
            **{name: (2,) for name in ("DomainError", "Invalid", "Conflict", "Forbidden", "TooMany", "WrongPin",
                                                    "Unauthorized")}}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def catalog(code):
    with (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=None)


CATALOGS = {code: catalog(code) for code in languages.LANGUAGES}


def translated(cat, msgid) -> bool:
    message = cat.get(msgid)
    forms = message.string if message and isinstance(message.string, tuple) else (message and message.string,)
    return bool(message and all(forms) and not message.fuzzy)


def source_strings() -> set[str]:
    method_map = [("kissi/**.py", "python"), ("kissi/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_source_string_is_translated_in_french_and_english():
    strings = source_strings()
    assert "Sell" in strings and "This was not found." in strings  # templates and errors seen
    for code in ("fr", "en"):
        missing = sorted(s for s in strings if not translated(CATALOGS[code], s))
        assert missing == [], f"{code}: untranslated {missing}"


def test_every_prompt_has_a_text_in_every_trader_language():
    # a language's own name (lang.name.*) is a plain string, said as it is, never translated
    msgids = {text._args[0] for text in PROMPTS.values() if not isinstance(text, str)}
    for code in TRADER_LANGUAGES:
        missing = sorted(m for m in msgids if not translated(CATALOGS[code], m))
        assert missing == [], f"{code}: prompts without text {missing}"


@pytest.mark.parametrize("code", sorted(languages.LANGUAGES))
def test_translations_keep_their_placeholders(code):
    for message in CATALOGS[code]:
        source = message.id[-1] if isinstance(message.id, tuple) else message.id  # plural: its forms
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in (f for f in forms if f and source):
            assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(source)), \
                f"{code}: {message.id!r} -> {form!r}"


def test_traders_languages_await_review_and_hide_nothing_as_fuzzy():
    """Machine or non-native texts are shown but marked; a fuzzy entry would be hidden."""
    for code in TRADER_LANGUAGES:
        shown = [m for m in CATALOGS[code] if m.id and m.string]
        assert shown and not [m.id for m in shown if m.fuzzy]
        assert any("review: awaiting a native speaker" in m.user_comments for m in shown)
    for code in ("fr", "en"):
        assert not [m.id for m in CATALOGS[code] if m.id and (m.fuzzy or m.user_comments)]


def compiled(code) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, CATALOGS[code])
    buffer.seek(0)
    return Translations(buffer)


def test_catalogs_compile_and_fall_back_along_the_language_chain():
    chains = {}
    for code, lang in languages.LANGUAGES.items():
        chain = compiled(code)
        for fallback in lang.fallbacks:
            chain.add_fallback(compiled(fallback))
        chains[code] = chain
    assert chains["fr"].gettext("Sell") == "Vendre"
    assert chains["fr"].gettext("My day") == "Ma journée"
    assert chains["en"].gettext("Debts") == "Debts"
    assert chains["wo"].gettext("Sell") == "Jaay"
    assert chains["dyu"].gettext("Sell") == "Feere"
    # A trainer's screen not translated into Dioula falls back to French, never to English.
    trainer_only = "Hub address"
    if trainer_only in CATALOGS["fr"]:
        assert chains["dyu"].gettext(trainer_only) == CATALOGS["fr"][trainer_only].string
    assert re.search("[\u0600-\u06ff]", chains["ar"].gettext("Sell"))
    message = chains["bm"].gettext("%(amount)s francs") % {"amount": "1 000"}
    assert "1 000" in message


@pytest.mark.parametrize("code", sorted(languages.LANGUAGES))
def test_every_page_speaks_the_traders_language_and_stays_small(code, app, awa, shop_ids):
    from test_pages import BUDGET, _every_page

    assert awa.post("/language", data={"language": code}).status_code in (302, 303)
    home = awa.get("/").get_data(as_text=True)
    assert f'lang="{code}"' in home and ('dir="rtl"' in home) == languages.get(code).rtl
    assert CATALOGS[code]["Sell"].string in home and CATALOGS[code]["My day"].string in home
    css = gzip.compress(awa.get("/static/kissi.css").data)
    for name, answer in _every_page(app, awa, shop_ids).items():
        if name != "error":
            assert answer.status_code == 200, name
            assert len(gzip.compress(answer.data)) + len(css) <= BUDGET, name
