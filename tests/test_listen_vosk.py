"""The whole Vosk chain with a real model: eSpeak NG Korean speech, encoded as a browser
records it (WebM/Opus, Ogg/Opus), decoded with PyAV, recognized under a grammar.

The Korean model is loaded once for the whole test session (kissi.listen.engine keeps
one model per process, as the service does).
"""
from __future__ import annotations

import time

import pytest

from kissi.listen import capture, engine, grammar
from kissi.listen.intents import Catalog
from listen_helpers import KOREAN_DIGITS, korean_command, korean_model_folder, mount_korean


@pytest.fixture(scope="session")
def korean(tmp_path_factory):
    models = tmp_path_factory.mktemp("voice_models")
    mount_korean(models)
    folder = engine.model_folder(models, "ko")
    return models, engine.load(folder)


@pytest.mark.parametrize("fmt", ["webm", "ogg"])
def test_korean_digits_are_recognized_under_a_grammar(korean, fmt):
    _, model = korean
    pcm = capture.decode_upload(korean_command("사. 오.", fmt))
    heard = engine.recognize(model, pcm, list(KOREAN_DIGITS))
    assert heard.words == ("사", "오")
    assert heard.confidence > 0.6


def test_grammar_keeps_out_words_it_does_not_hold(korean):
    _, model = korean
    pcm = capture.decode_upload(korean_command("사. 오."))
    heard = engine.recognize(model, pcm, ["일", "이", "삼"])
    assert "사" not in heard.words and "오" not in heard.words


def test_model_is_loaded_once_per_process(korean):
    models, model = korean
    again = engine.load(engine.model_folder(models, "ko"))
    assert again is model
    assert str(korean_model_folder().resolve()) in engine.loaded()


def test_installed_models_are_listed(korean, tmp_path):
    models, _ = korean
    assert list(engine.installed(models)) == ["ko"]
    (tmp_path / "fr").mkdir()  # a folder that is not a model is not listed
    assert engine.installed(tmp_path) == {}


def test_recognition_of_a_short_command_is_fast(korean):
    _, model = korean
    pcm = capture.decode_upload(korean_command("사. 오."))
    started = time.perf_counter()
    engine.recognize(model, pcm, list(KOREAN_DIGITS))
    assert time.perf_counter() - started < 2.0  # the benchmark holds the real target


def test_grammar_is_rebuilt_when_the_catalog_changes():
    names = Catalog(products=({"id": "p1", "name": "Savon"},), customers=({"id": "c1", "name": "Awa"},))
    first = grammar.phrases(names, "fr")
    assert {"savon", "savons", "awa", "trois", "mille", "francs", "vends"} <= set(first)
    assert grammar.phrases(names, "fr") is first  # cached while nothing changed
    renamed = Catalog(products=({"id": "p1", "name": "Riz"},), customers=names.customers)
    second = grammar.phrases(renamed, "fr")
    assert "riz" in second and "savon" not in second


def test_one_model_serves_concurrent_requests(korean):
    from concurrent.futures import ThreadPoolExecutor

    _, model = korean
    pcm = capture.decode_upload(korean_command("사. 오."))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: engine.recognize(model, pcm, list(KOREAN_DIGITS)).words, range(8)))
    assert results == [("사", "오")] * 8
