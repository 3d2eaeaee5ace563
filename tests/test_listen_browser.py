"""mic.js in a real headless Chromium: hold the mic, speak, let go, see what was understood.

Chromium's fake microphone plays a WAV file made by eSpeak NG (Korean, since the Korean Vosk
model is the one installable here); the page records it with MediaRecorder (WebM/Opus),
mic.js posts it to the real app served by waitress on loopback, and the browser lands on
the confirmation page. Skipped where Chromium is not installed.
"""
from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from factories import make_product
from kissi import languages
from kissi.listen import numbers
from kissi.store import changes
from listen_helpers import KOREAN_DIGITS, mount_korean, speak, to_container

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium")]


@pytest.fixture
def served(app, db, trader, monkeypatch, tmp_path):
    import waitress.server

    models = tmp_path / "voice_models"
    mount_korean(models)
    app.config["VOICE_MODELS"] = str(models)
    monkeypatch.setitem(languages.LANGUAGES, "ko", languages.Language("ko", "한국어", "ko"))
    monkeypatch.setitem(numbers.WORDS, "ko", KOREAN_DIGITS)
    monkeypatch.setattr(numbers, "_tables", {})
    changes.update_record(db, "users", trader["id"], {"language": "ko"})
    potato = make_product(db, {"id": trader["shop_id"]}, name="감자", price=300)
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", potato
    server.close()


def test_hold_to_speak_records_sends_and_shows_the_confirmation(served, trader, tmp_path):
    from playwright.sync_api import sync_playwright

    url, potato = served
    pcm, rate = speak("오. 감자.", "ko", rate=100, pad=0.8)
    wav = tmp_path / "command.wav"
    wav.write_bytes(to_container(np.concatenate([pcm, np.zeros(rate, dtype=np.int16)]), rate,
                                 "wav", "pcm_s16le"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop", "--no-sandbox",
            "--autoplay-policy=no-user-gesture-required"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(f"{url}/login")
        page.fill("input[name=phone]", trader["phone"])
        page.fill("input[name=pin]", trader["pin"])
        page.click("button.go")
        page.goto(f"{url}/sell/")
        mic = page.locator("form.mic .micb")
        assert mic.is_visible() and page.locator("form.mic input[type=file]").is_hidden()
        box = mic.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        time.sleep(len(pcm) / rate + 0.8)
        page.mouse.up()
        page.wait_for_url("**/listen/heard?**", timeout=20_000)
        assert "product_id=" + potato["id"] in page.url and "qty=5000" in page.url
        assert page.locator("text=감자").first.is_visible()
        assert page.locator("[data-prompt='listen.confirm']").is_visible()
        browser.close()
