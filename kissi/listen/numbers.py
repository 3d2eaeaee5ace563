"""Numbers heard in a sentence: words ("deux mille cinq cents"), digits ("2500", "2 500",
"1,5") and halves ("un kilo et demi"), as exact integers in thousandths.

Two ways of building numbers from words cover kissi's languages:
- *multiplier after* (French, English, Wolof): "deux cents" = 2 x 100, "mille deux cents"
  = 1000 + 200, "quatre-vingt-dix" = 4 x 20 + 10;
- *base first* (Bambara, Dioula, Baoulé): "kɛmɛ naani" = 100 x 4, "waga wolonfila" =
  1000 x 7; a joining word ("ni", "and") adds instead: "tan ni duuru" = 10 + 5.
In the voice-tag languages, number words arrive as the digits of the tag the trader
recorded ("1000", "7"), so the same rules apply to digits there.
"""
from __future__ import annotations

import re

MILLI = 1000

_FR_UNITS = ("zero un deux trois quatre cinq six sept huit neuf dix onze douze treize "
             "quatorze quinze seize").split()
_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen sixteen seventeen eighteen nineteen").split()

WORDS: dict[str, dict[str, int]] = {
    "fr": {
        **{w: i for i, w in enumerate(_FR_UNITS)}, "une": 1, "zéro": 0,
        "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
        "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
        "cent": 100, "cents": 100, "mille": 1000, "milles": 1000,
        "million": 1_000_000, "millions": 1_000_000,
    },
    "en": {
        **{w: i for i, w in enumerate(_EN_UNITS)}, "twenty": 20, "thirty": 30, "forty": 40,
        "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
        "hundred": 100, "hundreds": 100, "thousand": 1000, "thousands": 1000,
        "million": 1_000_000, "millions": 1_000_000,
    },
}

# Fractions of one unit, in thousandths: "et demi" adds, "trois quarts" multiplies.
FRACTIONS: dict[str, dict[str, int]] = {
    "fr": {"demi": 500, "demie": 500, "quart": 250, "quarts": 250},
    "en": {"half": 500, "quarter": 250, "quarters": 250},
}
# Words that join the parts of one number: "vingt et un", "two hundred and five".
JOINERS: dict[str, set[str]] = {"fr": {"et"}, "en": {"and"}, "wo": {"ak"}, "bm": {"ni"},
                                "dyu": {"ni"}, "bci": {"nin"}}
# "a hundred", "a thousand", "a half": "a" counts as one only before these.
ONE_BEFORE = {"en": {"a": ("hundred", "thousand", "million", "half", "quarter")}}
BASE_FIRST = {"bm", "dyu", "bci"}
# Market French drops "cents" after "mille": "deux mille cinq" is 2 500, never 2 005 (no price
# ends in 5 F after a thousand); kept to a digit word right after "mille", below 100 000.
MARKET_HUNDREDS = {"fr"}
# Words that multiply what comes before them besides hundred: Wolof "ñaar fukk" = 2 x 10.
MULTIPLIERS: dict[str, set[int]] = {"wo": {10, 100}}


def _spoken_words(lang: str) -> dict[str, int]:
    """Number words of the languages kissi speaks but no recognizer knows, from the voice
    output's rules (:mod:`kissi.voice.numbers`), so the words a trainer recorded read back
    as the numbers they say. Wolof multiplier forms ("ñaari" = 2 in "ñaari téeméer") too."""
    from ..voice import numbers as spoken

    table: dict[str, int] = {}
    atoms = [*range(0, 10), *range(10, 100, 10), 100, 1000, 1_000_000]
    for n in atoms:
        said = spoken.words(n, lang)
        if len(said) == 1:
            table.setdefault(said[0], n)
        elif len(said) == 2 and n >= 1000:  # "waga kelen": the base word before "one"
            table.setdefault(said[0], n)
    for word in spoken.vocabulary(lang):
        if word not in table and word.endswith("i") and word[:-1] in table:
            table[word] = table[word[:-1]]
    return table


_tables: dict[str, dict[str, int]] = {}


def words_of(lang: str) -> dict[str, int]:
    """Number words of ``lang`` as written and as folded (no accents: "ñaari" -> "naari")."""
    if lang not in _tables:
        from .vocab import fold

        table = WORDS.get(lang) or (_spoken_words(lang) if lang in ("wo", "bm", "dyu", "bci") else {})
        _tables[lang] = {**{fold(k): v for k, v in table.items()}, **table}
    return _tables[lang]

_DIGITS = re.compile(r"^\d+([.,]\d{1,3})?$")


def word_value(token: str, lang: str) -> int | None:
    """The value of one number word or digit string, in whole units (``None`` if not one)."""
    if token.isdigit():
        return int(token)
    return words_of(lang).get(token)


def is_number_token(token: str, lang: str) -> bool:
    return bool(_DIGITS.match(token)) or token in words_of(lang) or token in FRACTIONS.get(lang, {})


def read(tokens: list[str], start: int, lang: str) -> tuple[int, int] | None:
    """Read the number that starts at ``tokens[start]``.

    Returns ``(value in thousandths, index after it)``, or ``None`` when no number starts
    there. A fraction word right after the number ("deux et demi", "trois quarts") is
    part of it; one after a unit word ("un kilo et demi") is read by :func:`read_fraction`.
    """
    i, n = start, len(tokens)
    words = words_of(lang)
    fractions = FRACTIONS.get(lang, {})
    joiners = JOINERS.get(lang, set())
    if i < n and tokens[i] in ONE_BEFORE.get(lang, {}) and i + 1 < n \
            and tokens[i + 1] in ONE_BEFORE[lang][tokens[i]]:
        tokens = [*tokens[:i], "one", *tokens[i + 1:]]
    if i < n and tokens[i] in fractions:  # "demi kilo", "half a kilo"
        return fractions[tokens[i]], i + 1
    if i < n and _DIGITS.match(tokens[i]) and not tokens[i].isdigit():  # "1,5"
        whole, frac = re.split(r"[.,]", tokens[i])
        value = int(whole) * MILLI + int(frac.ljust(3, "0"))
        return value, i + 1
    values: list[int] = []
    joined: list[bool] = []
    pending_join = False
    while i < n:
        token = tokens[i]
        if values and (token.isdigit() or token in words) \
                and token.isdigit() != tokens[i - 1 - pending_join].isdigit():
            break  # "trois 1500": words and digits never make one number
        if token.isdigit():
            # "2 500": a group of exactly three digits after digits continues the number.
            if values and tokens[i - 1].isdigit() and len(token) == 3 and not pending_join \
                    and lang in ("fr", "en"):
                values[-1] = values[-1] * 1000 + int(token)
                i += 1
                continue
            value = int(token)
        elif token in words:
            value = words[token]
        elif token in joiners and values and i + 1 < n and _joins(tokens[i + 1], values, lang):
            pending_join = True
            i += 1
            continue
        else:
            break
        values.append(value)
        joined.append(pending_join)
        pending_join = False
        i += 1
    if pending_join:
        i -= 1
    if not values:
        return None
    if lang in MARKET_HUNDREDS and len(values) >= 2 and values[-2] == 1000 and 1 <= values[-1] <= 9 \
            and not joined[-1] and not tokens[i - 1].isdigit() and _multiplier_after(values[:-2], {100}) < 100:
        values[-1] *= 100  # "deux mille cinq" = 2 500, "mille deux" = 1 200: how prices are said
    if lang in BASE_FIRST:
        whole = _base_first(values, joined)
    else:
        whole = _multiplier_after(values, MULTIPLIERS.get(lang, {100}))
    value = whole * MILLI
    if i < n and tokens[i] in fractions:
        if fractions[tokens[i]] == 250:  # "trois quarts"
            return whole * 250, i + 1
        if whole == 1:  # "un demi"
            return fractions[tokens[i]], i + 1
    extra = read_fraction(tokens, i, lang)
    if extra:
        value += extra[0]
        i = extra[1]
    return value, i


def read_fraction(tokens: list[str], i: int, lang: str) -> tuple[int, int] | None:
    """``"et demi"`` / ``"and a half"`` at ``tokens[i]``: ``(thousandths, index after)``."""
    fractions = FRACTIONS.get(lang, {})
    joiners = JOINERS.get(lang, set())
    j = i
    if j < len(tokens) and tokens[j] in joiners:
        j += 1
        if j < len(tokens) and tokens[j] == "a":
            j += 1
        if j < len(tokens) and tokens[j] in fractions:
            return fractions[tokens[j]], j + 1
    return None


def _joins(next_token: str, values: list[int], lang: str) -> bool:
    """Whether a joining word continues the number ("vingt et un") rather than the sentence."""
    nxt = word_value(next_token, lang)
    if nxt is None:
        return False
    if lang == "fr":
        return nxt in (1, 11) and values[-1] in (20, 30, 40, 50, 60, 70)
    if lang == "en":
        return values[-1] in (100, 1000, 1_000_000) and nxt < values[-1]
    return True


def _multiplier_after(values: list[int], multipliers: set[int]) -> int:
    total = current = 0
    previous = None
    for value in values:
        if value == 20 and previous == 4 and current % 100 >= 4:  # quatre-vingt(s)
            current += 76
        elif value in multipliers:
            below = current % value
            current = current - below + (below or 1) * value
        elif value >= 1000:
            total += (current or 1) * value
            current = 0
        else:
            current += value
        previous = value
    return total + current


def _base_first(values: list[int], joined: list[bool]) -> int:
    """Manding and Baoulé: "waga bisaba ni looru" = 1000 x (30 + 5); parts come largest
    first ("kɛmɛ fila ni bisaba" = 200 + 30), so a part no smaller than the one before it
    ends the multiplier and starts the next group."""
    value, _ = _below(values, 0, 10 ** 12, joined)
    return value


def _size(value: int) -> int:
    return value if value >= 100 else 10 if value >= 10 else 1


def _below(values: list[int], i: int, limit: int, joined: list[bool]) -> tuple[int, int]:
    total, last = 0, None
    while i < len(values):
        value = values[i]
        if value >= limit or (last is not None and _size(value) >= last):
            break
        i += 1
        if value >= 100:
            times = 0
            if i < len(values) and not joined[i]:  # "kɛmɛ fila" = 200; "kɛmɛ ni fila" = 102
                times, i = _below(values, i, 10 if value == 100 else 1000, joined)
            total += value * (times or 1)
        else:
            total += value
        last = _size(value)
    return total, i
