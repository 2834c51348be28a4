"""Reading the catalog: products with their offers, suppliers with their terms."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from persistence import by_name
from persistence.pages import Page, paginate
from suppliers.errors import N_, Message, NotFound
from suppliers.imports import product_matcher
from suppliers.matching import ProductMatcher
from suppliers.models import STANDING, Category, Offer, Product, Supplier


def categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(by_name(Category.name))))


def products(
    session: Session, text: str = "", category_id: int | None = None, limit: int = 200
) -> list[Product]:
    """Active products, by name, optionally only those of a category or whose name has `text`."""
    query = (
        select(Product)
        .where(Product.active.is_(True))
        .options(selectinload(Product.category), selectinload(Product.offers))
        .order_by(by_name(Product.name))
        .limit(limit)
    )
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    if text.strip():
        query = query.where(func.lower(Product.name).contains(text.strip().lower()))
    return list(session.scalars(query))


def product_offers(session: Session, product_id: int) -> tuple[Product, list[Offer]]:
    """A product and its active offers, cheapest first at the first tier."""
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(Message(N_("No such product.")))
    offers = list(
        session.scalars(
            select(Offer)
            .where(Offer.product_id == product_id, Offer.active.is_(True), STANDING)
            .options(
                selectinload(Offer.tiers),
                selectinload(Offer.supplier).selectinload(Supplier.labels),
            )
        )
    )
    offers.sort(key=lambda offer: (offer.tiers[0].unit_price if offer.tiers else 0, offer.id))
    return product, offers


def suppliers(session: Session, text: str = "") -> list[Supplier]:
    query = select(Supplier).options(selectinload(Supplier.labels)).order_by(by_name(Supplier.name))
    if text.strip():
        query = query.where(func.lower(Supplier.name).contains(text.strip().lower()))
    return list(session.scalars(query))


def suppliers_page(session: Session, page: int, per_page: int, text: str = "") -> Page[Supplier]:
    """A page of the suppliers, by name, optionally only those whose name has `text`."""
    query = select(Supplier).options(selectinload(Supplier.labels)).order_by(by_name(Supplier.name))
    if text.strip():
        query = query.where(func.lower(Supplier.name).contains(text.strip().lower()))
    return paginate(session, query.order_by(Supplier.id), page, per_page)


def products_page(session: Session, page: int, per_page: int, text: str = "") -> Page[Product]:
    """A page of the active products, by name."""
    query = (
        select(Product)
        .where(Product.active.is_(True))
        .options(selectinload(Product.category))
        .order_by(by_name(Product.name), Product.id)
    )
    if text.strip():
        query = query.where(func.lower(Product.name).contains(text.strip().lower()))
    return paginate(session, query, page, per_page)


def offers_page(
    session: Session,
    page: int,
    per_page: int,
    *,
    product_id: int | None = None,
    supplier_id: int | None = None,
    active_only: bool = True,
) -> Page[Offer]:
    """A page of the offers, of one product or supplier if given, by id; only the active ones
    unless `active_only` is false (the lead sees them all)."""
    query = select(Offer).where(STANDING).options(selectinload(Offer.tiers)).order_by(Offer.id)
    if product_id is not None:
        query = query.where(Offer.product_id == product_id)
    if supplier_id is not None:
        query = query.where(Offer.supplier_id == supplier_id)
    if active_only:
        query = query.where(Offer.active.is_(True))
    return paginate(session, query, page, per_page)


def supplier_offers(session: Session, supplier_id: int) -> tuple[Supplier, list[Offer]]:
    """A supplier and all its offers, active or not, by reference."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(Message(N_("No such supplier.")))
    offers = list(
        session.scalars(
            select(Offer)
            .where(Offer.supplier_id == supplier_id, STANDING)
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


_MATCHERS: dict[tuple[str, int, int, int], tuple[float, ProductMatcher]] = {}
MATCHER_TTL = 60.0


def catalog_matcher(session: Session) -> ProductMatcher:
    """The matcher over active products, rebuilt when the catalog changes or after a minute.

    Building it indexes every product name; reusing it keeps suggestions fast while members type.
    """
    count, highest, letters = session.execute(
        select(
            func.count(Product.id),
            func.coalesce(func.max(Product.id), 0),
            func.coalesce(func.sum(func.length(Product.name)), 0),
        ).where(Product.active.is_(True))
    ).one()
    key = (str(session.get_bind().engine.url), int(count), int(highest), int(letters))
    cached = _MATCHERS.get(key)
    if cached is not None and time.monotonic() - cached[0] < MATCHER_TTL:
        return cached[1]
    matcher = product_matcher(session)
    _MATCHERS.clear()
    _MATCHERS[key] = (time.monotonic(), matcher)
    return matcher


def suggest_products(session: Session, text: str, top: int = 8) -> list[Suggestion]:
    """Catalog products ranked for what a member typed, best first."""
    if len(text.strip()) < 2:
        return []
    matches = [m for m in catalog_matcher(session).rank(text, top=top) if m.score >= 40]
    if not matches:
        return []
    ids = [int(m.key) for m in matches]  # type: ignore[call-overload]
    rows = session.execute(
        select(Product, func.count(Offer.id))
        .outerjoin(Offer, (Offer.product_id == Product.id) & Offer.active.is_(True) & STANDING)
        .where(Product.id.in_(ids))
        .group_by(Product.id)
        .options(selectinload(Product.category))
    ).all()
    found = {product.id: (product, offers) for product, offers in rows}
    return [
        Suggestion(found[pid][0], match.score, found[pid][1])
        for pid, match in zip(ids, matches, strict=True)
        if pid in found
    ]
