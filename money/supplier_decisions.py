"""What the purchasing lead decides about a supplier invoice the match did not clear: accept a
line in exception as it is, confirm the order an invoice naming none bills, refuse the
invoice; and the match's tolerances. Each decision is checked, audited, and the invoice
matched again, so its status follows at once: "to_pay" when every exception was accepted.

Asking the supplier for a credit note is `money.supplier_credit_request`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.purchase_entries import purchase_posted, reverse_purchase
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine, SupplierInvoiceOrder
from money.supplier_match_models import SupplierMatchSettings
from money.supplier_matching import (
    BILLABLE_ORDERS,
    OPEN,
    corrected_invoice,
    line_reasons,
    match_supplier_invoice,
    match_tolerances,
    supplier_invoice_for_match,
)
from money.three_way import Outcome
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import PurchaseOrder, User
from purchasing.parsing import parse_decimal
from purchasing.permissions import DECIDE_SUPPLIER_INVOICES, require

ZERO_OR_MORE = Decimal(0)
MAX_PRICE_PERCENT = Decimal(50)
MAX_REASON = 1000


def check_open(invoice: SupplierInvoice) -> None:
    """Refuses a decision on an invoice refused or paid."""
    if invoice.status == "refused":
        raise Conflict(Message(N_("This supplier invoice was refused: nothing more to decide.")))
    if invoice.status == "paid":
        raise Conflict(Message(N_("This supplier invoice is paid: nothing more to decide.")))


def decision_note(note: str, field: str = "note") -> str:
    """A note the lead adds to a decision, on one line; `Invalid` on `field` when too long."""
    text = " ".join((note or "").split())
    if len(text) > MAX_REASON:
        raise Invalid({field: Message(N_("At most %(most)s characters."), {"most": MAX_REASON})})
    return text


def invoice_line_at(session: Session, invoice_id: int, position: int) -> SupplierInvoiceLine:
    """The line of the invoice at `position` (1 for its first line), as a person names it:
    `NotFound` for no such invoice, `Invalid` on `line` for a position it does not have."""
    invoice = supplier_invoice_for_match(session, invoice_id)
    # Read among the invoice's lines, not queried: any number a person types is safe here.
    for line in invoice.lines:
        if line.position == position:
            return line
    raise Invalid({"line": Message(N_("This invoice has no line %(line)s."), {"line": position})})


def accept_invoice_line(
    session: Session, line_id: int, *, actor: Actor | None, note: str = ""
) -> SupplierInvoiceLine:
    """Accepts a line in exception as the supplier billed it (who and when are kept, and the
    lead's note in the audit trail); the invoice is to be paid once every exception is
    accepted. Refused: a line not in exception or an invoice refused or paid (`Conflict`), a
    note over 1,000 characters (`Invalid` on `note`). Flushes; the caller commits."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    line = session.get(SupplierInvoiceLine, line_id)
    if line is None:
        raise NotFound(Message(N_("This supplier invoice line does not exist.")))
    check_open(line.invoice)
    if line.outcome != Outcome.EXCEPTION:
        raise Conflict(Message(N_("This line is not in exception: there is nothing to accept.")))
    text = decision_note(note)
    line.outcome = Outcome.ACCEPTED.value
    line.accepted_by_id = actor.id if isinstance(actor, User) else None
    line.accepted_at = utcnow()
    session.flush()
    record_event(
        session,
        "supplier_invoice.accept_line",
        "supplier_invoice",
        line.invoice_id,
        actor=actor,
        line=line.position,
        description=line.description,
        reasons=[reason.render() for reason in line_reasons(line)],
        note=text,
    )
    match_supplier_invoice(session, line.invoice_id, actor=actor)
    return line


def link_supplier_invoice_order(
    session: Session, invoice_id: int, order_id: int, *, actor: Actor | None
) -> SupplierInvoice:
    """Confirms that the invoice bills the order (one the match proposed, or another of the
    supplier's), then matches it. Refused: an order of another supplier, not sent or
    cancelled (`Invalid` on `order_id`), or already linked (`Conflict`). Flushes."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    invoice = supplier_invoice_for_match(session, invoice_id)
    check_open(invoice)
    if invoice.kind != "invoice":
        raise Conflict(Message(N_("A credit note is matched through the invoice it corrects.")))
    order = session.get(PurchaseOrder, order_id)
    if order is None or order.supplier_id != invoice.supplier_id:
        raise Invalid({"order_id": Message(N_("This order is not one of the invoice's supplier."))})
    if order.status not in BILLABLE_ORDERS:
        raise Invalid({"order_id": Message(N_("This order was not sent to the supplier."))})
    if any(link.order_id == order_id for link in invoice.order_links):
        raise Conflict(Message(N_("The invoice is already matched to this order.")))
    invoice.order_links.append(SupplierInvoiceOrder(order_id=order_id))
    session.flush()
    record_event(session, "supplier_invoice.link_order", "supplier_invoice", invoice.id,
                 actor=actor, order=order.number)  # fmt: skip
    match_supplier_invoice(session, invoice.id, actor=actor)
    return invoice


def refuse_supplier_invoice(
    session: Session, invoice_id: int, reason: str, *, actor: Actor | None
) -> SupplierInvoice:
    """Refuses the invoice (or credit note) for the reason given: it will not be paid. A
    refused credit note no longer offsets the invoice it corrected, which is matched again.
    Refused: no reason (`Invalid` on `reason`), an invoice already refused or paid
    (`Conflict`). Flushes; the caller commits."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    invoice = supplier_invoice_for_match(session, invoice_id)
    check_open(invoice)
    text = decision_note(reason, "reason")
    if not text:
        raise Invalid({"reason": Message(N_("Say why the invoice is refused."))})
    invoice.status = "refused"
    invoice.refusal_reason = text
    session.flush()
    if purchase_posted(session, invoice):
        # It will not be paid: its purchase entry is cancelled by the reverse one, today.
        reverse_purchase(session, invoice, cooperative_today())
    record_event(session, "supplier_invoice.refuse", "supplier_invoice", invoice.id,
                 actor=actor, number=invoice.number, reason=text)  # fmt: skip
    if invoice.kind == "credit_note":
        corrected = corrected_invoice(session, invoice)
        if corrected is not None and corrected.status in OPEN:
            match_supplier_invoice(session, corrected.id, actor=actor)
    return invoice


@dataclass(frozen=True)
class ToleranceValues:
    """The tolerances as the lead types them: a percentage and a number of units."""

    price_percent: str
    quantity_units: str


def set_match_tolerances(
    session: Session, values: ToleranceValues, *, actor: Actor | None
) -> SupplierMatchSettings:
    """Sets the match's tolerances (price 0 to 50 %, quantity 0 units or more), then matches
    again every invoice still open, so that each follows the new tolerances. Refused
    (`Invalid`, by field, nothing stored) for a value that is not a number in its range.
    Flushes; the caller commits."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    errors: dict[str, Message] = {}
    price = parse_decimal(values.price_percent.strip())
    if price is None or not ZERO_OR_MORE <= price <= MAX_PRICE_PERCENT:
        errors["price_percent"] = Message(
            N_("Enter a percentage between 0 and %(most)s."), {"most": MAX_PRICE_PERCENT}
        )
    elif price != price.quantize(Decimal("0.01")):
        errors["price_percent"] = Message(N_("At most two decimals."))
    units = parse_decimal(values.quantity_units.strip())
    if units is None or units < ZERO_OR_MORE:
        errors["quantity_units"] = Message(N_("Enter a number of units, 0 or more."))
    elif units != units.quantize(Decimal("0.001")) or units >= Decimal("1e11"):
        errors["quantity_units"] = Message(N_("At most three decimals."))
    if errors:
        raise Invalid(errors)
    assert price is not None and units is not None
    before = match_tolerances(session)
    row = session.get(SupplierMatchSettings, 1)
    if row is None:
        row = SupplierMatchSettings(id=1)
        session.add(row)
    row.price_percent, row.quantity_units = price, units
    row.updated_by_id = actor.id if isinstance(actor, User) else None
    session.flush()
    record_event(
        session,
        "supplier_match.tolerances",
        "supplier_match_settings",
        1,
        actor=actor,
        price_percent=[str(before.price_percent), str(price)],
        quantity_units=[str(before.quantity_units), str(units)],
    )
    still_open = session.scalars(
        select(SupplierInvoice.id)
        .where(SupplierInvoice.status.in_(OPEN), SupplierInvoice.kind == "invoice")
        .order_by(SupplierInvoice.id)
    ).all()
    for invoice_id in still_open:
        match_supplier_invoice(session, invoice_id, actor=actor)
    return row
