"""Numbers heard in every language read back to the value the voice output speaks.

The voice output (kissi.voice.numbers) says numbers as words in each language; a number
recorded as voice tags and heard back must read as the same value, in every language.
"""
from __future__ import annotations

import pytest

from kissi import languages
from kissi.listen.intents import Catalog, parse
from kissi.listen.numbers import MARKET_HUNDREDS, read
from kissi.voice import numbers as spoken

SAMPLES = [*range(0, 1200), 1500, 2500, 7000, 12500, 15000, 20000, 35000, 45500, 100000,
           200000, 250000, 999999, 1234567]


def _heard_as(n: int, words: list[str], lang: str) -> int:
    """What a market ear makes of ``words``: in French "mille deux" is 1 200, not 1 002."""
    if lang in MARKET_HUNDREDS and len(words) >= 2 and words[-2] == "mille" and 1 <= n % 1000 <= 9 \
            and n < 100_000:
        return n + 99 * (n % 1000)
    return n


@pytest.mark.parametrize("lang", sorted(languages.LANGUAGES.keys() - {"ar"}))
def test_spoken_numbers_read_back(lang):
    for n in SAMPLES:
        words = spoken.words(n, lang)
        assert read(words, 0, lang) == (_heard_as(n, words, lang) * 1000, len(words)), (lang, n, words)


@pytest.mark.parametrize("said,value", [
    ("deux mille cinq", 2500), ("mille deux", 1200), ("mille cinq", 1500), ("dix mille cinq", 10500),
    ("mille cinq cents", 1500), ("deux mille cinq cents", 2500), ("cinq mille", 5000),
    ("deux mille vingt", 2020), ("cent mille cinq", 100005), ("mille", 1000),
])
def test_market_french_drops_cents_after_mille(said, value):
    assert read(said.split(), 0, "fr")[0] == value * 1000


@pytest.mark.parametrize("lang,words,value", [
    ("dyu", "waga bisaba ni looru", 35000),
    ("dyu", "waga wolonfila", 7000),
    ("bm", "kɛmɛ naani", 400),
    ("wo", "ñaari téeméer", 200),
    ("wo", "juróom benn", 6),
    ("bci", "ya nnyɔn", 200),
])
def test_number_words_of_languages_without_a_recognizer(lang, words, value):
    assert read(words.split(), 0, lang)[0] == value * 1000


CATALOG = Catalog(products=({"id": "p1", "name": "Safunɛ"},), customers=({"id": "c1", "name": "Awa"},))


@pytest.mark.parametrize("lang,heard,francs", [
    ("wo", "Awa ñaari téeméer", 1000),  # 200 dërëm = 1 000 F
    ("dyu", "Awa waga wolonfila", 35000),  # 7 000 dɔrɔmɛ = 35 000 F
    ("bm", "Awa kɛmɛ", 500),
    ("bci", "Awa ya", 100),  # Baoulé counts in francs
    ("fr", "Awa cent", 100),
])
def test_heard_amounts_become_francs(lang, heard, francs):
    intent = parse(heard, lang, CATALOG)
    assert (intent.action, intent.customer_id, intent.amount) == ("repay", "c1", francs)


def test_quantities_are_never_multiplied_by_the_money_unit():
    intent = parse("safunɛ saba", "dyu", CATALOG)
    assert (intent.action, intent.qty, intent.amount) == ("sell", 3000, None)
