"""The demo suppliers' invoice files, as a French supplier's software writes them at the EN 16931
level: CII XML, UBL 2.1 XML, or a Factur-X PDF (a PDF/A-3 page carrying its CII XML). Each
states its lines, the delivery fee as a charge, the VAT per rate, the totals, the due date and
the supplier's IBAN; a credit note names the invoice it corrects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

import facturx
from schwifty import IBAN

from infrastructure.pdf import ArchivePdf
from purchasing.models import Cooperative
from suppliers.models import Supplier

CENT = Decimal("0.01")
DELIVERY_RATE = Decimal("0.20")  # the delivery fee is billed at the standard rate
CII = "urn:un:unece:uncefact:data:standard:"
UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
FORMATS = ("cii", "ubl", "facturx")


@dataclass(frozen=True)
class BilledLine:
    sku: str
    name: str
    quantity: Decimal
    price: Decimal
    rate: Decimal  # 0.055, 0.20

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.price).quantize(CENT, ROUND_HALF_UP)


def supplier_iban(supplier: Supplier) -> str:
    """The demo supplier's account: fictitious, with valid check digits, at the BIC's bank."""
    return str(
        IBAN.generate(
            "FR", bank_code="30004", branch_code="00031", account_code=f"9{supplier.id:010d}"
        ).compact
    )


def _amount(value: Decimal) -> str:
    return format(value.quantize(CENT), "f")


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _party(tag: str, name: str, siret: str, vat: str, street: str, postcode: str, town: str) -> str:
    return (
        f"<ram:{tag}><ram:Name>{escape(name)}</ram:Name><ram:SpecifiedLegalOrganization>"
        f'<ram:ID schemeID="0009">{siret}</ram:ID></ram:SpecifiedLegalOrganization>'
        f"<ram:PostalTradeAddress><ram:PostcodeCode>{escape(postcode)}</ram:PostcodeCode>"
        f"<ram:LineOne>{escape(street)}</ram:LineOne><ram:CityName>{escape(town)}</ram:CityName>"
        "<ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress><ram:SpecifiedTaxRegistration>"
        f'<ram:ID schemeID="VA">{vat}</ram:ID></ram:SpecifiedTaxRegistration></ram:{tag}>'
    )


def _date(day: date) -> str:
    return f'<udt:DateTimeString format="102">{day:%Y%m%d}</udt:DateTimeString>'


def cii_invoice(
    supplier: Supplier,
    cooperative: Cooperative,
    number: str,
    issued: date,
    lines: list[BilledLine],
    *,
    order: str,
    fee: Decimal = Decimal(0),
    due: date | None = None,
    corrects: tuple[str, date] | None = None,
) -> bytes:
    """The supplier's invoice (or, when it `corrects` an invoice, its credit note) in CII at the
    EN 16931 level, as a French supplier's software writes it: lines, the delivery fee as a
    charge, the VAT per rate, the totals, the due date and the supplier's IBAN."""
    totals = _totals(lines, fee)
    items = []
    for position, line in enumerate(lines, 1):
        items.append(
            "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument>"
            f"<ram:LineID>{position}</ram:LineID></ram:AssociatedDocumentLineDocument>"
            f"<ram:SpecifiedTradeProduct><ram:SellerAssignedID>{escape(line.sku)}"
            f"</ram:SellerAssignedID><ram:Name>{escape(line.name)}</ram:Name>"
            "</ram:SpecifiedTradeProduct><ram:SpecifiedLineTradeAgreement>"
            f"<ram:NetPriceProductTradePrice><ram:ChargeAmount>{_number(line.price)}"
            "</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>"
            '<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">'
            f"{_number(line.quantity)}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>"
            "<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT"
            "</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>"
            f"{_number(line.rate * 100)}</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
            "<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>"
            f"{_amount(line.net)}</ram:LineTotalAmount>"
            "</ram:SpecifiedTradeSettlementLineMonetarySummation>"
            "</ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>"
        )
    charge = ""
    if fee:
        charge = (
            "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true"
            f"</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>{_amount(fee)}"
            "</ram:ActualAmount><ram:ReasonCode>DL</ram:ReasonCode><ram:Reason>Frais de "
            "livraison</ram:Reason><ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode>"
            "<ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>"
            f"{_number(DELIVERY_RATE * 100)}</ram:RateApplicablePercent></ram:CategoryTradeTax>"
            "</ram:SpecifiedTradeAllowanceCharge>"
        )
    taxes = "".join(
        f"<ram:ApplicableTradeTax><ram:CalculatedAmount>{_amount(totals.vats[rate])}"
        f"</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>"
        f"{_amount(basis)}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{_number(rate * 100)}</ram:RateApplicablePercent>"
        "</ram:ApplicableTradeTax>"
        for rate, basis in sorted(totals.bases.items())
    )
    line_total, basis_total, vat_total, grand = (
        totals.lines,
        totals.basis,
        totals.vat,
        totals.grand,
    )
    terms = (
        "<ram:SpecifiedTradePaymentTerms><ram:Description>Paiement à 30 jours. Pénalités de "
        "retard : 3 fois le taux d'intérêt légal. Indemnité forfaitaire pour frais de "
        "recouvrement : 40 €.</ram:Description>"
        f"<ram:DueDateDateTime>{_date(due)}</ram:DueDateDateTime>"
        "</ram:SpecifiedTradePaymentTerms>"
        if due
        else ""
    )
    preceding = (
        f"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{escape(corrects[0])}"
        "</ram:IssuerAssignedID><ram:FormattedIssueDateTime>"
        f'<qdt:DateTimeString format="102">{corrects[1]:%Y%m%d}</qdt:DateTimeString>'
        "</ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>"
        if corrects
        else ""
    )
    seller = _party(
        "SellerTradeParty",
        supplier.name,
        supplier.siret or "",
        supplier.vat_number or "",
        supplier.address,
        supplier.postcode,
        supplier.town,
    )
    buyer = _party(
        "BuyerTradeParty",
        cooperative.name,
        cooperative.siret,
        cooperative.vat_number,
        cooperative.address,
        cooperative.postcode,
        cooperative.town,
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rsm:CrossIndustryInvoice xmlns:rsm="{CII}CrossIndustryInvoice:100" '
        f'xmlns:qdt="{CII}QualifiedDataType:100" '
        f'xmlns:ram="{CII}ReusableAggregateBusinessInformationEntity:100" '
        f'xmlns:udt="{CII}UnqualifiedDataType:100">'
        "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>"
        "<ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>"
        f"</rsm:ExchangedDocumentContext><rsm:ExchangedDocument><ram:ID>{escape(number)}</ram:ID>"
        f"<ram:TypeCode>{'381' if corrects else '380'}</ram:TypeCode>"
        f"<ram:IssueDateTime>{_date(issued)}</ram:IssueDateTime></rsm:ExchangedDocument>"
        f"<rsm:SupplyChainTradeTransaction>{''.join(items)}"
        f"<ram:ApplicableHeaderTradeAgreement>{seller}{buyer}"
        f"<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{escape(order)}"
        "</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
        "</ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeDelivery>"
        "<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>"
        f"{_date(issued)}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>"
        "</ram:ApplicableHeaderTradeDelivery><ram:ApplicableHeaderTradeSettlement>"
        f"<ram:PaymentReference>{escape(number)}</ram:PaymentReference>"
        "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
        f"<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{supplier_iban(supplier)}"
        "</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
        f"</ram:SpecifiedTradeSettlementPaymentMeans>{taxes}{charge}{terms}"
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        f"<ram:LineTotalAmount>{_amount(line_total)}</ram:LineTotalAmount>"
        f"<ram:ChargeTotalAmount>{_amount(fee)}</ram:ChargeTotalAmount>"
        "<ram:AllowanceTotalAmount>0.00</ram:AllowanceTotalAmount>"
        f"<ram:TaxBasisTotalAmount>{_amount(basis_total)}</ram:TaxBasisTotalAmount>"
        f'<ram:TaxTotalAmount currencyID="EUR">{_amount(vat_total)}</ram:TaxTotalAmount>'
        f"<ram:GrandTotalAmount>{_amount(grand)}</ram:GrandTotalAmount>"
        "<ram:TotalPrepaidAmount>0.00</ram:TotalPrepaidAmount>"
        f"<ram:DuePayableAmount>{_amount(grand)}</ram:DuePayableAmount>"
        f"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>{preceding}"
        "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
        "</rsm:CrossIndustryInvoice>\n"
    ).encode()


@dataclass(frozen=True)
class _Totals:
    bases: dict[Decimal, Decimal]  # by VAT rate
    vats: dict[Decimal, Decimal]
    lines: Decimal
    basis: Decimal
    vat: Decimal

    @property
    def grand(self) -> Decimal:
        return self.basis + self.vat


def _totals(lines: list[BilledLine], fee: Decimal) -> _Totals:
    """EN 16931's sums: lines, basis per rate (the fee at the standard rate), VAT per rate
    rounded half up, totals."""
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        bases[line.rate] += line.net
    if fee:
        bases[DELIVERY_RATE] += fee
    vats = {rate: (basis * rate).quantize(CENT, ROUND_HALF_UP) for rate, basis in bases.items()}
    line_total = sum((line.net for line in lines), Decimal(0))
    return _Totals(dict(bases), vats, line_total, line_total + fee, sum(vats.values(), Decimal(0)))


def _ubl_party(
    tag: str, name: str, siret: str, vat: str, street: str, postcode: str, town: str
) -> str:
    return (
        f'<cac:{tag}><cac:Party><cac:PartyIdentification><cbc:ID schemeID="0009">{siret}'
        f"</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>{escape(name)}</cbc:Name>"
        f"</cac:PartyName><cac:PostalAddress><cbc:StreetName>{escape(street)}</cbc:StreetName>"
        f"<cbc:CityName>{escape(town)}</cbc:CityName><cbc:PostalZone>{escape(postcode)}"
        "</cbc:PostalZone><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode>"
        f"</cac:Country></cac:PostalAddress><cac:PartyTaxScheme><cbc:CompanyID>{vat}"
        "</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
        f"<cac:PartyLegalEntity><cbc:RegistrationName>{escape(name)}</cbc:RegistrationName>"
        f'<cbc:CompanyID schemeID="0002">{siret[:9]}</cbc:CompanyID></cac:PartyLegalEntity>'
        f"</cac:Party></cac:{tag}>"
    )


def _ubl_category(tag: str, rate: Decimal) -> str:
    return (
        f"<cac:{tag}><cbc:ID>S</cbc:ID><cbc:Percent>{_number(rate * 100)}</cbc:Percent>"
        f"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:{tag}>"
    )


def ubl_invoice(
    supplier: Supplier,
    cooperative: Cooperative,
    number: str,
    issued: date,
    lines: list[BilledLine],
    *,
    order: str,
    fee: Decimal = Decimal(0),
    due: date | None = None,
    corrects: tuple[str, date] | None = None,
) -> bytes:
    """The same document as `cii_invoice`, in UBL 2.1: an Invoice, or a CreditNote when it
    `corrects` an invoice."""
    totals = _totals(lines, fee)
    root = "CreditNote" if corrects else "Invoice"
    quantity = "CreditedQuantity" if corrects else "InvoicedQuantity"
    eur = 'currencyID="EUR"'
    items = "".join(
        f"<cac:{root}Line><cbc:ID>{position}</cbc:ID>"
        f'<cbc:{quantity} unitCode="H87">{_number(line.quantity)}</cbc:{quantity}>'
        f"<cbc:LineExtensionAmount {eur}>{_amount(line.net)}</cbc:LineExtensionAmount>"
        f"<cac:Item><cbc:Name>{escape(line.name)}</cbc:Name><cac:SellersItemIdentification>"
        f"<cbc:ID>{escape(line.sku)}</cbc:ID></cac:SellersItemIdentification>"
        f"{_ubl_category('ClassifiedTaxCategory', line.rate)}</cac:Item><cac:Price>"
        f"<cbc:PriceAmount {eur}>{_number(line.price)}</cbc:PriceAmount></cac:Price>"
        f"</cac:{root}Line>"
        for position, line in enumerate(lines, 1)
    )
    charge = (
        "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>"
        "<cbc:AllowanceChargeReasonCode>DL</cbc:AllowanceChargeReasonCode>"
        "<cbc:AllowanceChargeReason>Frais de livraison</cbc:AllowanceChargeReason>"
        f"<cbc:Amount {eur}>{_amount(fee)}</cbc:Amount>"
        f"{_ubl_category('TaxCategory', DELIVERY_RATE)}</cac:AllowanceCharge>"
        if fee
        else ""
    )
    subtotals = "".join(
        f"<cac:TaxSubtotal><cbc:TaxableAmount {eur}>{_amount(basis)}</cbc:TaxableAmount>"
        f"<cbc:TaxAmount {eur}>{_amount(totals.vats[rate])}</cbc:TaxAmount>"
        f"{_ubl_category('TaxCategory', rate)}</cac:TaxSubtotal>"
        for rate, basis in sorted(totals.bases.items())
    )
    billing = (
        "<cac:BillingReference><cac:InvoiceDocumentReference>"
        f"<cbc:ID>{escape(corrects[0])}</cbc:ID><cbc:IssueDate>{corrects[1].isoformat()}"
        "</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>"
        if corrects
        else ""
    )
    due_date = f"<cbc:DueDate>{due.isoformat()}</cbc:DueDate>" if due and not corrects else ""
    seller = _ubl_party("AccountingSupplierParty", supplier.name, supplier.siret or "",
                        supplier.vat_number or "", supplier.address, supplier.postcode,
                        supplier.town)  # fmt: skip
    buyer = _ubl_party("AccountingCustomerParty", cooperative.name, cooperative.siret,
                       cooperative.vat_number, cooperative.address, cooperative.postcode,
                       cooperative.town)  # fmt: skip
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="{UBL}{root}-2" xmlns:cac="{UBL}CommonAggregateComponents-2" '
        f'xmlns:cbc="{UBL}CommonBasicComponents-2">'
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
        f"<cbc:ID>{escape(number)}</cbc:ID><cbc:IssueDate>{issued.isoformat()}</cbc:IssueDate>"
        f"{due_date}<cbc:{root}TypeCode>{'381' if corrects else '380'}</cbc:{root}TypeCode>"
        "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
        f"<cac:OrderReference><cbc:ID>{escape(order)}</cbc:ID></cac:OrderReference>{billing}"
        f"{seller}{buyer}<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"
        f"<cbc:PaymentID>{escape(number)}</cbc:PaymentID><cac:PayeeFinancialAccount>"
        f"<cbc:ID>{supplier_iban(supplier)}</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>"
        "<cac:PaymentTerms><cbc:Note>Paiement à 30 jours. Pénalités de retard : 3 fois le taux "
        "d'intérêt légal. Indemnité forfaitaire pour frais de recouvrement : 40 €.</cbc:Note>"
        f"</cac:PaymentTerms>{charge}<cac:TaxTotal><cbc:TaxAmount {eur}>{_amount(totals.vat)}"
        f"</cbc:TaxAmount>{subtotals}</cac:TaxTotal><cac:LegalMonetaryTotal>"
        f"<cbc:LineExtensionAmount {eur}>{_amount(totals.lines)}</cbc:LineExtensionAmount>"
        f"<cbc:TaxExclusiveAmount {eur}>{_amount(totals.basis)}</cbc:TaxExclusiveAmount>"
        f"<cbc:TaxInclusiveAmount {eur}>{_amount(totals.grand)}</cbc:TaxInclusiveAmount>"
        f"<cbc:ChargeTotalAmount {eur}>{_amount(fee)}</cbc:ChargeTotalAmount>"
        f"<cbc:PayableAmount {eur}>{_amount(totals.grand)}</cbc:PayableAmount>"
        f"</cac:LegalMonetaryTotal>{items}</{root}>\n"
    ).encode()


def facturx_invoice(
    supplier: Supplier,
    cooperative: Cooperative,
    number: str,
    issued: date,
    lines: list[BilledLine],
    *,
    order: str,
    fee: Decimal = Decimal(0),
    due: date | None = None,
    corrects: tuple[str, date] | None = None,
) -> bytes:
    """The same document as `cii_invoice`, as a Factur-X PDF: a PDF/A-3 page saying what it
    bills, carrying the CII XML (made so by the factur-x package)."""
    xml = cii_invoice(supplier, cooperative, number, issued, lines, order=order, fee=fee,
                      due=due, corrects=corrects)  # fmt: skip
    what = "Avoir" if corrects else "Facture"
    pdf = ArchivePdf(f"{what} {number}")
    pdf.text_line(f"{supplier.name} — {what.lower()} {number}", size=14, style="B")
    pdf.text_line(f"Client : {cooperative.name}, commande {order}")
    for line in lines:
        text = f"{_number(line.quantity)} × {_number(line.price)} €".replace(".", ",")
        pdf.text_line(f"{line.sku} {line.name} : {text}")
    total = _amount(_totals(lines, fee).grand).replace(".", ",")
    pdf.text_line(f"Total TTC : {total} €", style="B")
    # The reader checks the XML against its schema when the file is received.
    data: bytes = facturx.generate_from_binary(
        pdf.document(), xml, flavor="factur-x", level="en16931", check_xsd=False
    )
    return data


WRITERS = {"cii": cii_invoice, "ubl": ubl_invoice, "facturx": facturx_invoice}
EXTENSIONS = {"cii": "xml", "ubl": "xml", "facturx": "pdf"}
