"""Checking and decoding a spoken command uploaded by the browser.

A phone's MediaRecorder sends WebM/Opus (Chrome) or Ogg/Opus (Firefox). The type is
sniffed from the bytes, never from a name or header the client chose; the clip must be at
most 10 s and 500 KB, and is decoded by :func:`kissi.voice.audio.decode` (PyAV) to 16 kHz
mono int16, the format both engines read. Every refusal is an
:class:`~kissi.voice.audio.AudioError` (422) with a code the page turns into a message
and a spoken prompt; nothing is stored.
"""
from __future__ import annotations

import io

import numpy as np

from ..voice.audio import SAMPLE_RATE, AudioError, decode

RATE = SAMPLE_RATE
MAX_BYTES = 500 * 1024
MAX_SECONDS = 10.0
SILENCE_PEAK = 400  # int16 peak below which a clip holds no speech (about -38 dBFS)

_MAGIC = {b"\x1a\x45\xdf\xa3": "matroska", b"OggS": "ogg"}


def sniff(data: bytes) -> str | None:
    """The container named by the clip's first bytes (``matroska`` or ``ogg``), else None."""
    return _MAGIC.get(bytes(data[:4]))


def decode_upload(data: bytes) -> np.ndarray:
    """The uploaded clip as 16 kHz mono int16 samples, or an ``AudioError`` saying why not.

    Refuses: empty, over 500 KB, not WebM/Ogg, unreadable or cut short, over 10 s, and a
    clip with no sound above the silence floor.
    """
    if not data:
        raise AudioError("empty", "The recording is empty.")
    if len(data) > MAX_BYTES:
        raise AudioError("too_large", "The recording is larger than %(kb)s KB.", kb=MAX_BYTES // 1024)
    fmt = sniff(data)
    if fmt is None:
        raise AudioError("not_audio", "This file is not a sound recording.")
    pcm = decode(data, RATE, max_seconds=MAX_SECONDS + 0.5)
    if not _complete(data, fmt, len(pcm)):
        raise AudioError("truncated", "The recording was cut off. Please speak again.")
    if int(np.abs(pcm.astype(np.int32)).max()) < SILENCE_PEAK:
        raise AudioError("silent", "Nothing was heard in the recording.")
    return pcm


def _complete(data: bytes, fmt: str, samples: int) -> bool:
    """Whether the upload arrived whole.

    Ogg: the stream ends with a whole page flagged end-of-stream. WebM: when the header
    states a duration (not all recorders write one), the sound must fill it.
    """
    if fmt == "ogg":
        last = data.rfind(b"OggS")
        if last < 0 or len(data) < last + 27:
            return False
        header = data[last:last + 27]
        table_end = last + 27 + header[26]
        return bool(header[5] & 0x04) and len(data) >= table_end + sum(data[last + 27:table_end])
    import av  # loaded on first use (see kissi.voice.audio)

    try:
        with av.open(io.BytesIO(data)) as container:
            stated = container.duration
    except av.error.FFmpegError:
        return False
    return stated is None or samples / RATE >= stated / 1_000_000 - 0.25


def as_bytes(pcm: np.ndarray) -> bytes:
    """Little-endian int16 bytes, what Vosk's ``AcceptWaveform`` reads."""
    return np.ascontiguousarray(pcm, dtype="<i2").tobytes()
