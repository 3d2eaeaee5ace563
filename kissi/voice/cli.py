"""``kissi voice ...``: build the machine clips of a language, show what each language has."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import languages
from ..cli.common import open_db
from ..store import db as store
from . import build as builder, catalog, clips, espeak


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
    db = open_db()
    files = clips.audio_files(current_app)
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
    db = open_db()
    for lang, counts in clips.source_counts(db).items():
        total = len(catalog.items(lang))
        click.echo(f"{lang}: {total} to say; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    db.conn.close()


def start_offline_build(app) -> subprocess.Popen | None:
    """On ``kissi serve``: make the missing eSpeak NG clips in a background process.

    So a fresh node speaks French, English and Arabic without anyone running a command,
    and never makes a request wait: the child has its own connection, writes one clip per
    short transaction and runs at a lower priority. A child process rather than a thread:
    the build loads FFmpeg, eSpeak NG and every language's catalog (about 40 MB at its
    peak) and a thread could never give that back, while a child's memory is freed when
    it exits and the idle server stays small. ``VOICE_BUILD_ON_SERVE = False`` turns it off.
    """
    if not app.config.get("VOICE_BUILD_ON_SERVE", True) or importlib.util.find_spec("espeakng_loader") is None:
        return None
    return subprocess.Popen([sys.executable, "-m", __name__, str(app.config["DATABASE"]),
                             str(clips.audio_files(app).root), str(os.getpid())],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def _offline_build(database: str, folder: str, parent: int) -> None:
    """The child's work: every language eSpeak NG speaks; stops when the server is gone."""
    os.nice(10)

    def still_wanted(item) -> None:
        if os.getppid() != parent:
            raise SystemExit(0)

    if not espeak.available():
        return
    db = store.connect(database)
    try:
        for lang in espeak.VOICES:
            builder.build(db, clips.ClipFiles(folder), lang, offline=True, progress=still_wanted,
                          say=lambda m: None)
    finally:
        db.conn.close()


def init_app(app) -> None:
    app.cli.add_command(voice_group)
    app.extensions.setdefault("kissi_serve_hooks", []).append(start_offline_build)


if __name__ == "__main__":  # the child started by start_offline_build
    _offline_build(sys.argv[1], sys.argv[2], int(sys.argv[3]))
