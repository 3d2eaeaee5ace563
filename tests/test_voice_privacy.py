"""Her voice is hers: a trader's recorded labels are heard only by her shop's session;
prompt clips stay public and cacheable."""
from __future__ import annotations

import io

import pytest

from factories import login, make_product, make_user
from test_voice_web import awa, coop, files, put_clip, trainer  # noqa: F401
from tests.voice_helpers import wav_bytes


def _client(app, user=None):
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    if user is not None:
        assert login(client, user).status_code == 302
    return client


def _record(client, key: str, lang: str = "fr", accept: bool = True) -> str:
    r = client.post("/voice/record", data={"key": key, "lang": lang,
                                            "audio": (io.BytesIO(wav_bytes(0.7)), "label.webm")})
    assert r.status_code == 303, r.get_data(as_text=True)
    rec_id = r.headers["Location"].rsplit("/", 1)[1]
    if accept:
        assert client.post(f"/voice/recording/{rec_id}/accept").status_code == 303
    return rec_id


@pytest.fixture
def label_url(app, db, awa):  # noqa: F811
    soap = make_product(db, {"id": awa["shop_id"]}, name="Savon")
    _record(_client(app, awa), f"product:{soap['id']}")
    sha = db.execute("select voice_label from products where id = ?", [soap["id"]]).fetchone()[0]
    return f"/voice/clip/{sha}.ogg"


def test_her_own_session_hears_her_label_cached_privately(app, awa, label_url):  # noqa: F811
    r = _client(app, awa).get(label_url)
    assert r.status_code == 200 and r.mimetype == "audio/ogg" and r.data
    assert r.headers["Cache-Control"].startswith("private") and "public" not in r.headers["Cache-Control"]
    assert "Cookie" in r.headers["Vary"]


def test_anonymous_another_shop_and_her_trainer_do_not_hear_her_label(app, db, coop, trainer, label_url):  # noqa: F811
    other_shop = make_user(db, "trader", cooperative_id=coop["id"], name="Mariam")
    for client in (_client(app), _client(app, other_shop), _client(app, trainer)):
        r = client.get(label_url)
        assert r.status_code == 404 and r.mimetype != "audio/ogg"


def test_prompt_clips_stay_public_and_cacheable(app, db, files):  # noqa: F811
    clip = put_clip(db, files, "fr", "p:voice.sold")
    r = _client(app).get(f"/voice/clip/{clip['sha']}.ogg")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_accepted_cooperative_prompt_is_public_a_pending_one_only_for_its_trainers(app, db, trainer):  # noqa: F811
    fatou = _client(app, trainer)
    pending = _record(fatou, "p:voice.sold", accept=False)
    sha = db.execute("select sha from voice_recordings where id = ?", [pending]).fetchone()[0]
    url = f"/voice/clip/{sha}.ogg"
    assert fatou.get(url).status_code == 200
    assert _client(app).get(url).status_code == 404
    assert fatou.post(f"/voice/recording/{pending}/accept").status_code == 303
    assert _client(app).get(url).status_code == 200
