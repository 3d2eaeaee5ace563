"""Two cooperatives with their traders, trainers, devices and data, and what "theirs" means.

The tenant matrix attacks each *victim* (shop A in cooperative 1, shop C in cooperative 2)
with every other role. Everything a victim owns is built through the domain and the one
write path, and every name in it carries a marker (``Qx<A|C>...``) no other tenant's page
or answer may ever contain. :func:`snapshot` digests the victim's rows (her shop's, or her
cooperative's own), so a request that changed them, even by an UPDATE, is seen.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field

from PIL import Image

import factories
from kissi import create_app
from kissi.coop import logins, members, plans
from kissi.errors import DomainError
from kissi.shop import credit, photos, products, sales, stock
from kissi.store import changes, db as store
from kissi.sync import hub
from kissi.voice import catalog, clips, studio

ROLES = ("anonymous", "trader_a", "trader_b", "trader_c", "trainer_1", "trainer_2", "admin")
DEVICES = ("dev_shop_a", "dev_shop_b", "dev_shop_c", "dev_coop_1", "dev_coop_2")
MONTH = "2026-03"
PIN, STAFF_PIN = "2468", "24681357"  # nobody logs in with them: sessions are opened directly


@dataclass
class Victim:
    """One tenant under attack: a shop, its cooperative, and who may see them."""

    tag: str
    owner: str  # the role whose shop it is
    trainer: str  # the role that looks after its cooperative
    coop_roles: tuple  # every role inside the cooperative
    devices: tuple  # the devices enrolled for the shop or the cooperative
    ids: dict = field(default_factory=dict)  # placeholder -> value ({product}, {shop}...)
    shop_markers: set = field(default_factory=set)
    coop_markers: set = field(default_factory=set)


def hub_app(folder):
    """A hub: every route is live there (the sync API, devices, enrollments)."""
    app = create_app({"TESTING": True, "SYNC_ENABLED": False, "ROLE": "hub"}, instance_path=str(folder))
    db = store.connect(app.config["DATABASE"])
    store.migrate(db)
    changes.ensure_node(db, "hub")
    db.conn.close()
    return app


def member_client(app, db, user):
    """A browser of ``user`` (or anonymous for None) saying its requests come from this site."""
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    if user is not None:
        sign_in(client, db, user)
    return client


def sign_in(client, db, user):
    """A session opened as the login form opens it (no PIN to hash, no throttle to meet)."""
    token = logins.open_session(db, user["id"], "127.0.0.1")
    with client.session_transaction() as session:
        session.update(sid=token, phone=user["phone"])


def fill(value, ids):
    """``value`` with its ``{placeholders}`` replaced by the victim's ids, at any depth."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def _png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), color).save(out, "PNG")
    return out.getvalue()


def _wav(freq: float) -> bytes:
    from voice_helpers import wav_bytes

    return wav_bytes(0.6, rate=16_000, channels=1, freq=freq)


def _device(db, kind, scope_id, name) -> dict:
    code = hub.create_enrollment(db, kind, scope_id)["code"]
    return hub.redeem(db, code, None, name)


def build_world(app, db) -> dict:
    """Cooperative 1 (trader A, trader B, trainer 1) and cooperative 2 (trader C, trainer 2),
    an admin, five devices, and in shops A and C a full set of rows to attack."""
    plans.ensure_default_plans(db)
    people, devices = {}, {}
    victims = {"A": Victim("A", "trader_a", "trainer_1", ("trader_a", "trader_b", "trainer_1"),
                           ("dev_shop_a", "dev_coop_1")),
               "C": Victim("C", "trader_c", "trainer_2", ("trader_c", "trainer_2"),
                           ("dev_shop_c", "dev_coop_2"))}
    phones = iter(f"07{n:08d}" for n in range(90_000_001, 90_000_100))
    for number, tag in ((1, "A"), (2, "C")):
        v = victims[tag]
        coop = members.create_cooperative(db, f"Coop Qx{tag}coop")
        trainer = members.add_user(db, role="trainer", phone=next(phones), pin=STAFF_PIN,
                                   name=f"Fatou Qx{tag}trainer", cooperative_id=coop["id"])
        trader = members.add_user(db, role="trader", phone=next(phones), pin=PIN,
                                  name=f"Awa Qx{tag}trader", cooperative_id=coop["id"])
        people[f"trainer_{number}"], people[v.owner] = trainer, trader
        if tag == "A":
            people["trader_b"] = members.add_user(db, role="trader", phone=next(phones), pin=PIN,
                                                  name="Bintou", cooperative_id=coop["id"])
            devices["dev_shop_b"] = _device(db, "shop", people["trader_b"]["shop_id"], "Box B")
        v.ids.update(_fill_shop(app, db, tag, trader, trainer, coop))
        devices[f"dev_shop_{tag.lower()}"] = _device(db, "shop", trader["shop_id"], f"Box Qx{tag}shopdev")
        devices[f"dev_coop_{number}"] = _device(db, "cooperative", coop["id"], f"Box Qx{tag}coopdev")
        v.ids["device"] = devices[f"dev_shop_{tag.lower()}"]["node_id"]
        v.ids["coop_device"] = devices[f"dev_coop_{number}"]["node_id"]
        v.shop_markers = {f"Qx{tag}trader", f"Qx{tag}prod", f"Qx{tag}cust", f"Qx{tag}shopdev",
                          trader["phone"], v.ids["customer_phone"]} | {
            v.ids[k] for k in ("shop", "product", "customer", "sale", "credit_sale", "payment", "photo",
                               "label_recording", "label_sha", "device", "trader_id")}
        v.coop_markers = {f"Qx{tag}coop", f"Qx{tag}trainer", f"Qx{tag}coopdev", trainer["phone"],
                          v.ids["prompt_recording"], v.ids["prompt_sha"], v.ids["coop_device"]}
    people["admin"] = members.add_user(db, role="admin", phone=next(phones), pin=STAFF_PIN, name="Admin")
    plan = plans.get_plan(db, "stall")
    for v in victims.values():
        v.ids["plan"] = plan["id"]
    for v in victims.values():
        for phone in (people[v.owner]["phone"],) * 2:  # wrong PINs an unlock would clear
            try:
                logins.verify_login(db, phone, "0000", "10.0.0.9")
            except DomainError:
                pass
    return {"people": people, "devices": devices, "victims": victims}


def _fill_shop(app, db, tag, trader, trainer, coop) -> dict:
    shop_id = trader["shop_id"]
    color = (200, 60, 20) if tag == "A" else (20, 60, 200)
    soap = products.create_product(db, shop_id, name=f"Savon Qx{tag}prod", price=250, icon="soap")
    photo = photos.save_photo(app.instance_path, _png(color))
    products.update_product(db, shop_id, soap["id"], photo=photo)
    stock.restock(db, shop_id, soap["id"], 20_000)
    phone = "05 55 55 55 01" if tag == "A" else "05 55 55 55 03"
    customer = credit.create_customer(db, shop_id, name=f"Mariam Qx{tag}cust", phone=phone)
    credit.update_customer(db, shop_id, customer["id"], photo=photo)
    on_credit = sales.record_sale(db, shop_id, [{"product_id": soap["id"], "qty": 4000}], credit=1000,
                                  customer_id=customer["id"])
    credit.record_repayment(db, shop_id, customer["id"], 200)
    cash = sales.record_sale(db, shop_id, [{"product_id": soap["id"], "qty": 1000}])
    files = clips.audio_files(app)
    label = studio.record(db, files, trader, "fr", f"product:{soap['id']}", _wav(300 if tag == "A" else 400),
                          "label.wav")
    studio.accept(db, trader, label["id"])
    first, second = (item.key for item in catalog.items("fr")[:2])
    spoken = studio.record(db, files, trainer, "fr", first, _wav(500 if tag == "A" else 600), "prompt.wav")
    studio.accept(db, trainer, spoken["id"])
    prompt = studio.record(db, files, trainer, "fr", second, _wav(700 if tag == "A" else 800), "prompt.wav")
    plans.subscribe(db, None, shop_id, "stall", start_month=MONTH)
    payment = plans.record_payment(db, None, shop_id, MONTH, amount=1000)
    return {"shop": shop_id, "coop": coop["id"], "trader_id": trader["id"], "phone": trader["phone"],
            "trainer_id": trainer["id"], "product": soap["id"], "customer": customer["id"],
            "customer_phone": phone, "sale": cash["id"], "credit_sale": on_credit["id"],
            "photo": photo, "label_recording": label["id"], "label_sha": label["sha"],
            "prompt_recording": prompt["id"], "prompt_sha": spoken["sha"], "payment": payment["id"]}


# -- what a tenant holds ---------------------------------------------------------------------

def table_counts(db, skip=()) -> dict[str, int]:
    """Every table's row count (the change log included), but the tables in ``skip``."""
    return {table: n for table, n in factories.table_counts(db).items() if table not in skip}


def _digest(db, table, where, params) -> str:
    rows = db.execute(f"select * from [{table}] where {where} order by 1, 2", params).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def snapshot(db, victim: Victim, level: str, skip=()) -> dict[str, str]:
    """A digest per table of the victim's rows: ``shop`` (her shop's rows, her sessions, keys
    and wrong PINs, its device) or ``coop`` (the cooperative's own rows: its trainer, prompt
    recordings, devices). Changing a value changes the digest, not only adding a row."""
    ids = victim.ids
    out = {}
    for table in db.table_names():
        if table in skip:
            continue
        cols = {c.name for c in db[table].columns}
        if level == "shop":
            where, params = {
                "shops": ("id = ?", [ids["shop"]]),
                "sessions": ("user_id = ?", [ids["trader_id"]]),
                "idempotency_keys": ("user_id = ?", [ids["trader_id"]]),
                "login_failures": ("phone = ?", [ids["phone"]]),
                "sync_devices": ("scope_id = ?", [ids["shop"]]),
                "sync_enrollments": ("scope_id = ?", [ids["shop"]]),
                "stock_totals": ("product_id = ?", [ids["product"]]),
            }.get(table, ("shop_id = ?", [ids["shop"]]) if "shop_id" in cols else (None, None))
        else:
            where, params = {
                "cooperatives": ("id = ?", [ids["coop"]]),
                "sessions": ("user_id = ?", [ids["trainer_id"]]),
                "sync_devices": ("scope_id = ?", [ids["coop"]]),
                "sync_enrollments": ("scope_id = ?", [ids["coop"]]),
            }.get(table, ("cooperative_id = ? and shop_id is null", [ids["coop"]])
                  if {"cooperative_id", "shop_id"} <= cols else (None, None))
        if where:
            out[table] = _digest(db, table, where, params)
    return out


def readable(response) -> str:
    """What an answer shows: its text, the files of a zip, and where a redirect points."""
    data = response.get_data()
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"\n".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", "replace") + "\n" + response.headers.get("Location", "")
