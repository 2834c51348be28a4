"""A supplier's quote through its signed link, without an account, and the lead's check of a
supplier that came by a tender.

A quote is taken while the tender is open and its closing time has not come (a quote one
second before the close is kept, one at the close or after is refused); it can be changed until
then, the last one counting. The tender's row is locked while a quote is stored, so that a
quote and the closing never pass each other. A supplier sees only its own quote. A new supplier
(invited by e-mail) who quotes becomes an inactive supplier record awaiting the lead's check.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.jsonio import problem_from_dict
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.orders.confirmations import SUPPLIER
from purchasing.permissions import RUN_TENDERS, require
from purchasing.tenders.links import invitation_for_token
from purchasing.tenders.models import (
    DECLINE_MAX,
    DOCUMENT_MAX_BYTES,
    Tender,
    TenderInvitation,
    TenderQuote,
    TenderQuoteLine,
    TenderQuoteTier,
)
from purchasing.tenders.values import CompanyValues, QuoteLineValues, QuoteValues
from suppliers.checks import MAX_AMOUNT, MAX_QUANTITY, at_most, fits
from suppliers.models import Product, Supplier
from suppliers.offers import MAX_LEAD_TIME_DAYS, tier_errors
from suppliers.shipping import off_step

DOCUMENT_KINDS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")
"""The evidence documents taken: PDF, PNG and JPEG files, told by their first bytes."""


def quote_request(
    session: Session, token: str, *, secret: str, now: datetime | None = None
) -> TenderInvitation:
    """What the supplier's page shows: its invitation, the tender's lines and its own quote so
    far. `LinkRefused` for a tampered, foreign or expired link (the tender closed)."""
    return invitation_for_token(session, token, secret, now=now)


def submit_quote(
    session: Session,
    token: str,
    values: QuoteValues,
    *,
    secret: str,
    now: datetime | None = None,
) -> TenderQuote:
    """Stores the supplier's quote (or its refusal to quote, with the reason), replacing the
    one before. Refused with `LinkRefused` when the link cannot be used or the tender has
    closed, and with `Invalid` naming each wrong field. Flushes; the caller commits."""
    now = now or utcnow()
    invitation = invitation_for_token(session, token, secret, now=now, lock=True)
    tender = invitation.tender
    _check_quote(tender, invitation, values, now)
    if invitation.new_supplier and invitation.supplier_id is None:
        assert values.company is not None
        invitation.supplier = _new_supplier(session, tender, invitation, values)
    quote = invitation.quote
    if quote is None:
        quote = TenderQuote(submitted_at=now)
        invitation.quote = quote
    quote.declined = values.declined
    quote.decline_reason = " ".join(values.decline_reason.split()) if values.declined else ""
    quote.delivery_fee = Decimal(0) if values.declined else values.delivery_fee
    quote.fee_waived_above = None if values.declined else values.fee_waived_above
    quote.valid_until = None if values.declined else values.valid_until
    quote.changed_at = now
    quote.lines.clear()
    session.flush()
    if not values.declined:
        quote.lines.extend(_line_row(line) for line in values.lines)
    session.flush()
    record_event(
        session,
        "tender.decline" if values.declined else "tender.quote",
        "tender",
        tender.id,
        actor=SUPPLIER,
        supplier=invitation.name,
        invitation=invitation.id,
        tender_lines=len(quote.lines),
    )
    return quote


def _line_row(line: QuoteLineValues) -> TenderQuoteLine:
    return TenderQuoteLine(
        tender_line_id=line.tender_line_id,
        pack_size=line.pack_size,
        min_order_quantity=line.min_order_quantity,
        lead_time_days=line.lead_time_days,
        label=" ".join(line.label.split()),
        label_expires_on=line.label_expires_on if line.label.strip() else None,
        recycled_content=line.recycled_content,
        document_name=line.document_name.strip() if line.document else "",
        document=line.document or None,
        tiers=[
            TenderQuoteTier(min_quantity=tier.min_quantity, unit_price=tier.unit_price)
            for tier in line.tiers
        ],
    )


def _check_quote(
    tender: Tender, invitation: TenderInvitation, values: QuoteValues, now: datetime
) -> None:
    errors: dict[str, Message] = {}
    today = cooperative_today(now)
    if invitation.new_supplier and invitation.supplier_id is None:
        _check_company(values.company, errors)
    if values.declined:
        reason = " ".join(values.decline_reason.split())
        if not reason:
            errors["decline_reason"] = Message(N_("Say why you do not quote."))
        elif len(reason) > DECLINE_MAX:
            errors["decline_reason"] = Message(
                N_("At most %(count)d characters."), {"count": DECLINE_MAX}
            )
        if errors:
            raise Invalid(errors)
        return
    lines = {line.id: line for line in tender.lines}
    quoted = [line.tender_line_id for line in values.lines]
    if not values.lines:
        errors["lines"] = Message(N_("Quote at least one line, or decline."))
    elif tender.rules == "whole_lot" and set(quoted) != set(lines):
        errors["lines"] = Message(N_("This request asks for a price on every line."))
    elif len(set(quoted)) != len(quoted):
        errors["lines"] = Message(N_("Quote each line once."))
    for index, line in enumerate(values.lines):
        tender_line = lines.get(line.tender_line_id)
        if tender_line is None:
            errors[f"lines.{index}"] = Message(N_("This request has no such line."))
            continue
        _check_line(f"lines.{index}", line, tender_line.product, today, errors)
    if values.delivery_fee < 0:
        errors["delivery_fee"] = Message(N_("A delivery fee cannot be negative."))
    else:
        fits(errors, "delivery_fee", values.delivery_fee, 2, MAX_AMOUNT)
    if values.fee_waived_above is not None and values.fee_waived_above < 0:
        errors["fee_waived_above"] = Message(N_("A threshold cannot be negative."))
    elif values.fee_waived_above is not None:
        fits(errors, "fee_waived_above", values.fee_waived_above, 2, MAX_AMOUNT)
    if values.valid_until is not None and values.valid_until < tender.wanted_date:
        errors["valid_until"] = Message(
            N_("The quote must hold until %(date)s at least, when the goods are wanted."),
            {"date": f"{tender.wanted_date:%d/%m/%Y}"},
        )
    if errors:
        raise Invalid(errors)


def _check_line(
    place: str, line: QuoteLineValues, product: Product, today: date, errors: dict[str, Message]
) -> None:
    for key, message in tier_errors(line.tiers).items():
        errors[f"{place}.{key}"] = message
    if line.pack_size <= 0:
        errors[f"{place}.pack_size"] = Message(N_("A pack holds more than zero units."))
    else:
        fits(errors, f"{place}.pack_size", line.pack_size, 3, MAX_QUANTITY)
        off = off_step(product, line.pack_size)
        if f"{place}.pack_size" not in errors and off is not None:
            errors[f"{place}.pack_size"] = off
    if line.min_order_quantity < 0:
        errors[f"{place}.min_order_quantity"] = Message(N_("A minimum order cannot be negative."))
    else:
        fits(errors, f"{place}.min_order_quantity", line.min_order_quantity, 3, MAX_QUANTITY)
    if not 0 <= line.lead_time_days <= MAX_LEAD_TIME_DAYS:
        errors[f"{place}.lead_time_days"] = Message(
            N_("A lead time lies between 0 and %(maximum)d days."),
            {"maximum": MAX_LEAD_TIME_DAYS},
        )
    at_most(errors, f"{place}.label", line.label, 80)
    if line.label_expires_on is not None and not line.label.strip():
        errors[f"{place}.label_expires_on"] = Message(N_("Name the label that expires then."))
    elif line.label_expires_on is not None and line.label_expires_on < today:
        errors[f"{place}.label_expires_on"] = Message(N_("This label has expired."))
    if not 0 <= line.recycled_content <= 100:
        errors[f"{place}.recycled_content"] = Message(
            N_("Recycled content is a share between 0 and %(maximum)d."), {"maximum": 100}
        )
    if line.document:
        if len(line.document) > DOCUMENT_MAX_BYTES:
            errors[f"{place}.document"] = Message(
                N_("A document is at most %(count)d MB."),
                {"count": DOCUMENT_MAX_BYTES // (1024 * 1024)},
            )
        elif not line.document.startswith(DOCUMENT_KINDS):
            errors[f"{place}.document"] = Message(N_("Send the document as PDF, PNG or JPEG."))
        elif not line.document_name.strip() or len(line.document_name) > 255:
            errors[f"{place}.document"] = Message(N_("Give the document's file name."))


def _check_company(company: CompanyValues | None, errors: dict[str, Message]) -> None:
    if company is None or not " ".join(company.town.split()):
        errors["company.town"] = Message(N_("Give the town your deliveries leave from."))
        return
    at_most(errors, "company.town", company.town, 120)
    at_most(errors, "company.address", company.address, 300)
    if len(company.postcode.strip()) > 10:
        errors["company.postcode"] = Message(N_("A postcode has at most 10 characters."))
    if (company.latitude is None) != (company.longitude is None):
        errors["company.latitude"] = Message(N_("Give both the latitude and the longitude."))
    for field, value, limit in (
        ("latitude", company.latitude, 90),
        ("longitude", company.longitude, 180),
    ):
        if value is not None and not -limit <= value <= limit:
            errors[f"company.{field}"] = Message(
                N_("Enter decimal degrees between -%(limit)d and %(limit)d."), {"limit": limit}
            )


def _new_supplier(
    session: Session, tender: Tender, invitation: TenderInvitation, values: QuoteValues
) -> Supplier:
    """The supplier record of a new supplier's first quote: inactive until the lead checks it.
    Without coordinates it stands at the centre of the tender's delivery sites."""
    company = values.company
    assert company is not None
    known = session.scalar(select(Supplier).where(Supplier.siret == invitation.siret))
    if known is not None:  # it quoted for another tender first
        return known
    latitude, longitude = company.latitude, company.longitude
    if latitude is None or longitude is None:
        latitude, longitude = _centre(tender)
    supplier = Supplier(
        name=invitation.name,
        siret=invitation.siret,
        address=" ".join(company.address.split()),
        postcode=company.postcode.strip(),
        town=" ".join(company.town.split()),
        latitude=float(latitude),
        longitude=float(longitude),
        contact_email=invitation.email,
        delivery_fee=values.delivery_fee,
        fee_waived_above=values.fee_waived_above,
        active=False,
    )
    session.add(supplier)
    session.flush()
    return supplier


def _centre(tender: Tender) -> tuple[Decimal, Decimal]:
    sites = [
        site.location
        for site in problem_from_dict(tender.batch.problem).sites
        if site.location is not None
    ]
    if not sites:
        return Decimal(0), Decimal(0)
    return (
        Decimal(str(round(sum(site.lat for site in sites) / len(sites), 6))),
        Decimal(str(round(sum(site.lon for site in sites) / len(sites), 6))),
    )


def supplier_awaiting_check(session: Session, supplier_id: int) -> TenderInvitation | None:
    """The invitation a supplier came by, while the lead has not checked it."""
    return session.scalar(
        select(TenderInvitation)
        .where(
            TenderInvitation.supplier_id == supplier_id,
            TenderInvitation.new_supplier.is_(True),
            TenderInvitation.checked_at.is_(None),
        )
        .order_by(TenderInvitation.id)
        .limit(1)
    )


def check_new_supplier(
    session: Session,
    supplier_id: int,
    *,
    actor: Actor | None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Supplier:
    """The lead has checked a supplier that came by a tender (its SIRET, labels and evidence)
    and, if needed, placed it: it becomes an active supplier. Flushes; the caller commits."""
    require(actor, RUN_TENDERS)
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(Message(N_("No such supplier.")))
    invitation = supplier_awaiting_check(session, supplier_id)
    if invitation is None:
        raise Conflict(Message(N_("This supplier is not waiting for a check.")))
    errors: dict[str, Message] = {}
    _check_company(
        CompanyValues(town=supplier.town, latitude=latitude, longitude=longitude), errors
    )
    if errors:
        raise Invalid({key.removeprefix("company."): message for key, message in errors.items()})
    if latitude is not None and longitude is not None:
        supplier.latitude, supplier.longitude = float(latitude), float(longitude)
    supplier.active = True
    now = utcnow()
    for came_by in session.scalars(
        select(TenderInvitation).where(
            TenderInvitation.supplier_id == supplier_id,
            TenderInvitation.new_supplier.is_(True),
            TenderInvitation.checked_at.is_(None),
        )
    ):
        came_by.checked_at = now
        came_by.checked_by_id = actor.id if actor is not None else None
    session.flush()
    record_event(
        session,
        "tender.supplier_checked",
        "supplier",
        supplier.id,
        actor=actor,
        name=supplier.name,
        siret=supplier.siret,
    )
    return supplier
