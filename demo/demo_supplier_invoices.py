"""The demo cooperative's suppliers paid: each supplier of the received batch sends its invoice
as a CII XML file the day its goods arrived, billing what was received at the order's prices;
one supplier bills its first line dearer than ordered, the lead asks it for a credit note and
the credit note it sends three days later offsets the difference. The lead enters each
supplier's bank details and the administrator confirms them; a week before loading, one
transfer file pays every invoice less the credit note. Every step through the use cases."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from schwifty import IBAN
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from demo.demo_tenders import emails_sent
from money.bank_details import confirm_bank_details, propose_bank_details
from money.supplier_credit_request import request_credit_note
from money.supplier_invoices import receive_supplier_invoice
from money.supplier_transfers import build_transfers
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.models import Batch, Cooperative, DeliveryLine, PurchaseOrder, User
from purchasing.orders.orders import orders
from purchasing.people.cooperative import cooperative_record
from suppliers.models import Supplier

CENT = Decimal("0.01")
DELIVERY_RATE = Decimal("0.20")  # the delivery fee is billed at the standard rate
PRICE_SLIP = Decimal("0.08")  # how much dearer the supplier in exception bills its first line
SUPPLIER_BIC = "BNPAFRPPXXX"
CII = "urn:un:unece:uncefact:data:standard:"


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
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    items = []
    for position, line in enumerate(lines, 1):
        bases[line.rate] += line.net
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
        bases[DELIVERY_RATE] += fee
        charge = (
            "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true"
            f"</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>{_amount(fee)}"
            "</ram:ActualAmount><ram:ReasonCode>DL</ram:ReasonCode><ram:Reason>Frais de "
            "livraison</ram:Reason><ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode>"
            "<ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>"
            f"{_number(DELIVERY_RATE * 100)}</ram:RateApplicablePercent></ram:CategoryTradeTax>"
            "</ram:SpecifiedTradeAllowanceCharge>"
        )
    vats = {rate: (basis * rate).quantize(CENT, ROUND_HALF_UP) for rate, basis in bases.items()}
    taxes = "".join(
        f"<ram:ApplicableTradeTax><ram:CalculatedAmount>{_amount(vats[rate])}"
        f"</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>"
        f"{_amount(basis)}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>"
        f"<ram:RateApplicablePercent>{_number(rate * 100)}</ram:RateApplicablePercent>"
        "</ram:ApplicableTradeTax>"
        for rate, basis in sorted(bases.items())
    )
    line_total = sum((line.net for line in lines), Decimal(0))
    basis_total = line_total + fee
    vat_total = sum(vats.values(), Decimal(0))
    grand = basis_total + vat_total
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


def _received(session: Session, order: PurchaseOrder) -> dict[int, Decimal]:
    """The units of each order line that arrived (in good order or substituted)."""
    rows = session.execute(
        select(
            DeliveryLine.order_line_id,
            func.sum(DeliveryLine.received + DeliveryLine.substituted),
        )
        .where(DeliveryLine.order_line_id.in_([line.id for line in order.lines]))
        .group_by(DeliveryLine.order_line_id)
    ).all()
    return {line_id: Decimal(units or 0) for line_id, units in rows}


def billed_lines(session: Session, order: PurchaseOrder) -> list[BilledLine]:
    """What the supplier bills for `order`: each line's units received at the order's price."""
    received = _received(session, order)
    return [
        BilledLine(
            line.offer.supplier_ref,
            line.offer.description or line.offer.product.name,
            received[line.id],
            line.unit_price,
            line.vat_rate,
        )
        for line in order.lines
        if received.get(line.id)
    ]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), COOPERATIVE_TIMEZONE)


def settle_supplier_invoices(session: Session, lead: User, admin: User, today: date) -> None:
    """Receives, resolves and pays the received batch's supplier invoices as told in the
    module's docstring."""
    batch = session.scalars(select(Batch).order_by(Batch.id).limit(1)).one()
    made = sorted(orders(session, batch.id), key=lambda o: o.sequence)
    cooperative = cooperative_record(session)
    issued = today - timedelta(days=14)  # the day the goods arrived
    # The second supplier bills dearer: the first one's invoice already differs by the units
    # found damaged, which it does not bill.
    dearer = made[1] if len(made) > 1 else made[0]
    disputed = None
    for order in made:
        lines = billed_lines(session, order)
        if not lines:
            continue
        if order is dearer:
            first = lines[0]
            slip = max((first.price * PRICE_SLIP).quantize(CENT), CENT)
            lines[0] = BilledLine(first.sku, first.name, first.quantity,
                                  first.price + slip, first.rate)  # fmt: skip
        number = f"F{issued:%Y%m}-{order.supplier_id:02d}{order.sequence:02d}"  # its own series
        data = cii_invoice(order.supplier, cooperative, number, issued, lines,
                           order=order.number, fee=order.delivery_fee,
                           due=issued + timedelta(days=30))  # fmt: skip
        invoice = receive_supplier_invoice(session, data, f"{number}.xml", actor=lead)
        # Stamped with the clock; the history says the lead took them in the next morning.
        invoice.received_at = _at(issued + timedelta(days=1), 9)
        if order is dearer:
            disputed = (invoice, lines[0], number, slip)
    if disputed is not None:
        invoice, line, number, slip = disputed
        email = request_credit_note(session, invoice.id, actor=lead)
        emails_sent(session, [email.id], _at(issued + timedelta(days=1), 11))
        credit_line = BilledLine(line.sku, f"Avoir : écart de prix sur {line.name}",
                                 line.quantity, slip, line.rate)  # fmt: skip
        note_number = f"AV{issued:%Y%m}-{invoice.supplier_id:02d}01"
        data = cii_invoice(invoice.supplier, cooperative, note_number,
                           issued + timedelta(days=3), [credit_line],
                           order=dearer.number, corrects=(number, issued))  # fmt: skip
        note = receive_supplier_invoice(session, data, f"{note_number}.xml", actor=lead)
        note.received_at = _at(issued + timedelta(days=3), 14)
    # The lead enters each supplier's bank details from its invoice; the administrator checks
    # them with the supplier on the phone and confirms them.
    for supplier_id in sorted({order.supplier_id for order in made}):
        supplier = session.get(Supplier, supplier_id)
        assert supplier is not None
        proposal = propose_bank_details(session, supplier.id, supplier_iban(supplier),
                                        SUPPLIER_BIC, source="facture", actor=lead)  # fmt: skip
        confirm_bank_details(session, proposal.id, actor=admin)
        proposal.proposed_at = _at(issued + timedelta(days=1), 10)
        proposal.confirmed_at = _at(issued + timedelta(days=2), 9)
    paid_on = today - timedelta(days=7)
    run = build_transfers(session, issued + timedelta(days=30), paid_on, actor=lead).run
    run.created_at = _at(paid_on, 10)
    session.flush()
