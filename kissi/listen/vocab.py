"""The words a spoken command is made of, per language: commands, units, money, fillers.

Number words are in :mod:`kissi.listen.numbers`. Together with the shop's product and
customer names these make the Vosk grammar (:mod:`kissi.listen.grammar`) and drive the
intent parser (:mod:`kissi.listen.intents`). Text is compared lower-case and without
accents (see :func:`fold`), so "reçu" and "recu" are the same word.

Voice tags speak no language kissi can spell: a recorded command word comes back as its
key with an ``@`` (``@sell``), understood in every language.
"""
from __future__ import annotations

import re
import unicodedata

from . import market

# What a command word asks for. Keys are the intents' verbs.
COMMANDS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "sell": ("vends", "vend", "vendu", "vendue", "vendus", "vendues", "vendre", "vente",
                 "vendez", "vendons"),
        "restock": ("ajoute", "ajouter", "ajoutes", "ajouté", "ajoutés", "reçu", "reçus",
                    "reçue", "arrivé", "arrivés", "arrivage", "acheté", "achetés", "rentré",
                    "rentrés", "rentrée", "approvisionnement", "réapprovisionne", "livraison",
                    "livré", "livrés"),
        "repay": ("rembourse", "remboursé", "remboursement", "rembourser", "payé", "payée",
                  "paie", "paye", "payer", "versé", "réglé", "règlement", "soldé"),
        "credit": ("crédit", "dette", "doit"),
        "ask": ("combien", "quel", "quelle", "quels", "quelles", "qui", "reste", "restent", "total", "bilan"),
        "today": ("aujourd'hui", "jour", "journée", "recette", "total", "bilan", "gagné"),
        "owe": ("doit", "doivent", "dettes", "dette", "crédits", "crédit"),
        "stock": ("stock", "reste", "restent"),
        "each": ("chacun", "chacune", "pièce", "unité", "par", "le", "la", "l'"),
        "cancel": ("annule", "annuler", "non"),
        "yes": ("oui", "confirme", "valide", "d'accord"),
    },
    "en": {
        "sell": ("sell", "sold", "sale", "selling", "sells"),
        "restock": ("restock", "restocked", "received", "receive", "bought", "buy", "add",
                    "added", "got", "delivery", "delivered", "arrived"),
        "repay": ("paid", "pays", "repaid", "repay", "repays", "payment", "settled"),
        "credit": ("credit", "debt", "owes", "tab"),
        "ask": ("how", "what", "who", "total", "left"),
        "today": ("today", "today's", "todays", "day", "total", "takings", "earned", "made"),
        "owe": ("owes", "owe", "debts", "debt", "credit", "owing"),
        "stock": ("stock", "left", "remaining", "remain"),
        "each": ("each", "apiece", "per", "a"),
        "cancel": ("cancel", "no"),
        "yes": ("yes", "confirm", "ok"),
    },
}

UNITS: dict[str, dict[str, str]] = {
    "fr": {"kilo": "kg", "kilos": "kg", "kg": "kg", "kilogramme": "kg", "kilogrammes": "kg",
           "litre": "litre", "litres": "litre", "sac": "bag", "sacs": "bag", "tas": "heap",
           "paquet": "box", "paquets": "box",
           "pièce": "piece", "pièces": "piece", "bouteille": "piece", "bouteilles": "piece",
           "boîte": "box", "boîtes": "box"},
    "en": {"kilo": "kg", "kilos": "kg", "kg": "kg", "kilogram": "kg", "kilograms": "kg",
           "litre": "litre", "litres": "litre", "liter": "litre", "liters": "litre",
           "bag": "bag", "bags": "bag", "heap": "heap", "heaps": "heap", "box": "box",
           "boxes": "box", "pack": "box", "packs": "box", "piece": "piece", "pieces": "piece",
           "bottle": "piece", "bottles": "piece"},
}

MONEY: dict[str, tuple[str, ...]] = {
    "fr": ("franc", "francs", "f", "fcfa", "cfa", "balle", "balles"),
    "en": ("franc", "francs", "f", "fcfa", "cfa"),
}
# Small words a sentence may carry; in the grammar so they do not turn into product names.
FILLERS: dict[str, tuple[str, ...]] = {
    "fr": ("je", "j'ai", "ai", "il", "elle", "a", "de", "du", "des", "d'", "le", "la", "les",
           "l'", "un", "une", "et", "à", "au", "pour", "en", "me", "m'a", "est", "sont", "y",
           "ce", "qu'est-ce", "que", "mes", "mon", "ma", "madame", "maman", "tantie", "ça",
           "prix", "chez", "du", "aux"),
    "en": ("i", "i've", "have", "has", "the", "a", "an", "of", "and", "to", "for", "me",
           "my", "is", "are", "it", "there", "much", "many", "did", "do", "does", "at",
           "from", "by", "price"),
}

# The market's words (see :mod:`kissi.listen.market`) join the tables above.
for _lang, _extra in (("fr", market.FRENCH), ("en", market.ENGLISH)):
    for _key, _words in _extra.items():
        COMMANDS[_lang][_key] = tuple(dict.fromkeys((*COMMANDS[_lang].get(_key, ()), *_words)))
for _lang, _units in market.UNITS.items():
    UNITS[_lang] = {**UNITS[_lang], **_units}
for _lang, _fillers in market.FILLERS.items():
    FILLERS[_lang] = tuple(dict.fromkeys((*FILLERS[_lang], *_fillers)))
VAGUE_MONEY = market.VAGUE_MONEY


def fold(text: str) -> str:
    """Lower-case, accents removed, apostrophes and hyphens as spaces: how words compare."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[’'`\-]", " ", text)


def tokens(text: str) -> list[str]:
    """The words of ``text`` for parsing: folded, punctuation dropped; "2 500" and "1,5" kept."""
    text = re.sub(r"(\d)[.,](\d)", r"\1DECIMAL\2", fold(text))
    words = re.findall(r"[@\w]+", text)
    return [w.replace("DECIMAL", ",") for w in words]


_folded: dict[tuple[str, int], set[str]] = {}


def folded(words, key=None) -> set[str]:
    """The folded single words of a word list (cached by identity: the tables are constants)."""
    cache_key = (key or "", id(words))
    if cache_key not in _folded:
        _folded[cache_key] = {part for w in words for part in tokens(w)}
    return _folded[cache_key]


def command_of(token: str, lang: str) -> set[str]:
    """The command keys ``token`` stands for (``@sell`` from a voice tag: {"sell"})."""
    if token.startswith("@"):
        return {token[1:]}
    return {key for key, words in COMMANDS.get(lang, {}).items() if token in folded(words)}


_phrases: dict[str, dict[tuple[str, ...], set[str]]] = {}


def phrases_of(lang: str) -> dict[tuple[str, ...], set[str]]:
    """Multi-word command phrases of ``lang`` as folded token tuples: ``("va", "payer")``."""
    if lang not in _phrases:
        _phrases[lang] = {tuple(tokens(text)): set(keys) for text, keys in market.PHRASES.get(lang, {}).items()}
    return _phrases[lang]


def units_of(lang: str) -> dict[str, str]:
    return {part: unit for word, unit in UNITS.get(lang, {}).items() for part in tokens(word)}


def spoken_words(lang: str) -> list[str]:
    """Every command, unit, money and filler word of ``lang``, as the recognizer spells them."""
    words: set[str] = set(FILLERS.get(lang, ()))
    for group in COMMANDS.get(lang, {}).values():
        words.update(group)
    words.update(UNITS.get(lang, {}))
    words.update(MONEY.get(lang, ()))
    words.update(VAGUE_MONEY.get(lang, ()))
    words.update(w for phrase in market.PHRASES.get(lang, {}) for w in phrase.lower().split())
    return sorted(words)
