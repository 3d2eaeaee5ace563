"""Where clips live and which one speaks a prompt: files, metadata and the source order.

Files are content-addressed (``audio/clips/<sha>.ogg`` in the instance folder): the name
is the hash of the Opus bytes, so a URL never changes meaning and can be cached forever.
Which clip speaks a key in a language, best first: a human recording of the trader's
cooperative, a human recording for every cooperative, a gTTS clip, an eSpeak NG clip.
When a language has none, its fallback chain is walked (``dyu`` -> ``bm`` -> ``fr``).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import sqlite_utils

from .. import languages
from ..store import changes
from . import audio

SOURCES = ("recording", "gtts", "espeak")
_RANK = {"coop": 0, "recording": 1, "gtts": 2, "espeak": 3}


def prompt_key(key: str) -> str:
    return f"p:{key}"


def word_key(word: str) -> str:
    return f"w:{word}"


# Cached utterances (``audio/utterances``), least recently used out beyond either bound.
CACHE_BYTES = 32 * 1024 * 1024
CACHE_FILES = 2000


class ClipFiles:
    """The audio folder of an instance: clips by sha, and cached utterances.

    Clips are kept for good (they are the recordings); utterances are a cache that anyone
    logged in can fill by asking for new sentences, so it is bounded by ``cache_bytes`` and
    ``cache_files``: a hit marks the file used (its mtime), a new file evicts the least
    recently used ones.
    """

    def __init__(self, root: str | os.PathLike, cache_bytes: int = CACHE_BYTES, cache_files: int = CACHE_FILES):
        self.root = Path(root)
        self.cache_bytes = cache_bytes
        self.cache_files = cache_files

    def path(self, sha: str, kind: str = "clips") -> Path:
        if not sha.isalnum():
            raise ValueError("not a clip name")
        return self.root / kind / f"{sha}.ogg"

    def put(self, data: bytes, kind: str = "clips") -> str:
        """Store ``data`` under its hash (atomic rename; storing twice is harmless)."""
        sha = content_hash(data)
        if not self.exists(sha, kind):
            self.put_as(sha, data, kind)
        return sha

    def put_as(self, name: str, data: bytes, kind: str) -> None:
        """Store ``data`` under a name derived from its inputs (cached utterances)."""
        target = self.path(name, kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)

    def cached(self, name: str, kind: str) -> bytes | None:
        """A cached file's bytes, marked as just used; None when absent (or just evicted)."""
        path = self.path(name, kind)
        try:
            data = path.read_bytes()
            os.utime(path)
        except FileNotFoundError:
            return None
        return data

    def trim(self, kind: str) -> int:
        """Evict the least recently used files of ``kind`` beyond the bounds; returns how many."""
        entries = []
        try:
            with os.scandir(self.root / kind) as it:
                for entry in it:
                    try:
                        st = entry.stat()
                    except FileNotFoundError:
                        continue
                    entries.append((st.st_mtime_ns, st.st_size, entry.path))
        except FileNotFoundError:
            return 0
        total = sum(size for _, size, _ in entries)
        count, evicted = len(entries), 0
        for _, size, path in sorted(entries):
            if total <= self.cache_bytes and count <= self.cache_files:
                break
            try:
                os.unlink(path)
                evicted += 1
            except FileNotFoundError:
                pass  # another thread evicted it
            total, count = total - size, count - 1
        return evicted

    def read(self, sha: str, kind: str = "clips") -> bytes:
        return self.path(sha, kind).read_bytes()

    def exists(self, sha: str, kind: str = "clips") -> bool:
        return self.path(sha, kind).exists()


def audio_files(app) -> ClipFiles:
    """The audio folder of ``app``'s instance (``VOICE_DIR``, default ``<instance>/audio``;
    never the repo), with its cache bounds (``VOICE_CACHE_BYTES``, ``VOICE_CACHE_FILES``).
    ``app`` is the Flask app, read for its config and instance path only."""
    return ClipFiles(app.config.get("VOICE_DIR") or Path(app.instance_path) / "audio",
                     int(app.config.get("VOICE_CACHE_BYTES", CACHE_BYTES)),
                     int(app.config.get("VOICE_CACHE_FILES", CACHE_FILES)))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def encode_clip(pcm: np.ndarray) -> tuple[bytes, int]:
    """Trim, normalize and encode speech; returns the Opus bytes and its length in ms."""
    ready = audio.prepare_clip(pcm)
    return audio.encode_opus(ready), int(round(audio.seconds(ready) * 1000))


def store_machine_audio(files: ClipFiles, pcm: np.ndarray) -> dict:
    """Encode a machine clip and store its file: ``{"sha", "bytes", "ms"}``.

    The CPU-heavy half of saving a clip, kept apart so that a caller does it BEFORE taking
    the write lock: the background build runs at a low priority, and encoding inside its
    transaction made every sale of a busy node wait for it (a tenth of the usual rate).
    """
    data, ms = encode_clip(pcm)
    return {"sha": files.put(data), "bytes": len(data), "ms": ms}


def record_machine_clip(db: sqlite_utils.Database, lang: str, key: str, source: str, audio_file: dict) -> dict:
    """The row of a gTTS or eSpeak clip whose file is stored (local table: any node can remake
    these, so no sync). Quick: the only part to do inside a transaction."""
    row = {"lang": lang, "key": key, "source": source, **audio_file, "created_at": changes.utc_now()}
    db.execute("insert or replace into voice_clips (lang, key, source, sha, bytes, ms, created_at)"
               " values (:lang, :key, :source, :sha, :bytes, :ms, :created_at)", row)
    return row


def save_machine_clip(db: sqlite_utils.Database, files: ClipFiles, lang: str, key: str,
                      source: str, pcm: np.ndarray) -> dict:
    """Encode, store and record a machine clip in one call (when no write lock is held)."""
    return record_machine_clip(db, lang, key, source, store_machine_audio(files, pcm))


def has_machine_clip(db: sqlite_utils.Database, lang: str, key: str, source: str) -> bool:
    return db.execute("select 1 from voice_clips where lang = ? and key = ? and source = ?",
                      [lang, key, source]).fetchone() is not None


def may_hear(db: sqlite_utils.Database, sha: str, user: dict | None) -> bool:
    """Whether ``user`` (None when anonymous) may hear the clip ``sha``.

    Prompts and number words are public: machine clips, and recordings accepted for a
    cooperative or for everyone. A trader's own recordings (her products' and customers'
    names, her number words: rows with a ``shop_id``) are hers: only a session of that shop
    hears them. A prompt recording still pending review is heard by its maker and by the
    trainers of its cooperative (and admins). A file no row speaks of is nobody's.
    """
    if db.execute("select 1 from voice_clips where sha = ? limit 1", [sha]).fetchone():
        return True
    user = user or {}
    for shop_id, cooperative_id, maker, accepted, deleted in db.execute(
            "select shop_id, cooperative_id, user_id, accepted, deleted from voice_recordings where sha = ?", [sha]):
        if shop_id is not None:
            if user.get("shop_id") == shop_id:
                return True
        elif (accepted and not deleted) or (user and (
                maker == user.get("id") or user.get("role") == "admin"
                or (user.get("role") == "trainer" and cooperative_id == user.get("cooperative_id")))):
            return True
    return False


# -- which clip speaks a key ---------------------------------------------------------------

_index_cache: dict = {}


def _stamp(db: sqlite_utils.Database, lang: str) -> tuple:
    """Changes whenever a clip or recording of ``lang`` is added, replaced or accepted."""
    a = db.execute("select count(*), max(created_at) from voice_clips where lang = ?", [lang]).fetchone()
    b = db.execute("select count(*), max(created_at), sum(accepted), sum(deleted)"
                   " from voice_recordings where lang = ? and shop_id is null", [lang]).fetchone()
    return (*a, *b)


def index(db: sqlite_utils.Database, cooperative_id: str | None, lang: str) -> dict[str, dict]:
    """``key -> best clip`` for exactly ``lang`` (no fallback), cached until clips change."""
    cache_key = (db.conn.execute("pragma database_list").fetchone()[2], cooperative_id, lang)
    stamp = _stamp(db, lang)
    cached = _index_cache.get(cache_key)
    if cached and cached[0] == stamp:
        return cached[1]
    best: dict[str, tuple[int, dict]] = {}

    def offer(rank, row):
        if row["key"] not in best or rank < best[row["key"]][0]:
            best[row["key"]] = (rank, row)

    for row in db.query("select key, sha, bytes, ms, source from voice_clips where lang = ?", [lang]):
        offer(_RANK[row["source"]], {**row, "lang": lang})
    for row in db.query(
        "select key, sha, bytes, ms, cooperative_id from voice_recordings"
        " where lang = ? and accepted = 1 and deleted = 0 and shop_id is null"
        " and (cooperative_id is null or cooperative_id = ?) order by created_at", [lang, cooperative_id]
    ):
        rank = _RANK["coop"] if row.pop("cooperative_id") else _RANK["recording"]
        offer(rank, {**row, "source": "recording", "lang": lang})
    result = {key: row for key, (_, row) in best.items()}
    _index_cache[cache_key] = (stamp, result)
    return result


def resolve(db: sqlite_utils.Database, cooperative_id: str | None, lang: str, key: str) -> dict | None:
    """The best clip for ``key``, walking ``lang``'s fallback chain; None when nothing speaks it."""
    for code in languages.get(lang).chain:
        clip = index(db, cooperative_id, code).get(key)
        if clip:
            return clip
    return None


def source_counts(db: sqlite_utils.Database) -> dict[str, dict[str, int]]:
    """Per language, how many clips each source has (for /healthz and the studio)."""
    out = {code: {"recordings": 0, "gtts": 0, "espeak": 0} for code in languages.LANGUAGES}
    for row in db.query("select lang, source, count(*) n from voice_clips group by lang, source"):
        out.setdefault(row["lang"], {"recordings": 0, "gtts": 0, "espeak": 0})[row["source"]] = row["n"]
    for row in db.query("select lang, count(*) n from voice_recordings where accepted = 1 and deleted = 0"
                        " and shop_id is null group by lang"):
        out.setdefault(row["lang"], {"recordings": 0, "gtts": 0, "espeak": 0})["recordings"] = row["n"]
    return out
