"""Sending purchase orders by e-mail, through the general outbox (`mailing`).

Asking to send a batch's orders queues one e-mail per order not sent yet, with the order as PDF
and CSV and the supplier's answer link, and an `OrderEmail` tying it to its order, in the
asking transaction. The outbox's job hands it to the SMTP server; once it has gone, the order
counts as sent (`order_email_sent`, the purpose's `sent` step, in the same transaction). A
temporary failure leaves the e-mail `waiting`, tried again later, then `failed` after
`mailing.outbox.MAX_ATTEMPTS`, which the lead sees.

Sending is idempotent: asking twice queues one e-mail, and a job for an e-mail already sent
sends nothing. An e-mail that may have arrived (`uncertain`: the sender stopped while the
server was receiving it) is never sent again without the lead, who checks with the supplier
and sends it again on purpose if needed, as a purchase order sent twice can be delivered twice.
Sending again is an explicit act (`resend_order`), recorded in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import formataddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from infrastructure.documents import euros
from infrastructure.smtp import SmtpSettings
from mailing.models import GOING_STATUSES, OutgoingAttachment, OutgoingEmail
from mailing.outbox import Attachment, Purpose, queue_email
from persistence import utcnow
from persistence.audit import SCHEDULER, Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound, Refused
from purchasing.models import Batch, OrderEmail, PurchaseOrder, User
from purchasing.orders.confirmations import link_expires_on
from purchasing.orders.order_document import OrderFiles, buyer, issue_order, order_files
from purchasing.orders.orders import mark_sent, order_by_id
from purchasing.permissions import SEND_ORDERS, require

PURPOSE = "purchase_order"
LinkFor = Callable[[PurchaseOrder], str]


class EmailOff(Refused):
    """No SMTP server is configured: orders are downloaded and sent by hand."""


def _pending(order: PurchaseOrder) -> OrderEmail | None:
    return next((e for e in order.emails if e.status in GOING_STATUSES), None)


def order_content(
    session: Session, order: PurchaseOrder, link: str, now: datetime
) -> tuple[str, str, list[Attachment]]:
    """The subject, body (in French) and files (PDF and CSV) of an order's e-mail."""
    files = order_files(session, order, link)
    cooperative = buyer(session)
    lines = [
        "Bonjour,",
        "",
        f"Veuillez trouver ci-joint notre bon de commande {order.number} du "
        f"{order.ordered_on:%d/%m/%Y}, d'un montant de {euros(order.total_incl_vat)} TTC "
        f"({euros(order.total_excl_vat)} HT), en PDF et en CSV.",
        f"Livraison attendue le {order.expected_on:%d/%m/%Y}, aux adresses indiquées sur le bon.",
    ]
    if link:
        lines += [
            "",
            "Merci de confirmer la commande, ou d'indiquer ce que vous pouvez livrer "
            "(quantités, date), en suivant ce lien :",
            link,
            f"(valable jusqu'au {link_expires_on(now):%d/%m/%Y})",
        ]
    lines += ["", "Cordialement,", cooperative.name]
    return (
        f"Bon de commande {order.number} – {cooperative.name}",
        "\n".join(lines) + "\n",
        [
            (files.pdf_name, "application/pdf", files.pdf),
            (files.csv_name, "text/csv", files.csv),
        ],
    )


def _queue(session: Session, order: PurchaseOrder, link: str, actor: Actor | None) -> OrderEmail:
    subject, body, attachments = order_content(session, order, link, utcnow())
    cooperative = buyer(session)
    # The n-th sending of the order: two requests sending it at once queue it once.
    sendings = session.scalar(
        select(func.count(OrderEmail.id)).where(OrderEmail.order_id == order.id)
    )
    outgoing = queue_email(
        session,
        to=order.supplier.contact_email,
        subject=subject,
        body=body,
        attachments=attachments,
        idempotency_key=f"{PURPOSE}/{order.id}/{(sendings or 0) + 1}",
        reply_to=formataddr((cooperative.name, cooperative.email)) if cooperative.email else None,
        actor=actor,
        purpose=PURPOSE,
        sender_name=cooperative.name,
    )
    email = OrderEmail(order_id=order.id, outgoing=outgoing, link=link)
    order.emails.append(email)
    session.flush()
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
    require(actor, SEND_ORDERS)
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
    require(actor, SEND_ORDERS)
    order = order_by_id(session, order_id)
    if settings is None:
        raise EmailOff(Message(N_("E-mail is off: download the orders and send them yourself.")))
    batch = _batch(session, order.batch_id)
    if batch.status not in ("approved", "ordered", "closed"):
        raise Conflict(Message(N_("Only the orders of an approved batch can be sent.")))
    # Asked of the database: the e-mail may have gone meanwhile, sent by the scheduler.
    on_its_way = session.scalar(
        select(func.count(OrderEmail.id))
        .join(OutgoingEmail, OrderEmail.email_id == OutgoingEmail.id)
        .where(OrderEmail.order_id == order.id, OutgoingEmail.status.in_(("queued", "waiting")))
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


def order_email_sent(session: Session, email: OutgoingEmail, now: datetime) -> None:
    """Once an order's e-mail has gone, the order counts as sent, by whoever asked for it."""
    order_email = session.scalar(select(OrderEmail).where(OrderEmail.email_id == email.id))
    if order_email is None:
        return
    asked_by = session.get(User, email.requested_by_id) if email.requested_by_id else None
    files = {attachment.mime_type: attachment for attachment in email.attachments}
    pdf, csv = files.get("application/pdf"), files.get("text/csv")
    if pdf is not None and csv is not None:
        # The order is kept as the supplier received it: the files of this e-mail.
        sent = OrderFiles(pdf.content, csv.content, pdf.filename, csv.filename)
        issue_order(session, order_email.order, sent, now)
    mark_sent(session, order_email.order, actor=asked_by or SCHEDULER, now=now)


def compose_order_email(session: Session, email: OutgoingEmail, now: datetime) -> None:
    """The content of an order's e-mail queued before contents were stored with e-mails."""
    order_email = session.scalar(select(OrderEmail).where(OrderEmail.email_id == email.id))
    if order_email is None:
        return
    subject, body, attachments = order_content(session, order_email.order, order_email.link, now)
    email.subject, email.body = subject, body
    email.attachments = [
        OutgoingAttachment(position=index, filename=name, mime_type=mime, content=content)
        for index, (name, mime, content) in enumerate(attachments)
    ]
    session.flush()


ORDER_EMAIL = Purpose(sent=order_email_sent, compose=compose_order_email)


def email_state(order: PurchaseOrder) -> OrderEmail | None:
    """The order's latest e-mail, whose state the pages show."""
    return order.emails[-1] if order.emails else None
