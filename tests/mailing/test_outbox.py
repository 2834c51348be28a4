"""The general outbox: an e-mail queued once per key, with its attachments, sent by the
scheduler to a real SMTP server on 127.0.0.1, tried again while the server is down or busy,
and never sent again by itself once it may have arrived."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from mailing.outbox import (
    JOB_KIND,
    MAX_ATTEMPTS,
    Purpose,
    queue_email,
    retry_waiting_emails,
    send_email_job,
)
from persistence import utcnow
from persistence.audit import AuditEvent, record_event
from persistence.jobs import Job, work_queued
from scheduling.jobs import work_jobs
from tests.smtp_server import SmtpServer, attachments

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4
CSV = "Numéro;Montant\nFA-2027-0001;12,50\n".encode()


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def _invoice(session, key="invoice/1", **values):
    email = queue_email(
        session,
        to=values.pop("to", "compta@boulangerie.example"),
        subject="Facture FA-2027-0001",
        body="Bonjour,\n\nVeuillez trouver ci-joint notre facture.\n",
        attachments=[("FA-2027-0001.pdf", "application/pdf", PDF), ("lignes.csv", "text/csv", CSV)],
        idempotency_key=key,
        reply_to="tresorerie@cooperative.example",
        actor=None,
        **values,
    )
    session.commit()
    return email


def _jobs(session):
    return session.scalar(select(func.count(Job.id)).where(Job.kind == JOB_KIND))


def test_an_email_is_queued_once_per_key_and_arrives_once_with_its_attachments(
    session, sessions, smtp
):
    email = _invoice(session, sender_name="Coopérative Test")
    assert _invoice(session).id == email.id  # the same key queues nothing more
    assert _jobs(session) == 1
    assert work_jobs(sessions) == 1
    assert work_jobs(sessions) == 0

    (message,) = smtp.inbox.messages
    assert smtp.inbox.recipients == [["compta@boulangerie.example"]]
    assert message["Subject"] == "Facture FA-2027-0001"
    assert message["From"] == "Coopérative Test <achats@cooperative.example>"
    assert message["Reply-To"] == "tresorerie@cooperative.example"
    assert message["Date"]
    assert "Veuillez trouver ci-joint notre facture." in message.get_body(("plain",)).get_content()
    assert attachments(message) == {"FA-2027-0001.pdf": PDF, "lignes.csv": CSV}
    session.expire_all()
    sent = session.get(OutgoingEmail, email.id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
    assert sent.sent_at is not None and sent.message_id == message["Message-ID"]

    other = _invoice(session, key="invoice/1/again")
    assert other.id != email.id
    work_jobs(sessions)
    assert len(smtp.inbox.messages) == 2


def test_while_the_server_is_down_the_email_waits_then_goes(session, sessions, monkeypatch):
    down = SmtpServer()  # not started: nothing listens on its port
    for name, value in down.environment().items():
        monkeypatch.setenv(name, value)
    email = _invoice(session)
    assert work_jobs(sessions) == 1
    session.expire_all()
    waiting = session.get(OutgoingEmail, email.id)
    assert (waiting.status, waiting.attempts, waiting.handed_over_at) == ("waiting", 1, None)
    assert "Connection" in waiting.last_error or "refused" in waiting.last_error
    assert waiting.next_attempt_at > utcnow()
    assert work_jobs(sessions) == 0  # not before its time
    down.start()
    try:
        assert work_jobs(sessions, now=utcnow() + timedelta(minutes=2)) == 1
        assert len(down.inbox.messages) == 1
    finally:
        down.stop()
    session.expire_all()
    assert session.get(OutgoingEmail, email.id).status == "sent"
    assert session.get(OutgoingEmail, email.id).attempts == 2


def test_a_server_that_keeps_refusing_fails_the_email_after_the_last_attempt(
    session, sessions, smtp
):
    smtp.inbox.refuse = True
    email = _invoice(session)
    later = utcnow()
    for _attempt in range(MAX_ATTEMPTS + 2):
        work_jobs(sessions, now=later)
        later += timedelta(hours=4)
    session.expire_all()
    failed = session.get(OutgoingEmail, email.id)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )
    assert "451" in failed.last_error
    assert smtp.inbox.messages == []


def test_an_email_that_may_have_arrived_is_never_sent_again_by_itself(session, sessions, smtp):
    email = _invoice(session)
    # A sender killed after the server accepted the recipient, as the message was going.
    email.handed_over_at = utcnow()
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    uncertain = session.get(OutgoingEmail, email.id)
    assert uncertain.status == "uncertain" and "stopped" in uncertain.last_error
    assert retry_waiting_emails(session, utcnow() + timedelta(days=1)) == []
    session.rollback()
    assert work_jobs(sessions, now=utcnow() + timedelta(days=1)) == 0
    assert smtp.inbox.messages == []


def test_what_follows_an_email_is_its_purposes_step_with_the_sent_state(session, sessions, smtp):
    def sent(step_session, email, now):
        record_event(step_session, "test.followed", "outgoing_email", email.id, actor=None)

    def compose(step_session, email, now):
        email.subject, email.body = "Relance", "Votre facture reste à régler.\n"

    purposes = {"reminder": Purpose(sent=sent, compose=compose)}
    functions = {JOB_KIND: partial(send_email_job, purposes=purposes)}
    email = _invoice(session, purpose="reminder")
    # An e-mail queued before contents were stored with e-mails: its purpose composes it.
    late = _invoice(session, key="reminder/2", purpose="reminder")
    late.body = None
    session.commit()
    assert work_queued(sessions, functions) == 2
    followed = select(AuditEvent.object_id).where(AuditEvent.action == "test.followed")
    assert sorted(session.scalars(followed)) == sorted([email.id, late.id])
    assert smtp.inbox.messages[1]["Subject"] == "Relance"
    assert "reste à régler" in smtp.inbox.messages[1].get_body(("plain",)).get_content()
    # Another e-mail's purpose unknown to the scheduler: it goes, nothing follows.
    _invoice(session, key="other/1", purpose="unknown")
    assert work_queued(sessions, functions) == 1
    assert len(list(session.scalars(followed))) == 2


@pytest.mark.parametrize(
    "values",
    [
        {"idempotency_key": " "},
        {"to": "nobody"},
        {"to": "a@b.example\nBcc: c@d.example"},
        {"subject": "Facture\r\nBcc: c@d.example"},
        {"attachments": [("facture.pdf", "pdf", b"%PDF")]},
    ],
)
def test_a_malformed_email_is_refused_and_queues_nothing(session, values):
    arguments = {
        "to": "compta@boulangerie.example",
        "subject": "Facture",
        "body": "…",
        "idempotency_key": "invoice/1",
        "actor": None,
        **values,
    }
    with pytest.raises(ValueError):
        queue_email(session, **arguments)
    session.rollback()
    assert session.scalar(select(func.count(OutgoingEmail.id))) == 0
    assert _jobs(session) == 0
