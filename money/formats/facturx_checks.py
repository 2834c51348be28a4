"""What the schema does not check in a CII invoice: its arithmetic and the French mentions.

The Factur-X schema checks the structure only; an invoice whose totals do not add up, or whose
buyer has no SIREN, passes it. `check_invoice_xml` reads the XML again and lists, in plain words,
every rule below that it breaks (an empty list means none):

- EN 16931 arithmetic: each line's net amount is its quantity × net price rounded to the cent;
  the sum of the lines (BT-106) is the sum of their net amounts; each VAT breakdown's basis is
  the sum of the lines of its category and rate, and its VAT is basis × rate / 100 rounded to the
  cent; every category and rate of the lines has its breakdown; the tax basis (BT-109) is the
  sum of the lines less allowances plus charges; the VAT total (BT-110) is the sum of the VAT
  per rate; the grand total (BT-112) is the tax basis plus the VAT total; the amount due
  (BT-115) is the grand total less the prepaid amount (plus the rounding amount).
- French mentions: the billing framework (BT-23); the SIREN of the seller and of the buyer
  (legal organisation, scheme 0002); a ship-to party with its address; the payment terms text
  and due date; one note each for the 40 € recovery indemnity (PMT), the late penalty rate
  (PMD) and the early payment discount (AAB); the VAT-on-debits note (TXD) exactly when a VAT
  breakdown says VAT is due on the invoice date (code 5); a credit note names the invoice it
  corrects.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree
from stdnum.fr import siren as fr_siren

from money.amounts import to_cent
from money.formats.facturx import NAMESPACES

# The billing frameworks of the French rules (BR-FR-08): B goods, S services, M both.
BILLING_FRAMEWORKS = frozenset(
    {"B1", "S1", "M1", "B2", "S2", "M2", "B4", "S4", "M4", "S5", "S6", "B7", "S7"}
)
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"


class _Reader:
    """Reads texts and amounts from the XML, noting what is missing or unreadable."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.problems: list[str] = []

    def texts(self, path: str, within: Any = None) -> list[str]:
        found = (self.root if within is None else within).xpath(path, namespaces=NAMESPACES)
        return [str(item if isinstance(item, str) else (item.text or "")).strip() for item in found]

    def text(self, path: str, within: Any = None) -> str:
        texts = self.texts(path, within)
        return texts[0] if texts else ""

    def amount(self, path: str, what: str, within: Any = None, *, required: bool = True) -> Decimal:
        text = self.text(path, within)
        if not text:
            if required:
                self.problems.append(f"{what} is missing")
            return Decimal("0")
        try:
            return Decimal(text)
        except InvalidOperation:
            self.problems.append(f"{what} is not a number: {text!r}")
            return Decimal("0")


def check_invoice_xml(xml: bytes) -> list[str]:
    """Every arithmetic rule and French mention the CII invoice breaks, in plain words."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    reader = _Reader(root)
    _check_arithmetic(reader)
    _check_french_mentions(reader)
    return reader.problems


def _check_arithmetic(reader: _Reader) -> None:
    problems = reader.problems
    bases: dict[tuple[str, Decimal], Decimal] = {}
    line_sum = Decimal("0")
    for item in reader.root.xpath(
        "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
        namespaces=NAMESPACES,
    ):
        line_id = reader.text("ram:AssociatedDocumentLineDocument/ram:LineID", item)
        what = f"line {line_id}"
        quantity = reader.amount(
            "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", f"{what}: quantity", item
        )
        price_path = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
        price = reader.amount(f"{price_path}/ram:ChargeAmount", f"{what}: net price", item)
        per = reader.amount(f"{price_path}/ram:BasisQuantity", what, item, required=False) or 1
        settlement = "ram:SpecifiedLineTradeSettlement"
        net = reader.amount(
            f"{settlement}/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            f"{what}: net amount",
            item,
        )
        if net != to_cent(quantity * price / per):
            problems.append(
                f"{what}: net amount {net} is not quantity {quantity} × price {price} "
                f"= {to_cent(quantity * price / per)}"
            )
        category = reader.text(f"{settlement}/ram:ApplicableTradeTax/ram:CategoryCode", item)
        rate = reader.amount(
            f"{settlement}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
            f"{what}: VAT rate",
            item,
            required=category != "O",
        )
        key = (category, rate.normalize())
        bases[key] = bases.get(key, Decimal("0")) + net
        line_sum += net

    line_total = reader.amount(f"{_SUMMATION}/ram:LineTotalAmount", "sum of lines (BT-106)")
    if line_total != line_sum:
        problems.append(
            f"sum of lines (BT-106) {line_total} is not the sum of the lines' net amounts "
            f"{line_sum}"
        )
    vat_sum = _check_vat_breakdown(reader, bases)

    allowances = reader.amount(
        f"{_SUMMATION}/ram:AllowanceTotalAmount", "allowances", required=False
    )
    charges = reader.amount(f"{_SUMMATION}/ram:ChargeTotalAmount", "charges", required=False)
    tax_basis = reader.amount(f"{_SUMMATION}/ram:TaxBasisTotalAmount", "tax basis (BT-109)")
    if tax_basis != line_total - allowances + charges:
        problems.append(
            f"tax basis (BT-109) {tax_basis} is not the sum of lines {line_total} less "
            f"allowances {allowances} plus charges {charges}"
        )
    currency = reader.text(f"{_SETTLEMENT}/ram:InvoiceCurrencyCode")
    vat_total = reader.amount(
        f"{_SUMMATION}/ram:TaxTotalAmount[@currencyID='{currency}']",
        f"VAT total (BT-110) in {currency or 'the invoice currency'}",
    )
    if vat_total != vat_sum:
        problems.append(f"VAT total (BT-110) {vat_total} is not the sum of VAT per rate {vat_sum}")
    grand_total = reader.amount(f"{_SUMMATION}/ram:GrandTotalAmount", "grand total (BT-112)")
    if grand_total != tax_basis + vat_total:
        problems.append(
            f"grand total (BT-112) {grand_total} is not tax basis {tax_basis} + VAT {vat_total}"
        )
    prepaid = reader.amount(f"{_SUMMATION}/ram:TotalPrepaidAmount", "prepaid", required=False)
    rounding = reader.amount(f"{_SUMMATION}/ram:RoundingAmount", "rounding", required=False)
    due = reader.amount(f"{_SUMMATION}/ram:DuePayableAmount", "amount due (BT-115)")
    if due != grand_total - prepaid + rounding:
        problems.append(
            f"amount due (BT-115) {due} is not grand total {grand_total} less prepaid {prepaid}"
        )


def _check_vat_breakdown(reader: _Reader, bases: dict[tuple[str, Decimal], Decimal]) -> Decimal:
    """Checks each VAT breakdown against the lines; returns the sum of the VAT per rate."""
    vat_sum = Decimal("0")
    seen: set[tuple[str, Decimal]] = set()
    for tax in reader.root.xpath(f"{_SETTLEMENT}/ram:ApplicableTradeTax", namespaces=NAMESPACES):
        category = reader.text("ram:CategoryCode", tax)
        rate = reader.amount(
            "ram:RateApplicablePercent", "VAT breakdown rate", tax, required=category != "O"
        )
        what = f"VAT breakdown {category} {rate}%"
        basis = reader.amount("ram:BasisAmount", f"{what}: basis", tax)
        vat = reader.amount("ram:CalculatedAmount", f"{what}: VAT", tax)
        key = (category, rate.normalize())
        seen.add(key)
        if key not in bases:
            reader.problems.append(f"{what}: no line has this VAT category and rate")
        elif basis != bases[key]:
            reader.problems.append(
                f"{what}: basis {basis} is not the sum of its lines {bases[key]}"
            )
        if vat != to_cent(basis * rate / 100):
            reader.problems.append(
                f"{what}: VAT {vat} is not basis {basis} × {rate}% = {to_cent(basis * rate / 100)}"
            )
        vat_sum += vat
    for category, rate in sorted(set(bases) - seen):
        reader.problems.append(f"VAT category {category} at {rate}% of the lines has no breakdown")
    return vat_sum


def _check_french_mentions(reader: _Reader) -> None:
    problems = reader.problems
    framework = reader.text(
        "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    )
    if framework not in BILLING_FRAMEWORKS:
        problems.append(
            f"the nature of the operation (billing framework, BT-23) is missing or unknown: "
            f"{framework!r}"
        )
    for party, term in (("Seller", "BT-30"), ("Buyer", "BT-47")):
        siren = reader.text(
            f"{_AGREEMENT}/ram:{party}TradeParty/ram:SpecifiedLegalOrganization"
            "/ram:ID[@schemeID='0002']"
        )
        if not siren:
            problems.append(f"the {party.lower()}'s SIREN ({term}, scheme 0002) is missing")
        elif not fr_siren.is_valid(siren):
            problems.append(f"the {party.lower()}'s SIREN {siren!r} is not a valid SIREN")

    address = (
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery"
        "/ram:ShipToTradeParty/ram:PostalTradeAddress"
    )
    if not reader.root.xpath(address, namespaces=NAMESPACES):
        problems.append("the delivery address (ship-to party with its address) is missing")
    elif not all(
        reader.text(f"{address}/ram:{part}") for part in ("LineOne", "CityName", "CountryID")
    ):
        problems.append("the delivery address lacks its street, city or country")

    terms = f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
    if not reader.text(f"{terms}/ram:Description"):
        problems.append("the payment terms (BT-20) are missing")
    if not reader.text(f"{terms}/ram:DueDateDateTime/udt:DateTimeString"):
        problems.append("the due date (BT-9) is missing")

    notes = Counter(reader.texts("rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode"))
    for code, mention in (
        ("PMT", "the 40 € recovery indemnity"),
        ("PMD", "the late penalty rate"),
        ("AAB", "the early payment discount or its absence"),
    ):
        if notes[code] != 1:
            problems.append(f"{mention} is not one note with subject code {code}")
    indemnity = reader.text(
        "rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode='PMT']/ram:Content"
    )
    if notes["PMT"] and "40" not in indemnity:
        problems.append("the recovery indemnity note does not state its 40 €")
    on_debits = "5" in reader.texts(f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode")
    debits_note = any(
        "débits" in content.lower()
        for content in reader.texts(
            "rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode='TXD']/ram:Content"
        )
    )
    if on_debits and not debits_note:
        problems.append("VAT is due on debits (code 5) but no note (TXD) says the option")
    if debits_note and not on_debits:
        problems.append("a note (TXD) states VAT on debits but no VAT breakdown has code 5")

    if reader.text("rsm:ExchangedDocument/ram:TypeCode") == "381" and not reader.text(
        f"{_SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
    ):
        problems.append("the credit note does not name the invoice it corrects (BT-25)")
