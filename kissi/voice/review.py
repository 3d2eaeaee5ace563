"""Which translations still await a native speaker's review.

Convention for the catalogs (``locales/<lang>/LC_MESSAGES/messages.po``): a translation
written by someone who is not a native speaker (or a machine) carries the translator
comment ``# review: awaiting a native speaker``; the reviewer removes the line when the
string is right. Such strings are shown to traders (better than French for many of
them) but listed for trainers. Fuzzy entries (``#, fuzzy``) are not shown at all (the
compiler leaves them out) and are listed too, as are strings with no translation.
Babel's catalog update keeps translator comments, so the mark survives ``./dev.sh i18n``.
"""
from __future__ import annotations

from babel.messages.pofile import read_po

from ..i18n import LOCALES_DIR

MARK = "review:"
AWAITING = "review: awaiting a native speaker"


def awaiting(lang: str) -> list[dict]:
    """Entries of ``lang``'s catalog that are missing, fuzzy or marked unreviewed."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return []
    with path.open("rb") as f:
        catalog = read_po(f, locale=None)
    out = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        if not text:
            state = "missing"
        elif message.fuzzy:
            state = "fuzzy"
        elif any(c.strip().lower().startswith(MARK) for c in message.user_comments):
            state = "unreviewed"
        else:
            continue
        out.append({"msgid": msgid, "msgstr": text, "state": state})
    return out


def summary(lang: str) -> dict[str, int]:
    counts = {"missing": 0, "fuzzy": 0, "unreviewed": 0}
    for entry in awaiting(lang):
        counts[entry["state"]] += 1
    return counts
