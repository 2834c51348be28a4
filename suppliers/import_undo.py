"""Undoing an imported price list as a whole.

An import keeps a journal: the offers it created, the state before the import of the offers it
updated, the offers it deactivated and the products it created. Undoing it removes the created
offers, restores the updated ones, reactivates the deactivated ones and withdraws the products
left without an offer, as long as no batch has used the offers and nobody has changed them
since.

Whether a batch used an offer is for the purchasing side to say; the supply side does not know
batches, so the caller hands in `offer_in_use`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from persistence import utcnow
from persistence.audit import Actor, record_event
from suppliers.errors import N_, Message, NotFound, Refused
from suppliers.models import STANDING, CatalogUpload, Offer, PriceTier, Product, ProductMatch

#: which of these offers an allocation of a batch refers to
OfferInUse = Callable[[Collection[int]], set[int]]

_RESTORED = ("description", "lead_time_days", "label", "recycled_content", "active")
_DECIMALS = ("pack_size", "min_order_quantity", "capacity", "vat_rate")
_DATES = ("valid_from", "valid_until")


class UndoRefused(Refused):
    """The import cannot be undone: already undone, never imported, older than the journal,
    offers changed since or used by a batch. Nothing changed."""


@dataclass(frozen=True)
class UndoResult:
    removed: int
    restored: int
    reactivated: int
    withdrawn_products: int


def offer_state(offer: Offer) -> dict[str, Any]:
    """What an import may change in an offer, as plain JSON data."""
    state: dict[str, Any] = {"id": offer.id, "product_id": offer.product_id}
    for name in _RESTORED:
        state[name] = getattr(offer, name)
    for name in _DECIMALS:
        value = getattr(offer, name)
        state[name] = None if value is None else str(value)
    for name in _DATES:
        value = getattr(offer, name)
        state[name] = None if value is None else value.isoformat()
    state["tiers"] = [[str(t.min_quantity), str(t.unit_price)] for t in offer.tiers]
    return state


def _restore(session: Session, offer: Offer, state: dict[str, Any]) -> None:
    offer.product_id = state["product_id"]
    for name in _RESTORED:
        setattr(offer, name, state[name])
    for name in _DECIMALS:
        setattr(offer, name, None if state[name] is None else Decimal(state[name]))
    for name in _DATES:
        setattr(offer, name, None if state[name] is None else date.fromisoformat(state[name]))
    offer.tiers.clear()
    session.flush()
    offer.tiers = [
        PriceTier(min_quantity=Decimal(quantity), unit_price=Decimal(price))
        for quantity, price in state["tiers"]
    ]


def _references(references: Collection[str]) -> str:
    shown = list(references)[:5]
    return ", ".join(shown) + ("…" if len(references) > 5 else "")


def undo_refusal(
    session: Session, upload: CatalogUpload, offer_in_use: OfferInUse | None = None
) -> Message | None:
    """Why this import cannot be undone now; None when it can."""
    if upload.status == "undone":
        return Message(N_("This import has already been undone."))
    if upload.status != "imported" or upload.imported_at is None:
        return Message(N_("This file was not imported: there is nothing to undo."))
    journal = upload.journal
    if not journal:
        return Message(N_("This import predates the import journal: it cannot be undone."))
    created = journal["created_offers"]
    updated = [state["id"] for state in journal["updated_offers"]]
    touched = [*updated, *journal["deactivated_offers"]]
    if touched:
        changed = session.scalars(
            select(Offer.supplier_ref)
            .where(Offer.id.in_(touched), Offer.updated_at > upload.imported_at)
            .order_by(Offer.supplier_ref)
        ).all()
        if changed:
            return Message(
                N_(
                    "%(count)d offer(s) of this import were changed since "
                    "(%(references)s): undo the later changes first."
                ),
                {"count": len(changed), "references": _references(changed)},
            )
    if offer_in_use is not None and (created or updated):
        used = offer_in_use([*created, *updated])
        if used:
            references = session.scalars(
                select(Offer.supplier_ref).where(Offer.id.in_(used)).order_by(Offer.supplier_ref)
            ).all()
            return Message(
                N_(
                    "%(count)d offer(s) of this import are already used in a batch "
                    "(%(references)s): the import can no longer be undone."
                ),
                {"count": len(used), "references": _references(references)},
            )
    return None


def undo_import(
    session: Session,
    upload_id: int,
    *,
    offer_in_use: OfferInUse,
    actor: Actor | None,
) -> UndoResult:
    """Undoes an import as a whole, or refuses and changes nothing. Flushes only.

    Created offers are removed (with their review), updated offers get back their terms and
    price tiers, deactivated offers are active again, and the products the import created are
    withdrawn from the catalog if no active offer is left for them (a need may still name them,
    so they are deactivated, not deleted). The audit trail records it.
    """
    upload = session.scalar(
        select(CatalogUpload).where(CatalogUpload.id == upload_id).with_for_update()
    )
    if upload is None:
        raise NotFound(Message(N_("This file does not exist.")))
    refusal = undo_refusal(session, upload, offer_in_use)
    if refusal is not None:
        raise UndoRefused(refusal)
    journal = upload.journal or {}
    created = list(journal["created_offers"])
    if created:
        session.execute(delete(ProductMatch).where(ProductMatch.offer_id.in_(created)))
        for removed in session.scalars(select(Offer).where(Offer.id.in_(created))):
            session.delete(removed)
    session.flush()
    restored = 0
    for state in journal["updated_offers"]:
        offer = session.get(Offer, state["id"])
        if offer is not None:
            _restore(session, offer, state)
            restored += 1
    reactivated = 0
    for offer_id in journal["deactivated_offers"]:
        offer = session.get(Offer, offer_id)
        if offer is not None and not offer.active:
            offer.active = True
            reactivated += 1
    session.flush()
    withdrawn = 0
    for product_id in journal["products"]:
        product = session.get(Product, product_id)
        active_offers = session.scalar(
            select(func.count(Offer.id)).where(
                Offer.product_id == product_id, Offer.active.is_(True), STANDING
            )
        )
        if product is not None and product.active and not active_offers:
            product.active = False
            withdrawn += 1
    upload.status = "undone"
    upload.undone_at = utcnow()
    session.flush()
    result = UndoResult(len(created), restored, reactivated, withdrawn)
    record_event(
        session,
        "catalog.import_undo",
        "supplier",
        upload.supplier_id,
        actor=actor,
        file=upload.filename,
        upload=upload.id,
        **result.__dict__,
    )
    return result
