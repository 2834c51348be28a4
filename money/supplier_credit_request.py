"""Asking a supplier for a credit note: an e-mail, in French, to the supplier's contact listing
the invoice's lines in exception with what is wrong with each, sent by the outbox's job, with
the cooperative as Reply-To. Asking twice for the same lines queues one e-mail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from email.utils import formataddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from infrastructure.documents import euros
from mailing.models import OutgoingEmail
from mailing.outbox import queue_email
from money.supplier_decisions import check_open, decision_note
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine
from money.supplier_matching import line_reasons, supplier_invoice_for_match
from money.three_way import Outcome
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import DECIDE_SUPPLIER_INVOICES, require
from suppliers.errors import Euros, Units

PURPOSE = "supplier_credit_request"
# The match's reasons as the supplier reads them. The interface translates them through its
# catalogue; an e-mail to a French supplier is written in French here, like the orders' e-mails.
FRENCH_REASONS = {
    "line not ordered": "ligne non commandée",
    "price %(invoiced)s instead of %(ordered)s ordered": (
        "prix %(invoiced)s au lieu de %(ordered)s commandé"
    ),
    "VAT %(invoiced)s %% instead of %(ordered)s %%": (
        "TVA %(invoiced)s %% au lieu de %(ordered)s %%"
    ),
    "invoiced %(invoiced)s, received %(received)s": "facturé %(invoiced)s, reçu %(received)s",
    "price %(invoiced)s a pack of %(size)s (%(unit)s a unit) instead of %(ordered)s ordered": (
        "prix %(invoiced)s le colis de %(size)s (%(unit)s l’unité) au lieu de %(ordered)s commandé"
    ),
    "invoiced %(packs)s packs of %(size)s (%(invoiced)s), received %(received)s": (
        "facturé %(packs)s colis de %(size)s (%(invoiced)s), reçu %(received)s"
    ),
    "invoiced %(packs)s packs of %(size)s (%(invoiced)s, %(earlier)s more on earlier "
    "invoices), received %(received)s": (
        "facturé %(packs)s colis de %(size)s (%(invoiced)s, plus %(earlier)s sur des factures "
        "précédentes), reçu %(received)s"
    ),
    "invoiced %(invoiced)s (%(earlier)s on earlier invoices), received %(received)s": (
        "facturé %(invoiced)s (dont %(earlier)s sur des factures précédentes), reçu %(received)s"
    ),
    "fees %(invoiced)s instead of %(ordered)s on the order": (
        "frais %(invoiced)s au lieu de %(ordered)s sur la commande"
    ),
}


def in_french(message: Message) -> str:
    """A reason of the match as a French supplier reads it (2,89 €, 5,5)."""
    template = FRENCH_REASONS.get(message.text, message.text)
    return template % {name: _french(value) for name, value in message.params.items()}


def _french(value: Any) -> str:
    if isinstance(value, Euros):
        places = 2 if value.amount == value.amount.quantize(Decimal("0.01")) else 4
        text = f"{value.amount:.{places}f}".replace(".", ",")
        return f"{text} €"
    if isinstance(value, Units):
        return f"{value.amount.normalize():f}".replace(".", ",")
    return str(value)


def request_credit_note(
    session: Session,
    invoice_id: int,
    *,
    actor: Actor | None,
    lines: Collection[int] = (),
    note: str = "",
) -> OutgoingEmail:
    """Queues the e-mail asking the supplier for a credit note for the invoice's lines in
    exception (those at the positions `lines`, or all of them when none is named), with their
    reasons and the lead's note. Refused: no line in exception (`Conflict`), an invoice
    refused or paid (`Conflict`), a position named that is no line in exception or a note
    over 1,000 characters (`Invalid` on `lines` or `note`), a supplier without a contact
    e-mail (`Invalid` on `contact_email`). Asking again for the same lines changes nothing.
    Flushes."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    invoice = supplier_invoice_for_match(session, invoice_id)
    check_open(invoice)
    disputed = [line for line in invoice.lines if line.outcome == Outcome.EXCEPTION]
    if not disputed:
        raise Conflict(Message(N_("No line of this invoice is in exception.")))
    if lines:
        in_exception = {line.position for line in disputed}
        for position in sorted(set(lines)):
            if position not in in_exception:
                raise Invalid(
                    {
                        "lines": Message(
                            N_("Line %(line)s of this invoice is not in exception."),
                            {"line": position},
                        )
                    }
                )
        disputed = [line for line in disputed if line.position in lines]
    text = decision_note(note)
    address = invoice.supplier.contact_email.strip()
    if not address:
        raise Invalid(
            {
                "contact_email": Message(
                    N_("%(supplier)s has no contact e-mail: add one to its record."),
                    {"supplier": invoice.supplier.name},
                )
            }
        )
    cooperative = cooperative_record(session)
    subject, body = credit_request_content(invoice, cooperative.name, disputed, text)
    key = f"{PURPOSE}/{invoice.id}/" + "-".join(str(line.id) for line in disputed)
    email = queue_email(
        session,
        to=address,
        subject=subject,
        body=body,
        idempotency_key=key,
        reply_to=formataddr((cooperative.name, cooperative.email)) if cooperative.email else None,
        actor=actor,
        purpose=PURPOSE,
        sender_name=cooperative.name,
    )
    record_event(
        session,
        "supplier_invoice.request_credit_note",
        "supplier_invoice",
        invoice.id,
        actor=actor,
        to=address,
        lines=[line.position for line in disputed],
        email=email.id,
        note=text,
    )
    return email


def credit_requests(session: Session, invoice_id: int) -> list[OutgoingEmail]:
    """The e-mails asking the supplier for a credit note on the invoice, the latest first: what
    the invoice's page says was asked, and whether it has gone."""
    return list(
        session.scalars(
            select(OutgoingEmail)
            .where(
                OutgoingEmail.purpose == PURPOSE,
                OutgoingEmail.idempotency_key.startswith(f"{PURPOSE}/{invoice_id}/"),
            )
            .order_by(OutgoingEmail.created_at.desc(), OutgoingEmail.id.desc())
        )
    )


def credit_request_content(
    invoice: SupplierInvoice,
    cooperative: str,
    disputed: Sequence[SupplierInvoiceLine],
    note: str = "",
) -> tuple[str, str]:
    """The subject and body (in French) of the request for the lines `disputed`, with the
    lead's note."""
    lines = [
        "Bonjour,",
        "",
        f"Votre facture {invoice.number} du {invoice.issue_date:%d/%m/%Y}, d’un montant de "
        f"{euros(invoice.grand_total)} TTC, ne correspond pas à notre commande ou à ce que "
        "nous avons reçu pour les lignes suivantes :",
        "",
    ]
    for line in disputed:
        reference = f" (réf. {line.seller_ref})" if line.seller_ref else ""
        reasons = " ; ".join(in_french(reason) for reason in line_reasons(line))
        lines.append(
            f"- ligne {line.position}, {line.description}{reference}, "
            f"{euros(line.line_total)} HT : {reasons}"
        )
    if note:
        lines += ["", note]
    lines += [
        "",
        "Merci de nous adresser un avoir pour ces lignes, en rappelant le numéro de la facture.",
        "Nous réglerons la facture dès réception de l’avoir.",
        "",
        "Cordialement,",
        cooperative,
    ]
    return f"Demande d’avoir – facture {invoice.number} – {cooperative}", "\n".join(lines) + "\n"
