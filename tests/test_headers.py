"""What every answer says about itself (content policy, framing, sniffing, referrer, caching),
the session cookie's Secure flag, what a logout leaves, and what /healthz tells whom."""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from factories import make_cooperative, make_user, staff_client
from kissi import create_app
from kissi.store import changes, db as store
from test_voice_web import files, put_clip  # noqa: F401

TEMPLATES = Path(__file__).resolve().parent.parent / "kissi" / "templates"


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _common(response, what: str) -> None:
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"], what
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], what
    assert "'unsafe-inline'" not in policy["style-src-elem"], what
    assert response.headers["X-Content-Type-Options"] == "nosniff", what
    assert response.headers["Referrer-Policy"] == "same-origin", what


def test_every_kind_of_answer_carries_the_policy_and_personal_ones_are_not_stored(
        app, db, trader_client, files):  # noqa: F811
    clip = put_clip(db, files, "fr", "p:voice.sold")
    personal = {
        "page": trader_client.get("/"),
        "sell page": trader_client.get("/sell/"),
        "api answer": trader_client.get("/api/v1/products"),
        "api error": trader_client.get("/api/v1/products/nope"),
        "page error": trader_client.get("/debts/nope"),
        "redirect": trader_client.get("/coop/"),
        "healthz": trader_client.get("/healthz"),
        "login page": app.test_client().get("/login"),
        "api 401": app.test_client().get("/api/v1/products"),
    }
    for what, response in personal.items():
        _common(response, what)
        assert response.headers["Cache-Control"] == "no-store", what
    cacheable = {
        "static file": trader_client.get("/static/app.js"),
        "prompt clip": trader_client.get(f"/voice/clip/{clip['sha']}.ogg"),
        "service worker": trader_client.get("/sw.js"),
        "icon": trader_client.get("/icons/any-192.png"),
    }
    for what, response in cacheable.items():
        assert response.status_code == 200, what
        _common(response, what)
        assert "no-store" not in response.headers["Cache-Control"], what
    assert "immutable" in cacheable["prompt clip"].headers["Cache-Control"]
    worker = cacheable["service worker"]  # a short life, then revalidated by its ETag
    assert worker.headers["Cache-Control"] == "max-age=300" and worker.headers["ETag"]


def test_only_the_traders_pages_are_marked_for_the_offline_shell(app, trader_client):
    for path in ("/", "/sell/", "/day/"):
        assert trader_client.get(path).headers.get("X-Kissi-Offline") == "keep", path
    assert "X-Kissi-Offline" not in app.test_client().get("/login").headers
    assert "X-Kissi-Offline" not in trader_client.get("/api/v1/products").headers
    sw = trader_client.get("/sw.js").get_data(as_text=True)
    assert "res.headers.get('X-Kissi-Offline') !== 'keep'" in sw  # the worker keeps only those


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_styles_kissi_inlines_are_allowed_by_hash(app, db, trader, trader_client):
    for path in ("/", "/month/"):
        r = trader_client.get(path)
        blocks = re.findall(r"<style>(.*?)</style>", r.get_data(as_text=True), re.S)
        assert blocks, path
        allowed = _policy(r)["style-src-elem"]
        assert all(_sha(block) in allowed for block in blocks), path
    assert _sha("body{display:none}") not in allowed  # an injected <style> would not apply


def test_templates_have_no_inline_script():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path.name}"
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), f"inline <script> in {path.name}"


def _cookie_flags(response) -> str:
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookie
    return cookie[0]


@pytest.fixture
def proxied(tmp_path):
    """A node behind one trusted proxy (Caddy in front of waitress), with a trader."""
    app = create_app({"TESTING": True, "SYNC_ENABLED": False, "TRUSTED_PROXIES": 1},
                     instance_path=str(tmp_path / "proxied"))
    db = store.connect(app.config["DATABASE"])
    store.migrate(db)
    changes.ensure_node(db, app.config["ROLE"])
    user = make_user(db, "trader", cooperative_id=make_cooperative(db)["id"])
    db.conn.close()
    return app, user


def test_session_cookie_is_secure_when_the_request_came_over_https(app, trader, proxied):
    https = app.test_client().post("/login", base_url="https://localhost",
                                   data={"phone": trader["phone"], "pin": trader["pin"]},
                                   headers={"Sec-Fetch-Site": "same-origin"})
    assert https.status_code == 302 and "Secure" in _cookie_flags(https)
    plain = app.test_client()
    forged = plain.post("/login", data={"phone": trader["phone"], "pin": trader["pin"]},
                        headers={"Sec-Fetch-Site": "same-origin", "X-Forwarded-Proto": "https"})
    assert "Secure" not in _cookie_flags(forged)  # no trusted proxy: the header is anybody's
    behind, user = proxied
    answer = behind.test_client().post("/login", data={"phone": user["phone"], "pin": user["pin"]},
                                       headers={"Sec-Fetch-Site": "same-origin", "X-Forwarded-Proto": "https",
                                                "X-Forwarded-For": "10.1.2.3"})
    assert answer.status_code == 302 and "Secure" in _cookie_flags(answer)


def test_after_logout_nothing_identifying_stays_in_the_cookie(app, trader_client, trader):
    trader_client.post("/language", data={"language": "fr"})
    trader_client.post("/logout")
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = trader_client.get_cookie("session")
    left = serializer.loads(cookie.value) if cookie else {}
    assert set(left) <= {"language", "big"}
    page = trader_client.get("/login").get_data(as_text=True)
    assert trader["phone"] not in page


def test_healthz_tells_anonymous_callers_and_traders_only_that_the_node_is_up(app, db, trader_client):
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    assert trader_client.get("/healthz").get_json() == {"status": "ok"}
    full = staff_client(app, db).get("/healthz").get_json()
    assert full["status"] == "ok" and full["version"] and "database" in full and "voice" in full



def test_static_and_audio_answers_never_set_the_session_cookie(app, db, trader_client, files, monkeypatch):
    """A clip or sw.js asked before a post and answered after it must not carry the older
    cookie back (issue 11, defect 1): only pages set it. With her cookie due for its daily
    refresh, a page does (the control)."""
    import time as clock

    from kissi.web import headers

    clip = put_clip(db, files, "fr", "p:home.sell")
    later = clock.time() + headers.COOKIE_REFRESH_SECONDS + 60
    monkeypatch.setattr(headers.time, "time", lambda: later)
    for path in ("/sw.js", "/manifest.webmanifest", "/icons/any-192.png", "/static/app.js",
                 "/voice/fr/manifest.json", f"/voice/clip/{clip['sha']}.ogg", "/voice/say/fr?s=prompt:home.sell"):
        answer = trader_client.get(path)
        assert answer.status_code in (200, 204), path
        assert not answer.headers.getlist("Set-Cookie"), path
    assert trader_client.get("/").headers.getlist("Set-Cookie")


def test_a_304_carries_no_policy_the_kept_answer_already_has(client):
    first = client.get("/sw.js")
    assert "Content-Security-Policy" in first.headers
    again = client.get("/sw.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "Content-Security-Policy" not in again.headers


def test_the_session_cookie_is_signed_again_once_a_day_not_on_every_page(app, trader_client, monkeypatch):
    """300 bytes of every page view on a prepaid phone; a day-old cookie is refreshed."""
    import time as clock

    from kissi.web import headers

    assert not trader_client.get("/").headers.getlist("Set-Cookie")
    later = clock.time() + headers.COOKIE_REFRESH_SECONDS + 60
    monkeypatch.setattr(headers.time, "time", lambda: later)
    assert trader_client.get("/").headers.getlist("Set-Cookie")
