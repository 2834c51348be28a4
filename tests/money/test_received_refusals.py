"""A supplier's invoice that does not add up, does not say who sells, or is not an invoice at
all is refused with one line saying why, with the figures; nothing else ever comes out."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import facturx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from money.formats.received import (
    InvoiceRefused,
    ReceivedInvoice,
    check_received_invoice,
    check_vat_breakdown,
    read_supplier_invoice,
)
from tests.money.supplier_invoices import (
    BASIC_WL,
    BUYER,
    GERMAN_SELLER,
    MINIMUM,
    Invoice,
    Seller,
    cii,
    pdf_with_attachment,
    plain_pdf,
    ubl,
)

ZUGFERD_1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>RE-2014-0815</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
  </rsm:HeaderExchangedDocument>
</rsm:CrossIndustryDocument>
"""
ORDER_X = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:SCRDMCCBDACIOMessageStructure
    xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:order-x.eu:1p0:basic</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>BC-2027-0003</ram:ID>
    <ram:TypeCode>220</ram:TypeCode>
  </rsm:ExchangedDocument>
</rsm:SCRDMCCBDACIOMessageStructure>
"""
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i + 1, (b"&lol%s;" % (str(i).encode() if i else b"")) * 10)
        for i in range(9)
    )
    + b']><rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
    b'CrossIndustryInvoice:100">&lol9;</rsm:CrossIndustryInvoice>'
)


def refusal(data: bytes) -> str:
    with pytest.raises(InvoiceRefused) as caught:
        read_supplier_invoice(data)
    message = str(caught.value)
    assert message and "\n" not in message and len(message) <= 300
    return message


def both(invoice: Invoice) -> list[str]:
    return [refusal(cii(invoice)), refusal(ubl(invoice))]


def test_a_wrong_vat_amount_is_refused_with_the_figures():
    wrong = Invoice(stated={"vat 20": "87.15"})
    assert both(wrong) == ["VAT at 20 %: 87.15 stated, 87.05 computed"] * 2


def test_a_cent_of_rounding_on_the_vat_is_accepted():
    assert read_supplier_invoice(cii(Invoice(stated={"vat 20": "87.06"}))).totals.vat_total == (
        Decimal("96.53")
    )


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ({"line 2": "112.00"}, "line 2: 6 × 18.50 = 111.00, net amount stated 112.00"),
        ({"line 4": "68.70"}, "line 4: 3 × 22.90 + 0 - 3.44 = 65.26, net amount stated 68.70"),
        ({"line 5": "90000.00"},
         "line 5: 2000 × 45.00 / 1000 = 90.00, net amount stated 90000.00"),
        ({"line_total": "602.56"},
         "the lines add up to 602.46, the line total (BT-106) states 602.56"),
        ({"basis_total": "617.46"},
         "lines + charges - allowances = 607.46, the total without VAT (BT-109) states 617.46"),
        ({"vat_total": "96.62"},
         "the VAT breakdown adds up to 96.52, the VAT total (BT-110) states 96.62"),
        ({"grand_total": "703.99"},
         "total without VAT + VAT = 703.98, the total with VAT (BT-112) states 703.99"),
        ({"due": "700.00"},
         "total with VAT - prepaid + rounding = 703.98, the amount due (BT-115) states 700.00"),
        ({"basis 20": "445.26"}, "VAT at 20 %: basis 445.26 stated, 435.26 computed"),
        ({"vat 5.5": "9.49"}, "VAT at 5.5 %: 9.49 stated, 9.47 computed"),
    ],
)  # fmt: skip
def test_figures_that_do_not_add_up_are_refused_with_both_figures(stated, expected):
    assert both(Invoice(stated=stated)) == [expected] * 2


def test_a_rate_used_by_lines_needs_its_vat_breakdown_and_no_other():
    invoice = read_supplier_invoice(cii())
    with pytest.raises(InvoiceRefused, match=r"^VAT at 5.5 %: lines or charges use it"):
        check_vat_breakdown(replace(invoice, vat_breakdown=invoice.vat_breakdown[:1]))
    extra = replace(invoice.vat_breakdown[0], category="S", rate=Decimal("10"))
    with pytest.raises(InvoiceRefused, match=r"^VAT at 10 %: a breakdown is given, no line"):
        check_vat_breakdown(replace(invoice, vat_breakdown=(*invoice.vat_breakdown, extra)))
    zero_rated = replace(invoice.vat_breakdown[0], category="Z", rate=Decimal("0"))
    twice = replace(invoice, vat_breakdown=(*invoice.vat_breakdown, zero_rated, zero_rated))
    with pytest.raises(InvoiceRefused, match="same category and rate twice"):
        check_vat_breakdown(twice)


def test_an_invoice_without_lines_is_refused():
    invoice = read_supplier_invoice(cii())
    with pytest.raises(InvoiceRefused, match=r"^the invoice has no line$"):
        check_received_invoice(replace(invoice, lines=()))


def test_a_french_seller_must_give_its_siren_or_siret():
    anonymous = Invoice(seller=replace(Seller(), siren=None, siret=None))
    assert (
        both(anonymous)
        == ["seller 'PAPETERIE DU RHONE' gives no SIREN or SIRET (BT-30, scheme 0002 or 0009)"] * 2
    )


def test_a_seller_abroad_must_give_at_least_its_vat_number():
    nobody = Invoice(seller=replace(GERMAN_SELLER, vat=None))
    assert (
        both(nobody)
        == ["seller 'Umweltpapier Rheinland GmbH' gives no legal identifier or VAT number"] * 2
    )


@pytest.mark.parametrize(
    ("seller", "expected"),
    [
        (Seller(siren="552100555", siret=None), "seller SIREN '552100555' is not a valid SIREN"),
        (Seller(siret="55210055400014"), "seller SIRET '55210055400014' is not a valid SIRET"),
        (Seller(vat="FR97552100554"), "seller VAT number 'FR97552100554' is not a valid one"),
        (Seller(vat="FR44732829320"),
         "seller VAT number FR44732829320 is not the one of SIREN 552100554"),
    ],
)  # fmt: skip
def test_wrong_seller_identifiers_are_refused(seller, expected):
    assert both(Invoice(seller=seller)) == [expected] * 2


def test_a_wrong_buyer_siren_is_refused():
    assert "buyer SIREN '732829321' is not a valid SIREN" in refusal(
        cii(Invoice(buyer=replace(BUYER, siren="732829321", siret=None)))
    )


@pytest.mark.parametrize(("profile", "name"), [(MINIMUM, "MINIMUM"), (BASIC_WL, "BASIC WL")])
def test_profiles_without_lines_are_refused(profile, name):
    assert refusal(cii(Invoice(profile=profile))).startswith(f"profile without lines ({name})")


def test_an_unknown_or_order_profile_is_refused():
    assert "unknown profile 'urn:example:cooperative'" in refusal(
        cii(Invoice(profile="urn:example:cooperative"))
    )
    assert "the CII declares no profile" in refusal(cii(Invoice(profile="")))
    assert "the profile 'comfort', not an invoice one" in refusal(
        cii(Invoice(profile="urn:order-x.eu:1p0:comfort"))
    )


def test_a_ubl_document_not_declared_en_16931_is_refused():
    assert "declares 'urn:oasis:names:specification:ubl:2.1'" in refusal(
        ubl(customization="urn:oasis:names:specification:ubl:2.1")
    )


def test_a_document_that_breaks_its_schema_is_refused_with_the_element():
    data = (
        cii()
        .replace(b"<ram:BuyerReference>", b"<ram:Buyer>")
        .replace(b"</ram:BuyerReference>", b"</ram:Buyer>")
    )
    assert refusal(data).startswith(
        "the XML does not follow the Factur-X EN16931 schema: Element 'Buyer': "
        "This element is not expected."
    )
    data = ubl().replace(b"<cbc:IssueDate>2027-01-10", b"<cbc:IssueDate>10/01/2027")
    assert refusal(data).startswith("the XML does not follow the UBL 2.1 schema: Element")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"Facture F2027-0456\nTotal TTC : 703,98 EUR\n", "not well-formed XML"),
        (b'{"invoice": "F2027-0456"}', "not well-formed XML"),
        (bytes(range(256)) * 4, "not well-formed XML"),
        # libxml2 stops the bomb while parsing, or the parsed file is refused for its DTD.
        (BOMB, "declares a document type|entity amplification"),
        (b'<!DOCTYPE x SYSTEM "http://evil.example/x.dtd"><x/>', "declares a document type"),
        (b"<a>" * 300 + b"</a>" * 300, "Excessive depth"),
        (ZUGFERD_1, "a ZUGFeRD 1.0 invoice predates EN 16931"),
        (ORDER_X, "the file is an Order-X order, not an invoice"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>',
         "not a CII or UBL invoice (root element 'Document' in namespace "
         "'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02')"),
        (cii().replace(b"20270110</udt", b"20270230</udt"),
         "the issue date (BT-2) '20270230' is not a date"),
        (cii().replace(b">EUR</ram:InvoiceCurrencyCode>", b">Euro</ram:InvoiceCurrencyCode>"),
         "the invoice currency (BT-5) is 'Euro'"),
    ],
)  # fmt: skip
def test_what_is_not_an_invoice_is_refused_in_one_line(data, expected):
    message = refusal(data)
    assert any(part in message for part in expected.split("|")), message


def test_a_file_of_100_mb_is_refused_before_it_is_read():
    assert "more than the 20 MB accepted" in refusal(b"%PDF-1.7\n" + b"\0" * 100_000_000)


def test_pdfs_that_carry_no_invoice_are_refused():
    assert "carries no readable Factur-X" in refusal(plain_pdf())
    assert "ZUGFeRD 1.0" in refusal(pdf_with_attachment("ZUGFeRD-invoice.xml", ZUGFERD_1))
    assert "Order-X order" in refusal(pdf_with_attachment("order-x.xml", ORDER_X))
    # The package parses the attachment first: the bomb goes off there, and is not found.
    assert "carries no readable" in refusal(pdf_with_attachment("factur-x.xml", BOMB))


def test_a_broken_or_cut_pdf_is_refused():
    assert refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF").startswith("the PDF")
    factur_x = facturx.generate_from_binary(plain_pdf(), cii())
    assert refusal(factur_x[: len(factur_x) // 2]).startswith("the PDF")


def outcome(data: bytes) -> ReceivedInvoice | None:
    """The invoice, or None when refused in one line; anything else fails the test."""
    try:
        invoice = read_supplier_invoice(data)
    except InvoiceRefused as refused:
        assert "\n" not in str(refused)
        return None
    check_received_invoice(invoice)
    return invoice


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3_000))
def test_any_bytes_give_an_invoice_or_one_refusal(data):
    assert outcome(data) is None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2_000))
def test_any_bytes_that_look_like_a_pdf_give_one_refusal(data):
    assert outcome(b"%PDF-1.7\n" + data) is None


VALID = {"cii": cii(), "ubl": ubl(), "credit note": ubl(Invoice(type_code="381"))}
TEXTS = st.one_of(
    st.text(max_size=20),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "-1", "20", "1E+3", "S", "Z", "381", "0002", "true", "20270101"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(sorted(VALID)),
    index=st.integers(min_value=0, max_value=10_000),
    change=st.sampled_from(["drop", "text", "double", "attribute"]),
    text=TEXTS,
)
def test_an_invoice_changed_anywhere_is_read_or_refused_in_one_line(source, index, change, text):
    root = etree.fromstring(VALID[source])
    elements = list(root.iter())
    element = elements[index % len(elements)]
    parent = element.getparent()
    text = "".join(c for c in text if c.isprintable())
    if change == "drop" and parent is not None:
        parent.remove(element)
    elif change == "double" and parent is not None:
        parent.insert(parent.index(element), etree.fromstring(etree.tostring(element)))
    elif change == "attribute" and element.attrib:
        element.set(sorted(element.attrib)[0], text)
    else:
        element.text = text
    outcome(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


FACTUR_X = facturx.generate_from_binary(plain_pdf(), cii())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(min_value=0, max_value=len(FACTUR_X) - 1),
    length=st.integers(min_value=0, max_value=64),
    junk=st.binary(max_size=64),
)
def test_a_factur_x_pdf_damaged_anywhere_is_read_or_refused_in_one_line(position, length, junk):
    outcome(FACTUR_X[:position] + junk + FACTUR_X[position + length :])
