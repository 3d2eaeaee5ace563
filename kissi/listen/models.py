"""Installing a Vosk model into ``voice_models/<lang>/``: download, checksum, atomic unpack.

The official models are listed (name, size, md5) in the Vosk project's model index; a
language's default is its *small* model (French: ``vosk-model-small-fr-0.22``, about
40 MB, made for phones and small boards). The archive is downloaded to a temporary file
beside the target, checked against the index's md5 (or a ``--sha256`` the operator gives),
unpacked into a temporary folder, checked to be a model, and only then renamed into place:
a failed or interrupted install leaves the model that was there untouched.
Only the ``kissi voice install-model`` command downloads; nothing here runs in a request.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from .engine import is_model

INDEX_URL = "https://alphacephei.com/vosk/models/model-list.json"
DEFAULT_MODELS = {"fr": "vosk-model-small-fr-0.22", "en": "vosk-model-small-en-us-0.15"}
TIMEOUT = 30
CHUNK = 64 * 1024


class InstallError(Exception):
    """The model could not be installed; the message says why, for the operator."""


def _open(url: str):
    try:
        return urllib.request.urlopen(url, timeout=TIMEOUT)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InstallError(f"cannot reach {url} ({reason}): this machine looks offline; "
                           "install the model later, or copy its folder by hand") from None


def find(lang: str, index_url: str = INDEX_URL, name: str | None = None) -> dict:
    """The index entry (url, size, md5) of ``name``, default the language's small model."""
    name = name or DEFAULT_MODELS.get(lang)
    if not name:
        raise InstallError(f"no official Vosk model for '{lang}': voice tags serve this language")
    with _open(index_url) as response:
        try:
            entries = json.load(response)
        except ValueError:
            raise InstallError(f"the model index at {index_url} is not readable") from None
    for entry in entries:
        if entry.get("name") == name:
            return entry
    raise InstallError(f"{name} is not in the model index")


def download(url: str, target: Path, expected_size: int | None = None, progress=None) -> None:
    """Stream ``url`` into ``target``; ``progress(n_bytes)`` after each chunk."""
    with _open(url) as response, open(target, "wb") as out:
        while True:
            try:
                chunk = response.read(CHUNK)
            except OSError as exc:
                raise InstallError(f"the download was cut ({exc}); run the command again") from None
            if not chunk:
                break
            out.write(chunk)
            if progress:
                progress(len(chunk))
    if expected_size and target.stat().st_size != expected_size:
        raise InstallError(f"the download has {target.stat().st_size} bytes, {expected_size} expected;"
                           " run the command again")


def verify(path: Path, md5: str | None = None, sha256: str | None = None) -> None:
    if not md5 and not sha256:
        raise InstallError("no checksum is known for this archive: give one with --sha256")
    digests = {"md5": hashlib.md5(), "sha256": hashlib.sha256()}
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            for d in digests.values():
                d.update(block)
    for kind, wanted in (("md5", md5), ("sha256", sha256)):
        if wanted and digests[kind].hexdigest() != wanted.lower():
            raise InstallError(f"the archive's {kind} does not match: refused (nothing installed)")


def unpack(archive: Path, models_dir: Path, lang: str) -> Path:
    """Unpack into a temporary folder, check it is a model, then rename it into place."""
    staging = Path(tempfile.mkdtemp(prefix=f".{lang}-", dir=models_dir))
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                if member.startswith(("/", "\\")) or ".." in Path(member).parts:
                    raise InstallError(f"the archive holds an unsafe path ({member}): refused")
            zf.extractall(staging)
        tops = [p for p in staging.iterdir() if p.is_dir()]
        folder = staging if is_model(staging) else tops[0] if len(tops) == 1 else None
        if folder is None or not is_model(folder):
            raise InstallError("the archive does not hold a Vosk model: refused")
        target, old = models_dir / lang, models_dir / f".{lang}.old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists() or target.is_symlink():
            os.replace(target, old)
        os.replace(folder, target)
        if old.exists() or old.is_symlink():
            (old.unlink if old.is_symlink() else lambda: shutil.rmtree(old))()
        return target
    except zipfile.BadZipFile:
        raise InstallError("the archive is damaged: run the command again") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install(lang: str, models_dir: str | Path, *, index_url: str = INDEX_URL, name: str | None = None,
            sha256: str | None = None, progress_factory=None) -> Path:
    """Download and install the model of ``lang``; returns its folder. Raises InstallError.

    ``progress_factory(total_bytes)`` returns a context manager with ``update(n)`` (a click
    progress bar) so the command shows how far the download is.
    """
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    entry = find(lang, index_url, name)
    fd, tmp = tempfile.mkstemp(prefix=f".{lang}-", suffix=".zip", dir=models_dir)
    os.close(fd)
    archive = Path(tmp)
    try:
        size = int(entry.get("size") or 0) or None
        if progress_factory:
            with progress_factory(size) as bar:
                download(entry["url"], archive, size, bar.update)
        else:
            download(entry["url"], archive, size)
        verify(archive, entry.get("md5"), sha256)
        return unpack(archive, models_dir, lang)
    finally:
        archive.unlink(missing_ok=True)
