"""The lead's decisions on a supplier invoice in exception through the API (a lead's token; a
member's is refused) and the `coachat supplier-invoices accept|ask-credit|refuse` commands:
the same use cases as the invoice's page, refused alike, recorded in the audit trail."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from money.supplier_invoice_models import SupplierInvoice
from persistence.audit import AuditEvent
from purchasing.people.tokens import create_token
from tests.money.matching_setup import deliver, file_for, receive, sent_orders
from tests.money.supplier_invoices import cii
from web.cli import main


def _in_exception(session, make, sessions):
    """An invoice whose paper line (1) bills 4.35 € against 4.15 € ordered; its delivery fee
    (line 2) agrees."""
    approved, order = sent_orders(session, make, sessions)
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    assert invoice.status == "exception"
    assert [line.outcome for line in invoice.lines] == ["exception", "agrees"]
    return approved, invoice


def _headers(session, user) -> dict[str, str]:
    secret = create_token(session, "script", 30, actor=user).secret
    session.commit()
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}


def _invoice(session, invoice_id: int) -> SupplierInvoice:
    session.expire_all()
    return session.get(SupplierInvoice, invoice_id)


def _events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _emails(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(OutgoingEmail.id))) or 0


def test_a_members_token_decides_nothing(client, session, make, sessions):
    approved, invoice = _in_exception(session, make, sessions)
    member = _headers(session, approved.users[0])
    base = f"/api/v1/supplier-invoices/{invoice.id}"
    for path, body in (
        ("accept", {"line": 1}),
        ("credit-note-request", {}),
        ("refuse", {"reason": "Prix non conforme"}),
    ):
        answer = client.post(f"{base}/{path}", json=body, headers=member)
        assert answer.status_code == 403, path
    assert _invoice(session, invoice.id).status == "exception"
    assert _emails(session) == 0


def test_the_lead_accepts_a_line_by_api_refused_per_field_first(client, session, make, sessions):
    approved, invoice = _in_exception(session, make, sessions)
    lead = _headers(session, approved.lead)
    url = f"/api/v1/supplier-invoices/{invoice.id}/accept"
    missing = client.post(url, json={}, headers=lead)
    assert missing.status_code == 422 and set(missing.get_json()["error"]["fields"]) == {"line"}
    for line in (0, "1", 1.5):
        assert client.post(url, json={"line": line}, headers=lead).status_code == 422
    no_such = client.post(url, json={"line": 7}, headers=lead)
    assert no_such.status_code == 422
    assert no_such.get_json()["error"]["fields"] == {"line": "Cette facture n’a pas de ligne 7."}
    too_long = client.post(url, json={"line": 1, "note": "x" * 1001}, headers=lead)
    assert too_long.status_code == 422 and "note" in too_long.get_json()["error"]["fields"]
    agreeing = client.post(url, json={"line": 2}, headers=lead)
    assert agreeing.status_code == 409
    assert _invoice(session, invoice.id).status == "exception"
    assert _events(session, "supplier_invoice.accept_line") == []

    accepted = client.post(url, json={"line": 1, "note": "Hausse annoncée"}, headers=lead)
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["status"] == "to_pay"
    assert [line["outcome"] for line in body["lines"]] == ["accepted", "agrees"]
    assert _invoice(session, invoice.id).status == "to_pay"
    (event,) = _events(session, "supplier_invoice.accept_line")
    assert event.details["line"] == 1 and event.details["note"] == "Hausse annoncée"
    assert event.user_id == approved.lead.id
    assert client.post(url, json={"line": 1}, headers=lead).status_code == 409


def test_the_lead_asks_a_credit_note_by_api_for_the_lines_named(client, session, make, sessions):
    approved, invoice = _in_exception(session, make, sessions)
    lead = _headers(session, approved.lead)
    url = f"/api/v1/supplier-invoices/{invoice.id}/credit-note-request"
    agreeing = client.post(url, json={"lines": [1, 2]}, headers=lead)
    assert agreeing.status_code == 422
    assert agreeing.get_json()["error"]["fields"] == {
        "lines": "La ligne 2 de cette facture n’est pas en anomalie."
    }
    assert client.post(url, json={"lines": ["1"]}, headers=lead).status_code == 422
    assert _emails(session) == 0
    for _ in range(2):
        asked = client.post(url, json={"lines": [1], "note": "Tarif 2026 convenu."}, headers=lead)
        assert asked.status_code == 202, asked.get_json()
    assert asked.get_json()["recipient"] == "commandes@papeterie.example"
    assert _emails(session) == 1
    email = session.scalars(select(OutgoingEmail)).one()
    assert "- ligne 1, Ramette A4 recyclée 80 g" in email.body
    assert "\nTarif 2026 convenu.\n" in email.body
    assert "ligne 2" not in email.body
    assert _invoice(session, invoice.id).status == "exception"
    (event, _again) = _events(session, "supplier_invoice.request_credit_note")
    assert event.details["lines"] == [1] and event.details["note"] == "Tarif 2026 convenu."


def test_the_lead_refuses_by_api_with_a_reason_once(client, session, make, sessions):
    approved, invoice = _in_exception(session, make, sessions)
    lead = _headers(session, approved.lead)
    url = f"/api/v1/supplier-invoices/{invoice.id}/refuse"
    for body in ({}, {"reason": "   "}):
        refused = client.post(url, json=body, headers=lead)
        assert refused.status_code == 422
        assert set(refused.get_json()["error"]["fields"]) == {"reason"}
    assert _invoice(session, invoice.id).status == "exception"
    done = client.post(url, json={"reason": "Prix non conforme"}, headers=lead)
    assert done.status_code == 200 and done.get_json()["status"] == "refused"
    assert _invoice(session, invoice.id).refusal_reason == "Prix non conforme"
    again = client.post(url, json={"reason": "Encore"}, headers=lead)
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == (
        "Cette facture fournisseur a été refusée : il n’y a plus rien à décider."
    )
    assert client.post("/api/v1/supplier-invoices/999999/refuse", json={"reason": "x"},
                       headers=lead).status_code == 404  # fmt: skip


def run(database_url, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(main, list(args))


def test_the_commands_accept_ask_a_credit_note_and_refuse(
    database_url, session, make, sessions, monkeypatch
):
    approved, invoice = _in_exception(session, make, sessions)
    session.commit()
    number = str(invoice.id)
    lead = approved.lead.email

    for args, says in (
        (["accept", number, "--line", "x"], "'x' is not a valid integer"),
        (["accept", number, "--line", "0"], "0 is not in the range 1<=x<=100000"),
        (["accept", number], "Missing option '--line'"),
        (["accept", number, "--line", "5"], "line: This invoice has no line 5."),
        (["accept", number, "--line", "2"], "This line is not in exception"),
        (["ask-credit", number, "--line", "2"], "lines: Line 2 of this invoice is not in"),
        (["refuse", number], "Missing option '--reason'"),
        (["refuse", number, "--reason", " "], "reason: Say why the invoice is refused."),
        (["accept", "abc", "--line", "1"], "'abc' is not an id"),
    ):
        result = run(database_url, monkeypatch, "supplier-invoices", *args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.splitlines()) == 1 and says in result.output, result.output
    member = approved.users[0].email
    as_member = run(database_url, monkeypatch, "supplier-invoices", "accept", number,
                    "--line", "1", "--as", member)  # fmt: skip
    assert as_member.exit_code == 2
    missing = run(database_url, monkeypatch, "supplier-invoices", "refuse", "999999",
                  "--reason", "x")  # fmt: skip
    assert missing.exit_code == 1
    assert _invoice(session, invoice.id).status == "exception" and _emails(session) == 0

    asked = run(database_url, monkeypatch, "supplier-invoices", "ask-credit", number,
                "--line", "1", "--note", "Merci d’avance.", "--as", lead)  # fmt: skip
    assert asked.exit_code == 0, asked.output
    assert asked.output.startswith("Credit note asked of commandes@papeterie.example")
    assert _emails(session) == 1
    assert "Merci d’avance." in session.scalars(select(OutgoingEmail)).one().body

    accepted = run(database_url, monkeypatch, "supplier-invoices", "accept", number,
                   "--line", "1", "--note", "Hausse annoncée", "--as", lead)  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert "line 1 accepted as invoiced; the invoice is to_pay." in accepted.output
    (event,) = _events(session, "supplier_invoice.accept_line")
    assert event.user_id == approved.lead.id and event.details["note"] == "Hausse annoncée"
    assert _invoice(session, invoice.id).status == "to_pay"

    refused = run(database_url, monkeypatch, "supplier-invoices", "refuse", number,
                  "--reason", "Livraison incomplète")  # fmt: skip
    assert refused.exit_code == 0, refused.output
    assert "refused" in refused.output
    assert _invoice(session, invoice.id).status == "refused"
    (event,) = _events(session, "supplier_invoice.refuse")
    assert event.details["reason"] == "Livraison incomplète"
    assert event.details["by"] == "command line"
