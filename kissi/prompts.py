"""The prompt catalog's keys and their source texts.

Every ``data-prompt="..."`` key used in a template is declared here with its English
source text (translated through the flask-babel catalogs); the voice layer gives each a
clip per language. A test checks that templates use no undeclared key.
Keys are grouped by screen: ``nav.*``, ``home.*``, ``login.*``, ``sale.*``, ``stock.*``,
``debt.*``, ``day.*``, ``shop.*``, ``error.*``, ``sync.*``, ``voice.*``.
"""
from flask_babel import lazy_gettext as _l

PROMPTS = {
    "nav.home": _l("Home"),
    "nav.back": _l("Back"),
    "nav.language": _l("Change the language"),
    "error.not_found": _l("This was not found."),
    # the phone: offline pages, waiting posts, display
    "sync.offline": _l("No connection to the shop. This page is from earlier."),
    "sync.queued": _l("Saved on this phone. It will be sent when the shop answers."),
    "sync.waiting": _l("Waiting to be sent"),
    "sync.refused": _l("Refused by the shop"),
    "a11y.text_size": _l("Large text"),
}
