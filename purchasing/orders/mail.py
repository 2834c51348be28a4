"""Sending purchase orders by e-mail, in the background, through the configured SMTP server.

Asking to send a batch's orders adds one `OrderEmail` per order not sent yet and queues a job
for each, in the asking transaction. The job builds the e-mail (the order as PDF and CSV, and
the supplier's answer link), hands it to the SMTP server and records it sent; the order then
counts as sent. A temporary failure (server down, refusal) leaves the e-mail `waiting`, tried
again later with a growing delay, then `failed` after `MAX_ATTEMPTS`, which the lead sees.

Sending is idempotent: asking twice queues one e-mail, and a job for an e-mail already sent
sends nothing. Sending again is an explicit act (`resend_order`), recorded in the audit trail.

A sender can be stopped at any instant (a killed process, a machine that goes down). Before the
message itself goes to the SMTP server, once the server has greeted and accepted the sender
and the recipient, the moment is committed (`handed_over_at`). An attempt stopped before that
instant sent nothing and is simply made again. One stopped after it, before the server's
answer was recorded, may have gone: the e-mail becomes `uncertain` and is never sent again
without the lead, who checks with the supplier and sends it again on purpose if needed, as a
purchase order sent twice can be delivered twice.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from infrastructure.documents import euros
from infrastructure.smtp import HandedOver, SmtpSettings, deliver, smtp_settings
from persistence import unit_of_work, utcnow
from persistence.audit import SCHEDULER, Actor, record_event
from persistence.jobs import Job, JobFailed, Progress, active_job, enqueue
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound, Refused
from purchasing.models import Batch, OrderEmail, PurchaseOrder, User
from purchasing.orders.confirmations import link_expires_on
from purchasing.orders.order_document import OrderFiles, buyer, issue_order, order_files
from purchasing.orders.orders import mark_sent, order_by_id

MAX_ATTEMPTS = 6
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
)
JOB_KIND = "send_order_email"
LinkFor = Callable[[PurchaseOrder], str]


class EmailOff(Refused):
    """No SMTP server is configured: orders are downloaded and sent by hand."""


def _pending(order: PurchaseOrder) -> OrderEmail | None:
    return next(
        (e for e in order.emails if e.status in ("queued", "waiting", "sent", "uncertain")), None
    )


def _queue(session: Session, order: PurchaseOrder, link: str, actor: Actor | None) -> OrderEmail:
    email = OrderEmail(
        order_id=order.id,
        recipient=order.supplier.contact_email,
        link=link,
        status="queued",
        requested_by_id=actor.id if actor is not None else None,
    )
    order.emails.append(email)
    session.flush()
    enqueue(session, JOB_KIND, {"email_id": email.id}, actor_id=email.requested_by_id)
    return email


def _batch(session: Session, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id, populate_existing=True)
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    return batch


def _check_recipients(orders: list[PurchaseOrder]) -> None:
    errors = {
        f"orders.{order.id}": Message(
            N_("%(supplier)s has no e-mail address: add it to the supplier first."),
            {"supplier": order.supplier.name},
        )
        for order in orders
        if not order.supplier.contact_email
    }
    if errors:
        raise Invalid(errors)


def send_orders(
    session: Session,
    batch_id: int,
    *,
    actor: Actor | None,
    link_for: LinkFor,
    settings: SmtpSettings | None,
) -> list[OrderEmail]:
    """Queues the e-mail of each of the batch's orders not sent or queued yet; returns the
    e-mails queued now (none when everything was asked for already). Refused when the batch
    is not approved or e-mail is off. Flushes; the caller commits."""
    batch = _batch(session, batch_id)
    if batch.status not in ("approved", "ordered"):
        raise Conflict(Message(N_("Only the orders of an approved batch can be sent.")))
    if settings is None:
        raise EmailOff(Message(N_("E-mail is off: download the orders and send them yourself.")))
    orders = list(
        session.scalars(
            select(PurchaseOrder)
            .where(PurchaseOrder.batch_id == batch.id, PurchaseOrder.status == "draft")
            .options(selectinload(PurchaseOrder.emails), selectinload(PurchaseOrder.supplier))
            .order_by(PurchaseOrder.sequence)
            .execution_options(populate_existing=True)
        )
    )
    to_send = [order for order in orders if _pending(order) is None]
    _check_recipients(to_send)
    queued = [_queue(session, order, link_for(order), actor) for order in to_send]
    for email in queued:
        record_event(
            session,
            "order.send",
            "purchase_order",
            email.order_id,
            actor=actor,
            number=email.order.number,
            to=email.recipient,
        )
    return queued


def resend_order(
    session: Session,
    order_id: int,
    *,
    actor: Actor | None,
    link_for: LinkFor,
    settings: SmtpSettings | None,
) -> OrderEmail:
    """Sends an order's e-mail once more, on purpose (the supplier lost it): recorded in the
    audit trail as a re-send. Refused while an e-mail of the order is still on its way."""
    order = order_by_id(session, order_id)
    if settings is None:
        raise EmailOff(Message(N_("E-mail is off: download the orders and send them yourself.")))
    batch = _batch(session, order.batch_id)
    if batch.status not in ("approved", "ordered", "closed"):
        raise Conflict(Message(N_("Only the orders of an approved batch can be sent.")))
    # Asked of the database: the e-mail may have gone meanwhile, sent by the scheduler.
    on_its_way = session.scalar(
        select(func.count(OrderEmail.id)).where(
            OrderEmail.order_id == order.id, OrderEmail.status.in_(("queued", "waiting"))
        )
    )
    if on_its_way:
        raise Conflict(Message(N_("This order's e-mail is already on its way.")))
    _check_recipients([order])
    email = _queue(session, order, link_for(order), actor)
    record_event(
        session,
        "order.resend",
        "purchase_order",
        order.id,
        actor=actor,
        number=order.number,
        to=email.recipient,
    )
    return email


def order_message(
    session: Session,
    email: OrderEmail,
    settings: SmtpSettings,
    now: datetime,
    files: OrderFiles | None = None,
) -> EmailMessage:
    """The e-mail of an order, in French, with its PDF and CSV attached (`files`, else the
    order's own: as issued once it was sent, drawn with the e-mail's link before). It comes
    from the cooperative as its record names it, dated `now`, and answers go to the
    cooperative's e-mail address."""
    order = email.order
    files = files or order_files(session, order, email.link)
    cooperative = buyer(session)
    message = EmailMessage()
    message["Subject"] = f"Bon de commande {order.number} – {cooperative.name}"
    message["From"] = formataddr((cooperative.name, settings.sender))
    message["To"] = email.recipient
    if cooperative.email:
        message["Reply-To"] = formataddr((cooperative.name, cooperative.email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(f"order-email-{email.id}", "coachat")
    lines = [
        "Bonjour,",
        "",
        f"Veuillez trouver ci-joint notre bon de commande {order.number} du "
        f"{order.ordered_on:%d/%m/%Y}, d'un montant de {euros(order.total_incl_vat)} TTC "
        f"({euros(order.total_excl_vat)} HT), en PDF et en CSV.",
        f"Livraison attendue le {order.expected_on:%d/%m/%Y}, aux adresses indiquées sur le bon.",
    ]
    if email.link:
        lines += [
            "",
            "Merci de confirmer la commande, ou d'indiquer ce que vous pouvez livrer "
            "(quantités, date), en suivant ce lien :",
            email.link,
            f"(valable jusqu'au {link_expires_on(now):%d/%m/%Y})",
        ]
    lines += ["", "Cordialement,", cooperative.name]
    message.set_content("\n".join(lines))
    message.add_attachment(
        files.pdf, maintype="application", subtype="pdf", filename=files.pdf_name
    )
    message.add_attachment(files.csv, maintype="text", subtype="csv", filename=files.csv_name)
    return message


def send_order_email_job(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    """Sends one order e-mail (nothing when it was sent already). A failure to reach the SMTP
    server or a refusal leaves the e-mail waiting for its next attempt: the job itself ends
    well, so that what it recorded is kept."""
    email = session.get(OrderEmail, int(job.params["email_id"]))
    if email is None:
        raise JobFailed("the e-mail no longer exists")
    if email.status not in ("queued", "waiting"):
        return {"status": email.status}
    now = utcnow()
    if email.handed_over_at is not None:
        # An attempt was stopped while the message was going: it may have arrived.
        return _uncertain(email, "the sender stopped while the SMTP server was receiving it")
    settings = smtp_settings()
    # Progress commits from another session: it is told before this job writes anything.
    progress(20, "sending")
    if settings is None:
        email.attempts += 1
        return _not_sent(email, "e-mail is off (COACHAT_SMTP_HOST is not set)", now)
    files = order_files(session, email.order, email.link)
    message = order_message(session, email, settings, now, files)
    email_id = email.id

    def handing_over() -> None:
        # Committed apart, before the message goes: a sender stopped from now on may have
        # sent it. The job's own transaction has written nothing yet (SQLite locks).
        with unit_of_work(progress.sessions) as apart:
            apart.execute(
                update(OrderEmail).where(OrderEmail.id == email_id).values(handed_over_at=utcnow())
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
    asked_by = session.get(User, email.requested_by_id) if email.requested_by_id else None
    issue_order(session, email.order, files, now)  # the files the supplier received
    mark_sent(session, email.order, actor=asked_by or SCHEDULER, now=now)
    session.flush()
    return {"status": "sent", "to": email.recipient}


def _uncertain(email: OrderEmail, error: str) -> dict[str, Any]:
    email.status = "uncertain"
    email.last_error = error[:2000]
    email.next_attempt_at = None
    return {"status": "uncertain", "error": email.last_error}


def _not_sent(email: OrderEmail, error: str, now: datetime) -> dict[str, Any]:
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
            select(OrderEmail).where(
                OrderEmail.status == "waiting", OrderEmail.next_attempt_at <= now
            )
        )
    )
    queued = []
    for email in due:
        if active_job(session, JOB_KIND, email_id=email.id) is None:
            enqueue(session, JOB_KIND, {"email_id": email.id}, actor_id=email.requested_by_id)
            queued.append(email.id)
    return queued


def email_state(order: PurchaseOrder) -> OrderEmail | None:
    """The order's latest e-mail, whose state the pages show."""
    return order.emails[-1] if order.emails else None
