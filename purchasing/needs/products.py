"""Products as the whole cooperative sees them: merging moves needs as well as offers, and a
need typed as free text can become a new catalog product."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.models import EDITABLE_NEED_STATUSES, Need, User
from purchasing.needs.needs import match_need
from purchasing.permissions import CHANGE_CATALOG, MATCH_NEED, require
from suppliers.models import Product
from suppliers.products import ProductValues, create_product, merge_offers, update_product
from suppliers.shipping import is_multiple


def needs_count_in(session: Session, product_id: int) -> int:
    """How many needs count in the product's unit."""
    return session.scalar(select(func.count(Need.id)).where(Need.product_id == product_id)) or 0


def needs_off_step(session: Session, product_id: int, step: Decimal) -> int:
    """How many needs of the product still to be pooled are not a whole number of `step`."""
    quantities = session.scalars(
        select(Need.quantity).where(
            Need.product_id == product_id, Need.status.in_(EDITABLE_NEED_STATUSES)
        )
    )
    return sum(1 for quantity in quantities if not is_multiple(quantity, step))


def change_product(
    session: Session, product_id: int, values: ProductValues, *, actor: Actor | None
) -> Product:
    """Renames or recategorises a product; its unit stays while offers or needs count in it,
    and its shipping step changes only to one that its open needs and offers are whole
    numbers of."""
    require(actor, CHANGE_CATALOG)
    return update_product(
        session,
        product_id,
        values,
        actor=actor,
        unit_in_use=needs_count_in(session, product_id) > 0,
        needs_off_step=needs_off_step(session, product_id, values.shipping_step),
    )


def merge_products(
    session: Session, kept_id: int, merged_id: int, *, actor: Actor | None
) -> tuple[int, int]:
    """Merges a product into another: its offers and its needs move to the product kept, which
    the audit trail records. Returns (offers moved, needs moved)."""
    require(actor, CHANGE_CATALOG)
    offers = merge_offers(session, kept_id, merged_id, actor=actor)
    needs = session.execute(
        update(Need)
        .where(Need.product_id == merged_id)
        .values(product_id=kept_id, version=Need.version + 1)
        .execution_options(synchronize_session="fetch")
    ).rowcount  # type: ignore[attr-defined]
    session.flush()
    record_event(
        session,
        "product.merge_needs",
        "product",
        kept_id,
        actor=actor,
        merged=merged_id,
        needs=needs,
    )
    return offers, int(needs or 0)


def create_product_for_need(
    session: Session, need_id: int, values: ProductValues, *, actor: User
) -> Product:
    """The lead finds nothing in the catalog for a need typed as free text: a new product is
    made from it and the need names it, so that it can be pooled."""
    require(actor, MATCH_NEED)
    require(actor, CHANGE_CATALOG)
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(Message(N_("No such need.")))
    if need.product_id is not None:
        raise Conflict(Message(N_("This need already names a catalog product.")))
    product = create_product(session, values, actor=actor)
    match_need(session, need.id, product.id, actor=actor)
    return product
