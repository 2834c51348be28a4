"""What a supplier's invoice must satisfy before the cooperative books it: its seller is
identified, and its figures add up as EN 16931 computes them. Each check refuses with one
line naming the figures stated and computed."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from money.formats.received_model import InvoiceRefused, ReceivedInvoice
from money.formats.received_values import vat_label

CENT = Decimal("0.01")
TOLERANCE = CENT
ZERO = Decimal(0)
# Categories that carry no VAT on the invoice (zero rate, exempt, reverse charge,
# intra-community supply, export, outside the scope).
NO_VAT = frozenset({"Z", "E", "AE", "K", "G", "O"})


def check_received_invoice(invoice: ReceivedInvoice) -> None:
    """Every check a received invoice must pass, the seller's identity first."""
    check_seller_identified(invoice)
    check_lines(invoice)
    check_totals(invoice)
    check_vat_breakdown(invoice)


def check_seller_identified(invoice: ReceivedInvoice) -> None:
    """A seller in France (its country, or a French VAT number) gives its SIREN or SIRET
    (BT-30), as every French B2B invoice must; a seller abroad gives its VAT number or
    another legal registration identifier."""
    seller = invoice.seller
    french = seller.country == "FR" or (seller.vat_number or "").startswith("FR")
    if french and not (seller.siren or seller.siret):
        raise InvoiceRefused(
            f"seller {seller.name!r} gives no SIREN or SIRET (BT-30, scheme 0002 or 0009)"
        )
    if not seller.identified:
        raise InvoiceRefused(f"seller {seller.name!r} gives no legal identifier or VAT number")


def check_lines(invoice: ReceivedInvoice) -> None:
    """An invoice has lines, and each line's net amount is its quantity times its net price
    (per base quantity), plus its charges, minus its allowances, to the cent (± 0.01)."""
    if not invoice.lines:
        raise InvoiceRefused("the invoice has no line")
    for line in invoice.lines:
        computed = (
            line.quantity * line.net_unit_price / line.price_base_quantity
            + line.line_charges
            - line.line_allowances
        )
        if abs(computed - line.line_net_amount) > TOLERANCE:
            base = "" if line.price_base_quantity == 1 else f" / {line.price_base_quantity}"
            adjusted = ""
            if line.line_charges or line.line_allowances:
                adjusted = f" + {line.line_charges} - {line.line_allowances}"
            raise InvoiceRefused(
                f"line {line.line_id}: {line.quantity} × {line.net_unit_price}{base}{adjusted}"
                f" = {_cents(computed)}, net amount stated {line.line_net_amount}"
            )


def check_totals(invoice: ReceivedInvoice) -> None:
    """The document totals add up: line total = sum of line net amounts (BR-CO-10), charge
    and allowance totals = sums of the charges and allowances (BR-CO-11, 12), total without
    VAT = lines + charges - allowances (BR-CO-13), VAT total = sum of the breakdown's VAT
    (BR-CO-14), total with VAT = total without VAT + VAT (BR-CO-15), amount due = total
    with VAT - prepaid + rounding (BR-CO-16)."""
    totals = invoice.totals
    _same(
        sum((line.line_net_amount for line in invoice.lines), ZERO),
        totals.line_total,
        "the lines add up to {computed}, the line total (BT-106) states {stated}",
    )
    _same(
        sum((c.amount for c in invoice.charges), ZERO),
        totals.charge_total,
        "the charges add up to {computed}, the charge total (BT-108) states {stated}",
    )
    _same(
        sum((a.amount for a in invoice.allowances), ZERO),
        totals.allowance_total,
        "the allowances add up to {computed}, the allowance total (BT-107) states {stated}",
    )
    _same(
        totals.line_total + totals.charge_total - totals.allowance_total,
        totals.tax_basis_total,
        "lines + charges - allowances = {computed}, the total without VAT (BT-109) states {stated}",
    )
    _same(
        sum((vat.vat_amount for vat in invoice.vat_breakdown), ZERO),
        totals.vat_total,
        "the VAT breakdown adds up to {computed}, the VAT total (BT-110) states {stated}",
    )
    _same(
        totals.tax_basis_total + totals.vat_total,
        totals.grand_total,
        "total without VAT + VAT = {computed}, the total with VAT (BT-112) states {stated}",
    )
    _same(totals.grand_total - totals.prepaid + totals.rounding, totals.due,
          "total with VAT - prepaid + rounding = {computed}, the amount due (BT-115) "
          "states {stated}")  # fmt: skip


def check_vat_breakdown(invoice: ReceivedInvoice) -> None:
    """One breakdown per VAT category and rate used by a line, a charge or an allowance, and
    none other; its basis is the net amount of the lines plus the charges minus the
    allowances at that rate (BR-S-08 and the like, exactly), and its VAT is the basis times
    the rate, rounded half away from zero to the cent (± 0.01 per rate, BR-CO-17);
    categories without VAT (Z, E, AE, K, G, O) carry none."""
    computed: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in invoice.lines:
        computed[line.vat_category, line.vat_rate.normalize()] += line.line_net_amount
    for item in invoice.allowances_charges:
        sign = 1 if item.is_charge else -1
        computed[item.vat_category, item.vat_rate.normalize()] += sign * item.amount
    stated = {(vat.category, vat.rate.normalize()): vat for vat in invoice.vat_breakdown}
    if len(stated) < len(invoice.vat_breakdown):
        raise InvoiceRefused("the VAT breakdown gives the same category and rate twice")
    for key in computed:
        if key not in stated:
            label = vat_label(*key)
            raise InvoiceRefused(f"{label}: lines or charges use it, no breakdown is given")
    for key, vat in stated.items():
        label = vat_label(*key)
        basis = computed.get(key)
        if basis is None:
            raise InvoiceRefused(f"{label}: a breakdown is given, no line or charge uses it")
        if basis != vat.basis:
            raise InvoiceRefused(f"{label}: basis {vat.basis} stated, {basis} computed")
        expected = ZERO if vat.category in NO_VAT else _cents(vat.basis * vat.rate / 100)
        if abs(expected - vat.vat_amount) > TOLERANCE:
            raise InvoiceRefused(f"{label}: {vat.vat_amount} stated, {expected} computed")


def _same(computed: Decimal, stated: Decimal, message: str) -> None:
    if computed != stated:
        raise InvoiceRefused(message.format(computed=computed, stated=stated))


def _cents(amount: Decimal) -> Decimal:
    """Rounded to the cent, half away from zero (left as it is when too large to be)."""
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return amount
