"""A supplier's e-invoice, in a Factur-X PDF, a CII XML or a UBL XML, is read into the same
typed invoice, every business term in its place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import facturx
import pytest

from money.formats.received import (
    AllowanceCharge,
    DocumentKind,
    InvoiceRefused,
    Party,
    Syntax,
    VatBreakdown,
    read_supplier_invoice,
)
from tests.money.supplier_invoices import (
    BASIC,
    EXTENDED,
    GERMAN_SELLER,
    PEPPOL,
    XRECHNUNG,
    Adjustment,
    Invoice,
    Line,
    cii,
    pdf_with_attachment,
    plain_pdf,
    ubl,
)

PAPETERIE = Party(
    name="PAPETERIE DU RHONE",
    siren="552100554",
    siret="55210055400013",
    vat_number="FR96552100554",
    legal_id=None,
    country="FR",
)
COOPERATIVE = Party(
    name="SCIC ACHATS EN COMMUN",
    siren="732829320",
    siret="73282932000074",
    vat_number="FR44732829320",
    legal_id=None,
    country="FR",
)
CREDIT_NOTE = Invoice(
    number="AV2027-0012",
    type_code="381",
    issue_date="2027-01-20",
    preceding=("F2027-0456", "2027-01-10"),
    lines=(Line("1", "ENV-C4-K250", "Enveloppes kraft C4 recyclées, boîte de 250", "2", "18.50"),),
    adjustments=(),
)


def test_a_cii_invoice_is_read_with_every_business_term():
    invoice = read_supplier_invoice(cii())
    assert invoice.kind is DocumentKind.INVOICE and invoice.type_code == "380"
    assert invoice.number == "F2027-0456"
    assert invoice.issue_date == date(2027, 1, 10)
    assert invoice.due_date == date(2027, 2, 9)
    assert invoice.currency == "EUR"
    assert invoice.seller == PAPETERIE
    assert invoice.buyer == COOPERATIVE
    assert invoice.buyer_reference == "ACHATS-2027"
    assert invoice.purchase_order_reference == "BC-2027-0003"
    assert invoice.preceding_invoice_reference is None
    assert invoice.payment_reference == "F2027-0456"
    assert invoice.payee_iban == "FR7617515900000812345678938"
    assert invoice.syntax is Syntax.CII and invoice.profile == "en16931"
    assert invoice.embedded_in_pdf is False


def test_the_lines_say_item_quantity_price_and_vat():
    lines = read_supplier_invoice(cii()).lines
    assert [line.line_id for line in lines] == ["1", "2", "3", "4", "5"]
    paper = lines[0]
    assert paper.seller_item_id == "PAP-A4-80R"
    assert paper.name == "Ramette papier A4 recyclé 80 g"
    assert (paper.quantity, paper.unit_code, paper.net_unit_price) == (
        Decimal("40"), "H87", Decimal("4.10")
    )  # fmt: skip
    assert paper.price_base_quantity == 1
    assert paper.line_net_amount == Decimal("164.00")
    assert (paper.vat_category, paper.vat_rate) == ("S", Decimal("20"))
    assert paper.order_line_reference == "1"
    coffee = lines[2]
    assert (coffee.vat_rate, coffee.line_net_amount) == (Decimal("5.5"), Decimal("172.20"))
    dish_soap = lines[3]
    assert dish_soap.line_allowances == Decimal("3.44") and dish_soap.line_charges == 0
    assert dish_soap.line_net_amount == Decimal("65.26")
    # A price per thousand cups.
    cups = lines[4]
    assert (cups.quantity, cups.net_unit_price, cups.price_base_quantity) == (
        Decimal("2000"), Decimal("45.00"), Decimal("1000")
    )  # fmt: skip
    assert cups.line_net_amount == Decimal("90.00")


def test_the_delivery_fee_the_discount_the_vat_and_the_totals_are_read():
    invoice = read_supplier_invoice(cii())
    assert invoice.charges == (
        AllowanceCharge(True, Decimal("15.00"), "Frais de livraison", "DL", "S", Decimal("20")),
    )
    assert invoice.allowances == (
        AllowanceCharge(False, Decimal("10.00"), "Remise coopérative", "95", "S", Decimal("20")),
    )
    assert invoice.vat_breakdown == (
        VatBreakdown("S", Decimal("20"), Decimal("435.26"), Decimal("87.05"), None),
        VatBreakdown("S", Decimal("5.5"), Decimal("172.20"), Decimal("9.47"), None),
    )
    totals = invoice.totals
    assert totals.line_total == Decimal("602.46")
    assert (totals.charge_total, totals.allowance_total) == (Decimal("15.00"), Decimal("10.00"))
    assert totals.tax_basis_total == Decimal("607.46")
    assert totals.vat_total == Decimal("96.52")
    assert totals.grand_total == Decimal("703.98")
    assert (totals.prepaid, totals.rounding) == (0, 0)
    assert totals.due == Decimal("703.98")


def test_a_ubl_invoice_reads_the_same_as_its_cii_twin():
    from_ubl = read_supplier_invoice(ubl())
    assert from_ubl.syntax is Syntax.UBL and from_ubl.profile == "urn:cen.eu:en16931:2017"
    assert replace(from_ubl, syntax=Syntax.CII, profile="en16931") == read_supplier_invoice(cii())


def test_a_factur_x_pdf_gives_the_invoice_it_carries():
    pdf = facturx.generate_from_binary(plain_pdf(), cii(), lang="fr-FR")
    assert pdf.startswith(b"%PDF-")
    invoice = read_supplier_invoice(pdf)
    assert invoice.embedded_in_pdf is True
    assert replace(invoice, embedded_in_pdf=False) == read_supplier_invoice(cii())


def test_a_cii_credit_note_names_the_invoice_it_corrects():
    note = read_supplier_invoice(cii(CREDIT_NOTE))
    assert note.kind is DocumentKind.CREDIT_NOTE and note.type_code == "381"
    assert note.number == "AV2027-0012"
    assert note.preceding_invoice_reference == "F2027-0456"
    assert note.preceding_invoice_date == date(2027, 1, 10)
    assert note.totals.due == Decimal("44.40")
    assert note.vat_breakdown == (
        VatBreakdown("S", Decimal("20"), Decimal("37.00"), Decimal("7.40"), None),
    )


def test_a_ubl_credit_note_names_the_invoice_it_corrects():
    note = read_supplier_invoice(ubl(CREDIT_NOTE))
    assert note.kind is DocumentKind.CREDIT_NOTE and note.type_code == "381"
    assert (note.preceding_invoice_reference, note.preceding_invoice_date) == (
        "F2027-0456", date(2027, 1, 10)
    )  # fmt: skip
    # A UBL credit note's due date is in its payment means.
    assert note.due_date == date(2027, 2, 9)
    assert note.lines[0].quantity == 2
    assert replace(note, syntax=Syntax.CII, profile="en16931") == read_supplier_invoice(
        cii(CREDIT_NOTE)
    )


@pytest.mark.parametrize(("declared", "level"), [(BASIC, "basic"), (EXTENDED, "extended")])
def test_basic_and_extended_profiles_are_read_against_their_own_schema(declared, level):
    assert read_supplier_invoice(cii(Invoice(profile=declared))).profile == level


def test_an_invoice_with_a_prepayment_is_due_for_the_rest():
    invoice = read_supplier_invoice(cii(Invoice(prepaid="200.00")))
    assert invoice.totals.prepaid == Decimal("200.00")
    assert invoice.totals.due == Decimal("503.98")


def test_exempt_and_reverse_charge_lines_carry_no_vat():
    invoice = Invoice(
        lines=(
            Line("1", "FORM-1", "Formation tri des déchets", "1", "300.00", category="E",
                 rate="0"),
            Line("2", "PAP-A4-80R", "Ramette papier A4 recyclé 80 g", "10", "4.10"),
        ),
        adjustments=(Adjustment(True, "15.00", "Frais de livraison", "DL"),),
    )  # fmt: skip
    read = read_supplier_invoice(cii(invoice))
    assert [(v.category, v.basis, v.vat_amount) for v in read.vat_breakdown] == [
        ("E", Decimal("300.00"), Decimal("0")),
        ("S", Decimal("56.00"), Decimal("11.20")),
    ]
    assert read.vat_breakdown[0].exemption_reason == "Exonération"


def test_a_german_xrechnung_is_an_en_16931_invoice_like_any_other():
    german = Invoice(seller=GERMAN_SELLER, number="RE-2027-1187", profile=XRECHNUNG)
    for data in (cii(german), ubl(german, customization=XRECHNUNG)):
        invoice = read_supplier_invoice(data)
        assert invoice.seller.country == "DE"
        assert invoice.seller.vat_number == "DE811907980"
        assert invoice.seller.siren is None
    assert read_supplier_invoice(cii(german)).profile == "en16931"


def test_a_peppol_ubl_invoice_is_read():
    assert read_supplier_invoice(ubl(customization=PEPPOL)).profile == PEPPOL


def test_a_pdf_carrying_a_ubl_invoice_gives_it():
    invoice = read_supplier_invoice(pdf_with_attachment("invoice.xml", ubl()))
    assert invoice.syntax is Syntax.UBL and invoice.embedded_in_pdf


def test_a_plain_pdf_is_to_be_typed_in():
    with pytest.raises(InvoiceRefused, match="carries no readable Factur-X or ZUGFeRD XML"):
        read_supplier_invoice(plain_pdf())
