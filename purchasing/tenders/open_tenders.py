"""The open tenders of a batch: a product of a batch is in at most one open tender at a time,
while several open tenders on one batch are fine when their products differ."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from purchasing.errors import N_, Message
from purchasing.tenders.models import Tender, TenderLine
from suppliers.models import Product


def first_open_tender(session: Session, batch_id: int) -> Tender | None:
    """The batch's open tender that closes first, if any (an approval waits for it)."""
    return session.scalars(
        select(Tender)
        .where(Tender.batch_id == batch_id, Tender.status == "open")
        .order_by(Tender.closes_at, Tender.id)
        .limit(1)
    ).first()


def products_out_to_tender(session: Session, batch_id: int) -> dict[int, Tender]:
    """The batch's products in an open tender, each with that tender, by product id."""
    rows = session.execute(
        select(TenderLine.product_id, Tender)
        .join(Tender, TenderLine.tender_id == Tender.id)
        .where(Tender.batch_id == batch_id, Tender.status == "open")
        .order_by(Tender.id)
    )
    return {product_id: tender for product_id, tender in rows}


def already_out_to_tender(
    session: Session, taken: Mapping[int, Tender], product_ids: Sequence[int]
) -> Message | None:
    """The refusal naming those of `product_ids` already in an open tender (`taken`, as
    `products_out_to_tender` gives it), or None when none is."""
    out = [product_id for product_id in product_ids if product_id in taken]
    if not out:
        return None
    names = session.scalars(select(Product.name).where(Product.id.in_(out)).order_by(Product.name))
    return Message(N_("Already in an open tender: %(products)s."), {"products": ", ".join(names)})
