"""Her public page: publishing, slugs, what shows and what never does, the WhatsApp order."""
from __future__ import annotations

import gzip
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from factories import logged_in, make_cooperative, make_product, make_user
from kissi.coop import members
from kissi.errors import Invalid
from kissi.public import pages, visits
from kissi.shop import products, stock
from kissi.store import changes
from web_helpers import awa, shop_ids  # noqa: F401 (fixtures)


def publish(db, shop_id, **fields):
    return pages.update_page(db, shop_id, published=1, **fields)


def customer(app, lang="fr"):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


def test_nothing_is_public_until_she_publishes(app, db, trader, shop_ids):
    page = pages.ensure_page(db, trader["shop_id"])
    assert customer(app).get(f"/s/{page['slug']}").status_code == 404
    publish(db, trader["shop_id"])
    assert customer(app).get(f"/s/{page['slug']}").status_code == 200


def test_unpublishing_answers_404_at_once_not_a_stale_page(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    reader = customer(app)
    first = reader.get(f"/s/{slug}")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    pages.update_page(db, trader["shop_id"], published=0)
    assert reader.get(f"/s/{slug}").status_code == 404
    assert reader.get(f"/s/{slug}/qr.png").status_code == 404


def test_slug_is_short_ascii_from_her_name_and_market(db):
    coop = make_cooperative(db)
    awa_ = make_user(db, cooperative_id=coop["id"], name="Awa Koné")
    page = pages.ensure_page(db, awa_["shop_id"], market="Adjamé")
    assert page["slug"] == "awa-kone-adjame" and pages.SLUG.match(page["slug"])


def test_two_traders_with_the_same_name_get_distinct_slugs(db):
    coop = make_cooperative(db)
    first, second = (make_user(db, cooperative_id=coop["id"], name="Awa Koné") for _ in range(2))
    slugs = {pages.ensure_page(db, u["shop_id"], market="Adjamé")["slug"] for u in (first, second)}
    assert slugs == {"awa-kone-adjame", "awa-kone-adjame-2"}


def test_an_old_slug_redirects_to_the_new_one_after_a_rename(app, db, trader, shop_ids):
    old = publish(db, trader["shop_id"])["slug"]
    new = pages.rename_slug(db, trader["shop_id"], "Boutique Awa Treichville")["slug"]
    assert new == "boutique-awa-treichville" != old
    answer = customer(app).get(f"/s/{old}")
    assert answer.status_code == 301 and answer.headers["Location"].endswith(f"/s/{new}")
    assert customer(app).get(f"/s/{new}").status_code == 200
    hostile = customer(app).get(f"/s/{old}/order", query_string={"slug": "x", "name": "y", "t_z": "1"})
    assert hostile.status_code == 301 and f"/s/{new}/order?" in hostile.headers["Location"]
    # nobody else can take the old address: it still leads to her
    other = make_user(db, cooperative_id=make_cooperative(db, "Coop B")["id"], name=trader["name"])
    assert pages.rename_slug(db, other["shop_id"], old)["slug"] == f"{old}-2"


def test_the_page_id_is_the_same_on_every_node_so_offline_creations_merge(db, trader):
    page = pages.ensure_page(db, trader["shop_id"])
    assert page["id"] == pages.page_id(trader["shop_id"])


@pytest.mark.parametrize("slug", ["../etc/passwd", "..%2F..%2Fsecret", "a" * 60, "Awa", "awa_kone", "-awa",
                                  "<script>"])
def test_hostile_slugs_are_not_found(app, db, trader, shop_ids, slug):
    publish(db, trader["shop_id"])
    assert customer(app).get(f"/s/{slug}").status_code == 404
    assert pages.find_by_slug(db, slug) == (None, None)


def test_availability_shows_in_stock_few_left_or_out_never_quantities(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    # soap: 10 in, 2 sold (the third sale was voided) -> 8 left, alert at 5: in stock
    stock.record_loss(db, trader["shop_id"], shop_ids["soap"], 4000)  # 4 left: few
    html = customer(app, "en").get(f"/s/{slug}").get_data(as_text=True)
    assert "Few left" in html and "Out of stock" in html and "In stock" in html  # oil: never stocked
    level = stock.stock_level(db, trader["shop_id"], shop_ids["rice"])
    assert level == 22_500 and "22,5" not in html and "22.5" not in html and ">22<" not in html


def test_archived_and_hidden_products_never_show(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    products.archive_product(db, trader["shop_id"], shop_ids["rice"])
    pages.show_product(db, trader["shop_id"], shop_ids["oil"], False)
    html = customer(app).get(f"/s/{slug}").get_data(as_text=True)
    assert "Savon" in html and "Riz" not in html and "Huile" not in html
    photo = customer(app).get(f"/s/{slug}/photos/{shop_ids['photo']}")
    assert photo.status_code == 404  # the hidden product's photo is not served either
    pages.show_product(db, trader["shop_id"], shop_ids["oil"], True)
    shown = customer(app).get(f"/s/{slug}/photos/{shop_ids['photo']}")
    assert shown.status_code == 200 and "immutable" in shown.headers["Cache-Control"]


def test_her_phone_is_in_the_html_only_when_she_shows_it(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    digits = trader["phone"][-8:]
    html = customer(app).get(f"/s/{slug}").get_data(as_text=True)
    assert digits not in html and "tel:" not in html
    pages.update_page(db, trader["shop_id"], show_phone=1)
    html = customer(app).get(f"/s/{slug}").get_data(as_text=True)
    assert digits in html and "tel:+225" in html


def test_prices_hidden_when_she_chooses(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"], show_prices=0)["slug"]
    html = customer(app).get(f"/s/{slug}").get_data(as_text=True)
    assert "F\u00a0CFA" not in html


def test_html_in_names_is_escaped_everywhere_including_open_graph(app, db):
    coop = make_cooperative(db)
    user = make_user(db, cooperative_id=coop["id"], name='Awa "><script>alert(1)</script>')
    changes.update_record(db, "shops", user["shop_id"], {"name": 'Awa "><img src=x onerror=alert(1)>'})
    make_product(db, {"id": user["shop_id"]}, name="<b>Savon</b>")
    slug = publish(db, user["shop_id"], market='Adj"amé<i>', landmark="<script>x</script>")["slug"]
    html = customer(app).get(f"/s/{slug}").get_data(as_text=True)
    assert "<script>" not in html and "<img src=x" not in html and "<b>Savon" not in html and "<i>" not in html
    og = re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)
    assert og == "Awa &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_the_page_speaks_the_customers_language_not_the_traders(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    assert "Order by WhatsApp" in customer(app, "en-GB,en;q=0.8").get(f"/s/{slug}").get_data(as_text=True)
    assert "Commander par WhatsApp" in customer(app, "fr-CI").get(f"/s/{slug}").get_data(as_text=True)
    assert "Order by WhatsApp" in customer(app, "fr").get(f"/s/{slug}?lang=en").get_data(as_text=True)


def test_the_page_with_30_products_fits_14_kb_gzipped_and_loads_no_script(app, db, trader):
    for i in range(30):
        make_product(db, {"id": trader["shop_id"]}, name=f"Produit numéro {i} de qualité", price=100 + i)
    slug = publish(db, trader["shop_id"], market="Adjamé", stall="B12", landmark="Près de la mosquée")["slug"]
    answer = customer(app).get(f"/s/{slug}", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip" and len(answer.data) <= 14 * 1024
    html = gzip.decompress(answer.data).decode()
    assert html.count('name="q_') == 30 and "<script" not in html


def test_publishing_refuses_a_phone_that_is_not_a_number(app, db, trader):
    db.execute("update users set phone = '12' where id = ?", [trader["id"]])
    with pytest.raises(Invalid) as caught:
        publish(db, trader["shop_id"])
    assert caught.value.code == "page_bad_phone"
    assert pages.get_page(db, trader["shop_id"]) is None  # one transaction: nothing was written


# -- the WhatsApp order -------------------------------------------------------------------------

def order(app, slug, lang, **params):
    answer = customer(app, lang).get(f"/s/{slug}/order", query_string=params)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    url = answer.headers["Location"]
    parts = urlsplit(url)
    return parts, parse_qs(parts.query)["text"][0], url


@pytest.mark.parametrize("country, typed, digits", [
    ("CI", "07 01 02 03 04", "2250701020304"), ("SN", "77 123 45 67", "221771234567"),
    ("ML", "65 01 23 45", "22365012345"), ("BF", "70 12 34 56", "22670123456"),
    ("TG", "90 12 34 56", "22890123456"), ("DZ", "0551 23 45 67", "213551234567"),
])
def test_whatsapp_link_goes_to_her_number_in_each_country(app, db, country, typed, digits):
    coop = members.create_cooperative(db, f"Coop {country}", region="x")
    changes.update_record(db, "cooperatives", coop["id"], {"country": country})
    user = members.add_user(db, role="trader", phone=typed, pin="2468", name="Awa", cooperative_id=coop["id"])
    soap = make_product(db, {"id": user["shop_id"]}, name="Savon", price=250)
    slug = publish(db, user["shop_id"])["slug"]
    parts, _text, _ = order(app, slug, "fr", **{f"t_{soap['id']}": "1"})
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", f"/{digits}")


@pytest.mark.parametrize("lang, hello, total", [
    ("fr", "Bonjour", "Total"), ("en", "Hello", "Total"), ("ar", "مرحبا", "المجموع"),
])
def test_whatsapp_message_in_the_customers_language_with_the_right_total(app, db, trader, shop_ids, lang, hello,
                                                                          total):
    slug = publish(db, trader["shop_id"])["slug"]
    _, text, _ = order(app, slug, lang, **{f"q_{shop_ids['soap']}": "3", f"q_{shop_ids['rice']}": "1,5",
                                           f"t_{shop_ids['oil']}": "1"})
    assert text.startswith(hello) and total in text
    # 3 x 250 + 1.5 kg x 600 + 1 x 1500 = 3150
    assert re.search(r"3\D?150", text.splitlines()[-2]), text
    assert f"/s/{slug}" in text.splitlines()[-1]


def test_whatsapp_text_escapes_accents_apostrophes_and_line_breaks(app, db):
    coop = make_cooperative(db)
    user = make_user(db, cooperative_id=coop["id"], name="Adjoua N'Guessan")
    cloth = make_product(db, {"id": user["shop_id"]}, name="Pagne wax « élégance » & co", price=6000)
    slug = publish(db, user["shop_id"])["slug"]
    _, text, url = order(app, slug, "fr", **{f"q_{cloth['id']}": "2"})
    query = urlsplit(url).query
    assert "\n" not in url and "'" not in query and " " not in query and "&co" not in query
    assert "%0A" in query and "%27" in query and "%C3%A9" in query and "%26" in query
    assert unquote(query.partition("=")[2]) == text and "N'Guessan" in text and "12\u202f000" in text


def test_an_order_of_nothing_is_refused_on_the_page(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    answer = customer(app, "en").get(f"/s/{slug}/order")
    assert answer.status_code == 422 and "Choose at least one product" in answer.get_data(as_text=True)


def test_views_and_taps_are_counted_per_day_without_cookie_and_shown_on_her_month(app, db, trader, shop_ids):
    slug = publish(db, trader["shop_id"])["slug"]
    reader = customer(app)
    answer = reader.get(f"/s/{slug}")
    reader.get(f"/s/{slug}")
    order(app, slug, "fr", **{f"t_{shop_ids['soap']}": "1"})
    assert "Set-Cookie" not in answer.headers
    month = visits.month_visits(db, trader["shop_id"], pages.ledger.today(db, trader["shop_id"])[:7])
    assert month == {"views": 2, "taps": 1}
    row = db.execute("select * from page_visits").fetchall()
    assert len(row) == 1 and len(row[0]) == 4  # shop, day, views, taps: nothing about the visitor
    html = logged_in(app, trader).get("/month/").get_data(as_text=True)
    assert "👀 2" in html and "💬 1" in html


def test_she_publishes_and_chooses_from_her_page(app, db, trader, shop_ids):
    awa_ = logged_in(app, trader)
    form = {"published": "1", "show_prices": "1", "d0": "1", "d1": "1", "market": "Adjamé", "stall": "B12",
            "landmark": "", f"p_{shop_ids['soap']}": "1", f"p_{shop_ids['oil']}": "1"}
    assert awa_.post("/page/", data=form).status_code == 302
    page = pages.get_page(db, trader["shop_id"])
    assert page["published"] == 1 and page["open_days"] == "1100000" and page["market"] == "Adjamé"
    html = customer(app).get(f"/s/{page['slug']}").get_data(as_text=True)
    assert "Savon" in html and "Huile" in html and "Riz" not in html
    settings = awa_.get("/page/").get_data(as_text=True)
    assert f"/s/{page['slug']}" in settings and "qr.png" in settings
    assert awa_.post("/page/", data={**form, "published": ""}).status_code == 302
    assert customer(app).get(f"/s/{page['slug']}").status_code == 404


def test_the_demo_publishes_awa_kones_page(app, db):
    from kissi.cli import demo

    loaded = demo.load_demo(db)
    assert loaded["public_slug"] == "awa-kone-adjame"
    html = customer(app).get("/s/awa-kone-adjame").get_data(as_text=True)
    assert "Awa Koné" in html and "Savon" in html
    assert customer(app).get(f"/s/{pages.slugify('Aminata Traoré')}").status_code == 404



def test_the_greeting_must_be_one_of_her_own_recordings(db, trader):
    with pytest.raises(Invalid) as caught:
        pages.update_page(db, trader["shop_id"], greeting="01900000-0000-7000-8000-000000000001")
    assert caught.value.code == "bad_greeting"
