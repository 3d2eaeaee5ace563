"""Offline speech with eSpeak NG, driven through ctypes.

The ``espeakng-loader`` package ships ``libespeak-ng`` and its voice data, so no system
package is needed. eSpeak keeps global state and is not thread-safe: every call holds
:data:`_lock`. It is used where no human recording or gTTS clip exists, and only for the
languages it really speaks (:data:`VOICES`); for Wolof, Bambara, Dioula and Baoulé the
fallback chain leads to French instead of a foreign voice mangling the words.
"""
from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import numpy as np

from . import audio

VOICES = {"fr": "fr", "en": "en", "ar": "ar"}

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_lock = threading.Lock()
_state: dict = {}


class Unavailable(RuntimeError):
    """eSpeak NG cannot be loaded on this machine."""


def _load():
    if "lib" in _state:
        return _state["lib"]
    if "error" in _state:
        raise Unavailable(_state["error"])
    try:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = Path(espeakng_loader.get_data_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data.parent).encode(), 0)
        if rate <= 0:
            raise OSError(f"espeak_Initialize returned {rate}")
    except (ImportError, OSError) as exc:
        _state["error"] = str(exc)
        raise Unavailable(str(exc)) from exc
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    chunks: list[np.ndarray] = []

    def collect(wav, count, events):
        if wav and count > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    callback = _CALLBACK(collect)  # kept referenced in _state, or ctypes frees it
    lib.espeak_SetSynthCallback(callback)
    _state.update(lib=lib, rate=rate, chunks=chunks, callback=callback)
    return lib


def available() -> bool:
    try:
        _load()
        return True
    except Unavailable:
        return False


def speaks(lang: str) -> bool:
    return lang in VOICES and available()


def synthesize(text: str, lang: str, rate_wpm: int = 150) -> np.ndarray:
    """Speak ``text`` in ``lang``: mono int16 PCM at :data:`audio.SAMPLE_RATE`."""
    if lang not in VOICES:
        raise Unavailable(f"eSpeak NG has no voice for {lang}")
    with _lock:
        lib = _load()
        chunks = _state["chunks"]
        chunks.clear()
        if lib.espeak_SetVoiceByName(VOICES[lang].encode()) != 0:
            raise Unavailable(f"eSpeak NG voice {lang} failed to load")
        lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
        data = text.encode("utf-8") + b"\0"
        lib.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
        lib.espeak_Synchronize()
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        source_rate = _state["rate"]
        chunks.clear()
    return resample(pcm.astype(np.int16), source_rate, audio.SAMPLE_RATE)


def resample(pcm: np.ndarray, source_rate: int, rate: int) -> np.ndarray:
    """Linear resampling (eSpeak's 22 050 Hz to 16 kHz); speech needs no better here."""
    if source_rate == rate or len(pcm) == 0:
        return pcm
    n = int(round(len(pcm) * rate / source_rate))
    x = np.linspace(0, len(pcm) - 1, n)
    return np.interp(x, np.arange(len(pcm)), pcm.astype(np.float64)).round().astype(np.int16)
