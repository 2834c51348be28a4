"""How a draft becomes the typed document of an invoice or credit note: the cooperative as
the seller, the member as the buyer and where its goods went, the lines, and how it is paid
(by direct debit under the member's mandate, else by transfer), with the legal mentions. What
the documents issued together read alike is read once for them all (`Shared`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.documents import (
    BankAccount,
    CreditTransfer,
    DirectDebit,
    Invoice,
    InvoiceLine,
    InvoiceReference,
    Party,
)
from money.journal import billing_settings
from money.models import BillingSettings, Mandate, MemberInvoice
from money.parties import buyer, seller, ship_to, sites_served
from purchasing.errors import N_, Conflict, Message
from purchasing.models import Batch, Cooperative, Member
from purchasing.people.cooperative import cooperative_record

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DUES_EXEMPTION = "Cotisation hors du champ d'application de la TVA"


@dataclass(frozen=True)
class DraftLine:
    """A line before it is issued."""

    kind: str
    name: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    vat_rate: Decimal  # percent
    need_id: int | None = None
    vat_category: str = "S"
    corrects_position: int | None = None


@dataclass(frozen=True)
class Shared:
    """What the documents issued together read alike, read once for them all: the
    cooperative as the seller, its settings, and each member's mandate and sites served."""

    record: Cooperative
    settings: BillingSettings
    seller: Party
    mandates: dict[int, Mandate]  # the active mandate of each member that has one
    served: dict[int, set[int]]  # the sites of each member served in the batch


def shared_by(session: Session, batch: Batch | None, member_ids: Collection[int]) -> Shared:
    """What the documents of these members in the batch (none: dues) share, read at once."""
    record = cooperative_record(session)
    mandates: dict[int, Mandate] = {}
    for mandate in session.scalars(
        select(Mandate)
        .where(Mandate.member_id.in_(list(member_ids)), Mandate.active.is_(True))
        .order_by(Mandate.id)
    ):
        mandates.setdefault(mandate.member_id, mandate)
    return Shared(
        record=record,
        settings=billing_settings(session),
        seller=seller(record),
        mandates=mandates,
        served=sites_served(session, batch, member_ids),
    )


def payment_means(record: Cooperative, mandate: Mandate | None) -> CreditTransfer | DirectDebit:
    """Paid by SEPA direct debit under the member's active mandate, else by transfer to the
    cooperative's account."""
    if mandate is not None and record.sepa_creditor_id:
        return DirectDebit(
            creditor_identifier=record.sepa_creditor_id,
            mandate_reference=mandate.reference,
            debtor_account=BankAccount(iban=mandate.iban, bic=mandate.bic),
        )
    if not record.iban:
        raise Conflict(
            Message(N_("Give the cooperative's IBAN on its page before issuing invoices."))
        )
    return CreditTransfer(account=BankAccount(iban=record.iban, bic=record.bic or ""))


def typed_document(
    session: Session,
    *,
    kind: str,
    number: str,
    today: date,
    member: Member,
    batch: Batch | None,
    lines: Sequence[DraftLine],
    corrects: MemberInvoice | None = None,
    nature: str = "goods",
    shared: Shared | None = None,
) -> Invoice:
    if shared is None:
        shared = shared_by(session, batch, [member.id])
    record, settings = shared.record, shared.settings
    days = record.payment_terms_days if record.payment_terms_days is not None else 30
    # Stored as a fraction, like VAT rates; printed as a percentage.
    rate = record.late_penalty_rate if record.late_penalty_rate is not None else Decimal("0.12")
    penalty = rate * HUNDRED
    dues = all(line.vat_category == "O" for line in lines)
    return Invoice(
        kind="credit_note" if kind == "credit_note" else "invoice",
        number=number,
        issue_date=today,
        due_date=today + timedelta(days=days),
        seller=shared.seller,
        buyer=buyer(member),
        ship_to=ship_to(member, shared.served.get(member.id, set())),
        lines=tuple(
            InvoiceLine(
                line_id=str(position),
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_category="O" if line.vat_category == "O" else "S",
                vat_rate=ZERO if line.vat_category == "O" else line.vat_rate,
                unit_code=line.unit_code,
                vat_exemption_reason=DUES_EXEMPTION if line.vat_category == "O" else "",
            )
            for position, line in enumerate(lines, start=1)
        ),
        nature="services" if dues else nature,  # type: ignore[arg-type]
        payment=payment_means(record, shared.mandates.get(member.id)),
        payment_terms=f"Paiement à {days} jours date de facture.",
        late_penalty=(
            f"Pénalités de retard au taux annuel de {penalty:.2f} % à compter du lendemain "
            "de l'échéance.".replace(f"{penalty:.2f}", f"{penalty:.2f}".replace(".", ","))
        ),
        vat_on_debits=settings.vat_on_debits and not dues and nature != "goods",
        delivery_date=None,
        preceding_invoice=(
            InvoiceReference(number=corrects.number, issue_date=corrects.issue_date)
            if corrects is not None
            else None
        ),
        buyer_reference=member.siret,
        order_reference=f"Lot {batch.id}" if batch is not None else "",
    )
