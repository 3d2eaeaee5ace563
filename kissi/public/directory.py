"""The cooperative's directory: its published traders, and who sells what among them.

Search runs on SQLite FTS5 (``product_search``, tokenizer ``unicode61 remove_diacritics 2``:
case and accents do not count) over product names. Plurals are folded on the query side:
each word loses a French or English plural ending and is searched as a prefix
(``savons`` -> ``savon*``, ``tomatoes`` -> ``tomato*``), so the index needs no stemmer of
its own and rows that arrive by sync are indexed by the triggers like local ones. Only
published pages, shown products that are neither archived nor deleted, and shops of this
cooperative come out; a word is never passed to FTS5 as syntax (it is quoted).
"""
from __future__ import annotations

import re
import unicodedata

import sqlite_utils

from . import pages

MAX_QUERY = 80
MAX_WORDS = 6
LIMIT = 50
_WORD = re.compile(r"\w+", re.UNICODE)


def cooperative_slug(name: str) -> str:
    """A cooperative's slug: its name, without accents, in dashes."""
    return pages.slugify(name)


def find_cooperative(db: sqlite_utils.Database, slug: str) -> dict | None:
    """The cooperative whose name gives ``slug`` (the oldest when two names give the same)."""
    if not isinstance(slug, str) or not pages.SLUG.match(slug):
        return None
    for coop_id, name in db.execute("select id, name from cooperatives where deleted = 0 order by created_at, id"):
        if cooperative_slug(name) == slug:
            return {"id": coop_id, "name": name, "slug": slug}
    return None


def _fold(word: str) -> str:
    """A word without accents and without its plural ending (French and English); searched as
    a prefix, cutting a little too much is harmless (``tomatoes`` -> ``tomat``, which finds
    ``tomate``, ``tomates`` and ``tomato``)."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    for ending, cut in (("eaux", 1), ("aux", 2), ("ies", 3), ("es", 2), ("s", 1), ("x", 1)):
        if word.endswith(ending) and len(word) - cut >= 3:
            return word[:-cut]
    return word


def match_query(text: str) -> str | None:
    """The FTS5 query for what a customer typed: every word, folded, as a quoted prefix."""
    words = [_fold(w) for w in _WORD.findall(str(text or "")[:MAX_QUERY]) if len(w) > 1][:MAX_WORDS]
    words = [w for w in words if w]
    return " ".join(f'"{w}"*' for w in words) if words else None


_PUBLISHED = ("join shop_pages pg on pg.shop_id = p.shop_id and pg.published = 1 and pg.deleted = 0"
              " join shops s on s.id = p.shop_id and s.deleted = 0 and s.cooperative_id = ?")


def published_shops(db: sqlite_utils.Database, cooperative_id: str, market: str | None = None) -> list[dict]:
    """The cooperative's published pages, by name; ``market`` keeps one market's."""
    sql = ("select pg.slug, s.name, pg.market, pg.stall, pg.landmark from shop_pages pg join shops s"
           " on s.id = pg.shop_id where pg.published = 1 and pg.deleted = 0 and s.deleted = 0"
           " and s.cooperative_id = ?")
    params = [cooperative_id]
    if market:
        sql += " and pg.market = ?"
        params.append(market)
    keys = ("slug", "name", "market", "stall", "landmark")
    return [dict(zip(keys, row, strict=True)) for row in db.execute(sql + " order by s.name, pg.slug", params)]


def markets(db: sqlite_utils.Database, cooperative_id: str) -> list[str]:
    return [m for (m,) in db.execute(
        "select distinct pg.market from shop_pages pg join shops s on s.id = pg.shop_id where pg.published = 1"
        " and pg.deleted = 0 and s.deleted = 0 and s.cooperative_id = ? and pg.market is not null"
        " order by pg.market", [cooperative_id])]


def search(db: sqlite_utils.Database, cooperative_id: str, text: str, market: str | None = None,
           limit: int = LIMIT) -> list[dict]:
    """Products matching ``text`` in the cooperative's published shops, best match first."""
    query = match_query(text)
    if query is None:
        return []
    sql = ("select p.id, p.name, p.icon, case when pg.show_prices = 1 then p.price end, pg.slug, s.name,"
           " pg.market, pg.stall from product_search f join products p on p.rowid = f.rowid " + _PUBLISHED +
           " where product_search match ? and p.archived = 0 and p.deleted = 0 and p.on_page = 1")
    params: list = [cooperative_id, query]
    if market:
        sql += " and pg.market = ?"
        params.append(market)
    sql += " order by f.rank, p.name limit ?"
    params.append(limit)
    keys = ("id", "name", "icon", "price", "slug", "shop_name", "market", "stall")
    return [dict(zip(keys, row, strict=True)) for row in db.execute(sql, params)]
