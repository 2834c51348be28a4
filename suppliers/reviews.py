"""The lead's review queue: imported lines whose product was matched without certainty."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from persistence import utcnow
from persistence.audit import Actor, record_event
from suppliers.errors import N_, Message, Refused
from suppliers.models import Offer, Product, ProductMatch


class ReviewRefused(Refused):
    """The decision cannot be recorded: the match was already decided, or the product is gone."""


def pending_matches(session: Session) -> list[ProductMatch]:
    return list(
        session.scalars(
            select(ProductMatch)
            .where(ProductMatch.status == "pending")
            .options(
                selectinload(ProductMatch.offer).selectinload(Offer.product),
                selectinload(ProductMatch.offer).selectinload(Offer.supplier),
            )
            .order_by(ProductMatch.created_at, ProductMatch.id)
        )
    )


def resolve_match(
    session: Session, match_id: int, product_id: int | None, *, actor: Actor | None
) -> ProductMatch:
    """Confirms the proposed product, moves the offer to another one, or (no product given)
    makes the line a new catalog product of its own."""
    match = session.get(ProductMatch, match_id)
    if match is None or match.status != "pending":
        raise ReviewRefused(Message(N_("This match has already been decided.")))
    offer = match.offer
    if product_id is None:
        current = offer.product
        product = Product(
            name=_free_name(session, match.text), unit=current.unit, category=current.category
        )
        session.add(product)
        offer.product = product
        match.status = "new_product"
    else:
        chosen = session.get(Product, product_id)
        if chosen is None or not chosen.active:
            raise ReviewRefused(Message(N_("This product is not in the catalog.")))
        match.status = "confirmed" if chosen.id == offer.product_id else "changed"
        offer.product = chosen
    match.decided_by_id = actor.id if actor is not None else None
    match.decided_at = utcnow()
    session.flush()
    record_event(
        session,
        "product_match." + match.status,
        "offer",
        offer.id,
        actor=actor,
        product=offer.product_id,
    )
    return match


def _free_name(session: Session, text: str) -> str:
    """The line's own text as a product name, told apart if a product already has it."""
    name = text.strip()[:190] or "Produit"
    taken = set(session.scalars(select(Product.name).where(Product.name.startswith(name))))
    candidate, index = name, 2
    while candidate in taken:
        candidate, index = f"{name} ({index})", index + 1
    return candidate
