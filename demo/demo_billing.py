"""The demo cooperative's history billed: its received batch invoiced two weeks ago, most
members paying by SEPA direct debit (a collection file due tomorrow), one by a transfer read
from the bank statement, one late with its membership dues, and a credit note for a unit found
damaged after invoicing. Every step goes through the same use cases as the pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.orm import Session

from money.bank_import import import_bank_statement
from money.credit_notes import CorrectionValues, issue_credit_note
from money.direct_debits import build_collection
from money.dues import issue_dues
from money.formats.camt_writer import StatementLine, statement_file
from money.invoicing import issue_batch_invoices
from money.mandates import add_mandate, read_mandate
from money.models import MemberDues, MemberInvoice
from purchasing.models import (
    Batch,
    Delivery,
    DeliveryLine,
    DeliverySite,
    PurchaseOrder,
    PurchaseOrderLine,
    User,
)
from purchasing.people.cooperative import cooperative_record

DUES = Decimal("60.00")
# The bank account's balance when last week's statement opens (after the suppliers were paid).
OPENING_BALANCE = Decimal("12480.00")


def _member_iban(member_id: int) -> str:
    return str(
        IBAN.generate(
            "FR", bank_code="30004", branch_code="00031", account_code=f"{member_id:011d}"
        ).compact
    )


def _damaged(session: Session, batch_id: int) -> tuple[int, str] | None:
    """The member that received damaged units, and the order they came with."""
    row = session.execute(
        select(DeliverySite.member_id, PurchaseOrder.number)
        .select_from(DeliveryLine)
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .join(DeliverySite, DeliverySite.id == Delivery.site_id)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == DeliveryLine.order_line_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrder.batch_id == batch_id, DeliveryLine.damaged > 0)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def bill_history(session: Session, lead: User, today: date) -> None:
    """Bills the demo's received batch (the first one) as told in the module's docstring."""
    batch = session.scalars(select(Batch).order_by(Batch.id).limit(1)).one()
    issued_on = today - timedelta(days=13)
    damaged = _damaged(session, batch.id)
    invoiced = issue_batch_invoices(session, batch.id, issued_on, actor=lead).issued
    by_member = {invoice.member_id: invoice for invoice in invoiced}
    members = sorted(by_member)
    # The last member pays by transfer, the one before is late with its dues: neither signed
    # a mandate. The member whose goods came damaged pays by direct debit.
    by_transfer, late = members[-1], members[-2]
    if damaged is not None and damaged[0] in (by_transfer, late):
        by_transfer, late = members[0], members[1]
    session.add(MemberDues(member_id=late, amount=DUES))
    session.flush()
    issue_dues(session, (today - timedelta(days=60)).year, today - timedelta(days=60), actor=lead)
    if damaged is not None:
        invoice = by_member[damaged[0]]
        line = next(
            (ln for ln in invoice.lines if ln.kind == "goods" and damaged[1] in ln.name),
            next(ln for ln in invoice.lines if ln.kind == "goods"),
        )
        issue_credit_note(
            session,
            invoice.number,
            CorrectionValues(
                units={line.position: min(Decimal(1), line.quantity)},
                reason="Unité abîmée constatée au déballage, après facturation",
            ),
            today - timedelta(days=10),
            actor=lead,
        )
    signed_on = today - timedelta(days=40)
    for member_id in members:
        if member_id in (by_transfer, late):
            continue
        values = read_mandate(
            {
                "member_id": member_id,
                "iban": _member_iban(member_id),
                "bic": "BNPAFRPPXXX",
                "signed_on": signed_on.isoformat(),
            },
            today,
        )
        add_mandate(session, values, actor=lead)
    due_by = max(invoice.due_date for invoice in invoiced)
    build_collection(session, due_by, due_by, issued_on + timedelta(days=1), actor=lead)
    _transfer_statement(session, by_member[by_transfer], lead, today)


def _transfer_statement(session: Session, invoice: MemberInvoice, lead: User, today: date) -> None:
    """Last week's bank statement: the transfer paying `invoice`, and the bank's fees."""
    paid_on = today - timedelta(days=4)
    lines = [
        StatementLine(
            booked_on=paid_on,
            amount=invoice.total_incl,
            credit=True,
            bank_reference=f"DEMO-VIR-{invoice.number}",
            remittance=f"Règlement facture {invoice.number}",
            counterparty_name=invoice.member.name,
            counterparty_iban=_member_iban(invoice.member_id),
        ),
        StatementLine(
            booked_on=paid_on + timedelta(days=1),
            amount=Decimal("8.40"),
            credit=False,
            bank_reference="DEMO-FRAIS-1",
            remittance="Frais de tenue de compte",
            counterparty_name="Crédit Coopératif",
        ),
    ]
    data = statement_file(
        account_iban=cooperative_record(session).iban,
        statement_id=f"DEMO-{today:%Y%m%d}",
        created_at=datetime(paid_on.year, paid_on.month, paid_on.day) + timedelta(days=2),
        opening_balance=OPENING_BALANCE,
        lines=lines,
    )
    import_bank_statement(session, data, actor=lead)
