"""The store: where every part's data lives and the rules for writing it.

``db`` (connections, transactions, the numbered migrations in ``migrations/``), ``changes``
(the one write path and its change log), ``ids`` (UUIDv7) and ``hlc`` (the hybrid logical
clock). The place a second engine (PostgreSQL) will join.

Imports nothing of kissi but :mod:`kissi.errors`, and no Flask: every other part stands on it.
"""
