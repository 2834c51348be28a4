"""Receiving suppliers' invoices: an electronic one read from its file (Factur-X, CII, UBL), or
one typed in by the lead beside its plain PDF.

Either way the invoice is refused, with one line saying why and nothing stored, when its seller
is no known supplier (recognised by SIRET, SIREN or VAT number, never by name), when it is not
addressed to the cooperative, when its figures do not add up as EN 16931 computes them, or when
the supplier's number was already received (a duplicate, whatever the file). Taken, it keeps
its file, its figures and lines, and is linked to the cooperative's purchase orders it names
that are the supplier's; other references stay on it as text. It is then `received`: the
match against orders and deliveries, run at once, decides what follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from money.formats.received import (
    DocumentKind,
    InvoiceRefused,
    PlainPdf,
    ReceivedInvoice,
    read_supplier_invoice,
)
from money.purchase_entries import post_purchase
from money.supplier_entry import (
    SupplierInvoiceLineValues,
    SupplierInvoiceValues,
    check_entry,
    check_storable,
    entered_lines,
    received_lines,
)
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceOrder
from money.supplier_matching import match_supplier_invoice
from money.supplier_parties import check_buyer_is_cooperative, recognise_supplier
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Invalid, Message
from purchasing.models import PurchaseOrder, User
from purchasing.permissions import RECEIVE_SUPPLIER_INVOICES, require
from suppliers.directory import supplier_by_id
from suppliers.models import Supplier

__all__ = [
    "PlainPdfRefused",
    "SupplierInvoiceLineValues",
    "SupplierInvoiceValues",
    "enter_supplier_invoice",
    "order_references",
    "receive_supplier_invoice",
]

# A purchase order's number as coachat writes it (BC-2027-0003), wherever the supplier put it.
ORDER_NUMBER = re.compile(r"\bBC-\d{4}-\d{4,}\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;]+")
SOURCES = {"CII": "cii", "UBL": "ubl"}


class PlainPdfRefused(Invalid):
    """A PDF without the invoice's XML: it is typed in by hand beside it."""

    def __init__(self, text: str, file_name: str) -> None:
        super().__init__({"file": Message(text, {"file": file_name})})


def receive_supplier_invoice(
    session: Session, data: bytes, file_name: str, *, actor: Actor | None
) -> SupplierInvoice:
    """Reads the supplier's invoice or credit note in `data` and stores it `received`, with
    its file. Refused (`Invalid` on `file`, nothing stored): a file that is not an EN 16931
    invoice whose figures add up, a plain PDF (to be typed in), an invoice in another currency
    than the euro, an unknown seller, a buyer that is not the cooperative, a number already
    received from that supplier. Flushes."""
    require(actor, RECEIVE_SUPPLIER_INVOICES)
    name = file_name_of(file_name)
    try:
        received = read_supplier_invoice(data)
    except PlainPdf:
        raise PlainPdfRefused(
            N_(
                "%(file)s is a PDF without the invoice's XML (Factur-X): enter the invoice by "
                "hand beside its PDF."
            ),
            name,
        ) from None
    except InvoiceRefused as error:
        raise _refused(
            N_("%(file)s is not an invoice coachat can take: %(reason)s."),
            file=name,
            reason=error.message,
        ) from None
    if received.currency != "EUR":
        raise _refused(
            N_("%(file)s is in %(currency)s: coachat keeps its books in euros."),
            file=name,
            currency=received.currency,
        )
    supplier = recognise_supplier(session, received.seller)
    check_buyer_is_cooperative(session, received.buyer)
    check_storable(received)
    kind = received.kind.value
    _check_not_received(session, supplier, received.number, kind, "file")
    references = order_references(received.purchase_order_reference, received.buyer_reference)
    invoice = SupplierInvoice(
        supplier_id=supplier.id,
        number=received.number,
        kind=kind,
        issue_date=received.issue_date,
        due_date=_due_date(received),
        currency=received.currency,
        buyer_reference=(received.buyer_reference or "")[:200],
        order_references=" ".join(references),
        corrected_number=(received.preceding_invoice_reference or "")[:60],
        total_without_tax=received.totals.tax_basis_total,
        tax_total=received.totals.vat_total,
        grand_total=received.totals.grand_total,
        amount_due=received.totals.due,
        payee_iban=(received.payee_iban or "")[:34],
        payment_reference=(received.payment_reference or "")[:140],
        source="facturx" if received.embedded_in_pdf else SOURCES[received.syntax.value],
        profile=received.profile[:200],
        file=bytes(data),
        file_name=name,
        status="received",
        received_by_id=_user_id(actor),
        lines=received_lines(received),
    )
    return _store(session, invoice, supplier, references, actor)


def enter_supplier_invoice(
    session: Session, values: SupplierInvoiceValues, *, actor: Actor | None
) -> SupplierInvoice:
    """Stores an invoice typed in by the lead from its plain PDF (kept as its file), with the
    same rules as a received file: its lines and totals add up to the cent, the supplier's
    number is new. `Invalid` names each wrong field; nothing is stored then. Flushes."""
    require(actor, RECEIVE_SUPPLIER_INVOICES)
    supplier = supplier_by_id(session, values.supplier_id)
    errors = check_entry(values)
    number = " ".join(values.number.split())
    if "number" not in errors and "kind" not in errors:
        try:
            _check_not_received(session, supplier, number, values.kind, "number")
        except Invalid as error:
            errors.update(error.errors)
    if errors:
        raise Invalid(errors)
    lines, totals = entered_lines(values)
    references = order_references(" ".join(values.order_references), None)
    invoice = SupplierInvoice(
        supplier_id=supplier.id,
        number=number,
        kind=values.kind,
        issue_date=values.issue_date,
        due_date=values.due_date,
        currency="EUR",
        order_references=" ".join(references),
        corrected_number=" ".join(values.corrected_number.split())[:60],
        total_without_tax=totals.total_without_tax,
        tax_total=totals.tax_total,
        grand_total=totals.grand_total,
        amount_due=totals.grand_total,
        source="manual",
        file=bytes(values.file),
        file_name=file_name_of(values.file_name),
        status="received",
        received_by_id=_user_id(actor),
        lines=lines,
    )
    return _store(session, invoice, supplier, references, actor)


def order_references(*texts: str | None) -> list[str]:
    """The purchase order numbers an invoice names, in order and once each: every coachat
    order number found anywhere in the texts (BT-13, BT-10), and whatever else the order
    reference (the first text) holds, kept as the supplier wrote it."""
    found: list[str] = []
    for position, text in enumerate(texts):
        if not text:
            continue
        numbers = [match.upper() for match in ORDER_NUMBER.findall(text)]
        if position == 0 and not numbers:
            numbers = [token[:60] for token in _SEPARATORS.split(text) if token]
        found.extend(number for number in numbers if number not in found)
    total = 0
    kept = []
    for number in found:  # the column holds 400 characters
        total += len(number) + 1
        if total > 400:
            break
        kept.append(number)
    return kept


def _store(
    session: Session,
    invoice: SupplierInvoice,
    supplier: Supplier,
    references: Iterable[str],
    actor: Actor | None,
) -> SupplierInvoice:
    orders = _orders_of(session, supplier, references)
    invoice.order_links = [SupplierInvoiceOrder(order_id=order.id) for order in orders]
    if invoice.kind == "credit_note" and invoice.corrected_number:
        invoice.corrects_id = session.scalar(
            select(SupplierInvoice.id).where(
                SupplierInvoice.supplier_id == supplier.id,
                SupplierInvoice.number == invoice.corrected_number,
                SupplierInvoice.kind == "invoice",
            )
        )
    try:
        with session.begin_nested():
            session.add(invoice)
            session.flush()
    except IntegrityError as error:
        # Received meanwhile by someone else: the unique key kept it the only one.
        text = str(error.orig)
        if "uq_supplier_invoice_supplier_id_number_kind" not in text and (
            "supplier_invoice.number" not in text
        ):
            raise
        raise _duplicate(supplier, invoice.number, invoice.kind, "file") from None
    # Received is recorded: in the purchases journal, in the same transaction.
    post_purchase(session, invoice)
    record_event(
        session,
        "supplier_invoice.receive" if invoice.source != "manual" else "supplier_invoice.enter",
        "supplier_invoice",
        invoice.id,
        actor=actor,
        supplier=supplier.name,
        number=invoice.number,
        kind=invoice.kind,
        source=invoice.source,
        grand_total=str(invoice.grand_total),
        orders=[order.number for order in orders],
    )
    # Checked against its orders and deliveries at once: the lead sees what to pay and why not.
    match_supplier_invoice(session, invoice.id, actor=actor)
    return invoice


def _orders_of(
    session: Session, supplier: Supplier, references: Iterable[str]
) -> list[PurchaseOrder]:
    """The supplier's purchase orders among the numbers named; another supplier's order is
    not linked (its number stays on the invoice as text)."""
    numbers = [number for number in references if ORDER_NUMBER.fullmatch(number)]
    if not numbers:
        return []
    return list(
        session.scalars(
            select(PurchaseOrder)
            .where(PurchaseOrder.number.in_(numbers), PurchaseOrder.supplier_id == supplier.id)
            .order_by(PurchaseOrder.id)
        )
    )


def _check_not_received(
    session: Session, supplier: Supplier, number: str, kind: str, field: str
) -> None:
    taken = session.scalar(
        select(SupplierInvoice.id).where(
            SupplierInvoice.supplier_id == supplier.id,
            SupplierInvoice.number == number,
            SupplierInvoice.kind == kind,
        )
    )
    if taken is not None:
        raise _duplicate(supplier, number, kind, field)


def _duplicate(supplier: Supplier, number: str, kind: str, field: str) -> Invalid:
    text = (
        N_("The credit note %(number)s of %(supplier)s was already received: it is a duplicate.")
        if kind == DocumentKind.CREDIT_NOTE.value
        else N_("The invoice %(number)s of %(supplier)s was already received: it is a duplicate.")
    )
    return Invalid({field: Message(text, {"number": number, "supplier": supplier.name})})


def _due_date(received: ReceivedInvoice) -> date | None:
    """The due date, unless the supplier wrote one before the issue date (kept out, so that
    the payment falls due on the terms instead)."""
    due = received.due_date
    return due if due is None or due >= received.issue_date else None


def file_name_of(file_name: str) -> str:
    """The file's own name, without a folder, on one line and at most 200 characters."""
    name = re.split(r"[\\/]", file_name or "")[-1]
    name = " ".join(name.split())
    return name[-200:] or "facture"


def _user_id(actor: Actor | None) -> int | None:
    return actor.id if isinstance(actor, User) else None


def _refused(text: str, **params: object) -> Invalid:
    return Invalid({"file": Message(text, dict(params))})
