"""The Factur-X files of invoices: the same document always gives the same bytes, dated its
issue date, whether drawn here or by a pool of worker processes; a large batch is drawn by the
pool, a small one here, and a batch (or the year's dues) issued either way stores the same
files."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from decimal import Decimal

import facturx
import pytest
from PIL import Image
from pypdf import PdfReader

import money.invoice_files as invoice_files
from money.dues import issue_dues
from money.formats.invoice_file import invoice_file
from money.invoicing import issue_batch_invoices
from money.models import MemberDues
from tests.money.billing_setup import with_cooperative
from tests.money.money_factories import make_credit_note, make_invoice
from tests.money.test_invoicing import TODAY


def logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (30, 110, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_document_drawn_again_later_gives_the_same_bytes_dated_its_issue_date():
    document = make_invoice()
    first = invoice_file(document)
    time.sleep(1.1)  # the files' dates are to the second

    assert invoice_file(document) == first
    info = PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20270115000000+00'00'"


def test_another_issue_date_gives_another_file():
    document = make_invoice()
    later = replace(document, issue_date=document.due_date)
    assert invoice_file(later) != invoice_file(document)


def test_the_clocks_of_the_pdf_libraries_run_again_once_a_file_is_drawn():
    import datetime

    import facturx.facturx
    import fpdf.output

    invoice_file(make_invoice())
    assert fpdf.output.datetime is datetime.datetime
    assert facturx.facturx.datetime is datetime.datetime


def test_files_drawn_by_a_pool_of_processes_are_the_files_drawn_here():
    documents = [make_invoice(), make_credit_note(), make_invoice(number="FA-2027-00002")]
    here = [invoice_file(document, logo()) for document in documents]

    pooled = invoice_files.draw_in_pool(documents, logo(), workers=2)

    assert pooled == here
    _name, xml = facturx.get_xml_from_pdf(pooled[1], check_xsd=False)
    assert b"FA-2027-00001" in xml  # the credit note names the invoice it corrects


@pytest.fixture
def pool_calls(monkeypatch):
    calls = []
    drawn_in_pool = invoice_files.drawn_in_pool

    def spy(documents, logo, workers):
        documents = list(documents)
        calls.append((len(documents), workers))
        return drawn_in_pool(documents, logo, workers)

    monkeypatch.setattr(invoice_files, "drawn_in_pool", spy)
    return calls


def test_a_small_batch_is_drawn_here_and_a_large_one_by_one_worker_per_processor(
    pool_calls, monkeypatch
):
    monkeypatch.setattr(invoice_files.os, "cpu_count", lambda: 2)
    documents = [make_invoice(number=f"FA-2027-{n:05d}") for n in range(1, 4)]

    monkeypatch.setattr(invoice_files, "PARALLEL_FROM", 4)
    small = invoice_files.draw_files(documents)
    assert pool_calls == []

    monkeypatch.setattr(invoice_files, "PARALLEL_FROM", 3)
    large = invoice_files.draw_files(documents)
    assert pool_calls == [(3, 2)]
    assert large == small


def test_a_batch_issued_with_its_files_drawn_in_parallel_stores_the_files_drawn_in_order(
    session, received, pool_calls, monkeypatch
):
    monkeypatch.setattr(invoice_files.os, "cpu_count", lambda: 2)
    with_cooperative(session).logo = logo()
    session.commit()

    monkeypatch.setattr(invoice_files, "PARALLEL_FROM", 1)
    in_parallel = issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead)
    parallel_files = {invoice.number: invoice.facturx for invoice in in_parallel.issued}
    assert len(pool_calls) == 1
    session.rollback()

    monkeypatch.setattr(invoice_files, "PARALLEL_FROM", 10_000)
    in_order = issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead)
    session.commit()

    assert len(pool_calls) == 1
    assert {invoice.number: invoice.facturx for invoice in in_order.issued} == parallel_files
    assert sorted(parallel_files) == ["FA-2027-00001", "FA-2027-00002"]


def test_annual_dues_are_drawn_by_the_pool_as_a_batchs_invoices_are(
    session, make, pool_calls, monkeypatch
):
    monkeypatch.setattr(invoice_files.os, "cpu_count", lambda: 2)
    with_cooperative(session)
    for member in [make.member(), make.member(), make.member()]:
        session.flush()
        session.add(MemberDues(member_id=member.id, amount=Decimal("80.00")))
    session.commit()

    monkeypatch.setattr(invoice_files, "PARALLEL_FROM", 3)
    pooled = {dues.number: dues.facturx for dues in issue_dues(session, 2027, TODAY, actor=None)}
    assert pool_calls == [(3, 2)]
    session.rollback()

    monkeypatch.setattr(invoice_files, "PARALLEL_FROM", 4)
    in_order = issue_dues(session, 2027, TODAY, actor=None)

    assert pool_calls == [(3, 2)]
    assert {dues.number: dues.facturx for dues in in_order} == pooled
    assert sorted(pooled) == ["FA-2027-00001", "FA-2027-00002", "FA-2027-00003"]
    _name, xml = facturx.get_xml_from_pdf(pooled["FA-2027-00002"], check_xsd=True)
    assert b"Cotisation annuelle 2027" in xml
