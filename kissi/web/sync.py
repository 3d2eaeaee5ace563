"""Sync over HTTP: the hub's API for devices, enrollment pages, and the sync state shown to traders.

API (hub role, ``/api/v1/sync/...``): ``enroll`` (JSON, the code is the credential),
``push`` and ``pull`` (compact bodies, see :mod:`kissi.sync.protocol`), authenticated by
``Authorization: Bearer <device token>``, which also exempts them from the pages' CSRF
check. Every answer there is signed with the hub's key (:mod:`kissi.sync.identity`).
Pages: on the hub, trainers and admins create an enrollment (QR code + typed code, with
the hub's key fingerprint) and list and revoke devices; on an edge, only the node's own
admin enrolls it (or resets it to enroll it again).
"""
from __future__ import annotations

import io
import threading

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from ..errors import DomainError, Invalid
from ..store import hlc
from ..sync import client, hub, identity, protocol, scheduler
from .api import body as json_body, int_arg
from .auth import role_required
from .database import MUTATING, get_db, own_transaction

bp = Blueprint("sync", __name__)


# -- API ----------------------------------------------------------------------------------

def hub_key():
    """The hub's private key, from its instance folder (made on first use)."""
    app = current_app._get_current_object()
    if "kissi_hub_key" not in app.extensions:
        app.extensions["kissi_hub_key"] = identity.load_or_create(app.instance_path)
    return app.extensions["kissi_hub_key"]


def hub_fingerprint() -> str:
    return identity.fingerprint(identity.public_raw(hub_key()))


def _sign(response):
    """Sign every answer of the hub's sync API (errors too) over the request it answers."""
    key = hub_key()
    query = request.query_string.decode("latin-1")
    response.headers[identity.KEY_HEADER] = identity.encode_key(identity.public_raw(key))
    response.headers[protocol.VERSION_HEADER] = str(protocol.VERSION)
    response.headers[identity.SIGNATURE_HEADER] = identity.sign(
        key, request.headers.get(identity.NONCE_HEADER, ""), request.method,
        identity.target(request.path, query), request.get_data(cache=True), response.status_code,
        response.get_data())
    return response


def _hub_only():
    if current_app.config["ROLE"] != "hub":
        abort(404)


def _hub_api():
    """The hub's sync API, to a device that speaks a protocol version this hub speaks."""
    _hub_only()
    protocol.check_version(request.headers.get(protocol.VERSION_HEADER), at_hub=True)


def _device():
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else None
    return hub.authenticate(get_db(), token)


def _batch():
    if request.content_length and request.content_length > protocol.MAX_BODY:
        raise Invalid("bad_batch", "This batch is too large", "body")
    try:
        return protocol.decode(request.get_data())
    except protocol.ProtocolError as err:
        raise Invalid("bad_batch", "This is not a well-formed sync batch: %(why)s", "body",
                      why=str(err)) from None


def _reply(entries=(), **meta):
    return Response(protocol.encode(list(entries), **meta), mimetype=protocol.MEDIA_TYPE)


@bp.post("/api/v1/sync/enroll")
def api_enroll():
    """Redeem a code. Clients also send it as ``Authorization: Bearer CODE``, which lets the
    call through the pages' CSRF check (no browser form can set that header)."""
    _hub_api()
    try:
        data = json_body()
    except DomainError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        raise Invalid("bad_request", "Send the enrollment code as JSON", "code")
    name = data.get("name") if isinstance(data.get("name"), str) else None
    return jsonify(hub.redeem(get_db(), data["code"], data.get("node_id"), name))



@bp.post("/api/v1/sync/push")
@own_transaction
def api_push():
    """Decode outside the write lock; then one writer at a time, woken at once when its turn
    comes (SQLite's busy handler would sleep in coarse steps while the lock sits free)."""
    _hub_api()
    device = _device()
    meta, entries = _batch()
    with current_app.extensions["kissi_ingest_lock"]:
        return _reply(**hub.ingest(get_db(), device, entries, meta))


@bp.get("/api/v1/sync/pull")
def api_pull():
    _hub_api()
    device = _device()
    cursor = int_arg("c", 0)
    limit = int_arg("n", hub.PULL_LIMIT)
    edge_ms = int_arg("t", None, highest=2**48)  # ms since 1970: 2**48 is the year 10889
    skew = edge_ms - hlc.now_ms() if edge_ms is not None else None
    out = hub.pull(get_db(), device, cursor, limit, skew)
    return _reply(out.pop("entries"), **out)


# -- pages -------------------------------------------------------------------------------------

def _coop_limit(user) -> str | None:
    return None if user["role"] == "admin" else user.get("cooperative_id")


def _scopes(db, coop):
    """Shops and cooperatives a trainer may enroll a device for."""
    where, params = ("where deleted = 0 and id = ?", [coop]) if coop else ("where deleted = 0", [])
    coops = [dict(r) for r in db.query(f"select id, name from cooperatives {where} order by name", params)]
    where = "where deleted = 0" + (" and cooperative_id = ?" if coop else "")
    shops = [dict(r) for r in db.query(f"select id, name from shops {where} order by name", params)]
    return coops, shops


@bp.get("/sync/devices")
@role_required("trainer", "admin")
def devices_page():
    _hub_only()
    user = g.user
    db = get_db()
    coops, shops = _scopes(db, _coop_limit(user))
    return render_template("sync/devices.html", devices=hub.list_devices(db, _coop_limit(user)),
                           coops=coops, shops=shops)


@bp.post("/sync/enrollments")
@role_required("trainer", "admin")
def create_enrollment_page():
    _hub_only()
    user = g.user
    kind, _, scope_id = request.form.get("scope", "").partition(":")
    enrollment = hub.create_enrollment(get_db(), kind, scope_id, user.get("id"), _coop_limit(user))
    hub_url = current_app.config.get("HUB_URL") or request.host_url.rstrip("/")
    key = hub_fingerprint()
    return render_template("sync/enrollment.html", enrollment=enrollment, hub_url=hub_url, key=key,
                           qr_svg=qr_svg(f"kissi-enroll:{enrollment['code']}@{hub_url}#{key}"))


@bp.post("/sync/devices/<device_id>/revoke")
@role_required("trainer", "admin")
def revoke_page(device_id):
    _hub_only()
    user = g.user
    hub.revoke(get_db(), device_id, _coop_limit(user))
    return redirect(url_for("sync.devices_page"))


@bp.route("/sync/enroll", methods=["GET", "POST"])
@role_required("admin")
@own_transaction
def enroll_page():
    """On an edge: its own admin types (or scans) the code, the hub's address and key fingerprint.

    Enrolling points the node at a server that will receive every row it holds, so only
    the node's admin does it (here, logged in; or on its console, ``kissi enroll``): never
    an anonymous visitor, nor a trainer. An enrolled node first has to be reset. The view
    runs outside the request transaction: the exchange with the hub holds no write lock.
    """
    if current_app.config["ROLE"] == "hub":
        abort(404)
    db = get_db()
    done, error, kept = None, None, None
    if request.method == "POST" and request.form.get("reset"):
        kept = client.reset(db)
    elif request.method == "POST":
        code, url, key = client.parse_code(request.form.get("code", ""))
        try:
            done = client.enroll(db, url or request.form.get("hub_url", ""), code,
                                 request.form.get("name") or None, key or request.form.get("key"), timeout=10)
            client.sync_once(db)  # the first sync brings the shop's catalog and members down
        except client.SyncError as err:
            error = gettext("The hub refused or could not be reached: %(why)s", why=str(err))
    return render_template("sync/enroll.html", state=client.state(db), done=done, error=error, kept=kept,
                           hub_url=current_app.config.get("HUB_URL") or "")


def qr_svg(text: str) -> str:
    """A QR code as inline SVG (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg"):]


# -- the trader's sync state -------------------------------------------------------------------

def sync_state() -> dict:
    """What ``_sync_state.html`` shows: refused by the hub, never synced, N records waiting
    (:func:`kissi.sync.client.waiting_records`) or all sent; and the last success.

    A device the hub refused (revoked) says so on every page, with its own icon and prompt,
    until a sync succeeds again: her work stays on the device, but nothing leaves it.
    """
    db = get_db()
    current = client.state(db)
    waiting = client.waiting_records(db)
    if current.get("refused"):
        status = "revoked"
    elif current["last_success_at"] is None:
        status = "never"
    else:
        status = "waiting" if waiting else "all_sent"
    return {"status": status, "waiting": waiting, "last_success": current["last_success_at"],
            "enrolled": bool(current["token"]), "prompt": f"sync.{status}"}


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.extensions["kissi_ingest_lock"] = threading.Lock()

    @app.context_processor
    def _sync_context():
        return {"sync_state": sync_state if app.config["ROLE"] == "edge" else None}

    @app.after_request
    def _sign_sync_answers(response):
        if app.config["ROLE"] == "hub" and request.path.startswith(identity.API_PREFIX + "/"):
            return _sign(response)
        return response

    @app.after_request
    def _wake_syncer(response):
        if request.method in MUTATING and response.status_code < 400:
            scheduler.poke(app)
        return response

    from .health import STATUS_PARTS

    STATUS_PARTS["sync"] = scheduler.health
    app.extensions.setdefault("kissi_serve_hooks", []).append(scheduler.start)
