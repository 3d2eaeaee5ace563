"""Sound fixtures made on the spot with PyAV (nothing downloaded, nothing committed)."""
from __future__ import annotations

import io

import av
import numpy as np


def tone(seconds: float, rate: int = 16_000, freq: float = 220.0, amplitude: int = 8000) -> np.ndarray:
    """A voiced-looking test signal: a tone with a slow swell, int16 mono."""
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))).astype(np.int16)


def wav_bytes(seconds: float, rate: int = 44_100, channels: int = 2, freq: float = 330.0) -> bytes:
    """A WAV file (PCM s16) with ``channels`` channels at ``rate`` Hz."""
    mono = tone(seconds, rate, freq)
    layout = "stereo" if channels == 2 else "mono"
    data = np.repeat(mono[None, :], channels, axis=0).T.reshape(1, -1) if channels == 2 else mono.reshape(1, -1)
    out = io.BytesIO()
    with av.open(out, mode="w", format="wav") as muxer:
        stream = muxer.add_stream("pcm_s16le", rate=rate)
        stream.layout = layout
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format="s16", layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            muxer.mux(packet)
        for packet in stream.encode(None):
            muxer.mux(packet)
    return out.getvalue()
