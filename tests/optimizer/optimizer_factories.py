"""Factories for optimizer tests: sensible defaults, override what the test is about."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from optimizer import (
    DeliveryCost,
    Need,
    Offer,
    Policy,
    PriceTier,
    Problem,
    Rules,
    Site,
    Supplier,
    Weights,
)

ORDER_DATE = date(2025, 1, 6)


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def make_need(
    id: str = "n1",
    product: str = "paper",
    quantity: str | int = 10,
    tolerance: str | int = 0,
    days: int = 14,
    site: str = "hq",
    member: str = "m1",
    ceiling: str | None = None,
) -> Need:
    return Need(
        id=id,
        member=member,
        product=product,
        quantity=D(quantity),
        tolerance=D(tolerance),
        needed_by=ORDER_DATE + timedelta(days=days),
        site=site,
        price_ceiling=None if ceiling is None else D(ceiling),
    )


def make_offer(
    id: str = "o1",
    product: str = "paper",
    supplier: str = "s1",
    price: str = "1.00",
    pack: str | int = 1,
    tiers: list[tuple[str | int, str]] | None = None,
    minimum: str | int = 0,
    capacity: str | int | None = None,
    lead: int = 1,
    eco: int = 50,
) -> Offer:
    price_tiers = tuple(PriceTier(D(q), D(p)) for q, p in (tiers or [(0, price)]))
    return Offer(
        id=id,
        supplier=supplier,
        product=product,
        pack_size=D(pack),
        tiers=price_tiers,
        minimum_quantity=D(minimum),
        capacity=None if capacity is None else D(capacity),
        lead_time_days=lead,
        eco_score=D(eco),
    )


def make_supplier(
    id: str = "s1",
    fee: str = "0",
    waived: str | None = None,
    local: bool = False,
    social: bool = False,
) -> Supplier:
    return Supplier(
        id=id,
        delivery_fee=D(fee),
        fee_waived_above=None if waived is None else D(waived),
        local=local,
        social_economy=social,
    )


def make_problem(
    needs: list[Need],
    offers: list[Offer],
    suppliers: list[Supplier] | None = None,
    rules: Rules | None = None,
    weights: Weights | None = None,
    delivery: dict[tuple[str, str], str] | None = None,
    sites: list[Site] | None = None,
) -> Problem:
    known = {s.id for s in suppliers or []}
    all_suppliers = list(suppliers or []) + [
        make_supplier(s) for s in sorted({o.supplier for o in offers} - known)
    ]
    if sites is None:
        sites = [Site(s) for s in sorted({n.site for n in needs} | {"hq"})]
    return Problem(
        needs=tuple(needs),
        offers=tuple(offers),
        suppliers=tuple(all_suppliers),
        policy=Policy(
            order_date=ORDER_DATE,
            weights=weights or Weights(),
            rules=rules or Rules(),
        ),
        sites=tuple(sites),
        delivery_costs=tuple(
            DeliveryCost(supplier, site, D(cost))
            for (supplier, site), cost in (delivery or {}).items()
        ),
    )
