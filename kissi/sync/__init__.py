"""Offline-first sync between edge nodes and a hub (docs/sync.md).

``protocol`` (the wire format), ``apply`` (merging remote changes), ``hub`` (enrollment,
devices, scope checks, ingest and pull), ``client`` (the edge's push and pull),
``scheduler`` (the background syncer), ``alerts`` (negative stock after a merge).

May import ``store`` and the shared modules at the top of the package; it moves rows, it does
not interpret them, so it needs neither ``shop`` nor ``coop``. No Flask but in ``cli``
(its commands); never ``web``. ``web`` and the commands stand on it.
"""
