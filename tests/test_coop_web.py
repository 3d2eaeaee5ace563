"""The trainer's pages: scoping, adding members, PIN reset, cards, the login link, sizes."""
from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from coop_helpers import coops  # noqa: F401 (fixture)
from factories import login, make_user, table_counts
from kissi.coop import members
from kissi.prompts import PROMPTS

BUDGET = 14 * 1024


@pytest.fixture
def fatou(client, coops):
    assert login(client, coops["fatou"]).status_code == 302
    return client


def _pin_on(page: str) -> str:
    return re.search(r'<p class="pin"[^>]*>(\d{4,6})</p>', page).group(1)


def test_trainer_home_shows_members_and_cards_tiles(fatou):
    page = fatou.get("/").get_data(as_text=True)
    assert 'href="/coop/" aria-label="Members" data-prompt="coop.members"' in page
    assert 'data-prompt="coop.cards"' in page and 'data-prompt="home.sell"' not in page


def test_members_page_lists_her_cooperative_stuck_first(fatou, coops):
    page = fatou.get("/coop/").get_data(as_text=True)
    names = re.findall(r'data-prompt="coop.member">([^<]+)</a>', page)
    assert names == ["Chantal", "Bintou", "Awa"]
    assert "Fanta" not in page and coops["fanta"]["phone"] not in page
    assert re.findall(r'data-prompt="coop.member">([^<]+)</a>',
                      fatou.get("/coop/?sort=name").get_data(as_text=True)) == ["Awa", "Bintou", "Chantal"]


def test_traders_cannot_open_the_trainer_pages(client, coops):
    login(client, coops["awa"])
    for url in ("/coop/", "/coop/cards", f"/coop/members/{coops['bintou']['id']}"):
        assert client.get(url).status_code == 403, url


def test_another_cooperatives_member_gives_404_and_changes_nothing(fatou, db, coops):
    fanta = coops["fanta"]["id"]
    for url in (f"/coop/members/{fanta}", f"/coop/members/{fanta}/card",
                f"/coop/cards?m={fanta}", "/coop/members/no-such-id"):
        assert fatou.get(url).status_code == 404, url
    before = table_counts(db)
    assert fatou.post(f"/coop/members/{fanta}/pin").status_code == 404
    assert fatou.post(f"/coop/members/{fanta}/unlock").status_code == 404
    assert table_counts(db) == before
    assert members.pin_matches(members.find_by_phone(db, coops["fanta"]["phone"])["pin_hash"],
                               coops["fanta"]["pin"])


def test_member_page_shows_her_figures_day_and_30_days(fatou, coops):
    page = fatou.get(f"/coop/members/{coops['bintou']['id']}").get_data(as_text=True)
    assert 'data-prompt="coop.flag_idle"' in page and 'data-prompt="coop.flag_no_stock"' in page
    assert page.count('<span class="bar"') == 30 and "Bintou" in page


def test_add_member_shows_the_pin_once_and_she_can_log_in(fatou, app, db, coops):
    answer = fatou.post("/coop/members/new", data={"name": "Djeneba", "phone": "0711223344",
                                                   "shop": "Étal Djeneba", "language": "dyu"})
    assert answer.status_code == 302  # post/redirect/get: a reload sends nothing again
    answer = fatou.get(answer.headers["Location"])
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    pin = _pin_on(answer.get_data(as_text=True))
    user = members.find_by_phone(db, "0711223344")
    assert user["cooperative_id"] == coops["a"]["id"] and user["language"] == "dyu"
    other = app.test_client()
    other.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    assert login(other, {"phone": "0711223344", "pin": pin}).status_code == 302


def test_add_member_error_shows_the_form_and_writes_nothing(fatou, db, coops):
    before = table_counts(db)
    answer = fatou.post("/coop/members/new", data={"name": "X", "phone": coops["awa"]["phone"]})
    assert answer.status_code == 409
    assert 'data-prompt="error.phone_taken"' in answer.get_data(as_text=True)
    answer = fatou.post("/coop/members/new", data={"name": "X", "phone": "0711223399", "pin": "1"})
    assert answer.status_code == 422 and 'value="X"' in answer.get_data(as_text=True)
    assert table_counts(db) == before


def test_reset_pin_by_page_old_fails_new_works_her_sessions_end(fatou, app, coops):
    awa = coops["awa"]
    phone = app.test_client()
    phone.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    assert login(phone, awa).status_code == 302 and phone.get("/").status_code == 200
    answer = fatou.get(fatou.post(f"/coop/members/{awa['id']}/pin").headers["Location"])
    assert answer.headers["Cache-Control"] == "no-store"
    pin = _pin_on(answer.get_data(as_text=True))
    assert phone.get("/").status_code == 302  # her old session is gone
    assert login(phone, awa).status_code == 401
    assert login(phone, {**awa, "pin": pin}).status_code == 302


def test_unlock_by_page(fatou, app, db, coops):
    phone = app.test_client()
    phone.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    for _ in range(3):
        login(phone, {**coops["awa"], "pin": "9999"})
    page = fatou.get(f"/coop/members/{coops['awa']['id']}").get_data(as_text=True)
    assert "(3 ❌)" in page
    answer = fatou.post(f"/coop/members/{coops['awa']['id']}/unlock")
    assert answer.status_code == 302
    assert 'data-prompt="members.unlocked"' in fatou.get(answer.headers["Location"]).get_data(as_text=True)
    assert db.execute("select count(*) from login_failures").fetchone()[0] == 0


def _qr_links(page: str) -> list[str]:
    return re.findall(r"<small>(http[^<]+/login\?phone=[^<]+)</small>", page)


def test_card_qr_opens_login_with_her_phone_never_her_pin(fatou, app, coops):
    awa = coops["awa"]
    app.config["PUBLIC_URL"] = "http://192.168.1.10:8080"
    page = fatou.get(f"/coop/members/{awa['id']}/card").get_data(as_text=True)
    [url] = _qr_links(page)
    assert url == f"http://192.168.1.10:8080/login?phone={quote(awa['phone'])}"
    assert awa["pin"] not in page
    svg = re.search(r'<div class="card">(<svg.*?</svg>)', page).group(1)
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    assert 'data-prompt="coop.loopback"' not in page
    # the login page fills her number in from the link
    login_page = app.test_client().get(urlsplit(url).path + "?" + urlsplit(url).query)
    phone = parse_qs(urlsplit(url).query)["phone"][0]
    assert f'value="{phone}"' in login_page.get_data(as_text=True)


def test_cards_for_localhost_warn_the_trainer(fatou, app):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:8080/"
    page = fatou.get("/coop/cards").get_data(as_text=True)
    assert 'data-prompt="coop.loopback"' in page and len(_qr_links(page)) == 3
    assert _qr_links(page)[0].startswith("http://127.0.0.1:8080/login?phone=")


def test_chosen_cards_only(fatou, coops):
    ids = [coops["awa"]["id"], coops["chantal"]["id"]]
    page = fatou.get("/coop/cards", query_string={"m": ids}).get_data(as_text=True)
    assert sorted(parse_qs(urlsplit(u).query)["phone"][0] for u in _qr_links(page)) == sorted(
        [coops["awa"]["phone"], coops["chantal"]["phone"]])


@pytest.fixture
def big_coop(db, coops):
    """200 traders in coop A (the largest cooperative a trainer looks after)."""
    first = ("Aminata", "Kadiatou", "Adjoua", "Mariétou", "Ndeye", "Affoué", "Safiatou")
    last = ("Traoré", "Kouassi", "Diallo", "Koné", "Yao", "N'Guessan", "Sow", "Bamba", "Ouattara")
    for i in range(197):
        make_user(db, cooperative_id=coops["a"]["id"],
                  name=f"{first[i % 7]} {last[i * 5 % 9]} {chr(65 + i % 26)}.")
    return coops


def _pages(client, coops) -> dict:
    member = coops["awa"]["id"]
    bodies = {name: client.get(url) for name, url in {
        "home": "/", "members": "/coop/", "members_by_name": "/coop/?sort=name",
        "new": "/coop/members/new", "member": f"/coop/members/{member}",
        "cards": "/coop/cards", "cards_last": "/coop/cards?page=9",
        "card": f"/coop/members/{member}/card"}.items()}
    everyone = re.findall(r'name="m" value="([^"]+)"', bodies["members"].get_data(as_text=True))
    bodies["cards_chosen"] = client.get("/coop/cards", query_string={"m": everyone, "page": 3})
    bodies["pin"] = client.post(f"/coop/members/{member}/pin", follow_redirects=True)
    bodies["pin_shown"] = client.get(f"/coop/members/{member}/pin")
    bodies["added"] = client.post("/coop/members/new", data={"name": "N", "phone": "0799887766"},
                                  follow_redirects=True)
    bodies["new_error"] = client.post("/coop/members/new", data={"name": "", "phone": "1"})
    return bodies


def test_every_trainer_page_fits_in_14_kb_gzipped_with_its_css(fatou, big_coop):
    css = [fatou.get(f"/static/{name}").get_data(as_text=True).strip() for name in ("kissi.css", "coop.css")]
    pages = _pages(fatou, big_coop)
    assert len(_qr_links(pages["cards"].get_data(as_text=True))) == 16
    assert len(_qr_links(pages["cards_chosen"].get_data(as_text=True))) == 16
    for name, answer in pages.items():
        assert answer.status_code < 500, name
        html = answer.get_data(as_text=True)
        # the CSS is inlined (coop.css on the trainer screens): measured with the page
        assert f"<style>{css[0]}</style>" in html and 'rel="stylesheet"' not in html, name
        size = len(gzip.compress(answer.data))
        assert size <= BUDGET, f"{name}: {size} bytes"


def test_every_prompt_on_the_trainer_pages_is_declared(fatou, coops):
    for name, answer in _pages(fatou, coops).items():
        used = set(re.findall(r'data-prompt="([^"]*)"', answer.get_data(as_text=True)))
        assert used and used <= set(PROMPTS), (name, used - set(PROMPTS))


def test_an_admin_sees_and_filters_every_cooperative(client, coops):
    login(client, coops["admin"])
    page = client.get("/coop/").get_data(as_text=True)
    assert "Fanta" in page and "Awa" in page
    only_b = client.get(f"/coop/?cooperative={coops['b']['id']}").get_data(as_text=True)
    assert "Fanta" in only_b and "Awa" not in only_b
    answer = client.post("/coop/members/new", data={"name": "Nafi", "phone": "0766554433",
                                                    "cooperative": coops["b"]["id"]})
    assert answer.status_code == 302


def test_members_and_cards_come_in_pages(fatou, monkeypatch):
    from kissi.web import coop

    monkeypatch.setattr(coop, "MEMBERS_PER_PAGE", 2)
    first = fatou.get("/coop/?sort=name").get_data(as_text=True)
    second = fatou.get("/coop/?sort=name&page=2").get_data(as_text=True)
    names = r'data-prompt="coop.member">([^<]+)</a>'
    assert re.findall(names, first) == ["Awa", "Bintou"] and re.findall(names, second) == ["Chantal"]
    assert "Members (3)" in second and 'aria-current="page">📄 2/2' in second
    monkeypatch.setattr(coop, "SHEETS_PER_PAGE", 1)
    monkeypatch.setattr(coop, "CARDS_PER_SHEET", 2)
    assert len(_qr_links(fatou.get("/coop/cards?page=2").get_data(as_text=True))) == 1
    assert len(_qr_links(fatou.get("/coop/cards?page=x").get_data(as_text=True))) == 2
