"""A batch's result on its page (for leads) and in the API: the suppliers' invoices beside the
members', the difference, and whether the batch is settled and why not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from money.batch_result import batch_result
from money.credit_notes import CorrectionValues, issue_credit_note
from money.invoicing import issue_batch_invoices
from money.models import MemberInvoice
from money.supplier_invoices import receive_supplier_invoice
from purchasing.people.tokens import create_token
from tests.conftest import page_words
from tests.money.billing_setup import COOPERATIVE, received_batch
from tests.money.supplier_invoice_files import cii_file, invoice_for
from web.i18n import money

TODAY = date(2027, 2, 1)


@pytest.fixture
def invoiced(session, make, sessions):
    """The received batch, its members invoiced, and one supplier's invoice received."""
    received = received_batch(session, make, sessions)
    issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead)
    paper = received.orders(session)[0]
    data = cii_file(invoice_for(paper, COOPERATIVE, number="FA-77"))
    receive_supplier_invoice(session, data, "fa-77.xml", actor=received.lead)
    session.commit()
    return received


def test_the_batch_page_shows_the_result_and_why_it_is_not_settled(
    session, invoiced, signed_in, app
):
    result = batch_result(session, invoiced.batch.id, actor=invoiced.lead)
    soap = invoiced.orders(session)[1]
    client = signed_in(invoiced.lead)
    words = page_words(client.get(f"/batches/{invoiced.batch.id}"))
    assert "Résultat du lot non soldé" in words
    assert f"La commande {soap.number} n’a pas encore de facture." in words
    assert "Le document FA-77 de Papeterie de l'Est n’est pas payé." in words
    assert f"facture fournisseur pas encore reçue, commande {soap.number}" in words
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        difference, total = (
            money(amount).replace("\u00a0", " ")
            for amount in (result.difference, result.members.total)
        )
    assert f"Écart HT : {difference}" in words
    assert total in words


def test_a_member_does_not_see_the_result(session, invoiced, signed_in):
    client = signed_in(invoiced.users[0])
    page = client.get(f"/batches/{invoiced.batch.id}")
    assert "Résultat du lot" not in page.get_data(as_text=True)


def test_the_api_carries_the_result_and_settled(session, invoiced, client):
    secret = create_token(session, "script", 90, actor=invoiced.lead).secret
    session.commit()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}
    body = client.get(f"/api/v1/batches/{invoiced.batch.id}", headers=headers).json
    result = batch_result(session, invoiced.batch.id, actor=invoiced.lead)
    assert body["settled"] is False
    assert Decimal(body["result"]["difference"]) == result.difference
    assert Decimal(body["result"]["supplier_total"]) == result.suppliers.total > 0
    assert Decimal(body["result"]["member_total"]) == result.members.total > 0
    assert any("FA-77" in reason for reason in body["result"]["unsettled"])
    explanations = body["result"]["explanations"]
    assert [(line["category"], Decimal(line["amount"])) for line in explanations] == [
        (line.category, line.amount) for line in result.explanations
    ]
    assert sum((Decimal(line["amount"]) for line in explanations), Decimal(0)) == (
        result.difference
    )
    soap = invoiced.orders(session)[1]
    assert f"facture fournisseur pas encore reçue, commande {soap.number}" in [
        line["text"] for line in explanations
    ]


def test_a_member_credit_note_not_recovered_is_named_on_the_page_and_in_the_api(
    session, invoiced, signed_in, client
):
    paper = invoiced.orders(session)[0]
    invoice, line = next(
        (invoice, line)
        for invoice in session.query(MemberInvoice).filter_by(batch_id=invoiced.batch.id)
        for line in invoice.lines
        if line.kind == "goods" and paper.number in line.name
    )
    note = issue_credit_note(session, invoice.number,
                             CorrectionValues({line.position: Decimal(1)}, "Unité abîmée"),
                             TODAY, actor=invoiced.lead)  # fmt: skip
    secret = create_token(session, "script", 90, actor=invoiced.lead).secret
    session.commit()
    said = (
        f"avoir membre {note.number} ({paper.supplier.name}) "
        "pas encore récupéré auprès du fournisseur"
    )
    words = page_words(signed_in(invoiced.lead).get(f"/batches/{invoiced.batch.id}"))
    assert said in words
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}
    body = client.get(f"/api/v1/batches/{invoiced.batch.id}", headers=headers).json
    [unrecovered] = [
        ln
        for ln in body["result"]["explanations"]
        if ln["category"] == "member_credit_not_recovered"
    ]
    assert (unrecovered["text"], Decimal(unrecovered["amount"])) == (said, -note.lines[0].net)
