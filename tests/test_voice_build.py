"""``kissi voice build``: gTTS while online (its HTTP traffic faked at the transport),
retries on errors and rate limits, resumable, eSpeak NG when offline."""
import pytest
import requests

from kissi.voice import build, catalog, clips, espeak
from kissi.voice.clips import audio_files
from tests.voice_helpers import FakeSpeechService

_all_items = catalog.items


@pytest.fixture(autouse=True)
def fewer_items(monkeypatch):
    """Build the voice.* prompts and every number word, not all ~240 prompts (test speed)."""
    monkeypatch.setattr(catalog, "items", lambda lang: [
        i for i in _all_items(lang) if i.kind == "word" or i.name.startswith("voice.")])


def _prompt_count(lang="en"):
    return sum(1 for i in catalog.items(lang) if i.kind == "prompt")


@pytest.fixture
def service(monkeypatch):
    fake = FakeSpeechService()
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send",
                        lambda adapter, request, **kw: fake.send(adapter, request, **kw))
    return fake


@pytest.fixture
def files(app):
    return audio_files(app)


def _run(db, files, lang, **kw):
    waits = []
    report = build.build(db, files, lang, backoff=0.5, sleep=waits.append, say=lambda m: None, **kw)
    return report, waits


def _machine_clips(db, lang, source):
    return db.execute("select count(*) from voice_clips where lang = ? and source = ?", [lang, source]).fetchone()[0]


def test_build_makes_a_gtts_clip_for_every_item_and_sends_the_texts(db, files, service):
    report, _ = _run(db, files, "en")
    wanted = catalog.items("en")
    assert report.made["gtts"] == len(wanted) == _machine_clips(db, "en", "gtts")
    assert ("en", "Sold") in service.requests and ("en", "thousand") in service.requests
    row = db.execute("select sha, bytes from voice_clips where key = 'p:voice.sold'").fetchone()
    assert files.path(row[0]).stat().st_size == row[1] < 5_000


def test_second_run_skips_what_exists_and_sends_nothing(db, files, service):
    _run(db, files, "en")
    sent = len(service.requests)
    report, _ = _run(db, files, "en")
    assert report.made == {"gtts": 0, "espeak": 0} and report.skipped == len(catalog.items("en"))
    assert len(service.requests) == sent


def test_rate_limits_and_server_errors_are_retried_with_growing_waits(db, files, service):
    service.script = [429, 500, "no_audio", "ok"]
    report, waits = _run(db, files, "en")
    assert waits == [0.5, 1.0, 2.0]
    assert not report.failed and report.made["gtts"] == len(catalog.items("en"))


def test_a_clip_that_keeps_failing_is_left_for_the_next_run(db, files, service):
    service.script = [429] * 5
    report, waits = _run(db, files, "en", retries=4)
    assert len(report.failed) == 1 and len(waits) == 4
    first = report.failed[0][0]
    again, _ = _run(db, files, "en")
    assert again.made["gtts"] == 1 and clips.has_machine_clip(db, "en", first, "gtts")


def test_offline_build_says_so_and_uses_espeak(db, files, service):
    service.script = ["down"]
    messages = []
    report = build.build(db, files, "en", sleep=lambda s: None, say=messages.append)
    assert report.offline and any("offline" in m for m in messages)
    assert report.made["gtts"] == 0 and report.made["espeak"] == len(catalog.items("en"))
    assert len(service.requests) == 1  # it stopped asking after the first failure


def test_languages_no_machine_speaks_are_left_to_the_studio(db, files, service):
    report, _ = _run(db, files, "dyu")
    assert report.unsupported and not service.requests and _machine_clips(db, "dyu", "gtts") == 0


def test_untranslated_prompts_are_not_read_in_a_foreign_text(db, files, service, monkeypatch):
    monkeypatch.setattr(catalog, "_own_catalog", lambda lang: None)
    report, _ = _run(db, files, "fr")
    assert report.untranslated == _prompt_count("fr") > 0
    assert all(lang == "fr" and " " not in text for lang, text in service.requests)  # number words only


def test_espeak_really_speaks_french():
    pcm = espeak.synthesize("mille cinq cents", "fr")
    assert 0.5 < len(pcm) / 16_000 < 3 and abs(pcm).max() > 1000


def test_cli_build_offline_shows_progress_and_counts(app, db):
    result = app.test_cli_runner().invoke(args=["voice", "build", "--lang", "fr", "--offline"])
    assert result.exit_code == 0, result.output
    assert "fr: offline, using eSpeak NG" in result.output and "made" in result.output
    assert _machine_clips(db, "fr", "espeak") >= len(catalog.items("fr")) - _prompt_count("fr")


def test_serving_fills_in_espeak_clips_in_the_background(app, db):
    from kissi.voice.cli import start_offline_build

    child = start_offline_build(app)  # a process: its memory goes back when it is done
    assert child.wait(timeout=120) == 0
    for lang in ("fr", "en", "ar"):
        assert _machine_clips(db, lang, "espeak") >= len(catalog.items(lang)) - _prompt_count(lang)
    app.config["VOICE_BUILD_ON_SERVE"] = False
    assert start_offline_build(app) is None


def test_cli_status_lists_every_language(app, db, files):
    result = app.test_cli_runner().invoke(args=["voice", "status"])
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.output.splitlines()] == ["fr", "en", "ar", "wo", "bm", "dyu", "bci"]
