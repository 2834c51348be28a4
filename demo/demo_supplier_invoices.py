"""The demo cooperative's suppliers paid: each supplier of the received batch sends its invoice
the day its goods arrived, billing what was received at the order's prices, in the format its
software writes (most in CII XML, the third in UBL XML, the fourth as a Factur-X PDF). One
supplier bills its first line dearer than ordered: the lead asks it for a credit note and the
credit note it sends three days later offsets the difference. A unit found damaged after the
members were invoiced, credited to its member, is recovered from its supplier: the lead tells
it, and its credit note for that unit comes the next day. The lead enters each supplier's bank
details and the administrator confirms them; a week before loading, one transfer file pays
every invoice less its credit notes, and the bank statement of the next day shows each
transfer debited. Every step through the use cases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from demo.demo_billing import OPENING_BALANCE
from demo.demo_supplier_files import EXTENSIONS, WRITERS, BilledLine, supplier_iban
from demo.demo_tenders import emails_sent
from money.bank_details import confirm_bank_details, propose_bank_details
from money.bank_import import import_bank_statement
from money.formats.camt_writer import StatementLine, statement_file
from money.models import MemberInvoice
from money.payables_models import TransferRun
from money.supplier_credit_request import request_credit_note
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_invoices import receive_supplier_invoice
from money.supplier_transfers import build_transfers
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.models import Allocation, Batch, DeliveryLine, PurchaseOrder, User
from purchasing.orders.orders import orders
from purchasing.people.cooperative import cooperative_record
from suppliers.models import Supplier

CENT = Decimal("0.01")
PRICE_SLIP = Decimal("0.08")  # how much dearer the supplier in exception bills its first line
SUPPLIER_BIC = "BNPAFRPPXXX"
# The format each supplier's software writes, by the order's rank in the batch; CII otherwise.
FORMAT_OF_RANK = {2: "ubl", 3: "facturx"}


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


def _receive(
    session: Session,
    lead: User,
    fmt: str,
    order: PurchaseOrder,
    number: str,
    issued: date,
    lines: list[BilledLine],
    *,
    received_at: datetime,
    corrects: tuple[str, date] | None = None,
) -> SupplierInvoice:
    """The supplier's invoice (or credit note) written in its format and received by the lead."""
    cooperative = cooperative_record(session)
    fee, due = (Decimal(0), None) if corrects else (order.delivery_fee, issued + timedelta(days=30))
    data = WRITERS[fmt](order.supplier, cooperative, number, issued, lines, order=order.number,
                        fee=fee, due=due, corrects=corrects)  # fmt: skip
    document = receive_supplier_invoice(session, data, f"{number}.{EXTENSIONS[fmt]}", actor=lead)
    # Stamped with the clock; the history says when the lead took it in.
    document.received_at = received_at
    return document


def settle_supplier_invoices(session: Session, lead: User, admin: User, today: date) -> None:
    """Receives, resolves and pays the received batch's supplier invoices as told in the
    module's docstring."""
    batch = session.scalars(select(Batch).order_by(Batch.id).limit(1)).one()
    made = sorted(orders(session, batch.id), key=lambda o: o.sequence)
    issued = today - timedelta(days=14)  # the day the goods arrived
    # The second supplier bills dearer: the first one's invoice already differs by the units
    # found damaged, which it does not bill.
    dearer = made[1] if len(made) > 1 else made[0]
    invoices: dict[int, tuple[SupplierInvoice, str]] = {}  # by order, with the file's format
    for rank, order in enumerate(made):
        lines = billed_lines(session, order)
        if not lines:
            continue
        slip = Decimal(0)
        if order is dearer:
            first = lines[0]
            slip = max((first.price * PRICE_SLIP).quantize(CENT), CENT)
            lines[0] = BilledLine(first.sku, first.name, first.quantity,
                                  first.price + slip, first.rate)  # fmt: skip
        fmt = FORMAT_OF_RANK.get(rank, "cii")
        number = f"F{issued:%Y%m}-{order.supplier_id:02d}{order.sequence:02d}"  # its own series
        invoice = _receive(session, lead, fmt, order, number, issued, lines,
                           received_at=_at(issued + timedelta(days=1), 9))  # fmt: skip
        invoices[order.id] = (invoice, fmt)
        if order is dearer:
            email = request_credit_note(session, invoice.id, actor=lead)
            emails_sent(session, [email.id], _at(issued + timedelta(days=1), 11))
            line = lines[0]
            credit_line = BilledLine(line.sku, f"Avoir : écart de prix sur {line.name}",
                                     line.quantity, slip, line.rate)  # fmt: skip
            _receive(session, lead, fmt, order, f"AV{issued:%Y%m}-{order.supplier_id:02d}01",
                     issued + timedelta(days=3), [credit_line],
                     received_at=_at(issued + timedelta(days=3), 14),
                     corrects=(number, issued))  # fmt: skip
    _recover_member_credits(session, lead, batch, made, invoices, today)
    _confirm_bank_details(session, lead, admin, made, issued)
    paid_on = today - timedelta(days=7)
    run = build_transfers(session, issued + timedelta(days=30), paid_on, actor=lead).run
    run.created_at = _at(paid_on, 10)
    session.flush()
    _debits_statement(session, lead, run)


def _recover_member_credits(
    session: Session,
    lead: User,
    batch: Batch,
    made: list[PurchaseOrder],
    invoices: dict[int, tuple[SupplierInvoice, str]],
    today: date,
) -> None:
    """Each unit credited to a member after invoicing is credited by its supplier: the lead
    tells the supplier by phone the day the member's credit note is issued, and the supplier's
    credit note for those units, naming its invoice, comes the next day."""
    order_line_of_offer = {line.offer_id: (order, line) for order in made for line in order.lines}
    serving = {
        need_id: order_line_of_offer[offer_id]
        for need_id, offer_id in session.execute(
            select(Allocation.need_id, Allocation.offer_id)
            .where(Allocation.batch_id == batch.id)
            .order_by(Allocation.id)
        )
        if offer_id in order_line_of_offer
    }
    notes = session.scalars(
        select(MemberInvoice)
        .where(MemberInvoice.batch_id == batch.id, MemberInvoice.kind == "credit_note")
        .order_by(MemberInvoice.id)
        .options(selectinload(MemberInvoice.lines))
    )
    for note in notes:
        for line in note.lines:
            if line.kind != "goods" or line.need_id not in serving:
                continue
            order, order_line = serving[line.need_id]
            invoice, fmt = invoices[order.id]
            credited_on = note.issue_date + timedelta(days=1)
            offer = order_line.offer
            credit = BilledLine(offer.supplier_ref,
                                f"Avoir : unité abîmée, {offer.product.name}", line.quantity,
                                order_line.unit_price, order_line.vat_rate)  # fmt: skip
            # The supplier's own series; 01 is the price correction's.
            number = f"AV{credited_on:%Y%m}-{order.supplier_id:02d}{10 + note.id:02d}"
            _receive(session, lead, fmt, order, number, credited_on, [credit],
                     received_at=_at(credited_on, 15),
                     corrects=(invoice.number, invoice.issue_date))  # fmt: skip


def _confirm_bank_details(
    session: Session, lead: User, admin: User, made: list[PurchaseOrder], issued: date
) -> None:
    """The lead enters each supplier's bank details from its invoice; the administrator checks
    them with the supplier on the phone and confirms them."""
    for supplier_id in sorted({order.supplier_id for order in made}):
        supplier = session.get(Supplier, supplier_id)
        assert supplier is not None
        proposal = propose_bank_details(session, supplier.id, supplier_iban(supplier),
                                        SUPPLIER_BIC, source="facture", actor=lead)  # fmt: skip
        confirm_bank_details(session, proposal.id, actor=admin)
        proposal.proposed_at = _at(issued + timedelta(days=1), 10)
        proposal.confirmed_at = _at(issued + timedelta(days=2), 9)


def _debits_statement(session: Session, lead: User, run: TransferRun) -> None:
    """The bank statement of the day the transfers left: each of the run's transfers debited,
    with its end-to-end id; the account then holds what the next statement opens with."""
    booked_on = run.execution_date
    lines = [
        StatementLine(
            booked_on=booked_on,
            amount=payment.amount,
            credit=False,
            bank_reference=f"DEMO-VIRSORT-{payment.id}",
            remittance=payment.remittance,
            counterparty_name=payment.supplier.name,
            counterparty_iban=payment.iban,
            end_to_end_id=payment.end_to_end_id,
        )
        for payment in sorted(run.payments, key=lambda p: p.id)
    ]
    data = statement_file(
        account_iban=cooperative_record(session).iban,
        statement_id=f"DEMO-{booked_on:%Y%m%d}-VIR",
        created_at=datetime.combine(booked_on + timedelta(days=1), time(6)),
        opening_balance=OPENING_BALANCE + run.total,
        lines=lines,
    )
    import_bank_statement(session, data, actor=lead)
