"""Suppliers' invoices on the lead's pages, through the API and on the command line: files
received several at once, each with its result or its reason; a plain PDF typed in beside it;
the list, one invoice and its file."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from money.supplier_invoice_models import SupplierInvoice, WaitingPdf
from persistence.audit import AuditEvent
from purchasing.people.tokens import create_token
from tests.conftest import page_words
from tests.money.billing_setup import COOPERATIVE, received_batch
from tests.money.supplier_invoice_files import (
    cii_file,
    facturx_file,
    invoice_for,
    plain_pdf_for,
    seller_of,
    ubl_file,
)
from web.cli import main


@pytest.fixture
def received(session, make, sessions):
    return received_batch(session, make, sessions)


def _count(session, model=SupplierInvoice) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_lead_receives_several_files_at_once_each_with_its_result(session, received, signed_in):
    papeterie, droguerie = received.orders(session)
    client = signed_in(received.lead)
    unknown = seller_of(papeterie.supplier, siret="55210055400013", siren=None, vat=None)
    files = [
        (io.BytesIO(facturx_file(invoice_for(papeterie, COOPERATIVE, number="FA-1"))), "fa-1.pdf"),
        (io.BytesIO(ubl_file(invoice_for(droguerie, COOPERATIVE, number="D-9"))), "d-9.xml"),
        (io.BytesIO(cii_file(invoice_for(papeterie, COOPERATIVE, seller=unknown))), "x.xml"),
        (io.BytesIO(plain_pdf_for(invoice_for(papeterie, COOPERATIVE))), "scan.pdf"),
    ]
    answer = client.post(
        "/supplier-invoices/", data={"files": files}, content_type="multipart/form-data"
    )
    assert answer.status_code == 200
    words = page_words(answer)
    assert "fa-1.pdf : reçue comme facture FA-1 de Papeterie de l'Est" in words
    assert "d-9.xml : reçue comme facture D-9 de Droguerie Verte" in words
    assert "x.xml : refusé : Aucun fournisseur n’a le SIREN 552100554" in words
    assert "scan.pdf est un PDF sans le XML de la facture" in words
    assert _count(session) == 2 and _count(session, WaitingPdf) == 1
    # Matched as they were received, against orders received in full: to pay.
    listing = page_words(client.get("/supplier-invoices/?status=to_pay"))
    assert "FA-1" in listing and "D-9" in listing
    assert "scan.pdf" in page_words(client.get("/supplier-invoices/"))
    assert "FA-1" not in page_words(client.get("/supplier-invoices/?status=paid"))
    invoice = session.scalars(select(SupplierInvoice).where(SupplierInvoice.number == "FA-1")).one()
    shown = page_words(client.get(f"/supplier-invoices/{invoice.id}"))
    assert papeterie.number in shown and "Frais de livraison" in shown and "PAP-A4" in shown
    file = client.get(f"/supplier-invoices/{invoice.id}/file")
    assert file.data == invoice.file and file.headers["Content-Disposition"].startswith(
        "attachment"
    )


def test_files_all_refused_store_nothing_and_answer_422(session, received, signed_in):
    order = received.orders(session)[0]
    client = signed_in(received.lead)
    data = cii_file(invoice_for(order, COOPERATIVE, stated={"vat_total": "1.00"}))
    answer = client.post(
        "/supplier-invoices/",
        data={"files": [(io.BytesIO(data), "faux.xml"), (io.BytesIO(b"%PDF-1.7 cut"), "cut.pdf")]},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    words = page_words(answer)
    assert "faux.xml : refusé : faux.xml n’est pas une facture que coachat peut prendre" in words
    assert "cut.pdf : refusé" in words
    assert _count(session) == 0 and _count(session, WaitingPdf) == 0
    assert client.post("/supplier-invoices/", data={}).status_code == 422


def test_a_plain_pdf_is_typed_in_beside_it(session, received, signed_in):
    order = received.orders(session)[0]
    client = signed_in(received.lead)
    pdf = plain_pdf_for(invoice_for(order, COOPERATIVE))
    client.post(
        "/supplier-invoices/",
        data={"files": [(io.BytesIO(pdf), "scan.pdf")]},
        content_type="multipart/form-data",
    )
    waiting = session.scalars(select(WaitingPdf)).one()
    form = client.get(f"/supplier-invoices/pdfs/{waiting.id}/enter")
    assert form.status_code == 200
    assert f'src="/supplier-invoices/pdfs/{waiting.id}/file"' in form.text
    framed = client.get(f"/supplier-invoices/pdfs/{waiting.id}/file")
    assert framed.data == pdf and framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    line = order.lines[0]
    typed = {
        "supplier_id": str(order.supplier_id),
        "kind": "invoice",
        "number": "P-12",
        "issue_date": "20/01/2027",
        "due_date": "19/02/2027",
        "order_references": order.number,
        "lines-0-kind": "goods",
        "lines-0-description": "Ramettes",
        "lines-0-quantity": str(line.quantity),
        "lines-0-unit_price": str(line.unit_price).replace(".", ","),
        "lines-0-vat_rate": "20",
        "total_without_tax": str(line.line_total),
        "tax_total": "0",
        "grand_total": str(line.line_total),
    }
    refused = client.post(f"/supplier-invoices/pdfs/{waiting.id}/enter", data=typed)
    assert refused.status_code == 422 and "La TVA de ces lignes est" in page_words(refused)
    assert _count(session) == 0
    vat = (line.line_total * line.vat_rate).quantize(line.line_total)
    typed.update(tax_total=str(vat), grand_total=str(line.line_total + vat))
    saved = client.post(f"/supplier-invoices/pdfs/{waiting.id}/enter", data=typed)
    assert saved.status_code == 302
    invoice = session.scalars(select(SupplierInvoice)).one()
    assert (invoice.source, invoice.file, invoice.orders) == ("manual", pdf, [order])
    assert _count(session, WaitingPdf) == 0


def test_a_member_does_not_see_suppliers_invoices(session, received, signed_in):
    client = signed_in(received.users[0])
    assert client.get("/supplier-invoices/").status_code == 403


def test_the_api_receives_lists_and_shows_an_invoice(session, received, client):
    order = received.orders(session)[0]
    secret = create_token(session, "script", 90, actor=received.lead).secret
    member = create_token(session, "script", 90, actor=received.users[0]).secret
    session.commit()
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}
    data = ubl_file(invoice_for(order, COOPERATIVE, number="U-5"))
    answer = client.post(
        "/api/v1/supplier-invoices",
        data={"file": (io.BytesIO(data), "u-5.xml")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert (body["number"], body["source"], body["orders"]) == ("U-5", "ubl", [order.number])
    assert body["grand_total"] == str(order.total_incl_vat) and len(body["lines"]) == 2
    again = client.post(
        "/api/v1/supplier-invoices",
        data={"file": (io.BytesIO(data), "u-5.xml")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert again.status_code == 422 and "doublon" in again.json["error"]["fields"]["file"]
    listed = client.get("/api/v1/supplier-invoices?status=to_pay", headers=headers).json
    assert [item["number"] for item in listed["items"]] == ["U-5"]
    one = client.get(f"/api/v1/supplier-invoices/{body['id']}", headers=headers)
    assert one.status_code == 200 and one.json["lines"][0]["seller_ref"] == "PAP-A4"
    assert client.get("/api/v1/supplier-invoices/999999", headers=headers).status_code == 404
    refused = client.get("/api/v1/supplier-invoices", headers={"Authorization": f"Bearer {member}"})
    assert refused.status_code == 403
    assert _count(session) == 1


def test_the_command_receives_each_file_and_fails_when_any_is_refused(
    session, received, database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", database_url)
    order = received.orders(session)[0]
    good, bad = tmp_path / "F-7.pdf", tmp_path / "scan.pdf"
    good.write_bytes(facturx_file(invoice_for(order, COOPERATIVE, number="F-7")))
    bad.write_bytes(plain_pdf_for(invoice_for(order, COOPERATIVE)))
    runner = CliRunner()
    result = runner.invoke(main, ["supplier-invoices", "import", str(good), str(bad)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{good}: received as #") and "F-7 of Papeterie de l'Est" in lines[0]
    assert lines[1].startswith(f"{bad}: refused: scan.pdf is a PDF without the invoice's XML")
    assert _count(session) == 1
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supplier_invoice.receive")
    ).one()
    assert event.details["by"] == "command line"
    again = runner.invoke(main, ["supplier-invoices", "import", str(good)])
    assert again.exit_code == 1 and "duplicate" in again.output
    listed = runner.invoke(main, ["supplier-invoices", "list", "--status", "to_pay"])
    assert listed.exit_code == 0 and "\tF-7\t" in listed.output
    invoice_id = session.scalars(select(SupplierInvoice.id)).one()
    shown = runner.invoke(main, ["supplier-invoices", "show", str(invoice_id), "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["orders"] == [order.number]
    missing = runner.invoke(main, ["supplier-invoices", "show", "999999"])
    assert missing.exit_code == 1


def test_a_line_typed_wrong_is_marked_on_its_row(session, received, signed_in):
    order = received.orders(session)[0]
    client = signed_in(received.lead)
    pdf = plain_pdf_for(invoice_for(order, COOPERATIVE))
    client.post(
        "/supplier-invoices/",
        data={"files": [(io.BytesIO(pdf), "scan.pdf")]},
        content_type="multipart/form-data",
    )
    waiting = session.scalars(select(WaitingPdf)).one()
    typed = {
        "supplier_id": str(order.supplier_id),
        "kind": "invoice",
        "number": "P-12",
        "issue_date": "20/01/2027",
        # A blank row first: the message goes to the row typed in, the third.
        "lines-2-kind": "goods",
        "lines-2-description": "Ramettes",
        "lines-2-quantity": "cinquante",
        "lines-2-unit_price": "4,15",
        "lines-2-vat_rate": "20",
        "total_without_tax": "207,50",
        "tax_total": "41,50",
        "grand_total": "249,00",
    }
    answer = client.post(f"/supplier-invoices/pdfs/{waiting.id}/enter", data=typed)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'aria-describedby="lines-2-quantity-error"' in page
    error = '<div id="lines-2-quantity-error"><p class="error" role="alert">Indiquez un nombre'
    assert error in page
    assert 'aria-label="Quantité, ligne 3"' in page
    assert "Corrigez ce qui est signalé ci-dessous." in page_words(answer)
    assert _count(session) == 0 and _count(session, WaitingPdf) == 1
