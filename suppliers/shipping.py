"""Quantities a supplier can ship: every quantity of a product (a need, a pack, an allocation, an
order line, a supplier's cut, a delivery) is a whole number of the product's shipping step, the
smallest quantity a supplier ships of it (1 for counted goods, a fraction for bulk)."""

from __future__ import annotations

from decimal import Decimal

from suppliers.errors import N_, Message, Units
from suppliers.models import Product

MAX_STEP = Decimal(1000)


def is_multiple(quantity: Decimal, step: Decimal) -> bool:
    """Whether `quantity` is a whole number of `step`s."""
    return quantity % step == 0


def off_step(product: Product, quantity: Decimal) -> Message | None:
    """The refusal of `quantity` of `product` when it is not a whole number of the product's
    shipping steps, naming the step; None when it is."""
    step = product.shipping_step
    if is_multiple(quantity, step):
        return None
    if step == 1:
        return Message(
            N_("%(product)s is counted in whole units (it ships by 1): enter a whole number."),
            {"product": product.name},
        )
    return Message(
        N_("%(product)s ships in steps of %(step)s: enter a multiple of %(step)s."),
        {"product": product.name, "step": Units(step)},
    )


def read_step(raw: object) -> Decimal | Message:
    """A shipping step as typed ("1", "0,5", "0.001"): above zero, at most three decimals and
    at most 1 000; else the message saying so."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    try:
        step = Decimal(text) if text else Decimal(1)
    except ArithmeticError:
        step = Decimal(-1)
    if not (step.is_finite() and 0 < step <= MAX_STEP) or step != step.quantize(Decimal("0.001")):
        return Message(
            N_(
                "The shipping step is a quantity above zero with at most three decimals, "
                "for example 1 for counted goods or 0,5 for bulk."
            )
        )
    return step
