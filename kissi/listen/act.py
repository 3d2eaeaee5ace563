"""What a confirmed spoken intent does: the same domain calls as the taps, nothing else.

:func:`commit` takes the fields the confirmation page sent back (they are re-checked by
the domain functions exactly as a tapped form's are: shop scope, quantities, prices) and
:func:`answer` reads what a question asks. Nothing in this package writes anywhere else.
"""
from __future__ import annotations

from ..errors import Invalid
from ..shop import credit, day, products, sales, stock

ACTIONS = ("sell", "restock", "repay")


def _int(value, field):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid("not_a_number", "This is not a number", field) from None


def sale_line(product: dict, qty: int, amount: int | None) -> tuple[dict, int]:
    """A sale line saying exactly ``amount`` for ``qty``: ``(line, discount)``.

    A spoken total that the unit price cannot give exactly (3 for 1 000 F) is kept exact
    with the next unit price up and a discount of the few francs of difference.
    """
    if amount is None:
        return {"product_id": product["id"], "qty": qty}, 0
    unit_price = max(1, -(-amount * 1000 // qty))
    return ({"product_id": product["id"], "qty": qty, "unit_price": unit_price},
            sales.line_amount(unit_price, qty) - amount)


def commit(db, shop_id: str, user_id: str | None, fields: dict) -> dict:
    """Record a confirmed intent; returns ``{"action", "id", ...}`` for the result page."""
    action = fields.get("action")
    if action not in ACTIONS:
        raise Invalid("unknown_action", "Nothing to confirm", "action")
    qty = _int(fields.get("qty"), "qty")
    amount = _int(fields.get("amount"), "amount")
    customer_id = fields.get("customer_id") or None
    if action == "repay":
        if customer_id is None or amount is None:
            raise Invalid("customer_required", "Choose the customer who takes credit", "customer_id")
        entry = credit.record_repayment(db, shop_id, customer_id, amount, user_id=user_id)
        return {"action": action, "id": entry["id"], "amount": amount, "balance": entry["balance"]}
    product = products.sellable_product(db, shop_id, fields.get("product_id"))
    qty = products.check_qty(qty, product["unit"])
    if action == "restock":
        movement = stock.restock(db, shop_id, product["id"], qty, cost=amount, user_id=user_id)
        return {"action": action, "id": movement["id"], "qty": qty}
    line, discount = sale_line(product, qty, amount)
    total = sales.line_amount(line.get("unit_price", product["price"]), qty) - discount
    sale = sales.record_sale(db, shop_id, [line], discount=discount, customer_id=customer_id,
                             credit=total if customer_id else 0, user_id=user_id)
    return {"action": action, "id": sale["id"], "total": sale["total"]}


def answer(db, shop_id: str, intent) -> dict:
    """What a question asks: today's total, one product's stock, or who owes what."""
    if intent.topic == "today":
        summary = day.day_summary(db, shop_id)
        return {"topic": "today", "total": summary["total"], "count": summary["count"]}
    if intent.topic == "stock":
        product = products.get_product(db, shop_id, intent.product_id)
        return {"topic": "stock", "product": product, "stock": stock.stock_level(db, shop_id, product["id"])}
    owing = credit.debtors(db, shop_id)
    if intent.customer_id:
        owing = [d for d in owing if d["customer_id"] == intent.customer_id]
    return {"topic": "debts", "debtors": owing, "total": sum(d["balance"] for d in owing)}
