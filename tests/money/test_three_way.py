"""The three-way match on plain values: an invoice's lines against the order's lines, prices,
VAT rates and fee, and what the deliveries recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from money.invoice_pairing import OrderCandidate, pair_lines, propose_orders
from money.three_way import (
    InvoicedLine,
    LineKind,
    MatchResult,
    OrderedFee,
    OrderedLine,
    Outcome,
    Tolerances,
    match_invoice,
)

D = Decimal
CENT = D("0.01")

ORDER = (
    OrderedLine(11, 1, "PAP-A4-80R", "Ramette papier A4 recyclé 80 g", D(48), D("2.67"),
                D("0.20"), received=D(48)),
    OrderedLine(12, 1, "CAF-BIO-1K", "Café bio équitable en grains 1 kg", D(12), D("14.35"),
                D("0.055"), received=D(12)),
    OrderedLine(13, 1, "ENV-C4-K250", "Enveloppes kraft C4 recyclées, boîte de 250", D(6),
                D("18.50"), D("0.20"), received=D(6)),
)  # fmt: skip
FEE = OrderedFee(1, D("15.00"))


def billed(order_line: OrderedLine, key: int, **changes: object) -> InvoicedLine:
    """An invoice line billing exactly what the order line received, at its price."""
    quantity = changes.pop("quantity", order_line.received - order_line.already_invoiced)
    price = changes.pop("unit_price", order_line.unit_price)
    assert isinstance(quantity, Decimal) and isinstance(price, Decimal)
    line = InvoicedLine(
        key=key,
        seller_ref=order_line.supplier_ref,
        description=order_line.name,
        quantity=quantity,
        unit_price=price,
        vat_rate=order_line.vat_rate,
        line_total=(quantity * price).quantize(CENT, ROUND_HALF_UP),
    )
    return replace(line, **changes)  # type: ignore[arg-type]


def fee_line(key: int, amount: str) -> InvoicedLine:
    return InvoicedLine(key, "", "Frais de livraison", D(1), D(amount), D("0.20"), D(amount),
                        kind=LineKind.CHARGE)  # fmt: skip


def invoice(**changes: InvoicedLine) -> list[InvoicedLine]:
    lines = {f"l{n}": billed(line, n) for n, line in enumerate(ORDER, start=1)}
    lines |= changes
    return list(lines.values())


def rendered(result: MatchResult, key: int) -> list[str]:
    line = next(line for line in result.lines if line.key == key)
    return [reason.render() for reason in line.reasons]


def test_an_invoice_of_what_was_ordered_and_received_is_to_pay() -> None:
    result = match_invoice([*invoice(), fee_line(9, "15.00")], ORDER, [FEE])
    assert result.status == "to_pay"
    assert [line.outcome for line in result.lines] == [Outcome.AGREES] * 4
    assert [line.order_line for line in result.lines] == [11, 12, 13, None]
    assert result.not_invoiced == ()


def test_a_price_above_the_order_is_an_exception_in_words() -> None:
    result = match_invoice(invoice(l1=billed(ORDER[0], 1, unit_price=D("2.89"))), ORDER)
    assert result.status == "exception"
    assert rendered(result, 1) == ["price 2.89 € instead of 2.67 € ordered"]
    assert [line.key for line in result.exceptions] == [1]


def test_a_price_within_the_tolerance_agrees_and_one_beyond_it_does_not() -> None:
    tolerance = Tolerances(price_percent=D("0.5"))
    within = billed(ORDER[0], 1, unit_price=D("2.6833"))  # +0.498 %
    beyond = billed(ORDER[0], 1, unit_price=D("2.6834"))
    assert match_invoice(invoice(l1=within), ORDER, tolerances=tolerance).agrees
    assert not match_invoice(invoice(l1=beyond), ORDER, tolerances=tolerance).agrees
    below = billed(ORDER[0], 1, unit_price=D("2.60"))
    assert not match_invoice(invoice(l1=below), ORDER, tolerances=tolerance).agrees


def test_more_invoiced_than_received_says_both_quantities() -> None:
    partly = (replace(ORDER[0], received=D(46)), *ORDER[1:])
    result = match_invoice(invoice(), partly)
    assert rendered(result, 1) == ["invoiced 48, received 46"]
    assert match_invoice(invoice(), partly, tolerances=Tolerances(quantity_units=D(2))).agrees


def test_earlier_invoices_count_against_what_was_received() -> None:
    earlier = (replace(ORDER[0], already_invoiced=D(20)), *ORDER[1:])
    result = match_invoice(invoice(l1=billed(ORDER[0], 1, quantity=D(30))), earlier)
    assert rendered(result, 1) == ["invoiced 50 (20 on earlier invoices), received 48"]
    assert match_invoice(invoice(l1=billed(earlier[0], 1)), earlier).agrees


def test_less_invoiced_than_received_agrees_and_the_rest_is_noted() -> None:
    result = match_invoice(invoice(l1=billed(ORDER[0], 1, quantity=D(40))), ORDER)
    assert result.agrees
    result = match_invoice(invoice()[:2], ORDER)
    assert result.agrees and result.not_invoiced == (13,)


def test_a_line_the_order_does_not_have_is_not_ordered() -> None:
    stray = InvoicedLine(4, "STY-BILLE-10", "Stylos bille bleus, lot de 10", D(5), D("3.20"),
                         D("0.20"), D("16.00"))  # fmt: skip
    result = match_invoice([*invoice(), stray], ORDER)
    assert rendered(result, 4) == ["line not ordered"]
    assert result.lines[3].order_line is None


def test_a_vat_rate_other_than_the_products_is_an_exception() -> None:
    wrong = billed(ORDER[1], 2, vat_rate=D("0.20"))
    assert rendered(match_invoice(invoice(l2=wrong), ORDER), 2) == ["VAT 20 % instead of 5.5 %"]


def test_several_reasons_on_one_line_are_all_given() -> None:
    partly = (replace(ORDER[0], received=D(46)), *ORDER[1:])
    wrong = billed(ORDER[0], 1, quantity=D(48), unit_price=D("2.89"), vat_rate=D("0.10"))
    assert rendered(match_invoice(invoice(l1=wrong), partly), 1) == [
        "VAT 10 % instead of 20 %",
        "price 2.89 € instead of 2.67 € ordered",
        "invoiced 48, received 46",
    ]


def test_fees_are_checked_against_the_orders_fee_not_yet_billed() -> None:
    assert not match_invoice([*invoice(), fee_line(9, "20.00")], ORDER, [FEE]).agrees
    result = match_invoice([*invoice(), fee_line(9, "15.00")], ORDER, [replace(FEE, fee=D(0))])
    assert rendered(result, 9) == ["fees 15.00 € instead of 0.00 € on the order"]
    again = match_invoice([*invoice(), fee_line(9, "15.00")], ORDER,
                          [replace(FEE, already_invoiced=D("15.00"))])  # fmt: skip
    assert not again.agrees
    discount = InvoicedLine(8, "", "Remise coopérative", D(1), D(10), D("0.20"), D(10),
                            kind=LineKind.ALLOWANCE)  # fmt: skip
    assert match_invoice([*invoice(), discount], ORDER).agrees


def test_lines_pair_by_reference_first_then_by_description() -> None:
    renamed = billed(ORDER[0], 1, description="Papier pour imprimante")  # same reference
    unreferenced = billed(ORDER[1], 2, seller_ref="", description="café bio equitable grains 1kg")
    result = match_invoice(invoice(l1=renamed, l2=unreferenced), ORDER)
    assert [line.order_line for line in result.lines] == [11, 12, 13]
    assert result.agrees


def test_a_description_far_from_every_order_line_pairs_with_none() -> None:
    assert pair_lines([(1, "", "Papier")], [(11, "X", "Ramette papier A4 recyclé 80 g")]) == {}


def test_two_lines_billing_one_order_line_add_up_their_quantities() -> None:
    first = billed(ORDER[0], 1, quantity=D(30))
    second = billed(ORDER[0], 4, quantity=D(18))
    assert match_invoice(invoice(l1=first, l4=second), ORDER).agrees
    third = billed(ORDER[0], 5, quantity=D(1))
    result = match_invoice(invoice(l1=first, l4=second, l5=third), ORDER)
    assert rendered(result, 5) == ["invoiced 49, received 48"]


def test_an_accepted_exception_lets_the_invoice_be_paid() -> None:
    dearer = billed(ORDER[0], 1, unit_price=D("2.89"))
    assert not match_invoice(invoice(l1=dearer), ORDER).agrees
    result = match_invoice(invoice(l1=replace(dearer, accepted=True)), ORDER)
    assert result.status == "to_pay"
    assert result.lines[0].outcome == Outcome.ACCEPTED
    assert rendered(result, 1) == ["price 2.89 € instead of 2.67 € ordered"]


def test_a_credit_note_for_the_price_difference_resolves_the_exception() -> None:
    dearer = billed(ORDER[0], 1, unit_price=D("2.89"))  # 48 × 0.22 = 10.56 too much
    credit = InvoicedLine(101, "PAP-A4-80R", "Avoir sur prix", D(48), D("0.22"), D("0.20"),
                          D("10.56"))  # fmt: skip
    result = match_invoice(invoice(l1=dearer), ORDER, credits=[credit])
    assert result.status == "to_pay"
    assert result.lines[0].outcome == Outcome.CREDITED
    assert result.credits[0].invoice_line == 1
    short = replace(credit, line_total=D("5.00"))
    assert match_invoice(invoice(l1=dearer), ORDER, credits=[short]).status == "exception"


def test_a_credit_note_without_lines_in_common_offsets_what_is_in_dispute() -> None:
    partly = (replace(ORDER[0], received=D(46)), *ORDER[1:])
    credit = InvoicedLine(101, "", "Avoir", D(1), D("5.34"), D("0.20"), D("5.34"))  # 2 × 2.67
    assert match_invoice(invoice(), partly, credits=[credit]).agrees
    assert not match_invoice(invoice(), partly, credits=[replace(credit, line_total=D(5))]).agrees


def test_a_wrong_vat_rate_is_only_credited_by_crediting_the_whole_line() -> None:
    wrong = billed(ORDER[1], 2, vat_rate=D("0.20"))
    whole = InvoicedLine(101, "CAF-BIO-1K", "Avoir", wrong.quantity, wrong.unit_price,
                         D("0.20"), wrong.line_total)  # fmt: skip
    assert match_invoice(invoice(l2=wrong), ORDER, credits=[whole]).agrees
    half = replace(whole, line_total=wrong.line_total / 2)
    assert not match_invoice(invoice(l2=wrong), ORDER, credits=[half]).agrees


def test_orders_are_proposed_by_date_then_nearest_amount() -> None:
    candidates = [
        OrderCandidate(1, date(2027, 1, 2), D("500.00")),
        OrderCandidate(2, date(2027, 1, 5), D("1010.00")),
        OrderCandidate(3, date(2027, 1, 20), D("1000.00")),  # after the invoice
        OrderCandidate(4, date(2026, 12, 1), D("990.00")),
    ]
    assert propose_orders(date(2027, 1, 10), D("1000.00"), candidates) == [2, 4, 1]
    assert propose_orders(date(2027, 1, 10), D("1000.00"), candidates, most=1) == [2]
    assert propose_orders(date(2027, 1, 10), D("1000.00"), []) == []


# Properties: any order, any deliveries.

prices = st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2)
quantities = st.integers(min_value=0, max_value=500).map(D)
rates = st.sampled_from([D("0.20"), D("0.10"), D("0.055"), D("0.021"), D(0)])


@st.composite
def orders(draw: st.DrawFn) -> list[OrderedLine]:
    count = draw(st.integers(min_value=1, max_value=12))
    lines = []
    for n in range(count):
        ordered = draw(quantities)
        received = D(draw(st.integers(min_value=0, max_value=int(ordered))))
        lines.append(
            OrderedLine(
                100 + n,
                1,
                f"REF-{n:03}",
                f"Article {n}",
                ordered,
                draw(prices),
                draw(rates),
                received=received,
            )
        )
    return lines


@settings(max_examples=150, deadline=None)
@given(orders(), st.randoms(use_true_random=False))
def test_an_invoice_built_from_the_order_and_deliveries_always_agrees(
    ordered: list[OrderedLine], shuffle: object
) -> None:
    lines = [billed(line, n) for n, line in enumerate(ordered) if line.received]
    shuffle.shuffle(lines)  # type: ignore[attr-defined]
    result = match_invoice(lines, ordered)
    assert result.status == "to_pay"
    assert {line.order_line for line in result.lines} == {o.key for o in ordered if o.received}


@settings(max_examples=150, deadline=None)
@given(orders(), st.data(), st.decimals(min_value=D("0.1"), max_value=D(5), places=2))
def test_a_price_beyond_the_tolerance_always_gives_the_price_exception(
    ordered: list[OrderedLine], data: st.DataObject, tolerance: Decimal
) -> None:
    lines = [billed(line, n) for n, line in enumerate(ordered) if line.received]
    if not lines:
        return
    victim = data.draw(st.sampled_from(lines))
    order_line = next(o for o in ordered if o.supplier_ref == victim.seller_ref)
    sign = data.draw(st.sampled_from([1, -1]))
    # Just past the band, one ten-thousandth of a euro out.
    price = order_line.unit_price * (1 + sign * tolerance / 100) + sign * D("0.0001")
    if price <= 0:
        return
    lines = [billed(order_line, victim.key, unit_price=price) if line is victim else line
             for line in lines]  # fmt: skip
    result = match_invoice(lines, ordered, tolerances=Tolerances(price_percent=tolerance))
    assert result.status == "exception"
    assert [line.key for line in result.exceptions] == [victim.key]
    assert (
        result.exceptions[0].reasons[0].text == "price %(invoiced)s instead of %(ordered)s ordered"
    )


@settings(max_examples=100, deadline=None)
@given(orders(), st.data())
def test_billing_more_than_received_is_always_the_quantity_exception(
    ordered: list[OrderedLine], data: st.DataObject
) -> None:
    victim = data.draw(st.sampled_from(ordered))
    extra = D(data.draw(st.integers(min_value=1, max_value=50)))
    lines = [billed(line, n, quantity=line.received + (extra if line is victim else 0))
             for n, line in enumerate(ordered)]  # fmt: skip
    result = match_invoice(lines, ordered)
    assert [line.order_line for line in result.exceptions] == [victim.key]
    assert result.exceptions[0].reasons[-1].render() == (
        f"invoiced {victim.received + extra}, received {victim.received}"
    )
