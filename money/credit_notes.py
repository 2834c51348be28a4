"""Credit notes: a correction is never an edit of the invoice but a new document naming it,
giving back units of its lines at the invoiced price and VAT."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.drafting import DraftLine
from money.invoicing import invoice_by_number
from money.issuing import _issue
from money.models import MemberInvoice
from persistence.audit import Actor
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.models import Batch
from purchasing.permissions import ISSUE_INVOICES, require

ZERO = Decimal(0)


@dataclass(frozen=True)
class CorrectionValues:
    """What a credit note gives back: units of some lines (by position), or a whole line."""

    units: dict[int, Decimal]
    reason: str


def already_credited(session: Session, invoice: MemberInvoice) -> dict[int, Decimal]:
    """Units of each line of `invoice` given back by its credit notes so far, by position."""
    credited: dict[int, Decimal] = {}
    notes = session.scalars(
        select(MemberInvoice)
        .where(MemberInvoice.corrects_id == invoice.id)
        .options(selectinload(MemberInvoice.lines))
    )
    for note in notes:
        for line in note.lines:
            if line.corrects_position is not None:
                position = line.corrects_position
                credited[position] = credited.get(position, ZERO) + line.quantity
    return credited


def issue_credit_note(
    session: Session,
    invoice_number: str,
    values: CorrectionValues,
    today: date,
    *,
    actor: Actor | None,
) -> MemberInvoice:
    """Issues a credit note on the invoice for the units given back (goods found missing or
    damaged after invoicing, a supplier's cut accepted late): each at the invoiced price and
    VAT. Refused for more units than were invoiced less those credited already, for a credit
    note on a credit note, and without a reason."""
    require(actor, ISSUE_INVOICES)
    invoice = invoice_by_number(session, invoice_number)
    errors: dict[str, Message] = {}
    if invoice.kind != "invoice":
        raise Conflict(Message(N_("A credit note corrects an invoice, not another credit note.")))
    if not values.reason.strip():
        errors["reason"] = Message(N_("Say why the credit note is issued."))
    lines_by_position = {line.position: line for line in invoice.lines}
    credited = already_credited(session, invoice)
    drafts: list[DraftLine] = []
    for position, units in sorted(values.units.items()):
        line = lines_by_position.get(position)
        field = f"units.{position}"
        if line is None:
            errors[field] = Message(N_("The invoice has no line %(line)s."), {"line": position})
            continue
        left = line.quantity - credited.get(position, ZERO)
        if units <= 0 or units > left:
            errors[field] = Message(
                N_("Give between 0 and %(left)s units back."), {"left": _number_text(left)}
            )
            continue
        drafts.append(
            DraftLine(
                kind=line.kind,
                name=f"Avoir : {line.name}"[:200],
                quantity=units,
                unit_code=line.unit_code,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                need_id=line.need_id,
                vat_category=line.vat_category,
                corrects_position=position,
            )
        )
    if not drafts and "reason" not in errors and not errors:
        errors["units"] = Message(N_("Give back at least one unit of one line."))
    if errors:
        raise Invalid(errors)
    batch = session.get(Batch, invoice.batch_id) if invoice.batch_id else None
    return _issue(
        session,
        kind="credit_note",
        subject="correction",
        member=invoice.member,
        batch=batch,
        lines=drafts,
        today=today,
        actor=actor,
        corrects=invoice,
        reason=values.reason.strip()[:2000],
    )


def _number_text(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")
