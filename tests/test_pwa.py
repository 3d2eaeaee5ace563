"""The installable shell and page-post idempotency, through the Flask test client."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from kissi import icons


@pytest.fixture
def soap(db, trader):
    from factories import make_product

    return make_product(db, {"id": trader["shop_id"]}, name="Savon", price=250)


def sell_cash(client, product, key=None, qty="2"):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/sell/{product['id']}", data={"qty": qty, "pay": "cash"}, headers=headers)


def sales_count(db) -> int:
    return db.execute("select count(*) from sales").fetchone()[0]


def test_manifest_has_what_install_needs(client):
    res = client.get("/manifest.webmanifest")
    assert res.status_code == 200
    assert res.mimetype == "application/manifest+json"
    data = res.get_json()
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    assert data["name"] and data["short_name"] and data["theme_color"].startswith("#")
    sizes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for entry in data["icons"]:
        png = client.get(entry["src"])
        assert png.mimetype == "image/png"
        image = Image.open(io.BytesIO(png.data))
        assert f"{image.width}x{image.height}" == entry["sizes"]


def test_maskable_icon_is_opaque_to_the_edge_and_plain_icon_is_rounded():
    maskable = Image.open(io.BytesIO(icons.icon_png(192, True))).convert("RGBA")
    plain = Image.open(io.BytesIO(icons.icon_png(192, False))).convert("RGBA")
    assert maskable.getpixel((0, 0))[3] == 255
    assert plain.getpixel((0, 0))[3] == 0
    assert len(icons.icon_png(512, True)) < 12_000  # a palette PNG, not 40 KB of RGBA


def test_unknown_icon_is_404(client):
    assert client.get("/icons/any-64.png").status_code == 404
    assert client.get("/icons/evil-192.png").status_code == 404


def test_service_worker_is_served_from_root_and_revalidated(client):
    res = client.get("/sw.js")
    assert res.status_code == 200
    assert res.mimetype == "text/javascript"
    assert res.headers["Service-Worker-Allowed"] == "/"
    assert res.headers["Cache-Control"] == "max-age=300"  # then revalidated (ETag)
    body = res.get_data(as_text=True)
    version = re.search(r"var V = \"([0-9a-f]{12})\"", body).group(1)
    assert "/static/app.js" in body and "/manifest.webmanifest" in body
    assert client.get("/sw.js").get_data(as_text=True).count(version) == 1


def test_worker_precaches_the_stylesheets_a_warm_phone_links(client, app, tmp_path):
    from kissi.web import pwa

    body = client.get("/sw.js").get_data(as_text=True)
    precache = re.search(r"var PRECACHE = (\[.*?\]);", body).group(1)
    assert "/static/app.js" in precache and "/static/kissi.css" in precache
    versions = []
    for css in ("x", "y"):  # two folders: the static files are read once per folder
        folder = tmp_path / f"static-{css}"
        folder.mkdir()
        (folder / "app.js").write_text("same")
        (folder / "kissi.css").write_text(css)
        app.static_folder = str(folder)
        with app.test_request_context():
            versions.append(pwa.shell_version())
    assert versions[0] != versions[1]  # a CSS change still renews the caches


def test_shell_version_changes_when_a_static_file_changes(app, tmp_path):
    from kissi.web import pwa

    with app.test_request_context():
        before = pwa.shell_version()
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "app.js").write_text("changed")
    app.static_folder = str(folder)
    with app.test_request_context():
        assert pwa.shell_version() != before


def test_html_names_the_manifest_and_what_app_js_needs(client, trader_client):
    page = trader_client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "data-user" in page and 'data-login="/login"' in page
    assert "/static/app.js" in page and "data-outbox" in page and "data-offline-banner" in page
    client.post("/logout")
    assert "data-user" not in client.get("/login").get_data(as_text=True)


def test_replayed_sale_form_post_applies_once(trader_client, soap, db):
    first = sell_cash(trader_client, soap, key="k-1")
    second = sell_cash(trader_client, soap, key="k-1")
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert sales_count(db) == 1
    assert trader_client.get(second.headers["Location"]).status_code == 200


def test_sale_form_post_without_key_is_not_deduplicated(trader_client, soap, db):
    sell_cash(trader_client, soap)
    sell_cash(trader_client, soap)
    assert sales_count(db) == 2


def test_key_reused_for_another_sale_is_refused_as_a_page(trader_client, soap, db):
    sell_cash(trader_client, soap, key="k-2")
    res = sell_cash(trader_client, soap, key="k-2", qty="3")
    assert res.status_code == 422 and res.mimetype == "text/html"
    assert sales_count(db) == 1


def test_refused_sale_keeps_no_key_so_a_corrected_retry_runs(trader_client, soap, db):
    res = sell_cash(trader_client, soap, key="k-3", qty="0")
    assert res.status_code == 422
    assert sell_cash(trader_client, soap, key="k-3").status_code == 302
    assert sales_count(db) == 1


def test_keys_are_scoped_to_the_member(app, trader_client, trader, soap, db):
    from factories import login, make_user

    other = app.test_client()
    other.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(other, make_user(db, shop_id=trader["shop_id"], name="Fatou"))
    sell_cash(trader_client, soap, key="same")
    res = sell_cash(other, soap, key="same")
    assert "Idempotent-Replayed" not in res.headers
    assert sales_count(db) == 2


def test_text_answers_are_gzipped_for_clients_that_accept_it(client):
    import gzip

    plain = client.get("/sw.js")
    packed = client.get("/sw.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2


def test_static_script_is_gzipped_and_images_are_not(client):
    js = client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert js.headers["Content-Encoding"] == "gzip"
    png = client.get("/icons/any-192.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in png.headers


def test_gzipped_answer_still_revalidates_with_its_etag(client):
    first = client.get("/static/kissi.css", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/static/kissi.css",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


def test_service_worker_revalidates_with_an_etag_and_answers_304(client):
    """The browser checks sw.js on every page view: unchanged, that check costs a 304."""
    first = client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = client.get("/sw.js", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()
    assert client.get("/sw.js", headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_page_links_its_stylesheet_only_for_a_phone_whose_worker_keeps_this_version(app, client):
    """Cold (no cookie, or an older worker's): the CSS inline, one round trip. Warm: a link
    the worker answers from its cache, 2 KB less on every page view."""
    from kissi.web import pwa

    with app.test_request_context():
        version = pwa.shell_version()
    cold = client.get("/login").get_data(as_text=True)
    assert "<style>" in cold and 'rel="stylesheet"' not in cold
    client.set_cookie(pwa.SHELL_COOKIE, "0ld0ld0ld0ld")
    assert "<style>" in client.get("/login").get_data(as_text=True)
    client.set_cookie(pwa.SHELL_COOKIE, version)
    warm = client.get("/login").get_data(as_text=True)
    assert f'<link rel="stylesheet" href="/static/kissi.css?v={version}">' in warm and "<style>" not in warm
    assert f'data-shell="{version}"' in warm
