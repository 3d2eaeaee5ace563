"""Vosk, the speaker-independent engine, for languages with an installed model.

Models live in ``voice_models/<lang>/`` (the folder is the ``VOICE_MODELS`` setting). A
model is loaded once per process on first use (1 to 2 s, tens of MB) and shared by every
thread: ``vosk.Model`` is read-only once built; each recognition gets its own
``KaldiRecognizer``, which is cheap to make. Recognition is always constrained to a
grammar (the shop's words, see :mod:`kissi.listen.grammar`): free-form decoding is slow
on small boards and guesses words the trader never sells.

``vosk`` is imported lazily, so an idle service that never hears a command stays small.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .capture import RATE, as_bytes

_lock = threading.Lock()
_models: dict[str, object] = {}  # resolved model folder -> vosk.Model


@dataclass(frozen=True)
class Heard:
    """What the engine heard: the words in order, each with a confidence in [0, 1]."""

    words: tuple[str, ...]
    confidences: tuple[float, ...] = field(default=())
    engine: str = "vosk"

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def confidence(self) -> float:
        return min(self.confidences, default=0.0)


def is_model(folder: Path) -> bool:
    """A Vosk model folder holds an acoustic model and its config."""
    return (folder / "am" / "final.mdl").is_file() or (folder / "conf" / "model.conf").is_file()


def models_dir(config) -> Path:
    """``VOICE_MODELS`` (``KISSI_VOICE_MODELS``) from the app's ``config`` mapping, default
    ``voice_models/`` at the top of the project (beside the package)."""
    configured = config.get("VOICE_MODELS")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "voice_models"


def installed(models_dir: str | Path) -> dict[str, Path]:
    """Installed models by language code: ``{"fr": Path(".../voice_models/fr")}``."""
    root = Path(models_dir)
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and is_model(p)}


def model_folder(models_dir: str | Path, lang: str) -> Path | None:
    folder = Path(models_dir) / lang
    return folder if folder.is_dir() and is_model(folder) else None


def load(folder: str | Path):
    """The ``vosk.Model`` for ``folder``, loaded once per process (thread-safe)."""
    key = str(Path(folder).resolve())
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                import vosk

                vosk.SetLogLevel(-1)
                model = _models[key] = vosk.Model(key)
    return model


def loaded() -> list[str]:
    """Folders of the models this process holds in memory."""
    return list(_models)


def recognize(model, pcm, phrases: list[str]) -> Heard:
    """Words of ``pcm`` (16 kHz mono int16), constrained to ``phrases``.

    ``[unk]`` is added so speech outside the grammar comes back as unknown instead of
    being forced onto the nearest product name (models without it ignore it).
    """
    import vosk

    grammar = json.dumps([*phrases, "[unk]"], ensure_ascii=False)
    recognizer = vosk.KaldiRecognizer(model, RATE, grammar)
    recognizer.SetWords(True)
    recognizer.AcceptWaveform(as_bytes(pcm))
    result = json.loads(recognizer.FinalResult())
    items = [w for w in result.get("result", []) if w.get("word")]
    return Heard(tuple(w["word"] for w in items), tuple(float(w.get("conf", 0.0)) for w in items))
