"""What one account can cost the node through spoken sentences: bounded caches, a rate limit."""
from __future__ import annotations

import time

import pytest

from factories import make_user
from kissi.voice import utterance
from kissi.voice.clips import audio_files
from kissi.web.ratelimit import Bucket
from test_voice_web import as_user, awa, coop, files, speak_everything  # noqa: F401


def _say_amounts(db, files, amounts):
    for amount in amounts:
        assert utterance.say(db, files, None, "fr", [("money", amount)]) is not None
        time.sleep(0.002)  # distinct modification times: the order of use


def _cached(files) -> list:
    return sorted((files.root / "utterances").iterdir())


def test_sentence_files_are_bounded_in_count_least_recently_used_out(app, db):
    app.config["VOICE_CACHE_FILES"] = 5
    files = audio_files(app)
    speak_everything(db, files, "fr", 0.1)
    _say_amounts(db, files, [101, 102, 103, 104, 105])
    first = files.path(utterance.utterance_id(utterance.plan(db, None, "fr", [("money", 101)])), "utterances")
    second = files.path(utterance.utterance_id(utterance.plan(db, None, "fr", [("money", 102)])), "utterances")
    _say_amounts(db, files, [101])  # heard again: now the most recent
    _say_amounts(db, files, [106, 107])
    assert len(_cached(files)) == 5
    assert first.exists() and not second.exists()


def test_sentence_files_are_bounded_in_bytes(app, db):
    files = audio_files(app)
    speak_everything(db, files, "fr", 0.1)
    _say_amounts(db, files, [201])
    one = _cached(files)[0].stat().st_size
    app.config["VOICE_CACHE_BYTES"] = 4 * one
    files = audio_files(app)
    _say_amounts(db, files, range(202, 240))
    assert sum(f.stat().st_size for f in _cached(files)) <= 4 * one
    assert len(_cached(files)) >= 2


def test_decoded_clips_in_memory_are_bounded_in_bytes(app, db, monkeypatch):
    files = audio_files(app)
    speak_everything(db, files, "fr", 0.3)
    utterance.forget()
    monkeypatch.setattr(utterance, "_CACHE_BYTES", 20_000)
    _say_amounts(db, files, range(1000, 1400, 37))
    count, size = utterance.packet_cache_size()
    assert 0 < size <= 20_000 and count >= 1
    utterance.forget()


def test_one_account_asking_too_often_gets_429_with_retry_after(app, client, db, files, awa):  # noqa: F811
    app.config.update(VOICE_SAY_PER_MINUTE=60, VOICE_SAY_BURST=3)
    speak_everything(db, files, "fr", 0.1)
    as_user(client, awa)
    answers = [client.get("/voice/say/fr", query_string={"s": f"money:{n}"}) for n in range(300, 304)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 2
    assert refused.json["error"]["code"] == "too_many_requests" and refused.json["error"]["message"]
    other = make_user(db, "trader", cooperative_id=awa["cooperative_id"], name="Mariam")
    other_client = app.test_client()
    other_client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    as_user(other_client, other)
    assert other_client.get("/voice/say/fr", query_string={"s": "money:5"}).status_code == 200  # her own bucket


def test_bucket_refills_at_its_rate():
    bucket = Bucket()
    assert [bucket.take("a", 1.0, 2, now=0.0) for _ in range(3)] == [0, 0, pytest.approx(1.0)]
    assert bucket.take("a", 1.0, 2, now=0.5) == pytest.approx(0.5)
    assert bucket.take("a", 1.0, 2, now=1.0) == 0
