"""The demo cooperative's received batch has its supplier invoices: one per supplier, in CII, UBL
and Factur-X, one billed dearer than ordered whose exception a credit note resolved, the unit
credited to a member recovered by the supplier's credit note, bank details confirmed by a second
person, all paid by one transfer file that the bank statement shows debited; each supplier's
account is settled in the journal, and the batch's result is explained without a remainder."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from lxml import etree
from sqlalchemy import select

from demo.demo import DEMO_ACCOUNTS
from mailing.models import OutgoingEmail
from money.batch_result import FEE, NOT_RECOVERED, ROUNDING, batch_result
from money.journal import billing_settings
from money.models import BankLine, JournalLine, MemberInvoice
from money.payables_models import SupplierBankAccount, SupplierPayment, TransferRun
from money.purchase_entries import supplier_balance
from money.supplier_invoice_models import SupplierInvoice
from money.three_way import Outcome
from persistence.audit import AuditEvent
from purchasing.models import Batch, PurchaseOrder, User


def test_the_received_batch_suppliers_are_invoiced_resolved_and_paid(loaded_demo, session, today):
    batch = session.scalars(select(Batch).order_by(Batch.id).limit(1)).one()
    ordered = set(
        session.scalars(select(PurchaseOrder.supplier_id).where(PurchaseOrder.batch_id == batch.id))
    )
    documents = list(session.scalars(select(SupplierInvoice).order_by(SupplierInvoice.id)))
    invoices = [d for d in documents if d.kind == "invoice"]
    notes = [d for d in documents if d.kind == "credit_note"]
    # One invoice per supplier of the batch, read from its file, tied to its order; the
    # suppliers' software writes the three formats a French buyer must take.
    assert {i.supplier_id for i in invoices} == ordered
    assert len(invoices) == len(ordered) >= 4
    assert all(i.order_links for i in invoices)
    assert {i.source for i in invoices} == {"cii", "ubl", "facturx"}
    assert all(i.issue_date == today - timedelta(days=14) for i in invoices)

    # One invoice billed a price above the order; the credit note the lead asked for offsets it.
    [disputed] = [i for i in invoices if any(ln.outcome == Outcome.CREDITED for ln in i.lines)]
    [note] = [n for n in notes if n.corrects_id == disputed.id]
    assert note.corrects_id == disputed.id and note.supplier_id == disputed.supplier_id
    [credited] = [ln for ln in disputed.lines if ln.outcome == Outcome.CREDITED]
    assert "instead of" in (credited.reason or "")
    assert credited.quantity * credited.unit_price > note.total_without_tax > 0
    others = [ln for i in invoices if i is not disputed for ln in i.lines]
    assert all(ln.outcome == Outcome.AGREES for ln in others)
    lead = session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[1][1]))
    admin = session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1]))
    assert lead is not None and admin is not None
    [request] = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supplier_invoice.request_credit_note")
    )
    assert (request.object_id, request.user_id) == (disputed.id, lead.id)
    email = session.get(OutgoingEmail, request.details["email"])
    assert email is not None and email.status == "sent"  # not sent again when the demo runs

    # Bank details proposed by the lead, confirmed by the administrator.
    accounts = list(session.scalars(select(SupplierBankAccount)))
    assert {a.supplier_id for a in accounts} == ordered
    assert all(a.state == "active" for a in accounts)
    assert all((a.proposed_by_id, a.confirmed_by_id) == (lead.id, admin.id) for a in accounts)

    # The unit credited to a member after invoicing is credited by its supplier too.
    [member_note] = session.scalars(
        select(MemberInvoice).where(
            MemberInvoice.batch_id == batch.id, MemberInvoice.kind == "credit_note"
        )
    )
    [recovered] = [n for n in notes if n is not note]
    [unit] = recovered.lines
    [credited_line] = [ln for ln in member_note.lines if ln.kind == "goods"]
    assert recovered.corrects_id in {i.id for i in invoices} and recovered.status == "paid"
    assert unit.quantity * unit.unit_price == credited_line.quantity * credited_line.unit_price
    assert recovered.issue_date == member_note.issue_date + timedelta(days=1)

    # One transfer run paid every supplier, each invoice less its credit notes.
    run = session.scalars(select(TransferRun)).one()
    assert run.execution_date == today - timedelta(days=7)
    payments = list(session.scalars(select(SupplierPayment)))
    assert {p.run_id for p in payments} == {run.id}
    assert {p.supplier_id for p in payments} == ordered
    paid = {p.supplier_id: p.amount for p in payments}
    for invoice in invoices:
        credits = sum(n.grand_total for n in notes if n.corrects_id == invoice.id)
        assert paid[invoice.supplier_id] == invoice.grand_total - credits
    assert run.total == sum(paid.values())
    root = etree.fromstring(run.file)
    assert len(list(root.iter("{*}CdtTrfTxInf"))) == len(ordered)
    assert all(d.status == "paid" for d in documents)
    assert all(supplier_balance(session, supplier_id) == 0 for supplier_id in ordered)

    # The bank statement of the next day shows each transfer debited, by its end-to-end id;
    # each payment's bank entry credits the bank account with what left it.
    bank = billing_settings(session).account_bank
    for payment in payments:
        line = session.get(BankLine, payment.bank_line_id)
        assert line is not None and line.status == "known"
        assert (line.amount, line.direction, line.end_to_end_id) == (
            payment.amount, "debit", payment.end_to_end_id,
        )  # fmt: skip
        assert line.booking_date == run.execution_date
        posted = session.scalars(
            select(JournalLine.credit).where(
                JournalLine.entry_id == payment.entry_id, JournalLine.account == bank
            )
        ).all()
        assert posted == [payment.amount]


def test_the_demo_batch_result_is_explained_to_the_last_cent(loaded_demo, session):
    batch = session.scalars(select(Batch).order_by(Batch.id).limit(1)).one()
    result = batch_result(session, batch.id, actor=None)
    # Both sides read again from the documents issued and received, signed by their kind.
    members = list(session.scalars(select(MemberInvoice).where(MemberInvoice.batch_id == batch.id)))
    members_net = sum(m.total_excl * (-1 if m.kind == "credit_note" else 1) for m in members)
    suppliers_net = sum(
        d.total_without_tax * (-1 if d.kind == "credit_note" else 1)
        for d in session.scalars(select(SupplierInvoice))
    )
    assert result.difference == members_net - suppliers_net
    assert sum(line.amount for line in result.explanations) == result.difference
    # The member's credit note was recovered from the supplier: nothing is left unexplained,
    # and what rounding there is stays within a cent a line of the members' documents.
    categories = {line.category for line in result.explanations}
    assert categories <= {FEE, ROUNDING} and NOT_RECOVERED not in categories
    lines = sum(len(m.lines) for m in members)
    rounding = sum(line.amount for line in result.explanations if line.category == ROUNDING)
    assert abs(rounding) <= Decimal("0.01") * lines
    assert result.settled
