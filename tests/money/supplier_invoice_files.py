"""A supplier's invoice for one of the cooperative's purchase orders, as the supplier's software
would write it: Factur-X (a PDF/A-3 page carrying its CII XML), CII or UBL.

`invoice_for(order, cooperative)` bills the order as it stands (every line at its quantity and
price, the delivery fee as a charge); its keywords change what the supplier wrote: another
price or quantity for a line (by the supplier's reference), a line the order does not have,
another seller or buyer, another number, a credit note. The files come from the builders of
`tests.money.supplier_invoices`, so any stated figure can be made wrong too (`stated=`).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import facturx

from infrastructure.pdf import ArchivePdf
from purchasing.models import Cooperative, PurchaseOrder
from suppliers.models import Supplier
from tests.money.supplier_invoices import (
    Adjustment,
    Invoice,
    Line,
    Seller,
    cii,
    figures,
    ubl,
)

DELIVERY_RATE = "20"


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def seller_of(supplier: Supplier, **changes: str | None) -> Seller:
    """The supplier as its invoices name it: its name, SIREN, SIRET, VAT number, address."""
    seller = Seller(
        name=supplier.name,
        siren=supplier.siren,
        siret=supplier.siret,
        vat=supplier.vat_number,
        street=supplier.address or "1 rue du Commerce",
        city=supplier.town,
        postcode=supplier.postcode or "54000",
    )
    return replace(seller, **changes)  # type: ignore[arg-type]


def buyer_of(cooperative: Cooperative | dict, **changes: str | None) -> Seller:
    """The cooperative as the supplier names it, from its record (or the record's values)."""

    def value(name: str) -> str:
        found = (
            cooperative.get(name) if isinstance(cooperative, dict) else getattr(cooperative, name)
        )
        return str(found or "")

    buyer = Seller(
        name=value("name"),
        siren=value("siren") or None,
        siret=value("siret") or None,
        vat=value("vat_number") or None,
        street=value("address") or "1 place de la Mairie",
        city=value("town") or "Nancy",
        postcode=value("postcode") or "54000",
    )
    return replace(buyer, **changes)  # type: ignore[arg-type]


def invoice_for(
    order: PurchaseOrder,
    cooperative: Cooperative | dict,
    /,
    *,
    number: str | None = None,
    prices: dict[str, str] | None = None,
    quantities: dict[str, str] | None = None,
    rates: dict[str, str] | None = None,
    extra_lines: tuple[Line, ...] = (),
    delivery_fee: str | None = None,
    issue_date: str = "2027-01-20",
    due_date: str | None = "2027-02-19",
    **changes,
) -> Invoice:
    """The supplier's invoice for `order`: a line per order line (its supplier reference, the
    order line's position as the order line referenced), the order's delivery fee as a charge
    at 20 %. `prices`, `quantities` and `rates` (percent) change lines by supplier reference;
    other keywords are fields of `Invoice` (seller, buyer, `order` for the order reference
    written, type_code, preceding, stated...)."""
    prices, quantities, rates = prices or {}, quantities or {}, rates or {}
    lines = []
    for position, line in enumerate(order.lines, 1):
        ref = line.offer.supplier_ref
        lines.append(
            Line(
                line_id=str(position),
                sku=ref,
                name=line.offer.description or line.offer.product.name,
                quantity=quantities.get(ref, _text(line.quantity)),
                price=prices.get(ref, _text(line.unit_price)),
                rate=rates.get(ref, _text(line.vat_rate * 100)),
                order_line=str(position),
            )
        )
    fee = Decimal(delivery_fee) if delivery_fee is not None else order.delivery_fee
    adjustments = (
        (Adjustment(True, _text(fee.quantize(Decimal("0.01"))), "Frais de livraison", "DL",
                    rate=DELIVERY_RATE),)
        if fee
        else ()
    )  # fmt: skip
    values = {
        "number": number or f"F-{order.number}",
        "issue_date": issue_date,
        "due_date": due_date,
        "seller": seller_of(order.supplier),
        "buyer": buyer_of(cooperative),
        "order": order.number,
        "lines": tuple(lines) + tuple(extra_lines),
        "adjustments": adjustments,
    }
    values.update(changes)
    return Invoice(**values)


def credit_note_for(invoice: Invoice, lines: tuple[Line, ...], *, number: str) -> Invoice:
    """A credit note of the same supplier correcting `invoice` for `lines`."""
    return replace(
        invoice,
        number=number,
        type_code="381",
        preceding=(invoice.number, invoice.issue_date),
        lines=lines,
        adjustments=(),
        due_date=None,
    )


def cii_file(invoice: Invoice) -> bytes:
    """The invoice as a CII XML file."""
    return cii(invoice)


def ubl_file(invoice: Invoice) -> bytes:
    """The invoice as a UBL 2.1 XML file (a CreditNote for type code 381)."""
    return ubl(invoice)


def facturx_file(invoice: Invoice) -> bytes:
    """The invoice as a Factur-X PDF: a PDF/A-3 page saying what it bills, with its CII XML
    embedded and checked against the EN 16931 schema by the factur-x package."""
    pdf = ArchivePdf(f"Facture {invoice.number}")
    pdf.text_line(f"{invoice.seller.name} — facture {invoice.number}", size=14, style="B")
    pdf.text_line(f"Client : {invoice.buyer.name}")
    for line in invoice.lines:
        pdf.text_line(f"{line.sku} {line.name} : {line.quantity} × {line.price} €")
    pdf.text_line(f"Total TTC : {figures(invoice).grand} €", style="B")
    result: bytes = facturx.generate_from_binary(
        pdf.document(), cii(invoice), flavor="factur-x", level="en16931", check_xsd=True
    )
    return result


def plain_pdf_for(invoice: Invoice) -> bytes:
    """The invoice printed on a plain PDF, without its XML: typed in by hand."""
    pdf = ArchivePdf(f"Facture {invoice.number}")
    pdf.text_line(f"{invoice.seller.name} — facture {invoice.number}", size=14, style="B")
    pdf.text_line(f"Total TTC : {figures(invoice).grand} €", style="B")
    return pdf.document()
