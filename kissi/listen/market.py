"""The market's own words: how traders in Abidjan, Dakar and Bamako say sell, restock, credit
and repayment in French, with the Nouchi, Wolof, Bambara and Dioula words they mix in.

A trader set to French does not speak textbook French: "j'ai fait partir trois pagnes",
"ça a pris", "mets ça dans son carnet", "Kadi a jaay"... These tables add such words to
:data:`kissi.listen.vocab.COMMANDS` (and so to the Vosk grammar), and say which words carry a
meaning only the rest of the sentence can settle.

Sources: general knowledge of the varieties (Ivorian français populaire and Nouchi, urban
Senegalese French with Wolof loans, Malian French with Bambara loans; Dioula is the Manding of
Abidjan's markets), not a field survey. Words marked ``(uncertain)`` are plausible but not
confirmed usage: they only ever make the parser ask again, never record on their own.
Keys are the intents' verbs (:mod:`kissi.listen.intents`), plus:
- ``give``: "donne", "envoie", "mis" say something went from one hand to another, not which
  way: with a customer and a product she took goods (a credit sale), with a customer and an
  amount she gave money (a repayment), with a product alone the screen she spoke on decides;
- ``take``: "pris", "prend": with a customer she took goods (a sale to her); without one
  ("j'ai pris vingt savons") it may be a purchase or a sale, so the parser asks;
- ``refuse``: a sentence holding one of these is not a command (a negation, "annule",
  Nouchi "yako" = sorry): the parser asks again rather than record what was denied;
- ``order``: "j'ai commandé" is not a restock until a word says it arrived ("la commande est
  arrivée", "j'ai reçu la commande"), whatever screen she speaks on.
"""
from __future__ import annotations

FRENCH: dict[str, tuple[str, ...]] = {
    "sell": (
        "écoulé", "écoulés", "écoulée",  # standard trade French: sold off
        "jaay", "jaaye", "jaayé",  # Wolof "jaay" = sell, said inside French in Dakar ("j'ai jaay")
        "feere", "feeré",  # Bambara / Dioula "ka feere" = to sell
        "vendeuse",  # "la vendeuse a vendu": never a product name
    ),
    "restock": (
        "ravitaillé", "ravitaillée", "ravitaillés", "ravitaille", "ravitailler", "ravitaillement",
        "arrivée", "arrivées",  # "la marchandise est arrivée"
        "approvisionné", "approvisionnée",
        "grossiste", "fournisseur",  # "j'ai pris vingt savons chez le grossiste": bought for the stall
        "jënd", "jend",  # Wolof "jënd" = buy (she bought for her stall; with a customer: asks)
        "san",  # Bambara / Dioula "ka san" = buy (uncertain inside French speech)
        "déchargé", "déchargés",  # the lorry unloaded (uncertain)
    ),
    "repay": (
        "remboursée", "remboursés", "versée", "réglée", "payés",
        "fey", "feyé",  # Wolof "fey" = pay ("Kadi fey na": Kadi paid)
        "sara",  # Bambara "ka sara" = pay ("a ye juru sara": she paid the debt)
    ),
    "credit": (
        "carnet",  # the credit notebook: "mets ça dans son carnet"
        "ardoise",  # "sur l'ardoise" (France French; heard in Dakar, uncertain in markets)
        "bor",  # Wolof "bor" = debt ("dafa bor": she owes)
        "juru",  # Bambara / Dioula "juru" = debt
        "paiera", "payera", "paieras", "payeras",  # she will pay: not a payment
        "crédité", "créditer",
    ),
    "owe": ("bor", "juru", "carnet", "paiera", "payera"),
    "give": (
        "donne", "donné", "donnée", "donner", "donnez", "donnes",  # Ivorian: "donne deux savons"
        "envoie", "envoyé", "envoyer", "envoies",  # Ivorian "envoie" = hand over / serve
        "mis", "mets", "mettre", "met",  # "j'ai mis trois savons à Kadi"
        "servi", "servie",  # "j'ai servi Kadi" (uncertain as a sale word)
        "remis",  # "elle m'a remis deux mille"
    ),
    # ordered: not yet arrived, so not a restock, unless it arrived ("la commande est arrivée")
    "order": ("commande", "commandé", "commandée", "commandés", "commander"),
    "take": ("pris", "prise", "prend", "prendre", "prends", "pren"),
    "refuse": (
        "yako", "yaco",  # Ivorian / Nouchi "yako" = sorry, condolences: never a sale
        "annule", "annuler", "annulé", "non",  # cancel
        "pas", "jamais", "rien",  # "elle n'a pas payé", "elle a pas payé" (Ivorian drops "ne")
        "cadeau",  # given away: a loss, not a sale
    ),
    "ask": ("ñaata",),  # Wolof "how much"
}

# Several words with one meaning, read before single words, so that "va payer" is a debt and
# not a payment and "ça a pris" is a sale and not "she took".
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "fait partir": ("sell",), "fais partir": ("sell",), "faire partir": ("sell",),  # Ivorian: sold
        "ça a pris": ("sell",), "ca a pris": ("sell",),  # Ivorian: it sold (said of goods)
        "va payer": ("credit", "owe"), "vas payer": ("credit", "owe"), "doit payer": ("credit", "owe"),
        "va me payer": ("credit", "owe"), "à payer": ("credit", "owe"), "payer demain": ("credit", "owe"),
        "paie demain": ("credit", "owe"), "paye demain": ("credit", "owe"),
        "sur le bon": ("credit",), "sur son bon": ("credit",), "à bon": ("credit",),  # a written IOU (uncertain)
        "à crédit": ("credit",), "en crédit": ("credit",),
    },
    "en": {
        "will pay": ("credit", "owe"), "pay tomorrow": ("credit", "owe"), "on credit": ("credit",),
        "did not": ("refuse",), "didn't": ("refuse",), "has not": ("refuse",), "hasn't": ("refuse",),
    },
}

ENGLISH: dict[str, tuple[str, ...]] = {
    "give": ("give", "gave", "given", "sent"),
    "take": ("took", "take", "takes"),
    "refuse": ("not", "never", "cancel", "no", "ordered"),
}

# Money words that do not say how much: "un billet" may be 500 or 10 000. "un billet de cinq
# mille" says it; alone, the parser asks.
VAGUE_MONEY: dict[str, tuple[str, ...]] = {
    "fr": ("billet", "billets", "brique", "briques", "bâton", "bâtons", "monnaie", "jeton", "jetons"),
    "en": ("note", "notes", "bill", "bills", "coin", "coins", "change"),
}

# Market units: "un boro de riz" (Dioula "bɔrɔ" = sack, common in Abidjan), "un bidon d'huile".
UNITS: dict[str, dict[str, str]] = {
    "fr": {"boro": "bag", "boros": "bag", "bidon": "litre", "bidons": "litre", "seau": "piece",
           "seaux": "piece", "tine": "box", "tines": "box", "pot": "piece", "pots": "piece"},
    "en": {"sack": "bag", "sacks": "bag", "bucket": "piece", "buckets": "piece", "tin": "box", "tins": "box"},
}

# Fillers of the varieties: in the grammar so they do not turn into product names.
FILLERS: dict[str, tuple[str, ...]] = {
    "fr": ("naa", "na", "dafa", "ye", "ka", "ko", "dè", "hein", "oh", "eh", "wari", "xaalis", "marchandise",
           "argent", "go", "tonton", "vieux", "vieille", "sa", "son", "sur", "dans", "va", "vas", "demain",
           "tout", "fini", "n'a", "ne", "t'a", "lui"),
    "en": ("she", "he", "her", "him", "will", "tomorrow", "cash"),
}
