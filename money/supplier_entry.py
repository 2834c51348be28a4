"""A supplier invoice's lines as stored, from the file read or from what the lead typed, and
the rules a typed invoice follows: its lines and totals add up to the cent as EN 16931 computes
them (each line rounded to the cent, the VAT per rate on the sum of its lines).

Stored lines follow one convention, whatever their source: `line_total` is what the line adds
to the total without VAT, so an allowance's (and its unit price) is negative and the lines
always add up to it; a document-level charge or allowance is one line of quantity 1; the unit
price is per one unit (a price per thousand is divided), net of the line's own
allowances only when the supplier wrote it so; the VAT rate is a fraction (0.055 for 5.5 %).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from money.formats.received import MAX_INVOICE_BYTES, ReceivedInvoice
from money.supplier_invoice_models import (
    SUPPLIER_DOCUMENT_KINDS,
    SUPPLIER_LINE_KINDS,
    SupplierInvoiceLine,
)
from purchasing.errors import N_, Euros, Invalid, Message

CENT = Decimal("0.01")
PLACES = Decimal("0.000001")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
# What the columns hold: amounts to the cent below ten billion, quantities and unit prices
# to six places below a thousand billion.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_EXACT = Decimal("999999999999")


@dataclass(frozen=True)
class SupplierInvoiceLineValues:
    """A line as the lead types it from the PDF: a quantity at a net unit price excluding VAT,
    and its VAT rate as a fraction. A charge (delivery) or an allowance (discount) is one line
    whose amount is its quantity times its price, both positive."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    seller_ref: str = ""
    unit_code: str = "C62"
    kind: str = "goods"


@dataclass(frozen=True)
class SupplierInvoiceValues:
    """A supplier's invoice typed in beside its plain PDF (`file`), with the totals it prints."""

    supplier_id: int
    number: str
    issue_date: date
    lines: tuple[SupplierInvoiceLineValues, ...]
    total_without_tax: Decimal
    tax_total: Decimal
    grand_total: Decimal
    file: bytes
    file_name: str
    kind: str = "invoice"
    due_date: date | None = None
    order_references: tuple[str, ...] = ()
    corrected_number: str = ""


@dataclass(frozen=True)
class EnteredTotals:
    total_without_tax: Decimal
    tax_total: Decimal
    grand_total: Decimal


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _signed_net(line: SupplierInvoiceLineValues) -> Decimal:
    net = _cents(line.quantity * line.unit_price)
    return -net if line.kind == "allowance" else net


def computed_totals(lines: tuple[SupplierInvoiceLineValues, ...]) -> tuple[Decimal, Decimal, int]:
    """The total without VAT, the VAT (per rate, on the sum of its lines) and the number of
    rates of these lines."""
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        bases[line.vat_rate.normalize()] += _signed_net(line)
    vat = sum((_cents(basis * rate) for rate, basis in bases.items()), ZERO)
    return sum(bases.values(), ZERO), vat, len(bases)


def check_entry(values: SupplierInvoiceValues) -> dict[str, Message]:
    """Every rule on a typed invoice, by field; empty when it may be stored."""
    errors: dict[str, Message] = {}
    number = " ".join(values.number.split())
    if not number:
        errors["number"] = Message(N_("Give the supplier's invoice number."))
    elif len(number) > 60:
        errors["number"] = Message(N_("The invoice number is at most 60 characters."))
    if values.kind not in SUPPLIER_DOCUMENT_KINDS:
        errors["kind"] = Message(N_("Choose invoice or credit note."))
    if values.due_date is not None and values.due_date < values.issue_date:
        errors["due_date"] = Message(N_("The due date cannot come before the invoice date."))
    if len(" ".join(values.order_references)) > 400:
        errors["order_references"] = Message(N_("The order references are at most 400 characters."))
    if len(values.corrected_number) > 60:
        errors["corrected_number"] = Message(N_("The invoice number is at most 60 characters."))
    if not values.file.startswith(b"%PDF-"):
        errors["file"] = Message(N_("Attach the invoice's PDF."))
    elif len(values.file) > MAX_INVOICE_BYTES:
        errors["file"] = Message(N_("The PDF is larger than 20 MB."))
    if not values.lines:
        errors["lines"] = Message(N_("Give at least one line."))
    for index, line in enumerate(values.lines):
        _check_line(errors, f"lines.{index}", line)
    for name in ("total_without_tax", "tax_total", "grand_total"):
        amount = getattr(values, name)
        if _places(amount) > 2 or abs(amount) > MAX_AMOUNT:
            errors[name] = Message(N_("Give the amount to the cent, such as 1 204,50."))
    if any(key.startswith("lines") or key.endswith("total") for key in errors):
        return errors  # the sums of lines or totals that are not numbers mean nothing
    without_tax, tax, rates = computed_totals(values.lines)
    if values.total_without_tax != without_tax:
        errors["total_without_tax"] = Message(
            N_("The lines add up to %(computed)s excluding VAT, not %(stated)s."),
            {"computed": Euros(without_tax), "stated": Euros(values.total_without_tax)},
        )
    # A supplier's software may round the VAT of a rate a cent away from the sum of its lines.
    if abs(values.tax_total - tax) > CENT * rates:
        errors["tax_total"] = Message(
            N_("The VAT of these lines is %(computed)s, not %(stated)s."),
            {"computed": Euros(tax), "stated": Euros(values.tax_total)},
        )
    if values.grand_total != values.total_without_tax + values.tax_total:
        errors["grand_total"] = Message(
            N_("The total excluding VAT plus the VAT make %(computed)s, not %(stated)s."),
            {
                "computed": Euros(values.total_without_tax + values.tax_total),
                "stated": Euros(values.grand_total),
            },
        )
    return errors


def _check_line(errors: dict[str, Message], name: str, line: SupplierInvoiceLineValues) -> None:
    description = " ".join(line.description.split())
    if not description:
        errors[f"{name}.description"] = Message(N_("Describe what the line bills."))
    elif len(description) > 300:
        errors[f"{name}.description"] = Message(N_("A description is at most 300 characters."))
    if line.quantity <= 0:
        errors[f"{name}.quantity"] = Message(N_("The quantity must be above zero."))
    elif line.quantity > MAX_EXACT or _places(line.quantity) > 6:
        errors[f"{name}.quantity"] = Message(N_("The quantity is too large or too precise."))
    if line.unit_price < 0:
        errors[f"{name}.unit_price"] = Message(
            N_("A price cannot be negative: make a discount an allowance line.")
        )
    elif line.unit_price > MAX_EXACT or _places(line.unit_price) > 6:
        errors[f"{name}.unit_price"] = Message(N_("The price is too large or too precise."))
    if not ZERO <= line.vat_rate < 1 or _places(line.vat_rate) > 6:
        errors[f"{name}.vat_rate"] = Message(N_("A VAT rate lies between 0 and 100 %."))
    if line.kind not in SUPPLIER_LINE_KINDS:
        errors[f"{name}.kind"] = Message(N_("Choose goods, a charge or an allowance."))
    if len(line.seller_ref) > 100:
        errors[f"{name}.seller_ref"] = Message(N_("A reference is at most 100 characters."))
    if len(line.unit_code) > 3:
        errors[f"{name}.unit_code"] = Message(N_("A unit code is at most 3 characters."))


def entered_lines(
    values: SupplierInvoiceValues,
) -> tuple[list[SupplierInvoiceLine], EnteredTotals]:
    """The typed lines as stored, and the totals the invoice prints (checked by `check_entry`)."""
    lines = [
        SupplierInvoiceLine(
            position=position,
            kind=line.kind,
            seller_ref=line.seller_ref.strip(),
            description=" ".join(line.description.split()),
            quantity=line.quantity,
            unit_code=line.unit_code.strip() or "C62",
            unit_price=-line.unit_price if line.kind == "allowance" else line.unit_price,
            vat_category="S" if line.vat_rate else "Z",
            vat_rate=line.vat_rate,
            line_total=_signed_net(line),
        )
        for position, line in enumerate(values.lines, 1)
    ]
    totals = EnteredTotals(values.total_without_tax, values.tax_total, values.grand_total)
    return lines, totals


def check_storable(received: ReceivedInvoice) -> None:
    """What a read invoice must also be for coachat to keep it: a number of at most 60
    characters, amounts to the cent below ten billion, quantities and prices to six places,
    VAT rates below 100 %. Refused as a whole file otherwise."""
    problem = None
    if len(received.number) > 60:
        problem = f"the invoice number has {len(received.number)} characters, more than 60"
    totals = received.totals
    amounts = [totals.tax_basis_total, totals.vat_total, totals.grand_total, totals.due]
    amounts += [line.line_net_amount for line in received.lines]
    amounts += [item.amount for item in received.allowances_charges]
    for amount in amounts:
        if abs(amount) > MAX_AMOUNT or _places(amount.normalize()) > 2:
            problem = problem or f"the amount {amount} is not to the cent or too large"
    for line in received.lines:
        if abs(line.quantity) > MAX_EXACT or _places(line.quantity.normalize()) > 6:
            problem = problem or f"line {line.line_id}: quantity {line.quantity} is too precise"
        if line.price_base_quantity <= 0 or abs(line.net_unit_price) > MAX_EXACT:
            problem = problem or f"line {line.line_id}: price {line.net_unit_price} is not usable"
    rates = [line.vat_rate for line in received.lines]
    rates += [item.vat_rate for item in received.allowances_charges]
    if any(rate >= HUNDRED for rate in rates):
        problem = problem or "a VAT rate of 100 % or more"
    if problem:
        raise Invalid(
            {
                "file": Message(
                    N_("This invoice cannot be kept as it is: %(reason)s."), {"reason": problem}
                )
            }
        )


def received_lines(received: ReceivedInvoice) -> list[SupplierInvoiceLine]:
    """The invoice's lines, then its document-level charges and allowances, as stored."""
    lines = [
        SupplierInvoiceLine(
            position=position,
            kind="goods",
            seller_ref=(line.seller_item_id or "")[:100],
            description=line.name[:300],
            quantity=line.quantity,
            unit_code=(line.unit_code or "C62")[:3],
            unit_price=(line.net_unit_price / line.price_base_quantity).quantize(
                PLACES, rounding=ROUND_HALF_UP
            ),
            vat_category=line.vat_category,
            vat_rate=line.vat_rate / HUNDRED,
            line_total=line.line_net_amount,
            order_line_ref=(line.order_line_reference or "")[:60],
        )
        for position, line in enumerate(received.lines, 1)
    ]
    for item in received.allowances_charges:
        signed = item.amount if item.is_charge else -item.amount
        default = "Frais" if item.is_charge else "Remise"
        lines.append(
            SupplierInvoiceLine(
                position=len(lines) + 1,
                kind="charge" if item.is_charge else "allowance",
                seller_ref=(item.reason_code or "")[:100],
                description=(item.reason or default)[:300],
                quantity=Decimal(1),
                unit_code="C62",
                unit_price=signed,
                vat_category=item.vat_category,
                vat_rate=item.vat_rate / HUNDRED,
                line_total=signed,
            )
        )
    return lines
