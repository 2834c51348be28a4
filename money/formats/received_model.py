"""A supplier's invoice or credit note as read from its EN 16931 XML (CII or UBL), whatever
the syntax it came in. Field names follow the standard's business terms (BT-n in docstrings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from money.formats.xml_input import FileRefused

# UNTDID 1001 codes EN 16931 accepts for a credit note; every other code is an invoice
# (commercial, corrected, prepayment, self-billed, factored...).
CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


class InvoiceRefused(FileRefused):
    """A supplier's invoice file that cannot be taken; the message says why, on one line,
    with the figures when a sum is wrong."""


class PlainPdf(InvoiceRefused):
    """A PDF that carries no invoice XML: a person types the invoice in from it."""


class DocumentKind(StrEnum):
    """What the supplier's document does to what the cooperative owes it (BT-3)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Syntax(StrEnum):
    """The XML syntax of the document: UN/CEFACT CII (Factur-X, ZUGFeRD 2) or OASIS UBL 2.1."""

    CII = "CII"
    UBL = "UBL"


@dataclass(frozen=True)
class Party:
    """The seller (BG-4) or the buyer (BG-7): its legal name (BT-27/44), SIREN and SIRET
    (BT-30/47 under scheme 0002 and 0009), VAT number (BT-31/48), another legal registration
    identifier when it is not French, and its country (BT-40/55)."""

    name: str
    siren: str | None
    siret: str | None
    vat_number: str | None
    legal_id: str | None
    country: str | None

    @property
    def identified(self) -> bool:
        """Whether the party gives any legal identifier or VAT number."""
        return bool(self.siren or self.siret or self.vat_number or self.legal_id)


@dataclass(frozen=True)
class InvoiceLine:
    """One invoice line (BG-25). The net unit price (BT-146) is for `price_base_quantity`
    units (BT-149, 1 when not given); the line's own allowances and charges (BG-27/28) are
    summed; the line net amount (BT-131) is what the supplier states."""

    line_id: str
    seller_item_id: str | None
    name: str
    quantity: Decimal
    unit_code: str | None
    net_unit_price: Decimal
    price_base_quantity: Decimal
    line_allowances: Decimal
    line_charges: Decimal
    line_net_amount: Decimal
    vat_category: str
    vat_rate: Decimal
    order_line_reference: str | None


@dataclass(frozen=True)
class AllowanceCharge:
    """A document-level charge (BG-21, e.g. a delivery fee) or allowance (BG-20, e.g. a
    discount), with the VAT category and rate it is taxed at."""

    is_charge: bool
    amount: Decimal
    reason: str | None
    reason_code: str | None
    vat_category: str
    vat_rate: Decimal


@dataclass(frozen=True)
class VatBreakdown:
    """The VAT for one category and rate (BG-23): taxable basis (BT-116) and VAT (BT-117)."""

    category: str
    rate: Decimal
    basis: Decimal
    vat_amount: Decimal
    exemption_reason: str | None


@dataclass(frozen=True)
class InvoiceTotals:
    """The document totals (BG-22): sum of line net amounts (BT-106), charges (BT-108),
    allowances (BT-107), total without VAT (BT-109), VAT (BT-110), total with VAT (BT-112),
    paid in advance (BT-113), rounding (BT-114) and amount due (BT-115)."""

    line_total: Decimal
    charge_total: Decimal
    allowance_total: Decimal
    tax_basis_total: Decimal
    vat_total: Decimal
    grand_total: Decimal
    prepaid: Decimal
    rounding: Decimal
    due: Decimal


@dataclass(frozen=True)
class ReceivedInvoice:
    """A supplier's invoice or credit note, read and checked.

    `number` (BT-1), `issue_date` (BT-2), `due_date` (BT-9), `currency` (BT-5),
    `buyer_reference` (BT-10), `purchase_order_reference` (BT-13), for a credit note the
    invoice it corrects (BT-25, BT-26), `payment_reference` (BT-83) and the account to pay
    (`payee_iban`, BT-84). `profile` is the level the document declares (for CII) or its
    customization (for UBL)."""

    kind: DocumentKind
    type_code: str
    number: str
    issue_date: date
    due_date: date | None
    currency: str
    seller: Party
    buyer: Party
    buyer_reference: str | None
    purchase_order_reference: str | None
    preceding_invoice_reference: str | None
    preceding_invoice_date: date | None
    payment_reference: str | None
    payee_iban: str | None
    lines: tuple[InvoiceLine, ...]
    allowances_charges: tuple[AllowanceCharge, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    totals: InvoiceTotals
    syntax: Syntax
    profile: str
    embedded_in_pdf: bool = False

    @property
    def charges(self) -> tuple[AllowanceCharge, ...]:
        """The document-level charges (BG-21), in document order."""
        return tuple(item for item in self.allowances_charges if item.is_charge)

    @property
    def allowances(self) -> tuple[AllowanceCharge, ...]:
        """The document-level allowances (BG-20), in document order."""
        return tuple(item for item in self.allowances_charges if not item.is_charge)
