"""The catalog suppliers proposed to the lead for a tender: those selling products of the
tendered products' categories, with their labels, social-economy status and distance to the
delivery sites, nearest first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from purchasing.models import DeliverySite
from purchasing.tenders.opening import batch_to_tender, pooled_lines
from suppliers.eco import GeoPoint, distance_km
from suppliers.models import Offer, Product, Supplier


@dataclass(frozen=True)
class ProposedSupplier:
    """A catalog supplier the lead may invite: the tendered products of its categories, its
    labels, whether it is in the social economy, its mean distance to the delivery sites, and
    whether it already offers one of the products."""

    supplier_id: int
    name: str
    town: str
    email: str
    product_ids: tuple[int, ...]
    categories: tuple[str, ...]
    labels: tuple[str, ...]
    social_economy: bool
    distance_km: float
    offers_already: bool


@dataclass
class _Found:
    supplier: Supplier
    products: set[int] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    offers_already: bool = False


def proposed_suppliers(
    session: Session, batch_id: int, product_ids: Sequence[int] = ()
) -> list[ProposedSupplier]:
    """The active catalog suppliers with an offer in the categories of `product_ids` (every
    pooled product when empty), nearest first: what the lead ticks to invite."""
    batch = batch_to_tender(session, batch_id)
    pooled = pooled_lines(batch)
    wanted = (
        [pooled[p] for p in product_ids if p in pooled] if product_ids else list(pooled.values())
    )
    products = {
        product.id: product
        for product in session.scalars(
            select(Product).where(Product.id.in_([line.product_id for line in wanted]))
        )
    }
    by_category: dict[int, list[int]] = defaultdict(list)
    for product in products.values():
        by_category[product.category_id].append(product.id)
    site_ids = {site for line in wanted for site in line.site_ids}
    sites = [
        GeoPoint(site.latitude, site.longitude)
        for site in session.scalars(select(DeliverySite).where(DeliverySite.id.in_(site_ids)))
    ]
    offers = session.scalars(
        select(Offer)
        .join(Supplier)
        .join(Product, Offer.product_id == Product.id)
        .where(
            Supplier.active.is_(True),
            Offer.active.is_(True),
            Offer.tender_id.is_(None),
            Product.category_id.in_(list(by_category)),
        )
        .options(
            selectinload(Offer.supplier).selectinload(Supplier.labels),
            selectinload(Offer.product).selectinload(Product.category),
        )
        .order_by(Offer.id)
    )
    found: dict[int, _Found] = {}
    for offer in offers:
        entry = found.setdefault(offer.supplier_id, _Found(offer.supplier))
        entry.products.update(by_category[offer.product.category_id])
        entry.categories.add(offer.product.category.name)
        entry.offers_already = entry.offers_already or offer.product_id in products
    proposed = []
    for entry in found.values():
        supplier = entry.supplier
        here = GeoPoint(supplier.latitude, supplier.longitude)
        distance = sum(distance_km(here, site) for site in sites) / len(sites) if sites else 0.0
        proposed.append(
            ProposedSupplier(
                supplier_id=supplier.id,
                name=supplier.name,
                town=supplier.town,
                email=supplier.contact_email,
                product_ids=tuple(sorted(entry.products)),
                categories=tuple(sorted(entry.categories)),
                labels=tuple(label.name for label in supplier.labels),
                social_economy=bool(supplier.social_economy),
                distance_km=round(distance, 1),
                offers_already=entry.offers_already,
            )
        )
    return sorted(proposed, key=lambda s: (s.distance_km, s.name))
