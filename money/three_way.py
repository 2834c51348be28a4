"""The three-way match of a supplier invoice: what the supplier billed, line by line, against
what the cooperative ordered (the purchase order's lines, prices and fee) and what the
deliveries recorded as received. Plain values in, plain values out; no database.

Each invoice line comes out agreeing, or as an exception with its reasons in words ("invoiced
48, received 46", "price 2.89 € instead of 2.67 € ordered", "line not ordered", "VAT 20 %
instead of 5.5 %"); the invoice is to be paid when every line agrees or was accepted by the
lead, or was corrected by the supplier's credit notes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from money.invoice_pairing import pair_lines, units_per_invoiced
from suppliers.errors import N_, Euros, Message, Units

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Outcome(StrEnum):
    """What the match says of one invoice line."""

    AGREES = "agrees"
    EXCEPTION = "exception"
    # An exception the lead accepted as it is.
    ACCEPTED = "accepted"
    # An exception the supplier's credit notes offset.
    CREDITED = "credited"


SETTLED = frozenset({Outcome.AGREES, Outcome.ACCEPTED, Outcome.CREDITED})


class LineKind(StrEnum):
    GOODS = "goods"
    CHARGE = "charge"
    ALLOWANCE = "allowance"


@dataclass(frozen=True)
class Tolerances:
    """How far an invoice may stray from the order and still agree: unit prices within
    `price_percent` % of the price ordered (either way), quantities at most `quantity_units`
    units above what was received."""

    price_percent: Decimal = Decimal("0.5")
    quantity_units: Decimal = ZERO


@dataclass(frozen=True)
class InvoicedLine:
    """A line of the supplier's invoice (or of a credit note): goods billed at a quantity and
    a net unit price (per one unit), or a document-level charge (a delivery fee) or allowance.
    VAT rates are fractions (0.20 for 20 %). `accepted` says the lead accepted it as it is.
    `unit_code` is the UN/ECE code of what the quantity counts (a package's: packs)."""

    key: int
    seller_ref: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    line_total: Decimal
    kind: LineKind = LineKind.GOODS
    accepted: bool = False
    unit_code: str = ""


@dataclass(frozen=True)
class OrderedLine:
    """A purchase order line: the supplier's reference of the offer and the product's name,
    units ordered at the order's unit price and the offer's VAT rate, units the deliveries
    recorded as received (substitutes the site accepted included), and units of it already
    billed by the supplier's other invoices (not refused, net of their credit notes); the
    offer's pack size (units in one pack), for invoices that bill by the pack."""

    key: int
    order_key: int
    supplier_ref: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    received: Decimal
    already_invoiced: Decimal = ZERO
    pack_size: Decimal = ONE


@dataclass(frozen=True)
class OrderedFee:
    """A purchase order's delivery fee, and the part of it other invoices already billed."""

    order_key: int
    fee: Decimal
    already_invoiced: Decimal = ZERO


@dataclass(frozen=True)
class LineMatch:
    """The match of one invoice line: the order line it bills (None for a line not ordered
    and for charges and allowances), its outcome and the reasons of an exception (kept when
    the exception was accepted or credited, to say what was)."""

    key: int
    order_line: int | None
    outcome: Outcome
    reasons: tuple[Message, ...] = ()


@dataclass(frozen=True)
class CreditMatch:
    """A credit note's line and the invoice line it offsets (None when its description and
    reference pair it with none: its amount then offsets what remains in dispute)."""

    key: int
    invoice_line: int | None


@dataclass(frozen=True)
class MatchResult:
    """The match of an invoice: each line's, each credit note line's, and the order lines
    this invoice does not bill (noted, not an exception: another invoice may)."""

    lines: tuple[LineMatch, ...]
    credits: tuple[CreditMatch, ...] = ()
    not_invoiced: tuple[int, ...] = ()

    @property
    def agrees(self) -> bool:
        """Whether the invoice may be paid: every line agrees, was accepted or credited."""
        return all(line.outcome in SETTLED for line in self.lines)

    @property
    def status(self) -> str:
        """The invoice's status the match leads to: "to_pay" or "exception"."""
        return "to_pay" if self.agrees else "exception"

    @property
    def exceptions(self) -> tuple[LineMatch, ...]:
        return tuple(line for line in self.lines if line.outcome == Outcome.EXCEPTION)


def percent(rate: Decimal) -> Units:
    """A VAT rate fraction as the percent a person reads (0.055 → 5.5)."""
    return Units(rate * HUNDRED)


def match_invoice(
    invoiced: Sequence[InvoicedLine],
    ordered: Sequence[OrderedLine],
    fees: Sequence[OrderedFee] = (),
    tolerances: Tolerances = Tolerances(),
    credits: Sequence[InvoicedLine] = (),
) -> MatchResult:
    """Matches an invoice's lines to the lines of the orders it bills.

    Goods lines pair with order lines by the supplier's reference first, then by
    description among the order lines still unpaired; several invoice lines may bill one
    order line (their quantities add up). A line may bill by the pack what the order counted
    in units (`units_per_invoiced`): its quantity times the pack size is then compared in
    units, and its price divided by the pack size. A paired line is checked for its VAT rate
    (the offer's, exactly), its unit price (the order's, within the tolerance) and its quantity
    (with what other invoices billed of the order line, no more than received, within the
    tolerance); an unpaired one is a line not ordered. Charges, together, must not exceed the
    orders' fees not yet billed (within the price tolerance); allowances always agree.

    A credit note's lines offset the lines they pair with (by reference, then description);
    a line in exception whose net amount falls to what the order and deliveries allow is
    credited. A line the lead accepted stays accepted while it is in exception."""
    goods = [line for line in invoiced if line.kind == LineKind.GOODS]
    pairs = pair_lines(_items(goods), [(o.key, o.supplier_ref, o.name) for o in ordered])
    order_lines = {line.key: line for line in ordered}
    groups: dict[int, list[InvoicedLine]] = defaultdict(list)
    for line in goods:
        if (paired := pairs.get(line.key)) is not None:
            groups[paired].append(line)

    reasons: dict[int, list[Message]] = {line.key: [] for line in invoiced}
    allowed: dict[int, Decimal] = {}  # the net amount a line may bill after its credits
    for order_key, group in groups.items():
        _check_group(order_lines[order_key], group, tolerances, reasons, allowed)
    for line in goods:
        if line.key not in pairs:
            reasons[line.key].append(Message(N_("line not ordered")))
            allowed[line.key] = ZERO
    _check_charges([line for line in invoiced if line.kind == LineKind.CHARGE], fees,
                   tolerances, reasons, allowed)  # fmt: skip

    credit_pairs = pair_lines(_items(credits), _items(invoiced))
    credited = _credited(invoiced, credits, credit_pairs, reasons, allowed)
    lines = tuple(
        LineMatch(
            key=line.key,
            order_line=pairs.get(line.key),
            outcome=_outcome(line, reasons[line.key], line.key in credited),
            reasons=tuple(reasons[line.key]),
        )
        for line in invoiced
    )
    billed = set(pairs.values())
    return MatchResult(
        lines=lines,
        credits=tuple(CreditMatch(line.key, credit_pairs.get(line.key)) for line in credits),
        not_invoiced=tuple(line.key for line in ordered if line.key not in billed),
    )


def _outcome(line: InvoicedLine, reasons: list[Message], credited: bool) -> Outcome:
    if not reasons:
        return Outcome.AGREES
    if credited:
        return Outcome.CREDITED
    return Outcome.ACCEPTED if line.accepted else Outcome.EXCEPTION


def per_unit(line: InvoicedLine, order_line: OrderedLine) -> Decimal:
    """How many of the order's units one of the line's quantity stands for."""
    return units_per_invoiced(
        line.unit_code, line.unit_price, order_line.unit_price, order_line.pack_size
    )


def _check_group(
    order_line: OrderedLine,
    group: list[InvoicedLine],
    tolerances: Tolerances,
    reasons: dict[int, list[Message]],
    allowed: dict[int, Decimal],
) -> None:
    """The invoice lines billing one order line: VAT and price each, quantity together, in
    the order's units."""
    factors = {line.key: per_unit(line, order_line) for line in group}
    for line in group:
        if line.vat_rate != order_line.vat_rate:
            reasons[line.key].append(
                Message(
                    N_("VAT %(invoiced)s %% instead of %(ordered)s %%"),
                    {"invoiced": percent(line.vat_rate), "ordered": percent(order_line.vat_rate)},
                )
            )
        if not price_agrees(line.unit_price / factors[line.key], order_line.unit_price, tolerances):
            reasons[line.key].append(_price_reason(line, order_line, factors[line.key]))
    units = sum((line.quantity * factors[line.key] for line in group), ZERO)
    billed = units + order_line.already_invoiced
    if billed > order_line.received + tolerances.quantity_units:
        reason = _quantity_reason(order_line, group, factors, billed)
        for line in group:
            reasons[line.key].append(reason)
    # What the group may bill: the units still to bill at the price ordered. It is shared
    # among the group's lines in order, each taking what its own quantity allows.
    room = max(order_line.received + tolerances.quantity_units - order_line.already_invoiced, ZERO)
    for line in group:
        factor = factors[line.key]
        taken = min(line.quantity * factor, room)
        room -= taken
        if line.vat_rate != order_line.vat_rate:
            allowed[line.key] = ZERO
        elif price_agrees(line.unit_price / factor, order_line.unit_price, tolerances):
            allowed[line.key] = taken * line.unit_price / factor
        else:
            allowed[line.key] = (
                taken * order_line.unit_price * (1 + tolerances.price_percent / HUNDRED)
            )


def _price_reason(line: InvoicedLine, order_line: OrderedLine, factor: Decimal) -> Message:
    """The price's gap in words; for a line billing by the pack, in both units."""
    if factor == ONE:
        return Message(
            N_("price %(invoiced)s instead of %(ordered)s ordered"),
            {"invoiced": Euros(line.unit_price), "ordered": Euros(order_line.unit_price)},
        )
    return Message(
        N_(
            "price %(invoiced)s a pack of %(size)s (%(unit)s a unit) instead of %(ordered)s ordered"
        ),
        {
            "invoiced": Euros(line.unit_price),
            "size": Units(factor),
            "unit": Euros((line.unit_price / factor).quantize(Decimal("0.0001"))),
            "ordered": Euros(order_line.unit_price),
        },
    )


def _quantity_reason(
    order_line: OrderedLine,
    group: list[InvoicedLine],
    factors: dict[int, Decimal],
    billed: Decimal,
) -> Message:
    """The quantity's excess in words: units invoiced (with earlier invoices) against units
    received; when every line of the group bills by the pack, the packs too."""
    received = Units(order_line.received)
    earlier = order_line.already_invoiced
    if all(factors[line.key] != ONE for line in group):
        packs = sum((line.quantity for line in group), ZERO)
        size = Units(factors[group[0].key])
        if earlier:
            return Message(
                N_(
                    "invoiced %(packs)s packs of %(size)s (%(invoiced)s, %(earlier)s more on "
                    "earlier invoices), received %(received)s"
                ),
                {"packs": Units(packs), "size": size, "invoiced": Units(billed - earlier),
                 "earlier": Units(earlier), "received": received},
            )  # fmt: skip
        return Message(
            N_("invoiced %(packs)s packs of %(size)s (%(invoiced)s), received %(received)s"),
            {"packs": Units(packs), "size": size, "invoiced": Units(billed), "received": received},
        )
    if earlier:
        return Message(
            N_("invoiced %(invoiced)s (%(earlier)s on earlier invoices), received %(received)s"),
            {"invoiced": Units(billed), "earlier": Units(earlier), "received": received},
        )
    return Message(
        N_("invoiced %(invoiced)s, received %(received)s"),
        {"invoiced": Units(billed), "received": received},
    )


def price_agrees(invoiced: Decimal, ordered: Decimal, tolerances: Tolerances) -> bool:
    """Whether a unit price is within the tolerance of the price ordered, either way."""
    return abs(invoiced - ordered) <= ordered * tolerances.price_percent / HUNDRED


def _check_charges(
    charges: list[InvoicedLine],
    fees: Sequence[OrderedFee],
    tolerances: Tolerances,
    reasons: dict[int, list[Message]],
    allowed: dict[int, Decimal],
) -> None:
    """Charges billed together against the orders' fees still to bill."""
    if not charges:
        return
    due = sum((max(fee.fee - fee.already_invoiced, ZERO) for fee in fees), ZERO)
    charged = sum((line.line_total for line in charges), ZERO)
    ceiling = due * (1 + tolerances.price_percent / HUNDRED)
    room = ceiling
    for line in charges:
        allowed[line.key] = min(max(line.line_total, ZERO), max(room, ZERO))
        room -= allowed[line.key]
    if charged > ceiling + CENT / 2:
        reason = Message(
            N_("fees %(invoiced)s instead of %(ordered)s on the order"),
            {"invoiced": Euros(charged), "ordered": Euros(due)},
        )
        for line in charges:
            reasons[line.key].append(reason)


def _items(lines: Iterable[InvoicedLine]) -> list[tuple[int, str, str]]:
    return [(line.key, line.seller_ref, line.description) for line in lines]


def _credited(
    invoiced: Sequence[InvoicedLine],
    credits: Sequence[InvoicedLine],
    credit_pairs: dict[int, int],
    reasons: dict[int, list[Message]],
    allowed: dict[int, Decimal],
) -> set[int]:
    """The lines in exception the credit notes offset: first each paired credit line offsets
    its own line, then what unpaired credit lines give offsets what remains in dispute, line
    by line in the invoice's order. A line is offset when its net amount comes down to what
    it may bill (to the cent)."""
    offset: dict[int, Decimal] = defaultdict(lambda: ZERO)
    pool = ZERO
    for credit in credits:
        if (target := credit_pairs.get(credit.key)) is not None:
            offset[target] += credit.line_total
        else:
            pool += credit.line_total
    credited = set()
    for line in invoiced:
        if not reasons[line.key] or not credits:
            continue
        excess = line.line_total - offset[line.key] - allowed.get(line.key, line.line_total)
        if excess > CENT / 2 and pool > ZERO:
            taken = min(pool, excess)
            pool -= taken
            excess -= taken
        if excess <= CENT / 2:
            credited.add(line.key)
    return credited
