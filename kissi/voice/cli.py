"""``kissi voice ...``: build the machine clips of a language, show what each language has."""
from __future__ import annotations

import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db as store, languages
from . import build as builder, catalog, clips, espeak


def audio_files(app=None) -> clips.ClipFiles:
    """The instance's audio folder (never the repo)."""
    app = app or current_app
    return clips.ClipFiles(app.config.get("VOICE_DIR") or Path(app.instance_path) / "audio")


@click.group("voice")
def voice_group():
    """Voice prompts: build clips, see what each language can say."""


@voice_group.command("build")
@click.option("--lang", "langs", multiple=True, type=click.Choice(sorted(languages.LANGUAGES)),
              help="Language to build (repeatable). Default: every language.")
@click.option("--offline", is_flag=True, help="Do not try gTTS; use eSpeak NG only.")
@click.option("--retries", default=4, show_default=True, help="Retries per clip on gTTS errors.")
@click.option("--backoff", default=2.0, show_default=True, help="First wait in seconds (doubles).")
@with_appcontext
def build_command(langs, offline, retries, backoff):
    """Make the missing clips: gTTS while online (cached), eSpeak NG offline. Resumable."""
    from ..cli import open_db

    db = open_db()
    files = audio_files()
    for lang in langs or languages.LANGUAGES:
        items = catalog.items(lang)
        with click.progressbar(length=len(items), label=f"{lang} ({catalog.language_name(lang)})",
                               show_pos=True) as bar:
            report = builder.build(db, files, lang, offline=offline, retries=retries, backoff=backoff,
                                   progress=lambda item: bar.update(1), say=_say_above(bar))
        made = ", ".join(f"{n} {src}" for src, n in report.made.items() if n) or "nothing new"
        click.echo(f"{lang}: made {made}; {report.skipped} already there; "
                   f"{report.untranslated} untranslated (no text to read yet); "
                   f"{len(report.failed)} failed (run again to retry).")
    db.conn.close()


def _say_above(bar):
    def say(message: str):
        click.echo(("\n" if bar else "") + message)
    return say


@voice_group.command("status")
@with_appcontext
def status_command():
    """Per language, how many clips each source has (recordings, gTTS, eSpeak NG)."""
    from ..cli import open_db

    db = open_db()
    for lang, counts in clips.source_counts(db).items():
        total = len(catalog.items(lang))
        click.echo(f"{lang}: {total} to say; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    db.conn.close()


def start_offline_build(app) -> threading.Thread | None:
    """On ``kissi serve``: make the missing eSpeak NG clips in the background.

    So a fresh node speaks French, English and Arabic without anyone running a command,
    and never makes a request wait: the thread has its own connection and writes one
    clip per short transaction. ``VOICE_BUILD_ON_SERVE = False`` turns it off.
    """
    if not app.config.get("VOICE_BUILD_ON_SERVE", True) or not espeak.available():
        return None

    def run():
        db = store.connect(app.config["DATABASE"])
        try:
            for lang in espeak.VOICES:
                builder.build(db, audio_files(app), lang, offline=True, say=lambda m: None)
        finally:
            db.conn.close()

    thread = threading.Thread(target=run, name="kissi-voice-build", daemon=True)
    thread.start()
    return thread


def init_app(app) -> None:
    app.cli.add_command(voice_group)
    app.extensions.setdefault("kissi_serve_hooks", []).append(start_offline_build)
