"""Factories for optimizer tests: sensible defaults, override what the test is about."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from optimizer import (
    DeliveryCost,
    Need,
    Offer,
    Policy,
    PriceTier,
    Problem,
    Product,
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
    steps: dict[str, str] | None = None,
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
        products=tuple(Product(product, D(step)) for product, step in (steps or {}).items()),
    )


def random_batch(
    rng: random.Random,
    *,
    products: tuple[int, int],
    suppliers: int,
    fees: list[str],
    waivers: list[str | None],
    local_share: float | None,
    offers: tuple[int, int],
    tier_starts: list[int],
    discount: str,
    minimums: list[int],
    capacities: list[int | None],
    sites: list[str],
    needs: tuple[int, int],
) -> Problem:
    """A small random batch: suppliers with fees, offers with an optional second tier, needs
    spread over members and sites, and a delivery cost for every supplier and site."""
    product_ids = [f"p{i}" for i in range(rng.randint(*products))]
    supplier_list = [
        make_supplier(
            f"s{i}",
            fee=rng.choice(fees),
            waived=rng.choice(waivers),
            **({} if local_share is None else {"local": rng.random() < local_share}),
        )
        for i in range(suppliers)
    ]
    offer_list = []
    for i in range(rng.randint(*offers)):
        price = Decimal(rng.randint(100, 400)) / 100
        tiers = [(0, str(price))]
        if rng.random() < 0.5:
            tiers.append((rng.choice(tier_starts), str(price - Decimal(discount))))
        offer_list.append(
            make_offer(
                f"o{i}",
                product=rng.choice(product_ids),
                supplier=rng.choice(supplier_list).id,
                pack=rng.choice([1, 2, 5]),
                tiers=tiers,
                minimum=rng.choice(minimums),
                capacity=rng.choice(capacities),
                lead=rng.randint(1, 6),
                eco=rng.randint(20, 95),
            )
        )
    need_list = [
        make_need(
            f"n{i}",
            product=rng.choice(product_ids),
            quantity=rng.randint(1, 12),
            tolerance=rng.choice([0, 1, 3]),
            days=rng.randint(2, 8),
            site=rng.choice(sites),
            member=f"m{rng.randint(0, 3)}",
        )
        for i in range(rng.randint(*needs))
    ]
    delivery = {
        (supplier.id, site): str(Decimal(rng.randint(0, 40)) / 100)
        for supplier in supplier_list
        for site in sites
    }
    return make_problem(
        need_list,
        offer_list,
        supplier_list,
        weights=Weights(0.6, 0.1, 0.3),
        delivery=delivery,
        sites=[Site(site) for site in sites],
    )
