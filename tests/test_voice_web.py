"""Voice over the web: clips and manifests with caching, spoken sentences, the studio,
voice labels, and uploads that are refused without storing anything."""
import gzip
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from factories import login, make_cooperative, make_product, make_user, staff_client, table_counts
from kissi.prompts import PROMPTS
from kissi.store import db as store
from kissi.voice import audio, catalog, clips, numbers, utterance
from kissi.voice.clips import audio_files
from tests.voice_helpers import tone, wav_bytes


@pytest.fixture
def files(app):
    return audio_files(app)


def put_clip(db, files, lang, key, seconds=0.4, freq=220.0):
    """A machine clip of ``seconds`` for ``key`` (as voice build would make)."""
    with store.transaction(db):
        return clips.save_machine_clip(db, files, lang, key, "espeak", tone(seconds, freq=freq))


SPOKEN = ("voice.", "unit.", "month.", "help.", "sale.")


def speak_everything(db, files, lang, seconds=0.3):
    """Clips for the number words and the prompts sentences and these tests use."""
    for i, item in enumerate(catalog.items(lang)):
        if item.kind == "word" or item.name.startswith(SPOKEN):
            put_clip(db, files, lang, item.key, seconds, 150 + i * 7)


@pytest.fixture
def coop(db):
    return make_cooperative(db)


@pytest.fixture
def trainer(db, coop):
    return make_user(db, "trainer", cooperative_id=coop["id"], name="Fatou", language="en")


@pytest.fixture
def awa(db, coop):
    return make_user(db, "trader", cooperative_id=coop["id"])


def as_user(client, user):
    assert login(client, user).status_code == 302
    return client


def test_clip_is_served_by_hash_with_immutable_caching_and_etag(client, db, files):
    clip = put_clip(db, files, "fr", "p:voice.sold")
    r = client.get(f"/voice/clip/{clip['sha']}.ogg")
    assert r.status_code == 200 and r.mimetype == "audio/ogg" and len(r.data) == clip["bytes"]
    assert "immutable" in r.headers["Cache-Control"] and "max-age=31536000" in r.headers["Cache-Control"]
    again = client.get(f"/voice/clip/{clip['sha']}.ogg", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/voice/clip/..%2f..%2fkissi.ogg").status_code == 404
    assert client.get("/voice/clip/" + "0" * 32 + ".ogg").status_code == 404


def test_manifest_walks_the_fallback_chain_and_revalidates(client, db, files):
    clip = put_clip(db, files, "fr", "p:nav.home")
    r = client.get("/voice/dyu/manifest.json")
    entry = r.json["clips"]["nav.home"]
    assert entry == {"url": f"/voice/clip/{clip['sha']}.ogg", "sha": clip["sha"], "bytes": clip["bytes"]}
    assert "nav.back" not in r.json["clips"]  # nothing speaks it: the page stays silent, not broken
    assert client.get("/voice/dyu/manifest.json", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    zipped = client.get("/voice/dyu/manifest.json", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(zipped.data)) == r.json


def test_sale_sentence_is_one_file_lasting_the_sum_of_its_parts(client, db, files, awa):
    speak_everything(db, files, "fr", 0.3)
    as_user(client, awa)
    segments = ["prompt:voice.sold", "qty:3000:piece", "money:1500"]
    r = client.get("/voice/say/fr", query_string={"s": segments})
    assert r.status_code == 200 and r.mimetype == "audio/ogg"
    said = audio.decode(r.data)
    shas = utterance.plan(db, None, "fr", [("prompt", "voice.sold"), ("qty", 3000, "piece"), ("money", 1500)])
    # sold, trois, pieces, mille cinq cents, francs
    assert len(shas) == 1 + 1 + 1 + len(numbers.money_words(1500, "fr")) + 1
    parts = sum(audio.seconds(audio.decode(files.read(sha))) for sha in shas)
    expected = parts + (len(shas) - 1) * utterance.GAP_MS / 1000
    # joined by remuxing Opus packets: each part may add its last frame's padding and the
    # encoder's priming (under 27 ms), never more
    joins = 2 * len(shas) - 1
    assert expected - 0.02 <= audio.seconds(said) <= expected + 0.027 * joins
    assert client.get("/voice/say/fr", query_string={"s": segments}).data == r.data  # cached by content


def test_wolof_amount_is_said_in_units_of_five_with_wolof_words(db, files):
    speak_everything(db, files, "wo", 0.2)
    shas = utterance.plan(db, None, "wo", [("money", 1000)])
    table = clips.index(db, None, "wo")
    assert shas == [table["w:ñaari"]["sha"], table["w:téeméer"]["sha"]]  # no "francs" word


def test_a_half_recorded_language_says_the_amount_in_the_next_language(db, files):
    speak_everything(db, files, "fr", 0.2)
    put_clip(db, files, "dyu", "w:waga")  # "wolonfila" is missing in Dioula
    shas = utterance.plan(db, None, "dyu", [("money", 35000)])
    fr = clips.index(db, None, "fr")
    assert shas == [fr[f"w:{w}"]["sha"] for w in ("trente", "cinq", "mille")] + [fr["p:voice.francs"]["sha"]]


def test_nothing_to_say_answers_204_not_a_broken_file(client, awa):
    as_user(client, awa)
    assert client.get("/voice/say/bci", query_string={"s": ["money:500"]}).status_code == 204


def test_trainer_records_a_dioula_word_and_it_is_used_after_accepting(client, db, files, trainer):
    as_user(client, trainer)
    page = client.get("/voice/studio").get_data(as_text=True)
    total = len(catalog.items("dyu"))
    assert f"Julakan: 0 of {total}" in page
    assert 'name="lang" value="dyu"' in client.get("/voice/studio/dyu").get_data(as_text=True)
    r = client.post("/voice/record", data={"lang": "dyu", "key": "w:wolonfila",
                                            "audio": (io.BytesIO(wav_bytes(1.0)), "wolonfila.wav")})
    assert r.status_code == 303
    review = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "studio.accept" in review and "studio.redo" in review
    rec_id = r.headers["Location"].rsplit("/", 1)[1]
    assert clips.resolve(db, trainer["cooperative_id"], "dyu", "w:wolonfila") is None  # pending
    assert client.post(f"/voice/recording/{rec_id}/accept").status_code == 303
    found = clips.resolve(db, trainer["cooperative_id"], "dyu", "w:wolonfila")
    assert found["source"] == "recording" and found["lang"] == "dyu"
    assert f"Julakan: 1 of {total}" in client.get("/voice/studio").get_data(as_text=True)
    stored = audio.probe(files.read(found["sha"]))
    assert (stored.container, stored.codec) == ("ogg", "opus")  # re-encoded, never the upload
    assert db.execute("select count(*) from change_log where tbl = 'voice_recordings'").fetchone()[0] == 2


def test_redo_drops_the_pending_recording(client, db, trainer):
    as_user(client, trainer)
    r = client.post("/voice/record", data={"lang": "wo", "key": "p:voice.sold",
                                            "audio": (io.BytesIO(wav_bytes(0.8)), "a.wav")})
    rec_id = r.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/voice/recording/{rec_id}/redo").status_code == 303
    assert db.execute("select deleted from voice_recordings where id = ?", [rec_id]).fetchone()[0] == 1


def test_trader_records_a_product_label_and_hears_it_in_the_sale(client, db, files, awa):
    speak_everything(db, files, "fr", 0.2)
    shop = {"id": awa["shop_id"]}
    soap = make_product(db, shop, name="Savon")
    as_user(client, awa)
    assert client.get(f"/voice/label/product/{soap['id']}").status_code == 200
    r = client.post("/voice/record", data={"key": f"product:{soap['id']}",
                                            "audio": (io.BytesIO(wav_bytes(0.7)), "savon.webm")})
    rec_id = r.headers["Location"].rsplit("/", 1)[1]
    client.post(f"/voice/recording/{rec_id}/accept")
    label = db.execute("select voice_label from products where id = ?", [soap["id"]]).fetchone()[0]
    assert files.exists(label)
    with_label = client.get("/voice/say/fr", query_string={"s": ["qty:3000:piece", f"label:product:{soap['id']}"]})
    without = client.get("/voice/say/fr", query_string={"s": ["qty:3000:piece"]})
    assert audio.seconds(audio.decode(with_label.data)) > audio.seconds(audio.decode(without.data)) + 0.5


def test_traders_cannot_use_the_studio_or_another_shops_product(client, db, coop, awa):
    other = make_user(db, "trader", cooperative_id=coop["id"], name="Mariam")
    theirs = make_product(db, {"id": other["shop_id"]}, name="Huile")
    as_user(client, awa)
    assert client.get("/voice/studio").status_code == 403
    before = table_counts(db)
    r = client.post("/voice/record", data={"key": f"product:{theirs['id']}",
                                            "audio": (io.BytesIO(wav_bytes(0.5)), "x.wav")})
    assert r.status_code == 404 and table_counts(db) == before
    assert client.get(f"/voice/label/product/{theirs['id']}").status_code == 404
    r = client.post("/voice/record", data={"lang": "fr", "key": "p:voice.sold",
                                            "audio": (io.BytesIO(wav_bytes(0.5)), "x.wav")})
    assert r.status_code == 403


BAD_UPLOADS = [
    ("not_audio", b"%PDF-1.4 this is not a sound", "voix.ogg"),
    ("too_long", wav_bytes(16.0, rate=8_000, channels=1), "long.wav"),
    ("too_large", b"\0" * (audio.MAX_UPLOAD_BYTES + 10), "big.wav"),
    ("bad_type", wav_bytes(0.5), "voix.exe"),
    ("bad_name", wav_bytes(0.5), "../../kissi.sqlite3.wav"),
    ("bad_name", wav_bytes(0.5), "..\\secret.wav"),
]


@pytest.mark.parametrize("code,data,name", BAD_UPLOADS, ids=[f"{c}-{n}" for c, _, n in BAD_UPLOADS])
def test_bad_uploads_get_a_clear_error_and_store_nothing(app, client, db, files, trainer, code, data, name):
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024
    as_user(client, trainer)
    before = table_counts(db)
    r = client.post("/voice/record", data={"lang": "fr", "key": "p:voice.sold", "audio": (io.BytesIO(data), name)},
                    headers={"Accept": "text/html"})
    assert r.status_code == 422
    assert f'data-prompt="error.{code}"' in r.get_data(as_text=True)
    assert table_counts(db) == before
    assert not (Path(files.root) / "clips").exists() or not any((Path(files.root) / "clips").iterdir())


def test_healthz_says_which_voice_sources_each_language_has(app, db, files):
    put_clip(db, files, "fr", "p:nav.home")
    voice = staff_client(app, db).get("/healthz").json["voice"]
    assert voice["espeak_ng"] is True
    assert voice["languages"]["fr"]["espeak"] == 1 and voice["languages"]["fr"]["best"] == "espeak"
    assert voice["languages"]["dyu"]["best"] == "none"


def test_every_prompt_key_used_in_templates_is_declared():
    root = Path(__file__).resolve().parent.parent / "kissi" / "templates"
    used = set()
    for page in root.rglob("*.html"):
        used |= set(re.findall(r'data-prompt="([^"]+)"', page.read_text()))
    literal = {k for k in used if "{" not in k}
    assert literal and literal <= set(PROMPTS), literal - set(PROMPTS)
    for pattern in used - literal:  # "key.{{ d }}", "lang.{{ row.lang }}": the family must exist
        prefix = pattern.split("{", 1)[0]
        assert not prefix or any(k.startswith(prefix) for k in PROMPTS), pattern


def _say_url(page: str) -> str:
    import html

    # the page's sentence, not a date picture's (a heading's date says only its date)
    return next(html.unescape(u) for u in re.findall(r'data-say="([^"]+)"', page) if "s=date:" not in u)


def test_sale_confirmation_page_speaks_the_sale_with_her_product_label(client, db, files, awa):
    from kissi.shop import sales

    speak_everything(db, files, "fr", 0.2)
    soap = make_product(db, {"id": awa["shop_id"]}, name="Savon", price=500)
    sale = sales.record_sale(db, awa["shop_id"], [{"product_id": soap["id"], "qty": 3000}])
    as_user(client, awa)
    page = client.get(f"/sell/done/{sale['id']}").get_data(as_text=True)
    assert "data-autoplay" in page and "<audio" not in page
    url = _say_url(page)
    assert "s=money:1500" in url
    spoken = client.get(url)
    expected = utterance.plan(db, None, "fr", [("prompt", "voice.sold"), ("qty", 3000, "piece"), ("money", 1500)])
    assert spoken.status_code == 200 and spoken.data == utterance.render(files, expected)[1]


def test_day_page_offers_its_total_to_hear(client, db, files, awa):
    from kissi.shop import sales

    speak_everything(db, files, "fr", 0.2)
    soap = make_product(db, {"id": awa["shop_id"]}, name="Savon", price=2500)
    sales.record_sale(db, awa["shop_id"], [{"product_id": soap["id"], "qty": 5000}])
    as_user(client, awa)
    url = _say_url(client.get("/day/").get_data(as_text=True))
    assert "s=money:12500&s=number:1&" in url
    assert audio.seconds(audio.decode(client.get(url).data)) > 1.0


def test_customer_label_is_recorded_from_her_debt_page(client, db, files, awa):
    from factories import make_customer

    mariam = make_customer(db, {"id": awa["shop_id"]}, name="Mariam")
    as_user(client, awa)
    assert "/voice/label/customer/" in client.get(f"/debts/{mariam['id']}").get_data(as_text=True)
    r = client.post("/voice/record", data={"key": f"customer:{mariam['id']}",
                                            "audio": (io.BytesIO(wav_bytes(0.6)), "mariam.ogg")})
    client.post(r.headers["Location"].replace("/recording/", "/recording/", 1) + "/accept")
    assert files.exists(db.execute("select voice_label from customers where id = ?", [mariam["id"]]).fetchone()[0])


def test_quantities_and_dates_are_said_with_units_and_months(db, files):
    speak_everything(db, files, "fr", 0.2)
    fr = clips.index(db, None, "fr")
    said = utterance.plan(db, None, "fr", [("qty", 1500, "kg"), ("date", "2026-11-26")])
    assert said == [fr[k]["sha"] for k in ("w:un", "p:voice.point", "w:cinq", "p:unit.kg",
                                           "w:vingt", "w:six", "p:month.11")]


def test_the_quantity_screen_says_the_product_she_tapped_in_her_voice(client, db, files, awa):
    from kissi.shop import products

    soap = make_product(db, {"id": awa["shop_id"]}, name="Savon")
    sha = files.put(audio.encode_opus(tone(0.5)))
    products.update_product(db, awa["shop_id"], soap["id"], voice_label=sha)
    as_user(client, awa)
    page = client.get(f"/sell/{soap['id']}").get_data(as_text=True)
    # on arrival (voice.js, docs/web.md): her own recording of the name, then "how many?"
    arrive = re.search(r'data-arrive="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"s=label:product:{soap['id']}&s=prompt:sale.qty" in unquote(arrive)
    assert f'data-say="/voice/clip/{sha}.ogg"' in page  # and the speaker beside it says it again
    spoken = client.get(unquote(arrive))
    assert spoken.status_code == 200 and spoken.mimetype == "audio/ogg"
