"""Reminders for overdue invoices: sent by the scheduler through the e-mail job to the member's
users, at most once per invoice every `reminder_days` (14 unless the admin sets another)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from money.invoicing import issue_batch_invoices
from money.journal import billing_settings
from money.models import MemberInvoice
from money.payments import PaymentValues, receive_payment
from money.reminders import remind_overdue_invoices
from persistence.audit import AuditEvent
from purchasing.errors import NotAllowed
from scheduling.jobs import remind_overdue
from tests.smtp_server import SmtpServer, attachments, send_all

ISSUED = date(2027, 1, 15)  # due on 14 February
LATE = datetime(2027, 2, 20, 7, 0, tzinfo=UTC)  # six days past due


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


@pytest.fixture
def invoiced(session, sessions, smtp, received):
    issued = issue_batch_invoices(session, received.batch.id, ISSUED, actor=None).issued
    session.commit()
    # The invoices themselves go to the members first; the reminders are what follows.
    send_all(sessions)
    smtp.inbox.messages.clear()
    smtp.inbox.recipients.clear()
    return received, {invoice.member_id: invoice for invoice in issued}


def _reminded(sessions, now) -> int:
    count = remind_overdue(sessions, now=now)
    send_all(sessions)
    return count


def test_an_overdue_invoice_is_reminded_once_then_again_after_14_days(
    session, sessions, invoiced, smtp
):
    received, invoice_of = invoiced

    assert _reminded(sessions, LATE - timedelta(days=6)) == 0  # on its due date: not overdue
    assert _reminded(sessions, LATE) == 2
    assert sorted(r[0] for r in smtp.inbox.recipients) == [
        "epicerie@example.org",
        "velo@example.org",
    ]
    message = next(m for m in smtp.inbox.messages if m["To"] == "velo@example.org")
    velo_invoice = invoice_of[received.members[0].id]
    assert message["Subject"] == f"Relance : facture {velo_invoice.number} échue le 14/02/2027"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "il y a 6 jours" in body and velo_invoice.number in body
    assert attachments(message) == {f"{velo_invoice.number}.pdf": velo_invoice.facturx}

    assert _reminded(sessions, LATE + timedelta(days=1)) == 0
    assert _reminded(sessions, LATE + timedelta(days=13, hours=23)) == 0
    assert len(smtp.inbox.messages) == 2

    assert _reminded(sessions, LATE + timedelta(days=14)) == 2
    assert len(smtp.inbox.messages) == 4
    session.expire_all()
    stored = session.get(MemberInvoice, velo_invoice.id)
    assert stored.last_reminder_at == LATE + timedelta(days=14)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "invoice.remind")))
    assert len(events) == 4
    assert {event.details["by"] for event in events} == {"scheduler"}


def test_the_admins_rhythm_and_a_settled_invoice_are_respected(session, sessions, invoiced, smtp):
    received, invoice_of = invoiced
    billing_settings(session).reminder_days = 3
    paid = invoice_of[received.members[1].id]
    receive_payment(
        session,
        PaymentValues(paid.member_id, paid.total_incl, ISSUED, "transfer", paid.number),
        actor=None,
    )
    session.commit()

    assert _reminded(sessions, LATE) == 1
    assert _reminded(sessions, LATE + timedelta(days=2)) == 0
    assert _reminded(sessions, LATE + timedelta(days=3)) == 1
    assert [r[0] for r in smtp.inbox.recipients] == ["velo@example.org"] * 2


def test_asking_twice_the_same_day_queues_one_email_per_recipient(session, invoiced):
    received, _ = invoiced

    first = remind_overdue_invoices(session, actor=None, now=LATE)
    again = remind_overdue_invoices(session, actor=None, now=LATE + timedelta(hours=1))
    session.commit()

    assert len(first) == 2 and again == []
    reminders = select(func.count(OutgoingEmail.id)).where(
        OutgoingEmail.idempotency_key.startswith("invoice_reminder/")
    )
    assert session.scalar(reminders) == 2
    with pytest.raises(NotAllowed):
        remind_overdue_invoices(session, actor=received.users[0], now=LATE)


def test_without_email_the_scheduler_reminds_nobody(session, sessions, invoiced, monkeypatch):
    monkeypatch.delenv("COACHAT_SMTP_HOST", raising=False)

    assert remind_overdue(sessions, now=LATE) == 0
    reminders = select(func.count(OutgoingEmail.id)).where(
        OutgoingEmail.idempotency_key.startswith("invoice_reminder/")
    )
    assert session.scalar(reminders) == 0
    assert (
        session.scalar(
            select(func.count(MemberInvoice.id)).where(MemberInvoice.last_reminder_at.is_not(None))
        )
        == 0
    )
