"""Text translation and number formatting, keyed by the app language, not the Babel locale.

flask-babel looks catalogs up by its locale; kissi installs :class:`LanguageDomain`, which
loads ``locales/<lang>/LC_MESSAGES/messages.mo`` for the current app language and chains
the catalogs of its fallbacks behind it (``dyu`` -> ``bm`` -> ``fr``). The Babel locale
(``fr_CI``) is used only for formatting digits. Source strings are English; French is the
default language and its catalog is complete.
"""
from __future__ import annotations

from pathlib import Path

from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from flask import g, has_request_context
from flask_babel import Babel, Domain

from . import languages

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def current_language() -> str:
    """The app language of the current request (set by the auth layer), else the default."""
    if has_request_context():
        return g.get("language") or languages.DEFAULT
    return languages.DEFAULT


def load_translations(code: str) -> NullTranslations:
    """The catalog chain for ``code``: its own catalog, then each fallback's."""
    chain: NullTranslations | None = None
    for lang in languages.get(code).chain if code in languages.LANGUAGES else (languages.DEFAULT,):
        catalog = Translations.load(str(LOCALES_DIR), [lang], "messages")
        if not isinstance(catalog, Translations):
            continue
        if chain is None:
            chain = catalog
        else:
            chain.add_fallback(catalog)
    return chain or NullTranslations()


class LanguageDomain(Domain):
    def get_translations(self):
        code = current_language()
        try:
            return self.cache[code]
        except KeyError:
            self.cache[code] = load_translations(code)
            return self.cache[code]


def init_app(app) -> None:
    babel = Babel(app, locale_selector=lambda: languages.get(current_language()).locale)
    babel.domain_instance = LanguageDomain()
    app.jinja_env.globals.update(current_language=current_language, languages=languages)
    app.jinja_env.filters.update(money=format_money, qty=format_qty, number=format_number)


def _locale() -> str:
    return languages.get(current_language()).locale


def format_number(value: int) -> str:
    return format_decimal(value, locale=_locale())


def format_money(amount: int) -> str:
    """Integer F CFA as the trader reads it: ``1 500 F CFA`` (grouping of her locale)."""
    return f"{format_decimal(amount, locale=_locale())}\u00a0F\u00a0CFA"


def format_qty(milli: int) -> str:
    """A quantity stored in thousandths, shown without trailing zeros (``1,5``, ``3``)."""
    whole, frac = divmod(abs(milli), 1000)
    sign = "-" if milli < 0 else ""
    if frac == 0:
        return sign + format_decimal(whole, locale=_locale())
    text = f"{whole}.{frac:03d}".rstrip("0")
    return sign + format_decimal(text, locale=_locale(), decimal_quantization=False)
