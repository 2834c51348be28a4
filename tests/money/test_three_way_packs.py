"""Invoices that bill by the pack what the order counted in units: "4 cartons de 12" at the
carton's price against 48 units at the unit price. The match compares them in units and says
what is wrong in both."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest

from money.invoice_pairing import units_per_invoiced
from money.supplier_credit_request import in_french
from money.supplier_matching import line_reasons
from money.three_way import InvoicedLine, OrderedLine, Outcome, Tolerances, match_invoice
from tests.money.matching_setup import deliver, file_for, receive, sent_orders
from tests.money.supplier_invoices import Line, cii, ubl

D = Decimal
CENT = D("0.01")
# 48 sheets ordered at 2.67 € each; the supplier's offer packs them by 12.
PAPER = OrderedLine(11, 1, "PAP-A4-80R", "Ramette papier A4 recyclé 80 g", D(48), D("2.67"),
                    D("0.20"), received=D(48), pack_size=D(12))  # fmt: skip


def by_the_pack(quantity: str, price: str, unit_code: str = "H87", key: int = 1) -> InvoicedLine:
    total = (D(quantity) * D(price)).quantize(CENT, ROUND_HALF_UP)
    return InvoicedLine(key, "PAP-A4-80R", "Ramette papier A4 recyclé 80 g", D(quantity),
                        D(price), D("0.20"), total, unit_code=unit_code)  # fmt: skip


def reasons_in_french(result, key: int = 1) -> list[str]:
    line = next(line for line in result.lines if line.key == key)
    return [in_french(reason) for reason in line.reasons]


@pytest.mark.parametrize(
    ("unit_code", "price", "ordered", "pack", "units"),
    [
        ("XBX", "32.04", "2.67", "12", "12"),  # a box: packs, whatever the price
        ("xct ", "2.67", "2.67", "12", "12"),  # codes read without case or spaces
        ("CS", "32.04", "2.67", "12", "12"),
        ("PK", "32.04", "2.67", "1", "1"),  # an offer sold by the unit: a pack is one unit
        ("H87", "32.04", "2.67", "12", "12"),  # the price of a pack: 12 times the unit's
        ("C62", "2.67", "2.67", "12", "1"),  # the price of a unit
        ("H87", "9.00", "2.67", "12", "1"),  # 3.4 times: nearer a unit (√12 ≈ 3.46)
        ("H87", "9.50", "2.67", "12", "12"),  # 3.6 times: nearer a pack
        ("H87", "32.04", "0", "12", "1"),  # nothing to compare with
    ],
)
def test_a_line_bills_by_the_pack_by_its_unit_code_or_its_price(
    unit_code, price, ordered, pack, units
):
    assert units_per_invoiced(unit_code, D(price), D(ordered), D(pack)) == D(units)


@pytest.mark.parametrize("unit_code", ["H87", "C62", "XBX", "CT", "XPK"])
def test_four_packs_of_twelve_at_the_packs_price_agree_with_48_units(unit_code):
    result = match_invoice([by_the_pack("4", "32.04", unit_code)], [PAPER])
    assert result.status == "to_pay"
    assert result.lines[0].order_line == PAPER.key and result.lines[0].reasons == ()


def test_the_packs_price_within_the_tolerance_agrees_and_beyond_it_says_both_prices():
    assert match_invoice([by_the_pack("4", "32.15")], [PAPER]).agrees  # 2.679 € a unit: +0.34 %
    result = match_invoice([by_the_pack("4", "35.00")], [PAPER])
    assert result.lines[0].outcome == Outcome.EXCEPTION
    assert reasons_in_french(result) == [
        "prix 35,00 € le colis de 12 (2,9167 € l’unité) au lieu de 2,67 € commandé"
    ]
    wider = match_invoice([by_the_pack("4", "35.00")], [PAPER], tolerances=Tolerances(D(10)))
    assert wider.agrees


def test_more_packs_than_received_says_packs_and_units():
    result = match_invoice([by_the_pack("4", "32.04")], [replace(PAPER, received=D(46))])
    assert result.status == "exception"
    assert reasons_in_french(result) == ["facturé 4 colis de 12 (48), reçu 46"]
    assert result.lines[0].reasons[0].render() == "invoiced 4 packs of 12 (48), received 46"


def test_packs_on_earlier_invoices_count_in_units():
    earlier = replace(PAPER, already_invoiced=D(24))
    assert match_invoice([by_the_pack("2", "32.04")], [earlier]).agrees
    result = match_invoice([by_the_pack("3", "32.04")], [earlier])
    assert reasons_in_french(result) == [
        "facturé 3 colis de 12 (36, plus 24 sur des factures précédentes), reçu 48"
    ]


def test_units_and_packs_on_one_invoice_add_up_in_units():
    lines = [by_the_pack("3", "32.04", key=1), by_the_pack("12", "2.67", key=2)]
    assert match_invoice(lines, [PAPER]).agrees
    too_many = [by_the_pack("3", "32.04", key=1), by_the_pack("13", "2.67", key=2)]
    result = match_invoice(too_many, [PAPER])
    assert reasons_in_french(result, 2) == ["facturé 49, reçu 48"]


def test_a_credit_note_for_the_missing_units_settles_a_pack_billed_in_excess():
    short = replace(PAPER, received=D(46))
    credit = InvoicedLine(9, "PAP-A4-80R", "Ramette papier A4 recyclé 80 g", D(2), D("2.67"),
                          D("0.20"), D("5.34"))  # fmt: skip
    result = match_invoice([by_the_pack("4", "32.04")], [short], credits=[credit])
    assert result.lines[0].outcome == Outcome.CREDITED
    half = replace(credit, quantity=D(1), line_total=D("2.67"))
    assert match_invoice([by_the_pack("4", "32.04")], [short], credits=[half]).status == (
        "exception"
    )


def _paper(quantity: str, price: str, unit: str = "H87", base: str | None = None) -> Line:
    return Line("1", "PAP-A4", "Ramette A4 recyclée 80 g", quantity, price, unit=unit,
                base_quantity=base)  # fmt: skip


def billing(order, line: Line, *, number: str = "F-1", fee: bool = True):
    """The invoice of `file_for` with this one goods line, and the order's fee or none."""
    invoice = replace(file_for(order, number=number), lines=(line,))
    return invoice if fee else replace(invoice, adjustments=())


def test_a_cii_file_billing_more_packs_than_received_says_both(session, make, sessions):
    # Paper sold in packs of 10: the order counts 50 units at 4.15 €, the supplier bills
    # packs at 41.50 €.
    approved, order = sent_orders(session, make, sessions, paper_pack="10")
    assert [line.quantity for line in order.lines] == [D(50)]
    deliver(session, order, received="46")
    short = receive(session, approved.lead, cii(billing(order, _paper("5", "41.50"))))
    assert short.status == "exception"
    assert short.lines[0].order_line_id == order.lines[0].id
    assert [in_french(reason) for reason in line_reasons(short.lines[0])] == [
        "facturé 5 colis de 10 (50), reçu 46"
    ]


def test_invoices_in_cartons_then_packs_bill_the_order_once_in_units(session, make, sessions):
    approved, order = sent_orders(session, make, sessions, paper_pack="10")
    deliver(session, order)
    # A UBL invoice counting cartons (XCT), its price given for two of them.
    first = receive(
        session,
        approved.lead,
        ubl(billing(order, _paper("2", "83.00", "XCT", "2"), number="F-1")),
    )
    assert first.lines[0].unit_code == "XCT" and first.lines[0].unit_price == D("41.5")
    assert first.status == "to_pay", [line.reason for line in first.lines]
    # The rest by the pack in a CII invoice, without the fee the first one billed.
    rest = billing(order, _paper("3", "41.50"), number="F-2", fee=False)
    assert receive(session, approved.lead, cii(rest)).status == "to_pay"
    more = billing(order, _paper("1", "41.50"), number="F-3", fee=False)
    third = receive(session, approved.lead, cii(more))
    assert third.status == "exception"
    assert [in_french(reason) for reason in line_reasons(third.lines[0])] == [
        "facturé 1 colis de 10 (10, plus 50 sur des factures précédentes), reçu 50"
    ]
