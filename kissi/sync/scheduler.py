"""The background syncer: one thread per served edge, so no request ever waits on the network.

It sleeps until the next attempt is due or a local write pokes it (then it waits a few
seconds more, so a burst of sales travels as one batch). A success schedules the next
run after ``SYNC_INTERVAL`` seconds; a failure after an exponential backoff with jitter
(``SYNC_BACKOFF_MIN`` doubling up to ``SYNC_BACKOFF_MAX``, times a random 0.5-1.5), so
a market full of devices does not hammer a hub that just came back. A revoked or
refused device stops retrying until the service restarts or a write pokes it.

The first success after failures means the hub just came back, and the other edges of
the scope, back from the same outage, push over the next minutes: the syncer then runs
again after ``SYNC_BACKOFF_MIN`` seconds, doubling up to ``SYNC_INTERVAL``, so the edge
that synced first does not stay behind them for a whole interval (each such run costs
one pull when nothing waits here).
"""
from __future__ import annotations

import logging
import random
import threading
import time

from ..store import db as store
from . import client

log = logging.getLogger(__name__)

DEFAULTS = {"SYNC_INTERVAL": 300, "SYNC_DEBOUNCE": 3, "SYNC_BACKOFF_MIN": 5,
            "SYNC_BACKOFF_MAX": 1800, "SYNC_KEEP_DAYS": 30}


def backoff(failures: int, low: float, high: float, rand=random.random) -> float:
    """Seconds to wait after ``failures`` failures in a row: exponential, capped, jittered."""
    return min(high, low * 2 ** max(0, failures - 1)) * (0.5 + rand())


class Syncer(threading.Thread):
    def __init__(self, app):
        super().__init__(name="kissi-syncer", daemon=True)
        self.config = {k: app.config.get(k, v) for k, v in DEFAULTS.items()}
        self.database = app.config["DATABASE"]
        self.wake = threading.Event()
        self.stopping = False
        self.failures = 0
        self.last_run: dict | None = None
        self.last_compact = 0.0
        self.catch_up = 0.0  # seconds to the next run while catching up after an outage

    def poke(self) -> None:
        """A local write happened: sync soon (never blocks the caller)."""
        self.wake.set()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def run(self) -> None:
        delay = 1.0
        while not self.stopping:
            if self.wake.wait(delay):
                self.wake.clear()
                time.sleep(self.config["SYNC_DEBOUNCE"])  # let a burst of writes gather
            if self.stopping:
                return
            delay = self.run_once()

    def run_once(self) -> float:
        """One attempt; returns the seconds until the next one."""
        db = store.connect(self.database)
        try:
            if not client.state(db)["token"]:
                return self.config["SYNC_INTERVAL"]
            self.last_run = client.sync_once(db)
            self.catch_up = self.config["SYNC_BACKOFF_MIN"] if self.failures else self.catch_up * 2
            self.failures = 0
            if time.time() - self.last_compact > 86_400:
                client.compact(db, self.config["SYNC_KEEP_DAYS"])
                self.last_compact = time.time()
            if 0 < self.catch_up < self.config["SYNC_INTERVAL"]:
                return self.catch_up
            self.catch_up = 0.0
            return self.config["SYNC_INTERVAL"]
        except client.SyncError as err:
            self.failures += 1
            log.info("sync failed (%s): %s", err.code, err)
            if not err.retry:
                return 86_400
            return backoff(self.failures, self.config["SYNC_BACKOFF_MIN"], self.config["SYNC_BACKOFF_MAX"])
        except Exception:  # a bug must not kill the thread: log it and back off
            self.failures += 1
            log.exception("sync run crashed")
            return backoff(self.failures, self.config["SYNC_BACKOFF_MIN"], self.config["SYNC_BACKOFF_MAX"])
        finally:
            db.conn.close()


def start(app) -> Syncer | None:
    """Start the app's syncer (edge role, ``SYNC_ENABLED``); called when the service starts."""
    if app.config["ROLE"] != "edge" or not app.config.get("SYNC_ENABLED", True):
        return None
    syncer = app.extensions.get("kissi_syncer")
    if syncer is None:
        syncer = app.extensions["kissi_syncer"] = Syncer(app)
        syncer.start()
    return syncer


def poke(app) -> None:
    syncer = app.extensions.get("kissi_syncer")
    if syncer is not None:
        syncer.poke()


def health(app) -> dict:
    """The sync part of ``/healthz``."""
    syncer = app.extensions.get("kissi_syncer")
    db = store.connect(app.config["DATABASE"])
    try:
        if "sync_state" not in db.table_names():
            return {}
        if app.config["ROLE"] == "hub":
            devices, revoked = db.execute(
                "select count(*), count(revoked_at) from sync_devices").fetchone()
            return {"devices": devices, "revoked": revoked}
        state = client.state(db)
        return {"enrolled": bool(state.get("token")), "running": bool(syncer and syncer.is_alive()),
                "revoked": bool(state.get("refused")), "refused": state.get("refused"),
                "waiting": client.waiting_records(db), "waiting_unit": "records",
                "last_success": state.get("last_success_at"), "last_error": state.get("last_error")}
    finally:
        db.conn.close()
