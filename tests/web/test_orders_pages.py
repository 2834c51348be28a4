"""The lead's purchase orders and deliveries, the supplier's answer page, members' statements,
the audit page and the `coachat orders` commands."""

from __future__ import annotations

import html

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from infrastructure.smtp import smtp_settings
from mailing.models import OutgoingEmail
from persistence.audit import AuditEvent
from purchasing.models import Delivery, OrderEmail, PurchaseOrder
from purchasing.orders.confirmations import answer_token
from purchasing.orders.orders import mark_sent_by_hand
from purchasing.statements.statements import statement_for
from scheduling.jobs import work_jobs
from tests.conftest import page_words
from tests.purchasing.orders_setup import approved_batch, closed_batch
from tests.smtp_server import SmtpServer, send_all

SECRET = "test-secret-key-0123456789"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _orders(session, batch_id):
    return list(
        session.scalars(
            select(PurchaseOrder)
            .where(PurchaseOrder.batch_id == batch_id)
            .order_by(PurchaseOrder.sequence)
        )
    )


def test_the_batch_page_lists_its_orders_and_the_lead_downloads_them(
    client, signed_in, session, make, sessions
):
    approved = approved_batch(session, make, sessions)
    signed_in(approved.lead)
    page = client.get(f"/batches/{approved.batch.id}")
    order = _orders(session, approved.batch.id)[0]
    assert order.number in text(page) and "Bons de commande" in text(page)
    assert "L’envoi par e-mail est désactivé" in text(page)
    pdf = client.get(f"/orders/{order.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert f'filename="{order.number}.pdf"' in pdf.headers["Content-Disposition"]
    csv = client.get(f"/orders/{order.id}.csv")
    assert csv.data.startswith("\ufeff".encode())
    assert client.get(f"/orders/{order.id}").status_code == 200


def test_members_cannot_see_orders(client, signed_in, session, make, sessions):
    approved = approved_batch(session, make, sessions)
    signed_in(approved.users[0])
    order = _orders(session, approved.batch.id)[0]
    assert client.get(f"/orders/{order.id}.pdf").status_code == 403
    assert client.get("/audit").status_code == 403


def test_without_smtp_sending_says_email_is_off(client, signed_in, session, make, sessions):
    approved = approved_batch(session, make, sessions)
    signed_in(approved.lead)
    response = client.post(f"/batches/{approved.batch.id}/orders/send", follow_redirects=True)
    assert "L’envoi par e-mail est désactivé" in text(response)
    assert session.scalar(select(func.count(OrderEmail.id))) == 0


def test_the_lead_sends_the_orders_and_the_page_says_when_the_server_is_down(
    app, client, signed_in, session, make, sessions, monkeypatch
):
    server = SmtpServer()  # not started: the server is down
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    app.config["SMTP"] = smtp_settings()
    approved = approved_batch(session, make, sessions)
    signed_in(approved.lead)
    response = client.post(f"/batches/{approved.batch.id}/orders/send", follow_redirects=True)
    assert "2 bons de commande sont en cours d’envoi" in text(response)
    work_jobs(sessions)
    order = _orders(session, approved.batch.id)[0]
    page = client.get(f"/orders/{order.id}")
    assert "en attente d’une nouvelle tentative" in text(page) and "rien n’est perdu" in text(page)
    email = session.scalar(select(OrderEmail).where(OrderEmail.order_id == order.id))
    assert "/s/" + order.number + "/" in email.link


def test_an_email_interrupted_while_going_out_says_so_and_offers_to_send_again(
    app, client, signed_in, session, make, sessions
):
    app.config["SMTP"] = smtp_settings(SmtpServer().environment())
    approved = approved_batch(session, make, sessions)
    order = _orders(session, approved.batch.id)[0]
    session.add(
        OrderEmail(
            order_id=order.id,
            outgoing=OutgoingEmail(
                idempotency_key=f"purchase_order/{order.id}/1",
                recipient="commandes@papeterie.example",
                status="uncertain",
                attempts=1,
                last_error="the sender stopped while the SMTP server was receiving it",
            ),
        )
    )
    signed_in(approved.lead)
    page = text(client.get(f"/orders/{order.id}"))
    assert "le courriel est peut-être arrivé" in page
    assert "demandez au fournisseur si le bon est arrivé" in page
    assert "Renvoyer l’e-mail" in page


def test_the_orders_of_a_batch_not_approved_are_not_sent(
    app, client, signed_in, session, make, sessions
):
    app.config["SMTP"] = smtp_settings(SmtpServer().environment())
    batch, lead, *_ = closed_batch(session, make, sessions)
    signed_in(lead)
    response = client.post(f"/batches/{batch.id}/orders/send", follow_redirects=True)
    assert "Seuls les bons de commande d’un lot approuvé" in text(response)
    assert session.scalar(select(func.count(OrderEmail.id))) == 0


def _sent(session, make, sessions):
    approved = approved_batch(session, make, sessions)
    for order in _orders(session, approved.batch.id):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    return approved


def test_the_supplier_confirms_through_the_link_without_an_account(client, session, make, sessions):
    approved = _sent(session, make, sessions)
    order = _orders(session, approved.batch.id)[0]
    url = f"/s/{order.number}/{answer_token(order, SECRET)}"
    page = client.get(url)
    assert page.status_code == 200 and "Ramette A4 recyclée 80 g" in text(page)
    done = client.post(url, data={"answer": "confirm"})
    assert "la commande est confirmée" in text(done)
    session.refresh(order)
    assert order.supplier_answer == "confirmed"
    again = client.post(url, data={"answer": "confirm"})
    assert again.status_code == 403 and "déjà reçu une réponse" in text(again)


@pytest.mark.parametrize("spoil", ["token", "number"])
def test_a_tampered_link_or_changed_number_is_refused(client, session, make, sessions, spoil):
    approved = _sent(session, make, sessions)
    first, second = _orders(session, approved.batch.id)
    token = answer_token(first, SECRET)
    number = first.number
    if spoil == "token":
        token = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    else:
        number = second.number
    response = client.post(f"/s/{number}/{token}", data={"answer": "confirm"})
    assert response.status_code == 403
    assert "Ce lien n’est pas valable" in text(response)
    session.expire_all()
    assert {o.supplier_answer for o in _orders(session, approved.batch.id)} == {""}


def test_the_supplier_says_what_it_can_deliver_and_the_lead_accepts(
    client, signed_in, session, make, sessions
):
    approved = _sent(session, make, sessions)
    order = _orders(session, approved.batch.id)[0]
    line = order.lines[0]
    url = f"/s/{order.number}/{answer_token(order, SECRET)}"
    refused = client.post(url, data={"answer": "change", f"quantity-{line.id}": "80"})
    assert refused.status_code == 422
    assert "plus que les 50 unités commandées" in text(refused)
    client.post(url, data={"answer": "change", f"quantity-{line.id}": "40", "note": "Rupture"})
    signed_in(approved.lead)
    batch_page = client.get(f"/batches/{approved.batch.id}")
    assert "modification proposée par le fournisseur" in text(batch_page)
    client.post(f"/orders/{order.id}/accept")
    session.expire_all()
    assert _orders(session, approved.batch.id)[0].lines[0].quantity == 40


def test_a_delivery_with_a_negative_quantity_is_refused_and_stores_nothing(
    client, signed_in, session, make, sessions
):
    approved = _sent(session, make, sessions)
    order = _orders(session, approved.batch.id)[0]
    line = order.lines[0]
    site = approved.members[0].sites[0].id
    signed_in(approved.lead)
    response = client.post(
        f"/orders/{order.id}/deliveries",
        data={"site_id": site, "line_id": line.id, f"received-{line.id}": "-3"},
    )
    assert response.status_code == 422
    assert "ne peut pas être négative" in text(response)
    too_many = client.post(
        f"/orders/{order.id}/deliveries",
        data={"site_id": site, "line_id": line.id, f"received-{line.id}": "25"},
    )
    assert too_many.status_code == 422 and "ajoutez une note" in text(too_many)
    assert session.scalar(select(func.count(Delivery.id))) == 0
    ok = client.post(
        f"/orders/{order.id}/deliveries",
        data={"site_id": site, "line_id": line.id, f"received-{line.id}": "15"},
    )
    assert ok.status_code == 302
    assert session.scalar(select(func.count(Delivery.id))) == 1


def test_an_order_not_sent_cannot_be_received(client, signed_in, session, make, sessions):
    approved = approved_batch(session, make, sessions)
    order = _orders(session, approved.batch.id)[0]
    line = order.lines[0]
    signed_in(approved.lead)
    response = client.post(
        f"/orders/{order.id}/deliveries",
        data={
            "site_id": approved.members[0].sites[0].id,
            "line_id": line.id,
            f"received-{line.id}": "20",
        },
        follow_redirects=True,
    )
    assert "n’a pas été envoyé" in text(response)
    assert session.scalar(select(func.count(Delivery.id))) == 0


def test_a_member_sees_its_statement_and_its_dashboard_totals_not_anothers(
    client, signed_in, session, make, sessions
):
    approved = _sent(session, make, sessions)
    first, second = approved.members
    signed_in(approved.users[0])
    page = client.get(f"/statements/{approved.batch.id}/{first.id}")
    assert page.status_code == 200 and "Économisé grâce au groupement" in text(page)
    assert client.get(f"/statements/{approved.batch.id}/{second.id}").status_code == 404
    pdf = client.get(f"/statements/{approved.batch.id}/{first.id}.pdf")
    assert pdf.data.startswith(b"%PDF")
    dashboard = client.get("/needs/")
    assert "Ce que le groupement vous a apporté" in text(dashboard) and "need-paths" in text(
        dashboard
    )


def money_fr(amount) -> str:
    """An amount under a thousand euros as a French page shows it."""
    return f"{amount:.2f} €".replace(".", ",")


def test_a_needs_goods_and_its_total_with_fees_are_labelled_apart(
    client, signed_in, session, make, sessions
):
    approved = _sent(session, make, sessions)
    first = approved.members[0]
    signed_in(approved.users[0])
    statement = statement_for(session, approved.batch.id, first.id)
    line = statement.lines[0]
    assert line.shares > 0  # the two figures differ: each must say what it is
    goods, total = money_fr(line.goods), money_fr(line.goods + line.shares)
    page = page_words(client.get(f"/statements/{approved.batch.id}/{first.id}"))
    assert "Produits HT Part des frais et de la livraison" in page
    assert f"{goods} {money_fr(line.shares)}" in page
    dashboard = page_words(client.get("/needs/"))
    assert f"produits {goods}, {total} avec frais et livraison" in dashboard
    rows = client.get(f"/statements/{approved.batch.id}/{first.id}.csv").data.decode("utf-8-sig")
    assert "Produits HT;Part des frais et de la livraison HT" in rows


def test_the_accountant_gets_every_statement_of_a_batch(client, signed_in, session, make, sessions):
    approved = _sent(session, make, sessions)
    signed_in(approved.lead)
    data = client.get(f"/batches/{approved.batch.id}/statements.csv").data.decode("utf-8-sig")
    assert "Atelier Vélo" in data and "Épicerie du Coin" in data and ";" in data


def test_the_audit_page_filters_and_exports(client, signed_in, session, make, sessions):
    approved = _sent(session, make, sessions)
    signed_in(approved.lead)
    page = client.get("/audit?action=order.sent_by_hand")
    assert "<td>a marqué un bon de commande envoyé</td>" in text(page)
    assert "<td>a approuvé un lot</td>" not in text(page)
    exported = client.get(f"/audit?person={approved.lead.id}&format=csv")
    exported_text = exported.data.decode("utf-8-sig")
    assert exported_text.startswith("Date;Personne;Action") and "Julien Marchal" in exported_text
    assert client.get("/audit?since=31/02/2027").status_code == 200


def test_the_command_line_lists_sends_and_writes_orders(
    session, make, sessions, database_url, monkeypatch, tmp_path
):
    from web.cli import main

    approved = approved_batch(session, make, sessions)
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    listed = runner.invoke(main, ["orders", "list", "--batch", str(approved.batch.id)])
    assert listed.exit_code == 0 and "Papeterie de l'Est" in listed.output
    order = _orders(session, approved.batch.id)[0]
    target = tmp_path / "order.pdf"
    written = runner.invoke(main, ["orders", "pdf", str(order.id), "-o", str(target)])
    assert written.exit_code == 0 and target.read_bytes().startswith(b"%PDF")
    off = runner.invoke(main, ["orders", "send", "--batch", str(approved.batch.id)])
    assert off.exit_code == 2 and "E-mail is off" in off.output
    server = SmtpServer().start()
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        sent = runner.invoke(
            main, ["orders", "send", "--batch", str(approved.batch.id), "--as", "lead@example.org"]
        )
        assert sent.exit_code == 0, sent.output
        assert "queued for commandes@papeterie.example" in sent.output
        send_all(sessions)
        assert len(server.inbox.messages) == 2
    finally:
        server.stop()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "order.send"))
    assert event.user_id == approved.lead.id
    missing = runner.invoke(main, ["orders", "pdf", "9999", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1
