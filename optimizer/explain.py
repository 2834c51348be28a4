"""Explanations: for each allocation, the runner-up offer and what it would have changed."""

from __future__ import annotations

import math
from decimal import Decimal

from optimizer.allocate import Portion, Purchase
from optimizer.model import Model
from optimizer.money import to_cents
from optimizer.problem import Supplier
from optimizer.solution import RunnerUp


def runner_up(
    model: Model,
    portion: Portion,
    purchases: dict[int, Purchase],
    chosen_cost: Decimal,
    paying_fee: set[str],
    suppliers: dict[str, Supplier],
) -> RunnerUp | None:
    """The best other offer that could have served this portion, judged by the same weighted
    objective: its units priced at the tier they would reach added to what that offer already
    sells, its delivery, and its supplier's fee if that supplier is not already paid one
    (``suppliers`` by id).
    ``money`` compares with what the portion costs now (goods, delivery, fee share)."""
    group = model.groups[portion.group]
    chosen = model.offer(portion.offer)
    best: tuple[float, str, RunnerUp] | None = None
    for arc in group.arcs:
        if arc.offer == portion.offer:
            continue
        offer = model.offer(arc.offer)
        already = purchases[arc.offer].quantity if arc.offer in purchases else Decimal(0)
        wanted = max(already + portion.quantity, offer.smallest_order)
        if offer.capacity is not None and wanted > offer.capacity:
            continue
        packs = math.ceil(wanted / offer.pack_size)
        price = offer.unit_price_for(offer.pack_size * packs)
        if arc.min_tier > offer.tier_for(offer.pack_size * packs):
            continue
        shipping = model.delivery.cost_per_unit(offer.supplier, portion.need.site)
        money = portion.quantity * (price + shipping)
        supplier = suppliers[offer.supplier]
        waived = supplier.fee_waived_above is not None and money >= supplier.fee_waived_above
        if offer.supplier not in paying_fee and offer.supplier != chosen.supplier and not waived:
            money += supplier.delivery_fee
        score = model.scales.per_euro * float(money) + float(portion.quantity) * (
            model.scales.per_unit(portion.group, 0.0, offer.lead_time_days, float(offer.eco_score))
        )
        candidate = RunnerUp(
            offer=offer.id,
            supplier=offer.supplier,
            unit_price=price,
            money=to_cents(money - chosen_cost),
            days=offer.lead_time_days - chosen.lead_time_days,
            eco=offer.eco_score - chosen.eco_score,
        )
        if best is None or (score, offer.id) < (best[0], best[1]):
            best = (score, offer.id, candidate)
    return None if best is None else best[2]
