"""Sending an e-mail, in the background, through the configured SMTP server.

`queue_email` stores the e-mail (recipient, subject, body, attachments) and queues a job for it
in the asking transaction, once per idempotency key: asking twice with the same key queues one
e-mail. The job hands it to the SMTP server and records it sent; what follows (an order counts
as sent) is its purpose's `sent` step, in the same transaction. A temporary failure (server
down, refusal) leaves the e-mail `waiting`, tried again later with a growing delay, then
`failed` after `MAX_ATTEMPTS`. A job for an e-mail already sent sends nothing.

A sender can be stopped at any instant (a killed process, a machine that goes down). Before the
message itself goes to the SMTP server, once the server has greeted and accepted the sender and
the recipient, the moment is committed (`handed_over_at`). An attempt stopped before that
instant sent nothing and is simply made again. One stopped after it, before the server's answer
was recorded, may have gone: the e-mail becomes `uncertain` and is never sent again by itself;
sending again is a person's explicit act, a new e-mail with a new key.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from infrastructure.smtp import HandedOver, SmtpSettings, deliver, smtp_settings
from mailing.models import OutgoingAttachment, OutgoingEmail
from persistence import unit_of_work, utcnow
from persistence.audit import Actor
from persistence.jobs import Job, JobFailed, Progress, active_job, enqueue

MAX_ATTEMPTS = 6
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
)
JOB_KIND = "send_email"
Attachment = tuple[str, str, bytes]  # file name, MIME type ("application/pdf"), content


@dataclass(frozen=True)
class Purpose:
    """What a kind of e-mail does besides going out, given to the job by whoever schedules it.

    `sent` runs in the transaction that records the e-mail sent (an order then counts as
    sent). `compose` fills in the subject, body and attachments of an e-mail queued before its
    content was stored with it (`body` is None)."""

    sent: Callable[[Session, OutgoingEmail, datetime], None] | None = None
    compose: Callable[[Session, OutgoingEmail, datetime], None] | None = None


def _one_line(value: str, name: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"an e-mail's {name} is one line")
    return value.strip()


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    idempotency_key: str,
    reply_to: str | None = None,
    actor: Actor | None,
    purpose: str = "",
    sender_name: str = "",
) -> OutgoingEmail:
    """Queues an e-mail and the job that sends it, in the caller's transaction; returns it.
    Queueing a key already queued changes nothing and returns the e-mail queued then. The
    caller checks what a person typed (an address is given); a malformed call raises
    ValueError. Flushes; the caller commits."""
    key = idempotency_key.strip()
    if not key or len(key) > 200:
        raise ValueError("an e-mail needs an idempotency key of at most 200 characters")
    existing = session.scalar(select(OutgoingEmail).where(OutgoingEmail.idempotency_key == key))
    if existing is not None:
        return existing
    recipient = _one_line(to, "recipient")
    if "@" not in recipient:
        raise ValueError(f"not an e-mail address: {to!r}")
    files = []
    for position, (filename, mime_type, content) in enumerate(attachments):
        if mime_type.count("/") != 1 or not _one_line(filename, "attachment name"):
            raise ValueError(f"attachment {filename!r} needs a name and a type/subtype")
        files.append(
            OutgoingAttachment(
                position=position, filename=filename, mime_type=mime_type, content=content
            )
        )
    email = OutgoingEmail(
        idempotency_key=key,
        purpose=purpose,
        recipient=recipient,
        reply_to=_one_line(reply_to or "", "reply-to address"),
        sender_name=_one_line(sender_name, "sender name"),
        subject=_one_line(subject, "subject"),
        body=body,
        status="queued",
        requested_by_id=actor.id if actor is not None else None,
        attachments=files,
    )
    session.add(email)
    session.flush()
    # One identity for every attempt, so that a receiving server can tell a repeat.
    email.message_id = make_msgid(f"email-{email.id}", "coachat")
    enqueue(session, JOB_KIND, {"email_id": email.id}, actor_id=email.requested_by_id)
    return email


def message_of(email: OutgoingEmail, settings: SmtpSettings, now: datetime) -> EmailMessage:
    """The e-mail as it goes out, from the configured sender, with its attachments."""
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = (
        formataddr((email.sender_name, settings.sender)) if email.sender_name else settings.sender
    )
    message["To"] = email.recipient
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = email.message_id or make_msgid(f"email-{email.id}", "coachat")
    message.set_content(email.body or "")
    for attachment in email.attachments:
        maintype, subtype = attachment.mime_type.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send_email_job(
    session: Session, job: Job, progress: Progress, purposes: Mapping[str, Purpose]
) -> dict[str, Any]:
    """Sends one queued e-mail (nothing when it went already). A failure to reach the SMTP
    server or a refusal leaves the e-mail waiting for its next attempt: the job itself ends
    well, so that what it recorded is kept."""
    email = session.get(OutgoingEmail, int(job.params["email_id"]))
    if email is None:
        raise JobFailed("the e-mail no longer exists")
    if email.status not in ("queued", "waiting"):
        return {"status": email.status}
    now = utcnow()
    if email.handed_over_at is not None:
        # An attempt was stopped while the message was going: it may have arrived.
        return _uncertain(email, "the sender stopped while the SMTP server was receiving it")
    purpose = purposes.get(email.purpose, Purpose())
    settings = smtp_settings()
    # Progress commits from another session: it is told before this job writes anything.
    progress(20, "sending")
    if settings is None:
        email.attempts += 1
        return _not_sent(email, "e-mail is off (COACHAT_SMTP_HOST is not set)", now)
    if email.body is None:
        _compose_apart(progress.sessions, email.id, purpose, now)
        session.expire(email)
    message = message_of(email, settings, now)
    email_id = email.id

    def handing_over() -> None:
        # Committed apart, before the message goes: a sender stopped from now on may have
        # sent it. The job's own transaction has written nothing yet (SQLite locks).
        with unit_of_work(progress.sessions) as apart:
            apart.execute(
                update(OutgoingEmail)
                .where(OutgoingEmail.id == email_id)
                .values(handed_over_at=utcnow())
            )

    try:
        deliver(settings, message, handing_over)
    except HandedOver as error:
        email.attempts += 1
        return _uncertain(email, str(error))
    except (smtplib.SMTPException, OSError) as error:
        session.refresh(email, ["handed_over_at"])
        email.handed_over_at = None  # refused before or by the server: nothing went
        email.attempts += 1
        return _not_sent(email, f"{type(error).__name__}: {error}", now)
    email.attempts += 1
    email.status = "sent"
    email.sent_at = now
    email.message_id = str(message["Message-ID"])
    email.last_error = ""
    email.next_attempt_at = None
    session.flush()
    if purpose.sent is not None:
        purpose.sent(session, email, now)
    session.flush()
    return {"status": "sent", "to": email.recipient}


def _compose_apart(
    sessions: Callable[[], Session], email_id: int, purpose: Purpose, now: datetime
) -> None:
    """Stores the content of an e-mail queued without it, committed apart: the job's own
    transaction must write nothing before the message goes (SQLite locks)."""
    with unit_of_work(sessions) as apart:
        email = apart.get(OutgoingEmail, email_id)
        assert email is not None
        if purpose.compose is None:
            raise JobFailed(f"nothing composes an e-mail for {email.purpose!r}")
        purpose.compose(apart, email, now)
        if email.body is None:
            raise JobFailed(f"the e-mail for {email.purpose!r} was not composed")


def _uncertain(email: OutgoingEmail, error: str) -> dict[str, Any]:
    email.status = "uncertain"
    email.last_error = error[:2000]
    email.next_attempt_at = None
    return {"status": "uncertain", "error": email.last_error}


def _not_sent(email: OutgoingEmail, error: str, now: datetime) -> dict[str, Any]:
    email.last_error = error[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = "failed"
        email.next_attempt_at = None
    else:
        email.status = "waiting"
        email.next_attempt_at = now + RETRY_DELAYS[min(email.attempts, len(RETRY_DELAYS)) - 1]
    return {"status": email.status, "error": email.last_error}


def retry_waiting_emails(session: Session, now: datetime | None = None) -> list[int]:
    """Queues a new attempt for each waiting e-mail whose time has come (once: not while an
    attempt is queued or running). Flushes; the caller commits."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(OutgoingEmail).where(
                OutgoingEmail.status == "waiting", OutgoingEmail.next_attempt_at <= now
            )
        )
    )
    queued = []
    for email in due:
        if active_job(session, JOB_KIND, email_id=email.id) is None:
            enqueue(session, JOB_KIND, {"email_id": email.id}, actor_id=email.requested_by_id)
            queued.append(email.id)
    return queued
