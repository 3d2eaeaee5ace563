"""The languages kissi speaks, defined in one place.

The app's language (what the trader speaks: ``dyu``, ``bci``...) is kept apart from the
formatting locale Babel uses for digits and dates (``fr_CI``...), because Babel knows
neither Dioula nor Baoulé. Each language has a fallback chain for text and audio, and says
how its speakers count money: in Wolof and the Manding languages market prices are
counted in units of 5 F CFA (dërëm / dɔrɔmɛ).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # the language's own name, shown beside its icon
    locale: str  # Babel formatting locale
    fallbacks: tuple[str, ...] = ()
    rtl: bool = False
    money_unit: int = 1  # spoken amounts are counted in units of this many F CFA
    picture: str = "🗣️"  # beside its name on the language page: no flag (a language is not a country)

    @property
    def chain(self) -> tuple[str, ...]:
        """This language then its fallbacks, for text and for audio."""
        return (self.code, *self.fallbacks)


DEFAULT = "fr"

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("fr", "Français", "fr_CI", picture="🥖"),
        Language("en", "English", "en", picture="🫖"),  # source strings are English: no fallback
        Language("ar", "العربية", "ar_DZ", ("fr",), rtl=True, picture="🌴"),
        Language("wo", "Wolof", "fr_SN", ("fr",), money_unit=5, picture="🦁"),
        Language("bm", "Bamanankan", "fr_ML", ("fr",), money_unit=5, picture="🦛"),  # Mali: the hippo
        Language("dyu", "Julakan", "fr_CI", ("bm", "fr"), money_unit=5, picture="🥁"),
        Language("bci", "Wawle", "fr_CI", ("fr",), picture="🎭"),
    )
}


def get(code: str | None) -> Language:
    """The language for ``code``, or the default when unknown."""
    return LANGUAGES.get(code or "", LANGUAGES[DEFAULT])


def best_match(accept: list[str]) -> str:
    """First supported language among ``accept`` (e.g. an Accept-Language list), else default."""
    for tag in accept:
        code = tag.lower().replace("_", "-").split("-")[0]
        if code in LANGUAGES:
            return code
    return DEFAULT
