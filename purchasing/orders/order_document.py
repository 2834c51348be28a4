"""A purchase order as its document: the cooperative as buyer, read from its record, and the
order read from the database into the plain data `infrastructure.order_documents` prints.

An order is issued when it first goes to its supplier (its e-mail sent, or recorded as sent by
hand): the bytes of its PDF and CSV are then kept with the buyer's identity of that moment
(`IssuedOrder`), and handed out as they are from then on, so that a later change of the
cooperative's record or of the catalog never changes a document the supplier holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from infrastructure.documents import Party
from infrastructure.order_documents import (
    OrderDocument,
    OrderLineData,
    SiteData,
    order_csv,
    order_pdf,
)
from infrastructure.orderx import orderx_pdf
from persistence import utcnow
from purchasing.models import IssuedOrder, PurchaseOrder
from purchasing.orders.orders import (
    DELIVERY_VAT_RATE,
    expected_at_sites,
    order_totals,
    sites_of,
)
from purchasing.people.cooperative import (
    buyer_party,
    cooperative_party,
    cooperative_record,
    identity,
)


def buyer(session: Session) -> Party:
    """The cooperative as the buyer that today's documents name (its record)."""
    return cooperative_party(session)


def _buyer_of(session: Session, order: PurchaseOrder) -> Party:
    """An issued order names the buyer as it was when issued; a draft, as it is now."""
    if order.issued is not None:
        return buyer_party(order.issued.buyer)
    return buyer(session)


def order_document(session: Session, order: PurchaseOrder, link: str = "") -> OrderDocument:
    """What the order's PDF and CSV show."""
    supplier = order.supplier
    lines = tuple(
        OrderLineData(
            reference=line.offer.supplier_ref,
            product=line.offer.product.name,
            packs=line.packs,
            pack_size=line.offer.pack_size,
            units=line.quantity,
            unit=line.offer.product.unit,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            total=line.line_total,
        )
        for line in order.lines
    )
    by_line = {line.id: line for line in order.lines}
    expected = expected_at_sites(session, order)
    sites = tuple(
        SiteData(
            member=site.member.name,
            site=site.name,
            street=site.address,
            postcode=site.postcode,
            town=site.town,
            units=tuple(
                (by_line[line_id].offer.supplier_ref, by_line[line_id].offer.product.name, units)
                for line_id, units in sorted(expected[site.id].items())
            ),
        )
        for site in sites_of(session, order)
    )
    return OrderDocument(
        number=order.number,
        ordered_on=order.ordered_on,
        expected_on=order.expected_on,
        buyer=_buyer_of(session, order),
        supplier=Party(
            name=supplier.name,
            siret=supplier.siret or "",
            address=supplier.address,
            postcode=supplier.postcode,
            town=supplier.town,
            contact=supplier.contact_name,
            email=supplier.contact_email,
            phone=supplier.phone,
        ),
        lines=lines,
        totals=order_totals(order),
        sites=sites,
        confirm_link=link,
        delivery_vat_rate=DELIVERY_VAT_RATE,
    )


@dataclass(frozen=True)
class OrderFiles:
    pdf: bytes
    csv: bytes
    pdf_name: str
    csv_name: str


def _named(order: PurchaseOrder, pdf: bytes, csv: bytes) -> OrderFiles:
    stem = re.sub(r"[^A-Za-z0-9-]", "", order.number)
    return OrderFiles(pdf=pdf, csv=csv, pdf_name=f"{stem}.pdf", csv_name=f"{stem}.csv")


def order_files(session: Session, order: PurchaseOrder, link: str = "") -> OrderFiles:
    """The order's PDF (an Order-X file: PDF/A-3 carrying its XML) and CSV with the file names
    they are downloaded or attached under: as issued once the order went to its supplier, drawn
    afresh (with `link`) while a draft."""
    # Asked of the database: the scheduler may have issued it since this session loaded it.
    issued = session.scalar(select(IssuedOrder).where(IssuedOrder.order_id == order.id))
    if issued is not None:
        return _named(order, issued.pdf, issued.csv)
    document = order_document(session, order, link)
    return _named(order, orderx_pdf(order_pdf(document), document), order_csv(document))


def issue_order(
    session: Session,
    order: PurchaseOrder,
    files: OrderFiles | None = None,
    now: datetime | None = None,
) -> IssuedOrder:
    """Keeps the order as it goes to its supplier: `files` (the ones sent), else drawn now,
    with the cooperative's identity of this moment. An order issued already keeps what it was
    issued with. Flushes; the caller commits."""
    if order.issued is not None:
        return order.issued
    files = files or order_files(session, order)
    order.issued = IssuedOrder(
        issued_at=now or utcnow(),
        buyer=identity(cooperative_record(session)),
        pdf=files.pdf,
        csv=files.csv,
    )
    session.flush()
    return order.issued
