"""The sales journal's entry of an invoice or a credit note: the member's account debited with
the total, each kind of sale and the VAT collected credited; the reverse for a credit note,
set against the invoice it corrects."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from money.amounts import Totals
from money.journal import Posting, billing_settings, member_sub_account, post
from money.models import MemberInvoice

ZERO = Decimal(0)


def post_document(session: Session, invoice: MemberInvoice, totals: Totals) -> None:
    """The sales entry of an invoice (the member's account debited with the total, sales and
    VAT credited), or its reverse for a credit note, set against the invoice it corrects."""
    settings = billing_settings(session)
    accounts = {
        "goods": (settings.account_goods, "Ventes de marchandises"),
        "shares": (settings.account_services, "Frais de livraison refacturés"),
        "fee": (settings.account_fee, "Frais de fonctionnement"),
        "dues": (settings.account_dues, "Cotisations"),
    }
    sales: dict[tuple[str, str], Decimal] = {}
    for line in invoice.lines:
        key = accounts.get(line.kind, accounts["goods"])
        sales[key] = sales.get(key, ZERO) + line.net
    credit_note = invoice.kind == "credit_note"
    member = invoice.member
    sub, sub_label = member_sub_account(member.id), member.name
    ref = invoice.corrects.number if credit_note and invoice.corrects else invoice.number
    label = f"{'Avoir' if credit_note else 'Facture'} {invoice.number} {member.name}"

    def side(amount: Decimal, debit: bool) -> tuple[Decimal, Decimal]:
        return (amount, ZERO) if debit else (ZERO, amount)

    postings = [
        Posting(
            account=settings.account_members,
            account_label="Membres",
            label=label,
            sub_account=sub,
            sub_account_label=sub_label,
            member_id=member.id,
            invoice_ref=ref,
            debit=side(invoice.total_incl, not credit_note)[0],
            credit=side(invoice.total_incl, not credit_note)[1],
        )
    ]
    for (account, account_label), amount in sorted(sales.items()):
        postings.append(
            Posting(
                account=account,
                account_label=account_label,
                label=label,
                debit=side(amount, credit_note)[0],
                credit=side(amount, credit_note)[1],
            )
        )
    for row in totals.vat_breakdown:
        if row.vat:
            postings.append(
                Posting(
                    account=settings.account_vat_collected,
                    # A rate as a French label writes it: 20, 5,5 (never 2E+1).
                    account_label=f"TVA collectée {row.rate.normalize():f} %".replace(".", ","),
                    label=label,
                    debit=side(row.vat, credit_note)[0],
                    credit=side(row.vat, credit_note)[1],
                )
            )
    post(session, "VE", invoice.issue_date, invoice.number, invoice.issue_date, label, postings)
