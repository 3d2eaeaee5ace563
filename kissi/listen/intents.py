"""From heard words to an intent: sell, restock, repayment or question, or "ask again".

The parser works on the words a recognizer returns (Vosk text, or voice tags turned into
words: product and customer names, digits, ``@command`` keys) and on plain typed text, so
it is tested with tables of phrasings. It never guesses: a sentence with no product, an
amount that is not whole francs, or a low recognizer confidence gives ``unclear`` and the
page asks again (the tap path is always there).

Rules a later developer must know:
- a number before the product, or followed by a unit word, is the quantity; without one
  the quantity is 1; a number followed by "francs" is money; a second bare number after
  the product is the price; a single bare number after the product is the quantity below
  100 and the price from 100 up ("savon trois" = 3 soaps, "savon 1500" = 1 soap for 1500);
- a price is the line's total unless "chacun" / "each" / "le kilo" follows it;
- a customer named in a sale makes it a credit sale to her; she is found by any one word
  of her name when only she fits, else the intent asks which (``which_customer``, with
  ``extra["choices"]``);
- the market's words (:mod:`kissi.listen.market`) never decide alone what the rest of the
  sentence leaves open: a negation, a vague note ("un billet"), credit with no customer, a
  payment word with goods all ask again;
- in languages that count money in units of 5 F CFA (``languages.money_unit``) every
  heard amount is multiplied by that unit; quantities never are.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import languages
from . import numbers, vocab

MIN_CONFIDENCE = 0.6
MAX_AMOUNT = 100_000_000


@dataclass
class Intent:
    action: str  # sell | restock | repay | ask | unclear
    heard: str = ""
    product_id: str | None = None
    product: str | None = None
    customer_id: str | None = None
    customer: str | None = None
    qty: int | None = None  # thousandths of the product's unit
    amount: int | None = None  # whole F CFA: the line total, cost, or repayment
    unit_price: int | None = None
    topic: str | None = None  # for ask: today | stock | debts
    reason: str | None = None  # for unclear: why, so the page can say it
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, "")}


@dataclass(frozen=True)
class Catalog:
    """The shop's names the parser can recognize: ``[{"id", "name"}, ...]`` each."""

    products: tuple = ()
    customers: tuple = ()


def variants(name: str, lang: str) -> set[str]:
    """Ways a name may be heard: as written, plural and singular (folded)."""
    words = vocab.tokens(name)
    if not words:
        return set()
    out = {" ".join(words)}
    last = words[-1] if len(words) == 1 else words[0]
    index = len(words) - 1 if len(words) == 1 else 0
    forms = {last + "s"}
    if lang == "fr":
        forms |= {last + "x"} if last.endswith(("eau", "au", "eu")) else set()
        forms |= {last[:-2] + "aux"} if last.endswith("al") else set()
    if lang == "en":
        forms |= {last + "es"} | ({last[:-1] + "ies"} if last.endswith("y") else set())
    if last.endswith(("s", "x")) and len(last) > 3:
        forms.add(last[:-1])
    for form in forms:
        out.add(" ".join([*words[:index], form, *words[index + 1:]]))
    return out


def _index(catalog: Catalog, lang: str) -> dict[tuple, tuple[str, object]]:
    """Heard words -> ``("product", row)``, ``("customer", row)`` or ``("customers", rows)``.

    A customer is found by her whole name or by any single word of it ("Kadi" for "Kadi
    Ouattara"); when a word fits two customers the entry holds both and the parser asks
    which. A product's name (whole, or the head of a long one) wins over a word of a
    customer's name: she can always say the customer's whole name.
    """
    exact: dict[tuple, list] = {}
    for kind, rows in (("customer", catalog.customers), ("product", catalog.products)):
        for row in rows:
            for variant in variants(row["name"], lang):
                exact.setdefault(tuple(variant.split()), []).append((kind, row))
    index: dict[tuple, tuple[str, object]] = {}
    for key, found in exact.items():
        people = _unique(row for kind, row in found if kind == "customer")
        index[key] = ("customers", people) if len(people) > 1 else found[0]
    heads: dict[str, list] = {}
    for row in catalog.products:
        words = vocab.tokens(row["name"])
        if len(words) > 1:
            for head in variants(words[0], lang):
                heads.setdefault(head, []).append(row)
    for head, rows in heads.items():  # "savon" for "savon de Marseille", if no other savon
        if len(rows) == 1 and (head,) not in index:
            index[(head,)] = ("product", rows[0])
    skip = _not_names(lang)
    parts: dict[str, list] = {}
    for row in catalog.customers:
        for word in vocab.tokens(row["name"]):
            if len(word) > 1 and word not in skip:
                parts.setdefault(word, []).append(row)
    for word, rows in parts.items():
        held = index.get((word,))
        if held and held[0] == "product":
            continue
        before = [] if not held else held[1] if held[0] == "customers" else [held[1]]
        people = _unique([*before, *rows])
        index[(word,)] = ("customer", people[0]) if len(people) == 1 else ("customers", people)
    return index


def _unique(rows) -> list[dict]:
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row["id"], row)
    return list(seen.values())


def _not_names(lang: str) -> set[str]:
    """Words that keep their own meaning even inside a customer's name ("Awa de Bouaké")."""
    words = set(numbers.words_of(lang)) | set(vocab.units_of(lang))
    words |= vocab.folded(vocab.MONEY.get(lang, ())) | vocab.folded(vocab.FILLERS.get(lang, ()))
    for group in vocab.COMMANDS.get(lang, {}).values():
        words |= vocab.folded(group)
    return words


def parse(heard: str | list[str], lang: str, catalog: Catalog,
          confidences: list[float] | tuple = (), default_action: str = "sell") -> Intent:
    """The intent of ``heard`` in ``lang`` against the shop's ``catalog``.

    ``default_action`` ("sell" or "restock") is what a product and a quantity mean when no
    command word was heard: the screen the trader spoke on says it.
    """
    text = heard if isinstance(heard, str) else " ".join(heard)
    intent = Intent("unclear", heard=text)
    if confidences and min(confidences) < MIN_CONFIDENCE:
        intent.reason = "low_confidence"
        return intent
    toks = [t for t in vocab.tokens(text) if t != "unk"]
    if not toks:
        intent.reason = "nothing_heard"
        return intent
    items, commands = _scan(toks, lang, catalog)
    if "order" in commands and "restock" not in commands:  # ordered, not arrived: the screen cannot say it came
        commands.add("refuse")
    if default_action == "restock" and not commands & {"sell", "restock"}:
        commands.add("restock")
    return _decide(intent, items, commands, lang)


def _scan(toks: list[str], lang: str, catalog: Catalog):
    """Walk the words: names, numbers (with what follows them) and command keys."""
    index = _index(catalog, lang)
    longest = max((len(k) for k in index), default=1)
    units = vocab.units_of(lang)
    money = vocab.folded(vocab.MONEY.get(lang, ()))
    each = vocab.folded(vocab.COMMANDS.get(lang, {}).get("each", ()))
    vague = vocab.folded(vocab.VAGUE_MONEY.get(lang, ()))
    phrases = vocab.phrases_of(lang)
    items: list[dict] = []
    commands: set[str] = set()
    i = 0
    while i < len(toks):
        for size in range(min(longest, len(toks) - i), 0, -1):
            found = index.get(tuple(toks[i:i + size]))
            if found:
                key = "rows" if found[0] == "customers" else "row"
                items.append({"kind": found[0], key: found[1], "pos": i})
                i += size
                break
        else:
            phrase = next((p for p in phrases if tuple(toks[i:i + len(p)]) == p), None)
            if phrase:  # "va payer": a debt, not a payment; "ça a pris": a sale
                commands |= phrases[phrase]
                i += len(phrase)
                continue
            if toks[i] in vague:  # "billet de cinq mille" says how much; "billet" alone does not
                item, i = _note(toks, i, lang, 1000)
                items.append(item)
                continue
            read = numbers.read(toks, i, lang) if numbers.is_number_token(toks[i], lang) or \
                toks[i] in numbers.ONE_BEFORE.get(lang, {}) else None
            if read:
                value, i = read
                item = {"kind": "number", "value": value, "pos": i, "role": None}
                if i < len(toks) and toks[i] in vague:
                    item, i = _note(toks, i, lang, value)
                elif i < len(toks) and toks[i] in units:
                    item["role"] = "qty"
                    i += 1
                    extra = numbers.read_fraction(toks, i, lang)
                    if extra:
                        item["value"] += extra[0]
                        i = extra[1]
                elif i < len(toks) and toks[i] in money:
                    item["role"] = "money"
                    i += 1
                    while i < len(toks) and toks[i] in money:
                        i += 1
                if item.get("role") == "money" and i < len(toks) and toks[i] in each:
                    item["each"] = True
                    i += 1
                    if i < len(toks) and toks[i] in units:
                        i += 1
                items.append(item)
                continue
            commands |= vocab.command_of(toks[i], lang)
            i += 1
    return items, commands


NOTE_OF = {"fr": "de", "en": "of"}


def _note(toks: list[str], i: int, lang: str, count: int) -> tuple[dict, int]:
    """``count`` notes or coins at ``toks[i]``: money when "de cinq mille" follows, else vague."""
    j = i + 1
    if j + 1 < len(toks) and toks[j] == NOTE_OF.get(lang) and numbers.is_number_token(toks[j + 1], lang):
        read = numbers.read(toks, j + 1, lang)
        if read and read[0] % 1000 == 0:
            money = vocab.folded(vocab.MONEY.get(lang, ()))
            j = read[1]
            while j < len(toks) and toks[j] in money:
                j += 1
            return {"kind": "number", "value": count * read[0] // 1000, "pos": i, "role": "money"}, j
    return {"kind": "vague", "pos": i}, j


def _decide(intent: Intent, items: list[dict], commands: set[str], lang: str) -> Intent:
    """The intent, or "which customer?" when a name fits two of them (or two were named).

    The rest of the sentence is still read, so the page can offer the customers as buttons
    that complete the intent: ``extra["choices"]`` and ``extra["then"]`` (the action).
    """
    people = [x for x in items if x["kind"] in ("customer", "customers")]
    choices = _unique(r for x in people for r in (x.get("rows") or [x["row"]]))
    if len(choices) < 2:
        return _decide_one(intent, items, commands, lang)
    first = {"kind": "customer", "row": choices[0], "pos": people[0]["pos"]}
    result = _decide_one(intent, [*(x for x in items if x not in people), first], commands, lang)
    result.customer_id = result.customer = None
    if result.action != "unclear":
        result.extra["then"] = result.action
        result.action, result.reason = "unclear", "which_customer"
    result.extra["choices"] = [{"id": r["id"], "name": r["name"]} for r in choices]
    return result


def _decide_one(intent: Intent, items: list[dict], commands: set[str], lang: str) -> Intent:
    products = [x for x in items if x["kind"] == "product"]
    customers = [x for x in items if x["kind"] == "customer"]
    nums = [x for x in items if x["kind"] == "number"]
    product = products[0] if products else None
    customer = customers[0] if customers else None
    if product:
        intent.product_id, intent.product = product["row"]["id"], product["row"]["name"]
    if customer:
        intent.customer_id, intent.customer = customer["row"]["id"], customer["row"]["name"]
    unit = languages.get(lang).money_unit if lang in languages.LANGUAGES else 1

    if "ask" in commands and not nums:
        intent.action = "ask"
        if "owe" in commands or (customer and not product):
            intent.topic = "debts"
        elif product:
            intent.topic = "stock"
        elif commands & {"today", "sell"}:
            intent.topic = "today"
        else:
            return _unclear(intent, "not_understood")
        return intent
    if "refuse" in commands:  # "elle n'a pas payé", "annule", "yako": not a command
        return _unclear(intent, "not_a_command")
    if any(x["kind"] == "vague" for x in items):  # "un billet": which note?
        return _unclear(intent, "which_amount")
    if len(products) > 1:
        return _unclear(intent, "one_product")
    if customer and not product and commands & {"owe", "credit", "take"} and "repay" not in commands:
        return _unclear(intent, "not_understood")  # "Kadi va payer demain": a debt is made by a sale
    if customer and not product:
        intent.action = "repay"
        money = [x for x in nums if x["role"] == "money"] or nums
        if not money:
            return _unclear(intent, "no_amount")
        return _money(intent, money[0]["value"], unit)
    if not product:
        if nums or commands & {"sell", "restock"}:
            return _unclear(intent, "no_product")
        return _unclear(intent, "not_understood")

    intent.action = "restock" if "restock" in commands and "sell" not in commands else "sell"
    qty, price = _qty_and_price(nums, product["pos"])
    intent.qty = qty["value"] if qty else 1000
    if intent.qty <= 0:
        return _unclear(intent, "no_quantity")
    if "repay" in commands and (customer or intent.action != "restock"):
        return _unclear(intent, "which_action")  # "j'ai payé vingt savons": bought, or sold and paid?
    if intent.action == "restock" and customer:
        return _unclear(intent, "which_action")  # "Kadi a acheté deux pagnes": from me, or for me?
    if "take" in commands and not customer and not commands & {"sell", "restock"}:
        return _unclear(intent, "which_action")  # "j'ai pris vingt savons": bought or sold?
    if intent.action == "sell" and "credit" in commands and not customer:
        return _unclear(intent, "no_customer")  # credit to whom?
    if price:
        result = _money(intent, price["value"], unit)
        if result.action == "unclear":
            return result
        if price.get("each"):
            intent.unit_price = intent.amount
            total = intent.amount * intent.qty
            if total % 1000:
                return _unclear(intent, "not_whole_francs")
            intent.amount = total // 1000
        elif intent.amount * 1000 % intent.qty == 0:
            intent.unit_price = intent.amount * 1000 // intent.qty
    return intent


def _qty_and_price(nums: list[dict], product_pos: int):
    qty = next((x for x in nums if x["role"] == "qty"), None)
    money = next((x for x in nums if x["role"] == "money"), None)
    bare = [x for x in nums if x["role"] is None]
    if qty is None:
        before = [x for x in bare if x["pos"] <= product_pos]
        if before:
            qty = before[-1]
        else:
            after = [x for x in bare if x["pos"] > product_pos]
            if after and (len(after) > 1 or money or after[0]["value"] < 100_000):
                qty = after[0]
    if money is None:
        money = next((x for x in bare if x is not qty), None)
    return qty, money


def _money(intent: Intent, milli: int, unit: int) -> Intent:
    if milli % 1000:
        return _unclear(intent, "not_whole_francs")
    amount = milli // 1000 * unit
    if not 0 < amount <= MAX_AMOUNT:
        return _unclear(intent, "no_amount")
    intent.amount = amount
    return intent


def _unclear(intent: Intent, reason: str) -> Intent:
    intent.action = "unclear"
    intent.reason = reason
    return intent
