"""Receiving suppliers' invoices: a Factur-X PDF, a CII or a UBL file written for the
cooperative's orders is stored with its lines, totals and orders; a duplicate, an unknown
seller, another buyer, wrong sums or a broken file are refused with one line, storing nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import money.supplier_invoices as receiving
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_invoices import (
    SupplierInvoiceLineValues,
    SupplierInvoiceValues,
    enter_supplier_invoice,
    order_references,
    receive_supplier_invoice,
)
from persistence.audit import AuditEvent
from purchasing.errors import Invalid, NotAllowed
from tests.money.billing_setup import COOPERATIVE
from tests.money.supplier_invoice_files import (
    buyer_of,
    cii_file,
    credit_note_for,
    facturx_file,
    invoice_for,
    plain_pdf_for,
    seller_of,
    ubl_file,
)
from tests.money.supplier_invoices import GERMAN_SELLER, Line


def _count(session) -> int:
    return session.scalar(select(func.count(SupplierInvoice.id))) or 0


def _refusal(session, data: bytes, lead, name: str = "facture.xml") -> str:
    before = _count(session)
    with pytest.raises(Invalid) as refused:
        receive_supplier_invoice(session, data, name, actor=lead)
    assert _count(session) == before
    assert list(refused.value.errors) in (["file"], ["number"])
    return refused.value.message.render()


def test_a_factur_x_invoice_for_an_order_is_received_with_its_lines_and_order(session, received):
    order = received.orders(session)[0]
    data = facturx_file(invoice_for(order, COOPERATIVE, number="FA-778"))
    invoice = receive_supplier_invoice(session, data, "C:\\scans\\FA-778.pdf", actor=received.lead)
    session.commit()
    assert (invoice.supplier_id, invoice.number, invoice.kind) == (
        order.supplier_id,
        "FA-778",
        "invoice",
    )
    # Matched at once against its order, received in full: to pay.
    assert (invoice.source, invoice.status, invoice.file_name) == (
        "facturx",
        "to_pay",
        "FA-778.pdf",
    )
    assert invoice.file == data and invoice.received_by_id == received.lead.id
    assert invoice.issue_date == date(2027, 1, 20) and invoice.due_date == date(2027, 2, 19)
    assert invoice.orders == [order] and invoice.order_references == order.number
    goods = [line for line in invoice.lines if line.kind == "goods"]
    assert [(line.seller_ref, line.quantity, line.unit_price, line.vat_rate, line.line_total)
            for line in goods] == [
        (ol.offer.supplier_ref, ol.quantity, ol.unit_price, ol.vat_rate, ol.line_total)
        for ol in order.lines
    ]  # fmt: skip
    fees = [line for line in invoice.lines if line.kind == "charge"]
    assert [(f.line_total, f.vat_rate) for f in fees] == [(order.delivery_fee, Decimal("0.2"))]
    # The lines add up to the total without VAT; the order's totals are the invoice's.
    assert sum(line.line_total for line in invoice.lines) == invoice.total_without_tax
    assert invoice.total_without_tax == order.total_excl_vat
    assert invoice.grand_total == order.total_incl_vat == invoice.amount_due
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supplier_invoice.receive")
    ).one()
    assert event.object_id == invoice.id and event.details["orders"] == [order.number]


@pytest.mark.parametrize(("write", "source"), [(cii_file, "cii"), (ubl_file, "ubl")])
def test_cii_and_ubl_invoices_are_received_alike(session, received, write, source):
    order = received.orders(session)[1]
    invoice = receive_supplier_invoice(
        session, write(invoice_for(order, COOPERATIVE)), f"x.{source}", actor=received.lead
    )
    assert invoice.source == source and invoice.orders == [order]
    assert invoice.grand_total == order.total_incl_vat


def test_the_same_number_twice_is_a_duplicate_whatever_the_file(session, received):
    order = received.orders(session)[0]
    invoice = invoice_for(order, COOPERATIVE, number="FA-1")
    receive_supplier_invoice(session, facturx_file(invoice), "a.pdf", actor=received.lead)
    # Another file, another syntax, other figures: the same supplier's number is taken.
    other = invoice_for(order, COOPERATIVE, number="FA-1", quantities={"PAP-A4": "1"})
    assert "already received: it is a duplicate" in _refusal(
        session, ubl_file(other), received.lead
    )
    # Another supplier may use the same number.
    second = received.orders(session)[1]
    receive_supplier_invoice(
        session, cii_file(invoice_for(second, COOPERATIVE, number="FA-1")), "b.xml", actor=None
    )
    assert _count(session) == 2


def test_the_unique_key_refuses_a_duplicate_received_meanwhile(session, received, monkeypatch):
    order = received.orders(session)[0]
    data = cii_file(invoice_for(order, COOPERATIVE, number="FA-2"))
    receive_supplier_invoice(session, data, "a.xml", actor=received.lead)
    # As if the first had not been committed yet when the second was checked.
    monkeypatch.setattr(receiving, "_check_not_received", lambda *args: None)
    assert "duplicate" in _refusal(session, data, received.lead)
    session.commit()
    assert _count(session) == 1


def test_a_seller_is_recognised_by_its_identifiers_never_by_its_name(session, received):
    order = received.orders(session)[0]
    supplier = order.supplier
    impostor = seller_of(supplier, siren="552100554", siret="55210055400013", vat=None)
    refusal = _refusal(
        session, cii_file(invoice_for(order, COOPERATIVE, seller=impostor)), received.lead
    )
    assert "No supplier has the SIREN 552100554" in refusal and supplier.name in refusal
    # A supplier abroad, known by its VAT number alone.
    supplier.vat_number = GERMAN_SELLER.vat
    session.flush()
    german = replace(GERMAN_SELLER, name=supplier.name)
    invoice = receive_supplier_invoice(
        session, ubl_file(invoice_for(order, COOPERATIVE, seller=german)), "de.xml", actor=None
    )
    assert invoice.supplier_id == supplier.id


def test_an_invoice_to_another_buyer_is_refused(session, received):
    order = received.orders(session)[0]
    other = buyer_of(COOPERATIVE, name="Autre SCIC", siren="552100554", siret=None, vat=None)
    refusal = _refusal(
        session, cii_file(invoice_for(order, COOPERATIVE, buyer=other)), received.lead
    )
    assert "is addressed to Autre SCIC (552100554), not to the cooperative (894127653)" in refusal


def test_wrong_sums_are_refused_with_the_figures(session, received):
    order = received.orders(session)[0]
    wrong = invoice_for(order, COOPERATIVE, stated={"grand_total": "1.00"})
    # The schema does not check sums: the Factur-X package embeds the wrong XML as readily.
    refusal = _refusal(session, facturx_file(wrong), received.lead, "f.pdf")
    assert refusal.startswith("f.pdf is not an invoice coachat can take:")
    assert "1.00" in refusal


def test_a_plain_pdf_is_to_be_entered_by_hand_and_a_corrupt_one_is_refused(session, received):
    order = received.orders(session)[0]
    plain = plain_pdf_for(invoice_for(order, COOPERATIVE))
    assert "enter the invoice by hand" in _refusal(session, plain, received.lead, "scan.pdf")
    broken = facturx_file(invoice_for(order, COOPERATIVE))[:5000]
    refusal = _refusal(session, broken, received.lead, "cut.pdf")
    assert "\n" not in refusal and refusal.startswith("cut.pdf")
    assert "\n" not in _refusal(session, b"\x00\xff garbage", received.lead)


def test_order_references_link_the_suppliers_orders_and_keep_the_others(session, received):
    papeterie, droguerie = received.orders(session)
    named = f"{papeterie.number} {droguerie.number} BC-2031-0999"
    invoice = receive_supplier_invoice(
        session, cii_file(invoice_for(papeterie, COOPERATIVE, order=named)), "x.xml", actor=None
    )
    # Another supplier's order is not linked; an unknown one stays as text for the match.
    assert invoice.orders == [papeterie]
    assert invoice.order_reference_list == [papeterie.number, droguerie.number, "BC-2031-0999"]
    assert order_references("commande 4512", "voir bc-2027-0003") == [
        "commande",
        "4512",
        "BC-2027-0003",
    ]


def test_a_credit_note_names_the_invoice_it_corrects(session, received):
    order = received.orders(session)[0]
    invoice = invoice_for(order, COOPERATIVE, number="FA-10")
    first = receive_supplier_invoice(session, ubl_file(invoice), "fa.xml", actor=None)
    note = credit_note_for(invoice, (Line("1", "PAP-A4", "Ramette", "2", "4.15"),), number="AV-3")
    credit = receive_supplier_invoice(session, ubl_file(note), "av.xml", actor=None)
    assert (credit.kind, credit.corrects_id, credit.corrected_number) == (
        "credit_note",
        first.id,
        "FA-10",
    )
    assert credit.grand_total == Decimal("9.96")


def test_a_member_may_not_receive_supplier_invoices(session, received):
    order = received.orders(session)[0]
    with pytest.raises(NotAllowed):
        receive_supplier_invoice(
            session, cii_file(invoice_for(order, COOPERATIVE)), "x.xml", actor=received.users[0]
        )


def _typed(order, **changes) -> SupplierInvoiceValues:
    line = order.lines[0]
    net = (line.quantity * line.unit_price).quantize(Decimal("0.01"))
    vat = (net * line.vat_rate).quantize(Decimal("0.01"))
    values = {
        "supplier_id": order.supplier_id,
        "number": "P-77",
        "issue_date": date(2027, 1, 20),
        "due_date": date(2027, 2, 19),
        "order_references": (order.number,),
        "lines": (
            SupplierInvoiceLineValues(
                description="Ramettes", quantity=line.quantity, unit_price=line.unit_price,
                vat_rate=line.vat_rate, seller_ref="PAP-A4",
            ),
        ),
        "total_without_tax": net,
        "tax_total": vat,
        "grand_total": net + vat,
        "file": plain_pdf_for(invoice_for(order, COOPERATIVE)),
        "file_name": "scan.pdf",
    }  # fmt: skip
    values.update(changes)
    return SupplierInvoiceValues(**values)


def test_an_invoice_typed_in_beside_its_pdf_is_stored(session, received):
    order = received.orders(session)[0]
    invoice = enter_supplier_invoice(session, _typed(order), actor=received.lead)
    assert (invoice.source, invoice.status, invoice.orders) == ("manual", "to_pay", [order])
    assert invoice.lines[0].line_total == invoice.total_without_tax
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supplier_invoice.enter")
    ).one()
    assert event.object_id == invoice.id


def test_a_typed_invoice_must_add_up_to_the_cent_and_be_new(session, received):
    order = received.orders(session)[0]
    good = _typed(order)
    with pytest.raises(Invalid) as refused:
        enter_supplier_invoice(
            session,
            _typed(order, total_without_tax=good.total_without_tax + Decimal("0.01"),
                   file=b"not a pdf", number=" "),
            actor=received.lead,
        )  # fmt: skip
    assert set(refused.value.errors) == {"total_without_tax", "grand_total", "file", "number"}
    with pytest.raises(Invalid) as refused:
        enter_supplier_invoice(
            session, _typed(order, grand_total=good.grand_total + 1), actor=received.lead
        )
    assert set(refused.value.errors) == {"grand_total"}
    assert _count(session) == 0
    enter_supplier_invoice(session, good, actor=received.lead)
    with pytest.raises(Invalid) as refused:
        enter_supplier_invoice(session, good, actor=received.lead)
    assert "duplicate" in refused.value.errors["number"].render()
    assert _count(session) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_order_of_the_demo_can_be_billed_in_each_format(loaded_demo, session):
    from purchasing.models import PurchaseOrder
    from purchasing.people.cooperative import cooperative_record

    before = _count(session)  # the demo's own supplier invoices
    cooperative = cooperative_record(session)
    orders = list(session.scalars(select(PurchaseOrder).order_by(PurchaseOrder.id)))
    writers = [facturx_file, cii_file, ubl_file]
    for index, order in enumerate(orders):
        data = writers[index % 3](invoice_for(order, cooperative, number=f"D-{order.number}"))
        invoice = receive_supplier_invoice(session, data, "demo", actor=None)
        assert invoice.orders == [order]
        assert invoice.total_without_tax == order.total_excl_vat
        assert invoice.grand_total == order.total_incl_vat
    assert _count(session) - before == len(orders) > 0
