"""The open round as members and the lead see it: what is pooled so far, and how close the group
is to the next price tier or to a supplier's minimum order.

"Encore 3 ramettes et le groupe passe à 2,10 € au lieu de 2,40 €": for each product, the
quantity the open round pools is compared with every active offer's tiers (all-units prices,
whole packs) and minimum order; the step shown is the one that lowers the best unit price the
group can get now, the nearest first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from persistence import utcnow
from purchasing.models import Need, Round
from purchasing.rounds.rounds import earliest_delivery, open_round, order_day
from suppliers.models import STANDING, Offer, Product, Supplier


@dataclass(frozen=True)
class NextStep:
    """How many more units the group needs for a better unit price at one supplier."""

    missing: Decimal
    price_now: Decimal | None
    price_then: Decimal
    supplier: str


@dataclass(frozen=True)
class ProductPool:
    """One product in the open round: the pooled quantity, the members asking, the best unit
    price the group gets now, the next step down, and a minimum order still out of reach."""

    product_id: int
    product: str
    unit: str
    pooled: Decimal
    members: int
    best_price: Decimal | None
    best_supplier: str | None
    next_step: NextStep | None
    minimum: NextStep | None


@dataclass(frozen=True)
class RoundSummary:
    """The open round for the lead's home."""

    round: Round | None
    needs: int
    members: int
    products: int
    estimated_value: Decimal
    awaiting_match: int


def _ordered(quantity: Decimal, pack: Decimal) -> Decimal:
    """Whole packs: the units actually bought for `quantity`."""
    packs = (quantity / pack).to_integral_value(rounding=ROUND_CEILING)
    return packs * pack


def _price(offer: Offer, quantity: Decimal) -> Decimal | None:
    """The all-units unit price of `quantity` units bought in whole packs; None below the
    offer's minimum order or first tier."""
    bought = _ordered(quantity, offer.pack_size)
    smallest = max(offer.min_order_quantity or Decimal(0), offer.tiers[0].min_quantity)
    if bought < smallest:
        return None
    price = offer.tiers[0].unit_price
    for tier in offer.tiers:
        if bought >= tier.min_quantity:
            price = tier.unit_price
    return price


def pool_of(product: Product, offers: list[Offer], pooled: Decimal, members: int) -> ProductPool:
    """The group's position on one product's offers (see the module's docstring)."""
    priced = [(offer, _price(offer, pooled)) for offer in offers if offer.tiers]
    now = [(price, offer) for offer, price in priced if price is not None]
    best_price, best_offer = min(now, key=lambda pair: (pair[0], pair[1].id), default=(None, None))
    steps: list[NextStep] = []
    minimums: list[NextStep] = []
    for offer, price in priced:
        bought = _ordered(pooled, offer.pack_size)
        smallest = max(offer.min_order_quantity or Decimal(0), offer.tiers[0].min_quantity)
        if price is None:
            minimums.append(
                NextStep(smallest - pooled, None, offer.tiers[0].unit_price, offer.supplier.name)
            )
            continue
        for tier in offer.tiers:
            if tier.min_quantity > bought and (best_price is None or tier.unit_price < best_price):
                steps.append(
                    NextStep(
                        tier.min_quantity - pooled, best_price, tier.unit_price, offer.supplier.name
                    )
                )
                break
    cheaper_minimums = [
        step for step in minimums if best_price is None or step.price_then < best_price
    ]
    return ProductPool(
        product_id=product.id,
        product=product.name,
        unit=product.unit,
        pooled=pooled,
        members=members,
        best_price=best_price,
        best_supplier=best_offer.supplier.name if best_offer is not None else None,
        next_step=min(steps, key=lambda s: (s.missing, s.price_then), default=None),
        minimum=min(cheaper_minimums, key=lambda s: (s.missing, s.price_then), default=None),
    )


def pools(
    session: Session, product_ids: set[int] | Select[int | None] | None = None
) -> list[ProductPool]:
    """The open round's pool for each product (or only `product_ids`, a set or a query), by
    product name. Three queries whatever the number of products: the member's dashboard
    shows it on every visit."""
    query = (
        select(Product, func.sum(Need.quantity), func.count(func.distinct(Need.member_id)))
        .join(Need, Need.product_id == Product.id)
        .where(Need.status == "submitted")
        .group_by(Product.id)
    )
    if product_ids is not None:
        if isinstance(product_ids, set) and not product_ids:
            return []
        query = query.where(Product.id.in_(product_ids))
    totals = {row[0]: (Decimal(row[1]), int(row[2])) for row in session.execute(query)}
    if not totals:
        return []
    offers: dict[int, list[Offer]] = defaultdict(list)
    for offer in session.scalars(
        select(Offer)
        .join(Supplier)
        .where(
            Offer.product_id.in_([product.id for product in totals]),
            Offer.active.is_(True),
            STANDING,
            Supplier.active.is_(True),
        )
        .options(selectinload(Offer.tiers), contains_eager(Offer.supplier))
        .order_by(Offer.id)
    ):
        offers[offer.product_id].append(offer)
    return sorted(
        (pool_of(product, offers[product.id], *found) for product, found in totals.items()),
        key=lambda pool: pool.product.casefold(),
    )


def member_pools(session: Session, member_id: int) -> list[ProductPool]:
    """The pools of the products a member asks for in the open round."""
    return pools(
        session,
        select(Need.product_id).where(
            Need.member_id == member_id,
            Need.status == "submitted",
            Need.product_id.is_not(None),
        ),
    )


def summary(session: Session) -> RoundSummary:
    """The open round in figures: needs, members, products, and its value at today's best
    prices (an estimate: the optimizer decides)."""
    found = open_round(session)
    needs, members = session.execute(
        select(func.count(Need.id), func.count(func.distinct(Need.member_id))).where(
            Need.status == "submitted", Need.product_id.is_not(None)
        )
    ).one()
    waiting = session.scalar(
        select(func.count(Need.id)).where(Need.status == "submitted", Need.product_id.is_(None))
    )
    products = pools(session)
    value = sum(
        (pool.pooled * pool.best_price for pool in products if pool.best_price is not None),
        Decimal(0),
    )
    return RoundSummary(
        round=found,
        needs=int(needs or 0),
        members=int(members or 0),
        products=len(products),
        estimated_value=value.quantize(Decimal("0.01")),
        awaiting_match=int(waiting or 0),
    )


def too_late(
    session: Session, product_id: int | None, needed_by: date, now: datetime | None = None
) -> bool:
    """Whether the offers of the product are all too slow to deliver by `needed_by` if ordered
    at the open round's cut-off (a warning for the member, not a refusal). A product without
    any offer is not a question of date: it is not flagged here."""
    if product_id is None:
        return False
    arrives = earliest_delivery(
        session, product_id, order_day(open_round(session), now or utcnow())
    )
    return arrives is not None and arrives > needed_by
