"""A purchase order as an Order-X file: the Cross Industry Order XML (UN/CEFACT SCRDM, D20B) of
profile COMFORT, embedded in the order's PDF/A-3, so that a supplier's system reads the order
as its people read the page.

Order-X is the purchase-order twin of Factur-X (the same PDF/A-3 carrier, an XML of the same
UN/CEFACT family, here version 128 of its reusable entities). The XML follows the element order
of the COMFORT schema shipped with `factur-x`, and says what the PDF says, from the same
`OrderDocument`, so that its figures are the printed ones to the cent:

- the order: number, type code 220 (an order), issue date, the requested delivery date;
- the buyer (the cooperative) by its SIRET (GlobalID, scheme 0009), its SIREN (legal
  organisation, scheme 0002), its VAT number (scheme VA) and its address; the seller (the
  supplier) by its SIRET and SIREN when known, and its address;
- where it goes: when every line goes to one site, that site is the ship-to party; an order
  delivered to several sites has no single ship-to party in this profile, so each site is a
  delivery note (subject code DEL) with its address and units, and each line a note with its
  units per site, as the PDF's "Livraisons par site" says;
- each line: its number, the supplier's reference, the product, the quantity in a UN/ECE
  rec. 20 unit (C62 "one" for units counted, KGM, LTR, MTR), the packs and their size, the net
  unit price, the VAT rate and the line amount;
- the delivery fee as a charge (UNTDID 7161 code DL) at its VAT rate;
- the totals in euros: lines, charges, tax basis, VAT, grand total.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import facturx
from lxml import etree

from infrastructure.documents import Party, number_text
from infrastructure.order_documents import OrderDocument, OrderLineData, SiteData
from infrastructure.xml_elements import ElementWriter

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:128",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128",
}
LEVEL = "comfort"
GUIDELINE = f"urn:order-x.eu:1p0:{LEVEL}"
ORDER = "220"  # UNTDID 1001: an order
CURRENCY = "EUR"
DATE_FORMAT = "102"  # CCYYMMDD
DELIVERY_CHARGE = "DL"  # UNTDID 7161: delivery
DELIVERY_NOTE = "DEL"  # UNTDID 4451: delivery information
GENERAL_NOTE = "AAI"  # UNTDID 4451: general information
STANDARD_RATE = "S"  # UNTDID 5305
# Units the catalog counts are "one" (C62), as on the member invoices; measured ones are rec. 20.
UNIT_CODES = {"kg": "KGM", "l": "LTR", "m": "MTR"}
COUNTED = "C62"
PACKAGE = "XPK"  # rec. 21 "package", as rec. 20 writes it


def unit_code(unit: str) -> str:
    """The UN/ECE rec. 20 code of a catalog unit."""
    return UNIT_CODES.get(unit, COUNTED)


_XML = ElementWriter(NAMESPACES)
_tag, _add = _XML.tag, _XML.add


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _number(value: Decimal) -> str:
    """A quantity or price as it is, in plain notation (never 1E+1), without useless zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _percent(rate: Decimal) -> str:
    """A VAT rate kept as a fraction (0.055), written as the percentage (5.5)."""
    return _number(rate * 100)


def _date(parent: Any, name: str, day: date) -> None:
    _add(_add(parent, name), "udt:DateTimeString", day.strftime("%Y%m%d"), format=DATE_FORMAT)


def _compact(number: str) -> str:
    return "".join(number.split())


def order_xml(document: OrderDocument) -> bytes:
    """The Order-X XML of the order, profile COMFORT, UTF-8 with its declaration."""
    root = etree.Element(_tag("rsm:SCRDMCCBDACIOMessageStructure"), nsmap=NAMESPACES)
    context = _add(root, "rsm:ExchangedDocumentContext")
    _add(_add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    header = _add(root, "rsm:ExchangedDocument")
    _add(header, "ram:ID", document.number)
    _add(header, "ram:Name", "Bon de commande")
    _add(header, "ram:TypeCode", ORDER)
    _date(header, "ram:IssueDateTime", document.ordered_on)
    for subject, content in _notes(document):
        note = _add(header, "ram:IncludedNote")
        _add(note, "ram:Content", content)
        _add(note, "ram:SubjectCode", subject)

    transaction = _add(root, "rsm:SupplyChainTradeTransaction")
    split = len(document.sites) > 1
    for number, line in enumerate(document.lines, start=1):
        _add_line(transaction, number, line, document.sites if split else ())
    agreement = _add(transaction, "ram:ApplicableHeaderTradeAgreement")
    _add_party(agreement, "ram:SellerTradeParty", document.supplier)
    _add_party(agreement, "ram:BuyerTradeParty", document.buyer)
    _add_delivery(transaction, document)
    _add_settlement(transaction, document)

    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _notes(document: OrderDocument) -> list[tuple[str, str]]:
    notes = []
    if len(document.sites) > 1:
        for site in document.sites:
            units = " ; ".join(
                f"{reference} {product} : {number_text(units)}"
                for reference, product, units in site.units
            )
            notes.append((DELIVERY_NOTE, f"Livraison {_site_name(site)}, {site.address} : {units}"))
    if document.confirm_link:
        notes.append(
            (
                GENERAL_NOTE,
                "Merci de confirmer la commande, ou d'indiquer ce que vous pouvez livrer : "
                + document.confirm_link,
            )
        )
    return notes


def _site_name(site: SiteData) -> str:
    return f"{site.member} – {site.site}"


def _add_line(
    transaction: Any, number: int, line: OrderLineData, sites: tuple[SiteData, ...]
) -> None:
    item = _add(transaction, "ram:IncludedSupplyChainTradeLineItem")
    line_document = _add(item, "ram:AssociatedDocumentLineDocument")
    _add(line_document, "ram:LineID", str(number))
    split = [
        f"{_site_name(site)} : {number_text(units)}"
        for site in sites
        for reference, product, units in site.units
        if (reference, product) == (line.reference, line.product)
    ]
    if split:
        note = _add(line_document, "ram:IncludedNote")
        _add(note, "ram:Content", " ; ".join(split))
        _add(note, "ram:SubjectCode", DELIVERY_NOTE)
    product = _add(item, "ram:SpecifiedTradeProduct")
    if line.reference:
        _add(product, "ram:SellerAssignedID", line.reference)
    _add(product, "ram:Name", line.product)
    agreement = _add(item, "ram:SpecifiedLineTradeAgreement")
    price = _add(agreement, "ram:NetPriceProductTradePrice")
    _add(price, "ram:ChargeAmount", _number(line.unit_price))
    delivery = _add(item, "ram:SpecifiedLineTradeDelivery")
    code = unit_code(line.unit)
    _add(delivery, "ram:RequestedQuantity", _number(line.units), unitCode=code)
    _add(delivery, "ram:PackageQuantity", str(line.packs), unitCode=PACKAGE)
    _add(delivery, "ram:PerPackageUnitQuantity", _number(line.pack_size), unitCode=code)
    settlement = _add(item, "ram:SpecifiedLineTradeSettlement")
    _add_tax(settlement, "ram:ApplicableTradeTax", line.vat_rate)
    summation = _add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _add(summation, "ram:LineTotalAmount", _amount(line.total))


def _add_tax(parent: Any, name: str, rate: Decimal) -> None:
    tax = _add(parent, name)
    _add(tax, "ram:TypeCode", "VAT")
    _add(tax, "ram:CategoryCode", STANDARD_RATE)
    _add(tax, "ram:RateApplicablePercent", _percent(rate))


def _add_party(parent: Any, name: str, party: Party) -> None:
    element = _add(parent, name)
    siret = _compact(party.siret)
    if siret:
        _add(element, "ram:GlobalID", siret, schemeID="0009")
    _add(element, "ram:Name", party.name)
    if party.legal_form:
        _add(element, "ram:Description", party.legal_form)
    siren = _compact(party.siren) or siret[:9]
    if siren:
        _add(_add(element, "ram:SpecifiedLegalOrganization"), "ram:ID", siren, schemeID="0002")
    if party.contact or party.phone or party.email:
        contact = _add(element, "ram:DefinedTradeContact")
        if party.contact:
            _add(contact, "ram:PersonName", party.contact)
        if party.phone:
            _add(
                _add(contact, "ram:TelephoneUniversalCommunication"),
                "ram:CompleteNumber",
                party.phone,
            )
        if party.email:
            _add(_add(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)
    _add_address(element, party.address, party.postcode, party.town, party.country)
    if party.email:
        _add(
            _add(element, "ram:URIUniversalCommunication"), "ram:URIID", party.email, schemeID="EM"
        )
    if party.vat_number:
        registration = _add(element, "ram:SpecifiedTaxRegistration")
        _add(registration, "ram:ID", _compact(party.vat_number), schemeID="VA")


def _add_address(parent: Any, street: str, postcode: str, town: str, country: str) -> None:
    address = _add(parent, "ram:PostalTradeAddress")
    if postcode:
        _add(address, "ram:PostcodeCode", postcode)
    if street:
        _add(address, "ram:LineOne", street)
    if town:
        _add(address, "ram:CityName", town)
    _add(address, "ram:CountryID", country or "FR")


def _add_delivery(transaction: Any, document: OrderDocument) -> None:
    delivery = _add(transaction, "ram:ApplicableHeaderTradeDelivery")
    if len(document.sites) == 1:
        (site,) = document.sites
        ship_to = _add(delivery, "ram:ShipToTradeParty")
        _add(ship_to, "ram:Name", _site_name(site))
        _add_address(ship_to, site.street, site.postcode, site.town, site.country)
    event = _add(delivery, "ram:RequestedDeliverySupplyChainEvent")
    _date(event, "ram:OccurrenceDateTime", document.expected_on)


def _add_settlement(transaction: Any, document: OrderDocument) -> None:
    totals = document.totals
    settlement = _add(transaction, "ram:ApplicableHeaderTradeSettlement")
    _add(settlement, "ram:OrderCurrencyCode", CURRENCY)
    if totals.delivery_fee:
        charge = _add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _add(_add(charge, "ram:ChargeIndicator"), "udt:Indicator", "true")
        _add(charge, "ram:ActualAmount", _amount(totals.delivery_fee))
        _add(charge, "ram:ReasonCode", DELIVERY_CHARGE)
        _add(charge, "ram:Reason", "Frais de livraison")
        _add_tax(charge, "ram:CategoryTradeTax", document.delivery_vat_rate)
    summation = _add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _add(summation, "ram:LineTotalAmount", _amount(totals.goods))
    _add(summation, "ram:ChargeTotalAmount", _amount(totals.delivery_fee))
    _add(summation, "ram:TaxBasisTotalAmount", _amount(totals.excl_vat))
    vat = sum((row.vat for row in totals.vat), Decimal(0))
    _add(summation, "ram:TaxTotalAmount", _amount(vat), currencyID=CURRENCY)
    _add(summation, "ram:GrandTotalAmount", _amount(totals.incl_vat))


def orderx_pdf(pdf: bytes, document: OrderDocument) -> bytes:
    """The order's PDF/A-3 with its Order-X XML embedded as order-x.xml, checked against the
    COMFORT schema first (an XML the schema refuses raises, and nothing is made). The PDF's
    title, author and subject stay in French."""
    result: bytes = facturx.generate_from_binary(
        pdf,
        order_xml(document),
        flavor="order-x",
        level=LEVEL,
        orderx_type="order",
        check_xsd=True,
        lang="fr-FR",
        pdf_metadata={
            "author": document.buyer.name,
            "title": f"Bon de commande {document.number}",
            "subject": (
                f"Bon de commande {document.number} du {document.ordered_on:%d/%m/%Y} "
                f"de {document.buyer.name} à {document.supplier.name}"
            ),
        },
    )
    return result
