"""Supplier invoices as a French supplier's software writes them, in CII (Factur-X) and UBL 2.1.

`figures()` computes what a correct invoice states; each builder writes those figures, and a
test changes one of them to make the invoice it needs (a wrong VAT sum, a missing SIREN...).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

CENT = Decimal("0.01")
EN16931 = "urn:cen.eu:en16931:2017"
BASIC = "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic"
EXTENDED = "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"
MINIMUM = "urn:factur-x.eu:1p0:minimum"
BASIC_WL = "urn:factur-x.eu:1p0:basicwl"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


@dataclass(frozen=True)
class Seller:
    name: str = "PAPETERIE DU RHONE"
    siren: str | None = "552100554"
    siret: str | None = "55210055400013"
    vat: str | None = "FR96552100554"
    street: str = "12 quai Perrache"
    city: str = "Lyon"
    postcode: str = "69002"
    country: str = "FR"
    iban: str = "FR7617515900000812345678938"


BUYER = Seller(
    name="SCIC ACHATS EN COMMUN",
    siren="732829320",
    siret="73282932000074",
    vat="FR44732829320",
    street="5 rue des Tanneurs",
    city="Villeurbanne",
    postcode="69100",
)
GERMAN_SELLER = Seller(
    name="Umweltpapier Rheinland GmbH",
    siren=None,
    siret=None,
    vat="DE811907980",
    street="Rheinallee 4",
    city="Köln",
    postcode="50667",
    country="DE",
    iban="DE89370400440532013000",
)


@dataclass(frozen=True)
class Line:
    line_id: str
    sku: str
    name: str
    quantity: str
    price: str
    unit: str = "H87"
    base_quantity: str | None = None
    allowance: str | None = None
    category: str = "S"
    rate: str = "20"
    order_line: str | None = None

    @property
    def net(self) -> Decimal:
        base = Decimal(self.base_quantity or 1)
        gross = Decimal(self.quantity) * Decimal(self.price) / base
        return (gross - Decimal(self.allowance or 0)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Adjustment:
    """A document-level charge or allowance."""

    is_charge: bool
    amount: str
    reason: str
    code: str
    category: str = "S"
    rate: str = "20"


LINES = (
    Line("1", "PAP-A4-80R", "Ramette papier A4 recyclé 80 g", "40", "4.10", order_line="1"),
    Line("2", "ENV-C4-K250", "Enveloppes kraft C4 recyclées, boîte de 250", "6", "18.50",
         order_line="2"),
    Line("3", "CAF-BIO-1K", "Café bio équitable en grains 1 kg", "12", "14.35", rate="5.5",
         order_line="4"),
    Line("4", "VAI-ECO-5L", "Liquide vaisselle écolabel 5 L", "3", "22.90", allowance="3.44",
         order_line="5"),
    Line("5", "GOB-CART-20", "Gobelets carton compostables 20 cl", "2000", "45.00",
         base_quantity="1000", order_line="6"),
)  # fmt: skip
DELIVERY_FEE = Adjustment(True, "15.00", "Frais de livraison", "DL")
COOPERATIVE_DISCOUNT = Adjustment(False, "10.00", "Remise coopérative", "95")


@dataclass(frozen=True)
class Invoice:
    number: str = "F2027-0456"
    type_code: str = "380"
    issue_date: str = "2027-01-10"
    due_date: str | None = "2027-02-09"
    currency: str = "EUR"
    profile: str = EN16931
    seller: Seller = Seller()
    buyer: Seller = BUYER
    order: str | None = "BC-2027-0003"
    preceding: tuple[str, str] | None = None
    lines: tuple[Line, ...] = LINES
    adjustments: tuple[Adjustment, ...] = (DELIVERY_FEE, COOPERATIVE_DISCOUNT)
    # Stated figures that differ from what the lines compute, by name: "vat 20",
    # "basis 20", "line 2", "line_total", "vat_total", "grand_total", "due"...
    stated: dict[str, str] = field(default_factory=dict)
    prepaid: str = "0.00"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """What an invoice states."""

    nets: dict[str, Decimal]
    breakdown: list[tuple[str, str, Decimal, Decimal]]
    line_total: Decimal
    charges: Decimal
    allowances: Decimal
    basis_total: Decimal
    vat_total: Decimal
    grand: Decimal
    due: Decimal


def figures(invoice: Invoice) -> Figures:
    """What the invoice states: computed from its lines, then overridden by `stated`."""
    stated = invoice.stated
    nets = {line.line_id: Decimal(stated.get(f"line {line.line_id}", line.net))
            for line in invoice.lines}  # fmt: skip
    bases: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in invoice.lines:
        bases[line.category, line.rate] += nets[line.line_id]
    for item in invoice.adjustments:
        bases[item.category, item.rate] += Decimal(item.amount) * (1 if item.is_charge else -1)
    breakdown = []
    for (category, rate), basis in bases.items():
        basis = Decimal(stated.get(f"basis {rate}", basis))
        vat = _cents(basis * Decimal(rate) / 100) if category in ("S", "L", "M") else Decimal(0)
        breakdown.append((category, rate, basis, Decimal(stated.get(f"vat {rate}", vat))))
    line_total = Decimal(stated.get("line_total", sum(nets.values(), Decimal(0))))
    charges = sum((Decimal(a.amount) for a in invoice.adjustments if a.is_charge), Decimal(0))
    allowances = sum(
        (Decimal(a.amount) for a in invoice.adjustments if not a.is_charge), Decimal(0)
    )
    basis_total = Decimal(stated.get("basis_total", line_total + charges - allowances))
    vat_total = Decimal(stated.get("vat_total", sum((b[3] for b in breakdown), Decimal(0))))
    grand = Decimal(stated.get("grand_total", basis_total + vat_total))
    due = Decimal(stated.get("due", grand - Decimal(invoice.prepaid)))
    return Figures(nets, breakdown, line_total, charges, allowances, basis_total, vat_total,
                   grand, due)  # fmt: skip


def _date102(iso: str) -> str:
    return iso.replace("-", "")


def _cii_party(party: Seller, tag: str) -> str:
    legal = ""
    if party.siret:
        legal = f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">{party.siret}</ram:ID></ram:SpecifiedLegalOrganization>'  # noqa: E501
    elif party.siren:
        legal = f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{party.siren}</ram:ID></ram:SpecifiedLegalOrganization>'  # noqa: E501
    vat = (
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{party.vat}</ram:ID>'
        "</ram:SpecifiedTaxRegistration>"
        if party.vat
        else ""
    )
    return (
        f"<ram:{tag}><ram:Name>{escape(party.name)}</ram:Name>{legal}"
        f"<ram:PostalTradeAddress><ram:PostcodeCode>{party.postcode}</ram:PostcodeCode>"
        f"<ram:LineOne>{escape(party.street)}</ram:LineOne><ram:CityName>{escape(party.city)}"
        f"</ram:CityName><ram:CountryID>{party.country}</ram:CountryID></ram:PostalTradeAddress>"
        f"{vat}</ram:{tag}>"
    )


def _cii_line(line: Line, net: Decimal, basic: bool) -> str:
    """A CII line; the BASIC level knows neither the seller's item id nor the order line."""
    if basic:
        line = replace(line, sku="", order_line=None)
    sku = f"<ram:SellerAssignedID>{line.sku}</ram:SellerAssignedID>" if line.sku else ""
    base = (
        f'<ram:BasisQuantity unitCode="{line.unit}">{line.base_quantity}</ram:BasisQuantity>'
        if line.base_quantity
        else ""
    )
    order = (
        f"<ram:BuyerOrderReferencedDocument><ram:LineID>{line.order_line}</ram:LineID>"
        "</ram:BuyerOrderReferencedDocument>"
        if line.order_line
        else ""
    )
    allowance = (
        "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false"
        f"</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>{line.allowance}"
        "</ram:ActualAmount><ram:Reason>Remise 5 %</ram:Reason>"
        "</ram:SpecifiedTradeAllowanceCharge>"
        if line.allowance
        else ""
    )
    return (
        "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument>"
        f"<ram:LineID>{line.line_id}</ram:LineID></ram:AssociatedDocumentLineDocument>"
        f"<ram:SpecifiedTradeProduct>{sku}"
        f"<ram:Name>{escape(line.name)}</ram:Name></ram:SpecifiedTradeProduct>"
        f"<ram:SpecifiedLineTradeAgreement>{order}<ram:NetPriceProductTradePrice>"
        f"<ram:ChargeAmount>{line.price}</ram:ChargeAmount>{base}"
        "</ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>"
        f'<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="{line.unit}">'
        f"{line.quantity}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>"
        "<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT"
        f"</ram:TypeCode><ram:CategoryCode>{line.category}</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{line.rate}</ram:RateApplicablePercent>"
        f"</ram:ApplicableTradeTax>{allowance}"
        "<ram:SpecifiedTradeSettlementLineMonetarySummation>"
        f"<ram:LineTotalAmount>{net}</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )


def cii(invoice: Invoice = Invoice()) -> bytes:
    """The invoice in CII, as a Factur-X file embeds it."""
    f = figures(invoice)
    basic = invoice.profile == BASIC
    lines = "".join(_cii_line(line, f.nets[line.line_id], basic) for line in invoice.lines)
    taxes = "".join(
        f"<ram:ApplicableTradeTax><ram:CalculatedAmount>{vat}</ram:CalculatedAmount>"
        f"<ram:TypeCode>VAT</ram:TypeCode>"
        + ("<ram:ExemptionReason>Exonération</ram:ExemptionReason>" if category == "E" else "")
        + f"<ram:BasisAmount>{basis}</ram:BasisAmount><ram:CategoryCode>{category}"
        f"</ram:CategoryCode><ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent>"
        "</ram:ApplicableTradeTax>"
        for category, rate, basis, vat in f.breakdown
    )
    adjustments = "".join(
        "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>"
        f"{'true' if a.is_charge else 'false'}</udt:Indicator></ram:ChargeIndicator>"
        f"<ram:ActualAmount>{a.amount}</ram:ActualAmount><ram:ReasonCode>{a.code}"
        f"</ram:ReasonCode><ram:Reason>{escape(a.reason)}</ram:Reason><ram:CategoryTradeTax>"
        f"<ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{a.category}</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{a.rate}</ram:RateApplicablePercent>"
        "</ram:CategoryTradeTax></ram:SpecifiedTradeAllowanceCharge>"
        for a in invoice.adjustments
    )
    order = (
        f"<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>{invoice.order}"
        "</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>"
        if invoice.order
        else ""
    )
    due_date = (
        "<ram:SpecifiedTradePaymentTerms><ram:Description>Paiement à 30 jours. Pénalités de "
        "retard : 3 fois le taux d'intérêt légal. Indemnité forfaitaire pour frais de "
        "recouvrement : 40 €.</ram:Description><ram:DueDateDateTime>"
        f'<udt:DateTimeString format="102">{_date102(invoice.due_date)}</udt:DateTimeString>'
        "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
        if invoice.due_date
        else ""
    )
    preceding = ""
    if invoice.preceding:
        number, issued = invoice.preceding
        preceding = (
            f"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{number}"
            "</ram:IssuerAssignedID><ram:FormattedIssueDateTime>"
            f'<qdt:DateTimeString format="102">{_date102(issued)}</qdt:DateTimeString>'
            "</ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>"
        )
    currency = invoice.currency
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '  # noqa: E501
        'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" '
        'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '  # noqa: E501
        'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">'
        "<rsm:ExchangedDocumentContext><ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:ID>A1</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>"
        "<ram:GuidelineSpecifiedDocumentContextParameter>"
        f"<ram:ID>{invoice.profile}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>"
        "</rsm:ExchangedDocumentContext>"
        f"<rsm:ExchangedDocument><ram:ID>{invoice.number}</ram:ID>"
        f"<ram:TypeCode>{invoice.type_code}</ram:TypeCode><ram:IssueDateTime>"
        f'<udt:DateTimeString format="102">{_date102(invoice.issue_date)}</udt:DateTimeString>'
        "</ram:IssueDateTime><ram:IncludedNote><ram:Content>Option pour le paiement de la TVA "
        "d'après les débits. Livraison de biens.</ram:Content></ram:IncludedNote>"
        "</rsm:ExchangedDocument>"
        f"<rsm:SupplyChainTradeTransaction>{lines}"
        "<ram:ApplicableHeaderTradeAgreement><ram:BuyerReference>ACHATS-2027</ram:BuyerReference>"
        f"{_cii_party(invoice.seller, 'SellerTradeParty')}"
        f"{_cii_party(invoice.buyer, 'BuyerTradeParty')}{order}"
        "</ram:ApplicableHeaderTradeAgreement>"
        "<ram:ApplicableHeaderTradeDelivery><ram:ActualDeliverySupplyChainEvent>"
        f'<ram:OccurrenceDateTime><udt:DateTimeString format="102">{_date102(invoice.issue_date)}'
        "</udt:DateTimeString></ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>"
        "</ram:ApplicableHeaderTradeDelivery>"
        f"<ram:ApplicableHeaderTradeSettlement><ram:PaymentReference>{invoice.number}"
        f"</ram:PaymentReference><ram:InvoiceCurrencyCode>{currency}</ram:InvoiceCurrencyCode>"
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
        "<ram:PayeePartyCreditorFinancialAccount>"
        f"<ram:IBANID>{invoice.seller.iban}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
        f"</ram:SpecifiedTradeSettlementPaymentMeans>{taxes}{adjustments}{due_date}"
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        f"<ram:LineTotalAmount>{f.line_total}</ram:LineTotalAmount>"
        f"<ram:ChargeTotalAmount>{f.charges}</ram:ChargeTotalAmount>"
        f"<ram:AllowanceTotalAmount>{f.allowances}</ram:AllowanceTotalAmount>"
        f"<ram:TaxBasisTotalAmount>{f.basis_total}</ram:TaxBasisTotalAmount>"
        f'<ram:TaxTotalAmount currencyID="{currency}">{f.vat_total}</ram:TaxTotalAmount>'
        f"<ram:GrandTotalAmount>{f.grand}</ram:GrandTotalAmount>"
        f"<ram:TotalPrepaidAmount>{invoice.prepaid}</ram:TotalPrepaidAmount>"
        f"<ram:DuePayableAmount>{f.due}</ram:DuePayableAmount>"
        f"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>{preceding}"
        "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
        "</rsm:CrossIndustryInvoice>\n"
    ).encode()


def _ubl_party(party: Seller, tag: str) -> str:
    identification = (
        f'<cac:PartyIdentification><cbc:ID schemeID="0009">{party.siret}</cbc:ID>'
        "</cac:PartyIdentification>"
        if party.siret
        else ""
    )
    vat = (
        f"<cac:PartyTaxScheme><cbc:CompanyID>{party.vat}</cbc:CompanyID>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
        if party.vat
        else ""
    )
    company = f'<cbc:CompanyID schemeID="0002">{party.siren}</cbc:CompanyID>' if party.siren else ""
    return (
        f"<cac:{tag}><cac:Party>{identification}<cac:PartyName><cbc:Name>{escape(party.name)}"
        "</cbc:Name></cac:PartyName><cac:PostalAddress>"
        f"<cbc:StreetName>{escape(party.street)}</cbc:StreetName>"
        f"<cbc:CityName>{escape(party.city)}</cbc:CityName>"
        f"<cbc:PostalZone>{party.postcode}</cbc:PostalZone><cac:Country>"
        f"<cbc:IdentificationCode>{party.country}</cbc:IdentificationCode></cac:Country>"
        f"</cac:PostalAddress>{vat}<cac:PartyLegalEntity><cbc:RegistrationName>"
        f"{escape(party.name)}</cbc:RegistrationName>{company}</cac:PartyLegalEntity>"
        f"</cac:Party></cac:{tag}>"
    )


def _ubl_tax_category(tag: str, category: str, rate: str) -> str:
    return (
        f"<cac:{tag}><cbc:ID>{category}</cbc:ID><cbc:Percent>{rate}</cbc:Percent>"
        f"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:{tag}>"
    )


def ubl(invoice: Invoice = Invoice(), *, customization: str = EN16931) -> bytes:
    """The invoice in UBL 2.1: an Invoice, or a CreditNote when its type code is 381."""
    f = figures(invoice)
    currency = invoice.currency
    credit = invoice.type_code == "381"
    root = "CreditNote" if credit else "Invoice"
    amount = f'currencyID="{currency}"'
    lines = "".join(
        f"<cac:{root}Line><cbc:ID>{line.line_id}</cbc:ID>"
        f'<cbc:{"Credited" if credit else "Invoiced"}Quantity unitCode="{line.unit}">'
        f"{line.quantity}</cbc:{'Credited' if credit else 'Invoiced'}Quantity>"
        f"<cbc:LineExtensionAmount {amount}>{f.nets[line.line_id]}</cbc:LineExtensionAmount>"
        + (
            f"<cac:OrderLineReference><cbc:LineID>{line.order_line}</cbc:LineID>"
            "</cac:OrderLineReference>"
            if line.order_line
            else ""
        )
        + (
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
            "<cbc:AllowanceChargeReason>Remise 5 %</cbc:AllowanceChargeReason>"
            f"<cbc:Amount {amount}>{line.allowance}</cbc:Amount></cac:AllowanceCharge>"
            if line.allowance
            else ""
        )
        + f"<cac:Item><cbc:Name>{escape(line.name)}</cbc:Name><cac:SellersItemIdentification>"
        f"<cbc:ID>{line.sku}</cbc:ID></cac:SellersItemIdentification>"
        + _ubl_tax_category("ClassifiedTaxCategory", line.category, line.rate)
        + f"</cac:Item><cac:Price><cbc:PriceAmount {amount}>{line.price}</cbc:PriceAmount>"
        + (
            f'<cbc:BaseQuantity unitCode="{line.unit}">{line.base_quantity}</cbc:BaseQuantity>'
            if line.base_quantity
            else ""
        )
        + f"</cac:Price></cac:{root}Line>"
        for line in invoice.lines
    )
    adjustments = "".join(
        f"<cac:AllowanceCharge><cbc:ChargeIndicator>{'true' if a.is_charge else 'false'}"
        f"</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>{a.code}"
        f"</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>{escape(a.reason)}"
        f"</cbc:AllowanceChargeReason><cbc:Amount {amount}>{a.amount}</cbc:Amount>"
        + _ubl_tax_category("TaxCategory", a.category, a.rate)
        + "</cac:AllowanceCharge>"
        for a in invoice.adjustments
    )
    subtotals = "".join(
        f"<cac:TaxSubtotal><cbc:TaxableAmount {amount}>{basis}</cbc:TaxableAmount>"
        f"<cbc:TaxAmount {amount}>{vat}</cbc:TaxAmount>"
        + _ubl_tax_category("TaxCategory", category, rate)
        + "</cac:TaxSubtotal>"
        for category, rate, basis, vat in f.breakdown
    )
    due = (
        f"<cbc:DueDate>{invoice.due_date}</cbc:DueDate>" if invoice.due_date and not credit else ""
    )
    billing = ""
    if invoice.preceding:
        number, issued = invoice.preceding
        billing = (
            f"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{number}</cbc:ID>"
            f"<cbc:IssueDate>{issued}</cbc:IssueDate></cac:InvoiceDocumentReference>"
            "</cac:BillingReference>"
        )
    order = (
        f"<cac:OrderReference><cbc:ID>{invoice.order}</cbc:ID></cac:OrderReference>"
        if invoice.order
        else ""
    )
    payment_due = (
        f"<cbc:PaymentDueDate>{invoice.due_date}</cbc:PaymentDueDate>"
        if invoice.due_date and credit
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"<cbc:CustomizationID>{customization}</cbc:CustomizationID>"
        "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>"
        f"<cbc:ID>{invoice.number}</cbc:ID><cbc:IssueDate>{invoice.issue_date}</cbc:IssueDate>"
        f"{due}<cbc:{root}TypeCode>{invoice.type_code}</cbc:{root}TypeCode>"
        "<cbc:Note>Option pour le paiement de la TVA d'après les débits.</cbc:Note>"
        f"<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>"
        f"<cbc:BuyerReference>ACHATS-2027</cbc:BuyerReference>{order}{billing}"
        f"{_ubl_party(invoice.seller, 'AccountingSupplierParty')}"
        f"{_ubl_party(invoice.buyer, 'AccountingCustomerParty')}"
        f"<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>{payment_due}"
        f"<cbc:PaymentID>{invoice.number}</cbc:PaymentID><cac:PayeeFinancialAccount>"
        f"<cbc:ID>{invoice.seller.iban}</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>"
        "<cac:PaymentTerms><cbc:Note>Paiement à 30 jours. Indemnité forfaitaire pour frais de "
        "recouvrement : 40 €.</cbc:Note></cac:PaymentTerms>"
        f"{adjustments}<cac:TaxTotal><cbc:TaxAmount {amount}>{f.vat_total}</cbc:TaxAmount>"
        f"{subtotals}</cac:TaxTotal><cac:LegalMonetaryTotal>"
        f"<cbc:LineExtensionAmount {amount}>{f.line_total}</cbc:LineExtensionAmount>"
        f"<cbc:TaxExclusiveAmount {amount}>{f.basis_total}</cbc:TaxExclusiveAmount>"
        f"<cbc:TaxInclusiveAmount {amount}>{f.grand}</cbc:TaxInclusiveAmount>"
        f"<cbc:AllowanceTotalAmount {amount}>{f.allowances}</cbc:AllowanceTotalAmount>"
        f"<cbc:ChargeTotalAmount {amount}>{f.charges}</cbc:ChargeTotalAmount>"
        f"<cbc:PrepaidAmount {amount}>{invoice.prepaid}</cbc:PrepaidAmount>"
        f"<cbc:PayableAmount {amount}>{f.due}</cbc:PayableAmount>"
        f"</cac:LegalMonetaryTotal>{lines}</{root}>\n"
    ).encode()


def plain_pdf(text: str = "Facture F2027-0456 - Papeterie du Rhone") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def pdf_with_attachment(name: str, content: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf())))
    writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
