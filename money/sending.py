"""Sending an issued invoice or credit note to its member: one e-mail to each active user of
the member company, with the Factur-X file attached, queued in the transaction that issues the
document (so the e-mail exists exactly when the document does) and sent by the general e-mail
job. Queueing again for the same document and person queues nothing: the idempotency key is
`invoice/<number>/<user id>`.

An approved platform (PDP) reads the same stored Factur-X bytes: see `money.invoice_batches`
for the export of a batch's files and docs/money.md for where a platform connector plugs in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from email.utils import formataddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from infrastructure.documents import money_text
from mailing.models import OutgoingEmail
from mailing.outbox import queue_email
from money.models import MemberInvoice
from persistence.audit import Actor
from purchasing.models import User
from purchasing.people.cooperative import cooperative_record

PURPOSE = "invoice"


def document_file_name(invoice: MemberInvoice) -> str:
    """The Factur-X file's name, as the member and the platform receive it."""
    return f"{invoice.number}.pdf"


def document_content(session: Session, invoice: MemberInvoice) -> tuple[str, str]:
    """The subject and body (in French) of a document's e-mail."""
    cooperative = cooperative_record(session)
    credit_note = invoice.kind == "credit_note"
    what = "Avoir" if credit_note else "Facture"
    lines = ["Bonjour,", ""]
    if credit_note:
        corrected = invoice.corrects.number if invoice.corrects is not None else ""
        lines.append(
            f"Veuillez trouver ci-joint notre avoir {invoice.number} du "
            f"{invoice.issue_date:%d/%m/%Y} sur la facture {corrected}, d'un montant de "
            f"{money_text(invoice.total_incl)} € TTC."
        )
    else:
        lines.append(
            f"Veuillez trouver ci-joint notre facture {invoice.number} du "
            f"{invoice.issue_date:%d/%m/%Y}, d'un montant de {money_text(invoice.total_incl)} € "
            f"TTC, à régler au plus tard le {invoice.due_date:%d/%m/%Y}."
        )
    lines += [
        "Le fichier est une facture électronique Factur-X : le PDF contient ses données "
        "structurées (EN 16931), que votre logiciel comptable peut lire.",
        "Votre compte (factures, paiements, solde) est aussi sur la page « Mon compte » "
        "de coachat.",
        "",
        "Cordialement,",
        cooperative.name,
    ]
    return f"{what} {invoice.number} – {cooperative.name}", "\n".join(lines) + "\n"


def recipients(session: Session, member_id: int) -> list[User]:
    """The member company's active users, who receive its invoices."""
    return list(
        session.scalars(
            select(User).where(User.member_id == member_id, User.active.is_(True)).order_by(User.id)
        )
    )


def recipients_by_member(session: Session, member_ids: Collection[int]) -> dict[int, list[User]]:
    """`recipients` of each of the members, read at once (a member without users has none)."""
    found: dict[int, list[User]] = {member_id: [] for member_id in member_ids}
    for user in session.scalars(
        select(User).where(User.member_id.in_(list(found)), User.active.is_(True)).order_by(User.id)
    ):
        found[user.member_id].append(user)  # type: ignore[index]
    return found


def queue_document_emails(
    session: Session,
    invoice: MemberInvoice,
    *,
    actor: Actor | None,
    users: Sequence[User] | None = None,
) -> list[OutgoingEmail]:
    """Queues the document's e-mail to each active user of its member (`users` when the
    caller read them already), the Factur-X file attached and the cooperative's address to
    answer to; a member without users gets none (its documents stay on its account page).
    Flushes; the caller commits."""
    cooperative = cooperative_record(session)
    subject, body = document_content(session, invoice)
    reply_to = formataddr((cooperative.name, cooperative.email)) if cooperative.email else None
    attachment = (document_file_name(invoice), "application/pdf", invoice.facturx)
    return [
        queue_email(
            session,
            to=user.email,
            subject=subject,
            body=body,
            attachments=[attachment],
            idempotency_key=f"{PURPOSE}/{invoice.number}/{user.id}",
            reply_to=reply_to,
            actor=actor,
            purpose=PURPOSE,
            sender_name=cooperative.name,
        )
        for user in (recipients(session, invoice.member_id) if users is None else users)
    ]
