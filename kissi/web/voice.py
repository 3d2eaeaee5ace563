"""Voice over the web: clips, manifests, spoken sentences and the recording studio.

- ``/voice/clip/<sha>.ogg``: a clip, by content hash: prompts are public, cached a year,
  ``immutable``; a trader's own recordings (her labels) only to her shop's session, cached
  privately (:func:`kissi.voice.clips.may_hear`); anyone else gets 404.
- ``/voice/<lang>/manifest.json``: prompt key -> clip (url, sha, bytes) for the pages of a
  language (the user's cooperative's recordings first), so a page or the offline shell can
  cache every clip ahead of time. Revalidated with an ETag.
- ``/voice/say/<lang>?s=...``: one Opus file saying a sentence (see :func:`say_url`).
- ``/voice/studio``: trainers record prompts and number words; traders record the voice
  labels of their products and customers (``/voice/label/<kind>/<id>``).
"""
from __future__ import annotations

import gzip
import hashlib
import json

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from .. import languages
from ..errors import Invalid
from ..voice import catalog, clips, espeak, review, studio, utterance
from .auth import login_required, role_required, shop_required
from .database import get_db
from .ratelimit import rate_limited

bp = Blueprint("voice", __name__, url_prefix="/voice")

YEAR = 365 * 24 * 3600


def _coop():
    return g.user.get("cooperative_id") if g.get("user") else None


def _audio(data: bytes, etag: str, cache: str) -> Response:
    response = Response(data, mimetype="audio/ogg")
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    return response.make_conditional(request)


@bp.get("/clip/<sha>.ogg")
def clip(sha: str):
    files = clips.audio_files(current_app)
    if not sha.isalnum() or len(sha) != 32 or not files.exists(sha):
        abort(404)
    if clips.may_hear(get_db(), sha, None):
        return _audio(files.read(sha), sha, f"public, max-age={YEAR}, immutable")
    if not clips.may_hear(get_db(), sha, g.get("user")):
        abort(404)  # not 403: whether her recording exists is hers too
    response = _audio(files.read(sha), sha, "private, max-age=86400")
    response.vary.add("Cookie")
    return response


def manifest_of(db, cooperative_id, lang: str) -> dict:
    """Every prompt the pages of ``lang`` can play, through the fallback chain."""
    entries = {}
    for key in catalog.prompt_sources():
        found = clips.resolve(db, cooperative_id, lang, clips.prompt_key(key))
        if found:
            entries[key] = {"url": url_for("voice.clip", sha=found["sha"]), "sha": found["sha"],
                            "bytes": found["bytes"]}
    return {"lang": lang, "clips": entries}


@bp.get("/<lang>/manifest.json")
def manifest(lang: str):
    if lang not in languages.LANGUAGES:
        abort(404)
    body = json.dumps(manifest_of(get_db(), _coop(), lang), separators=(",", ":"),
                      ensure_ascii=False).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(mimetype="application/json")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, mtime=0)
        response.headers["Content-Encoding"] = "gzip"
        etag += "-gz"
    response.set_data(body)
    response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)


# -- spoken sentences ------------------------------------------------------------------------

def _segment(text: str) -> tuple | None:
    """Parse one ``s=`` value: ``prompt:KEY``, ``money:N``, ``number:N``, ``qty:MILLI:UNIT``,
    ``date:YYYY-MM-DD``, ``label:product:ID`` / ``label:customer:ID`` (her shop only)."""
    kind, _, rest = text.partition(":")
    try:
        if kind == "prompt" and rest in catalog.prompt_sources():
            return ("prompt", rest)
        if kind in ("money", "number") and 0 <= int(rest) <= 10**9:
            return (kind, int(rest))
        if kind == "qty":
            milli, unit = rest.split(":", 1)
            return ("qty", max(0, int(milli)), unit) if unit.isalnum() else None
        if kind == "date" and len(rest) == 10:
            return ("date", rest)
        if kind == "label":
            return ("clip", _label_sha(*rest.split(":", 1)))
    except (ValueError, TypeError):
        return None
    return None


def _label_sha(kind: str, row_id: str) -> str | None:
    table = studio.LABEL_TABLES.get(kind)
    if table is None or not g.get("shop_id"):
        return None
    row = get_db().execute(f"select voice_label from {table} where id = ? and shop_id = ? and deleted = 0",
                           [row_id, g.shop_id]).fetchone()
    return row[0] if row and row[0] and row[0].isalnum() else None


@bp.get("/say/<lang>")
@login_required
@rate_limited("voice_say", per_minute="VOICE_SAY_PER_MINUTE", burst="VOICE_SAY_BURST")
def say(lang: str):
    if lang not in languages.LANGUAGES:
        abort(404)
    segments = [s for s in map(_segment, request.args.getlist("s")[:40]) if s]
    result = utterance.say(get_db(), clips.audio_files(current_app), _coop(), lang, segments)
    if result is None:
        return Response(status=204)
    uid, data = result
    return _audio(data, uid, "private, max-age=86400")


def say_url(*segments: str, lang: str | None = None) -> str:
    """URL of a spoken sentence in the current language, e.g.
    ``say_url("prompt:voice.sold", "qty:3000:piece", "label:product:" ~ id, "money:1500")``."""
    from ..i18n import current_language

    return url_for("voice.say", lang=lang or current_language(), s=list(segments))


def sale_segments(sale: dict) -> list[str]:
    """"Sold: 3 soaps, 1 500 francs" for a sale with its lines (as kissi.shop.sales.get_sale gives)."""
    out = ["prompt:voice.sold"]
    for line in sale.get("lines", []):
        out.append(f"qty:{line['qty']}:{line.get('unit') or 'piece'}")
        if line.get("product_id"):
            out.append(f"label:product:{line['product_id']}")
    out.append(f"money:{sale['total']}")
    return out


def day_segments(summary: dict) -> list[str]:
    """"Today you sold 12 500 francs, 9 sales" from kissi.shop.day.day_summary."""
    return ["prompt:voice.day_total", f"money:{summary.get('total', 0)}",
            f"number:{summary.get('count', 0)}", "prompt:voice.sales"]


# -- the studio --------------------------------------------------------------------------------

@bp.get("/studio")
@role_required("trainer", "admin")
def studio_index():
    db = get_db()
    rows = [{**studio.progress(db, _coop(), code), "name": lang.name}
            for code, lang in languages.LANGUAGES.items()]
    return render_template("voice/studio.html", rows=rows)


@bp.get("/studio/<lang>")
@role_required("trainer", "admin")
def studio_lang(lang: str):
    if lang not in languages.LANGUAGES:
        abort(404)
    return render_template("voice/studio_lang.html", progress=studio.progress(get_db(), _coop(), lang),
                           code=lang, name=languages.get(lang).name)


@bp.post("/record")
@login_required
def record():
    """Store an upload or a browser recording as a pending recording, then review it."""
    upload = request.files.get("audio")
    if upload is None:
        raise Invalid("not_audio", "This file is not a sound recording.", "audio")
    data = upload.stream.read(studio.audio.MAX_UPLOAD_BYTES + 1)
    rec = studio.record(get_db(), clips.audio_files(current_app), g.user, request.form.get("lang") or g.language,
                        request.form.get("key", ""), data, upload.filename)
    return redirect(url_for("voice.review_recording", recording_id=rec["id"]), 303)


@bp.get("/recording/<recording_id>")
@login_required
def review_recording(recording_id: str):
    rec = studio.get(get_db(), g.user, recording_id)
    return render_template("voice/review.html", rec=rec)


@bp.post("/recording/<recording_id>/accept")
@login_required
def accept(recording_id: str):
    rec = studio.accept(get_db(), g.user, recording_id)
    if rec["shop_id"]:
        return redirect(url_for("voice.label", kind=rec["key"].split(":")[0], row_id=rec["key"].split(":")[1],
                                saved=1), 303)
    return redirect(url_for("voice.studio_lang", lang=rec["lang"], saved=1), 303)


@bp.post("/recording/<recording_id>/redo")
@login_required
def redo(recording_id: str):
    rec = studio.get(get_db(), g.user, recording_id)
    studio.discard(get_db(), g.user, recording_id)
    if rec["shop_id"]:
        kind, _, row_id = rec["key"].partition(":")
        return redirect(url_for("voice.label", kind=kind, row_id=row_id), 303)
    return redirect(url_for("voice.studio_lang", lang=rec["lang"]), 303)


@bp.get("/label/<kind>/<row_id>")
@shop_required
def label(kind: str, row_id: str):
    """A trader records the name of one of her products or customers in her own voice."""
    table = studio.LABEL_TABLES.get(kind)
    if table is None:
        abort(404)
    row = get_db().execute(f"select id, name, voice_label from {table} where id = ? and shop_id = ?"
                           " and deleted = 0", [row_id, g.shop_id]).fetchone()
    if row is None:
        abort(404)
    row = dict(zip(("id", "name", "voice_label"), row, strict=True))
    return render_template("voice/label.html", kind=kind, row=row)


@bp.get("/translations/<lang>")
@role_required("trainer", "admin")
def translations(lang: str):
    """The strings of a language still awaiting a native speaker's review."""
    if lang not in languages.LANGUAGES:
        abort(404)
    return render_template("voice/translations.html", code=lang, name=languages.get(lang).name,
                           entries=review.awaiting(lang))


def status(app) -> dict:
    """The ``voice`` part of /healthz: which prompt sources each language has."""
    counts = clips.source_counts(get_db())
    out = {"espeak_ng": espeak.available(), "languages": {}}
    for code, c in counts.items():
        best = next((name for name in ("recordings", "gtts", "espeak") if c.get(name)), "none")
        out["languages"][code] = {**c, "best": best, "to_say": len(catalog.items(code))}
    return out


def init_app(app) -> None:
    from . import health

    app.config.setdefault("VOICE_SAY_PER_MINUTE", 60)  # sentences an account may ask for
    app.config.setdefault("VOICE_SAY_BURST", 30)
    app.register_blueprint(bp)
    health.STATUS_PARTS["voice"] = status
    app.jinja_env.globals.update(say_url=say_url, sale_segments=sale_segments, day_segments=day_segments)
