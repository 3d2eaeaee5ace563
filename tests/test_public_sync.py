"""Her page travels by sync: the hub serves what she published and stops at the next sync."""
from __future__ import annotations

import pytest
import requests

from kissi.coop import members
from kissi.public import directory, pages
from kissi.shop import products
from tests.sync_helpers import Node


@pytest.fixture
def world(tmp_path):
    """A served hub with Awa (her shop, two products) and an edge enrolled for her shop."""
    hub = Node(tmp_path / "hub", role="hub")
    coop = members.create_cooperative(hub.db, "Coop Adjamé", region="Abidjan")
    awa = members.add_user(hub.db, role="trader", phone="0701020304", pin="2468", name="Awa Koné",
                           cooperative_id=coop["id"])
    shop_id = awa["shop_id"]
    soap = products.create_product(hub.db, shop_id, name="Savon", price=250, icon="soap")
    oil = products.create_product(hub.db, shop_id, name="Huile", price=1200, icon="oil")
    hub.serve()
    edge = Node(tmp_path / "edge")
    edge.enroll(hub, "shop", shop_id)
    edge.sync()
    yield {"hub": hub, "edge": edge, "shop": shop_id, "soap": soap, "oil": oil, "coop": coop}
    edge.close()
    hub.close()


def hub_get(world, path):
    return requests.get(world["hub"].url + path, headers={"Accept-Language": "fr"}, timeout=10,
                        allow_redirects=False)


def test_published_on_her_edge_served_by_the_hub_after_sync_and_404_after_unpublish(world):
    edge, shop_id = world["edge"], world["shop"]
    page = pages.ensure_page(edge.db, shop_id, market="Adjamé")
    pages.update_page(edge.db, shop_id, published=1)
    slug = page["slug"]
    assert hub_get(world, f"/s/{slug}").status_code == 404  # not yet synced: nothing public at the hub
    edge.sync()
    answer = hub_get(world, f"/s/{slug}")
    assert answer.status_code == 200 and "Savon" in answer.text and "Huile" in answer.text
    coop_slug = directory.cooperative_slug(world["coop"]["name"])
    assert "Savon" in hub_get(world, f"/c/{coop_slug}?q=savons").text

    pages.update_page(edge.db, shop_id, published=0)
    assert hub_get(world, f"/s/{slug}").status_code == 200  # the hub has not heard yet
    edge.sync()
    assert hub_get(world, f"/s/{slug}").status_code == 404
    assert "Savon" not in hub_get(world, f"/c/{coop_slug}?q=savons").text


def test_a_product_she_hides_and_her_phone_choice_reach_the_hub_at_the_next_sync(world):
    edge, shop_id = world["edge"], world["shop"]
    slug = pages.update_page(edge.db, shop_id, published=1)["slug"]
    edge.sync()
    assert "701020304" not in hub_get(world, f"/s/{slug}").text
    pages.show_product(edge.db, shop_id, world["oil"]["id"], False)
    pages.update_page(edge.db, shop_id, show_phone=1)
    assert "Huile" in hub_get(world, f"/s/{slug}").text
    edge.sync()
    html = hub_get(world, f"/s/{slug}").text
    assert "Huile" not in html and "Savon" in html and "tel:+2250701020304" in html


def test_an_old_slug_redirects_at_the_hub_too(world):
    edge, shop_id = world["edge"], world["shop"]
    old = pages.update_page(edge.db, shop_id, published=1)["slug"]
    new = pages.rename_slug(edge.db, shop_id, "Awa Treichville")["slug"]
    edge.sync()
    answer = hub_get(world, f"/s/{old}")
    assert answer.status_code == 301 and answer.headers["Location"].endswith(f"/s/{new}")


def test_the_page_made_at_the_hub_and_on_the_edge_offline_is_one_row(world):
    """Both nodes derive the page's id from the shop's, so the two creations merge per field."""
    edge, hub, shop_id = world["edge"], world["hub"], world["shop"]
    pages.update_page(hub.db, shop_id, landmark="Près de la mosquée")
    pages.update_page(edge.db, shop_id, published=1, stall="B12")
    edge.sync()
    edge.sync()
    for node in (hub, edge):
        rows = node.db.execute("select published, stall, landmark from shop_pages where shop_id = ?",
                               [shop_id]).fetchall()
        assert rows == [(1, "B12", "Près de la mosquée")]


def test_a_shop_device_cannot_publish_or_unpublish_another_shops_page(world):
    """The hub checks a pushed page like any row of a shop (kissi/sync/scope.py)."""
    from kissi.store import changes
    from kissi.sync.apply import BadEntry
    from kissi.sync.scope import Checker

    hub, edge = world["hub"], world["edge"]
    other = members.add_user(hub.db, role="trader", phone="0705050505", pin="2468", name="Fanta",
                             cooperative_id=world["coop"]["id"])
    pages.update_page(hub.db, other["shop_id"], published=1)
    stamp = "00000190000000ff.0000"
    base = {"id": changes.change_id(edge.node_id, stamp), "node_id": edge.node_id, "hlc": stamp,
            "tbl": "shop_pages", "row_id": pages.page_id(other["shop_id"])}
    forged = [
        {**base, "op": "update", "data": {"published": 0}},
        {**base, "op": "insert", "row_id": pages.page_id(world["shop"]), "data": {
            "id": pages.page_id(world["shop"]), "shop_id": other["shop_id"], "published": 1, "slug": "fanta",
            "created_at": changes.utc_now()}},
    ]
    for entry in forged:
        with pytest.raises(BadEntry, match="scope"):
            Checker(hub.db, "shop", world["shop"], edge.node_id).check(0, entry)
    own = {**base, "row_id": pages.page_id(world["shop"]), "op": "insert", "data": {
        "id": pages.page_id(world["shop"]), "shop_id": world["shop"], "published": 1, "slug": "awa",
        "created_at": changes.utc_now()}}
    Checker(hub.db, "shop", world["shop"], edge.node_id).check(0, own)  # her own page passes
