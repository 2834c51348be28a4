"""A small batch whose orders are sent, and suppliers' invoices written for them as real files,
shared by the tests of the invoice match and of its pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from money.supplier_invoice_models import SupplierInvoice
from money.supplier_invoices import receive_supplier_invoice
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    expected_by_site,
    record_delivery,
)
from purchasing.orders.orders import mark_sent_by_hand
from tests.money.billing_setup import COOPERATIVE, with_cooperative
from tests.money.supplier_invoices import Adjustment, Invoice, Line, Seller
from tests.purchasing.orders_setup import Approved, approved_batch

D = Decimal
SELLER = Seller(name="PAPETERIE DE L'EST")
BUYER = Seller(
    name=COOPERATIVE["name"],
    siren=COOPERATIVE["siren"],
    siret=COOPERATIVE["siret"],
    vat=COOPERATIVE["vat_number"],
)


def sent_orders(session, make, sessions, **batch):
    """The batch's orders sent; paper (50 units at 4.15 €, fee 12.50 €) from a supplier known
    by the SIRET its invoices carry. Deliveries are recorded by each test."""
    return orders_sent(session, approved_batch(session, make, sessions, **batch))


def orders_sent(session, approved: Approved):
    """`sent_orders` from an approved batch already made (the `approved` fixture)."""
    with_cooperative(session)
    papeterie = approved.suppliers[0]
    papeterie.siret, papeterie.siren, papeterie.vat_number = (
        SELLER.siret, SELLER.siren, SELLER.vat,
    )  # fmt: skip
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.flush()
    order = next(o for o in approved.orders(session) if o.supplier_id == papeterie.id)
    return approved, order


def deliver(session, order, received: str | None = None) -> None:
    """Records the order's delivery: in full, or `received` units of its one line in all."""
    expected = expected_by_site(session, order)
    left = None if received is None else D(received)
    for site_id in sorted({site for site, _line in expected}):
        lines = []
        for (site, line_id), units in sorted(expected.items()):
            if site != site_id:
                continue
            got = units if left is None else min(units, left)
            if left is not None:
                left -= got
            lines.append(DeliveryLineValues(line_id, received=str(got), missing=str(units - got)))
        record_delivery(session, order.id, DeliveryValues(site_id=site_id, lines=lines), actor=None)
    session.flush()


def file_for(
    order,
    *,
    price: str = "4.15",
    quantity: str = "50",
    fee: str = "12.50",
    number: str = "F2027-0101",
    reference: str | None = None,
    **changes,
) -> Invoice:
    return Invoice(
        number=number,
        issue_date=(order.ordered_on + timedelta(days=3)).isoformat(),
        due_date=(order.ordered_on + timedelta(days=33)).isoformat(),
        seller=SELLER,
        buyer=BUYER,
        order=reference if reference is not None else order.number,
        lines=(Line("1", "PAP-A4", "Ramette A4 recyclée 80 g", quantity, price),),
        adjustments=(Adjustment(True, fee, "Frais de livraison", "DL"),),
        **changes,
    )


def receive(session, lead, data: bytes, name: str = "facture.xml") -> SupplierInvoice:
    invoice = receive_supplier_invoice(session, data, name, actor=lead)
    session.flush()
    session.expire_all()
    return session.get(SupplierInvoice, invoice.id)
