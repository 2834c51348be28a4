"""Invoices, payments and balances through the API (a member's token sees its own company's, a
lead's every company's) and the `coachat invoices` and `coachat payments` commands."""

from __future__ import annotations

from decimal import Decimal

import facturx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from money.models import MemberInvoice, Payment
from persistence.audit import AuditEvent
from purchasing.people.tokens import create_token
from scheduling.jobs import work_jobs
from tests.money.billing_setup import received_batch
from web.cli import main


@pytest.fixture
def received(session, make, sessions):
    return received_batch(session, make, sessions)


def _headers(session, user) -> dict[str, str]:
    secret = create_token(session, "script", 30, actor=user).secret
    session.commit()
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.long
def test_the_lead_issues_by_api_and_each_member_reads_only_its_own(
    client, session, received, sessions
):
    lead = _headers(session, received.lead)
    member = _headers(session, received.users[0])
    velo, epicerie = received.members
    refused = client.post(f"/api/v1/batches/{received.batch.id}/invoices", headers=member)
    assert refused.status_code == 403 and _count(session, MemberInvoice) == 0

    asked = client.post(f"/api/v1/batches/{received.batch.id}/invoices", headers=lead)
    assert asked.status_code == 202
    job = asked.get_json()
    assert job["kind"] == "issue_batch_invoices" and job["status"] == "queued"
    assert job["result"] == {} and job["error"] == ""
    assert asked.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    assert _count(session, MemberInvoice) == 0  # the scheduler issues, not the request
    twice = client.post(f"/api/v1/batches/{received.batch.id}/invoices", headers=lead)
    assert twice.status_code == 202 and twice.get_json()["id"] == job["id"]

    work_jobs(sessions)
    done = client.get(asked.headers["Location"], headers=lead).get_json()
    assert done["status"] == "done" and done["progress"] == 100
    numbers = done["result"]["issued"]
    assert sorted(numbers) == sorted(session.scalars(select(MemberInvoice.number)))
    assert len(numbers) == 2 and done["result"]["waiting"] == []
    again = client.post(f"/api/v1/batches/{received.batch.id}/invoices", headers=lead)
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == (
        "Aucune facture à émettre pour ce lot pour l’instant."
    )

    everyone = client.get("/api/v1/invoices", headers=lead).get_json()
    assert everyone["total"] == 2
    own = client.get("/api/v1/invoices", headers=member).get_json()
    assert [item["member_id"] for item in own["items"]] == [velo.id]
    mine = own["items"][0]
    assert Decimal(mine["open"]) == Decimal(mine["total_incl"]) and mine["overdue"] is False
    other = session.scalar(select(MemberInvoice).where(MemberInvoice.member_id == epicerie.id))
    asked = client.get(f"/api/v1/invoices?member_id={epicerie.id}", headers=member)
    assert asked.status_code == 404
    assert client.get(f"/api/v1/invoices/{other.number}", headers=member).status_code == 404

    shown = client.get(f"/api/v1/invoices/{mine['number']}", headers=member).get_json()
    assert sum(Decimal(line["net"]) for line in shown["lines"]) == Decimal(shown["total_excl"])
    pdf = client.get(f"/api/v1/invoices/{mine['number']}.pdf", headers=member)
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "no-store"
    _name, xml = facturx.get_xml_from_pdf(pdf.data, check_xsd=False)
    assert mine["number"].encode() in xml

    balance = client.get(f"/api/v1/members/{velo.id}/balance", headers=member).get_json()
    assert balance["balance"] == mine["total_incl"] and balance["due"] == mine["total_incl"]
    assert client.get(f"/api/v1/members/{epicerie.id}/balance", headers=member).status_code == 404


def test_the_lead_records_a_payment_by_api_refused_per_field_first(
    client, session, received, sessions
):
    lead = _headers(session, received.lead)
    client.post(f"/api/v1/batches/{received.batch.id}/invoices", headers=lead)
    work_jobs(sessions)
    velo = received.members[0]
    invoice = session.scalar(select(MemberInvoice).where(MemberInvoice.member_id == velo.id))
    refused = client.post(
        "/api/v1/payments",
        json={
            "member_id": velo.id,
            "amount": "0.00",
            "method": "cheque",
            "received_on": "2099-01-01",
        },
        headers=lead,
    )
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"amount", "received_on"}
    assert _count(session, Payment) == 0
    member = _headers(session, received.users[0])
    body = {"member_id": velo.id, "amount": str(invoice.total_incl), "method": "transfer",
            "reference": "VIR 42", "invoices": [invoice.number]}  # fmt: skip
    assert client.post("/api/v1/payments", json=body, headers=member).status_code == 403
    recorded = client.post("/api/v1/payments", json=body, headers=lead)
    assert recorded.status_code == 201
    assert recorded.get_json()["allocations"] == [
        {"invoice": invoice.number, "amount": str(invoice.total_incl)}
    ]
    listed = client.get("/api/v1/payments", headers=member).get_json()
    assert [p["reference"] for p in listed["items"]] == ["VIR 42"]
    shown = client.get(f"/api/v1/invoices/{invoice.number}", headers=member).get_json()
    assert shown["open"] == "0.00"


def run(database_url, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_commands_issue_list_write_and_record(
    database_url, session, received, monkeypatch, tmp_path
):
    batch = str(received.batch.id)
    issued = run(database_url, monkeypatch, "invoices", "issue", "--batch", batch)
    assert issued.exit_code == 0, issued.output
    numbers = sorted(session.scalars(select(MemberInvoice.number)))
    assert len(numbers) == 2 and all(n in issued.output for n in numbers)
    velo = received.members[0]
    listed = run(database_url, monkeypatch, "invoices", "list", "--member", str(velo.id))
    assert listed.output.count("FA-") == 1 and velo.name in listed.output

    number = listed.output.split("\t")[0]
    target = tmp_path / "facture.pdf"
    written = run(database_url, monkeypatch, "invoices", "pdf", number, "-o", str(target))
    assert written.exit_code == 0 and target.read_bytes().startswith(b"%PDF")
    bad = run(
        database_url, monkeypatch, "invoices", "pdf", number, "-o", str(tmp_path / "no" / "f.pdf")
    )
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1
    unknown = run(database_url, monkeypatch, "invoices", "pdf", "FA-1999-00001", "-o", str(target))
    assert unknown.exit_code == 1 and "No such invoice" in unknown.output

    refused = run(database_url, monkeypatch, "payments", "record", "--member", str(velo.id),
                  "--amount", "-3", "--method", "cash")  # fmt: skip
    assert refused.exit_code == 2 and "amount" in refused.output
    assert _count(session, Payment) == 0
    paid = run(database_url, monkeypatch, "payments", "record", "--member", str(velo.id),
               "--amount", "1000.00", "--method", "cheque", "--reference", "CHQ 9",
               "--invoice", number)  # fmt: skip
    assert paid.exit_code == 0, paid.output
    assert f"settles\t{number}" in paid.output and "member's credit" in paid.output
    session.expire_all()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.receive"))
    assert event is not None and event.details["by"] == "command line"

    exported = run(database_url, monkeypatch, "invoices", "export", "--batch", batch,
                   "-o", str(tmp_path / "lot.zip"))  # fmt: skip
    assert exported.exit_code == 0 and (tmp_path / "lot.zip").stat().st_size > 0
    dues = run(database_url, monkeypatch, "invoices", "dues", "--year", "1800")
    assert dues.exit_code == 2 and "year" in dues.output
