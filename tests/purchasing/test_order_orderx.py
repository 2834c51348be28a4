"""A purchase order's PDF carries its Order-X XML, whose figures are the order's to the cent, as
the PDF and the CSV print them; an order issued before keeps the bytes it was issued with."""

from __future__ import annotations

import io
from decimal import Decimal

import facturx
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from infrastructure.documents import money_text
from infrastructure.order_documents import order_csv, order_pdf
from infrastructure.orderx import orderx_pdf
from purchasing.models import IssuedOrder
from purchasing.orders.order_document import OrderFiles, issue_order, order_document, order_files
from purchasing.orders.orders import mark_sent_by_hand, order_totals
from purchasing.people.cooperative import read_cooperative, update_cooperative
from tests.purchasing.orders_setup import approved_batch, pdf_text
from tests.purchasing.test_cooperative import GRAND_NANCY, assert_pdf_a3

NS = facturx.facturx.XML_NAMESPACES["order-x"]


def _one(tree, path: str) -> str:
    (found,) = tree.xpath(path, namespaces=NS)
    return found if isinstance(found, str) else found.text


def _carried(pdf: bytes):
    name, xml = facturx.get_orderx_xml_from_pdf(pdf, check_xsd=True)
    assert name == "order-x.xml"
    return etree.fromstring(xml)


def _csv_total(csv: bytes, label: str) -> Decimal:
    rows = [row.split(";") for row in csv.decode("utf-8-sig").splitlines()]
    (row,) = [row for row in rows if row[4] == label]
    return Decimal(row[-1].replace(",", "."))


def test_an_orders_pdf_carries_its_order_x_with_the_figures_it_prints(session, make, sessions):
    update_cooperative(session, read_cooperative(GRAND_NANCY), actor=None)
    approved = approved_batch(session, make, sessions)
    for order in approved.orders(session):
        files = order_files(session, order)
        tree = _carried(files.pdf)
        assert _one(tree, "//rsm:ExchangedDocument/ram:ID") == order.number
        assert _one(tree, "//ram:IssueDateTime/udt:DateTimeString") == (
            f"{order.ordered_on:%Y%m%d}"
        )
        sum_path = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
        totals = order_totals(order)
        excl = Decimal(_one(tree, sum_path + "TaxBasisTotalAmount"))
        incl = Decimal(_one(tree, sum_path + "GrandTotalAmount"))
        assert (excl, incl) == (order.total_excl_vat, order.total_incl_vat)
        assert Decimal(_one(tree, sum_path + "LineTotalAmount")) == totals.goods
        assert Decimal(_one(tree, sum_path + "ChargeTotalAmount")) == order.delivery_fee
        assert Decimal(_one(tree, sum_path + "TaxTotalAmount")) == incl - excl
        assert (_csv_total(files.csv, "Total HT"), _csv_total(files.csv, "Total TTC")) == (
            excl,
            incl,
        )
        printed = pdf_text(files.pdf)
        assert f"Total HT {money_text(excl)} €" in printed
        assert f"Total TTC {money_text(incl)} €" in printed
        fee = _one(tree, "//ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount")
        assert Decimal(fee) == order.delivery_fee
        assert f"Frais de livraison HT {money_text(order.delivery_fee)} €" in printed


def test_the_buyer_is_named_by_its_siren_and_the_lines_are_the_orders(session, make, sessions):
    update_cooperative(session, read_cooperative(GRAND_NANCY), actor=None)
    approved = approved_batch(session, make, sessions)
    order = approved.orders(session)[0]
    tree = _carried(order_files(session, order).pdf)
    siren = tree.xpath("//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS)
    assert [(s.text, s.get("schemeID")) for s in siren] == [("894127653", "0002")]
    assert _one(tree, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == (
        "FR67894127653"
    )
    assert _one(tree, "//ram:SellerTradeParty/ram:Name") == "Papeterie de l'Est"
    items = tree.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    assert [
        (
            _one(item, ".//ram:SellerAssignedID"),
            _one(item, "ram:SpecifiedTradeProduct/ram:Name"),
            Decimal(_one(item, ".//ram:RequestedQuantity")),
            Decimal(_one(item, ".//ram:ChargeAmount")),
            Decimal(_one(item, ".//ram:RateApplicablePercent")) / 100,
            Decimal(_one(item, ".//ram:LineTotalAmount")),
        )
        for item in items
    ] == [
        (
            line.offer.supplier_ref,
            line.offer.product.name,
            line.quantity,
            line.unit_price,
            line.vat_rate,
            line.line_total,
        )
        for line in order.lines
    ]
    # The paper goes to both members' sites: each is a delivery note, as on the PDF.
    notes = tree.xpath("//rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()", namespaces=NS)
    assert any(note.startswith("Livraison Atelier Vélo – Siège") for note in notes)
    assert any(note.startswith("Livraison Épicerie du Coin – Siège") for note in notes)


def test_an_order_pdf_with_its_order_x_is_still_pdf_a3(session, make, sessions):
    update_cooperative(session, read_cooperative(GRAND_NANCY), actor=None)
    approved = approved_batch(session, make, sessions)
    data = order_files(session, approved.orders(session)[0]).pdf
    assert_pdf_a3(data)
    # PDF/A-3 carries a file as an associated file of the document, with its relationship.
    reader = PdfReader(io.BytesIO(data))
    assert list(reader.attachments) == ["order-x.xml"]
    (spec,) = [each.get_object() for each in reader.trailer["/Root"]["/AF"].get_object()]
    assert (spec["/F"], spec["/AFRelationship"]) == ("order-x.xml", "/Data")
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert reader.metadata.title == f"Bon de commande {approved.orders(session)[0].number}"


def test_an_order_issued_before_order_x_keeps_its_exact_bytes(session, approved):
    order = approved.orders(session)[0]
    # Kept as an order issued before its PDF carried Order-X was: the plain PDF/A-3.
    document = order_document(session, order)
    plain = OrderFiles(order_pdf(document), order_csv(document), "a.pdf", "a.csv")
    issue_order(session, order, plain)
    session.commit()
    mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    session.expire_all()
    files = order_files(session, order)
    assert (files.pdf, files.csv) == (plain.pdf, plain.csv)
    assert not facturx.get_orderx_xml_from_pdf(files.pdf, check_xsd=False)[1]
    stored = session.scalar(select(IssuedOrder).where(IssuedOrder.order_id == order.id))
    assert stored.pdf == plain.pdf
    # Drawn afresh, the same order would carry its Order-X: the stored bytes are what stays.
    assert facturx.get_orderx_xml_from_pdf(orderx_pdf(plain.pdf, document))[0] == "order-x.xml"
