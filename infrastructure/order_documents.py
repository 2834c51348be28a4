"""Purchase orders as documents: the PDF/A-3 a supplier reads (see `infrastructure.pdf`) and the
CSV a French spreadsheet opens as is; `infrastructure.orderx` adds the Order-X XML its system reads.

Built from plain data, so that a page, a command and the e-mail job make the same bytes. The
documents are in French, the language of the cooperative's suppliers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from infrastructure.csv_file import csv_bytes
from infrastructure.documents import (
    UNIT_NAMES,
    Party,
    csv_amount,
    euros,
    number_text,
    rate_text,
    unit_name,
)
from infrastructure.pdf import ArchivePdf


@dataclass(frozen=True)
class VatRow:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    """An order's totals: goods and delivery excluding VAT, VAT by rate, including VAT."""

    goods: Decimal
    delivery_fee: Decimal
    excl_vat: Decimal
    vat: tuple[VatRow, ...]
    incl_vat: Decimal


@dataclass(frozen=True)
class OrderLineData:
    reference: str
    product: str
    packs: int
    pack_size: Decimal
    units: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    total: Decimal


@dataclass(frozen=True)
class SiteData:
    """Where part of the order goes, with the units of each line for that site."""

    member: str
    site: str
    street: str
    postcode: str
    town: str
    units: tuple[tuple[str, str, Decimal], ...]  # reference, product, units
    country: str = "FR"

    @property
    def address(self) -> str:
        """The address on one line: street, postcode and town."""
        place = f"{self.postcode} {self.town}".strip()
        return ", ".join(part for part in (self.street, place) if part)


@dataclass(frozen=True)
class OrderDocument:
    number: str
    ordered_on: date
    expected_on: date
    buyer: Party
    supplier: Party
    lines: tuple[OrderLineData, ...]
    totals: Totals
    sites: tuple[SiteData, ...] = ()
    confirm_link: str = ""
    delivery_vat_rate: Decimal = Decimal("0.20")
    """The VAT rate of the delivery fee, a service."""


def order_csv(document: OrderDocument) -> bytes:
    """The order's lines, then its delivery fee and totals, one row each."""
    header: list[object] = [
        "Bon de commande",
        "Date",
        "Fournisseur",
        "Référence",
        "Produit",
        "Colis",
        "Unités",
        "Unité",
        "Prix unitaire HT",
        "TVA",
        "Total HT",
    ]
    head = [document.number, document.ordered_on.strftime("%d/%m/%Y"), document.supplier.name]
    rows: list[list[object]] = [header]
    for line in document.lines:
        rows.append(
            [
                *head,
                line.reference,
                line.product,
                line.packs,
                number_text(line.units),
                UNIT_NAMES.get(line.unit, line.unit),
                f"{line.unit_price.normalize():f}".replace(".", ","),
                rate_text(line.vat_rate),
                csv_amount(line.total),
            ]
        )
    totals = document.totals
    blank = ["", "", "", "", "", ""]
    rows.append([*head, "", "Frais de livraison", *blank[:4], csv_amount(totals.delivery_fee)])
    rows.append([*head, "", "Total HT", *blank[:4], csv_amount(totals.excl_vat)])
    for vat in totals.vat:
        rows.append(
            [*head, "", f"TVA {rate_text(vat.rate)}", *blank[:3], rate_text(vat.rate),
             csv_amount(vat.vat)]
        )  # fmt: skip
    rows.append([*head, "", "Total TTC", *blank[:4], csv_amount(totals.incl_vat)])
    rows.append([*head, "", f"Acheteur : {document.buyer.summary()}", *blank[:4], ""])
    for site in document.sites:
        for reference, _product, units in site.units:
            rows.append(
                [*head, reference, f"Livraison {site.member} – {site.site}", "",
                 number_text(units), "", "", "", ""]
            )  # fmt: skip
    return csv_bytes(rows)


def order_pdf(document: OrderDocument) -> bytes:
    """The purchase order as a French supplier expects it: buyer and supplier, number and
    date, lines at the tier reached, delivery fee, VAT by rate, totals, delivery sites."""
    pdf = ArchivePdf(f"Bon de commande {document.number}")
    pdf.logo(document.buyer.logo)
    pdf.text_line(f"Bon de commande {document.number}", size=16, style="B", height=8)
    pdf.text_line(
        f"Date de commande : {document.ordered_on:%d/%m/%Y} · "
        f"Livraison attendue le {document.expected_on:%d/%m/%Y}"
    )
    pdf.ln(3)
    pdf.columns([("Acheteur", document.buyer.lines()), ("Fournisseur", document.supplier.lines())])
    rows = [
        [
            line.reference,
            line.product,
            str(line.packs),
            f"{number_text(line.units)} {unit_name(line.unit, line.units)}",
            euros(line.unit_price.quantize(Decimal("0.01")))
            if line.unit_price == line.unit_price.quantize(Decimal("0.01"))
            else f"{number_text(line.unit_price)} €",
            rate_text(line.vat_rate),
            euros(line.total),
        ]
        for line in document.lines
    ]
    pdf.table_of(
        ["Référence", "Produit", "Colis", "Quantité", "Prix unit. HT", "TVA", "Total HT"],
        rows,
        (24, 58, 14, 24, 24, 14, 22),
    )
    totals = document.totals
    amounts = [
        ("Total des produits HT", euros(totals.goods), False),
        ("Frais de livraison HT", euros(totals.delivery_fee), False),
        ("Total HT", euros(totals.excl_vat), True),
    ]
    amounts += [
        (f"TVA {rate_text(row.rate)} sur {euros(row.base)}", euros(row.vat), False)
        for row in totals.vat
    ]
    amounts.append(("Total TTC", euros(totals.incl_vat), True))
    pdf.amounts(amounts)
    if document.sites:
        pdf.ln(3)
        pdf.text_line("Livraisons par site", size=11, style="B", height=7)
        for site in document.sites:
            pdf.text_line(
                f"{site.member} – {site.site} : {site.address}, "
                f"attendue le {document.expected_on:%d/%m/%Y}",
                style="B",
            )
            for reference, product, units in site.units:
                pdf.text_line(f"    {reference} · {product} : {number_text(units)}")
    if document.confirm_link:
        pdf.ln(3)
        pdf.text_line("Merci de confirmer la commande, ou d'indiquer ce que vous pouvez livrer :")
        pdf.text_line(document.confirm_link, size=8)
    return pdf.document()
