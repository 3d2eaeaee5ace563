"""What a customer reaches without an account: her page, the WhatsApp order, the QR code, the
cooperative's directory. Thin views over :mod:`kissi.public`.

Rules a later developer must know:

- these pages speak the customer's language (``?lang=``, else Accept-Language), never the
  trader's nor a logged-in member's;
- they need no JavaScript and load no script; the order form is a GET to ``/s/<slug>/order``
  that answers a redirect to ``wa.me`` (so her number is never in the HTML unless she shows
  it), and the content policy lets forms go to WhatsApp on these pages only;
- an unpublished page is a 404 at once: answers say ``no-cache``, so nothing stale is kept;
- the page's absolute address (QR codes, Open Graph) is ``PUBLIC_URL`` when set (the hub's
  public address), else the address the request came to.
"""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext

from .. import languages
from ..errors import DomainError, Invalid
from ..i18n import format_money, format_qty
from ..public import card, directory, pages, qr, visits
from ..shop import photos, products
from ..shop.ledger import N_
from ..shop.sales import line_amount
from .auth import role_required
from .database import get_db
from .headers import content_security_policy
from .ratelimit import rate_limited
from .ui import UNIT_LABELS

bp = Blueprint("public", __name__)

WHATSAPP = "https://wa.me/"
MAX_LINES = 40
FORMS_TO = "form-action 'self' https://wa.me https://api.whatsapp.com"


@bp.before_request
def _customer_language():
    chosen = request.args.get("lang")
    g.language = chosen if chosen in languages.LANGUAGES else languages.best_match(
        [tag for tag, _ in request.accept_languages])


@bp.after_request
def _public_headers(response):
    response.headers.setdefault("Cache-Control", "no-cache")
    response.headers["Content-Security-Policy"] = content_security_policy().replace("form-action 'self'", FORMS_TO)
    response.vary.add("Accept-Language")
    return response


def page_url(slug: str) -> str:
    """The page's absolute address, as printed on stickers and shown in link previews."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return f"{base.rstrip('/')}/s/{slug}"


def _page(slug: str, endpoint: str = "public.shop"):
    """The published page of ``slug``; an old slug redirects; anything else is a 404."""
    db = get_db()
    page, current = pages.find_by_slug(db, slug)
    if page is None:
        if current:
            args = {k: v for k, v in request.args.items(multi=False) if k not in ("slug", "name")}
            abort(redirect(url_for(endpoint, slug=current, **args), 301))
        abort(404)
    return db, page


def _render(db, page, error=None, status=200):
    view = pages.public_view(db, page)
    return render_template("public/shop.html", v=view, url=page_url(page["slug"]), error=error), status


@bp.get("/s/<slug>")
def shop(slug):
    db, page = _page(slug)
    visits.count(db, page["shop_id"], "views")
    return _render(db, page)


def order_lines(view: dict, form) -> list[tuple[dict, int]]:
    """``(product, quantity in thousandths)`` the customer asked for: a typed quantity, else 1
    for a ticked product; only products her page shows."""
    lines = []
    for p in view["products"]:
        typed = (form.get(f"q_{p['id']}") or "").strip()
        if typed in ("", "0") and not form.get(f"t_{p['id']}"):
            continue
        lines.append((p, products.parse_qty(typed or "1", p["unit"], f"q_{p['id']}")))
    if not lines:
        raise Invalid("order_empty", N_("Choose at least one product"), "products")
    return lines[:MAX_LINES]


def order_message(view: dict, lines, url: str) -> str:
    """The order as the trader reads it in WhatsApp, in the customer's language."""
    text = [gettext("Hello %(name)s, I would like to order:", name=view["trader"])]
    total = 0
    for p, qty in lines:
        line = f"- {format_qty(qty)} {UNIT_LABELS[p['unit']]} × {p['name']}"
        if view["show_prices"]:
            amount = line_amount(p["price"], qty)
            total += amount
            line += f" = {format_money(amount)}"
        text.append(line)
    if view["show_prices"]:
        text.append(gettext("Total: %(total)s", total=format_money(total)))
    text.append(gettext("From your page: %(url)s", url=url))
    return "\n".join(text)


def whatsapp_link(number_digits: str, message: str) -> str:
    """``https://wa.me/<digits>?text=<message>``, every character but letters and digits escaped."""
    return f"{WHATSAPP}{number_digits}?text={quote(message, safe='')}"


@bp.get("/s/<slug>/order")
def order(slug):
    db, page = _page(slug, "public.order")
    view = pages.public_view(db, page)
    try:
        lines = order_lines(view, request.args)
        number = pages.whatsapp_number(db, page)
    except DomainError as err:
        return _render(db, page, err, err.status)
    visits.count(db, page["shop_id"], "taps")
    return redirect(whatsapp_link(number, order_message(view, lines, page_url(page["slug"]))), 303)


@bp.get("/s/<slug>/qr.png")
@rate_limited("public_files", per_minute="PUBLIC_FILES_PER_MINUTE", burst="PUBLIC_FILES_BURST")
def qr_png(slug):
    _, page = _page(slug, "public.qr_png")
    return send_file(io.BytesIO(qr.qr_png(page_url(page["slug"]))), mimetype="image/png", max_age=3600)


@bp.get("/s/<slug>/card.png")
@rate_limited("public_files", per_minute="PUBLIC_FILES_PER_MINUTE", burst="PUBLIC_FILES_BURST")
def preview(slug):
    """The link preview image (``og:image``): her name, where she is, her first shown photo."""
    db, page = _page(slug, "public.preview")
    view = pages.public_view(db, page)
    shown = next((p["photo"] for p in view["products"] if p["photo"]), None)
    photo = photos.photo_path(current_app.instance_path, shown) if shown else None
    image = card.preview_card(view["shop_name"], " · ".join(filter(None, [view["stall"], view["market"]])), photo)
    return send_file(io.BytesIO(image), mimetype="image/png", max_age=3600)


@bp.get("/s/<slug>/sticker.pdf")
@rate_limited("public_files", per_minute="PUBLIC_FILES_PER_MINUTE", burst="PUBLIC_FILES_BURST")
def sticker(slug):
    db, page = _page(slug, "public.sticker")
    view = pages.public_view(db, page)
    place = " · ".join(filter(None, [view["stall"], view["market"]]))
    pdf = qr.sticker_pdf([{"url": page_url(page["slug"]), "name": view["shop_name"], "place": place,
                           "scan": gettext("Scan to order")}])
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", max_age=3600,
                     download_name=f"{page['slug']}.pdf")


@bp.get("/coop/stickers.pdf")
@role_required("trainer", "admin")
@rate_limited("public_files", per_minute="PUBLIC_FILES_PER_MINUTE", burst="PUBLIC_FILES_BURST")
def coop_stickers():
    """A trainer prints the stickers of every published member of her cooperative at once (an
    admin names the cooperative with ``?cooperative=``), one A6 page each."""
    coop_id = g.user["cooperative_id"] if g.user["role"] == "trainer" else request.args.get("cooperative")
    shops = directory.published_shops(get_db(), coop_id) if coop_id else []
    if not shops:
        abort(404)
    pdf = qr.sticker_pdf([{"url": page_url(s["slug"]), "name": s["name"], "scan": gettext("Scan to order"),
                           "place": " · ".join(filter(None, [s["stall"], s["market"]]))} for s in shops])
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name="stickers.pdf")


@bp.get("/s/<slug>/photos/<name>")
def photo(slug, name):
    """A photo of a product her page shows (names are content hashes: cached for a year)."""
    db, page = _page(slug, "public.shop")
    shown = db.execute("select 1 from products where shop_id = ? and photo = ? and archived = 0 and deleted = 0"
                       " and on_page = 1", [page["shop_id"], name]).fetchone()
    path = photos.photo_path(current_app.instance_path, name) if shown else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=365 * 24 * 3600)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/c/<coop_slug>")
def cooperative(coop_slug):
    db = get_db()
    coop = directory.find_cooperative(db, coop_slug)
    if coop is None:
        abort(404)
    q = (request.args.get("q") or "").strip()[:directory.MAX_QUERY]
    market = (request.args.get("market") or "").strip()[:pages.MAX_PLACE] or None
    found = directory.search(db, coop["id"], q, market) if q else None
    return render_template("public/directory.html", coop=coop, q=q, market=market, found=found,
                           shops=directory.published_shops(db, coop["id"], market),
                           markets=directory.markets(db, coop["id"]))


@bp.record_once
def _limits(state) -> None:
    # The QR, the preview card and the stickers are drawn on each request (Pillow, reportlab):
    # an anonymous client asking in a loop would hold a small board's CPU, so each client
    # address (each account, for a trainer's sheet) may ask for 30 a minute, 10 at once.
    state.app.config.setdefault("PUBLIC_FILES_PER_MINUTE", 30)
    state.app.config.setdefault("PUBLIC_FILES_BURST", 10)
