"""Audio in and out: decode anything to mono PCM, encode PCM to small Opus, join clips.

Reusable by voice output (prompt clips, spoken amounts) and voice input (recognition
needs 16 kHz mono int16). Everything goes through PyAV, so an upload's type is decided by
probing its content, never by its name. A PyAV resampler is bound to the format, layout
and rate of the first frame it sees; a stream whose frames change format midway (some
browser recordings do) gets a fresh resampler per format, see :func:`decode`.

No Flask here: callers get plain numpy arrays and bytes, or :class:`AudioError`.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from ..errors import Invalid

SAMPLE_RATE = 16_000  # speech: recognition wants 16 kHz, Opus codes it well at 16 kbit/s
OPUS_BITRATE = 16_000
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UPLOAD_SECONDS = 15.0
TARGET_RMS_DBFS = -20.0  # loudness every clip is brought to, so joined clips sound even
PEAK_LIMIT = 0.89  # about -1 dBFS
OPUS_TIME_BASE = Fraction(1, 48_000)  # Opus timestamps count 48 kHz samples whatever the rate


class AudioError(Invalid):
    """An upload or a stored clip is not usable audio. The message is English source text."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(code, message, "audio", **params)


@dataclass(frozen=True)
class Probe:
    container: str  # what PyAV found, e.g. "ogg", "matroska,webm", "mp3", "wav"
    codec: str
    seconds: float


def _open(data: bytes):
    try:
        return av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError, OSError):
        raise AudioError("not_audio", "This file is not a sound recording.") from None


def probe(data: bytes) -> Probe:
    """What the bytes are, decided from their content. Raises :class:`AudioError`."""
    if not data:
        raise AudioError("not_audio", "This file is not a sound recording.")
    with _open(data) as container:
        if not container.streams.audio:
            raise AudioError("not_audio", "This file is not a sound recording.")
        stream = container.streams.audio[0]
        seconds = 0.0
        if stream.duration is not None and stream.time_base is not None:
            seconds = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            seconds = container.duration / 1_000_000
        return Probe(container.format.name, stream.codec_context.name, seconds)


def decode(data: bytes, rate: int = SAMPLE_RATE, max_seconds: float | None = None) -> np.ndarray:
    """Decode any audio PyAV reads to mono int16 PCM at ``rate`` Hz.

    ``max_seconds`` stops decoding early (the caller gets an error, not a huge array) when
    the sound is longer, whatever its header claims. Raises :class:`AudioError`.
    """
    chunks: list[np.ndarray] = []
    resamplers: dict[tuple, av.AudioResampler] = {}
    total = 0
    limit = None if max_seconds is None else int(max_seconds * rate)
    with _open(data) as container:
        if not container.streams.audio:
            raise AudioError("not_audio", "This file is not a sound recording.")
        try:
            for frame in container.decode(audio=0):
                key = (frame.format.name, frame.layout.name, frame.sample_rate)
                resampler = resamplers.get(key)
                if resampler is None:
                    resampler = resamplers[key] = av.AudioResampler("s16", "mono", rate)
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if limit is not None and total > limit:
                    raise AudioError("too_long", "The recording is longer than %(seconds)s seconds.",
                                     seconds=int(max_seconds))
            for resampler in resamplers.values():
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError:
            raise AudioError("not_audio", "This file is not a sound recording.") from None
    if not chunks:
        raise AudioError("empty", "The recording is empty.")
    pcm = np.concatenate(chunks).astype(np.int16, copy=False)
    if limit is not None and len(pcm) > limit:
        raise AudioError("too_long", "The recording is longer than %(seconds)s seconds.",
                         seconds=int(max_seconds))
    return pcm


def seconds(pcm: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    return len(pcm) / rate


def trim_silence(pcm: np.ndarray, rate: int = SAMPLE_RATE, threshold_dbfs: float = -45.0,
                 keep_ms: int = 60) -> np.ndarray:
    """Cut leading and trailing silence (keeping ``keep_ms``), so joined words flow."""
    if len(pcm) == 0:
        return pcm
    level = 32768 * 10 ** (threshold_dbfs / 20)
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > level)
    if len(loud) == 0:
        return pcm[:0]
    keep = rate * keep_ms // 1000
    return pcm[max(0, loud[0] - keep): loud[-1] + keep + 1]


def normalize(pcm: np.ndarray, target_dbfs: float = TARGET_RMS_DBFS) -> np.ndarray:
    """Bring speech to one loudness (RMS of the voiced part), without clipping peaks."""
    if len(pcm) == 0:
        return pcm
    x = pcm.astype(np.float64) / 32768
    frame = 320  # 20 ms at 16 kHz
    n = len(x) // frame * frame
    frames = x[:n].reshape(-1, frame) if n else x.reshape(1, -1)
    energies = np.sqrt(np.mean(frames ** 2, axis=1))
    voiced = energies[energies > max(energies.max() * 0.1, 1e-5)]
    rms = float(np.sqrt(np.mean(voiced ** 2))) if len(voiced) else 0.0
    if rms <= 1e-6:
        return pcm
    gain = 10 ** (target_dbfs / 20) / rms
    peak = float(np.abs(x).max())
    gain = min(gain, PEAK_LIMIT / peak if peak else gain)
    return np.clip(np.round(x * gain * 32768), -32768, 32767).astype(np.int16)


def encode_opus(pcm: np.ndarray, rate: int = SAMPLE_RATE, bitrate: int = OPUS_BITRATE,
                container: str = "ogg") -> bytes:
    """Mono int16 PCM to Opus in Ogg (``container='ogg'``) or WebM; deterministic bytes."""
    if len(pcm) == 0:
        raise AudioError("empty", "The recording is empty.")
    out = io.BytesIO()
    options = {"fflags": "+bitexact"}
    with av.open(out, mode="w", format=container, options=options) as muxer:
        stream = muxer.add_stream("libopus", rate=rate)
        stream.bit_rate = bitrate
        stream.layout = "mono"
        stream.codec_context.options = {"application": "voip", "vbr": "on"}
        step = rate // 50  # 20 ms frames
        pts = 0
        pcm = np.ascontiguousarray(pcm, dtype=np.int16)
        for start in range(0, len(pcm), step * 50):
            block = pcm[start:start + step * 50]
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = pts
            pts += len(block)
            for packet in stream.encode(frame):
                muxer.mux(packet)
        for packet in stream.encode(None):
            muxer.mux(packet)
    return out.getvalue()


def silence(ms: int, rate: int = SAMPLE_RATE) -> np.ndarray:
    return np.zeros(rate * ms // 1000, dtype=np.int16)


def join(parts: list[np.ndarray], gap_ms: int = 120, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Concatenate PCM parts with a short pause between them (one utterance)."""
    pieces: list[np.ndarray] = []
    for i, part in enumerate(parts):
        if i:
            pieces.append(silence(gap_ms, rate))
        pieces.append(part)
    return np.concatenate(pieces) if pieces else silence(0, rate)


def prepare_clip(pcm: np.ndarray) -> np.ndarray:
    """What every stored clip goes through: silence trimmed, loudness normalized."""
    trimmed = trim_silence(pcm)
    if len(trimmed) == 0:
        raise AudioError("silent", "Nothing was heard in the recording.")
    return normalize(trimmed)


def check_upload(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES,
                 max_seconds: float = MAX_UPLOAD_SECONDS) -> np.ndarray:
    """Validate an uploaded recording by content and return its PCM (never the upload)."""
    if len(data) > max_bytes:
        raise AudioError("too_large", "The recording is larger than %(kb)s KB.", kb=max_bytes // 1024)
    info = probe(data)
    if info.seconds > max_seconds + 0.5:
        raise AudioError("too_long", "The recording is longer than %(seconds)s seconds.",
                         seconds=int(max_seconds))
    return decode(data, max_seconds=max_seconds + 0.5)


_OPUS_FRAME = [480, 960, 1920, 2880] * 3 + [480, 960] * 2 + [120, 240, 480, 960] * 4  # by TOC config


def _opus_duration(packet: bytes) -> int:
    """Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716, section 3.1)."""
    toc = packet[0]
    code = toc & 3
    frames = 1 if code == 0 else 2 if code in (1, 2) else (packet[1] & 0x3F if len(packet) > 1 else 1)
    return _OPUS_FRAME[toc >> 3] * frames


def _ogg_packets(data: bytes) -> list[bytes] | None:
    """Packets of an Ogg stream, parsed directly (RFC 3533): far cheaper than opening a
    container for the few pages of a clip. None when ``data`` is not a plain Ogg stream."""
    packets, current, pos = [], b"", 0
    while pos < len(data):
        if data[pos:pos + 4] != b"OggS" or pos + 27 > len(data):
            return None
        count = data[pos + 26]
        lacing = data[pos + 27:pos + 27 + count]
        pos += 27 + count
        for size in lacing:
            current += data[pos:pos + size]
            pos += size
            if size < 255:
                packets.append(current)
                current = b""
    return packets


def opus_packets(data: bytes) -> list[tuple[bytes, int]]:
    """The Opus packets of an Ogg/WebM Opus file: ``(payload, duration in 1/48000 s)``."""
    raw = _ogg_packets(data) if data[:4] == b"OggS" else None
    if raw and len(raw) > 2 and raw[0].startswith(b"OpusHead"):
        return [(p, _opus_duration(p)) for p in raw[2:] if p]  # after OpusHead and OpusTags
    with _open(data) as container:
        stream = container.streams.audio[0]
        return [(bytes(p), int(p.duration or 960)) for p in container.demux(stream) if p.size]


def concat_opus(template: bytes, parts: list[list[tuple[bytes, int]]]) -> bytes:
    """Join Opus clips without re-encoding: their packets, one after the other, in one Ogg.

    Much faster than decode + encode (a sentence in a few ms). Every part must come from
    :func:`encode_opus` (same rate, mono); ``template`` is any one of those files, whose
    header the output reuses. Each joined clip keeps its few ms of encoder priming, which
    is inaudible at the quiet edges :func:`prepare_clip` leaves.
    """
    out = io.BytesIO()
    with _open(template) as source, av.open(out, mode="w", format="ogg",
                                             options={"fflags": "+bitexact"}) as muxer:
        stream = muxer.add_stream_from_template(source.streams.audio[0])
        pts = 0
        for packets in parts:
            for payload, duration in packets:
                packet = av.Packet(payload)
                packet.stream = stream
                packet.time_base = OPUS_TIME_BASE
                packet.pts = packet.dts = pts
                packet.duration = duration
                pts += duration
                muxer.mux(packet)
    return out.getvalue()
