"""The installable shell and page-post idempotency, through the Flask test client."""
from __future__ import annotations

import io
import re

import pytest
from flask import redirect, request
from PIL import Image

from kissi import icons


@pytest.fixture
def posting_app(app, db):
    """The app with a page form post that records a row, as the sell form does."""
    db.execute("create table if not exists test_posts (id integer primary key, what text)")

    @app.post("/test/post")
    def test_post():
        from kissi.web.database import get_db

        get_db().execute("insert into test_posts (what) values (?)", [request.form["what"]])
        if request.form.get("fail"):
            return "no", 422
        return redirect("/test/done", code=303)

    return app


def signed_in(app, db, name="Awa"):
    from factories import login, make_user

    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    assert login(client, make_user(db, name=name)).status_code == 302
    return client


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
    assert "no-cache" in res.headers["Cache-Control"]
    body = res.get_data(as_text=True)
    version = re.search(r"var V = \"([0-9a-f]{12})\"", body).group(1)
    assert "/static/app.js" in body and "/manifest.webmanifest" in body
    assert client.get("/sw.js").get_data(as_text=True).count(version) == 1


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


def test_replayed_page_post_applies_once(posting_app, db):
    client = signed_in(posting_app, db)
    headers = {"Idempotency-Key": "k-1"}
    first = client.post("/test/post", data={"what": "soap"}, headers=headers)
    second = client.post("/test/post", data={"what": "soap"}, headers=headers)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db.execute("select count(*) from test_posts").fetchone()[0] == 1


def test_post_of_nobody_signed_in_keeps_no_key(posting_app, db, client):
    client.post("/test/post", data={"what": "soap"}, headers={"Idempotency-Key": "anon"})
    assert db.execute("select count(*) from page_idempotency").fetchone()[0] == 0


def test_post_without_key_is_not_deduplicated(posting_app, db):
    client = signed_in(posting_app, db)
    client.post("/test/post", data={"what": "soap"})
    client.post("/test/post", data={"what": "soap"})
    assert db.execute("select count(*) from test_posts").fetchone()[0] == 2


def test_key_reused_with_another_body_is_a_conflict_and_writes_nothing(posting_app, db):
    client = signed_in(posting_app, db)
    client.post("/test/post", data={"what": "soap"}, headers={"Idempotency-Key": "k-2"})
    res = client.post("/test/post", data={"what": "oil"}, headers={"Idempotency-Key": "k-2"})
    assert res.status_code == 409
    assert [r[0] for r in db.execute("select what from test_posts")] == ["soap"]


def test_failed_post_keeps_no_key_so_a_corrected_retry_runs(posting_app, db):
    client = signed_in(posting_app, db)
    res = client.post("/test/post", data={"what": "x", "fail": "1"}, headers={"Idempotency-Key": "k-3"})
    assert res.status_code == 422
    assert db.execute("select count(*) from page_idempotency").fetchone()[0] == 0
    assert db.execute("select count(*) from test_posts").fetchone()[0] == 0


def test_keys_are_scoped_to_the_user(posting_app, db):
    one, two = signed_in(posting_app, db, "Awa"), signed_in(posting_app, db, "Fatou")
    one.post("/test/post", data={"what": "soap"}, headers={"Idempotency-Key": "same"})
    res = two.post("/test/post", data={"what": "soap"}, headers={"Idempotency-Key": "same"})
    assert "Idempotent-Replayed" not in res.headers
    assert db.execute("select count(*) from test_posts").fetchone()[0] == 2


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
