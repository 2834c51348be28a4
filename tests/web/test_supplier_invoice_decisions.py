"""The match on a supplier invoice's page, in French, and the lead's decisions there: accept a
line, ask for a credit note, confirm a proposed order, refuse; the tolerances page."""

from __future__ import annotations

from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_match_models import SupplierMatchSettings
from purchasing.orders.deliveries import expected_by_site
from tests.conftest import page_words
from tests.money.matching_setup import deliver, file_for, receive, sent_orders
from tests.money.supplier_invoices import cii


def _status(session, invoice_id: int) -> str:
    session.expire_all()
    return session.get(SupplierInvoice, invoice_id).status


def test_the_lead_sees_the_exception_in_french_and_accepts_it(session, make, sessions, signed_in):
    approved, order = sent_orders(session, make, sessions)
    deliver(session, order, received="46")
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    client = signed_in(approved.lead)
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "prix 4,35 € au lieu de 4,15 € commandé ; facturé 50, reçu 46" in words
    assert "1 ligne en anomalie." in words
    assert "Tolérances : prix unitaire ±0,5 %, quantité +0." in words
    line = invoice.lines[0]
    answer = client.post(f"/supplier-invoices/{invoice.id}/lines/{line.id}/accept")
    assert answer.status_code == 302
    assert _status(session, invoice.id) == "to_pay"
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "Ligne 1 acceptée telle que facturée." in words
    assert "acceptée" in words and "Demander un avoir au fournisseur" not in words


def test_the_credit_note_request_is_queued_from_the_page_once(session, make, sessions, signed_in):
    approved, order = sent_orders(session, make, sessions)
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    client = signed_in(approved.lead)
    for _ in range(2):
        answer = client.post(f"/supplier-invoices/{invoice.id}/credit-note-request")
        assert answer.status_code == 302
    assert session.scalar(select(func.count(OutgoingEmail.id))) == 1
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "L’avoir est demandé à commandes@papeterie.example." in words
    # The page keeps saying what was asked, and whether the e-mail has gone.
    assert "Avoir demandé à commandes@papeterie.example le " in words
    assert "l’e-mail attend son envoi" in words
    email = session.scalars(select(OutgoingEmail)).one()
    email.status = "sent"
    session.commit()
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "l’e-mail est parti" in words and "attend son envoi" not in words


def test_an_invoice_for_an_unknown_order_proposes_it_and_the_lead_confirms(
    session, make, sessions, signed_in
):
    approved, order = sent_orders(session, make, sessions)
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, reference="BC-2099-0042")))
    client = signed_in(approved.lead)
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "Commandes qu’elle peut facturer, par date et montant :" in words
    assert order.number in words
    answer = client.post(f"/supplier-invoices/{invoice.id}/orders", data={"order_id": order.id})
    assert answer.status_code == 302
    assert _status(session, invoice.id) == "to_pay"


def test_refusing_needs_a_reason_and_stores_nothing_without(session, make, sessions, signed_in):
    approved, order = sent_orders(session, make, sessions)
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    client = signed_in(approved.lead)
    answer = client.post(f"/supplier-invoices/{invoice.id}/refuse", data={"reason": " "})
    assert answer.status_code == 302
    assert _status(session, invoice.id) == "exception"
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "Indiquez pourquoi la facture est refusée." in words
    client.post(f"/supplier-invoices/{invoice.id}/refuse", data={"reason": "Prix non conforme"})
    assert _status(session, invoice.id) == "refused"
    words = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert "Refusée : Prix non conforme" in words


def test_the_tolerances_page_refuses_bad_values_and_saves_good_ones(
    session, make, sessions, signed_in
):
    approved, _order = sent_orders(session, make, sessions)
    client = signed_in(approved.lead)
    page = client.get("/supplier-invoices/tolerances")
    assert page.status_code == 200 and 'value="0,5"' in page.get_data(as_text=True)
    refused = client.post(
        "/supplier-invoices/tolerances", data={"price_percent": "abc", "quantity_units": "0"}
    )
    assert refused.status_code == 422
    assert "Indiquez un pourcentage entre 0 et 50." in page_words(refused)
    assert session.scalar(select(func.count(SupplierMatchSettings.id))) == 0
    saved = client.post(
        "/supplier-invoices/tolerances", data={"price_percent": "1,5", "quantity_units": "2"}
    )
    assert saved.status_code == 302
    session.expire_all()
    row = session.get(SupplierMatchSettings, 1)
    assert (str(row.price_percent), str(row.quantity_units)) == ("1.50", "2.000")


def test_members_cannot_decide(session, make, sessions, signed_in):
    approved, order = sent_orders(session, make, sessions)
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    client = signed_in(approved.users[0])
    answer = client.post(f"/supplier-invoices/{invoice.id}/lines/{invoice.lines[0].id}/accept")
    assert answer.status_code == 403
    assert _status(session, invoice.id) == "exception"


def test_an_invoice_before_the_goods_agrees_once_the_delivery_is_recorded(
    session, make, sessions, signed_in
):
    approved, order = sent_orders(session, make, sessions)
    invoice = receive(session, approved.lead, cii(file_for(order)))
    assert invoice.status == "exception"  # nothing received yet
    client = signed_in(approved.lead)
    expected = expected_by_site(session, order)
    for site_id in sorted({site for site, _line in expected}):
        lines = [(line, units) for (site, line), units in expected.items() if site == site_id]
        data = {"site_id": site_id, "line_id": [line for line, _units in lines]}
        data |= {f"received-{line}": str(units) for line, units in lines}
        assert client.post(f"/orders/{order.id}/deliveries", data=data).status_code == 302
    assert _status(session, invoice.id) == "to_pay"
