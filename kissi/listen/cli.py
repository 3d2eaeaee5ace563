"""``kissi voice models`` and ``kissi voice install-model LANG`` (in the ``voice`` group)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import languages
from . import engine, models


def _models_dir():
    return engine.models_dir(current_app.config)


@click.command("models")
@with_appcontext
def models_command():
    """List the installed Vosk models (voice commands) and the languages without one."""
    folder = _models_dir()
    installed = engine.installed(folder)
    click.echo(f"models folder: {folder}")
    for lang, path in installed.items():
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        click.echo(f"{lang}: {path.resolve().name} ({size / 1e6:.0f} MB)")
    missing = [code for code in languages.LANGUAGES if code not in installed]
    if missing:
        click.echo("no model (voice tags only): " + ", ".join(missing))


@click.command("install-model")
@click.argument("lang")
@click.option("--name", help="Model name in the index (default: the language's small model).")
@click.option("--sha256", help="Expected SHA-256 of the archive (checked besides the index's md5).")
@click.option("--index-url", default=None, help="Model index URL (default: the Vosk project's).")
@with_appcontext
def install_model_command(lang, name, sha256, index_url):
    """Download the official small Vosk model of LANG (e.g. fr) into voice_models/LANG."""
    index_url = index_url or current_app.config.get("VOICE_MODEL_INDEX") or models.INDEX_URL

    def bar(total):
        return click.progressbar(length=total or 0, label=f"{lang} model", show_percent=bool(total))

    try:
        folder = models.install(lang, _models_dir(), index_url=index_url, name=name, sha256=sha256,
                                progress_factory=bar)
    except models.InstallError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"installed {lang} in {folder}; restart the service to use it")


def init_app(app) -> None:
    from ..voice.cli import voice_group

    voice_group.add_command(models_command)
    voice_group.add_command(install_model_command)
