"""Offers and their price tiers: what a supplier sells for a product, on what terms.

Each public function is a use case of the purchasing lead. It checks every value before it
touches anything and refuses with `Invalid`, naming each wrong field (`pack_size`, and
`tiers.0.unit_price` for a row of the tiers), so that a refusal changes nothing. Otherwise it
changes the rows, records who did it (`actor`) in the audit trail and flushes; the caller
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from persistence.audit import Actor, record_event
from suppliers.checks import MAX_AMOUNT, MAX_QUANTITY, at_most, finite, fits, required
from suppliers.directory import supplier_by_id
from suppliers.errors import N_, Invalid, Message, NotFound
from suppliers.models import Offer, PriceTier, Product, Supplier
from suppliers.shipping import off_step

VAT_RATES = (Decimal("0"), Decimal("0.021"), Decimal("0.055"), Decimal("0.10"), Decimal("0.20"))
"""The French VAT rates: 0 %, 2.1 %, 5.5 %, 10 % and 20 %."""

MAX_LEAD_TIME_DAYS = 365


@dataclass(frozen=True)
class TierValues:
    """From `min_quantity` units on, every unit costs `unit_price` excluding VAT."""

    min_quantity: Decimal
    unit_price: Decimal

    def __post_init__(self) -> None:
        finite(self.min_quantity, self.unit_price)


@dataclass(frozen=True)
class OfferValues:
    product_id: int
    supplier_ref: str
    tiers: Sequence[TierValues]
    description: str = ""
    pack_size: Decimal = Decimal("1")
    min_order_quantity: Decimal = Decimal("0")
    capacity: Decimal | None = None
    lead_time_days: int = 3
    label: str = ""
    recycled_content: int = 0
    vat_rate: Decimal = Decimal("0.20")
    valid_from: date | None = None
    valid_until: date | None = None

    def __post_init__(self) -> None:
        finite(self.pack_size, self.min_order_quantity, self.capacity, self.vat_rate)


def create_offer(
    session: Session, supplier_id: int, values: OfferValues, *, actor: Actor | None
) -> Offer:
    """Adds what `supplier_id` sells for a product, with its price tiers."""
    supplier = supplier_by_id(session, supplier_id)
    _check_offer(session, supplier, values, None)
    offer = Offer(supplier=supplier, tiers=_tier_rows(values.tiers))
    _fill_offer(offer, values)
    session.add(offer)
    session.flush()
    record_event(session, "offer.create", "offer", offer.id, actor=actor, ref=offer.supplier_ref)
    return offer


def update_offer(
    session: Session, offer_id: int, values: OfferValues, *, actor: Actor | None
) -> Offer:
    """Changes an offer's terms; its price tiers are replaced by those given."""
    offer = offer_by_id(session, offer_id)
    _check_offer(session, offer.supplier, values, offer)
    _fill_offer(offer, values)
    offer.tiers.clear()
    session.flush()
    offer.tiers.extend(_tier_rows(values.tiers))
    session.flush()
    record_event(session, "offer.update", "offer", offer.id, actor=actor, ref=offer.supplier_ref)
    return offer


def deactivate_offer(session: Session, offer_id: int, *, actor: Actor | None) -> Offer:
    """The offer stays on record but is no longer proposed to members nor to the optimizer."""
    return _set_active(session, offer_id, False, actor)


def reactivate_offer(session: Session, offer_id: int, *, actor: Actor | None) -> Offer:
    """A deactivated offer is proposed again."""
    return _set_active(session, offer_id, True, actor)


def _set_active(session: Session, offer_id: int, active: bool, actor: Actor | None) -> Offer:
    offer = offer_by_id(session, offer_id)
    offer.active = active
    session.flush()
    action = "offer.reactivate" if active else "offer.deactivate"
    record_event(session, action, "offer", offer.id, actor=actor, ref=offer.supplier_ref)
    return offer


def offer_by_id(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(Message(N_("No such offer.")))
    return offer


def _check_offer(
    session: Session, supplier: Supplier, values: OfferValues, current: Offer | None
) -> None:
    errors: dict[str, Message] = {}
    product = session.get(Product, values.product_id)
    if product is None:
        errors["product_id"] = Message(N_("No such product."))
    missing_ref = N_("A supplier reference is required.")
    if not required(errors, "supplier_ref", values.supplier_ref, 60, missing_ref):
        other = session.scalar(
            select(Offer).where(
                Offer.supplier_id == supplier.id, Offer.supplier_ref == values.supplier_ref.strip()
            )
        )
        if other is not None and other is not current:
            errors["supplier_ref"] = Message(
                N_("%(supplier)s already has an offer with reference %(ref)s."),
                {"supplier": supplier.name, "ref": other.supplier_ref},
            )
    at_most(errors, "description", values.description, 300)
    at_most(errors, "label", values.label, 80)
    if values.pack_size <= 0:
        errors["pack_size"] = Message(N_("A pack holds more than zero units."))
    else:
        fits(errors, "pack_size", values.pack_size, 3, MAX_QUANTITY)
        if "pack_size" not in errors and product is not None:
            # packs are shared among members in whole shipping steps
            off = off_step(product, values.pack_size)
            if off is not None:
                errors["pack_size"] = off
    if values.min_order_quantity < 0:
        errors["min_order_quantity"] = Message(N_("A minimum order cannot be negative."))
    else:
        fits(errors, "min_order_quantity", values.min_order_quantity, 3, MAX_QUANTITY)
    if values.capacity is not None and values.capacity <= 0:
        errors["capacity"] = Message(
            N_("A capacity is more than zero; leave it empty when there is no limit.")
        )
    elif values.capacity is not None:
        fits(errors, "capacity", values.capacity, 3, MAX_QUANTITY)
    if not 0 <= values.lead_time_days <= MAX_LEAD_TIME_DAYS:
        errors["lead_time_days"] = Message(
            N_("A lead time lies between 0 and %(maximum)d days."),
            {"maximum": MAX_LEAD_TIME_DAYS},
        )
    if not 0 <= values.recycled_content <= 100:
        errors["recycled_content"] = Message(
            N_("Recycled content is a share between 0 and %(maximum)d."), {"maximum": 100}
        )
    if values.vat_rate not in VAT_RATES:
        errors["vat_rate"] = Message(
            N_("VAT is one of the French rates: %(rates)s."), {"rates": "0 ; 2,1 ; 5,5 ; 10 ; 20 %"}
        )
    if values.valid_from and values.valid_until and values.valid_until < values.valid_from:
        errors["valid_until"] = Message(N_("The offer ends after it starts."))
    _check_tiers(values.tiers, errors)
    if errors:
        raise Invalid(errors)


def tier_errors(tiers: Sequence[TierValues]) -> dict[str, Message]:
    """What is wrong with a list of price tiers, by field (`tiers`, `tiers.0.unit_price`);
    empty when they are right. The same rules as an offer's tiers."""
    errors: dict[str, Message] = {}
    _check_tiers(tiers, errors)
    return errors


def _check_tiers(tiers: Sequence[TierValues], errors: dict[str, Message]) -> None:
    """All-units discounts: at least one tier; each starts at more units than the one before
    (the first at zero or more); a unit price is never negative and never rises with quantity."""
    if not tiers:
        errors["tiers"] = Message(
            N_("Give at least one price tier: from a quantity, a unit price.")
        )
        return
    for index, tier in enumerate(tiers):
        quantity, price = f"tiers.{index}.min_quantity", f"tiers.{index}.unit_price"
        before = tiers[index - 1] if index else None
        if tier.min_quantity < 0:
            errors[quantity] = Message(N_("A tier starts at zero or more units."))
        elif before is not None and tier.min_quantity <= before.min_quantity:
            errors[quantity] = Message(N_("Each tier starts at more units than the one before."))
        else:
            fits(errors, quantity, tier.min_quantity, 3, MAX_QUANTITY)
        if tier.unit_price < 0:
            errors[price] = Message(N_("A unit price cannot be negative."))
        elif before is not None and quantity not in errors and tier.unit_price > before.unit_price:
            errors[price] = Message(
                N_("Buying more never costs more per unit: this price is above the one before.")
            )
        else:
            fits(errors, price, tier.unit_price, 4, MAX_AMOUNT)


def _tier_rows(tiers: Sequence[TierValues]) -> list[PriceTier]:
    return [PriceTier(min_quantity=t.min_quantity, unit_price=t.unit_price) for t in tiers]


def _fill_offer(offer: Offer, values: OfferValues) -> None:
    offer.product_id = values.product_id
    offer.supplier_ref = values.supplier_ref.strip()
    offer.description = " ".join(values.description.split())
    offer.label = " ".join(values.label.split()) or None
    offer.pack_size = values.pack_size
    offer.min_order_quantity = values.min_order_quantity
    offer.capacity = values.capacity
    offer.lead_time_days = values.lead_time_days
    offer.recycled_content = values.recycled_content
    offer.vat_rate = values.vat_rate
    offer.valid_from = values.valid_from
    offer.valid_until = values.valid_until
