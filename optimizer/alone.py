"""What each member would pay, and emit, ordering the same purchase alone (no pooling)."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

from optimizer.delivery import DeliveryTable
from optimizer.money import to_cents
from optimizer.problem import Problem
from optimizer.solution import Allocation


class Catalog:
    """Offers and suppliers by id."""

    def __init__(self, problem: Problem) -> None:
        self.offers = {o.id: o for o in problem.offers}
        self.suppliers = {s.id: s for s in problem.suppliers}


def alone_cost(
    problem: Problem,
    allocations: list[Allocation],
    sites: dict[str, str],
    delivery: DeliveryTable,
    catalog: Catalog | None = None,
) -> Decimal:
    """The cost of one member's allocations ordered alone (its transport: see
    :func:`optimizer.tours.alone_tours`).

    Alone, the member orders from the same offers the units it received, rounded up to whole
    packs and to the offer's minimum; pays the tier that quantity reaches, the same delivery
    per unit to its own site, and each supplier's full fee unless its own order reaches the
    waiver. Because the pooled order is never smaller and prices
    never rise with quantity, the exact alone cost is never below the pooled one; a line is
    therefore never shown cheaper alone than pooled because of a cent of rounding.
    """
    catalog = catalog or Catalog(problem)
    offers, suppliers = catalog.offers, catalog.suppliers
    lines: dict[tuple[str, str], list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        lines[allocation.offer, sites[allocation.need]].append(allocation)
    goods_of: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for (offer_id, site), parts in sorted(lines.items()):
        offer = offers[offer_id]
        units = sum((a.quantity for a in parts), Decimal(0))
        packs = math.ceil(max(units, offer.smallest_order) / offer.pack_size)
        quantity = offer.pack_size * packs
        goods = max(
            to_cents(quantity * offer.unit_price_for(quantity)),
            sum((a.goods for a in parts), Decimal(0)),
        )
        shipping = to_cents(quantity * delivery.own_cost_per_unit(offer.supplier, site))
        if not problem.policy.deliver_to_collection_point:
            shipping = max(shipping, sum((a.delivery for a in parts), Decimal(0)))
        goods_of[offer.supplier] += goods
        total += goods + shipping
    for supplier_id, goods in goods_of.items():
        supplier = suppliers[supplier_id]
        threshold = supplier.fee_waived_above
        if threshold is None or goods < threshold:
            total += supplier.delivery_fee
    return total
