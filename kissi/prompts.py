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
    # voice: spoken sentences, units, months and the recording studio
    "voice.sold": _l("Sold"),
    "voice.francs": _l("francs"),
    "voice.point": _l("point"),
    "voice.day_total": _l("Today you sold"),
    "voice.sales": _l("sales"),
    "voice.replay": _l("Listen again"),
    "unit.piece": _l("pieces"),
    "unit.kg": _l("kilos"),
    "unit.litre": _l("litres"),
    "unit.heap": _l("heaps"),
    "unit.bag": _l("bags"),
    "unit.box": _l("boxes"),
    "month.1": _l("January"),
    "month.2": _l("February"),
    "month.3": _l("March"),
    "month.4": _l("April"),
    "month.5": _l("May"),
    "month.6": _l("June"),
    "month.7": _l("July"),
    "month.8": _l("August"),
    "month.9": _l("September"),
    "month.10": _l("October"),
    "month.11": _l("November"),
    "month.12": _l("December"),
    "studio.record": _l("Record"),
    "studio.stop": _l("Stop"),
    "studio.upload": _l("Send a sound file"),
    "studio.play": _l("Listen"),
    "studio.accept": _l("Keep this recording"),
    "studio.redo": _l("Record again"),
    "studio.saved": _l("The recording is kept."),
}
