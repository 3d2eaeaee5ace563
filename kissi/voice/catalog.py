"""What each language must be able to say: every declared prompt and every number word.

Prompt keys come from :data:`kissi.prompts.PROMPTS` (any key another part declares is
handled the same way); number words from :func:`kissi.voice.numbers.vocabulary`. The
text a machine voice reads is the language's own translation, never a fallback's (a
French voice reading the English source would be worse than silence); English reads the
source text itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.support import Translations

from .. import languages
from ..i18n import LOCALES_DIR
from . import numbers
from .clips import prompt_key, word_key


@dataclass(frozen=True)
class Item:
    key: str  # 'p:sale.confirm' or 'w:juróom'
    kind: str  # 'prompt' or 'word'
    name: str  # the prompt key or the word
    source: str  # English source text of a prompt, the word itself for a word
    msgid: str = ""  # the catalog's msgid (may hold %(name)s placeholders)
    params: tuple = ()  # the placeholders' values, as sorted (name, value) pairs

    def __hash__(self):
        return hash(self.key)


def prompt_sources() -> dict[str, tuple[str, dict]]:
    """Every declared prompt key: its msgid and the values of its placeholders."""
    from ..prompts import PROMPTS

    return {key: (getattr(text, "_args", (str(text),))[0], dict(getattr(text, "_kwargs", {}) or {}))
            for key, text in PROMPTS.items()}


def items(lang: str) -> list[Item]:
    """Everything ``lang`` should have a clip for, prompts first."""
    found = [Item(prompt_key(k), "prompt", k, _fill(msgid, params), msgid, tuple(sorted(params.items())))
             for k, (msgid, params) in prompt_sources().items()]
    found += [Item(word_key(w), "word", w, w) for w in numbers.vocabulary(lang)]
    return found


def _fill(text: str, params: dict) -> str:
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):
        return text


@lru_cache(maxsize=16)
def _own_catalog(lang: str):
    catalog = Translations.load(str(LOCALES_DIR), [lang], "messages")
    return catalog if isinstance(catalog, Translations) else None


def spoken_text(item: Item, lang: str) -> str | None:
    """The text a machine voice reads for ``item`` in ``lang``; None when untranslated."""
    if item.kind == "word":
        return item.source
    if item.name.startswith("lang.name."):  # a language's own name, in that language only
        return item.source if item.name == f"lang.name.{lang}" else None
    if lang == "en":
        return item.source
    catalog = _own_catalog(lang)
    if catalog is None:
        return None
    text = catalog._catalog.get(item.msgid)  # this catalog only: no fallback chain
    return _fill(text, dict(item.params)) if text else None


def language_name(lang: str) -> str:
    return languages.get(lang).name
