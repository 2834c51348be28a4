"""A supplier's invoice in UN/CEFACT CII (Factur-X, ZUGFeRD 2, the XML of a French
e-invoice), read into a `ReceivedInvoice` once its schema has been checked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from money.formats.received_model import (
    CREDIT_NOTE_CODES,
    AllowanceCharge,
    DocumentKind,
    InvoiceLine,
    InvoiceRefused,
    InvoiceTotals,
    Party,
    ReceivedInvoice,
    Syntax,
    VatBreakdown,
)
from money.formats.received_values import (
    SIREN_SCHEME,
    SIRET_SCHEME,
    amount_at,
    cii_date,
    currency_of,
    decimal_of,
    party_of,
    rate_at,
    required,
    vat_category_of,
    vat_label,
)
from money.formats.xml_input import Fields, clean, quoted

TRADE = "SupplyChainTradeTransaction"
AGREEMENT = f"{TRADE}/ApplicableHeaderTradeAgreement"
SETTLEMENT = f"{TRADE}/ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/SpecifiedTradeSettlementHeaderMonetarySummation"
LINE_ITEM = f"{TRADE}/IncludedSupplyChainTradeLineItem"
HEADER_TAX = f"{SETTLEMENT}/ApplicableTradeTax"
HEADER_ALLOWANCE_CHARGE = f"{SETTLEMENT}/SpecifiedTradeAllowanceCharge"
LINE_ALLOWANCE_CHARGE = "SpecifiedLineTradeSettlement/SpecifiedTradeAllowanceCharge"
ZERO = Decimal(0)


def read_cii(root: Any, profile: str) -> ReceivedInvoice:
    """The invoice a CII document states, figures as written (they are checked apart)."""
    document = Fields(root, stop=frozenset({LINE_ITEM, HEADER_TAX, HEADER_ALLOWANCE_CHARGE}))
    type_code = required(document.text("ExchangedDocument/TypeCode"), "the type code (BT-3)")
    issue_date = cii_date(
        document, "ExchangedDocument/IssueDateTime/DateTimeString", "the issue date (BT-2)"
    )
    if issue_date is None:
        raise InvoiceRefused("the issue date (BT-2) is missing")
    currency = currency_of(document.text(f"{SETTLEMENT}/InvoiceCurrencyCode"))
    return ReceivedInvoice(
        kind=DocumentKind.CREDIT_NOTE if type_code in CREDIT_NOTE_CODES else DocumentKind.INVOICE,
        type_code=type_code,
        number=required(document.text("ExchangedDocument/ID"), "the invoice number (BT-1)"),
        issue_date=issue_date,
        due_date=cii_date(
            document,
            f"{SETTLEMENT}/SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString",
            "the due date (BT-9)",
        ),
        currency=currency,
        seller=_party(document, f"{AGREEMENT}/SellerTradeParty", "seller"),
        buyer=_party(document, f"{AGREEMENT}/BuyerTradeParty", "buyer"),
        buyer_reference=document.text(f"{AGREEMENT}/BuyerReference"),
        purchase_order_reference=document.text(
            f"{AGREEMENT}/BuyerOrderReferencedDocument/IssuerAssignedID"
        ),
        preceding_invoice_reference=document.text(
            f"{SETTLEMENT}/InvoiceReferencedDocument/IssuerAssignedID"
        ),
        preceding_invoice_date=cii_date(
            document,
            f"{SETTLEMENT}/InvoiceReferencedDocument/FormattedIssueDateTime/DateTimeString",
            "the preceding invoice's date (BT-26)",
        ),
        payment_reference=document.text(f"{SETTLEMENT}/PaymentReference"),
        payee_iban=document.text(
            f"{SETTLEMENT}/SpecifiedTradeSettlementPaymentMeans"
            "/PayeePartyCreditorFinancialAccount/IBANID"
        ),
        lines=tuple(
            _line(Fields(item, stop=frozenset({LINE_ALLOWANCE_CHARGE})), position)
            for position, item in enumerate(document.elements(LINE_ITEM), start=1)
        ),
        allowances_charges=tuple(
            _allowance_charge(Fields(element), "CategoryTradeTax", f"document {position}")
            for position, element in enumerate(document.elements(HEADER_ALLOWANCE_CHARGE), 1)
        ),
        vat_breakdown=tuple(_vat(Fields(tax)) for tax in document.elements(HEADER_TAX)),
        totals=_totals(document, currency),
        syntax=Syntax.CII,
        profile=profile,
    )


def _party(document: Fields, path: str, role: str) -> Party:
    """BT-27..31 for the seller, BT-44..48 for the buyer: the legal organisation's id
    (SIREN or SIRET by its scheme), a global id under scheme 0009 (a SIRET), and the tax
    registration under scheme VA (the VAT number)."""
    legal_ids = [
        (text, node.get("schemeID"))
        for node in document.elements(f"{path}/SpecifiedLegalOrganization/ID")
        if (text := clean(node.text))
    ]
    legal_ids += [
        (text, node.get("schemeID"))
        for node in document.elements(f"{path}/GlobalID")
        if node.get("schemeID") in (SIREN_SCHEME, SIRET_SCHEME) and (text := clean(node.text))
    ]
    vat_ids = [
        text
        for node in document.elements(f"{path}/SpecifiedTaxRegistration/ID")
        if node.get("schemeID") == "VA" and (text := clean(node.text))
    ]
    return party_of(
        role,
        document.text(f"{path}/Name"),
        legal_ids,
        vat_ids,
        document.text(f"{path}/PostalTradeAddress/CountryID"),
    )


def _line(item: Fields, position: int) -> InvoiceLine:
    line_id = item.text("AssociatedDocumentLineDocument/LineID") or str(position)
    where = f"line {line_id}"
    price = "SpecifiedLineTradeAgreement/NetPriceProductTradePrice"
    quantity_node = item.element("SpecifiedLineTradeDelivery/BilledQuantity")
    base_quantity = amount_at(item, f"{price}/BasisQuantity", f"{where}: BT-149", Decimal(1))
    if base_quantity <= 0:
        raise InvoiceRefused(f"{where}: the price is for {base_quantity} units (BT-149)")
    adjustments = [
        _allowance_charge(Fields(node), "CategoryTradeTax", where, line_level=True)
        for node in item.elements(LINE_ALLOWANCE_CHARGE)
    ]
    tax = "SpecifiedLineTradeSettlement/ApplicableTradeTax"
    return InvoiceLine(
        line_id=line_id,
        seller_item_id=item.text("SpecifiedTradeProduct/SellerAssignedID"),
        name=required(item.text("SpecifiedTradeProduct/Name"), f"{where}: the item name (BT-153)"),
        quantity=decimal_of(
            clean(quantity_node.text) if quantity_node is not None else None,
            f"{where}: the quantity (BT-129)",
        ),
        unit_code=clean(quantity_node.get("unitCode")) if quantity_node is not None else None,
        net_unit_price=amount_at(item, f"{price}/ChargeAmount", f"{where}: the net price (BT-146)"),
        price_base_quantity=base_quantity,
        line_allowances=sum((a.amount for a in adjustments if not a.is_charge), ZERO),
        line_charges=sum((a.amount for a in adjustments if a.is_charge), ZERO),
        line_net_amount=amount_at(
            item,
            "SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation"
            "/LineTotalAmount",
            f"{where}: the net amount (BT-131)",
        ),
        vat_category=vat_category_of(item.text(f"{tax}/CategoryCode"), where),
        vat_rate=rate_at(item, f"{tax}/RateApplicablePercent", f"{where}: VAT rate"),
        order_line_reference=item.text(
            "SpecifiedLineTradeAgreement/BuyerOrderReferencedDocument/LineID"
        ),
    )


def _allowance_charge(
    fields: Fields, tax: str, where: str, *, line_level: bool = False
) -> AllowanceCharge:
    """An allowance or a charge (ChargeIndicator false or true). At line level it has no VAT
    of its own: it takes the line's."""
    indicator = fields.text("ChargeIndicator/Indicator")
    if indicator not in ("true", "false", "1", "0"):
        raise InvoiceRefused(f"{where}: charge indicator {quoted(indicator)} is not true or false")
    kind = "charge" if indicator in ("true", "1") else "allowance"
    return AllowanceCharge(
        is_charge=kind == "charge",
        amount=amount_at(fields, "ActualAmount", f"{where}: the {kind} amount"),
        reason=fields.text("Reason"),
        reason_code=fields.text("ReasonCode"),
        vat_category=""
        if line_level
        else vat_category_of(fields.text(f"{tax}/CategoryCode"), f"{where} {kind}"),
        vat_rate=rate_at(fields, f"{tax}/RateApplicablePercent", f"{where}: VAT rate"),
    )


def _vat(tax: Fields) -> VatBreakdown:
    category = vat_category_of(tax.text("CategoryCode"), "VAT breakdown")
    rate = rate_at(tax, "RateApplicablePercent", "VAT breakdown rate (BT-119)")
    return VatBreakdown(
        category=category,
        rate=rate,
        basis=amount_at(tax, "BasisAmount", f"{vat_label(category, rate)}: the basis (BT-116)"),
        vat_amount=amount_at(
            tax, "CalculatedAmount", f"{vat_label(category, rate)}: the VAT (BT-117)"
        ),
        exemption_reason=tax.text("ExemptionReason"),
    )


def _totals(document: Fields, currency: str) -> InvoiceTotals:
    """BG-22. The VAT total is the one in the invoice's currency (a second one may be given in
    the currency VAT is accounted in, BT-111)."""
    vat_totals = [
        node
        for node in document.elements(f"{SUMMATION}/TaxTotalAmount")
        if node.get("currencyID") in (None, currency)
    ]
    return InvoiceTotals(
        line_total=amount_at(document, f"{SUMMATION}/LineTotalAmount", "the line total (BT-106)"),
        charge_total=amount_at(document, f"{SUMMATION}/ChargeTotalAmount", "BT-108", ZERO),
        allowance_total=amount_at(document, f"{SUMMATION}/AllowanceTotalAmount", "BT-107", ZERO),
        tax_basis_total=amount_at(
            document, f"{SUMMATION}/TaxBasisTotalAmount", "the total without VAT (BT-109)"
        ),
        vat_total=decimal_of(clean(vat_totals[0].text), "the VAT total (BT-110)")
        if vat_totals
        else ZERO,
        grand_total=amount_at(
            document, f"{SUMMATION}/GrandTotalAmount", "the total with VAT (BT-112)"
        ),
        prepaid=amount_at(document, f"{SUMMATION}/TotalPrepaidAmount", "BT-113", ZERO),
        rounding=amount_at(document, f"{SUMMATION}/RoundingAmount", "BT-114", ZERO),
        due=amount_at(document, f"{SUMMATION}/DuePayableAmount", "the amount due (BT-115)"),
    )
