"""Supplier invoices ready to pay: the cooperative's record with its account, two leads, and
suppliers whose bank details a second lead confirmed; invoices and credit notes as received
(posted to the purchases journal) and approved for payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from money.bank_details import confirm_bank_details, propose_bank_details
from money.purchase_entries import post_purchase
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine
from purchasing.models import User
from suppliers.models import Supplier
from tests.money.billing_setup import with_cooperative

TODAY = date(2027, 3, 1)
IBANS = {
    "Papeterie du Rhône": ("FR7630004000310000123456727", "BNPAFRPPXXX"),
    "Éco-Entretien Lorraine": ("FR1420041010050500013M02606", "PSSTFRPPNCY"),
    "Cartons Solidaires": ("FR7617515900000812345678938", "CEPAFRPP751"),
}


@dataclass
class Payables:
    lead: User
    other_lead: User
    suppliers: dict[str, Supplier]


def payables(session, make) -> Payables:
    with_cooperative(session)
    lead = make.user("lead", name="Léa Lead", email="lea@example.org")
    other = make.user("lead", name="Omar Other", email="omar@example.org")
    suppliers = {}
    for name, (iban, bic) in IBANS.items():
        supplier = make.supplier(name)
        proposal = propose_bank_details(session, supplier.id, iban, bic, actor=lead)
        confirm_bank_details(session, proposal.id, actor=other)
        suppliers[name] = supplier
    session.flush()
    return Payables(lead, other, suppliers)


def supplier_invoice(
    session,
    supplier: Supplier,
    number: str,
    goods: str,
    *,
    fee: str = "0",
    rate: str = "0.20",
    kind: str = "invoice",
    issued: date = date(2027, 2, 1),
    due: date | None = date(2027, 3, 1),
    status: str = "to_pay",
    corrects: SupplierInvoice | None = None,
    vat: str | None = None,
) -> SupplierInvoice:
    """A received supplier document of goods (and a delivery fee) at one VAT rate, posted."""
    net_goods, net_fee, vat_rate = Decimal(goods), Decimal(fee), Decimal(rate)
    net = net_goods + net_fee
    tax = Decimal(vat) if vat is not None else (net * vat_rate).quantize(Decimal("0.01"))
    lines = [
        SupplierInvoiceLine(
            position=1,
            kind="goods",
            description="Ramettes A4 recyclées",
            quantity=Decimal(1),
            unit_price=net_goods,
            vat_rate=vat_rate,
            line_total=net_goods,
        )
    ]
    if net_fee:
        lines.append(
            SupplierInvoiceLine(
                position=2,
                kind="charge",
                description="Frais de livraison",
                quantity=Decimal(1),
                unit_price=net_fee,
                vat_rate=vat_rate,
                line_total=net_fee,
            )
        )
    invoice = SupplierInvoice(
        supplier_id=supplier.id,
        supplier=supplier,
        number=number,
        kind=kind,
        issue_date=issued,
        due_date=due,
        total_without_tax=net,
        tax_total=tax,
        grand_total=net + tax,
        amount_due=net + tax,
        source="manual",
        file=b"%PDF-1.7",
        file_name=f"{number}.pdf",
        status=status,
        corrects=corrects,
        lines=lines,
    )
    session.add(invoice)
    session.flush()
    post_purchase(session, invoice)
    return invoice
