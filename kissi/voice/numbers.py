"""Number words in every kissi language, and how each language says an amount of money.

Amounts are spoken by joining one clip per word, so a number is a list of words
(:func:`words`); the finite set of words a language needs is :func:`vocabulary`, which
the recording studio asks trainers to record.

French, English and Arabic come from num2words. Wolof, Bambara, Dioula and Baoulé follow
the rules below, checked in ``tests/test_voice_numbers.py`` against tables taken from:

- Wolof: jangawolof.org "Numbers" and "Understanding Wolof Numbers"; University of Vigo,
  "Wolof: Numerais" (ñaari téeméer = 200, junni = 1000); the jangawolof blog "Wolof Lim Ak
  Xaalis" (money in dërëm of 5 F: teemeeri dërëm = 500 F, ñaari teemeeri dërëm = 1000 F,
  junni = 5000 F). Counting by fives: juróom benn = 6; 30 is fanweer.
- Bambara: languagesandnumbers.com "Compter en bambara" and An ka taa "Numbers 1-10"
  (kelen ... kɔnɔntɔn, tan, mugan, bisaba, kɛmɛ, kɛmɛ fila, waga kelen; joined with ni).
- Dioula (Jula): University of Wisconsin LCTL "Manding: numbers in context (currency)"
  (35 000 F = drasi waga wolonfila = 7 000 units of 5 F); An ka taa (looru = 5 in Jula).
- Baoulé: Wikipédia "Baoulé (langue)" (kun, nnyɔn ... blu, blu nin kun, ablaɔn, ya, akpi).

Money: ``languages.get(code).money_unit`` says how many F CFA one spoken unit is (5 in
wo, bm, dyu, where the unit word dërëm / dɔrɔmɛ is usually left unsaid).
"""
from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

from .. import languages

NUM2WORDS = {"fr": "fr", "en": "en", "ar": "ar"}


def _split(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-,]+", text.lower()) if w]


# -- Wolof: base five under ten; multiplier before noun takes -i; parts joined with "ak" ----

_WO_UNITS = ["", "benn", "ñaar", "ñett", "ñeent", "juróom"]


def _wo_below_ten(n: int) -> list[str]:
    return [_WO_UNITS[n]] if n <= 5 else ["juróom", _WO_UNITS[n - 5]]


def _wo_below_hundred(n: int) -> list[str]:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return _wo_below_ten(unit)
    if tens == 1:
        head = ["fukk"]
    elif tens == 3:
        head = ["fanweer"]
    else:
        head = [*_wo_below_ten(tens), "fukk"]
    return head + (["ak", *_wo_below_ten(unit)] if unit else [])


def _wo_times(count: int, noun: str) -> list[str]:
    """``count`` of ``noun``: ``téeméer``, ``ñaari téeméer``, ``juróom benni téeméer``."""
    if count == 1:
        return [noun]
    head = _wo(count)
    return [*head[:-1], head[-1] + "i", noun]


def _wo(n: int) -> list[str]:
    if n == 0:
        return ["tus"]
    groups = []
    millions, n = divmod(n, 1_000_000)
    thousands, n = divmod(n, 1000)
    hundreds, n = divmod(n, 100)
    if millions:
        groups.append(_wo_times(millions, "milyoŋ"))
    if thousands:
        groups.append(_wo_times(thousands, "junni"))
    if hundreds:
        groups.append(_wo_times(hundreds, "téeméer"))
    if n:
        groups.append(_wo_below_hundred(n))
    return _joined(groups, "ak")


# -- Manding (Bambara, Dioula): noun before multiplier; parts joined with "ni" -------------

_MANDING = {
    "bm": ["", "kelen", "fila", "saba", "naani", "duuru", "wɔɔrɔ", "wolonwula", "segin", "kɔnɔntɔn"],
    "dyu": ["", "kelen", "fila", "saba", "naani", "looru", "wɔɔrɔ", "wolonfila", "segin", "kɔnɔntɔn"],
}


def _manding_below_hundred(n: int, units: list[str]) -> list[str]:
    tens, unit = divmod(n, 10)
    head = [] if tens == 0 else ["tan"] if tens == 1 else ["mugan"] if tens == 2 else ["bi" + units[tens]]
    if not head:
        return [units[unit]]
    return head + (["ni", units[unit]] if unit else [])


def _manding(n: int, units: list[str]) -> list[str]:
    if n == 0:
        return ["fu"]
    groups = []
    millions, n = divmod(n, 1_000_000)
    thousands, n = divmod(n, 1000)
    hundreds, n = divmod(n, 100)
    if millions:
        groups.append(["miliyɔn", *_manding(millions, units)])
    if thousands:
        groups.append(["waga", *_manding(thousands, units)])
    if hundreds:
        groups.append(["kɛmɛ"] + ([] if hundreds == 1 else _manding(hundreds, units)))
    if n:
        groups.append(_manding_below_hundred(n, units))
    return _joined(groups, "ni")


# -- Baoulé: decimal; noun before multiplier; parts joined with "nin" ---------------------

_BCI_UNITS = ["", "kun", "nnyɔn", "nsan", "nnan", "nnun", "nsiɛn", "nso", "mɔcuɛ", "ngwlan"]
_BCI_TENS = ["", "blu", "ablaɔn", "ablasan", "ablanan", "ablenunn", "ablesiɛn", "ableso",
             "ablaɔcuɛ", "ablangwlan"]


def _bci(n: int) -> list[str]:
    if n == 0:
        return ["hunmin"]  # "nothing"; zero is rarely spoken in a price
    groups = []
    millions, n = divmod(n, 1_000_000)
    thousands, n = divmod(n, 1000)
    hundreds, n = divmod(n, 100)
    if millions:
        groups.append(["milyɔn", *_bci(millions)])
    if thousands:
        groups.append(["akpi"] + ([] if thousands == 1 else _bci(thousands)))
    if hundreds:
        groups.append(["ya"] + ([] if hundreds == 1 else _bci(hundreds)))
    tens, unit = divmod(n, 10)
    if n:
        groups.append(([_BCI_TENS[tens]] if tens else []) + (["nin"] if tens and unit else [])
                      + ([_BCI_UNITS[unit]] if unit else []))
    return _joined(groups, "nin")


def _joined(groups: list[list[str]], conjunction: str) -> list[str]:
    out: list[str] = []
    for group in groups:
        if out:
            out.append(conjunction)
        out.extend(group)
    return out


@lru_cache(maxsize=4096)
def _words(n: int, lang: str) -> tuple[str, ...]:
    if lang in NUM2WORDS:
        return tuple(_split(num2words(n, lang=NUM2WORDS[lang])))
    if lang == "wo":
        return tuple(_wo(n))
    if lang in _MANDING:
        return tuple(_manding(n, _MANDING[lang]))
    if lang == "bci":
        return tuple(_bci(n))
    raise ValueError(f"no number words for {lang}")


def words(n: int, lang: str) -> list[str]:
    """``n`` (a non-negative integer) as the words a speaker of ``lang`` says."""
    if n < 0:
        raise ValueError("negative numbers are not spoken")
    return list(_words(int(n), lang))


def text(n: int, lang: str) -> str:
    return " ".join(words(n, lang))


def money_units(amount: int, lang: str) -> int:
    """How many spoken units ``amount`` F CFA is in ``lang`` (amount // 5 in wo, bm, dyu).

    Prices that are not a multiple of the unit are rare (the smallest coin is 5 F); they
    are rounded to the nearest unit, as a trader would say them.
    """
    unit = languages.get(lang).money_unit
    return (amount + unit // 2) // unit if unit > 1 else amount


def money_words(amount: int, lang: str) -> list[str]:
    """An amount of F CFA as said in ``lang`` (in units of 5 where the language counts so)."""
    return words(money_units(amount, lang), lang)


SPEAKS_NUMBERS = tuple(languages.LANGUAGES)


@lru_cache(maxsize=16)
def vocabulary(lang: str) -> tuple[str, ...]:
    """Every word needed to say any number up to 999 999 999 in ``lang``, in first-use order."""
    seen: dict[str, None] = {}
    # Some languages inflect a multiplier when more follows (Arabic ألفاً, مليونان): the
    # samples include each round thousand and million alone and followed by more.
    samples = [*range(0, 1000)]
    for k in range(1, 1000):
        samples += [k * 1000, k * 1000 + 1, k * 1_000_000, k * 1_000_000 + 1001]
    for n in samples:
        for word in _words(n, lang):
            seen.setdefault(word, None)
    return tuple(seen)
