"""The keypads without JavaScript: each key is a submit button the server applies.

The digit keypad macro sends ``kp`` (a digit, ``<`` to erase one, ``c`` to clear) with the
field so far; the cash keypad sends ``cash`` (a banknote or coin value, or ``0`` to start
again). A view calls :func:`keyed` or :func:`cash_keyed` first: when a key was pressed it
re-renders the same step with the new value and records nothing. With JavaScript
(``keys.js``) the same buttons edit the field in place and no request is made.
"""
from __future__ import annotations

# F CFA banknotes and coins in circulation (BCEAO), largest first.
NOTES = (10000, 5000, 2000, 1000, 500)
COINS = (500, 250, 200, 100, 50, 25, 10, 5)
MAX_AMOUNT = 100_000_000


def keyed(form, name: str, maxlen: int = 9, fresh: bool = False) -> tuple[str, bool]:
    """``(value, pressed)``: the field with the pressed key applied, and whether one was.

    ``fresh``: the field still shows the value the page proposed (the sale's "1"): the
    first digit replaces it rather than being appended ("1" then 3 is 3, not 13)."""
    value = str(form.get(name, "")).strip()
    key = form.get("kp")
    if key is None:
        return value, False  # as typed: the domain says what is wrong with it
    if fresh:
        value = ""
    value = "".join(ch for ch in value if ch.isdigit() or ch in ",.")
    if key == "<":
        value = value[:-1]
    elif key == "c":
        value = ""
    elif key in ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ","):
        if len(value) < maxlen and not (key == "," and ("," in value or "." in value)):
            value = ("0" if key == "," and not value else "") + value + key
    return value, True


def cash_keyed(form, name: str) -> tuple[str, bool]:
    """``(amount, pressed)``: the amount with the tapped note or coin added."""
    raw = str(form.get(name, "")).strip()
    amount = int(raw) if raw.isdigit() else 0
    key = form.get("cash")
    if key is None:
        return (str(amount) if raw.isdigit() else raw), False
    if key == "0":
        return "", True
    if key.isdigit() and int(key) in NOTES + COINS:
        amount = min(amount + int(key), MAX_AMOUNT)
    return str(amount), True
