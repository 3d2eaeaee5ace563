"""Voice tags: speaker-dependent word matching for languages no recognizer knows.

The trader (or her trainer) recorded each word once: her product and customer names
(``products.voice_label`` / ``customers.voice_label``, written by the recording studio)
and the number words of her language (studio keys ``w:<word>``). A spoken command is cut
into words at its pauses, and each word is compared with every tag by dynamic time
warping over MFCC features; the nearest tag wins only if it is near enough and clearly
nearer than the runner-up, so an unknown word is refused rather than guessed.

Libraries: ``python_speech_features`` for the mel filterbank (small, numpy only) and
``scipy`` for its DCT; ``dtaidistance`` for DTW (a maintained C implementation: 100 tags
in a few milliseconds). All are imported on first use, so an idle service stays small.
Features: log mel energies floored 20 dB below the clip's loudest band (market noise
below that floor is ignored alike in the tag and the command), then cepstra 1-12 with
mean and variance normalized per clip (the phone's microphone and distance cancel out).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..voice.audio import SAMPLE_RATE, AudioError, decode, trim_silence
from .engine import Heard

FLOOR_DB = 20.0
REJECT_DISTANCE = 0.15  # mean per-step DTW distance above which a word is unknown
REJECT_RATIO = 0.85  # best / runner-up (another word) above which the match is ambiguous
MIN_WORD_MS = 120
PAUSE_MS = 180


@dataclass(frozen=True)
class Tag:
    """One recorded word: what it means (``word``: a product or customer name, a number
    word, or ``@command``) and its features."""

    word: str
    kind: str  # product | customer | number | command
    features: np.ndarray


def features(pcm: np.ndarray) -> np.ndarray:
    """MFCC-like features of one spoken word (frames x 12), silence trimmed."""
    from python_speech_features import fbank
    from scipy.fft import dct

    pcm = trim_silence(pcm, threshold_dbfs=-35.0)
    if len(pcm) < SAMPLE_RATE * MIN_WORD_MS // 1000:
        pcm = np.pad(pcm, (0, SAMPLE_RATE * MIN_WORD_MS // 1000 - len(pcm)))
    energies, _ = fbank(pcm, SAMPLE_RATE, nfilt=26, winfunc=np.hamming)
    log = np.log(energies)
    log = np.maximum(log, log.max() - FLOOR_DB / 10 * np.log(10))
    cepstra = dct(log, type=2, axis=1, norm="ortho")[:, 1:13]
    cepstra = (cepstra - cepstra.mean(0)) / (cepstra.std(0) + 1e-8)
    return np.ascontiguousarray(cepstra, dtype=np.double)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """DTW distance of two feature sequences, per step of the path (length-independent)."""
    from dtaidistance import dtw_ndim

    window = max(max(len(a), len(b)) // 2, abs(len(a) - len(b)) + 5)
    return dtw_ndim.distance_fast(a, b, window=window) / (len(a) + len(b))


def split_words(pcm: np.ndarray) -> list[np.ndarray]:
    """Cut a command into words at pauses of at least 180 ms (speak word by word).

    A frame is speech when its energy is well above the clip's noise floor (the quietest
    frames) and within 35 dB of its loudest; short gaps inside a word are bridged.
    """
    frame = SAMPLE_RATE // 100  # 10 ms
    n = len(pcm) // frame
    if n == 0:
        return []
    x = pcm[: n * frame].astype(np.float64).reshape(n, frame)
    level = 10 * np.log10(np.mean(x ** 2, axis=1) + 1.0)
    floor, peak = np.percentile(level, 10), level.max()
    voiced = level > max(floor + 0.35 * (peak - floor), peak - 35.0)
    words, start, silent = [], None, 0
    for i, v in enumerate(voiced):
        if v:
            start = i if start is None else start
            silent = 0
        elif start is not None:
            silent += 1
            if silent * 10 >= PAUSE_MS:
                words.append((start, i - silent + 1))
                start, silent = None, 0
    if start is not None:
        words.append((start, n - silent))
    pad = 3  # keep 30 ms around each word
    return [pcm[max(0, a - pad) * frame: min(n, b + pad) * frame] for a, b in words
            if (b - a) * 10 >= MIN_WORD_MS]


def match(word: np.ndarray, tags: list[Tag]) -> tuple[Tag | None, float]:
    """The tag this word is, or ``(None, distance)`` when it is no tag well enough."""
    if not tags:
        return None, float("inf")
    scored = sorted(((distance(word, tag.features), i) for i, tag in enumerate(tags)))
    best_distance, best = scored[0]
    rival = next((d for d, i in scored[1:] if tags[i].word != tags[best].word), None)
    if best_distance > REJECT_DISTANCE:
        return None, best_distance
    if rival is not None and best_distance > REJECT_RATIO * rival:
        return None, best_distance
    return tags[best], best_distance


def recognize(pcm: np.ndarray, tags: list[Tag]) -> Heard:
    """The words of a command, each the name of a tag; an unknown word is ``[unk]`` with
    confidence 0, so the intent parser asks again instead of dropping it."""
    words, confidences = [], []
    for segment in split_words(pcm):
        tag, dist = match(features(segment), tags)
        words.append(tag.word if tag else "[unk]")
        confidences.append(0.0 if tag is None else round(1.0 - dist / REJECT_DISTANCE * 0.4, 3))
    return Heard(tuple(words), tuple(confidences), engine="tags")


# -- tags of a shop, from the studio's recordings -------------------------------------------

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 4000


def clip_features(sha: str, read) -> np.ndarray:
    """Features of a stored clip, computed once per process (``read(sha) -> bytes``)."""
    with _cache_lock:
        if sha in _cache:
            _cache.move_to_end(sha)
            return _cache[sha]
    found = features(decode(read(sha)))
    with _cache_lock:
        _cache[sha] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def sources(db, shop_id: str, lang: str) -> list[tuple[str, str, str]]:
    """``(word, kind, sha)`` of every tag the shop has in ``lang``: its products' and
    customers' voice labels, and the number and command words recorded for the language
    (by the trader for her shop, or by a trainer for her cooperative or for everyone)."""
    found = [(r["name"], "product", r["voice_label"]) for r in db.query(
        "select name, voice_label from products where shop_id = ? and deleted = 0"
        " and archived = 0 and voice_label is not null", [shop_id])]
    found += [(r["name"], "customer", r["voice_label"]) for r in db.query(
        "select name, voice_label from customers where shop_id = ? and deleted = 0"
        " and voice_label is not null", [shop_id])]
    coop = db.execute("select cooperative_id from shops where id = ?", [shop_id]).fetchone()
    for r in db.query(
        "select key, sha from voice_recordings where lang = ? and accepted = 1 and deleted = 0"
        " and (key like 'w:%' or key like 'c:%')"
        " and (shop_id = ? or (shop_id is null and (cooperative_id is null or cooperative_id = ?)))",
        [lang, shop_id, coop[0] if coop else None],
    ):
        kind, _, word = r["key"].partition(":")
        found.append((word if kind == "w" else "@" + word, "number" if kind == "w" else "command", r["sha"]))
    return found


def shop_tags(db, shop_id: str, lang: str, read) -> list[Tag]:
    """The shop's tags in ``lang`` with their features (clips read through ``read``)."""
    tags = []
    for word, kind, sha in sources(db, shop_id, lang):
        try:
            tags.append(Tag(word, kind, clip_features(sha, read)))
        except (OSError, ValueError, AudioError):
            continue  # a clip not (yet) on this node: its metadata synced before the file
    return tags
