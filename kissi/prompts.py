"""The prompt catalog's keys and their source texts.

Every ``data-prompt="..."`` key used in a template is declared here with its English
source text (translated through the flask-babel catalogs); the voice layer gives each a
clip per language. A test checks that templates use no undeclared key.
Keys are grouped by screen: ``nav.*``, ``home.*``, ``login.*``, ``sale.*``, ``stock.*``,
``debt.*``, ``day.*``, ``shop.*``, ``error.*``, ``sync.*``, ``voice.*``.
"""
from flask_babel import lazy_gettext as _l

from .languages import LANGUAGES as _LANGUAGES

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
    "studio.screen": _l("Record the words your traders hear"),
    "studio.label": _l("Say the name"),
    "studio.translations": _l("Texts to review"),
    "error.not_audio": _l("This file is not a sound recording."),
    "error.too_long": _l("The recording is too long."),
    "error.too_large": _l("The recording is too large."),
    "error.empty": _l("The recording is empty."),
    "error.silent": _l("Nothing was heard in the recording."),
    "error.bad_name": _l("This file name is not allowed."),
    "error.bad_type": _l("Only sound recordings can be sent."),
    "error.bad_key": _l("Nothing to record under this name."),
    "unit.metre": _l("metres"),
    "unit.bottle": _l("bottles"),
    "unit.packet": _l("packets"),
    "unit.bunch": _l("bunches"),
    "unit.bowl": _l("bowls"),
    "unit.dozen": _l("dozens"),
}

# -- members, login and the page shell (web) --------------------------------------------------
PROMPTS.update({
    "nav.listen": _l("Listen to this screen"),
    "nav.logout": _l("Log out"),
    "nav.textsize": _l("Bigger or smaller text"),
    "home.screen": _l("Choose what you want to do"),
    "home.sell": _l("Sell"),
    "home.stock": _l("Stock"),
    "home.debts": _l("Debts"),
    "home.day": _l("My day"),
    "home.shop": _l("My shop"),
    "home.help": _l("Help"),
    "help.screen": _l("How kissi works"),
    "help.sell": _l("Sell: tap the product, the quantity, then how the customer pays."),
    "help.stock": _l("Stock: add what arrives, remove what is lost, count what is left."),
    "help.debts": _l("Debts: who owes you, give credit, take a repayment."),
    "help.day": _l("My day: what you sold today and the money in the box."),
    "help.shop": _l("My shop: your products, their prices and pictures."),
    "help.listen": _l("Tap the speaker to hear what a screen is for."),
    "help.trainer": _l("Locked out or stuck? Your trainer can help you."),
    "login.screen": _l("Type your phone number, then your secret code"),
    "login.phone": _l("Your phone number"),
    "login.pin": _l("Your secret code"),
    "login.submit": _l("Enter"),
    "members.unlock": _l("Unlock this member"),
    "members.unlocked": _l("The member is unlocked"),
    "key.pad": _l("Type the number"),
    "key.erase": _l("Erase"),
    "key.clear": _l("Clear"),
    "key.comma": _l("Comma"),
    "cash.pad": _l("Tap the notes and coins"),
    "cash.reset": _l("Start again"),
    "error.csrf": _l("This request came from another site and was refused"),
    "error.login_required": _l("Please log in"),
    "error.forbidden": _l("This is not for your account"),
    "error.no_shop": _l("This account has no shop"),
    "error.wrong_pin": _l("Wrong phone number or secret code"),
    "error.login_throttled": _l("Too many wrong codes. Wait a little, then try again"),
    "error.bad_phone": _l("This phone number is not right"),
    "error.bad_pin": _l("The secret code has 4 to 6 digits"),
    "error.phone_taken": _l("This phone number already has an account"),
    "error.name_missing": _l("A name is needed"),
    "error.name_too_long": _l("This name is too long"),
    "error.bad_language": _l("This language is not available"),
})
PROMPTS.update({f"key.{d}": _l("Digit %(digit)s", digit=d) for d in range(10)})
PROMPTS.update({f"lang.{code}": _l("Speak %(language)s", language=lang.name)
                for code, lang in _LANGUAGES.items()})
PROMPTS.update({f"cash.{n}": _l("%(amount)s francs", amount=n)
                for n in (10000, 5000, 2000, 1000, 500, 250, 200, 100, 50, 25, 10, 5)})
