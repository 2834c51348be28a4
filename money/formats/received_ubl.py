"""A supplier's invoice or credit note in OASIS UBL 2.1 (EN 16931 syntax binding, as Peppol
and the French platforms exchange it), read into a `ReceivedInvoice` once its schema has been
checked."""

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
    currency_of,
    decimal_of,
    party_of,
    rate_at,
    required,
    ubl_date,
    vat_category_of,
    vat_label,
)
from money.formats.xml_input import Fields, clean, quoted

TOTAL = "LegalMonetaryTotal"
ZERO = Decimal(0)


def read_ubl(root: Any, customization: str) -> ReceivedInvoice:
    """The invoice or credit note a UBL document states, figures as written."""
    credit_note = root.tag.endswith("}CreditNote")
    prefix = "CreditNote" if credit_note else "Invoice"
    lines_path = f"{prefix}Line"
    document = Fields(
        root,
        stop=frozenset(
            {
                lines_path,
                "AllowanceCharge",
                "TaxTotal",
                "AccountingSupplierParty/Party/PartyTaxScheme",
                "AccountingCustomerParty/Party/PartyTaxScheme",
            }
        ),
    )
    type_code = required(document.text(f"{prefix}TypeCode"), "the type code (BT-3)")
    issue_date = ubl_date(document.text("IssueDate"), "the issue date (BT-2)")
    if issue_date is None:
        raise InvoiceRefused("the issue date (BT-2) is missing")
    currency = currency_of(document.text("DocumentCurrencyCode"))
    is_credit = credit_note or type_code in CREDIT_NOTE_CODES
    return ReceivedInvoice(
        kind=DocumentKind.CREDIT_NOTE if is_credit else DocumentKind.INVOICE,
        type_code=type_code,
        number=required(document.text("ID"), "the invoice number (BT-1)"),
        issue_date=issue_date,
        due_date=ubl_date(
            document.text("DueDate") or document.text("PaymentMeans/PaymentDueDate"),
            "the due date (BT-9)",
        ),
        currency=currency,
        seller=_party(document, "AccountingSupplierParty/Party", "seller"),
        buyer=_party(document, "AccountingCustomerParty/Party", "buyer"),
        buyer_reference=document.text("BuyerReference"),
        purchase_order_reference=document.text("OrderReference/ID"),
        preceding_invoice_reference=document.text("BillingReference/InvoiceDocumentReference/ID"),
        preceding_invoice_date=ubl_date(
            document.text("BillingReference/InvoiceDocumentReference/IssueDate"),
            "the preceding invoice's date (BT-26)",
        ),
        payment_reference=document.text("PaymentMeans/PaymentID"),
        payee_iban=document.text("PaymentMeans/PayeeFinancialAccount/ID"),
        lines=tuple(
            _line(Fields(line, stop=frozenset({"AllowanceCharge"})), prefix, position)
            for position, line in enumerate(document.elements(lines_path), start=1)
        ),
        allowances_charges=tuple(
            _allowance_charge(Fields(element), f"document {position}")
            for position, element in enumerate(document.elements("AllowanceCharge"), start=1)
        ),
        vat_breakdown=_vat_breakdown(document, currency),
        totals=_totals(document, currency),
        syntax=Syntax.UBL,
        profile=customization,
    )


def _party(document: Fields, path: str, role: str) -> Party:
    """BT-27..31 for the seller, BT-44..48 for the buyer: the legal entity's registration
    (SIREN or SIRET by its scheme), a party identification under scheme 0009 (a SIRET), and
    the tax scheme registration whose scheme is VAT."""
    legal_ids = [
        (text, node.get("schemeID"))
        for node in document.elements(f"{path}/PartyLegalEntity/CompanyID")
        if (text := clean(node.text))
    ]
    legal_ids += [
        (text, node.get("schemeID"))
        for node in document.elements(f"{path}/PartyIdentification/ID")
        if node.get("schemeID") in (SIREN_SCHEME, SIRET_SCHEME) and (text := clean(node.text))
    ]
    vat_ids = []
    for scheme in document.elements(f"{path}/PartyTaxScheme"):
        registration = Fields(scheme)
        company_id = registration.text("CompanyID")
        if company_id and (registration.text("TaxScheme/ID") or "").upper() == "VAT":
            vat_ids.append(company_id)
    name = document.text(f"{path}/PartyLegalEntity/RegistrationName") or document.text(
        f"{path}/PartyName/Name"
    )
    country = document.text(f"{path}/PostalAddress/Country/IdentificationCode")
    return party_of(role, name, legal_ids, vat_ids, country)


def _line(line: Fields, prefix: str, position: int) -> InvoiceLine:
    line_id = line.text("ID") or str(position)
    where = f"line {line_id}"
    quantity_node = line.element(
        "CreditedQuantity" if prefix == "CreditNote" else "InvoicedQuantity"
    )
    base_quantity = amount_at(line, "Price/BaseQuantity", f"{where}: BT-149", Decimal(1))
    if base_quantity <= 0:
        raise InvoiceRefused(f"{where}: the price is for {base_quantity} units (BT-149)")
    adjustments = [
        _allowance_charge(Fields(node), where, line_level=True)
        for node in line.elements("AllowanceCharge")
    ]
    return InvoiceLine(
        line_id=line_id,
        seller_item_id=line.text("Item/SellersItemIdentification/ID"),
        name=required(line.text("Item/Name"), f"{where}: the item name (BT-153)"),
        quantity=decimal_of(
            clean(quantity_node.text) if quantity_node is not None else None,
            f"{where}: the quantity (BT-129)",
        ),
        unit_code=clean(quantity_node.get("unitCode")) if quantity_node is not None else None,
        net_unit_price=amount_at(line, "Price/PriceAmount", f"{where}: the net price (BT-146)"),
        price_base_quantity=base_quantity,
        line_allowances=sum((a.amount for a in adjustments if not a.is_charge), ZERO),
        line_charges=sum((a.amount for a in adjustments if a.is_charge), ZERO),
        line_net_amount=amount_at(line, "LineExtensionAmount", f"{where}: net amount (BT-131)"),
        vat_category=vat_category_of(line.text("Item/ClassifiedTaxCategory/ID"), where),
        vat_rate=rate_at(line, "Item/ClassifiedTaxCategory/Percent", f"{where}: VAT rate"),
        order_line_reference=line.text("OrderLineReference/LineID"),
    )


def _allowance_charge(fields: Fields, where: str, *, line_level: bool = False) -> AllowanceCharge:
    """An allowance or a charge (ChargeIndicator false or true). At line level it has no VAT
    of its own: it takes the line's."""
    indicator = fields.text("ChargeIndicator")
    if indicator not in ("true", "false", "1", "0"):
        raise InvoiceRefused(f"{where}: charge indicator {quoted(indicator)} is not true or false")
    kind = "charge" if indicator in ("true", "1") else "allowance"
    return AllowanceCharge(
        is_charge=kind == "charge",
        amount=amount_at(fields, "Amount", f"{where}: the {kind} amount"),
        reason=fields.text("AllowanceChargeReason"),
        reason_code=fields.text("AllowanceChargeReasonCode"),
        vat_category=""
        if line_level
        else vat_category_of(fields.text("TaxCategory/ID"), f"{where} {kind}"),
        vat_rate=rate_at(fields, "TaxCategory/Percent", f"{where}: VAT rate"),
    )


def _tax_total(document: Fields, currency: str) -> Fields | None:
    """The TaxTotal in the invoice's currency (a second one may give the VAT in the currency
    VAT is accounted in, BT-111, without breakdown)."""
    for element in document.elements("TaxTotal"):
        total = Fields(element, stop=frozenset({"TaxSubtotal"}))
        node = total.element("TaxAmount")
        if node is not None and node.get("currencyID") in (None, currency):
            return total
    return None


def _vat_breakdown(document: Fields, currency: str) -> tuple[VatBreakdown, ...]:
    total = _tax_total(document, currency)
    if total is None:
        return ()
    breakdown = []
    for element in total.elements("TaxSubtotal"):
        subtotal = Fields(element)
        category = vat_category_of(subtotal.text("TaxCategory/ID"), "VAT breakdown")
        rate = rate_at(subtotal, "TaxCategory/Percent", "VAT breakdown rate (BT-119)")
        label = vat_label(category, rate)
        breakdown.append(
            VatBreakdown(
                category=category,
                rate=rate,
                basis=amount_at(subtotal, "TaxableAmount", f"{label}: the basis (BT-116)"),
                vat_amount=amount_at(subtotal, "TaxAmount", f"{label}: the VAT (BT-117)"),
                exemption_reason=subtotal.text("TaxCategory/TaxExemptionReason"),
            )
        )
    return tuple(breakdown)


def _totals(document: Fields, currency: str) -> InvoiceTotals:
    tax_total = _tax_total(document, currency)
    return InvoiceTotals(
        line_total=amount_at(document, f"{TOTAL}/LineExtensionAmount", "the line total (BT-106)"),
        charge_total=amount_at(document, f"{TOTAL}/ChargeTotalAmount", "BT-108", ZERO),
        allowance_total=amount_at(document, f"{TOTAL}/AllowanceTotalAmount", "BT-107", ZERO),
        tax_basis_total=amount_at(
            document, f"{TOTAL}/TaxExclusiveAmount", "the total without VAT (BT-109)"
        ),
        vat_total=amount_at(tax_total, "TaxAmount", "the VAT total (BT-110)", ZERO)
        if tax_total is not None
        else ZERO,
        grand_total=amount_at(
            document, f"{TOTAL}/TaxInclusiveAmount", "the total with VAT (BT-112)"
        ),
        prepaid=amount_at(document, f"{TOTAL}/PrepaidAmount", "BT-113", ZERO),
        rounding=amount_at(document, f"{TOTAL}/PayableRoundingAmount", "BT-114", ZERO),
        due=amount_at(document, f"{TOTAL}/PayableAmount", "the amount due (BT-115)"),
    )
