"""Reading the catalog: products with their offers, suppliers with their terms."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from suppliers.models import Category, Offer, Product, Supplier


def categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.name)))


def products(
    session: Session, text: str = "", category_id: int | None = None, limit: int = 200
) -> list[Product]:
    """Active products, by name, optionally only those of a category or whose name has `text`."""
    query = (
        select(Product)
        .where(Product.active.is_(True))
        .options(selectinload(Product.category), selectinload(Product.offers))
        .order_by(Product.name)
        .limit(limit)
    )
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    if text.strip():
        query = query.where(func.lower(Product.name).contains(text.strip().lower()))
    return list(session.scalars(query))


def product_offers(session: Session, product_id: int) -> tuple[Product, list[Offer]] | None:
    """A product and its active offers, cheapest first at the first tier."""
    product = session.get(Product, product_id)
    if product is None:
        return None
    offers = list(
        session.scalars(
            select(Offer)
            .where(Offer.product_id == product_id, Offer.active.is_(True))
            .options(
                selectinload(Offer.tiers),
                selectinload(Offer.supplier).selectinload(Supplier.labels),
            )
        )
    )
    offers.sort(key=lambda offer: (offer.tiers[0].unit_price if offer.tiers else 0, offer.id))
    return product, offers


def suppliers(session: Session, text: str = "") -> list[Supplier]:
    query = select(Supplier).options(selectinload(Supplier.labels)).order_by(Supplier.name)
    if text.strip():
        query = query.where(func.lower(Supplier.name).contains(text.strip().lower()))
    return list(session.scalars(query))


def supplier_offers(session: Session, supplier_id: int) -> tuple[Supplier, list[Offer]] | None:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        return None
    offers = list(
        session.scalars(
            select(Offer)
            .where(Offer.supplier_id == supplier_id)
            .options(selectinload(Offer.tiers), selectinload(Offer.product))
            .order_by(Offer.supplier_ref)
        )
    )
    return supplier, offers


@dataclass(frozen=True)
class Suggestion:
    product: Product
    score: float
    offers: int


def suggest_products(session: Session, text: str, top: int = 8) -> list[Suggestion]:
    """Catalog products ranked for what a member typed, best first."""
    if len(text.strip()) < 2:
        return []
    rows = session.execute(
        select(Product, func.count(Offer.id))
        .outerjoin(Offer, (Offer.product_id == Product.id) & Offer.active.is_(True))
        .where(Product.active.is_(True))
        .group_by(Product.id)
        .options(selectinload(Product.category))
    ).all()
    by_name = {product.id: (product, count) for product, count in rows}
    choices = {product.id: product.name for product, _ in rows}
    ranked = process.extract(
        text, choices, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=top
    )
    return [
        Suggestion(by_name[key][0], score, by_name[key][1])
        for _, score, key in ranked
        if score >= 40
    ]
