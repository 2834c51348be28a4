"""Purchase orders sent by e-mail in the background, to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from infrastructure.smtp import smtp_settings
from mailing.outbox import MAX_ATTEMPTS
from persistence import utcnow
from persistence.audit import AuditEvent
from purchasing.batches.batches import batch_for
from purchasing.errors import Conflict, Invalid
from purchasing.models import Batch, Need, OrderEmail, PurchaseOrder
from purchasing.orders.mail import EmailOff, resend_order, send_orders
from scheduling.jobs import work_jobs
from tests.purchasing.orders_setup import approved_batch, closed_batch, pdf_text
from tests.smtp_server import SmtpServer, attachments, send_all


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def link(order: PurchaseOrder) -> str:
    return f"https://coachat.example/s/{order.number}/token"


def _send(session, approved):
    queued = send_orders(
        session, approved.batch.id, actor=approved.lead, link_for=link, settings=smtp_settings()
    )
    session.commit()
    return queued


def test_each_order_arrives_once_with_its_pdf_and_csv(session, sessions, smtp, approved):
    assert len(_send(session, approved)) == 2
    assert _send(session, approved) == []  # asking twice sends once
    assert send_all(sessions) >= 2
    assert work_jobs(sessions) == 0
    assert len(smtp.inbox.messages) == 2
    first = smtp.inbox.messages[0]
    number = approved.orders(session)[0].number
    assert first["Subject"].startswith(f"Bon de commande {number}")
    assert smtp.inbox.recipients[0] == ["commandes@papeterie.example"]
    files = attachments(first)
    assert set(files) == {f"{number}.pdf", f"{number}.csv"}
    assert files[f"{number}.pdf"].startswith(b"%PDF")
    body = first.get_body(preferencelist=("plain",)) if hasattr(first, "get_body") else None
    text = (body or first).as_string()
    assert f"https://coachat.example/s/{number}/token" in text
    session.expire_all()
    assert {o.status for o in approved.orders(session)} == {"sent"}
    assert session.get(Batch, approved.batch.id).status == "ordered"
    assert set(session.scalars(select(Need.status))) == {"ordered"}


def test_the_send_waits_and_retries_while_the_server_is_down(
    session, sessions, monkeypatch, approved
):
    down = SmtpServer()  # not started: nothing listens on its port
    for name, value in down.environment().items():
        monkeypatch.setenv(name, value)
    _send(session, approved)
    assert work_jobs(sessions) == 2
    session.expire_all()
    emails = list(session.scalars(select(OrderEmail).order_by(OrderEmail.id)))
    assert {e.status for e in emails} == {"waiting"}
    assert all("Connection" in e.last_error or "refused" in e.last_error for e in emails)
    assert {o.status for o in approved.orders(session)} == {"draft"}
    assert work_jobs(sessions) == 0  # not before its time
    down.start()
    try:
        assert work_jobs(sessions, now=utcnow() + timedelta(minutes=2)) >= 2
        send_all(sessions)
        assert len(down.inbox.messages) == 2
    finally:
        down.stop()
    session.expire_all()
    assert {e.status for e in session.scalars(select(OrderEmail))} == {"sent"}
    assert {o.status for o in approved.orders(session)} == {"sent"}


def test_a_server_that_refuses_is_tried_again_then_the_email_fails(
    session, sessions, smtp, approved
):
    smtp.inbox.refuse = True
    _send(session, approved)
    later = utcnow()
    for _attempt in range(MAX_ATTEMPTS):
        work_jobs(sessions, now=later)
        later += timedelta(hours=4)
    session.expire_all()
    emails = list(session.scalars(select(OrderEmail)))
    assert {e.status for e in emails} == {"failed"}
    assert all(e.attempts == MAX_ATTEMPTS and "451" in e.last_error for e in emails)
    assert smtp.inbox.messages == []
    smtp.inbox.refuse = False
    order = approved.orders(session)[0]
    resend_order(session, order.id, actor=approved.lead, link_for=link, settings=smtp_settings())
    session.commit()
    send_all(sessions)
    assert len(smtp.inbox.messages) == 1


def test_sending_again_is_an_explicit_act_in_the_audit_trail(session, sessions, smtp, approved):
    _send(session, approved)
    send_all(sessions)
    order = approved.orders(session)[0]
    resend_order(session, order.id, actor=approved.lead, link_for=link, settings=smtp_settings())
    session.commit()
    with pytest.raises(Conflict):
        resend_order(
            session, order.id, actor=approved.lead, link_for=link, settings=smtp_settings()
        )
    session.rollback()
    send_all(sessions)
    assert len(smtp.inbox.messages) == 3
    resends = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.resend")
    )
    assert resends == 1


def test_the_orders_of_a_batch_not_approved_cannot_be_sent(session, make, sessions, smtp):
    batch, lead, *_ = closed_batch(session, make, sessions)
    with pytest.raises(Conflict):
        send_orders(session, batch.id, actor=lead, link_for=link, settings=smtp_settings())
    session.rollback()
    assert batch_for(session, batch.id).status == "proposed"
    assert session.scalar(select(func.count(OrderEmail.id))) == 0


def test_without_smtp_the_lead_is_told_email_is_off(session, approved):
    with pytest.raises(EmailOff):
        send_orders(session, approved.batch.id, actor=approved.lead, link_for=link, settings=None)


def test_a_supplier_without_an_address_stops_the_sending(session, smtp, approved):
    approved.suppliers[1].contact_email = ""
    session.commit()
    with pytest.raises(Invalid) as refused:
        _send(session, approved)
    assert "Droguerie Verte" in refused.value.message.render()
    session.rollback()
    assert session.scalar(select(func.count(OrderEmail.id))) == 0


def test_an_order_email_is_dated_and_answers_go_to_the_cooperative(session, make, sessions, smtp):
    from purchasing.people.cooperative import read_cooperative, update_cooperative

    record = {"name": "Coachat Grand Nancy", "email": "achats@grand-nancy.example"}
    update_cooperative(session, read_cooperative(record), actor=None)
    approved = approved_batch(session, make, sessions)
    before = utcnow().replace(microsecond=0)
    _send(session, approved)
    send_all(sessions)
    first = smtp.inbox.messages[0]
    assert before <= first["Date"].datetime <= utcnow()
    assert first["Reply-To"].addresses[0].addr_spec == "achats@grand-nancy.example"
    assert first["From"].addresses[0].display_name == "Coachat Grand Nancy"
    assert first["Message-ID"]


def test_an_order_sent_again_carries_the_documents_it_was_issued_with(
    session, sessions, smtp, approved
):
    from purchasing.people.cooperative import read_cooperative, update_cooperative

    _send(session, approved)
    send_all(sessions)
    order = approved.orders(session)[0]
    update_cooperative(session, read_cooperative({"name": "Un autre nom"}), actor=None)
    resend_order(session, order.id, actor=approved.lead, link_for=link, settings=smtp_settings())
    session.commit()
    send_all(sessions)
    first, *_others, again = smtp.inbox.messages
    name = f"{order.number}.pdf"
    assert attachments(again)[name] == attachments(first)[name]
    assert "Un autre nom" not in pdf_text(attachments(again)[name])
    assert again["From"].addresses[0].display_name == "Un autre nom"


def test_an_order_email_queued_before_contents_were_stored_is_composed_as_it_goes(
    session, sessions, smtp, approved
):
    queued = _send(session, approved)
    for email in queued:  # as the migration leaves an e-mail still queued or waiting
        email.outgoing.body = None
        email.outgoing.subject = ""
        email.outgoing.attachments = []
    session.commit()
    send_all(sessions)
    assert len(smtp.inbox.messages) == 2
    number = approved.orders(session)[0].number
    first = smtp.inbox.messages[0]
    assert first["Subject"].startswith(f"Bon de commande {number}")
    assert set(attachments(first)) == {f"{number}.pdf", f"{number}.csv"}
    assert f"https://coachat.example/s/{number}/token" in first.get_body(("plain",)).get_content()
    session.expire_all()
    assert {o.status for o in approved.orders(session)} == {"sent"}


def test_the_supplier_receives_the_order_x_pdf_the_order_keeps(session, sessions, smtp, approved):
    import facturx

    from purchasing.models import IssuedOrder

    _send(session, approved)
    send_all(sessions)
    session.expire_all()
    for order, message in zip(approved.orders(session), smtp.inbox.messages, strict=True):
        received = attachments(message)
        issued = session.get(IssuedOrder, order.id)
        assert received[f"{order.number}.pdf"] == issued.pdf
        assert received[f"{order.number}.csv"] == issued.csv
        name, xml = facturx.get_orderx_xml_from_pdf(issued.pdf, check_xsd=True)
        assert name == "order-x.xml"
        assert f"<ram:ID>{order.number}</ram:ID>".encode() in xml
        assert f"<ram:GrandTotalAmount>{order.total_incl_vat:.2f}<".encode() in xml
