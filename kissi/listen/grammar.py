"""What the recognizer may hear in a shop: its names, number words and command words.

The grammar is the shop's product names (with plurals and the head word of long names),
its customers' names and each word of them (she says "Kadi", not "Kadi Ouattara"), the
number words of the language and its command, unit, money and market words
(:mod:`kissi.listen.market`). It is rebuilt when the catalog changes and cached by a fingerprint of the names,
so a request costs one small query when nothing changed.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from . import numbers, vocab
from .intents import Catalog, variants

_cache: OrderedDict[tuple, list[str]] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 256


def catalog(db, shop_id: str) -> Catalog:
    """The shop's sellable products and its customers (nothing of another shop)."""
    products = tuple(db.query(
        "select id, name, unit, price from products where shop_id = ? and deleted = 0 and archived = 0"
        " order by name", [shop_id]))
    customers = tuple(db.query(
        "select id, name from customers where shop_id = ? and deleted = 0 order by name", [shop_id]))
    return Catalog(products=products, customers=customers)


def fingerprint(names: Catalog) -> str:
    text = "\n".join(f"{r['id']}\t{r['name']}" for r in (*names.products, *names.customers))
    return hashlib.sha1(text.encode()).hexdigest()


def _spoken(name: str, lang: str) -> set[str]:
    """A name as the recognizer spells words: lower case, accents kept, plus plurals."""
    lowered = " ".join(name.lower().replace("-", " ").split())
    found = {lowered}
    for variant in variants(name, lang):  # plurals, folded: keep those that differ only there
        if variant != vocab.fold(lowered):
            found.add(variant)
    return found


def phrases(names: Catalog, lang: str) -> list[str]:
    """The grammar for ``lang`` (cached by the catalog's fingerprint)."""
    key = (lang, fingerprint(names))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found: set[str] = set()
    for row in names.products:
        found |= _spoken(row["name"], lang)
        words = row["name"].lower().split()
        if len(words) > 1:
            found.add(words[0])
    for row in names.customers:  # "Kadi" or "Ouattara" alone: traders name her by one word
        found |= _spoken(row["name"], lang)
        found.update(row["name"].lower().replace("-", " ").split())
    found.update(w for w in numbers.WORDS.get(lang, {}))
    found.update(vocab.spoken_words(lang))
    result = sorted(p for p in found if p)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result
