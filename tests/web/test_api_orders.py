"""The JSON API's purchase orders and deliveries for leads, and members' statements: the same
use cases as the pages, refusals in the one error shape, nothing stored when refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from infrastructure.smtp import smtp_settings
from mailing.outbox import JOB_KIND as SEND_EMAIL
from persistence import utcnow
from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.clock import cooperative_today
from purchasing.models import Batch, Delivery, OrderEmail, PurchaseOrder, Round
from purchasing.orders.confirmations import ChangeValues, answer_token, propose_change
from purchasing.orders.orders import mark_sent_by_hand
from purchasing.people.tokens import create_token
from tests.purchasing.orders_setup import Approved, approved_batch
from tests.smtp_server import SmtpServer

SECRET = "test-secret-key-0123456789"


class Tokens:
    """A personal token for the lead and each member company's user."""

    def __init__(self, session, approved: Approved):
        people = {"lead": approved.lead, "velo": approved.users[0], "epicerie": approved.users[1]}
        self.secrets = {
            name: create_token(session, "script", 90, actor=user).secret
            for name, user in people.items()
        }
        session.commit()

    def __call__(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[who]}", "Accept-Language": "en"}


@pytest.fixture
def approved(session, make, sessions) -> Approved:
    return approved_batch(session, make, sessions)


@pytest.fixture
def token(session, approved) -> Tokens:
    return Tokens(session, approved)


@pytest.fixture
def sent(session, approved, token) -> Approved:
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    return approved


def error(answer) -> dict:
    return answer.get_json()["error"]


def test_a_lead_lists_the_orders_a_page_at_a_time_by_batch_supplier_and_status(
    client, session, approved, token
):
    paper, soap = approved.orders(session)
    every = client.get("/api/v1/orders?per_page=1", headers=token("lead")).get_json()
    assert every["total"] == 2 and every["pages"] == 2
    assert [o["number"] for o in every["items"]] == [soap.number]  # newest first
    first = every["items"][0]
    assert first["status"] == "draft" and first["email_status"] is None
    assert first["total_excl_vat"] == f"{soap.total_excl_vat:.2f}"
    assert first["documents"] == {
        "pdf": f"/api/v1/orders/{soap.id}.pdf",
        "csv": f"/api/v1/orders/{soap.id}.csv",
    }

    supplier = approved.suppliers[0].id
    of_supplier = client.get(f"/api/v1/orders?supplier_id={supplier}", headers=token("lead"))
    assert [o["id"] for o in of_supplier.get_json()["items"]] == [paper.id]
    of_batch = client.get(f"/api/v1/orders?batch_id={approved.batch.id}", headers=token("lead"))
    assert of_batch.get_json()["total"] == 2
    sent = client.get("/api/v1/orders?status=sent", headers=token("lead")).get_json()
    assert sent["total"] == 0 and sent["items"] == []

    wrong = client.get("/api/v1/orders?status=lost", headers=token("lead"))
    assert wrong.status_code == 422 and "status" in error(wrong)["fields"]
    assert client.get("/api/v1/orders", headers=token("velo")).status_code == 403


def test_an_order_reads_with_its_lines_totals_answer_emails_and_documents(
    client, session, approved, token
):
    paper = approved.orders(session)[0]
    answer = client.get(f"/api/v1/orders/{paper.id}", headers=token("lead"))
    assert answer.status_code == 200
    order = answer.get_json()
    assert order["number"] == paper.number and order["supplier"] == "Papeterie de l'Est"
    assert order["supplier_email"] == "commandes@papeterie.example"
    (line,) = order["lines"]
    assert line["product"] == "Ramette A4 recyclée 80 g" and line["supplier_ref"] == "PAP-A4"
    assert line["quantity"] == "50.000" and line["unit_price"] == "4.1500"
    assert line["vat_rate"] == "0.200" and line["proposed_quantity"] is None
    totals = order["totals"]
    assert totals["excl_vat"] == order["total_excl_vat"]
    assert totals["incl_vat"] == order["total_incl_vat"]
    assert [row["rate"] for row in totals["vat"]] == ["0.200"]
    assert order["supplier_answer"] == "" and order["emails"] == []

    pdf = client.get(order["documents"]["pdf"], headers=token("lead"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert f'filename="{paper.number}.pdf"' in pdf.headers["Content-Disposition"]
    csv = client.get(order["documents"]["csv"], headers=token("lead"))
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode())

    assert client.get(f"/api/v1/orders/{paper.id}.pdf", headers=token("velo")).status_code == 403
    missing = client.get("/api/v1/orders/999999", headers=token("lead"))
    assert missing.status_code == 404 and error(missing)["message"] == "No such purchase order."
    assert client.get("/api/v1/orders/999999.pdf", headers=token("lead")).status_code == 404


def test_without_email_sending_is_refused_and_the_lead_records_an_order_sent_by_hand(
    client, session, approved, token
):
    paper = approved.orders(session)[0]
    refused = client.post(f"/api/v1/batches/{approved.batch.id}/orders/send", headers=token("lead"))
    assert refused.status_code == 422
    assert error(refused)["message"].startswith("E-mail is off")
    assert error(refused)["code"] == "refused" and error(refused)["fields"] == {}
    resend = client.post(f"/api/v1/orders/{paper.id}/resend", headers=token("lead"))
    assert resend.status_code == 422
    assert session.scalar(select(func.count(OrderEmail.id))) == 0

    done = client.post(f"/api/v1/orders/{paper.id}/sent", headers=token("lead"))
    assert done.status_code == 200 and done.get_json()["status"] == "sent"
    assert done.get_json()["sent_at"] is not None
    again = client.post(f"/api/v1/orders/{paper.id}/sent", headers=token("lead"))
    assert again.status_code == 409
    assert error(again)["message"] == "This purchase order was already sent."
    assert client.post(f"/api/v1/orders/{paper.id}/sent", headers=token("velo")).status_code == 403
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == approved.lead.id)
    ).all()
    assert "order.sent_by_hand" in events


def _proposed_batch(session) -> Batch:
    now = utcnow()
    closed = Round(name="2026-099", opens_at=now - timedelta(days=8), status="closed")
    session.add(closed)
    session.flush()
    batch = Batch(round_id=closed.id, status="proposed", policy={})
    session.add(batch)
    session.commit()
    return batch


def test_the_lead_sends_a_batchs_orders_as_queued_e_mails_once(
    app, client, session, approved, token
):
    app.config["SMTP"] = smtp_settings(SmtpServer().environment())
    url = f"/api/v1/batches/{approved.batch.id}/orders/send"
    answer = client.post(url, headers=token("lead"))
    assert answer.status_code == 202
    queued = answer.get_json()["queued"]
    assert [e["recipient"] for e in queued] == [
        "commandes@papeterie.example",
        "commandes@droguerie.example",
    ]
    assert {e["status"] for e in queued} == {"queued"}
    kinds = session.scalars(select(Job.kind).where(Job.kind == SEND_EMAIL)).all()
    assert len(kinds) == 2
    assert client.post(url, headers=token("lead")).get_json() == {"queued": []}

    paper = approved.orders(session)[0]
    shown = client.get(f"/api/v1/orders/{paper.id}", headers=token("lead")).get_json()
    assert shown["email_status"] == "queued"
    assert [e["recipient"] for e in shown["emails"]] == ["commandes@papeterie.example"]
    on_its_way = client.post(f"/api/v1/orders/{paper.id}/resend", headers=token("lead"))
    assert on_its_way.status_code == 409
    assert error(on_its_way)["message"] == "This order's e-mail is already on its way."
    assert session.scalar(select(func.count(OrderEmail.id))) == 2

    proposed = _proposed_batch(session)
    not_approved = client.post(f"/api/v1/batches/{proposed.id}/orders/send", headers=token("lead"))
    assert not_approved.status_code == 409
    assert client.post("/api/v1/batches/999999/orders/send", headers=token("lead")).status_code == (
        404
    )


def test_the_lead_accepts_or_refuses_what_the_supplier_can_deliver(client, session, sent, token):
    paper, soap = sent.orders(session)
    nothing = client.post(f"/api/v1/orders/{paper.id}/accept", headers=token("lead"))
    assert nothing.status_code == 409
    assert error(nothing)["message"] == "The supplier proposed no change to this order."
    for order, units in ((paper, "40"), (soap, "3")):
        propose_change(
            session,
            order.number,
            answer_token(order, SECRET),
            SECRET,
            ChangeValues(quantities={order.lines[0].id: units}, note="Rupture"),
        )
    session.commit()

    accepted = client.post(f"/api/v1/orders/{paper.id}/accept", headers=token("lead"))
    assert accepted.status_code == 200
    body = accepted.get_json()
    assert body["supplier_answer"] == "change_accepted" and body["status"] == "confirmed"
    assert body["lines"][0]["quantity"] == "40.000" and body["supplier_note"] == "Rupture"

    refused = client.post(f"/api/v1/orders/{soap.id}/refuse", headers=token("lead"))
    assert refused.status_code == 200
    assert refused.get_json()["supplier_answer"] == "change_refused"
    assert refused.get_json()["lines"][0]["proposed_quantity"] == "3.000"
    twice = client.post(f"/api/v1/orders/{soap.id}/refuse", headers=token("lead"))
    assert twice.status_code == 409


def _delivery(order, site_id, **line):
    return {"site_id": site_id, "lines": [{"line_id": order.lines[0].id, **line}]}


def test_the_lead_records_deliveries_until_the_order_is_received(client, session, sent, token):
    paper = sent.orders(session)[0]
    velo, epicerie = (member.sites[0].id for member in sent.members)
    url = f"/api/v1/orders/{paper.id}/deliveries"
    before = client.get(url, headers=token("lead")).get_json()
    assert before["order_status"] == "sent" and before["deliveries"] == []
    expected = {site["site_id"]: site["lines"][0] for site in before["sites"]}
    assert expected[velo]["expected"] == "20.000" and expected[velo]["remaining"] == "20.000"
    assert expected[epicerie]["expected"] == "30.000"
    assert [site["member"] for site in before["sites"]] == ["Atelier Vélo", "Épicerie du Coin"]

    first = client.post(url, json=_delivery(paper, velo, received="20"), headers=token("lead"))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["order_status"] == "sent"
    assert first.get_json()["lines"][0]["received"] == "20.000"
    yesterday = (cooperative_today() - timedelta(days=1)).isoformat()
    last = client.post(
        url,
        json={
            **_delivery(paper, epicerie, received="28", damaged="2", note="two torn reams"),
            "received_on": yesterday,
        },
        headers=token("lead"),
    )
    assert last.status_code == 201
    assert last.get_json()["order_status"] == "received"
    assert last.get_json()["received_on"] == yesterday

    after = client.get(url, headers=token("lead")).get_json()
    assert len(after["deliveries"]) == 2 and after["order_status"] == "received"
    mine = {site["site_id"]: site["lines"][0] for site in after["sites"]}
    assert mine[epicerie]["damaged"] == "2.000" and mine[epicerie]["remaining"] == "0.000"
    closed = client.post(url, json=_delivery(paper, velo, received="1"), headers=token("lead"))
    assert closed.status_code == 409
    assert error(closed)["message"] == "This order is closed: nothing more can be received."
    recorded = session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == sent.lead.id)
    ).all()
    assert recorded.count("delivery.record") == 2


@pytest.mark.parametrize(
    "change, field",
    [
        ({"received": "-3"}, "lines.0.received"),
        ({"received": "25"}, "lines.0.received"),  # more than expected, without a note
        ({"substituted": "2"}, "lines.0.substituted"),  # a substitute, without a note
        ({"line_id": 999999, "received": "1"}, "lines.0.received"),
        ({"received": 3}, "lines.0.received"),  # a number, not a string
        ({"site_id": 999999, "received": "1"}, "site_id"),
        ({"received_on": "2999-01-01", "received": "1"}, "received_on"),
        ({"lines": []}, "lines"),
    ],
)
def test_a_wrong_delivery_answers_422_on_its_field_and_stores_nothing(
    client, session, sent, token, change, field
):
    paper = sent.orders(session)[0]
    body = _delivery(paper, sent.members[0].sites[0].id)
    line = body["lines"][0]
    for name, value in change.items():
        if name in ("site_id", "received_on", "lines"):
            body[name] = value
        else:
            line[name] = value
    answer = client.post(f"/api/v1/orders/{paper.id}/deliveries", json=body, headers=token("lead"))
    assert answer.status_code == 422, answer.get_json()
    assert field in error(answer)["fields"], error(answer)
    assert session.scalar(select(func.count(Delivery.id))) == 0


def test_an_order_not_sent_cannot_be_received_nor_closed(client, session, approved, token):
    paper = approved.orders(session)[0]
    body = _delivery(paper, approved.members[0].sites[0].id, received="5")
    url = f"/api/v1/orders/{paper.id}/deliveries"
    draft = client.post(url, json=body, headers=token("lead"))
    assert draft.status_code == 409
    assert error(draft)["message"] == "This order was not sent: it cannot be received yet."
    close = client.post(f"/api/v1/orders/{paper.id}/close", headers=token("lead"))
    assert close.status_code == 409
    # An order that does not exist is not found before its delivery is read.
    unknown = client.post(
        "/api/v1/orders/999999/deliveries", json={"lines": "x"}, headers=token("lead")
    )
    assert unknown.status_code == 404
    assert session.scalar(select(func.count(Delivery.id))) == 0
    assert client.post(url, json=body, headers=token("velo")).status_code == 403


def test_the_lead_closes_an_order_when_nothing_more_will_come(client, session, sent, token):
    paper = sent.orders(session)[0]
    velo = sent.members[0].sites[0].id
    client.post(
        f"/api/v1/orders/{paper.id}/deliveries",
        json=_delivery(paper, velo, received="20"),
        headers=token("lead"),
    )
    closed = client.post(f"/api/v1/orders/{paper.id}/close", headers=token("lead"))
    assert closed.status_code == 200 and closed.get_json()["status"] == "received"
    assert closed.get_json()["received_at"] is not None
    session.expire_all()
    assert session.get(PurchaseOrder, paper.id).closed_by_id == sent.lead.id
    again = client.post(f"/api/v1/orders/{paper.id}/close", headers=token("lead"))
    assert again.status_code == 409


def test_a_member_reads_its_companys_statement_and_not_anothers(client, session, sent, token):
    batch = sent.batch.id
    velo, epicerie = sent.members
    mine = client.get(f"/api/v1/statements/{batch}", headers=token("velo"))
    assert mine.status_code == 200
    statement = mine.get_json()
    assert statement["member"] == "Atelier Vélo" and statement["member_id"] == velo.id
    assert statement["provisional"] is True
    (line,) = statement["lines"]
    assert line["ordered"] == "20.000" and line["received"] == "0.000"
    assert Decimal(statement["total"]) == Decimal(statement["goods"]) + Decimal(statement["fees"])
    same = client.get(f"/api/v1/statements/{batch}?member_id={velo.id}", headers=token("velo"))
    assert same.get_json() == statement

    theirs = client.get(
        f"/api/v1/statements/{batch}?member_id={epicerie.id}", headers=token("velo")
    )
    assert theirs.status_code == 404
    assert (
        client.get(
            f"/api/v1/statements/{batch}.pdf?member_id={epicerie.id}", headers=token("velo")
        ).status_code
        == 404
    )
    pdf = client.get(f"/api/v1/statements/{batch}.pdf", headers=token("velo"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert f'filename="releve-{batch}-{velo.id}.pdf"' in pdf.headers["Content-Disposition"]
    csv = client.get(f"/api/v1/statements/{batch}.csv", headers=token("velo"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"

    lead = client.get(f"/api/v1/statements/{batch}?member_id={epicerie.id}", headers=token("lead"))
    assert lead.status_code == 200 and lead.get_json()["member"] == "Épicerie du Coin"
    unnamed = client.get(f"/api/v1/statements/{batch}", headers=token("lead"))
    assert unnamed.status_code == 422
    assert error(unnamed)["fields"] == {"member_id": "Name the member company of the statement."}
    french = client.get(
        f"/api/v1/statements/{batch}", headers={**token("lead"), "Accept-Language": "fr"}
    )
    assert error(french)["fields"]["member_id"].startswith("Indiquez l’entreprise membre")
    assert client.get("/api/v1/statements/999999", headers=token("velo")).status_code == 404
