"""Purchase orders: one per supplier and batch, numbered without gaps per year, VAT by category."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence.audit import AuditEvent
from persistence.numbering import DocumentCounter, next_number
from purchasing.clock import cooperative_today
from purchasing.errors import Conflict, Invalid
from purchasing.models import Need, PurchaseOrder
from purchasing.orders.orders import (
    ORDER_SERIES,
    create_orders,
    mark_sent_by_hand,
    order_totals,
    orders_page,
    set_vat_rate,
    totals_of,
)
from tests.purchasing.orders_setup import approved_batch


def test_approving_a_batch_makes_one_order_per_supplier(session, approved):
    paper_order, soap_order = approved.orders(session)
    year = cooperative_today().year
    assert [paper_order.number, soap_order.number] == [f"BC-{year}-0001", f"BC-{year}-0002"]
    assert paper_order.supplier.name == "Papeterie de l'Est"
    (line,) = paper_order.lines
    assert (line.quantity, line.packs, line.unit_price) == (Decimal(50), 50, Decimal("4.15"))
    assert line.line_total == Decimal("207.50")
    assert paper_order.status == "draft"
    assert paper_order.delivery_fee >= Decimal("12.50")
    assert paper_order.expected_on > paper_order.ordered_on
    created = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.create")
    )
    assert created == 2


def test_orders_are_read_a_page_at_a_time_by_batch_supplier_or_status(session, approved):
    paper, soap = approved.orders(session)
    first = orders_page(session, per_page=1)
    assert [o.id for o in first.items] == [soap.id] and (first.total, first.pages) == (2, 2)
    assert [o.id for o in orders_page(session, page=2, per_page=1).items] == [paper.id]
    papeterie = approved.suppliers[0].id
    assert [o.id for o in orders_page(session, supplier_id=papeterie).items] == [paper.id]
    assert orders_page(session, batch_id=approved.batch.id).total == 2
    assert orders_page(session, batch_id=approved.batch.id + 1).total == 0
    mark_sent_by_hand(session, paper.id, actor=approved.lead)
    assert [o.id for o in orders_page(session, status="sent").items] == [paper.id]
    assert [o.id for o in orders_page(session, status="draft").items] == [soap.id]


def test_totals_add_up_to_the_cent_with_vat_by_rate():
    totals = totals_of(
        [(Decimal("207.50"), Decimal("0.20")), (Decimal("10.33"), Decimal("0.055"))],
        Decimal("12.50"),
    )
    assert totals.excl_vat == Decimal("230.33")
    rows = {row.rate: (row.base, row.vat) for row in totals.vat}
    assert rows[Decimal("0.2")] == (Decimal("220.00"), Decimal("44.00"))
    assert rows[Decimal("0.055")] == (Decimal("10.33"), Decimal("0.57"))
    assert totals.incl_vat == Decimal("274.90")


def test_the_lead_sets_a_categorys_vat_rate_and_unsent_orders_follow(session, approved):
    paper_order = approved.orders(session)[0]
    category_id = paper_order.lines[0].offer.product.category_id
    set_vat_rate(session, category_id, "5,5", actor=approved.lead)
    session.commit()
    session.refresh(paper_order)
    assert paper_order.lines[0].vat_rate == Decimal("0.055")
    assert paper_order.total_incl_vat == order_totals(paper_order).incl_vat
    with pytest.raises(Invalid) as refused:
        set_vat_rate(session, category_id, "19,6", actor=approved.lead)
    assert "vat_rate" in refused.value.errors


def test_making_orders_again_makes_no_more(session, approved):
    chosen = approved.batch.chosen
    again = create_orders(session, approved.batch, chosen.result, actor=None)
    assert len(again) == 2
    assert session.scalar(select(func.count(PurchaseOrder.id))) == 2


def test_an_approval_rolled_back_gives_its_numbers_back(session, make, sessions):
    year = cooperative_today().year
    assert next_number(session, ORDER_SERIES, year) == 1
    session.rollback()
    assert next_number(session, ORDER_SERIES, year) == 1
    assert next_number(session, ORDER_SERIES, year) == 2
    session.commit()
    assert session.get(DocumentCounter, (ORDER_SERIES, year)).last_number == 2


def test_sent_by_hand_moves_needs_and_batch_on_once(session, approved):
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    session.refresh(approved.batch)
    assert approved.batch.status == "ordered"
    statuses = set(session.scalars(select(Need.status)))
    assert statuses == {"ordered"}
    with pytest.raises(Conflict):
        mark_sent_by_hand(session, approved.orders(session)[0].id, actor=approved.lead)


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ")


def test_the_order_pdf_reads_back_with_its_number_lines_and_totals(session, make, sessions):
    from purchasing.orders.order_document import order_files
    from purchasing.people.cooperative import read_cooperative, update_cooperative

    record = {"name": "Coopérative Grand Est", "siret": "89412765300018"}
    update_cooperative(session, read_cooperative(record), actor=None)
    approved = approved_batch(session, make, sessions)
    order = approved.orders(session)[0]
    files = order_files(session, order, link="https://coachat.example/s/x")
    text = _pdf_text(files.pdf)
    assert files.pdf.startswith(b"%PDF")
    assert f"Bon de commande {order.number}" in text
    assert "Coopérative Grand Est" in text and "SIRET 89412765300018" in text
    assert "Papeterie de l'Est" in text
    assert "PAP-A4" in text and "Ramette A4 recyclée 80 g" in text
    assert "207,50 €" in text
    totals = order_totals(order)
    from infrastructure.documents import money_text

    assert f"Total HT {money_text(totals.excl_vat)} €" in text
    assert f"Total TTC {money_text(totals.incl_vat)} €" in text
    assert "TVA 20 %" in text
    assert "Atelier Vélo – Siège" in text and "Épicerie du Coin – Siège" in text
    assert files.pdf_name == f"{order.number}.pdf"


def test_the_order_csv_opens_in_a_french_spreadsheet(session, approved):
    from purchasing.orders.order_document import order_files

    order = approved.orders(session)[0]
    data = order_files(session, order).csv
    assert data.startswith("\ufeff".encode())
    rows = [row.split(";") for row in data.decode("utf-8-sig").splitlines()]
    assert rows[0][:5] == ["Bon de commande", "Date", "Fournisseur", "Référence", "Produit"]
    line = rows[1]
    assert line[0] == order.number and line[3] == "PAP-A4"
    assert line[6] == "50" and line[8] == "4,15" and line[10] == "207,50"
    total = next(row for row in rows if row[4] == "Total TTC")
    assert total[-1] == f"{order.total_incl_vat:.2f}".replace(".", ",")
