"""The amounts of an invoice as EN 16931 computes them, on examples checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from money_factories import D, make_credit_note, make_invoice, make_line

from money.amounts import VatBreakdown, invoice_totals, line_net_amount, to_cent, totals


def test_three_lines_at_two_rates():
    # 40 × 4.20 = 168.00 and 3 × 12.35 = 37.05 at 20 %: basis 205.05, VAT 41.01.
    # 2.5 kg × 18.90 = 47.25 at 5.5 %: VAT 2.59875, rounded 2.60.
    result = invoice_totals(make_invoice())

    assert result.vat_breakdown == (
        VatBreakdown("S", D("5.5"), D("47.25"), D("2.60")),
        VatBreakdown("S", D("20"), D("205.05"), D("41.01")),
    )
    assert result.line_total == D("252.30")
    assert result.tax_basis_total == D("252.30")
    assert result.vat_total == D("43.61")
    assert result.grand_total == D("295.91")
    assert result.prepaid == D("0.00")
    assert result.amount_due == D("295.91")


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("1.005", "1.01"), ("1.0049", "1.00"), ("0.125", "0.13"), ("-0.005", "-0.01"), ("0", "0.00")],
)
def test_half_a_cent_is_rounded_away_from_zero(amount, rounded):
    # Rounding half to even would give 1.00, 0.12 and -0.00: the rule is half away from zero.
    assert to_cent(D(amount)) == D(rounded)


def test_a_line_net_amount_is_rounded_to_the_cent():
    assert line_net_amount(make_line(quantity=D("3"), unit_price=D("0.335"))) == D("1.01")


def test_vat_is_computed_on_the_basis_of_a_rate_not_line_by_line():
    # Three lines of 0.25 at 10 %: 0.025 each, 0.03 rounded line by line (0.09 in all);
    # the rule rounds once on the basis: 0.75 × 10 % = 0.075 → 0.08.
    lines = [
        make_line(str(n), quantity=D("1"), unit_price=D("0.25"), vat_rate=D("10"))
        for n in (1, 2, 3)
    ]

    result = totals(lines)

    assert result.vat_breakdown == (VatBreakdown("S", D("10"), D("0.75"), D("0.08")),)
    assert result.grand_total == D("0.83")


def test_what_was_paid_in_advance_is_taken_from_the_amount_due():
    result = invoice_totals(make_invoice(prepaid=D("100")))

    assert result.grand_total == D("295.91")
    assert result.prepaid == D("100.00")
    assert result.amount_due == D("195.91")


def test_a_credit_note_has_positive_amounts_its_type_says_it_credits():
    # 5 × 4.20 = 21.00 at 20 %: VAT 4.20, total 25.20.
    result = invoice_totals(make_credit_note())

    assert (result.line_total, result.vat_total, result.grand_total) == (
        D("21.00"),
        D("4.20"),
        D("25.20"),
    )


def test_dues_outside_the_scope_of_vat_bear_no_vat():
    line = make_line(
        vat_category="O",
        vat_rate=D("0"),
        quantity=D("1"),
        unit_price=D("150"),
        vat_exemption_reason="Hors champ",
    )

    result = totals([line])

    assert result.vat_breakdown == (
        VatBreakdown("O", D("0"), D("150.00"), D("0.00"), "Hors champ"),
    )
    assert result.grand_total == D("150.00")


def test_every_amount_is_a_decimal_in_cents():
    result = invoice_totals(make_invoice())
    amounts = [result.line_total, result.vat_total, result.grand_total, result.amount_due]
    amounts += [item.basis for item in result.vat_breakdown]

    assert all(isinstance(amount, Decimal) for amount in amounts)
    assert all(amount.as_tuple().exponent == -2 for amount in amounts)
