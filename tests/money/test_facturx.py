"""An invoice as Factur-X: the CII XML passes the EN 16931 schema, says what French law asks,
and travels inside a PDF/A-3 unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import facturx
import pytest
from fpdf import FPDF
from lxml import etree
from money_factories import (
    COOPERATIVE_IBAN,
    CREDITOR_IDENTIFIER,
    MEMBER_IBAN,
    MEMBER_SIREN,
    D,
    direct_debit,
    make_cooperative,
    make_credit_note,
    make_dues_line,
    make_invoice,
)
from pypdf import PdfReader

from money.formats.facturx import NAMESPACES, facturx_pdf, invoice_xml
from money.formats.facturx_checks import check_invoice_xml

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"

DOCUMENTS = {
    "invoice of goods by transfer": make_invoice(),
    "credit note": make_credit_note(),
    "services on debits by direct debit, part prepaid": make_invoice(
        nature="services",
        vat_on_debits=True,
        payment=direct_debit(),
        prepaid=D("100"),
        notes=("Commande groupée de janvier.",),
    ),
    "dues outside the scope of VAT": make_invoice(
        lines=(make_dues_line(),), nature="services", seller=make_cooperative(vat_number="")
    ),
}


def values(xml: bytes, path: str) -> list[str]:
    found = etree.fromstring(xml).xpath(path, namespaces=NAMESPACES)
    return [item if isinstance(item, str) else item.text for item in found]


def value(xml: bytes, path: str) -> str:
    (found,) = values(xml, path)
    return found


@pytest.mark.parametrize("invoice", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_each_document_passes_the_en16931_schema_and_every_rule(invoice):
    xml = invoice_xml(invoice)

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert check_invoice_xml(xml) == []


def test_the_invoice_says_what_it_is_when_and_for_how_much():
    xml = invoice_xml(make_invoice())

    assert value(xml, "//rsm:ExchangedDocument/ram:ID") == "FA-2027-00001"  # BT-1
    assert value(xml, "//rsm:ExchangedDocument/ram:TypeCode") == "380"  # BT-3
    assert value(xml, "//ram:IssueDateTime/udt:DateTimeString") == "20270115"  # BT-2
    assert value(xml, "//ram:IssueDateTime/udt:DateTimeString/@format") == "102"
    assert value(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )
    summation = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert value(xml, f"{summation}/ram:LineTotalAmount") == "252.30"
    assert value(xml, f"{summation}/ram:TaxBasisTotalAmount") == "252.30"
    assert value(xml, f"{summation}/ram:TaxTotalAmount[@currencyID='EUR']") == "43.61"
    assert value(xml, f"{summation}/ram:GrandTotalAmount") == "295.91"
    assert value(xml, f"{summation}/ram:DuePayableAmount") == "295.91"
    assert values(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent") == [
        "5.5",
        "20",
    ]
    assert values(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount") == [
        "2.60",
        "41.01",
    ]
    assert (
        value(
            xml,
            "//ram:BilledQuantity[../../ram:AssociatedDocumentLineDocument"
            "/ram:LineID='3']/@unitCode",
        )
        == "KGM"
    )


def test_the_french_mentions_are_where_the_french_practice_puts_them():
    xml = invoice_xml(make_invoice())

    notes = dict(
        zip(
            values(xml, "//ram:IncludedNote/ram:SubjectCode"),
            values(xml, "//ram:IncludedNote/ram:Content"),
            strict=True,
        )
    )
    assert "40 €" in notes["PMT"]
    assert "taux d'intérêt légal" in notes["PMD"]
    assert "escompte" in notes["AAB"]
    assert "TXD" not in notes
    assert value(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "B1"
    buyer = "//ram:BuyerTradeParty"
    assert value(xml, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == (
        MEMBER_SIREN
    )
    assert value(xml, f"{buyer}/ram:GlobalID[@schemeID='0009']") == "98765432400019"
    assert value(xml, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        "FR14987654324"
    )
    seller = "//ram:SellerTradeParty"
    assert value(xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == (
        "123456782"
    )
    assert value(xml, f"{seller}/ram:Description") == "SCIC SAS à capital variable"
    assert value(xml, f"{seller}/ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']") == (
        "compta@coop-achats-verts.fr"
    )
    ship_to = "//ram:ShipToTradeParty/ram:PostalTradeAddress"
    assert value(xml, f"{ship_to}/ram:LineOne") == "40 avenue Berthelot"
    assert value(xml, f"{ship_to}/ram:CityName") == "Lyon"
    assert value(xml, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == "20270112"
    terms = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
    assert value(xml, f"{terms}/ram:Description").startswith("Paiement à 30 jours")
    assert value(xml, f"{terms}/ram:DueDateDateTime/udt:DateTimeString") == "20270214"


def test_a_credit_transfer_names_the_cooperatives_account():
    xml = invoice_xml(make_invoice())

    means = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
    assert value(xml, f"{means}/ram:TypeCode") == "58"
    assert value(xml, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (
        COOPERATIVE_IBAN
    )
    assert value(xml, f"{means}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == (
        "AGRIFRPPXXX"
    )
    assert value(xml, f"{SETTLEMENT}/ram:PaymentReference") == "FA-2027-00001"


def test_a_direct_debit_names_the_creditor_the_mandate_and_the_debtors_account():
    xml = invoice_xml(make_invoice(payment=direct_debit()))

    assert value(xml, f"{SETTLEMENT}/ram:CreditorReferenceID") == CREDITOR_IDENTIFIER
    assert value(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "59"
    assert value(xml, "//ram:PayerPartyDebtorFinancialAccount/ram:IBANID") == MEMBER_IBAN
    assert value(xml, "//ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID") == (
        "MANDAT-0042"
    )


def test_vat_on_debits_is_a_note_and_the_vat_point_date_code():
    xml = invoice_xml(make_invoice(nature="mixed", vat_on_debits=True))

    assert value(xml, "//ram:IncludedNote[ram:SubjectCode='TXD']/ram:Content") == (
        "Option pour le paiement de la taxe d'après les débits."
    )
    assert values(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode") == ["5", "5"]
    assert value(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "M1"


def test_a_credit_note_names_the_invoice_it_corrects():
    xml = invoice_xml(make_credit_note())

    assert value(xml, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert value(xml, f"{reference}/ram:IssuerAssignedID") == "FA-2027-00001"
    assert value(xml, f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString") == "20270115"


def test_dues_outside_the_scope_of_vat_carry_a_reason_and_no_vat_number_or_rate():
    xml = invoice_xml(DOCUMENTS["dues outside the scope of VAT"])

    assert values(xml, "//ram:SpecifiedTaxRegistration") == []
    assert values(xml, "//ram:RateApplicablePercent") == []
    assert value(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason") == (
        "Cotisation hors du champ d'application de la TVA"
    )
    assert value(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount") == "0.00"


def schema_valid(xml: bytes) -> bool:
    return bool(facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"))


def test_the_checker_catches_a_wrong_total_the_schema_lets_through():
    xml = invoice_xml(make_invoice()).replace(
        b"<ram:GrandTotalAmount>295.91<", b"<ram:GrandTotalAmount>295.92<"
    )

    assert schema_valid(xml)
    assert check_invoice_xml(xml) == [
        "grand total (BT-112) 295.92 is not tax basis 252.30 + VAT 43.61",
        "amount due (BT-115) 295.91 is not grand total 295.92 less prepaid 0",
    ]


def test_the_checker_catches_a_missing_buyer_siren_the_schema_lets_through():
    siren = (
        b'<ram:SpecifiedLegalOrganization>\n          <ram:ID schemeID="0002">'
        + MEMBER_SIREN.encode()
        + b"</ram:ID>\n        </ram:SpecifiedLegalOrganization>"
    )
    original = invoice_xml(make_invoice())
    assert siren in original
    xml = original.replace(siren, b"")

    assert schema_valid(xml)
    assert check_invoice_xml(xml) == ["the buyer's SIREN (BT-47, scheme 0002) is missing"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (b">168.00<", b">168.01<", "line 1: net amount 168.01 is not quantity"),
        (b"<ram:BasisAmount>47.25<", b"<ram:BasisAmount>47.26<", "basis 47.26 is not the sum"),
        (b"<ram:CalculatedAmount>2.60<", b"<ram:CalculatedAmount>2.59<", "VAT 2.59 is not basis"),
        (b"<ram:LineTotalAmount>252.30<", b"<ram:LineTotalAmount>252.31<", "sum of lines"),
        (b'currencyID="EUR"', b'currencyID="USD"', "VAT total (BT-110) in EUR is missing"),
        (b"<ram:SubjectCode>PMT<", b"<ram:SubjectCode>AAI<", "40 € recovery indemnity"),
        (b"<ram:SubjectCode>PMD<", b"<ram:SubjectCode>AAI<", "late penalty rate"),
        (b"<ram:SubjectCode>AAB<", b"<ram:SubjectCode>AAI<", "early payment discount"),
        (b" : 40 \xe2\x82\xac", b"", "does not state its 40"),
        (b"<ram:ID>B1</ram:ID>", b"<ram:ID>X1</ram:ID>", "billing framework, BT-23"),
        (b"<ram:LineOne>40 avenue Berthelot</ram:LineOne>", b"", "lacks its street"),
        (b"ShipToTradeParty>", b"ShipToTradePartyX>", "delivery address"),
        (b'<ram:ID schemeID="0002">987654324', b'<ram:ID schemeID="0002">987654325', "valid"),
    ],
)
def test_the_checker_names_each_rule_broken(old, new, problem):
    original = invoice_xml(make_invoice())
    assert old in original
    xml = original.replace(old, new)

    problems = check_invoice_xml(xml)

    assert any(problem in found for found in problems), problems


def test_the_checker_catches_missing_payment_terms_and_due_date():
    xml = etree.fromstring(invoice_xml(make_invoice()))
    for element in xml.xpath("//ram:SpecifiedTradePaymentTerms/*", namespaces=NAMESPACES):
        element.getparent().remove(element)

    assert check_invoice_xml(etree.tostring(xml)) == [
        "the payment terms (BT-20) are missing",
        "the due date (BT-9) is missing",
    ]


def test_the_checker_holds_the_vat_on_debits_note_and_code_together():
    on_debits = invoice_xml(make_invoice(nature="services", vat_on_debits=True))
    without_note = on_debits.replace(b"<ram:SubjectCode>TXD<", b"<ram:SubjectCode>AAI<")
    without_code = on_debits.replace(b"<ram:DueDateTypeCode>5</ram:DueDateTypeCode>", b"")

    assert check_invoice_xml(without_note) == [
        "VAT is due on debits (code 5) but no note (TXD) says the option"
    ]
    assert check_invoice_xml(without_code) == [
        "a note (TXD) states VAT on debits but no VAT breakdown has code 5"
    ]


def test_the_checker_wants_a_credit_note_to_name_its_invoice_and_reads_only_xml():
    xml = invoice_xml(make_credit_note()).replace(b"InvoiceReferencedDocument>", b"Other>")

    assert "the credit note does not name the invoice it corrects (BT-25)" in check_invoice_xml(xml)
    assert check_invoice_xml(b"<not xml")[0].startswith("not well-formed XML")


def small_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if DEJAVU.exists():  # a TrueType font, embedded, as PDF/A wants
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=12)
        pdf.cell(text="Facture FA-2027-00001 — total 295,91 €")
    else:
        pdf.set_font("Helvetica", size=12)
        pdf.cell(text="Facture FA-2027-00001")
    return bytes(pdf.output())


def test_the_pdf_carries_the_xml_unchanged_as_pdf_a_3():
    xml = invoice_xml(make_invoice())

    result = facturx_pdf(small_pdf(), xml)

    name, embedded = facturx.get_xml_from_pdf(result, check_xsd=True)
    assert (name, embedded) == ("factur-x.xml", xml)
    reader = PdfReader(io.BytesIO(result))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in metadata
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"


def test_an_xml_the_schema_refuses_is_not_embedded():
    xml = invoice_xml(make_invoice()).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")

    with pytest.raises(Exception, match="not valid against the official"):
        facturx_pdf(small_pdf(), xml)
