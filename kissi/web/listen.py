"""Speak to sell: a spoken command becomes a confirmation page; a tap commits it.

- ``POST /listen`` (multipart ``audio``, ``screen`` = sell | stock | debts): decode, hear,
  parse; nothing is written. Answers 303 to ``GET /listen/heard?...`` which shows what was
  understood, reads it back by voice, and offers big confirm and cancel buttons; a
  question is answered there; an unclear command asks again (the taps are always there).
- ``POST /listen/confirm``: the same domain call as the taps (:mod:`kissi.listen.act`).
- ``POST /api/v1/listen``: the intent as JSON (the API's clients confirm through the API).

The mic button (``listen/_mic.html``) shows only when the user's language has an engine
(a Vosk model, or voice tags in her shop); ``/healthz`` says per language why not.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for

from ..errors import Invalid
from ..listen import act, engine, hear
from ..listen.capture import MAX_BYTES
from ..listen.intents import Intent
from ..shop import sales
from ..voice import clips
from ..voice.audio import AudioError
from .auth import shop_required
from .database import get_db

bp = Blueprint("listen", __name__)

SCREENS = {"sell": "sell", "stock": "restock", "debts": "repay"}
FIELDS = ("action", "product_id", "customer_id", "qty", "amount", "unit_price", "topic", "reason",
          "heard")


def models_dir() -> Path:
    """This app's Vosk models folder (see :func:`kissi.listen.engine.models_dir`)."""
    return engine.models_dir(current_app.config)


def available() -> bool:
    """Whether the current user can speak commands (cached for the request)."""
    if "voice_input" not in g:
        g.voice_input = bool(g.get("shop_id")) and hear.engine_for(
            get_db(), g.shop_id, g.language, models_dir()) is not None
    return g.voice_input


def _check_length() -> None:
    """Refuse a body too big to be a command before reading it (no form parsing either)."""
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        raise AudioError("too_large", "The recording is larger than %(kb)s KB.", kb=MAX_BYTES // 1024)


def _upload() -> bytes:
    upload = request.files.get("audio")
    return upload.read(MAX_BYTES + 1) if upload else b""


def _understand() -> Intent:
    _check_length()
    screen = request.form.get("screen", "sell")
    return hear.understand(get_db(), g.shop_id, g.language, _upload(), models_dir=models_dir(),
                           read_clip=clips.audio_files(current_app).read,
                           default_action=SCREENS.get(screen, "sell"))


@bp.get("/listen")
@shop_required
def index():
    """The mic alone, with the no-JavaScript fallback (the phone's own recorder)."""
    return render_template("listen/again.html", screen=request.args.get("screen", "sell"), intent=None)


@bp.post("/listen")
@shop_required
def listen():
    try:
        _check_length()
        screen = request.form.get("screen", "sell")
        intent = _understand()
    except (AudioError, Invalid) as err:
        screen = "sell" if err.code == "too_large" else request.form.get("screen", "sell")
        return render_template("listen/again.html", screen=screen, intent=None, error=err), err.status
    query = {k: v for k, v in intent.as_dict().items() if k in FIELDS}
    if intent.extra.get("choices"):  # "Kadi" fits two customers: the page asks which
        query["choices"] = ",".join(c["id"] for c in intent.extra["choices"])
        query["then"] = intent.extra.get("then", "")
    return redirect(url_for("listen.heard", screen=screen, **query), 303)


@bp.get("/listen/heard")
@shop_required
def heard():
    """What was understood, read back; or the answer to a question; or "say it again"."""
    args = request.args
    screen = args.get("screen", "sell")
    intent = Intent(args.get("action", "unclear"), heard=args.get("heard", ""),
                    product_id=args.get("product_id"), customer_id=args.get("customer_id"),
                    topic=args.get("topic"), reason=args.get("reason"))
    for name in ("qty", "amount", "unit_price"):
        if args.get(name, "").isdigit():
            setattr(intent, name, int(args[name]))
    db = get_db()
    product = customer = None
    if intent.product_id:
        product = db.execute("select id, name, unit, icon, price, voice_label, photo from products"
                             " where id = ? and shop_id = ? and deleted = 0",
                             [intent.product_id, g.shop_id]).fetchone()
    if intent.customer_id:
        customer = db.execute("select id, name, voice_label from customers where id = ? and shop_id = ?"
                              " and deleted = 0", [intent.customer_id, g.shop_id]).fetchone()
    if (intent.product_id and not product) or (intent.customer_id and not customer):
        intent.action, intent.reason = "unclear", "not_understood"  # another shop's id
    product = dict(zip(("id", "name", "unit", "icon", "price", "voice_label", "photo"), product, strict=False)) \
        if product else None
    customer = dict(zip(("id", "name", "voice_label"), customer, strict=False)) if customer else None
    if intent.action == "unclear":
        choices = _choices(db, args) if intent.reason == "which_customer" else []
        return render_template("listen/again.html", screen=screen, intent=intent, choices=choices), 200
    if intent.action == "ask":
        return render_template("listen/answer.html", screen=screen, intent=intent,
                               answer=act.answer(db, g.shop_id, intent))
    fields = {k: getattr(intent, k) for k in ("action", "product_id", "customer_id", "qty", "amount")}
    shown = intent.amount
    if intent.action == "sell" and shown is None and product:  # no price said: the tapped price
        shown = sales.line_amount(product["price"], intent.qty)
    return render_template("listen/confirm.html", screen=screen, intent=intent, product=product,
                           customer=customer, amount=shown, fields=fields)


def _choices(db, args) -> list[dict]:
    """The customers a name fitted, each with the link that completes the intent with her.

    Only this shop's customers are shown: ids from the query are never trusted further.
    """
    then = args.get("then")
    if then not in ("sell", "repay", "ask"):
        return []
    ids = [i for i in args.get("choices", "").split(",") if i][:10]
    keep = {k: args[k] for k in ("screen", "product_id", "qty", "amount", "unit_price", "topic", "heard")
            if args.get(k)}
    out = []
    for cid in ids:
        row = db.execute("select id, name from customers where id = ? and shop_id = ? and deleted = 0",
                         [cid, g.shop_id]).fetchone()
        if row:
            out.append({"id": row[0], "name": row[1],
                        "href": url_for("listen.heard", **keep, action=then, customer_id=row[0])})
    return out


@bp.post("/listen/confirm")
@shop_required
def confirm():
    """The trader tapped confirm: the same domain call as the taps."""
    done = act.commit(get_db(), g.shop_id, g.user["id"], request.form.to_dict())
    return redirect(url_for("listen.done", **done), 303)


@bp.get("/listen/done")
@shop_required
def done():
    return render_template("listen/done.html", done=request.args, screen=request.args.get("action"))


@bp.post("/api/v1/listen")
@shop_required
def api_listen():
    """The intent heard in the uploaded clip, as JSON; nothing is written."""
    return jsonify(_understand().as_dict())


TAP_SCREENS = {"sell": "sell.products", "stock": "stock.index", "debts": "debts.index"}


def tap_url(screen: str | None) -> str:
    """The tapping screen the trader spoke on (home while that screen does not exist)."""
    endpoint = TAP_SCREENS.get(screen or "")
    return url_for(endpoint if endpoint in current_app.view_functions else "pages.home")


def status(app) -> dict:
    """The ``voice_input`` part of /healthz: per language, which engine and why not."""
    return hear.status(get_db(), engine.models_dir(app.config))


def init_app(app) -> None:
    from . import health

    app.register_blueprint(bp)
    health.STATUS_PARTS["voice_input"] = status
    app.jinja_env.globals.update(voice_input=available, tap_url=tap_url)
