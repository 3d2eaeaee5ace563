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


def mp3_bytes(seconds: float, rate: int = 24_000, freq: float = 200.0) -> bytes:
    """An MP3 like the ones the speech service returns (mono, 24 kHz)."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp3") as muxer:
        stream = muxer.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"
        pcm = tone(seconds, rate, freq)
        step = 1152
        for start in range(0, len(pcm), step):
            block = pcm[start:start + step]
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                muxer.mux(packet)
        for packet in stream.encode(None):
            muxer.mux(packet)
    return out.getvalue()


class FakeSpeechService:
    """Stands in for the speech web service at the HTTP transport (requests' adapter).

    gTTS itself runs unchanged: it builds its request, sends it through requests, parses
    the reply. ``script`` is a list of what to answer, in order ("ok", 429, 500,
    "no_audio", "down"); once it is used up every request gets "ok".
    """

    def __init__(self, script=()):
        self.script = list(script)
        self.requests = []  # (lang, text) of each request received
        self.audio = mp3_bytes(0.6)

    def send(self, adapter, request, **kwargs):
        import base64
        import json
        import urllib.parse

        import requests

        body = request.body if isinstance(request.body, str) else request.body.decode()
        rpc = json.loads(urllib.parse.unquote(body.split("f.req=", 1)[1].rstrip("&")))
        text, lang = json.loads(rpc[0][0][1])[:2]
        self.requests.append((lang, text))
        what = self.script.pop(0) if self.script else "ok"
        if what == "down":
            raise requests.exceptions.ConnectionError("Name or service not known")
        response = requests.Response()
        response.request, response.url = request, request.url
        if what == "ok":
            payload = base64.b64encode(self.audio).decode()
            response.status_code, response.reason = 200, "OK"
            line = json.dumps([["wrb.fr", "jQ1olc", json.dumps([payload]), None, None, None, "generic"]],
                              separators=(",", ":"))
            response.raw = io.BytesIO((")]}'\n\n" + line + "\n").encode())
        elif what == "no_audio":
            response.status_code, response.reason = 200, "OK"
            response.raw = io.BytesIO(b')]}\'\n\n[["wrb.fr","jQ1olc",null,null,null,[3],"generic"]]\n')
        else:
            response.status_code = what
            response.reason = {429: "Too Many Requests", 500: "Internal Server Error"}.get(what, "Error")
            response.raw = io.BytesIO(b"error")
        return response
