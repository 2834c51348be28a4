"""Checks shared by the catalog's use cases: texts within their length, numbers that fit."""

from __future__ import annotations

from decimal import Decimal

from suppliers.errors import N_, Message

MAX_AMOUNT = Decimal("1000000")
"""No fee, threshold or unit price in this catalog reaches a million euros: it is a typing slip."""
MAX_QUANTITY = Decimal("1000000000")


def required(errors: dict[str, Message], key: str, text: str, limit: int, missing: str) -> bool:
    """Adds `missing` when `text` is blank, or an error when it is too long; says whether it did."""
    if not text.strip():
        errors[key] = Message(missing)
        return True
    return at_most(errors, key, text, limit)


def at_most(errors: dict[str, Message], key: str, text: str, limit: int) -> bool:
    if len(" ".join(text.split())) > limit:
        errors[key] = Message(N_("At most %(count)d characters."), {"count": limit})
        return True
    return False


def fits(
    errors: dict[str, Message], key: str, number: Decimal, places: int, maximum: Decimal
) -> None:
    """The number stays below `maximum` and is stored with `places` decimals, not rounded."""
    if number >= maximum:
        errors[key] = Message(
            N_("That is more than %(maximum)s: please check the figure."),
            {"maximum": f"{maximum:,.0f}".replace(",", "\u00a0")},
        )
    elif number != number.quantize(Decimal(1).scaleb(-places)):
        errors[key] = Message(N_("At most %(places)d decimals."), {"places": places})


def finite(*numbers: Decimal | None) -> None:
    if any(number is not None and not number.is_finite() for number in numbers):
        raise ValueError("catalog values are finite numbers")
