"""The demo cooperative's history is billed: its received batch invoiced, most members paying
by direct debit, one by a transfer matched from the bank statement, one late, and a credit
note for a unit found damaged."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import select

from money.journal import member_balances, open_amounts
from money.models import BankLine, DirectDebitRun, Mandate, MemberInvoice, Payment


@pytest.mark.long
def test_the_demo_history_is_billed_and_collected(loaded_demo, session, today):

    documents = list(session.scalars(select(MemberInvoice)))
    kinds = Counter((d.kind, d.subject) for d in documents)
    assert kinds[("credit_note", "correction")] == 1
    assert kinds[("invoice", "dues")] == 1
    batch_invoices = [d for d in documents if d.subject == "batch"]
    assert len(batch_invoices) >= 10

    run = session.scalars(select(DirectDebitRun)).one()
    debits = list(session.scalars(select(Payment).where(Payment.method == "direct_debit")))
    assert len(debits) == run.count >= len(batch_invoices) - 2
    assert session.scalar(select(Mandate.id).where(Mandate.active.is_(False))) is None
    root = etree.fromstring(run.file)
    assert {e.text for e in root.iter("{*}SeqTp")} == {"FRST"}

    [transfer] = session.scalars(select(Payment).where(Payment.method == "transfer"))
    matched = session.scalars(select(BankLine).where(BankLine.status == "matched")).one()
    assert matched.payment_id == transfer.id
    assert [
        line.direction
        for line in session.scalars(select(BankLine).where(BankLine.status == "waiting"))
    ] == ["debit"]

    open_ = open_amounts(session, [d.number for d in documents if d.kind == "invoice"])
    overdue = [
        d for d in documents if d.kind == "invoice" and d.due_date < today and open_[d.number] > 0
    ]
    assert [d.subject for d in overdue] == ["dues"]
    unpaid = {d.member_id for d in documents if d.kind == "invoice" and open_[d.number] > 0}
    assert unpaid == {overdue[0].member_id}
    assert sum(member_balances(session).values(), Decimal(0)) > 0
