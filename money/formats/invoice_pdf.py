"""An invoice or credit note as its reader sees it: the PDF/A-3 page that `facturx_pdf` then
carries the EN 16931 XML in. It shows every mention French law asks of an invoice between
companies, from the same typed invoice and totals as the XML, so both say the same."""

from __future__ import annotations

from decimal import Decimal

from infrastructure.documents import money_text
from infrastructure.pdf import ArchivePdf
from money.amounts import Totals, line_net_amount
from money.documents import CreditTransfer, DirectDebit, Invoice, Party

NATURES = {"goods": "Livraison de biens", "services": "Prestation de services", "mixed": "Mixte"}


def _euros(amount: Decimal) -> str:
    return f"{money_text(amount)} €"


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _party(party: Party) -> list[str]:
    rows = [party.name]
    if party.legal_form:
        rows.append(party.legal_form)
    rows.extend(party.address.lines)
    rows.append(f"{party.address.postcode} {party.address.city}")
    if party.siren:
        rows.append(f"SIREN {party.siren}" + (f" — SIRET {party.siret}" if party.siret else ""))
    if party.vat_number:
        rows.append(f"TVA intracommunautaire {party.vat_number}")
    if party.email:
        rows.append(party.email)
    return rows


def invoice_pdf(invoice: Invoice, totals: Totals, logo: bytes = b"") -> bytes:
    """The invoice's page, to be made Factur-X."""
    credit_note = invoice.kind == "credit_note"
    title = f"{'Avoir' if credit_note else 'Facture'} {invoice.number}"
    pdf = ArchivePdf(title)
    pdf.logo(logo)
    pdf.text_line(title, size=14, style="B", height=8)
    pdf.text_line(f"Date : {invoice.issue_date:%d/%m/%Y} — échéance : {invoice.due_date:%d/%m/%Y}")
    if invoice.preceding_invoice is not None:
        pdf.text_line(
            f"Avoir sur la facture {invoice.preceding_invoice.number} du "
            f"{invoice.preceding_invoice.issue_date:%d/%m/%Y}"
        )
    pdf.text_line(f"Nature de l'opération : {NATURES[invoice.nature]}")
    if invoice.order_reference:
        pdf.text_line(f"Référence : {invoice.order_reference}")
    pdf.ln(2)
    pdf.columns(
        [
            ("Vendeur", _party(invoice.seller)),
            ("Client", _party(invoice.buyer)),
            ("Adresse de livraison", _party(invoice.ship_to)),
        ]
    )
    rows = [
        [
            line.name,
            _number(line.quantity),
            f"{money_text(line.unit_price)}"
            if line.unit_price == round(line.unit_price, 2)
            else _number(line.unit_price),
            f"{_number(line.vat_rate)} %" if line.vat_category != "O" else "hors champ",
            money_text(line_net_amount(line)),
        ]
        for line in invoice.lines
    ]
    pdf.table_of(
        ["Désignation", "Quantité", "Prix unitaire HT", "TVA", "Montant HT"],
        rows,
        (86, 20, 28, 18, 28),
    )
    amounts: list[tuple[str, str, bool]] = [("Total HT", _euros(totals.tax_basis_total), False)]
    for row in totals.vat_breakdown:
        if row.category == "O":
            amounts.append(("Hors du champ de la TVA", _euros(row.basis), False))
        else:
            amounts.append(
                (f"TVA {_number(row.rate)} % sur {_euros(row.basis)}", _euros(row.vat), False)
            )
    amounts.append(("Total TTC", _euros(totals.grand_total), True))
    if totals.prepaid:
        amounts.append(("Déjà réglé", _euros(totals.prepaid), False))
        amounts.append(("Reste à payer", _euros(totals.amount_due), True))
    pdf.amounts(amounts)
    pdf.ln(4)
    if isinstance(invoice.payment, DirectDebit):
        pdf.text_line(
            f"Prélèvement SEPA interentreprises, mandat {invoice.payment.mandate_reference}, "
            f"créancier {invoice.payment.creditor_identifier}, sur le compte "
            f"{invoice.payment.debtor_account.iban[:4]}…{invoice.payment.debtor_account.iban[-4:]}."
        )
    elif isinstance(invoice.payment, CreditTransfer):
        account = invoice.payment.account
        pdf.text_line(
            f"Virement sur le compte IBAN {account.iban}"
            + (f", BIC {account.bic}" if account.bic else "")
            + f", en rappelant la référence {invoice.number}."
        )
    for text in (
        invoice.payment_terms,
        invoice.late_penalty,
        invoice.recovery_indemnity,
        invoice.early_payment_discount,
    ):
        pdf.text_line(text, size=8)
    if invoice.vat_on_debits:
        pdf.text_line("Option pour le paiement de la taxe d'après les débits.", size=8)
    for note in invoice.notes:
        pdf.text_line(note, size=8)
    return pdf.document()
