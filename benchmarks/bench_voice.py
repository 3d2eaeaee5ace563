"""Voice output figures: clip bytes per language, amount sentences cold and cached, and the
audio a trader downloads on her first sale.

Run: ``.venv/bin/python benchmarks/bench_voice.py [--lang en]``. Clips are made offline
with eSpeak NG in a temporary instance (the same pipeline as gTTS and recordings:
trimmed, normalized, Opus 16 kbit/s). Targets: <= 5 KB per prompt on average, an amount
sentence <= 30 ms cold and <= 2 ms cached, <= 40 KB of audio for the first sale.
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kissi import create_app
from kissi.store import changes, db as store
from kissi.voice import build, clips, utterance
from kissi.voice.clips import audio_files

SELL_FLOW = ("nav.", "home.", "key.", "cash.", "sale.", "voice.replay")
# What a trader hears on her first sale by taps: each screen's instruction and each thing
# she taps once (home, sell tile, product grid, a product, quantity, a digit, cash, done).
FIRST_SALE = ("home.screen", "home.sell", "sale.pick", "sale.product", "sale.qty", "key.3",
              "sale.pay_cash", "sale.done")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="en", help="language to build and measure (en reads source texts)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kissi-bench-voice-"))
    try:
        app = create_app({"TESTING": True}, instance_path=str(tmp))
        db = store.connect(app.config["DATABASE"])
        store.migrate(db)
        changes.ensure_node(db)
        files = audio_files(app)
        start = time.perf_counter()
        report = build.build(db, files, args.lang, offline=True, say=lambda m: None)
        built = time.perf_counter() - start
        rows = list(db.query("select key, bytes, ms from voice_clips where lang = ?", [args.lang]))
        prompts = [r for r in rows if r["key"].startswith("p:")]
        words = [r for r in rows if r["key"].startswith("w:")]
        total = sum(r["bytes"] for r in rows)
        print(f"clips of {args.lang}: {len(rows)} ({len(prompts)} prompts, {len(words)} number words), "
              f"built offline in {built:.1f} s, {report.made}")
        if not prompts:
            print(f"  {args.lang} has no translated prompts yet: measure --lang en")
            return
        print(f"  all clips: {total / 1024:.1f} KB; average per prompt "
              f"{statistics.mean(r['bytes'] for r in prompts) / 1024:.2f} KB (target <= 5 KB), "
              f"{statistics.mean(r['ms'] for r in prompts) / 1000:.2f} s long; per word "
              f"{statistics.mean(r['bytes'] for r in words) / 1024:.2f} KB")

        amounts = [12_500, 1_500, 35_000, 975, 250_000, 7_250, 100_000, 3_300]

        def segments(amount):
            return [("prompt", "voice.sold"), ("qty", 3000, "piece"), ("money", amount)]

        # baseline: reading one stored clip from disk, as serving a prompt does
        one = rows[0]["key"]
        sha = clips.index(db, None, args.lang)[one]["sha"]
        base = statistics.median(timed(lambda: files.read(sha), 200))
        cold = []
        for amount in amounts:
            shutil.rmtree(files.root / "utterances", ignore_errors=True)
            utterance.forget()
            cold += timed(lambda amount=amount: utterance.say(db, files, None, args.lang, segments(amount)), 1)
        warm_pcm = []
        for amount in amounts:  # clips decoded before, sentence new
            shutil.rmtree(files.root / "utterances", ignore_errors=True)
            warm_pcm += timed(lambda amount=amount: utterance.say(db, files, None, args.lang, segments(amount)), 1)
        cached = timed(lambda: utterance.say(db, files, None, args.lang, segments(12_500)), 200)
        said = utterance.say(db, files, None, args.lang, segments(12_500))[1]
        print(f"amount sentence 'sold 3 pieces N francs': cold median {statistics.median(cold):.1f} ms "
              f"(max {max(cold):.1f}; target <= 30), clips already demuxed {statistics.median(warm_pcm):.1f} ms, "
              f"cached median {statistics.median(cached):.2f} ms (target <= 2); {len(said)} bytes")
        print(f"  baseline: reading one clip file {base:.3f} ms; cached sentence / baseline = "
              f"{statistics.median(cached) / base:.1f}x")

        with app.test_request_context("/"):
            from kissi.web.voice import manifest_of
            manifest = manifest_of(db, None, args.lang)
        manifest_raw = json.dumps(manifest, separators=(",", ":")).encode()
        manifest_bytes = len(gzip.compress(manifest_raw))  # as served to a browser (gzip)
        print(f"manifest of {len(manifest['clips'])} prompts: {len(manifest_raw) / 1024:.1f} KB, "
              f"{manifest_bytes / 1024:.1f} KB gzipped")
        flow = {k: v for k, v in manifest["clips"].items() if k.startswith(SELL_FLOW)}
        flow_bytes = sum(v["bytes"] for v in flow.values())
        first_sale = manifest_bytes + flow_bytes + len(said)
        heard = [k for k in FIRST_SALE if k in flow]
        heard_bytes = sum(flow[k]["bytes"] for k in heard)
        print(f"first sale by taps: {len(heard)} prompts {heard_bytes / 1024:.1f} KB + confirmation "
              f"{len(said) / 1024:.1f} KB = {(heard_bytes + len(said)) / 1024:.1f} KB of audio "
              f"(target <= 40 KB), plus the manifest {manifest_bytes / 1024:.1f} KB gzipped")
        print(f"upper bound, every one of the {len(flow)} sell-flow prompts (keypads, cash, payments) "
              f"tapped once: {(flow_bytes + len(said)) / 1024:.1f} KB of audio + manifest = "
              f"{first_sale / 1024:.1f} KB")
        db.conn.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
