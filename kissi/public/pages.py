"""Her public page: the record she publishes, its slugs, and what a customer may see of it.

Rules a later developer must know:

- one ``shop_pages`` record per shop, its id derived from the shop's (:func:`page_id`), so
  two devices of her shop that create it offline make the same row and merge per field;
- nothing shows until ``published`` is 1; unpublished, deleted or a deleted shop is "not
  found" (404), never a stale page; archived, deleted or hidden (``on_page = 0``) products
  never show; quantities never leave this module, only in stock / few left / out;
- her phone number is in the answer only when ``show_phone`` is 1; the WhatsApp order
  goes through a redirect, so the number is never in the page's HTML otherwise;
- a slug is short ASCII (``awa-kone-adjame``), unique on this node when it is made, and
  never forgotten: every slug a shop had is a ``shop_slugs`` fact, and an old one
  redirects to the current one. Two nodes that made the same slug offline for two shops
  both keep it; the page made first answers it (:func:`find_by_slug`).
"""
from __future__ import annotations

import re
import unicodedata
import uuid

import sqlite_utils

from ..errors import Invalid, NotFound
from ..shop import ledger, stock
from ..shop.ledger import N_
from ..store import changes, phones
from ..store.db import transaction

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
MAX_SLUG_BASE = 40
_NAMESPACE = uuid.UUID("6f1c7a52-13d0-4c39-9a55-2f7c0e1d9b13")
DAYS = 7
FIELDS = ("published", "market", "stall", "landmark", "open_days", "show_prices", "show_phone", "greeting")
FLAGS = ("published", "show_prices", "show_phone")
MAX_PLACE = 80


def page_id(shop_id: str) -> str:
    """The id of a shop's page record: the same on every node, derived from the shop's id."""
    return str(uuid.uuid5(_NAMESPACE, shop_id))


def slugify(text: str) -> str:
    """``"Awa Koné, Adjamé"`` -> ``"awa-kone-adjame"``: ASCII letters and digits joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG_BASE].strip("-") or "boutique"


def _taken(db, slug: str, shop_id: str) -> bool:
    return db.execute("select 1 from shop_pages where slug = ? and shop_id != ? union all"
                      " select 1 from shop_slugs where slug = ? and shop_id != ? limit 1",
                      [slug, shop_id, slug, shop_id]).fetchone() is not None


def unique_slug(db: sqlite_utils.Database, shop_id: str, text: str) -> str:
    """A slug for ``text`` that no other shop holds or ever held on this node (``-2``, ``-3``...)."""
    base = slugify(text)
    slug, n = base, 1
    while _taken(db, slug, shop_id):
        n += 1
        slug = f"{base}-{n}"
    return slug


def owner(db: sqlite_utils.Database, shop_id: str) -> dict | None:
    """The trader of the shop (her name and E.164 phone), the oldest live account first."""
    row = db.execute("select name, phone from users where shop_id = ? and role = 'trader' and deleted = 0"
                     " order by created_at, id limit 1", [shop_id]).fetchone()
    return {"name": row[0], "phone": row[1]} if row else None


def _shape(row) -> dict:
    page = dict(row)
    page["days"] = [c == "1" for c in page["open_days"]]
    return page


def get_page(db: sqlite_utils.Database, shop_id: str) -> dict | None:
    """Her page record as stored (published or not), or None when she never made one."""
    rows = list(db.query("select * from shop_pages where id = ? and deleted = 0", [page_id(shop_id)]))
    return _shape(rows[0]) if rows else None


def ensure_page(db: sqlite_utils.Database, shop_id: str, *, market=None) -> dict:
    """Her page record, made unpublished (slug from her name and market) on first call."""
    page = get_page(db, shop_id)
    if page is not None:
        return page
    shop = ledger.shop(db, shop_id)
    person = owner(db, shop_id)
    market = ledger.check_text(market, "market", limit=MAX_PLACE)
    with transaction(db):
        slug = unique_slug(db, shop_id, " ".join(filter(None, [(person or shop)["name"], market])))
        changes.insert_record(db, "shop_pages", {
            "id": page_id(shop_id), "shop_id": shop_id, "published": 0, "slug": slug, "market": market,
            "created_at": changes.utc_now()})
        changes.insert_fact(db, "shop_slugs", {"shop_id": shop_id, "slug": slug, "at": changes.utc_now()})
    return get_page(db, shop_id)


def _check_days(value) -> str:
    if isinstance(value, (list, tuple)):
        value = "".join("1" if d else "0" for d in value)
    if not isinstance(value, str) or not re.fullmatch(r"[01]{7}", value):
        raise Invalid("bad_days", N_("Choose the days the shop is open"), "open_days")
    return value


def _check_flag(value, field) -> int:
    if value in (0, 1, True, False):
        return int(value)
    raise Invalid("bad_choice", N_("Choose yes or no"), field)


def check_phone_for_page(db: sqlite_utils.Database, shop_id: str) -> str:
    """Her number as WhatsApp wants it; checked when she publishes, not when a customer taps."""
    person = owner(db, shop_id)
    phone = (person or {}).get("phone") or ""
    try:
        normal = phones.e164(phone, phones.cooperative_country(db, ledger.shop(db, shop_id)["cooperative_id"]))
    except Invalid:
        normal = None
    if normal is None or normal != phone:
        raise Invalid("page_bad_phone", N_("Your phone number is not right: ask your trainer to correct it"),
                      "phone")
    return normal


def update_page(db: sqlite_utils.Database, shop_id: str, **fields) -> dict:
    """Change what her page shows; publishing checks her phone number first."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown page fields {sorted(unknown)}")
    clean = {}
    for field, value in fields.items():
        if field in FLAGS:
            clean[field] = _check_flag(value, field)
        elif field == "open_days":
            clean[field] = _check_days(value)
        elif field == "greeting":
            if value is not None and not _is_clip(db, shop_id, value):
                raise Invalid("bad_greeting", N_("This recording is not one of yours"), "greeting")
            clean[field] = value
        else:
            clean[field] = ledger.check_text(value, field, limit=MAX_PLACE)
    with transaction(db):
        page = ensure_page(db, shop_id)
        if clean.get("published"):
            check_phone_for_page(db, shop_id)
        changes.update_record(db, "shop_pages", page["id"], clean)
    return get_page(db, shop_id)


def _is_clip(db, shop_id, recording_id) -> bool:
    """Whether ``recording_id`` is one of her own recordings (a greeting in her voice)."""
    return isinstance(recording_id, str) and db.execute(
        "select 1 from voice_recordings where id = ? and shop_id = ? and deleted = 0",
        [recording_id, shop_id]).fetchone() is not None


def rename_slug(db: sqlite_utils.Database, shop_id: str, text) -> dict:
    """Give her page a new address; the old one keeps working (it redirects)."""
    text = ledger.check_name(text, "slug")
    with transaction(db):
        page = ensure_page(db, shop_id)
        slug = unique_slug(db, shop_id, text)
        if slug != page["slug"]:
            changes.update_record(db, "shop_pages", page["id"], {"slug": slug})
            if not db.execute("select 1 from shop_slugs where shop_id = ? and slug = ?", [shop_id, slug]).fetchone():
                changes.insert_fact(db, "shop_slugs", {"shop_id": shop_id, "slug": slug, "at": changes.utc_now()})
    return get_page(db, shop_id)


def show_product(db: sqlite_utils.Database, shop_id: str, product_id: str, shown: bool) -> None:
    """Show or hide one of her products on her page (a product field: it merges like the others)."""
    if db.execute("select 1 from products where id = ? and shop_id = ? and deleted = 0",
                  [product_id, shop_id]).fetchone() is None:
        raise NotFound("product", "product_id")
    changes.update_record(db, "products", product_id, {"on_page": 1 if shown else 0})


def find_by_slug(db: sqlite_utils.Database, slug: str) -> tuple[dict | None, str | None]:
    """``(published page, None)`` for a current slug, ``(None, current slug)`` for an old one
    of a published page, ``(None, None)`` otherwise (unknown, hostile or unpublished)."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        return None, None
    rows = list(db.query(
        "select pg.* from shop_pages pg join shops s on s.id = pg.shop_id where pg.slug = ? and pg.deleted = 0"
        " and s.deleted = 0 order by pg.created_at, pg.id limit 1", [slug]))
    if rows:
        page = _shape(rows[0])
        return (page, None) if page["published"] else (None, None)
    found = db.execute(
        "select pg.slug from shop_slugs o join shop_pages pg on pg.shop_id = o.shop_id join shops s on s.id = o.shop_id"
        " where o.slug = ? and pg.published = 1 and pg.deleted = 0 and s.deleted = 0 order by o.at limit 1",
        [slug]).fetchone()
    return None, (found[0] if found else None)


def availability(level: int, low_stock: int) -> str:
    """``in``, ``few`` or ``out``: what a customer may know of her stock (never the quantity)."""
    if level <= 0:
        return "out"
    return "few" if low_stock and level <= low_stock else "in"


def shown_products(db: sqlite_utils.Database, page: dict) -> list[dict]:
    """Her products on the page: not archived, not hidden; price only if she shows prices."""
    levels = stock.stock_levels(db, page["shop_id"])
    rows = db.execute("select id, name, unit, price, icon, photo, low_stock from products"
                      " where shop_id = ? and archived = 0 and deleted = 0 and on_page = 1"
                      " order by name collate nocase, id", [page["shop_id"]]).fetchall()
    return [{"id": pid, "name": name, "unit": unit, "price": price if page["show_prices"] else None,
             "icon": icon, "photo": photo, "availability": availability(levels.get(pid, 0), low)}
            for pid, name, unit, price, icon, photo, low in rows]


def public_view(db: sqlite_utils.Database, page: dict) -> dict:
    """Everything the public page shows, and nothing more."""
    shop = ledger.shop(db, page["shop_id"])
    person = owner(db, page["shop_id"]) or {}
    return {
        "slug": page["slug"], "shop_name": shop["name"], "trader": person.get("name") or shop["name"],
        "market": page["market"], "stall": page["stall"], "landmark": page["landmark"], "days": page["days"],
        "show_prices": bool(page["show_prices"]), "greeting": page["greeting"],
        "phone": person.get("phone") if page["show_phone"] else None,
        "products": shown_products(db, page), "cooperative_id": shop["cooperative_id"],
    }


def whatsapp_number(db: sqlite_utils.Database, page: dict) -> str:
    """Her number as wa.me wants it: the E.164 digits without ``+``."""
    return check_phone_for_page(db, page["shop_id"]).lstrip("+")
