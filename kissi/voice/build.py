"""Make the missing machine clips of a language: gTTS while online, eSpeak NG offline.

Run from the command line (``kissi voice build --lang L``), never inside a web request:
gTTS talks to a web service and may take seconds per clip (no module of ``kissi.web``
imports this one; tests/test_layout.py keeps it so). The build is resumable: each
clip is committed as soon as it is made and clips that exist are skipped, so an
interrupted build picks up where it stopped. gTTS errors and rate limits are retried with
exponential backoff; a clip that still fails is left for the next run. When the service
cannot be reached at all, the build says so and makes eSpeak NG clips instead.
"""
from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from ..store import db as store
from . import audio, catalog, clips, espeak

GTTS_LANGS = {"fr": "fr", "en": "en", "ar": "ar"}


class Offline(Exception):
    """The speech service cannot be reached (no route, no DNS, connection refused)."""


@dataclass
class Report:
    lang: str
    made: dict = field(default_factory=lambda: {"gtts": 0, "espeak": 0})
    skipped: int = 0
    untranslated: int = 0
    failed: list = field(default_factory=list)
    offline: bool = False
    unsupported: int = 0


def gtts_speak(text: str, lang: str, timeout: float = 10.0) -> bytes:
    """MP3 bytes from gTTS. Raises :class:`Offline` when no response came back at all."""
    from gtts import gTTS, gTTSError

    tts = gTTS(text=text, lang=GTTS_LANGS[lang], lang_check=False, timeout=timeout)
    out = io.BytesIO()
    try:
        tts.write_to_fp(out)
    except gTTSError as exc:
        if exc.rsp is None:
            raise Offline(str(exc)) from exc
        raise
    return out.getvalue()


def _with_retries(fn: Callable[[], bytes], retries: int, backoff: float, sleep=time.sleep) -> bytes:
    """Call ``fn``; on a gTTS error (429, 5xx, no audio) wait backoff, 2x, 4x... and retry."""
    from gtts import gTTSError

    for attempt in range(retries + 1):
        try:
            return fn()
        except gTTSError:
            if attempt == retries:
                raise
            sleep(backoff * 2 ** attempt)
    raise AssertionError("unreachable")


def build(db: sqlite_utils.Database, files: clips.ClipFiles, lang: str, *, offline: bool = False,
          retries: int = 4, backoff: float = 2.0, speak: Callable[[str, str], bytes] = gtts_speak,
          progress: Callable | None = None, sleep=time.sleep, say: Callable[[str], None] = print) -> Report:
    """Make every missing clip of ``lang``; returns what was made, skipped and failed.

    ``progress(item)`` is called after each item (for a progress bar).
    """
    report = Report(lang)
    use_gtts = lang in GTTS_LANGS and not offline
    use_espeak = espeak.speaks(lang)
    if not use_gtts and not use_espeak:
        report.unsupported = len(catalog.items(lang))
        say(f"{lang}: no machine voice speaks this language; record it in the studio "
            f"(its pages fall back to {', '.join(_chain_rest(lang)) or 'silence'}).")
        return report
    if offline and lang in GTTS_LANGS:
        say(f"{lang}: offline, using eSpeak NG.")
    for item in catalog.items(lang):
        _one(db, files, lang, item, report, use_gtts, use_espeak, speak, retries, backoff, sleep, say)
        if report.offline and use_gtts:
            use_gtts = False
            say(f"{lang}: the speech service cannot be reached (offline); using eSpeak NG instead.")
            _one(db, files, lang, item, report, False, use_espeak, speak, retries, backoff, sleep, say)
        if progress:
            progress(item)
    return report


def _chain_rest(lang: str) -> tuple[str, ...]:
    from .. import languages

    return languages.get(lang).fallbacks


def _one(db, files, lang, item, report, use_gtts, use_espeak, speak, retries, backoff, sleep, say):
    source = "gtts" if use_gtts else "espeak" if use_espeak else None
    if source is None:
        return
    if clips.has_machine_clip(db, lang, item.key, source) or (
            source == "espeak" and clips.has_machine_clip(db, lang, item.key, "gtts")):
        report.skipped += 1
        return
    text = catalog.spoken_text(item, lang)
    if not text:
        report.untranslated += 1
        return
    from gtts import gTTSError

    try:
        if source == "gtts":
            mp3 = _with_retries(lambda: speak(text, lang), retries, backoff, sleep)
            pcm = audio.decode(mp3)
        else:
            pcm = espeak.synthesize(text, lang)
    except Offline:
        report.offline = True
        return
    except (gTTSError, audio.AudioError) as exc:
        report.failed.append((item.key, str(exc)))
        say(f"{lang}: {item.key} failed ({exc}); it will be retried on the next run.")
        return
    audio_file = clips.store_machine_audio(files, pcm)  # before the write lock, never under it
    with store.transaction(db):
        clips.record_machine_clip(db, lang, item.key, source, audio_file)
    report.made[source] += 1
