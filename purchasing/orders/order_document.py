"""A purchase order as its document: the cooperative as buyer, read from the configuration, and
the order read from the database into the plain data `infrastructure.documents` prints."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from infrastructure.documents import (
    OrderDocument,
    OrderLineData,
    Party,
    SiteData,
    order_csv,
    order_pdf,
)
from purchasing.models import PurchaseOrder
from purchasing.orders.orders import expected_at_sites, order_totals, sites_of

BUYER_DEFAULTS = {
    "COACHAT_COOPERATIVE_NAME": "Coopérative d'achats coachat",
    "COACHAT_COOPERATIVE_SIRET": "",
    "COACHAT_COOPERATIVE_ADDRESS": "",
    "COACHAT_COOPERATIVE_POSTCODE": "",
    "COACHAT_COOPERATIVE_TOWN": "",
    "COACHAT_COOPERATIVE_CONTACT": "",
    "COACHAT_COOPERATIVE_EMAIL": "",
    "COACHAT_COOPERATIVE_PHONE": "",
}


def buyer(environ: Mapping[str, str] | None = None) -> Party:
    """The cooperative as the buyer named on its orders (`COACHAT_COOPERATIVE_*` settings)."""
    env = os.environ if environ is None else environ

    def value(name: str) -> str:
        return env.get(name) or BUYER_DEFAULTS[name]

    return Party(
        name=value("COACHAT_COOPERATIVE_NAME"),
        siret=value("COACHAT_COOPERATIVE_SIRET"),
        address=value("COACHAT_COOPERATIVE_ADDRESS"),
        postcode=value("COACHAT_COOPERATIVE_POSTCODE"),
        town=value("COACHAT_COOPERATIVE_TOWN"),
        contact=value("COACHAT_COOPERATIVE_CONTACT"),
        email=value("COACHAT_COOPERATIVE_EMAIL"),
        phone=value("COACHAT_COOPERATIVE_PHONE"),
    )


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
            address=", ".join(
                part for part in (site.address, f"{site.postcode} {site.town}".strip()) if part
            ),
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
        buyer=buyer(),
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
    )


@dataclass(frozen=True)
class OrderFiles:
    pdf: bytes
    csv: bytes
    pdf_name: str
    csv_name: str


def order_files(session: Session, order: PurchaseOrder, link: str = "") -> OrderFiles:
    """The order's PDF and CSV with the file names they are downloaded or attached under."""
    document = order_document(session, order, link)
    stem = re.sub(r"[^A-Za-z0-9-]", "", order.number)
    return OrderFiles(
        pdf=order_pdf(document),
        csv=order_csv(document),
        pdf_name=f"{stem}.pdf",
        csv_name=f"{stem}.csv",
    )
