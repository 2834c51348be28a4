"""Purchase orders and members' statements as documents: PDF (fpdf2, pure Python) and CSV that
a French spreadsheet opens as is (semicolons, UTF-8 with BOM, decimal commas).

Built from plain data, so that a page, a command and the e-mail job make the same bytes. The
documents are in French, the language of the cooperative's suppliers and accountant.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from fpdf import FPDF

from infrastructure.figures import co2_text


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


def money_text(amount: Decimal) -> str:
    """An amount as a French document prints it: `1 234,56`."""
    sign = "-" if amount < 0 else ""
    cents_only = abs(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    whole, _dot, cents = f"{cents_only:.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{' '.join(groups)},{cents}"


UNIT_PLURALS = {
    "unit": "unités",
    "ream": "ramettes",
    "box": "boîtes",
    "pack": "paquets",
    "roll": "rouleaux",
    "kg": "kg",
    "l": "litres",
    "m": "mètres",
}
UNIT_NAMES = {
    "unit": "unité",
    "ream": "ramette",
    "box": "boîte",
    "pack": "paquet",
    "roll": "rouleau",
    "kg": "kg",
    "l": "litre",
    "m": "mètre",
}


@dataclass(frozen=True)
class Party:
    """A buyer or a supplier as a document names it."""

    name: str
    siret: str = ""
    address: str = ""
    postcode: str = ""
    town: str = ""
    contact: str = ""
    email: str = ""
    phone: str = ""

    def lines(self) -> list[str]:
        rows = [self.name]
        if self.address:
            rows.append(self.address)
        if self.postcode or self.town:
            rows.append(f"{self.postcode} {self.town}".strip())
        if self.siret:
            rows.append(f"SIRET {self.siret}")
        contact = " · ".join(part for part in (self.contact, self.email, self.phone) if part)
        if contact:
            rows.append(contact)
        return rows


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
    address: str
    units: tuple[tuple[str, str, Decimal], ...]  # reference, product, units


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


@dataclass(frozen=True)
class StatementLineData:
    product: str
    supplier: str
    order_number: str
    ordered: Decimal
    received: Decimal
    unit: str
    unit_price: Decimal
    goods: Decimal
    note: str = ""
    shares: Decimal = Decimal(0)
    """The line's share of the supplier's fee and of delivery, apart from its goods."""


@dataclass(frozen=True)
class StatementDocument:
    """What one member pays for one batch, against buying alone."""

    member: Party
    buyer: Party
    round_name: str
    batch_id: int
    issued_on: date
    lines: tuple[StatementLineData, ...]
    goods: Decimal
    fees: Decimal
    total: Decimal
    alone_total: Decimal
    savings: Decimal
    co2_kg: Decimal
    alone_co2_kg: Decimal
    provisional: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    co2_note: str = ""
    """Why pooling emits more for the member than buying alone, when it does."""

    @property
    def co2_avoided_kg(self) -> Decimal:
        return self.alone_co2_kg - self.co2_kg


def unit_name(unit: str, quantity: Decimal) -> str:
    """The unit in French, in the plural from two on."""
    names = UNIT_PLURALS if quantity >= 2 else UNIT_NAMES
    return names.get(unit, unit)


def number_text(value: Decimal) -> str:
    """A quantity with a decimal comma and no useless zeros: `12`, `2,5`."""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def rate_text(rate: Decimal) -> str:
    """A VAT rate as a percentage: `20 %`, `5,5 %`."""
    return f"{number_text(rate * 100)} %"


def euros(amount: Decimal) -> str:
    return f"{money_text(amount)} €"


def _csv_amount(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _csv(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


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
                _csv_amount(line.total),
            ]
        )
    totals = document.totals
    blank = ["", "", "", "", "", ""]
    rows.append([*head, "", "Frais de livraison", *blank[:4], _csv_amount(totals.delivery_fee)])
    rows.append([*head, "", "Total HT", *blank[:4], _csv_amount(totals.excl_vat)])
    for vat in totals.vat:
        rows.append(
            [*head, "", f"TVA {rate_text(vat.rate)}", *blank[:3], rate_text(vat.rate),
             _csv_amount(vat.vat)]
        )  # fmt: skip
    rows.append([*head, "", "Total TTC", *blank[:4], _csv_amount(totals.incl_vat)])
    for site in document.sites:
        for reference, _product, units in site.units:
            rows.append(
                [*head, reference, f"Livraison {site.member} – {site.site}", "",
                 number_text(units), "", "", "", ""]
            )  # fmt: skip
    return _csv(rows)


def _printable(text: str) -> str:
    """Text the PDF's standard fonts can show (Windows-1252): other characters are replaced by
    their closest plain letters."""
    with suppress(UnicodeEncodeError):
        text.encode("cp1252")
        return text
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)
        self.set_creator("coachat")
        self.set_margins(15, 15, 15)
        self.add_page()
        self.set_font("Helvetica", size=9)

    def text_line(self, text: str, *, size: float = 9, style: str = "", height: float = 5) -> None:
        self.set_font("Helvetica", style=style, size=size)
        self.multi_cell(0, height, _printable(text), align="L", new_x="LMARGIN", new_y="NEXT")

    def parties(self, left_title: str, left: Party, right_title: str, right: Party) -> None:
        top = self.get_y()
        width = (self.w - self.l_margin - self.r_margin) / 2 - 4
        for x, title, party in (
            (self.l_margin, left_title, left),
            (self.l_margin + width + 8, right_title, right),
        ):
            self.set_xy(x, top)
            self.set_font("Helvetica", style="B", size=9)
            self.cell(width, 5, _printable(title), new_x="LEFT", new_y="NEXT")
            self.set_font("Helvetica", size=9)
            for row in party.lines():
                self.set_x(x)
                self.multi_cell(width, 4.5, _printable(row), align="L", new_x="LEFT", new_y="NEXT")
        self.set_xy(self.l_margin, max(self.get_y(), top + 30) + 4)


def _table(
    pdf: _Pdf, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    pdf.set_font("Helvetica", size=8)
    aligns = tuple("LEFT" if i < 2 else "RIGHT" for i in range(len(header)))
    with pdf.table(col_widths=tuple(widths), text_align=aligns, line_height=5) as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(_printable(cell))
    pdf.ln(2)


def _amounts(pdf: _Pdf, rows: Sequence[tuple[str, str, bool]]) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for label, amount, bold in rows:
        pdf.set_font("Helvetica", style="B" if bold else "", size=9)
        pdf.cell(width - 35, 5, _printable(label), align="R")
        pdf.cell(35, 5, _printable(amount), align="R", new_x="LMARGIN", new_y="NEXT")


def order_pdf(document: OrderDocument) -> bytes:
    """The purchase order as a French supplier expects it: buyer and supplier, number and
    date, lines at the tier reached, delivery fee, VAT by rate, totals, delivery sites."""
    pdf = _Pdf(f"Bon de commande {document.number}")
    pdf.text_line(f"Bon de commande {document.number}", size=16, style="B", height=8)
    pdf.text_line(
        f"Date de commande : {document.ordered_on:%d/%m/%Y} · "
        f"Livraison attendue le {document.expected_on:%d/%m/%Y}"
    )
    pdf.ln(3)
    pdf.parties("Acheteur", document.buyer, "Fournisseur", document.supplier)
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
    _table(
        pdf,
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
    _amounts(pdf, amounts)
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
    return bytes(pdf.output())


def statement_pdf(document: StatementDocument) -> bytes:
    """A member's statement for a batch: what it pays, and what it would have paid alone."""
    pdf = _Pdf(f"Relevé {document.member.name} – {document.round_name}")
    pdf.text_line(
        f"Relevé de la commande groupée, {document.round_name}", size=15, style="B", height=8
    )
    pdf.text_line(f"Établi le {document.issued_on:%d/%m/%Y}")
    if document.provisional:
        pdf.text_line("Provisoire : les livraisons ne sont pas toutes reçues.", style="I")
    pdf.ln(3)
    pdf.parties("Coopérative", document.buyer, "Membre", document.member)
    rows = [
        [
            line.product,
            line.supplier,
            number_text(line.ordered),
            number_text(line.received),
            f"{number_text(line.unit_price)} €",
            euros(line.goods),
            euros(line.shares),
        ]
        for line in document.lines
    ]
    _table(
        pdf,
        ["Produit", "Fournisseur", "Commandé", "Reçu", "Prix unit. HT", "Produits HT", "Frais HT"],
        rows,
        (46, 36, 18, 18, 20, 22, 20),
    )
    _amounts(
        pdf,
        [
            ("Produits HT", euros(document.goods), False),
            ("Part des frais et de la livraison HT", euros(document.fees), False),
            ("Total HT", euros(document.total), True),
            ("Seul, vous auriez payé HT", euros(document.alone_total), False),
            ("Économie grâce au groupement", euros(document.savings), True),
        ],
    )
    pdf.ln(2)
    for line in _co2_lines(document):
        pdf.text_line(line)
    for note in document.notes:
        pdf.text_line(note, style="I")
    return bytes(pdf.output())


def _co2_lines(document: StatementDocument) -> list[str]:
    """The transport CO2 in words: pooled, alone, and what pooling avoids or adds (and why)."""
    avoided = document.co2_avoided_kg
    lines = [
        f"CO2 du transport : {co2_text(document.co2_kg)} kg groupé, "
        f"{co2_text(document.alone_co2_kg)} kg seul ; "
        + (
            f"{co2_text(avoided)} kg évités grâce au groupement."
            if avoided >= 0
            else f"{co2_text(-avoided)} kg de plus qu'en achetant seul."
        )
    ]
    if avoided < 0 and document.co2_note:
        lines.append(document.co2_note)
    return lines


STATEMENT_HEADER: list[object] = [
    "Lot",
    "Tour",
    "Membre",
    "SIRET",
    "Produit",
    "Fournisseur",
    "Bon de commande",
    "Commandé",
    "Reçu",
    "Prix unitaire HT",
    "Produits HT",
    "Part des frais et de la livraison HT",
]


def _statement_rows(document: StatementDocument) -> list[list[object]]:
    head = [document.batch_id, document.round_name, document.member.name, document.member.siret]
    rows: list[list[object]] = []
    for line in document.lines:
        rows.append(
            [
                *head,
                line.product,
                line.supplier,
                line.order_number,
                number_text(line.ordered),
                number_text(line.received),
                f"{line.unit_price.normalize():f}".replace(".", ","),
                _csv_amount(line.goods),
                _csv_amount(line.shares),
            ]
        )
    for label, amount in (
        ("Part des frais et de la livraison", document.fees),
        ("Total HT", document.total),
        ("Seul HT", document.alone_total),
        ("Économie", document.savings),
    ):
        rows.append([*head, label, "", "", "", "", "", "", _csv_amount(amount)])
    for label, kg in (
        ("CO2 du transport groupé (kg)", document.co2_kg),
        ("CO2 du transport seul (kg)", document.alone_co2_kg),
        ("CO2 évité (kg)", document.co2_avoided_kg),
    ):
        rows.append([*head, label, "", "", "", "", "", "", co2_text(kg)])
    return rows


def statement_csv(document: StatementDocument) -> bytes:
    return _csv([STATEMENT_HEADER, *_statement_rows(document)])


def statements_csv(documents: Sequence[StatementDocument]) -> bytes:
    """Every member's statement of a batch, for the accountant: one row per line, then each
    member's fees, total, cost alone and savings."""
    rows: list[list[object]] = [STATEMENT_HEADER]
    for document in documents:
        rows.extend(_statement_rows(document))
    return _csv(rows)
