"""The amounts of an invoice, computed as EN 16931 computes them, on Decimal only.

- A line's net amount is its quantity times its net unit price, rounded to the cent half away
  from zero (BT-131).
- The VAT is computed per VAT category and rate, never per line: the basis of a rate is the sum
  of the net amounts of its lines (BT-116), its VAT is that basis times the rate over 100,
  rounded to the cent (BT-117).
- The sum of the lines (BT-106) is the sum of their net amounts; with no allowance or charge on
  the whole document, it is also the tax basis (BT-109). The VAT total (BT-110) is the sum of
  the VAT per rate; the grand total (BT-112) is the tax basis plus the VAT; the amount due
  (BT-115) is the grand total less what was paid in advance (BT-113).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from money.documents import Invoice, InvoiceLine, VatCategory

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cent(amount: Decimal) -> Decimal:
    """The amount rounded to the cent, half away from zero (0.005 → 0.01, −0.005 → −0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net_amount(line: InvoiceLine) -> Decimal:
    """A line's net amount (BT-131): quantity × net unit price, rounded to the cent."""
    return to_cent(line.quantity * line.unit_price)


@dataclass(frozen=True)
class VatBreakdown:
    """The VAT of one category and rate (BG-23): its basis, its VAT, and why there is none."""

    category: VatCategory
    rate: Decimal
    basis: Decimal
    vat: Decimal
    exemption_reason: str = ""


@dataclass(frozen=True)
class Totals:
    """The document totals (BG-22), named by their EN 16931 terms."""

    line_total: Decimal  # BT-106
    tax_basis_total: Decimal  # BT-109
    vat_total: Decimal  # BT-110
    grand_total: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    amount_due: Decimal  # BT-115
    vat_breakdown: tuple[VatBreakdown, ...]


def vat_breakdown(lines: Iterable[InvoiceLine]) -> tuple[VatBreakdown, ...]:
    """One breakdown per (VAT category, rate), in category then rate order: the basis is the sum
    of its lines' net amounts and the VAT is the basis × rate / 100 rounded to the cent."""
    bases: dict[tuple[VatCategory, Decimal], Decimal] = {}
    reasons: dict[tuple[VatCategory, Decimal], str] = {}
    for line in lines:
        key = (line.vat_category, line.vat_rate)
        bases[key] = bases.get(key, ZERO) + line_net_amount(line)
        reasons.setdefault(key, line.vat_exemption_reason)
    return tuple(
        VatBreakdown(
            category=category,
            rate=rate,
            basis=basis,
            vat=to_cent(basis * rate / 100),
            exemption_reason=reasons[(category, rate)],
        )
        for (category, rate), basis in sorted(bases.items(), key=lambda item: item[0])
    )


def totals(lines: Iterable[InvoiceLine], prepaid: Decimal = ZERO) -> Totals:
    """The totals of these lines, less what was paid in advance."""
    lines = tuple(lines)
    breakdown = vat_breakdown(lines)
    line_total = sum((line_net_amount(line) for line in lines), ZERO)
    vat_total = sum((item.vat for item in breakdown), ZERO)
    grand_total = line_total + vat_total
    return Totals(
        line_total=line_total,
        tax_basis_total=line_total,
        vat_total=vat_total,
        grand_total=grand_total,
        prepaid=to_cent(prepaid),
        amount_due=grand_total - to_cent(prepaid),
        vat_breakdown=breakdown,
    )


def invoice_totals(invoice: Invoice) -> Totals:
    """The totals of an invoice or credit note."""
    return totals(invoice.lines, invoice.prepaid)
