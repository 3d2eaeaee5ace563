"""How traders really speak: first names, the market's words, and what must make the parser ask.

Rows are what a trader in Abidjan, Dakar or Bamako might say with her phone set to French
(words of Nouchi, Wolof, Bambara and Dioula included, see ``kissi/listen/market.py``) and the
parts of the intent that must come out; keys absent from a row must be absent from the intent.
``choices`` lists the customers the page offers when a name fits more than one.
"""
from __future__ import annotations

import pytest

from kissi.listen import grammar
from kissi.listen.intents import Catalog, parse

CATALOG = Catalog(
    products=(
        {"id": "p-savon", "name": "Savon"}, {"id": "p-riz", "name": "Riz"},
        {"id": "p-huile", "name": "Huile"}, {"id": "p-sucre", "name": "Sucre"},
        {"id": "p-tomate", "name": "Tomate"}, {"id": "p-pagne", "name": "Pagne"},
        {"id": "p-fanta", "name": "Fanta"}, {"id": "p-attieke", "name": "Attiéké"},
        {"id": "p-soap", "name": "Soap"},
    ),
    customers=(
        {"id": "c-kadi-o", "name": "Kadi Ouattara"}, {"id": "c-kadi-k", "name": "Kadi Koné"},
        {"id": "c-fatou", "name": "Fatou Diallo"}, {"id": "c-mariam", "name": "Mariam Traoré"},
        {"id": "c-aicha", "name": "Aïcha Koné"}, {"id": "c-bintou", "name": "Bintou"},
        {"id": "c-nafi", "name": "Nafi Ndiaye"}, {"id": "c-fanta", "name": "Fanta Camara"},
        {"id": "c-awa", "name": "Awa"}, {"id": "c-awa-sow", "name": "Awa Sow"},
    ),
)

K = 1000  # one unit in thousandths
KADIS = ["Kadi Ouattara", "Kadi Koné"]

FIRST_NAMES = [
    ("trois savons pour Fatou", {"action": "sell", "product": "Savon", "qty": 3 * K, "customer": "Fatou Diallo"}),
    ("Fatou a payé deux mille", {"action": "repay", "customer": "Fatou Diallo", "amount": 2000}),
    ("fatou a paye 2000", {"action": "repay", "customer": "Fatou Diallo", "amount": 2000}),
    ("Diallo a remboursé mille", {"action": "repay", "customer": "Fatou Diallo", "amount": 1000}),
    ("Mariam a pris un kilo de riz", {"action": "sell", "product": "Riz", "qty": K, "customer": "Mariam Traoré"}),
    ("Traoré doit combien", {"action": "ask", "topic": "debts", "customer": "Mariam Traoré"}),
    ("Ouattara a payé cinq mille", {"action": "repay", "customer": "Kadi Ouattara", "amount": 5000}),
    ("trois savons pour Kadi Ouattara",
     {"action": "sell", "product": "Savon", "qty": 3 * K, "customer": "Kadi Ouattara"}),
    ("Kadi Koné a payé deux mille", {"action": "repay", "customer": "Kadi Koné", "amount": 2000}),
    ("kadi kone a paye deux mille", {"action": "repay", "customer": "Kadi Koné", "amount": 2000}),
    ("crédit Bintou trois savons", {"action": "sell", "product": "Savon", "qty": 3 * K, "customer": "Bintou"}),
    ("Nafi a donné deux mille cinq", {"action": "repay", "customer": "Nafi Ndiaye", "amount": 2500}),
    ("combien Fatou me doit", {"action": "ask", "topic": "debts", "customer": "Fatou Diallo"}),
    ("Aïcha a versé mille", {"action": "repay", "customer": "Aïcha Koné", "amount": 1000}),
    ("aicha a verse mille", {"action": "repay", "customer": "Aïcha Koné", "amount": 1000}),
    ("maman Fatou a payé mille francs", {"action": "repay", "customer": "Fatou Diallo", "amount": 1000}),
    ("tantie Mariam a pris deux pagnes",
     {"action": "sell", "product": "Pagne", "qty": 2 * K, "customer": "Mariam Traoré"}),
    ("deux fanta", {"action": "sell", "product": "Fanta", "qty": 2 * K}),  # a product's name wins
    ("Fanta Camara a payé mille", {"action": "repay", "customer": "Fanta Camara", "amount": 1000}),
    ("Camara a payé mille", {"action": "repay", "customer": "Fanta Camara", "amount": 1000}),
    ("Awa Sow a payé mille", {"action": "repay", "customer": "Awa Sow", "amount": 1000}),
    ("Sow a payé mille", {"action": "repay", "customer": "Awa Sow", "amount": 1000}),
]

ASK_WHICH = [
    ("trois savons pour Kadi", {"action": "unclear", "reason": "which_customer", "product": "Savon",
                                "qty": 3 * K, "choices": KADIS, "then": "sell"}),
    ("Kadi a payé deux mille", {"action": "unclear", "reason": "which_customer", "amount": 2000,
                                "choices": KADIS, "then": "repay"}),
    ("kadi a donne mille", {"action": "unclear", "reason": "which_customer", "amount": 1000,
                            "choices": KADIS, "then": "repay"}),
    ("Kadi a pris deux pagnes", {"action": "unclear", "reason": "which_customer", "product": "Pagne",
                                 "qty": 2 * K, "choices": KADIS, "then": "sell"}),
    ("crédit Kadi un kilo de riz", {"action": "unclear", "reason": "which_customer", "product": "Riz",
                                    "qty": K, "choices": KADIS, "then": "sell"}),
    ("combien Kadi me doit", {"action": "unclear", "reason": "which_customer", "topic": "debts",
                              "choices": KADIS, "then": "ask"}),
    ("Koné a payé mille", {"action": "unclear", "reason": "which_customer", "amount": 1000,
                           "choices": ["Kadi Koné", "Aïcha Koné"], "then": "repay"}),
    ("Awa a payé mille", {"action": "unclear", "reason": "which_customer", "amount": 1000,
                          "choices": ["Awa", "Awa Sow"], "then": "repay"}),
    ("Fatou et Mariam deux pagnes", {"action": "unclear", "reason": "which_customer", "product": "Pagne",
                                     "qty": 2 * K, "choices": ["Fatou Diallo", "Mariam Traoré"],
                                     "then": "sell"}),
    ("Kadi a payé", {"action": "unclear", "reason": "no_amount", "choices": KADIS}),
]

SELL_WORDS = [
    ("j'ai fait partir trois pagnes", {"action": "sell", "product": "Pagne", "qty": 3 * K}),
    ("fait partir deux savons", {"action": "sell", "product": "Savon", "qty": 2 * K}),
    ("ça a pris cinq tomates", {"action": "sell", "product": "Tomate", "qty": 5 * K}),
    ("ca a pris dix savons", {"action": "sell", "product": "Savon", "qty": 10 * K}),
    ("donne deux savons", {"action": "sell", "product": "Savon", "qty": 2 * K}),
    ("envoie trois sucres", {"action": "sell", "product": "Sucre", "qty": 3 * K}),
    ("j'ai mis trois savons à Fatou", {"action": "sell", "product": "Savon", "qty": 3 * K,
                                       "customer": "Fatou Diallo"}),
    ("envoie un kilo de riz pour Bintou", {"action": "sell", "product": "Riz", "qty": K, "customer": "Bintou"}),
    ("j'ai servi deux pagnes à Mariam", {"action": "sell", "product": "Pagne", "qty": 2 * K,
                                         "customer": "Mariam Traoré"}),
    ("j'ai écoulé vingt tomates", {"action": "sell", "product": "Tomate", "qty": 20 * K}),
    ("j'ai jaay trois savons", {"action": "sell", "product": "Savon", "qty": 3 * K}),
    ("jaay deux pagnes", {"action": "sell", "product": "Pagne", "qty": 2 * K}),
    ("feere trois savons", {"action": "sell", "product": "Savon", "qty": 3 * K}),
    ("deux attiéké", {"action": "sell", "product": "Attiéké", "qty": 2 * K}),
    ("j'ai vendu trois savons deux mille cinq", {"action": "sell", "product": "Savon", "qty": 3 * K,
                                                 "amount": 2500}),
    ("un pagne mille cinq", {"action": "sell", "product": "Pagne", "qty": K, "amount": 1500, "unit_price": 1500}),
    ("deux savons mille deux", {"action": "sell", "product": "Savon", "qty": 2 * K, "amount": 1200,
                                "unit_price": 600}),
    ("trois pagnes cinq mille francs", {"action": "sell", "product": "Pagne", "qty": 3 * K, "amount": 5000}),
    ("un pagne dix mille cinq", {"action": "sell", "product": "Pagne", "qty": K, "amount": 10500,
                                 "unit_price": 10500}),
    ("un boro de riz", {"action": "sell", "product": "Riz", "qty": K}),
    ("deux boros de riz trente mille", {"action": "sell", "product": "Riz", "qty": 2 * K, "amount": 30000,
                                        "unit_price": 15000}),
    ("un bidon d'huile", {"action": "sell", "product": "Huile", "qty": K}),
    ("un pagne un billet de dix mille", {"action": "sell", "product": "Pagne", "qty": K, "amount": 10000,
                                         "unit_price": 10000}),
]

CREDIT_WORDS = [
    ("trois savons à crédit pour Kadi Koné", {"action": "sell", "product": "Savon", "qty": 3 * K,
                                              "customer": "Kadi Koné"}),
    ("mets deux pagnes dans le carnet de Fatou", {"action": "sell", "product": "Pagne", "qty": 2 * K,
                                                  "customer": "Fatou Diallo"}),
    ("deux savons sur le bon de Mariam", {"action": "sell", "product": "Savon", "qty": 2 * K,
                                          "customer": "Mariam Traoré"}),
    ("Bintou prend trois savons elle va payer demain", {"action": "sell", "product": "Savon", "qty": 3 * K,
                                                        "customer": "Bintou"}),
    ("un kilo de riz pour Nafi elle paiera demain", {"action": "sell", "product": "Riz", "qty": K,
                                                     "customer": "Nafi Ndiaye"}),
    ("trois savons bor Nafi", {"action": "sell", "product": "Savon", "qty": 3 * K, "customer": "Nafi Ndiaye"}),
    ("juru Mariam deux pagnes", {"action": "sell", "product": "Pagne", "qty": 2 * K, "customer": "Mariam Traoré"}),
    ("trois savons à crédit", {"action": "unclear", "reason": "no_customer", "product": "Savon", "qty": 3 * K}),
    ("deux pagnes dans le carnet", {"action": "unclear", "reason": "no_customer", "product": "Pagne",
                                    "qty": 2 * K}),
    ("elle doit deux savons", {"action": "unclear", "reason": "no_customer", "product": "Savon", "qty": 2 * K}),
    ("Kadi Koné va payer demain", {"action": "unclear", "reason": "not_understood", "customer": "Kadi Koné"}),
    ("Fatou doit payer deux mille", {"action": "unclear", "reason": "not_understood", "customer": "Fatou Diallo"}),
    ("Fatou va payer cinq mille demain", {"action": "unclear", "reason": "not_understood",
                                          "customer": "Fatou Diallo"}),
    ("carnet Bintou deux mille", {"action": "unclear", "reason": "not_understood", "customer": "Bintou"}),
]

RESTOCK_WORDS = [
    ("la marchandise est arrivée vingt sacs de riz", {"action": "restock", "product": "Riz", "qty": 20 * K}),
    ("j'ai ravitaillé trente pagnes", {"action": "restock", "product": "Pagne", "qty": 30 * K}),
    ("ravitaillement de cinquante tomates", {"action": "restock", "product": "Tomate", "qty": 50 * K}),
    ("j'ai acheté dix bidons d'huile", {"action": "restock", "product": "Huile", "qty": 10 * K}),
    ("j'ai pris vingt savons chez le grossiste", {"action": "restock", "product": "Savon", "qty": 20 * K}),
    ("jënd naa dix sacs de riz", {"action": "restock", "product": "Riz", "qty": 10 * K}),
    ("j'ai san dix boros de riz", {"action": "restock", "product": "Riz", "qty": 10 * K}),
    ("déchargé quarante sacs de sucre", {"action": "restock", "product": "Sucre", "qty": 40 * K}),
    ("le fournisseur a livré vingt pagnes", {"action": "restock", "product": "Pagne", "qty": 20 * K}),
    ("j'ai acheté vingt savons à dix mille", {"action": "restock", "product": "Savon", "qty": 20 * K,
                                             "amount": 10000, "unit_price": 500}),
    ("j'ai reçu deux boros de sucre trente mille", {"action": "restock", "product": "Sucre", "qty": 2 * K,
                                                    "amount": 30000, "unit_price": 15000}),
    ("la marchandise est arrivée", {"action": "unclear", "reason": "no_product"}),
    ("la commande est arrivée vingt savons", {"action": "restock", "product": "Savon", "qty": 20 * K}),
    ("j'ai reçu la commande de dix sacs de riz", {"action": "restock", "product": "Riz", "qty": 10 * K}),
]

REPAY_WORDS = [
    ("Fatou a donné deux mille", {"action": "repay", "customer": "Fatou Diallo", "amount": 2000}),
    ("Mariam a envoyé cinq mille", {"action": "repay", "customer": "Mariam Traoré", "amount": 5000}),
    ("Kadi Koné a remboursé mille cinq", {"action": "repay", "customer": "Kadi Koné", "amount": 1500}),
    ("Bintou a fini de payer trois mille", {"action": "repay", "customer": "Bintou", "amount": 3000}),
    ("Nafi fey na deux mille", {"action": "repay", "customer": "Nafi Ndiaye", "amount": 2000}),
    ("Mariam ye juru sara cinq mille", {"action": "repay", "customer": "Mariam Traoré", "amount": 5000}),
    ("Fatou a soldé son crédit dix mille", {"action": "repay", "customer": "Fatou Diallo", "amount": 10000}),
    ("Kadi Ouattara m'a remis un billet de cinq mille", {"action": "repay", "customer": "Kadi Ouattara",
                                                         "amount": 5000}),
    ("Bintou a payé deux billets de dix mille", {"action": "repay", "customer": "Bintou", "amount": 20000}),
    ("Fatou a payé deux mille cinq", {"action": "repay", "customer": "Fatou Diallo", "amount": 2500}),
    ("ñaata Fatou bor", {"action": "ask", "topic": "debts", "customer": "Fatou Diallo"}),
]

REFUSED = [
    ("Fatou n'a pas payé", {"action": "unclear", "reason": "not_a_command", "customer": "Fatou Diallo"}),
    ("Fatou a pas payé deux mille", {"action": "unclear", "reason": "not_a_command", "customer": "Fatou Diallo"}),
    ("Fatou ne payera jamais", {"action": "unclear", "reason": "not_a_command", "customer": "Fatou Diallo"}),
    ("yako", {"action": "unclear", "reason": "not_a_command"}),
    ("yako trois savons", {"action": "unclear", "reason": "not_a_command", "product": "Savon"}),
    ("annule trois savons", {"action": "unclear", "reason": "not_a_command", "product": "Savon"}),
    ("non deux pagnes pour Fatou", {"action": "unclear", "reason": "not_a_command", "product": "Pagne",
                                    "customer": "Fatou Diallo"}),
    ("j'ai commandé vingt sacs de riz", {"action": "unclear", "reason": "not_a_command", "product": "Riz"}),
    ("savon cadeau pour Fatou", {"action": "unclear", "reason": "not_a_command", "product": "Savon",
                                 "customer": "Fatou Diallo"}),
    ("Fatou a payé un billet", {"action": "unclear", "reason": "which_amount", "customer": "Fatou Diallo"}),
    ("un pagne un billet", {"action": "unclear", "reason": "which_amount", "product": "Pagne"}),
    ("deux savons une brique", {"action": "unclear", "reason": "which_amount", "product": "Savon"}),
    ("Mariam a donné la monnaie", {"action": "unclear", "reason": "which_amount", "customer": "Mariam Traoré"}),
    ("j'ai payé vingt savons", {"action": "unclear", "reason": "which_action", "product": "Savon", "qty": 20 * K}),
    ("trois savons pour Fatou elle a payé", {"action": "unclear", "reason": "which_action", "product": "Savon",
                                             "qty": 3 * K, "customer": "Fatou Diallo"}),
    ("Fatou a acheté deux pagnes", {"action": "unclear", "reason": "which_action", "product": "Pagne",
                                    "qty": 2 * K, "customer": "Fatou Diallo"}),
    ("j'ai pris vingt savons", {"action": "unclear", "reason": "which_action", "product": "Savon", "qty": 20 * K}),
    ("Mariam a pris deux mille", {"action": "unclear", "reason": "not_understood", "customer": "Mariam Traoré"}),
    ("trois savons et deux fanta", {"action": "unclear", "reason": "one_product", "product": "Savon"}),
]

# What the stock screen makes of the same words: there, a product without a verb is a restock.
STOCK_SCREEN = [
    ("j'ai pris vingt savons", {"action": "restock", "product": "Savon", "qty": 20 * K}),
    ("j'ai payé vingt savons", {"action": "restock", "product": "Savon", "qty": 20 * K}),
    ("donne vingt savons", {"action": "restock", "product": "Savon", "qty": 20 * K}),
    ("deux pagnes pour Fatou", {"action": "unclear", "reason": "which_action", "product": "Pagne",
                                "qty": 2 * K, "customer": "Fatou Diallo"}),
    ("j'ai vendu deux pagnes", {"action": "sell", "product": "Pagne", "qty": 2 * K}),
    ("j'ai commandé vingt savons", {"action": "unclear", "reason": "not_a_command", "product": "Savon"}),
]

ENGLISH = [
    ("two soaps for Kadi", {"action": "unclear", "reason": "which_customer", "product": "Soap",
                            "qty": 2 * K, "choices": KADIS, "then": "sell"}),
    ("Fatou paid two thousand", {"action": "repay", "customer": "Fatou Diallo", "amount": 2000}),
    ("Fatou gave a note", {"action": "unclear", "reason": "which_amount", "customer": "Fatou Diallo"}),
    ("Fatou did not pay", {"action": "unclear", "reason": "not_a_command", "customer": "Fatou Diallo"}),
    ("Fatou will pay tomorrow", {"action": "unclear", "reason": "not_understood", "customer": "Fatou Diallo"}),
    ("took twenty soaps", {"action": "unclear", "reason": "which_action", "product": "Soap", "qty": 20 * K}),
]

FRENCH = FIRST_NAMES + ASK_WHICH + SELL_WORDS + CREDIT_WORDS + RESTOCK_WORDS + REPAY_WORDS + REFUSED
KEYS = ("action", "product", "customer", "qty", "amount", "unit_price", "topic", "reason")


def _got(phrase, lang, default_action="sell") -> dict:
    intent = parse(phrase, lang, CATALOG, default_action=default_action)
    got = intent.as_dict()
    extra = got.pop("extra", {})
    if "choices" in extra:
        got["choices"] = [c["name"] for c in extra["choices"]]
    if "then" in extra:
        got["then"] = extra["then"]
    return got


def _check(phrase, lang, expected, default_action="sell"):
    got = _got(phrase, lang, default_action)
    keys = (*KEYS, "choices", "then")
    assert {k: got.get(k) for k in keys if k in got or k in expected} == expected, phrase


def test_market_tables_hold_enough_phrasings():
    phrases = [p for p, _ in FRENCH + STOCK_SCREEN + ENGLISH]
    assert len(phrases) >= 110
    assert len(set(p for p, _ in FRENCH)) == len(FRENCH)


@pytest.mark.parametrize("phrase,expected", FRENCH, ids=[p for p, _ in FRENCH])
def test_market_french_phrasing(phrase, expected):
    _check(phrase, "fr", expected)


@pytest.mark.parametrize("phrase,expected", STOCK_SCREEN, ids=[p for p, _ in STOCK_SCREEN])
def test_market_words_on_the_stock_screen(phrase, expected):
    _check(phrase, "fr", expected, default_action="restock")


@pytest.mark.parametrize("phrase,expected", ENGLISH, ids=[p for p, _ in ENGLISH])
def test_english_first_names_and_refusals(phrase, expected):
    _check(phrase, "en", expected)


def test_a_first_name_alone_in_the_shop_is_her():
    """Kadi is Kadi Ouattara once Kadi Koné is gone from the shop: the same words, no question."""
    shop = Catalog(products=CATALOG.products, customers=tuple(
        c for c in CATALOG.customers if c["name"] != "Kadi Koné"))
    intent = parse("trois savons pour Kadi", "fr", shop)
    assert (intent.action, intent.customer_id, intent.qty) == ("sell", "c-kadi-o", 3 * K)


def test_the_grammar_hears_first_names_and_market_words():
    words = set(grammar.phrases(CATALOG, "fr"))
    assert {"kadi", "ouattara", "koné", "camara", "sow"} <= words
    assert {"jaay", "feere", "jënd", "bor", "juru", "yako", "carnet", "billet", "partir", "boro",
            "ravitaillé", "paiera"} <= words
