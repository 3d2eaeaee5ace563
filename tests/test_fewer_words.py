"""Fewer words: distinct pictures, the sale paid by pictures, faces, dates, language names."""
import html
import re

from factories import login, make_cooperative, make_user
from kissi import languages
from kissi.prompts import PROMPTS
from kissi.shop import credit, products, sales
from kissi.voice import catalog
from web_helpers import awa, shop_ids  # noqa: F401 (fixtures)

TILE = re.compile(r'<a class="tile"[^>]*><span>([^<]+)</span>')


def _sales(db, shop_id):
    return db.execute("select count(*) from sales where shop_id = ?", [shop_id]).fetchone()[0]


def test_no_two_home_tiles_share_a_picture(awa, client, db):
    trader_tiles = TILE.findall(awa.get("/").get_data(as_text=True))
    assert len(trader_tiles) >= 6 and len(set(trader_tiles)) == len(trader_tiles), trader_tiles
    trainer = make_user(db, "trainer", cooperative_id=make_cooperative(db, "Coop B")["id"])
    client.post("/logout")
    assert login(client, trainer).status_code == 302
    staff_tiles = TILE.findall(client.get("/").get_data(as_text=True))
    assert staff_tiles and len(set(staff_tiles)) == len(staff_tiles), staff_tiles


def test_product_defaults_and_units_each_have_a_picture_of_their_own():
    icons = list(products.ICONS.values())
    assert len(set(icons)) == len(icons), "two products share a default picture"
    assert products.ICONS["salt"] != products.ICONS["sugar"]
    units = list(products.UNIT_ICONS.values())
    assert set(products.UNIT_ICONS) == set(products.UNITS)
    assert {"piece", "kg", "litre", "heap", "bag", "bidon"} <= set(products.UNITS)
    assert len(set(units)) == len(units) and not set(units) & set(icons)


def test_icon_picker_and_unit_picker_repeat_no_picture(awa):
    page = awa.get("/shop/new").get_data(as_text=True)
    picker = re.findall(r'<input type="radio" name="icon" value="[^"]+">([^<]+)</label>', page)
    units = re.findall(r'<input type="radio" name="unit" value="([^"]+)"[^>]*>([^<]+)</label>', page)
    assert len(picker) == len(products.ICONS) and len(set(picker)) == len(picker)
    assert {code for code, _ in units} == set(products.UNITS)
    assert len({pic for _, pic in units}) == len(units)


def test_sell_grid_draws_each_default_picture_once(trader_client, db, trader):
    for key in products.ICONS:
        products.create_product(db, trader["shop_id"], name=f"P {key}", price=100, icon=key)
    grid = trader_client.get("/sell/").get_data(as_text=True)
    pictures = re.findall(r'<a class="pick"[^>]*><span>([^<]+)</span>', grid)
    assert len(pictures) == len(products.ICONS) and len(set(pictures)) == len(pictures)


def test_payment_choices_are_pictures_and_an_operator_is_one_tap(awa, db, trader, shop_ids):
    page = awa.get(f"/sell/{shop_ids['soap']}").get_data(as_text=True)
    pay = re.search(r'<div class="pay">(.*?)</div>', page, re.S).group(1)
    values = re.findall(r'name="pay" value="([^"]+)"', pay)
    assert values == ["cash", "mobile:orange", "mobile:mtn", "mobile:moov", "mobile:wave", "credit", "mixed",
                      "basket"]
    assert '<svg' in pay  # "part now": a coin split in two
    assert page.index('name="qty"') < page.index('class="pay"')  # the quantity comes first
    answer = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "2", "pay": "mobile:wave"})
    assert answer.status_code == 302
    sale = sales.get_sale(db, trader["shop_id"], answer.headers["Location"].rsplit("/", 1)[1])
    assert (sale["mobile"], sale["mobile_provider"]) == (500, "wave")


def test_the_quantity_shows_the_one_it_sells_and_an_erased_one_is_asked_again(awa, db, trader, shop_ids):
    page = awa.get(f"/sell/{shop_ids['soap']}").get_data(as_text=True)
    assert re.search(r'name="qty" value="1"[^>]* data-fresh', page)  # she sees the 1
    before = _sales(db, trader["shop_id"])
    asked = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "", "fresh": "qty", "pay": "cash"})
    assert asked.status_code == 422 and 'data-prompt="error.qty_missing"' in asked.get_data(as_text=True)
    assert _sales(db, trader["shop_id"]) == before  # not silently one
    # without JavaScript the first key replaces the proposed 1 (3, not 13)
    typed = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "1", "fresh": "qty", "kp": "3"})
    assert re.search(r'name="qty" value="3"', typed.get_data(as_text=True))


def test_what_stays_on_credit_is_shown_before_she_picks_the_customer(awa, shop_ids):
    step = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "4", "pay": "mixed", "cash": "200"})
    page = step.get_data(as_text=True)
    rest = re.search(r'data-prompt="sale.rest">📒 <span data-rest="1000" data-of="now">([^<]+)<', page)
    assert rest and re.sub(r"\D", "", rest.group(1)) == "800"
    assert page.index('data-prompt="sale.rest"') < page.index('name="customer_id"')
    credit_step = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "2", "pay": "credit"}).get_data(as_text=True)
    assert re.search(r'data-rest="500"', credit_step)


def test_customers_show_a_coloured_initial_or_their_photo_and_their_name_plays(awa, db, trader, shop_ids):
    shop = trader["shop_id"]
    kadi = credit.create_customer(db, shop, name="kadi")
    credit.update_customer(db, shop, kadi["id"], voice_label="ab" * 32)
    sales.record_sale(db, shop, [{"product_id": shop_ids["soap"], "qty": 1000}], credit=250,
                      customer_id=kadi["id"])
    debts = awa.get("/debts/").get_data(as_text=True)
    assert "👤</span>" not in debts
    faces = re.findall(r'class="face h\d"[^>]*>([^<]*)<', debts)
    assert "K" in faces and "M" in faces  # Kadi and Mariam: their initials
    assert f'data-say="/voice/clip/{"ab" * 32}' in debts  # a tap on her face: her recorded name
    picker = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "1", "pay": "credit"}).get_data(as_text=True)
    assert re.search(r'<div><button type="button" class="face h\d"[^>]*>K</button><button name="customer_id"', picker)


def test_dates_are_the_day_number_with_the_month_picture_and_spoken(awa, shop_ids):
    day = awa.get("/day/?day=2026-11-24").get_data(as_text=True)
    header = re.search(r"<header>.*?</header>", day, re.S).group(0)
    assert "2026-11-24" not in re.sub(r'data-say="[^"]*"', "", header)
    dm = re.search(r'<button type="button" class="dm" data-say="([^"]+)"[^>]*><b>24</b><i class="mp m11">11</i>',
                   header)
    assert dm and "s=date:2026-11-24" in html.unescape(dm.group(1))
    month = awa.get("/month/2026-11").get_data(as_text=True)
    assert not re.search(r">\d\d (Lun|Mar|Mer|Jeu|Ven|Sam|Dim)<", month)


def test_each_language_says_its_own_name_in_itself_only():
    for code, lang in languages.LANGUAGES.items():
        item = next(i for i in catalog.items(code) if i.name == f"lang.name.{code}")
        assert catalog.spoken_text(item, code) == lang.name
        other = next(i for i in catalog.items("fr" if code != "fr" else "en") if i.name == f"lang.name.{code}")
        assert catalog.spoken_text(other, "fr" if code != "fr" else "en") is None
        assert f"lang.name.{code}" in PROMPTS


def test_language_page_shows_a_picture_per_language_and_waits_to_say_the_name(client):
    page = client.get("/language").get_data(as_text=True)
    buttons = re.findall(r'<button name="language" value="(\w+)"[^>]*data-prompt="lang.name.\1" data-name-of="\1"'
                         r'[^>]*><span>([^<]+)</span>', page)
    assert {code for code, _ in buttons} == set(languages.LANGUAGES)
    assert len({pic for _, pic in buttons}) == len(buttons) and "🗣️" not in {pic for _, pic in buttons}
