"""Running kissi on a real box: the Caddy configuration in front of waitress, systemd units,
the database check at start, rotated backups and their restore.

Writes text for other programs (Caddy, systemd) and copies SQLite files; it serves nothing
itself. May import ``store`` and the shared modules at the top of the package (``errors``);
never ``web``, nor the parts above ``store`` (a restore must not depend on the ledger).
Its commands live in :mod:`kissi.deploy.cli`.
"""
