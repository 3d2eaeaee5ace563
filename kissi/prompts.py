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
    # sync
    "sync.all_sent": _l("Everything is sent."),
    "sync.waiting": _l("Some sales are waiting to be sent."),
    "sync.never": _l("Nothing has been sent yet."),
    "sync.enroll": _l("Enroll a device."),
    "sync.enrolled": _l("This device is enrolled."),
    "sync.code": _l("The enrollment code."),
    "sync.revoke": _l("Revoke this device."),
    "sync.stock_negative": _l("Stock is below zero: check this product."),
    "error.enrollment_invalid": _l("This enrollment code is unknown, used or expired."),
    "error.device_revoked": _l("This device was revoked."),
}
