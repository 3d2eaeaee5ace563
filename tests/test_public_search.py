"""The cooperative's directory: search across published shops, accents and plurals ignored."""
from __future__ import annotations

import pytest

from factories import make_cooperative, make_product, make_user
from kissi.public import directory, pages
from kissi.shop import products


def trader_with(db, coop, name, goods, *, market="Adjamé", publish=True):
    user = make_user(db, cooperative_id=coop["id"], name=name)
    made = {g: make_product(db, {"id": user["shop_id"]}, name=g, price=500) for g in goods}
    pages.ensure_page(db, user["shop_id"], market=market)
    if publish:
        pages.update_page(db, user["shop_id"], published=1, market=market)
    return user, made


@pytest.fixture
def market(db):
    coop = make_cooperative(db, "Coopérative des commerçantes d'Adjamé")
    awa, awa_goods = trader_with(db, coop, "Awa Koné", ["Beurre de karité", "Savon noir", "Tomates"])
    fanta, fanta_goods = trader_with(db, coop, "Fanta Diallo", ["Karité pur", "Oignons", "Shea butter"],
                                     market="Treichville")
    hidden, _ = trader_with(db, coop, "Mariam Coulibaly", ["Beurre de karité", "Savon"], publish=False)
    elsewhere = make_cooperative(db, "Coop de Bouaké")
    stranger, _ = trader_with(db, elsewhere, "Salimata Ouattara", ["Beurre de karité", "Savons"])
    return {"coop": coop, "awa": awa, "awa_goods": awa_goods, "fanta": fanta, "fanta_goods": fanta_goods,
            "hidden": hidden, "stranger": stranger}


def found(db, world, text, **kwargs):
    return {(r["shop_name"], r["name"]) for r in directory.search(db, world["coop"]["id"], text, **kwargs)}


@pytest.mark.parametrize("text", ["karite", "KARITÉ", "Karité", "karités"])
def test_search_ignores_accents_case_and_plurals_and_finds_every_shop(db, market, text):
    assert found(db, market, text) == {("Awa Koné", "Beurre de karité"), ("Fanta Diallo", "Karité pur")}


@pytest.mark.parametrize("text, expected", [
    ("savons", {("Awa Koné", "Savon noir")}), ("tomate", {("Awa Koné", "Tomates")}),
    ("oignon", {("Fanta Diallo", "Oignons")}), ("shea butters", {("Fanta Diallo", "Shea butter")}),
    ("beurre karite", {("Awa Koné", "Beurre de karité")}),
])
def test_search_by_product_in_french_and_english(db, market, text, expected):
    assert found(db, market, text) == expected


def test_unpublished_shops_and_other_cooperatives_never_appear(db, market):
    names = {shop for shop, _ in found(db, market, "karite")} | {shop for shop, _ in found(db, market, "savon")}
    assert "Mariam Coulibaly" not in names and "Salimata Ouattara" not in names


def test_archived_and_hidden_products_do_not_appear(db, market):
    products.archive_product(db, market["awa"]["shop_id"], market["awa_goods"]["Tomates"]["id"])
    pages.show_product(db, market["fanta"]["shop_id"], market["fanta_goods"]["Oignons"]["id"], False)
    assert found(db, market, "tomates") == set() and found(db, market, "oignons") == set()


def test_a_renamed_product_is_found_by_its_new_name(db, market):
    products.update_product(db, market["awa"]["shop_id"], market["awa_goods"]["Tomates"]["id"], name="Piment")
    assert found(db, market, "piment") == {("Awa Koné", "Piment")} and found(db, market, "tomate") == set()


def test_filter_by_market(db, market):
    assert found(db, market, "karite", market="Treichville") == {("Fanta Diallo", "Karité pur")}


@pytest.mark.parametrize("text", ['"', "OR", "* NEAR(", "karite\" OR \"x", "a", "", "💥", "x" * 500])
def test_hostile_queries_are_words_not_syntax(db, market, text):
    assert isinstance(directory.search(db, market["coop"]["id"], text), list)


def test_directory_page_lists_published_traders_and_escapes_the_query(app, db, market):
    client = app.test_client()
    slug = directory.cooperative_slug(market["coop"]["name"])
    html = client.get(f"/c/{slug}", query_string={"q": "<script>karite</script>"}).get_data(as_text=True)
    assert "<script>karite" not in html and "Fanta Diallo" in html and "Mariam Coulibaly" not in html
    html = client.get(f"/c/{slug}", query_string={"q": "karites"}).get_data(as_text=True)
    assert "Karité pur" in html and "Beurre de karité" in html and "Salimata" not in html
    assert client.get("/c/no-such-coop").status_code == 404
    assert client.get("/c/..%2F..%2Fetc").status_code == 404
