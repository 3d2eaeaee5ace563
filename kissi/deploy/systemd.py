"""systemd units that make a box an appliance: kissi and Caddy start at boot and come back after
a crash or a power cut, a timer syncs, a timer makes the nightly backup and rotates it.

Why these choices (a later developer must keep them):

- kissi runs as its own unprivileged user (``sysusers.d/kissi.conf``), with a read-only
  system around it: only its data folder is writable;
- ``Restart=always`` with no start limit: a market box has no one to type ``systemctl start``;
  ``WantedBy=multi-user.target`` starts it at every boot, so after a power cut too;
- the backup timer is ``Persistent=true``: a box that was off at night backs up at boot;
- logs go to the journal, bounded by ``journald.conf.d/kissi.conf`` (the journal rotates them);
- Caddy runs from our own unit (``kissi-caddy.service``, which conflicts with the packaged
  ``caddy.service``) so that the file it reads is the one ``kissi deploy caddy`` wrote.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import Invalid

_SAFE = re.compile(r"^[A-Za-z0-9_./:@+-]+$")  # no spaces, quotes or specifiers in a unit's values
_SPAN = re.compile(r"^\d+(s|min|h|d)$")


def _check(value, field: str, pattern: re.Pattern = _SAFE) -> str:
    text = str(value)
    if not pattern.match(text) or "%" in text:
        raise Invalid("bad_deploy_setting", "This setting cannot go into a systemd unit: %(value)s",
                      field, value=text[:80])
    return text


def units(kissi: str, instance: str = "/var/lib/kissi", user: str = "kissi", port: int = 8080,
          caddyfile: str = "/etc/kissi/Caddyfile", caddy: str = "/usr/bin/caddy", backups: str | None = None,
          keep: int = 14, sync_every: str = "15min") -> dict[str, str]:
    """``{relative file name: text}`` of every unit and drop-in, for :func:`write`.

    ``kissi`` is the absolute path of the ``kissi`` command (in its virtualenv); ``backups``
    defaults to ``<instance>/backups``, of which the newest ``keep`` are kept.
    """
    kissi, instance, user = _check(kissi, "kissi"), _check(instance, "instance"), _check(user, "user")
    caddyfile, caddy = _check(caddyfile, "caddyfile"), _check(caddy, "caddy")
    backups = _check(backups or f"{instance}/backups", "backups")
    sync_every = _check(sync_every, "sync_every", _SPAN)
    port, keep = int(port), max(1, int(keep))
    env = f"Environment=KISSI_INSTANCE={instance}\n"
    as_kissi = f"User={user}\nGroup={user}\n{env}"
    sandbox = ("NoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\n"
               f"ReadWritePaths={instance}\n")
    data = (f"StateDirectory={instance.removeprefix('/var/lib/')}\n" if instance.startswith("/var/lib/")
            and instance.count("/") == 3 else "")
    return {
        "sysusers.d/kissi.conf": f'u {user} - "kissi shop book" {instance}\n',
        "journald.conf.d/kissi.conf": "[Journal]\nSystemMaxUse=100M\nMaxRetentionSec=1month\n",
        "kissi.service": (
            "[Unit]\nDescription=kissi shop book (waitress on loopback)\n"
            "After=network.target time-sync.target\nStartLimitIntervalSec=0\n\n"
            f"[Service]\nType=simple\n{as_kissi}Environment=KISSI_TRUSTED_PROXIES=1\n"
            f"ExecStart={kissi} serve --host 127.0.0.1 --port {port}\n"
            f"Restart=always\nRestartSec=3\n{data}{sandbox}\n"
            "[Install]\nWantedBy=multi-user.target\n"),
        "kissi-caddy.service": (
            "[Unit]\nDescription=Caddy: HTTPS in front of kissi\n"
            "After=network.target kissi.service\nWants=kissi.service\nConflicts=caddy.service\n"
            "StartLimitIntervalSec=0\n\n"
            "[Service]\nType=notify\nUser=caddy\nGroup=caddy\n"
            f"ExecStart={caddy} run --environ --config {caddyfile} --adapter caddyfile\n"
            f"ExecReload={caddy} reload --config {caddyfile} --adapter caddyfile --force\n"
            "TimeoutStopSec=5s\nLimitNOFILE=1048576\nPrivateTmp=yes\nProtectSystem=full\n"
            "AmbientCapabilities=CAP_NET_BIND_SERVICE\nRestart=always\nRestartSec=3\n\n"
            "[Install]\nWantedBy=multi-user.target\n"),
        "kissi-sync.service": (
            "[Unit]\nDescription=kissi: sync once with the hub\nAfter=network.target kissi.service\n\n"
            f"[Service]\nType=oneshot\n{as_kissi}ExecStart={kissi} sync\n{sandbox}"),
        "kissi-sync.timer": (
            "[Unit]\nDescription=kissi: sync with the hub regularly\n\n"
            f"[Timer]\nOnBootSec=5min\nOnUnitActiveSec={sync_every}\n\n"
            "[Install]\nWantedBy=timers.target\n"),
        "kissi-backup.service": (
            "[Unit]\nDescription=kissi: nightly backup of the database, rotated\n\n"
            f"[Service]\nType=oneshot\n{as_kissi}ExecStart={kissi} backup --into {backups} --keep {keep}\n"
            f"{sandbox}"),
        "kissi-backup.timer": (
            "[Unit]\nDescription=kissi: nightly backup\n\n"
            "[Timer]\nOnCalendar=*-*-* 02:30:00\nPersistent=true\nRandomizedDelaySec=10min\n\n"
            "[Install]\nWantedBy=timers.target\n"),
    }


def write(out: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` under ``out`` (made if needed); returns the paths written."""
    written = []
    for name, text in files.items():
        path = Path(out) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
