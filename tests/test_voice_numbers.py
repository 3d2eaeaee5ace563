"""Number words of every language against tables from published references.

Sources (also cited in kissi/voice/numbers.py): Wolof: jangawolof.org, University of Vigo
"Wolof: Numerais", jangawolof blog "Wolof Lim Ak Xaalis" (money in dërëm); Bambara:
languagesandnumbers.com, An ka taa; Dioula: University of Wisconsin LCTL "Manding:
numbers in context (currency)"; Baoulé: Wikipédia "Baoulé (langue)".
"""
import random

import pytest

from kissi import languages
from kissi.voice import numbers

WOLOF = {
    1: "benn", 2: "ñaar", 3: "ñett", 4: "ñeent", 5: "juróom", 6: "juróom benn",
    7: "juróom ñaar", 8: "juróom ñett", 9: "juróom ñeent", 10: "fukk", 11: "fukk ak benn",
    12: "fukk ak ñaar", 16: "fukk ak juróom benn", 20: "ñaar fukk", 21: "ñaar fukk ak benn",
    26: "ñaar fukk ak juróom benn", 30: "fanweer", 40: "ñeent fukk", 50: "juróom fukk",
    57: "juróom fukk ak juróom ñaar", 60: "juróom benn fukk", 90: "juróom ñeent fukk",
    100: "téeméer", 200: "ñaari téeméer", 1000: "junni",
}
BAMBARA = {
    1: "kelen", 2: "fila", 3: "saba", 4: "naani", 5: "duuru", 6: "wɔɔrɔ", 7: "wolonwula",
    8: "segin", 9: "kɔnɔntɔn", 10: "tan", 11: "tan ni kelen", 15: "tan ni duuru", 20: "mugan",
    30: "bisaba", 40: "binaani", 50: "biduuru", 90: "bikɔnɔntɔn", 100: "kɛmɛ", 200: "kɛmɛ fila",
    900: "kɛmɛ kɔnɔntɔn", 1000: "waga kelen",
}
DIOULA = {
    1: "kelen", 5: "looru", 7: "wolonfila", 10: "tan", 11: "tan ni kelen", 20: "mugan",
    21: "mugan ni kelen", 30: "bisaba", 40: "binaani", 50: "bilooru", 100: "kɛmɛ",
    6000: "waga wɔɔrɔ", 7000: "waga wolonfila",
}
BAOULE = {
    1: "kun", 2: "nnyɔn", 3: "nsan", 4: "nnan", 5: "nnun", 6: "nsiɛn", 7: "nso", 8: "mɔcuɛ",
    9: "ngwlan", 10: "blu", 11: "blu nin kun", 12: "blu nin nnyɔn", 19: "blu nin ngwlan",
    20: "ablaɔn", 21: "ablaɔn nin kun", 30: "ablasan", 40: "ablanan", 90: "ablangwlan", 100: "ya",
}
FRENCH = {21: "vingt et un", 80: "quatre vingts", 1500: "mille cinq cents", 35000: "trente cinq mille"}
ENGLISH = {21: "twenty one", 1500: "one thousand five hundred"}


@pytest.mark.parametrize("lang,table", [("wo", WOLOF), ("bm", BAMBARA), ("dyu", DIOULA),
                                        ("bci", BAOULE), ("fr", FRENCH), ("en", ENGLISH)])
def test_number_words_match_the_reference_tables(lang, table):
    assert {n: numbers.text(n, lang) for n in table} == table


# Money in units of 5 F CFA (wo, bm, dyu), and in francs elsewhere.
MONEY = [
    ("wo", 50, "fukk"), ("wo", 100, "ñaar fukk"), ("wo", 500, "téeméer"),
    ("wo", 1000, "ñaari téeméer"), ("wo", 1500, "ñetti téeméer"),
    ("wo", 3000, "juróom benni téeméer"), ("wo", 5000, "junni"),
    ("wo", 975, "téeméer ak juróom ñeent fukk ak juróom"),
    ("dyu", 5, "kelen"), ("dyu", 55, "tan ni kelen"), ("dyu", 100, "mugan"),
    ("dyu", 105, "mugan ni kelen"), ("dyu", 250, "bilooru"), ("dyu", 500, "kɛmɛ"),
    ("dyu", 30000, "waga wɔɔrɔ"), ("dyu", 35000, "waga wolonfila"),
    ("bm", 1000, "kɛmɛ fila"), ("bm", 35000, "waga wolonwula"),
    ("fr", 1500, "mille cinq cents"), ("bci", 200, "ya nnyɔn"),
]


@pytest.mark.parametrize("lang,amount,said", MONEY)
def test_amounts_are_said_the_way_each_language_counts_money(lang, amount, said):
    assert numbers.text(numbers.money_units(amount, lang), lang) == said
    assert " ".join(numbers.money_words(amount, lang)) == said


def test_money_unit_is_five_francs_exactly_in_wolof_and_manding():
    assert {code for code, lang in languages.LANGUAGES.items() if lang.money_unit == 5} == {"wo", "bm", "dyu"}
    assert numbers.money_units(1000, "wo") == 200 and numbers.money_units(35000, "dyu") == 7000


@pytest.mark.parametrize("lang", list(languages.LANGUAGES))
def test_vocabulary_covers_every_number_a_shop_can_meet(lang):
    vocab = set(numbers.vocabulary(lang))
    rng = random.Random(lang)
    for n in [0, 5, 99, 101, 1001, 2_000_000, 2_001_001, 999_999_999,
              *(rng.randint(0, 999_999_999) for _ in range(400))]:
        assert set(numbers.words(n, lang)) <= vocab, n
    assert len(vocab) < 60  # small enough for a trainer to record


def test_composite_numbers_follow_the_rules():
    assert numbers.text(365, "wo") == "ñetti téeméer ak juróom benn fukk ak juróom"
    assert numbers.text(250_000, "wo") == "ñaari téeméer ak juróom fukki junni"
    assert numbers.text(1_125, "bm") == "waga kelen ni kɛmɛ ni mugan ni duuru"
    assert numbers.text(2_500, "bci") == "akpi nnyɔn nin ya nnun"
