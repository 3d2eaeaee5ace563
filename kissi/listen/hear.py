"""One spoken command in, one intent out: which engine, which grammar or tags, which words.

:func:`understand` is what the web layer calls; :func:`engine_for` and :func:`status` say
which engine serves a language (the mic button is hidden when none does, and ``/healthz``
says why). Nothing here writes: the intent is confirmed by a tap and committed by the
same domain call as the taps.
"""
from __future__ import annotations

from pathlib import Path

from .. import languages
from ..errors import Invalid
from . import capture, engine, grammar, intents, tags


def engine_for(db, shop_id: str | None, lang: str, models_dir) -> str | None:
    """``"vosk"`` when a model for ``lang`` is installed, ``"tags"`` when this shop has
    voice tags, else ``None`` (no voice input: the mic button is not shown)."""
    if engine.model_folder(models_dir, lang):
        return "vosk"
    if shop_id and tags.sources(db, shop_id, lang):
        return "tags"
    return None


def understand(db, shop_id: str, lang: str, data: bytes, *, models_dir, read_clip,
               default_action: str = "sell") -> intents.Intent:
    """Decode the upload, hear its words with the language's engine, parse the intent.

    ``read_clip(sha) -> bytes`` reads a stored clip (voice tags); ``default_action`` is
    what the screen the trader spoke on implies when she names no command ("sell" on the
    sell screen, "restock" on the stock screen). Raises ``AudioError`` for a bad upload
    and ``Invalid("no_voice_engine")`` when the language has neither model nor tags.
    """
    pcm = capture.decode_upload(data)
    names = grammar.catalog(db, shop_id)
    folder = engine.model_folder(models_dir, lang)
    if folder:
        heard = engine.recognize(engine.load(folder), pcm, grammar.phrases(names, lang))
    else:
        shop_tags = tags.shop_tags(db, shop_id, lang, read_clip)
        if not shop_tags:
            raise Invalid("no_voice_engine", "Voice commands are not available in this language.")
        heard = tags.recognize(pcm, shop_tags)
    intent = intents.parse(list(heard.words), lang, names, heard.confidences,
                           default_action=default_action)
    intent.extra["engine"] = heard.engine
    return intent


def status(db, models_dir) -> dict:
    """Per language: the engine available and, when none, why (for ``/healthz``)."""
    installed = engine.installed(models_dir)
    words = dict(db.execute(
        "select lang, count(*) from voice_recordings where accepted = 1 and deleted = 0"
        " and (key like 'w:%' or key like 'c:%') group by lang").fetchall()) \
        if "voice_recordings" in db.table_names() else {}
    labels = db.execute(
        "select (select count(*) from products where voice_label is not null and deleted = 0)"
        " + (select count(*) from customers where voice_label is not null and deleted = 0)"
    ).fetchone()[0]
    out = {}
    for code in languages.LANGUAGES:
        if code in installed:
            out[code] = {"engine": "vosk", "model": installed[code].name,
                         "loaded": str(installed[code].resolve()) in engine.loaded()}
        elif words.get(code) or labels:
            out[code] = {"engine": "tags", "recorded_words": words.get(code, 0),
                         "voice_labels": labels}
        else:
            out[code] = {"engine": None, "why": f"no Vosk model in {Path(models_dir).name}/{code} "
                                                "and no voice tags recorded"}
    return {"models_dir": str(models_dir), "languages": out}
