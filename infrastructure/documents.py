"""Members' statements as documents, and what every document shares (parties, amounts,
quantities and rates as French documents write them): PDF/A-3 (fpdf2, pure Python, see
`infrastructure.pdf`) and CSV that a French spreadsheet opens as is (semicolons, UTF-8 with BOM,
decimal commas). Purchase orders are drawn in `infrastructure.order_documents`.

Built from plain data, so that a page, a command and the e-mail job make the same bytes. The
documents are in French, the language of the cooperative's suppliers and accountant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from infrastructure.csv_file import csv_bytes
from infrastructure.figures import co2_text
from infrastructure.pdf import ArchivePdf


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
    """A buyer, a supplier or a member as a document names it; `country` is an ISO 3166 code,
    printed only when it is not France."""

    name: str
    siret: str = ""
    address: str = ""
    postcode: str = ""
    town: str = ""
    contact: str = ""
    email: str = ""
    phone: str = ""
    legal_form: str = ""
    siren: str = ""
    vat_number: str = ""
    country: str = "FR"
    logo: bytes = field(default=b"", repr=False)

    def lines(self) -> list[str]:
        rows = [self.name]
        if self.legal_form:
            rows.append(self.legal_form)
        if self.address:
            rows.append(self.address)
        if self.postcode or self.town:
            rows.append(f"{self.postcode} {self.town}".strip())
        if self.country and self.country != "FR":
            rows.append(self.country)
        if self.siret:
            rows.append(f"SIRET {self.siret}")
        elif self.siren:
            rows.append(f"SIREN {self.siren}")
        if self.vat_number:
            rows.append(f"TVA intracommunautaire {self.vat_number}")
        if self.contact:
            rows.append(self.contact)
        reach = " · ".join(part for part in (self.email, self.phone) if part)
        if reach:
            rows.append(reach)
        return rows

    def summary(self) -> str:
        """The party on one line: name, identifiers and address."""
        parts = [self.name, self.legal_form]
        parts += [
            f"SIRET {self.siret}" if self.siret else "",
            self.vat_number and f"TVA {self.vat_number}",
        ]
        parts += [self.address, f"{self.postcode} {self.town}".strip()]
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class StatementLine:
    """One allocation on a member's statement: the units ordered and received (0 until its
    delivery is settled), the goods paid for them and the line's share of fees and delivery."""

    need_id: int
    product: str
    supplier: str
    order_number: str
    ordered: Decimal
    received: Decimal
    unit: str
    unit_price: Decimal
    goods: Decimal
    shares: Decimal
    """The line's share of the supplier's fee and of delivery, apart from its goods."""
    settled: bool
    note: str = ""


@dataclass(frozen=True)
class StatementDocument:
    """What one member pays for one batch, against buying alone."""

    member: Party
    buyer: Party
    round_name: str
    batch_id: int
    issued_on: date
    lines: tuple[StatementLine, ...]
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


def csv_amount(amount: Decimal) -> str:
    """An amount as a French spreadsheet reads it: `1234,56`."""
    return f"{amount:.2f}".replace(".", ",")


def statement_pdf(document: StatementDocument) -> bytes:
    """A member's statement for a batch: what it pays, and what it would have paid alone."""
    pdf = ArchivePdf(f"Relevé {document.member.name} – {document.round_name}")
    pdf.logo(document.buyer.logo)
    pdf.text_line(
        f"Relevé de la commande groupée, {document.round_name}", size=15, style="B", height=8
    )
    pdf.text_line(f"Établi le {document.issued_on:%d/%m/%Y}")
    if document.provisional:
        pdf.text_line("Provisoire : les livraisons ne sont pas toutes reçues.", style="I")
    pdf.ln(3)
    pdf.columns([("Coopérative", document.buyer.lines()), ("Membre", document.member.lines())])
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
    pdf.table_of(
        ["Produit", "Fournisseur", "Commandé", "Reçu", "Prix unit. HT", "Produits HT", "Frais HT"],
        rows,
        (46, 36, 18, 18, 20, 22, 20),
    )
    pdf.amounts(
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
    return pdf.document()


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
                csv_amount(line.goods),
                csv_amount(line.shares),
            ]
        )
    for label, amount in (
        ("Part des frais et de la livraison", document.fees),
        ("Total HT", document.total),
        ("Seul HT", document.alone_total),
        ("Économie", document.savings),
    ):
        rows.append([*head, label, "", "", "", "", "", "", csv_amount(amount)])
    for label, kg in (
        ("CO2 du transport groupé (kg)", document.co2_kg),
        ("CO2 du transport seul (kg)", document.alone_co2_kg),
        ("CO2 évité (kg)", document.co2_avoided_kg),
    ):
        rows.append([*head, label, "", "", "", "", "", "", co2_text(kg)])
    return rows


def statement_csv(document: StatementDocument) -> bytes:
    return csv_bytes([STATEMENT_HEADER, *_statement_rows(document)])


def statements_csv(documents: Sequence[StatementDocument]) -> bytes:
    """Every member's statement of a batch, for the accountant: one row per line, then each
    member's fees, total, cost alone and savings."""
    rows: list[list[object]] = [STATEMENT_HEADER]
    for document in documents:
        rows.extend(_statement_rows(document))
    return csv_bytes(rows)
