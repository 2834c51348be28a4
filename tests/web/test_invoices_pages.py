"""The lead issues a batch's invoices after a confirmation, issues a credit note and records a
payment; the member reads its account; the admin sets billing; each refusal stores nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import facturx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from money.models import BillingSettings, MemberDues, MemberInvoice, Payment
from persistence.audit import AuditEvent
from persistence.jobs import Job
from scheduling.jobs import work_jobs
from tests.conftest import page_words
from tests.money.billing_setup import received_batch


@pytest.fixture
def received(session, make, sessions):
    return received_batch(session, make, sessions)


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _issue(client, received, sessions):
    """Asks for the batch's invoices, then works the job the scheduler would; the page
    followed afterwards shows what the job did."""
    asked = client.post(f"/batches/{received.batch.id}/invoices")
    assert asked.status_code == 302 and "/invoices/issuing/" in asked.headers["Location"]
    work_jobs(sessions)
    return client.get(asked.headers["Location"])


def test_the_lead_confirms_then_issues_the_batch_invoices_which_go_to_the_members(
    client, signed_in, session, received, sessions
):
    signed_in(received.lead)
    batch_page = page_words(client.get(f"/batches/{received.batch.id}"))
    assert "Factures aux membres" in batch_page and "Émettre les factures du lot" in batch_page
    confirm = client.get(f"/batches/{received.batch.id}/invoices")
    words = page_words(confirm)
    assert "2 factures seront émises et envoyées par e-mail à leurs membres" in words
    assert "Atelier Vélo" in words and "Épicerie du Coin" in words
    assert _count(session, MemberInvoice) == 0  # the confirmation issues nothing

    asked = client.post(f"/batches/{received.batch.id}/invoices", follow_redirects=True)
    words = page_words(asked)
    assert "Émission des factures du lot n° 1" in words
    assert "En attente du planificateur : l’émission commence dans un instant." in words
    assert 'data-job-status="/rounds/jobs/' in asked.get_data(as_text=True)
    assert _count(session, MemberInvoice) == 0  # issued by the scheduler, not the request
    assert _count(session, OutgoingEmail) == 0

    assert work_jobs(sessions) >= 1
    followed = client.get(asked.request.path)
    words = page_words(followed)
    assert "2 factures émises et envoyées aux membres." in words
    numbers = sorted(session.scalars(select(MemberInvoice.number)))
    assert numbers == [n for n in numbers if n.startswith("FA-")] and len(numbers) == 2
    for number in numbers:
        assert number in words
    assert "data-job-status" not in followed.get_data(as_text=True)
    assert followed.headers["Cache-Control"] == "no-store"
    listed = client.get(f"/invoices/?batch={received.batch.id}")
    assert all(number in page_words(listed) for number in numbers)

    emails = list(session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))
    assert sorted(e.recipient for e in emails) == ["epicerie@example.org", "velo@example.org"]
    for email in emails:
        assert email.idempotency_key.startswith("invoice/FA-")
        assert email.attachments[0].filename.endswith(".pdf")
        assert email.attachments[0].content.startswith(b"%PDF")
        assert "achats@demo.coachat.fr" in email.reply_to
    again = client.get(f"/batches/{received.batch.id}/invoices")
    assert "Aucune facture à émettre pour l’instant." in page_words(again)
    assert _count(session, OutgoingEmail) == 2
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("invoice.issue") == 2 and actions.count("invoice.issue_requested") == 1
    nothing_left = client.post(f"/batches/{received.batch.id}/invoices", follow_redirects=True)
    assert "Aucune facture à émettre pour ce lot pour l’instant." in page_words(nothing_left)
    issuing = session.scalars(select(Job).where(Job.kind == "issue_batch_invoices")).all()
    assert len(issuing) == 1  # refused at once: no second job


def test_a_member_sees_its_own_account_and_downloads_its_documents(
    client, signed_in, session, received, app, sessions
):
    signed_in(received.lead)
    _issue(client, received, sessions)
    client.post("/logout")
    velo, epicerie = received.members
    mine = session.scalar(select(MemberInvoice).where(MemberInvoice.member_id == velo.id))
    other = session.scalar(select(MemberInvoice).where(MemberInvoice.member_id == epicerie.id))
    signed_in(received.users[0])
    page = client.get("/account/money")
    words = page_words(page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Mon compte" in words and mine.number in words and other.number not in words
    assert "Reste dû" in words
    assert client.get(f"/accounts/{epicerie.id}").status_code == 404

    pdf = client.get(f"/invoices/{mine.number}.pdf")
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "no-store"
    _name, xml = facturx.get_xml_from_pdf(pdf.data, check_xsd=False)
    assert mine.number.encode() in xml
    assert client.get(f"/invoices/{other.number}.pdf").status_code == 404

    statement = client.get(f"/accounts/{velo.id}/statement.pdf")
    assert statement.status_code == 200 and statement.headers["Cache-Control"] == "no-store"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(statement.data)).pages)
    assert mine.number in text and "Solde dû à la coopérative" in text
    assert client.get(f"/accounts/{epicerie.id}/statement.pdf").status_code == 404


def test_a_credit_note_refused_then_issued_from_the_invoice_lines(
    client, signed_in, session, received, sessions
):
    signed_in(received.lead)
    _issue(client, received, sessions)
    invoice = session.scalar(select(MemberInvoice).order_by(MemberInvoice.id))
    goods = next(line for line in invoice.lines if line.kind == "goods")
    form = client.get(f"/invoices/{invoice.number}/credit-note")
    assert "Unités à rendre" in page_words(form)

    refused = client.post(
        f"/invoices/{invoice.number}/credit-note",
        data={f"units.{goods.position}": str(goods.quantity + 1), "reason": ""},
    )
    words = page_words(refused)
    assert refused.status_code == 422
    assert "pourquoi l’avoir est émis." in words and "Rendez entre 0 et" in words
    assert _count(session, MemberInvoice) == 2
    bad_number = client.post(
        f"/invoices/{invoice.number}/credit-note",
        data={f"units.{goods.position}": "deux", "reason": "abîmés"},
    )
    assert bad_number.status_code == 422 and "Indiquez un nombre d’unités" in page_words(bad_number)

    issued = client.post(
        f"/invoices/{invoice.number}/credit-note",
        data={f"units.{goods.position}": "2", "reason": "2 cartons abîmés"},
        follow_redirects=True,
    )
    note = session.scalar(select(MemberInvoice).where(MemberInvoice.kind == "credit_note"))
    assert note is not None and note.number.startswith("AV-") and note.corrects_id == invoice.id
    assert f"Avoir {note.number} émis et envoyé au membre." in page_words(issued)
    assert session.scalar(
        select(OutgoingEmail).where(OutgoingEmail.idempotency_key.like(f"invoice/{note.number}/%"))
    )


def test_a_payment_refused_field_by_field_then_recorded_with_the_credit_said(
    client, signed_in, session, received, sessions
):
    signed_in(received.lead)
    _issue(client, received, sessions)
    velo = received.members[0]
    refused = client.post(
        "/payments/new",
        data={"member_id": str(velo.id), "amount": "abc", "received_on": "2099-01-01",
              "method": "cash", "reference": ""},
    )  # fmt: skip
    words = page_words(refused)
    assert refused.status_code == 422
    assert "Indiquez le montant en euros" in words
    assert "Un paiement ne peut pas être reçu dans le futur." in words
    assert _count(session, Payment) == 0

    due = session.scalar(select(MemberInvoice).where(MemberInvoice.member_id == velo.id))
    amount = due.total_incl + Decimal("10.00")
    recorded = client.post(
        "/payments/new",
        data={"member_id": str(velo.id), "amount": str(amount).replace(".", ","),
              "received_on": "", "method": "cheque", "reference": "CHQ 1234"},
        follow_redirects=True,
    )  # fmt: skip
    words = page_words(recorded)
    assert "Paiement de" in words and "gardés comme avoir du membre" in words
    assert "CHQ 1234" in words
    balances = page_words(client.get("/invoices/balances"))
    assert "Atelier Vélo" in balances and "-10,00" in balances.replace("−", "-")
    client.post("/logout")
    signed_in(received.users[0])
    account = page_words(client.get("/account/money"))
    assert "Solde en votre faveur" in account and "payée" in account


def test_members_cannot_reach_the_lead_pages(client, signed_in, session, received):
    signed_in(received.users[0])
    for path in ("/invoices/", "/payments/", "/payments/new", "/invoices/balances",
                 f"/batches/{received.batch.id}/invoices"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    assert client.post(f"/batches/{received.batch.id}/invoices").status_code == 403
    assert _count(session, MemberInvoice) == 0


def test_the_batch_factur_x_files_as_one_zip(client, signed_in, session, received, sessions):
    signed_in(received.lead)
    empty = client.get(f"/batches/{received.batch.id}/invoices.zip", follow_redirects=True)
    assert "Ce lot n’a encore aucune facture." in page_words(empty)
    _issue(client, received, sessions)
    answer = client.get(f"/batches/{received.batch.id}/invoices.zip")
    assert answer.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(answer.data)).namelist()
    assert sorted(names) == sorted(
        f"{n}.pdf" for n in session.scalars(select(MemberInvoice.number))
    )
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "invoice.export"))


def test_the_admin_sets_billing_refused_per_field_then_saved(client, signed_in, session, make):
    admin = make.user("admin", email="admin@example.org")
    signed_in(admin)
    form = client.get("/admin/billing/")
    assert "Plan comptable" in page_words(form)
    data = {
        "fee_percent": "150", "fee_per_invoice": "2,50", "reminder_days": "0",
        "prenotice_days": "14", "fiscal_year_start": "1", "account_members": "512",
        "account_goods": "707", "account_services": "706", "account_fee": "708",
        "account_dues": "756", "account_vat_collected": "44571", "account_bank": "512",
        "account_suppliers": "401", "account_purchases": "607", "account_vat_deductible": "44566",
        "account_purchase_fees": "6241",
    }  # fmt: skip
    refused = client.post("/admin/billing/", data=data)
    words = page_words(refused)
    assert refused.status_code == 422
    assert "Indiquez un nombre entre 0 et 100" in words
    assert "Indiquez un nombre entier de 1 à 365." in words
    assert "Ce compte est dans la classe 411 du plan comptable." in words
    assert (
        session.get(BillingSettings, 1) is None or session.get(BillingSettings, 1).fee_percent == 0
    )
    data.update(fee_percent="2,5", reminder_days="21", account_members="4110")
    saved = client.post("/admin/billing/", data=data, follow_redirects=True)
    assert "Les paramètres de facturation sont enregistrés." in page_words(saved)
    session.expire_all()
    settings = session.get(BillingSettings, 1)
    assert settings.fee_percent == Decimal("2.50") and settings.reminder_days == 21
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "billing.settings"))
    assert event is not None and event.details["reminder_days"] == "21"


def test_the_admin_sets_dues_and_issues_the_year(
    client, signed_in, session, received, make, sessions
):
    admin = make.user("admin", email="admin@example.org")
    signed_in(admin)
    velo = received.members[0]
    refused = client.post(
        "/admin/billing/dues", data={"member_id": velo.id, "amount": "-5", "vat_category": "O"}
    )
    assert refused.status_code == 422 and "Indiquez un montant supérieur à zéro" in page_words(
        refused
    )
    assert _count(session, MemberDues) == 0
    client.post(
        "/admin/billing/dues", data={"member_id": velo.id, "amount": "120", "vat_category": "O"}
    )
    assert session.get(MemberDues, velo.id).amount == Decimal("120.00")
    asked = client.post("/admin/billing/dues/issue", data={"year": "2027"}, follow_redirects=True)
    assert "Émission des cotisations 2027" in page_words(asked)
    assert _count(session, MemberInvoice) == 0  # issued by the scheduler, not the request
    work_jobs(sessions)
    issued = client.get(asked.request.path)
    assert "1 facture de cotisation émise." in page_words(issued)
    dues = session.scalar(select(MemberInvoice).where(MemberInvoice.dues_year == 2027))
    assert dues.member_id == velo.id and dues.total_incl == Decimal("120.00")
    again = client.post("/admin/billing/dues/issue", data={"year": "2027"}, follow_redirects=True)
    assert "déjà facturé pour cette année" in page_words(again)
