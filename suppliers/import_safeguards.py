"""What keeps an imported price-list line from putting a wrong price into the catalog.

A line matched to a catalog product by its words may still be another thing: the same envelopes
priced by the envelope where the catalog sells them by the box of 500, a pack where the product
is a single item. Such a line is never matched automatically; the lead sees why and decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from suppliers.catalog_file import CatalogRow
from suppliers.errors import N_, Euros, Message
from suppliers.matching import parse_quantities
from suppliers.models import STANDING, Offer, PriceTier, Product

#: a unit price more than this many times above or below the median of the product's other
#: offers is taken for another product, or another unit
PRICE_RATIO = Decimal(3)

#: how a line or a product is sold, as a doubt says it
SOLD_BY = {
    "unit": N_("by the unit"),
    "ream": N_("by the ream"),
    "box": N_("by the box"),
    "pack": N_("by the pack"),
    "roll": N_("by the roll"),
    "kg": N_("by the kilo"),
    "l": N_("by the litre"),
    "m": N_("by the metre"),
}


@dataclass(frozen=True)
class ProductFacts:
    """What the catalog knows of a product that an imported line must agree with."""

    unit: str
    pack: int | None
    prices: tuple[Decimal, ...]

    @property
    def median_price(self) -> Decimal | None:
        return median(self.prices) if self.prices else None


def product_facts(session: Session) -> dict[int, ProductFacts]:
    """Unit, stated pack and the first-tier unit prices of the active offers, per active
    product."""
    prices: defaultdict[int, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    rows = session.execute(
        select(Offer.product_id, Offer.id, PriceTier.min_quantity, PriceTier.unit_price)
        .join(PriceTier, PriceTier.offer_id == Offer.id)
        .where(Offer.active.is_(True), STANDING)
    )
    for product_id, offer_id, quantity, price in rows:
        known = prices[product_id].get(offer_id)
        # an offer's price is that of its smallest order: its first tier
        if known is None or quantity < known[0]:
            prices[product_id][offer_id] = (quantity, price)
    products = session.execute(
        select(Product.id, Product.name, Product.unit).where(Product.active.is_(True))
    )
    return {
        product_id: ProductFacts(
            unit=unit,
            pack=parse_quantities(name).pack,
            prices=tuple(price for _, price in prices[product_id].values()),
        )
        for product_id, name, unit in products
    }


def _sold_by(unit: str) -> Message:
    return Message(SOLD_BY.get(unit, unit))


def line_doubts(row: CatalogRow, product: ProductFacts) -> list[Message]:
    """Why this line may not be the product; empty when nothing contradicts it.

    - Its unit price is more than three times above or below the median first-tier price of
      the product's active offers: it is likely sold by another unit or another pack.
    - Its unit ("boîte", "paquet"...) is not the product's.
    - Its name states a pack ("boîte de 500") and the product is sold by the unit with no pack
      stated, or the product states another pack.
    """
    doubts = []
    reference = product.median_price
    price = row.base_price
    far = reference is not None and (
        price * PRICE_RATIO < reference or price > reference * PRICE_RATIO
    )
    if reference is not None and reference > 0 and far:
        offers = len(product.prices)
        if offers == 1:
            text = N_("unit price %(price)s far from the product's other offer (%(median)s)")
        else:
            text = N_(
                "unit price %(price)s far from the product's other offers "
                "(median %(median)s of %(offers)d offers)"
            )
        doubts.append(
            Message(text, {"price": Euros(price), "median": Euros(reference), "offers": offers})
        )
    if row.unit is not None and row.unit != product.unit:
        doubts.append(
            Message(
                N_("line sold %(line_unit)s, product sold %(product_unit)s"),
                {"line_unit": _sold_by(row.unit), "product_unit": _sold_by(product.unit)},
            )
        )
    pack = parse_quantities(row.name).pack
    if pack is not None and pack > 1:
        if product.pack is not None and product.pack != pack:
            doubts.append(
                Message(
                    N_("line in lots of %(pack)d, product in lots of %(product_pack)d"),
                    {"pack": pack, "product_pack": product.pack},
                )
            )
        elif product.pack is None and product.unit == "unit":
            doubts.append(
                Message(N_("line in lots of %(pack)d, product sold by the unit"), {"pack": pack})
            )
    return doubts
