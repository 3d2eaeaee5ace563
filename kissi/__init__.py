"""kissi: an offline-first shop, sales and credit book for informal women traders."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the WSGI application.

    Configuration, lowest to highest priority: embedded defaults, ``instance/config.py``,
    ``KISSI_*`` environment variables (``KISSI_ROLE=hub`` sets ``ROLE``), ``test_config``.
    The data folder is ``instance_path``, else ``KISSI_INSTANCE``, else Flask's instance
    folder; it holds the SQLite file, the secret key, audio and photos, never the repo.
    """
    instance_path = instance_path or os.environ.get("KISSI_INSTANCE") or None
    if instance_path:
        instance_path = str(Path(instance_path).resolve())
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(
        ROLE="edge",
        HUB_URL=None,
        DATABASE=os.path.join(app.instance_path, "kissi.sqlite3"),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=30 * 24 * 3600,
        SYNC_ENABLED=True,
        DEFAULT_COUNTRY="CI",  # where a local phone number belongs when her cooperative has no country
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KISSI")
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    from . import cli, i18n
    from .web import database, register

    i18n.init_app(app)
    database.init_app(app)
    register(app)
    cli.init_app(app)
    return app


def _instance_secret(folder: Path) -> str:
    """A secret key kept in the instance folder, made once (never committed)."""
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
