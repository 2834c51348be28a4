"""A member's statement of account as a PDF/A-3 page: every invoice, credit note and payment
on its account in the order posted, with the balance after each, as read from the journal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from infrastructure.documents import money_text
from infrastructure.pdf import ArchivePdf


@dataclass(frozen=True)
class AccountRow:
    day: date
    reference: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


def _amount(value: Decimal) -> str:
    return money_text(value) if value else ""


def account_pdf(
    *,
    cooperative: Sequence[str],
    member: Sequence[str],
    rows: Sequence[AccountRow],
    balance: Decimal,
    credit: Decimal,
    issued_on: date,
    logo: bytes = b"",
) -> bytes:
    """The statement: who writes to whom, the entries, and what the balance means."""
    title = f"Relevé de compte — {member[0]}"
    pdf = ArchivePdf(title)
    pdf.logo(logo)
    pdf.text_line(title, size=14, style="B", height=8)
    pdf.text_line(f"Au {issued_on:%d/%m/%Y}")
    pdf.ln(2)
    pdf.columns([("Coopérative", list(cooperative)), ("Membre", list(member))])
    pdf.table_of(
        ["Date", "Pièce", "Libellé", "Débit", "Crédit", "Solde"],
        [
            [
                f"{row.day:%d/%m/%Y}",
                row.reference,
                row.label,
                _amount(row.debit),
                _amount(row.credit),
                money_text(row.balance),
            ]
            for row in rows
        ]
        or [["", "", "Aucune écriture", "", "", "0,00"]],
        (20, 30, 70, 20, 20, 20),
    )
    if balance > 0:
        words = f"Solde dû à la coopérative : {money_text(balance)} €"
    elif balance < 0:
        words = f"Solde en votre faveur : {money_text(-balance)} €"
    else:
        words = "Votre compte est soldé."
    pdf.amounts([(words, "", True)])
    if credit > 0:
        pdf.text_line(
            f"Dont {money_text(credit)} € d'avance, déduits de vos prochaines factures.", size=8
        )
    return pdf.document()
