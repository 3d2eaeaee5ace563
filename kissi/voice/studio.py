"""The recording studio: human recordings of prompts, number words and voice labels.

A trainer records, per language, the prompts and number words her cooperative's traders
hear; a trader records the names of her products and customers in her own voice. Every
upload is checked by content (PyAV probing, at most 15 s and 1 MB), decoded and
re-encoded: what is served is never the uploaded file. A new recording is pending until
its maker has played it back and accepted it; accepting replaces the earlier one.
Recordings are a synced record table (their metadata travels; the file follows by sha).
"""
from __future__ import annotations

import re

import sqlite_utils

from .. import languages
from ..errors import Forbidden, Invalid, NotFound
from ..store import changes
from ..store.db import transaction
from . import audio, catalog, clips

AUDIO_EXTENSIONS = {"ogg", "oga", "opus", "webm", "weba", "wav", "mp3", "m4a", "mp4", "aac", "3gp",
                    "amr", "flac", "blob"}
LABEL_TABLES = {"product": "products", "customer": "customers"}
_SAFE_NAME = re.compile(r"^[\w\- .()]{1,120}$")


def check_filename(filename: str | None) -> None:
    """Refuse names with path tricks or a non-audio extension (content is checked after)."""
    name = filename or "recording.webm"
    if ("/" in name or "\\" in name or "\0" in name or ".." in name or name.startswith(".")
            or not _SAFE_NAME.match(name)):
        raise audio.AudioError("bad_name", "This file name is not allowed.")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in AUDIO_EXTENSIONS:
        raise audio.AudioError("bad_type", "Only sound recordings can be sent.")


def _check_key(db: sqlite_utils.Database, user: dict, lang: str, key: str) -> str | None:
    """Validate what is recorded; returns the shop id for a voice label, else None."""
    if lang not in languages.LANGUAGES:
        raise Invalid("bad_language", "Unknown language.", "lang")
    kind, _, rest = key.partition(":")
    if kind in LABEL_TABLES:
        shop_id = user.get("shop_id")
        row = db.execute(f"select shop_id from {LABEL_TABLES[kind]} where id = ? and deleted = 0",
                         [rest]).fetchone()
        if row is None or shop_id is None or row[0] != shop_id:
            raise NotFound(kind, "key")
        return shop_id
    if user.get("role") not in ("trainer", "admin"):
        raise Forbidden("forbidden", "Only a trainer can record prompts.")
    if key not in {item.key for item in catalog.items(lang)}:
        raise Invalid("bad_key", "Nothing to record under this name.", "key")
    return None


def record(db: sqlite_utils.Database, files: clips.ClipFiles, user: dict, lang: str, key: str,
           data: bytes, filename: str | None = None) -> dict:
    """Check, re-encode and store an upload as a pending recording. Raises before storing."""
    check_filename(filename)
    shop_id = _check_key(db, user, lang, key)
    pcm = audio.check_upload(data)
    encoded, ms = clips.encode_clip(pcm)
    with transaction(db):
        sha = files.put(encoded)
        return changes.insert_record(db, "voice_recordings", {
            "cooperative_id": user.get("cooperative_id"), "shop_id": shop_id, "lang": lang,
            "key": key, "sha": sha, "bytes": len(encoded), "ms": ms, "user_id": user["id"],
            "accepted": 0, "created_at": changes.utc_now(),
        })


def get(db: sqlite_utils.Database, user: dict, recording_id: str) -> dict:
    """A recording the user may see: her shop's labels, or her cooperative's prompts."""
    rows = list(db.query("select * from voice_recordings where id = ? and deleted = 0", [recording_id]))
    if not rows:
        raise NotFound("recording")
    row = rows[0]
    if row["shop_id"]:
        if row["shop_id"] != user.get("shop_id"):
            raise NotFound("recording")
    elif user.get("role") not in ("trainer", "admin") or (
            user.get("role") == "trainer" and row["cooperative_id"] != user.get("cooperative_id")):
        raise NotFound("recording")
    return row


def accept(db: sqlite_utils.Database, user: dict, recording_id: str) -> dict:
    """Keep this recording: it replaces the earlier one (and becomes the product's label).

    A label becomes the voice of a row of the recording's own shop only: a recording may
    have come from a device's push, and its key is text the hub could not check.
    """
    row = get(db, user, recording_id)
    kind, _, target = row["key"].partition(":")
    if kind in LABEL_TABLES:
        owner = db.execute(f"select shop_id from {LABEL_TABLES[kind]} where id = ? and deleted = 0",
                           [target]).fetchone()
        if owner is None or owner[0] is None or owner[0] != row["shop_id"]:
            raise NotFound(kind, "key")
    with transaction(db):
        for old in db.query(
            "select id from voice_recordings where lang = ? and key = ? and accepted = 1 and deleted = 0"
            " and id != ? and coalesce(cooperative_id, '') = coalesce(?, '')"
            " and coalesce(shop_id, '') = coalesce(?, '')",
            [row["lang"], row["key"], row["id"], row["cooperative_id"], row["shop_id"]],
        ):
            changes.delete_record(db, "voice_recordings", old["id"])
        changes.update_record(db, "voice_recordings", row["id"], {"accepted": 1})
        if kind in LABEL_TABLES:
            changes.update_record(db, LABEL_TABLES[kind], target, {"voice_label": row["sha"]})
    return {**row, "accepted": 1}


def discard(db: sqlite_utils.Database, user: dict, recording_id: str) -> None:
    """Redo: drop a recording (a tombstone, so the drop syncs too)."""
    get(db, user, recording_id)
    changes.delete_record(db, "voice_recordings", recording_id)


def progress(db: sqlite_utils.Database, cooperative_id: str | None, lang: str) -> dict:
    """What a language still lacks in human voice: ``{"done", "total", "missing": [...]}``."""
    recorded = {r["key"] for r in db.query(
        "select key from voice_recordings where lang = ? and accepted = 1 and deleted = 0"
        " and shop_id is null and (cooperative_id is null or cooperative_id = ?)", [lang, cooperative_id])}
    pending = {r["key"]: r["id"] for r in db.query(
        "select key, id from voice_recordings where lang = ? and accepted = 0 and deleted = 0"
        " and shop_id is null and coalesce(cooperative_id, '') = coalesce(?, '')", [lang, cooperative_id])}
    wanted = catalog.items(lang)
    missing = [{"key": i.key, "kind": i.kind, "name": i.name, "source": i.source, "msgid": i.msgid,
                "params": i.params, "pending": pending.get(i.key)} for i in wanted if i.key not in recorded]
    return {"lang": lang, "done": len(wanted) - len(missing), "total": len(wanted), "missing": missing}
