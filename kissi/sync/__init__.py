"""Offline-first sync between edge nodes and a hub (docs/sync.md).

``protocol`` (the wire format), ``apply`` (merging remote changes), ``hub`` (enrollment,
devices, scope checks, ingest and pull), ``client`` (the edge's push and pull),
``scheduler`` (the background syncer), ``alerts`` (negative stock after a merge).
"""
