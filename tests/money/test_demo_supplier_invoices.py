"""The demo cooperative's received batch has its supplier invoices: one per supplier, one billed
dearer than ordered whose exception a credit note resolved, bank details confirmed by a second
person, all paid by one transfer file; each supplier's account is settled in the journal."""

from __future__ import annotations

from datetime import timedelta

from lxml import etree
from sqlalchemy import select

from demo.demo import DEMO_ACCOUNTS
from mailing.models import OutgoingEmail
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
    [note] = [d for d in documents if d.kind == "credit_note"]
    # One invoice per supplier of the batch, read from its CII file, tied to its order.
    assert {i.supplier_id for i in invoices} == ordered
    assert len(invoices) == len(ordered) >= 3
    assert all(i.source == "cii" and i.order_links for i in invoices)
    assert all(i.issue_date == today - timedelta(days=14) for i in invoices)

    # One invoice billed a price above the order; the credit note the lead asked for offsets it.
    [disputed] = [i for i in invoices if any(ln.outcome == Outcome.CREDITED for ln in i.lines)]
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

    # One transfer run paid every supplier, the disputed one less its credit note.
    run = session.scalars(select(TransferRun)).one()
    assert run.execution_date == today - timedelta(days=7)
    payments = list(session.scalars(select(SupplierPayment)))
    assert {p.run_id for p in payments} == {run.id}
    assert {p.supplier_id for p in payments} == ordered
    paid = {p.supplier_id: p.amount for p in payments}
    assert paid[disputed.supplier_id] == disputed.grand_total - note.grand_total
    assert all(paid[i.supplier_id] == i.grand_total for i in invoices if i is not disputed)
    assert run.total == sum(paid.values())
    root = etree.fromstring(run.file)
    assert len(list(root.iter("{*}CdtTrfTxInf"))) == len(ordered)
    assert all(d.status == "paid" for d in documents)
    assert all(supplier_balance(session, supplier_id) == 0 for supplier_id in ordered)
