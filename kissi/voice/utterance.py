"""Spoken sentences made of clips: "Vendu : 3 savons, 1 500 francs", the day's total.

An utterance is a list of segments, each a small tuple:

- ``("prompt", key)``: a declared prompt (``voice.sold``);
- ``("money", amount)``: F CFA, said the way the language counts money, then ``voice.francs``
  in languages that count in francs;
- ``("number", n)``: a count;
- ``("qty", milli, unit)``: a quantity in thousandths of ``unit``, then the unit's prompt;
- ``("date", "YYYY-MM-DD")``: day number and month;
- ``("clip", sha)``: a voice label the trader recorded (a product, a customer).

Each segment is resolved on its own through the language's fallback chain, all or
nothing: a Dioula amount with one word unrecorded is said in the next language of the
chain (counted that language's way), never half in one language and half in another.
The joined audio is one Opus file, cached on disk by the hash of the clips it is made of,
so the same sentence is built once. Both caches are bounded, since any logged-in member can
ask for endless new sentences (every amount is one): the files by bytes and count
(:meth:`kissi.voice.clips.ClipFiles.trim`), the decoded clips in memory by bytes and count,
least recently used out; the web layer also limits how often an account may ask.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import sqlite_utils

from .. import languages
from . import audio, clips, numbers

GAP_MS = 90
_packet_cache: OrderedDict[str, tuple[int, list]] = OrderedDict()  # sha -> (bytes, packets)
_packet_bytes = 0
_gap_cache: dict = {}
_lock = threading.Lock()
_CACHE_SIZE = 1024
_CACHE_BYTES = 16 * 1024 * 1024


def _segment_keys(segment: tuple, lang: str) -> list[list[str]]:
    """The clip keys a segment needs in ``lang``, as groups that must all exist together."""
    kind = segment[0]
    if kind == "prompt":
        return [[clips.prompt_key(segment[1])]]
    if kind == "number":
        return [[clips.word_key(w) for w in numbers.words(int(segment[1]), lang)]]
    if kind == "money":
        groups = [[clips.word_key(w) for w in numbers.money_words(int(segment[1]), lang)]]
        if languages.get(lang).money_unit == 1:
            groups.append([clips.prompt_key("voice.francs")])
        return groups
    if kind == "qty":
        whole, frac = divmod(int(segment[1]), 1000)
        keys = [clips.word_key(w) for w in numbers.words(whole, lang)]
        if frac:
            digits = f"{frac:03d}".rstrip("0")
            keys += [clips.prompt_key("voice.point"),
                     *(clips.word_key(w) for w in numbers.words(int(digits), lang))]
        return [keys, [clips.prompt_key(f"unit.{segment[2]}")]]
    if kind == "date":
        _, month, day = (int(x) for x in str(segment[1]).split("-"))
        return [[clips.word_key(w) for w in numbers.words(day, lang)],
                [clips.prompt_key(f"month.{month}")]]
    raise ValueError(f"unknown segment {kind!r}")


def plan(db: sqlite_utils.Database, cooperative_id: str | None, lang: str,
         segments: list[tuple]) -> list[str]:
    """The shas of the clips that say ``segments``, in order (what is unspeakable is skipped)."""
    shas: list[str] = []
    chain = languages.get(lang).chain
    for segment in segments:
        if segment[0] == "clip":
            if segment[1]:
                shas.append(segment[1])
            continue
        for i, code in enumerate(chain):
            head, *rest = _segment_keys(segment, code)
            found = index_lookup(db, cooperative_id, code, head)
            if found is None:
                continue
            shas.extend(found)
            for keys in rest:  # the unit, "francs", the month: any language from here on
                for later in chain[i:]:
                    extra = index_lookup(db, cooperative_id, later, keys)
                    if extra is not None:
                        shas.extend(extra)
                        break
            break
    return shas


def index_lookup(db, cooperative_id, lang, keys: list[str]) -> list[str] | None:
    table = clips.index(db, cooperative_id, lang)
    found = [table.get(k) for k in keys]
    return None if any(f is None for f in found) else [f["sha"] for f in found]


def utterance_id(shas: list[str]) -> str:
    return hashlib.sha256(("|".join(shas) + f"|{GAP_MS}").encode()).hexdigest()[:32]


def _packets(files: clips.ClipFiles, sha: str) -> list[tuple[bytes, int]]:
    global _packet_bytes
    with _lock:  # waitress serves from several threads
        cached = _packet_cache.get(sha)
        if cached is not None:
            _packet_cache.move_to_end(sha)
            return cached[1]
    packets = audio.opus_packets(files.read(sha))
    size = sum(len(packet) for packet, _ in packets)
    with _lock:
        if sha not in _packet_cache:
            _packet_cache[sha] = (size, packets)
            _packet_bytes += size
        while _packet_cache and (len(_packet_cache) > _CACHE_SIZE or _packet_bytes > _CACHE_BYTES):
            _packet_bytes -= _packet_cache.popitem(last=False)[1][0]
    return packets


def forget() -> None:
    """Empty the in-memory cache (benchmarks measure a cold start)."""
    global _packet_bytes
    with _lock:
        _packet_cache.clear()
        _packet_bytes = 0


def packet_cache_size() -> tuple[int, int]:
    """``(clips, bytes)`` held in memory (for tests and /healthz)."""
    with _lock:
        return len(_packet_cache), _packet_bytes


def _gap() -> tuple[bytes, list[tuple[bytes, int]]]:
    if "gap" not in _gap_cache:
        data = audio.encode_opus(audio.silence(GAP_MS))
        _gap_cache["gap"] = (data, audio.opus_packets(data))
    return _gap_cache["gap"]


def render(files: clips.ClipFiles, shas: list[str]) -> tuple[str, bytes] | None:
    """One Opus file saying the clips ``shas`` in order, built once and cached by content.

    Clips are joined by remuxing their Opus packets (no decoding, no re-encoding), with a
    short encoded silence between words.
    """
    shas = [sha for sha in shas if files.exists(sha)]
    if not shas:
        return None
    uid = utterance_id(shas)
    cached = files.cached(uid, "utterances")
    if cached is not None:
        return uid, cached
    gap_file, gap = _gap()
    parts: list[list[tuple[bytes, int]]] = []
    for i, sha in enumerate(shas):
        if i:
            parts.append(gap)
        parts.append(_packets(files, sha))
    data = audio.concat_opus(gap_file, parts)
    files.put_as(uid, data, "utterances")
    files.trim("utterances")
    return uid, data


def say(db: sqlite_utils.Database, files: clips.ClipFiles, cooperative_id: str | None, lang: str,
        segments: list[tuple]) -> tuple[str, bytes] | None:
    """Plan and render ``segments`` in ``lang``; None when nothing of it can be said."""
    return render(files, plan(db, cooperative_id, lang, segments))
