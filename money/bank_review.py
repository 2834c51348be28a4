"""The bank lines the import could not match, waiting for the lead.

For a credit, the lead sees suggestions (open invoices of a similar amount, members of a
similar name) and assigns it to a member, and to some of its invoices if it wants: it is then
recorded as that member's transfer, like a matched one. A credit that is not a member's payment
(a refund from a supplier, interest) is marked ignored. Debits going out are kept and shown;
they wait for the supplier payments they settle.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.bank_import import normalised_name, pay_from_line
from money.journal import open_amounts
from money.models import BankLine, MemberInvoice, Payment
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.models import Member
from purchasing.permissions import RECORD_PAYMENTS, require

SIMILAR_AMOUNT = Decimal("0.10")  # within 10 % of the credit
SIMILAR_NAME = 70  # rapidfuzz score out of 100
SHOWN = 5


@dataclass(frozen=True)
class Suggestions:
    """What a waiting credit might be: open invoices of a similar amount (closest first, with
    what is due) and members of a similar name (best first, with the score)."""

    invoices: tuple[tuple[MemberInvoice, Decimal], ...]
    members: tuple[tuple[Member, int], ...]


def bank_lines(session: Session, *, status: str, direction: str | None = None) -> list[BankLine]:
    """Bank lines of a status (and direction), newest first."""
    query = select(BankLine).where(BankLine.status == status)
    if direction is not None:
        query = query.where(BankLine.direction == direction)
    return list(session.scalars(query.order_by(BankLine.booking_date.desc(), BankLine.id.desc())))


def line_payments(session: Session, lines: list[BankLine]) -> dict[int, Payment]:
    """The payments lines name, by id, with their member."""
    ids = [line.payment_id for line in lines if line.payment_id is not None]
    if not ids:
        return {}
    return {
        p.id: p
        for p in session.scalars(
            select(Payment).where(Payment.id.in_(ids)).options(selectinload(Payment.member))
        )
    }


def _open_invoices(session: Session) -> list[tuple[MemberInvoice, Decimal]]:
    found = list(
        session.scalars(
            select(MemberInvoice)
            .where(MemberInvoice.kind == "invoice")
            .options(selectinload(MemberInvoice.member))
        )
    )
    due = open_amounts(session, [invoice.number for invoice in found])
    return [(invoice, due[invoice.number]) for invoice in found if due[invoice.number] > 0]


def suggestions(session: Session, line: BankLine) -> Suggestions:
    """Open invoices within 10 % of the credit's amount, and members whose name is like the
    payer's."""
    near = [
        (invoice, due)
        for invoice, due in _open_invoices(session)
        if abs(due - line.amount) <= line.amount * SIMILAR_AMOUNT
    ]
    near.sort(key=lambda pair: (abs(pair[1] - line.amount), pair[0].due_date))
    payer = normalised_name(line.counterparty_name)
    alike: list[tuple[Member, int]] = []
    if payer:
        for member in session.scalars(select(Member).where(Member.active.is_(True))):
            score = round(fuzz.token_set_ratio(payer, normalised_name(member.name)))
            if score >= SIMILAR_NAME:
                alike.append((member, score))
        alike.sort(key=lambda pair: (-pair[1], pair[0].name))
    return Suggestions(tuple(near[:SHOWN]), tuple(alike[:SHOWN]))


def _waiting_line(session: Session, line_id: int) -> BankLine:
    line = session.get(BankLine, line_id, with_for_update=True)
    if line is None:
        raise NotFound(Message(N_("No such bank line.")))
    if line.status != "waiting":
        raise Conflict(Message(N_("This bank line was dealt with already.")))
    return line


def assign_bank_line(
    session: Session,
    line_id: int,
    member_id: int,
    invoice_numbers: tuple[str, ...] = (),
    *,
    actor: Actor | None,
) -> Payment:
    """Records a waiting credit as the member's transfer, set against the invoices named (else
    its oldest). Refused for a debit and for a line dealt with already. Flushes."""
    require(actor, RECORD_PAYMENTS)
    line = _waiting_line(session, line_id)
    if line.direction != "credit":
        raise Conflict(Message(N_("Only money received can be assigned to a member.")))
    payment = pay_from_line(session, line, member_id, invoice_numbers, actor)
    session.flush()
    record_event(
        session,
        "bank_line.assign",
        "bank_line",
        line.id,
        actor=actor,
        payment=payment.id,
        member=payment.member.name,
        amount=str(line.amount),
    )
    return payment


def ignore_bank_line(session: Session, line_id: int, *, actor: Actor | None) -> BankLine:
    """Marks a waiting line as no member's payment: it waits no more. Flushes."""
    require(actor, RECORD_PAYMENTS)
    line = _waiting_line(session, line_id)
    line.status = "ignored"
    session.flush()
    record_event(
        session,
        "bank_line.ignore",
        "bank_line",
        line.id,
        actor=actor,
        amount=str(line.amount),
        direction=line.direction,
        remittance=line.remittance[:140],
    )
    return line
