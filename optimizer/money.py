"""Rounding to the cent so that shares add up exactly to their total."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent, as an invoice line is."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def split_exactly(
    total: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT
) -> list[Decimal]:
    """``total`` shared in proportion to ``weights`` in whole quanta (largest remainder): every
    share is its exact part rounded down to a multiple of ``quantum`` (any positive step: a
    cent, a unit, half a kilo), and the quanta left over go to the largest remainders, the
    earlier share first on a tie. The shares add up to ``total`` exactly when ``total`` is a
    multiple of ``quantum``."""
    if not weights:
        return []
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        weights = [Decimal(1)] * len(weights)
        whole = Decimal(len(weights))
    exact = [total * w / whole for w in weights]
    shares = [(e / quantum).to_integral_value(ROUND_FLOOR) * quantum for e in exact]
    left = int(((total - sum(shares, Decimal(0))) / quantum).to_integral_value())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += quantum
    return shares
