"""Reminders for overdue invoices, sent by the general e-mail job.

An invoice past its due date with something still open is reminded to each active user of its
member, at most once every `BillingSettings.reminder_days` days (14 unless the admin sets
another rhythm): the day of the last reminder is kept on the invoice (`last_reminder_at`) and
claimed by a conditional update, so that two schedulers running at once send one reminder.
Each e-mail's key names the invoice, the day and the recipient: asking twice the same day
queues nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mailing.outbox import queue_email
from money.books import amount_text
from money.journal import billing_settings
from money.models import MemberInvoice
from money.receivables import open_invoices_on
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.clock import cooperative_today
from purchasing.models import User
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import COLLECT_PAYMENTS, require

PURPOSE = "invoice_reminder"


@dataclass(frozen=True)
class Reminded:
    """An invoice reminded, and to whom."""

    number: str
    recipients: tuple[str, ...]


def _recipients(session: Session, member_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.member_id == member_id, User.active.is_(True)).order_by(User.id)
        )
    )


def reminder_content(
    session: Session, invoice: MemberInvoice, open_amount: Decimal, today: date
) -> tuple[str, str]:
    """The subject and body (in French) of an invoice's reminder."""
    record = cooperative_record(session)
    days = (today - invoice.due_date).days
    lines = [
        "Bonjour,",
        "",
        f"Sauf erreur de notre part, la facture {invoice.number} du "
        f"{invoice.issue_date:%d/%m/%Y}, échue le {invoice.due_date:%d/%m/%Y} "
        f"(il y a {days} jour{'s' if days > 1 else ''}), reste due pour "
        f"{amount_text(open_amount)} € sur {amount_text(invoice.total_incl)} €.",
        "",
        "Vous la trouverez ci-jointe. Merci de procéder à son règlement"
        + (f" par virement sur le compte {record.iban}" if record.iban else "")
        + f" en indiquant la référence {invoice.number}.",
        "Si vous l'avez réglée entre-temps, merci de ne pas tenir compte de ce message.",
        "",
        "Cordialement,",
        record.name,
    ]
    subject = f"Relance : facture {invoice.number} échue le {invoice.due_date:%d/%m/%Y}"
    return subject, "\n".join(lines) + "\n"


def _claim(session: Session, invoice_id: int, now: datetime, every: timedelta) -> bool:
    """Marks the invoice reminded now unless it was within `every`; whether this caller won."""
    claimed = session.execute(
        update(MemberInvoice)
        .where(
            MemberInvoice.id == invoice_id,
            or_(
                MemberInvoice.last_reminder_at.is_(None),
                MemberInvoice.last_reminder_at <= now - every,
            ),
        )
        .values(last_reminder_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def remind_overdue_invoices(
    session: Session, *, actor: Actor | None, now: datetime | None = None
) -> list[Reminded]:
    """Queues a reminder to the users of each member with an invoice past due and still open,
    unless that invoice was reminded within the last `reminder_days` days; an invoice whose
    member has no active user is left for the lead. Audited per invoice. Flushes."""
    require(actor, COLLECT_PAYMENTS)
    now = now or utcnow()
    today = cooperative_today(now)
    every = timedelta(days=billing_settings(session).reminder_days)
    record = cooperative_record(session)
    reminded: list[Reminded] = []
    for overdue in open_invoices_on(session, today):
        if overdue.days_past_due <= 0:
            continue
        users = _recipients(session, overdue.member_id)
        if not users or not _claim(session, overdue.invoice_id, now, every):
            continue
        invoice = session.get(MemberInvoice, overdue.invoice_id)
        assert invoice is not None
        session.refresh(invoice, ["last_reminder_at"])
        subject, body = reminder_content(session, invoice, overdue.open, today)
        for user in users:
            queue_email(
                session,
                to=user.email,
                subject=subject,
                body=body,
                attachments=[(f"{invoice.number}.pdf", "application/pdf", invoice.facturx)],
                idempotency_key=f"{PURPOSE}/{invoice.id}/{today.isoformat()}/{user.id}",
                reply_to=record.email or None,
                actor=actor,
                purpose=PURPOSE,
                sender_name=record.name,
            )
        record_event(
            session,
            "invoice.remind",
            "member_invoice",
            invoice.id,
            actor=actor,
            number=invoice.number,
            member=overdue.member_name,
            open=str(overdue.open),
            days_past_due=overdue.days_past_due,
            recipients=[user.email for user in users],
        )
        reminded.append(Reminded(invoice.number, tuple(user.email for user in users)))
    session.flush()
    return reminded
