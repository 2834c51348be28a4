"""The lead's decisions that cannot be taken back (closing a round by hand, approving a batch,
rejecting it, accepting a supplier's change) are asked for on a page that says what will follow;
opening that page changes nothing, and the page's own button does the deed."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from persistence.jobs import Job
from purchasing.models import Batch, PurchaseOrder
from purchasing.orders.confirmations import answer_token
from purchasing.orders.orders import mark_sent_by_hand
from purchasing.rounds.rounds import ensure_open_round
from tests.purchasing.orders_setup import approved_batch, closed_batch

SECRET = "test-secret-key-0123456789"


def text(response) -> str:
    page = response.get_data(as_text=True)
    page = page[page.index("<main") :]
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def forms(response) -> list[str]:
    return re.findall(r"<form[^>]*>", response.get_data(as_text=True))


def test_closing_a_round_is_confirmed_on_a_page_that_says_what_follows(signed_in, make, session):
    lead = make.user("lead")
    product = make.product("Ramette A4 recyclée")
    make.offer(product=product, price="2.40")
    make.need(make.member("Atelier Vélo"), product, quantity="12")
    make.need(make.member("Épicerie du Coin"), product, quantity="8")
    opened = ensure_open_round(session)
    session.commit()
    client = signed_in(lead)
    home = client.get("/rounds/")
    assert f'href="/rounds/{opened.id}/close"' in home.get_data(as_text=True)
    assert not any("/close" in form for form in forms(home))

    asked = client.get(f"/rounds/{opened.id}/close")
    assert asked.status_code == 200
    shown = text(asked)
    assert "2 besoins de 2 membres seront regroupés en un lot" in shown
    assert "le lot attend ensuite votre approbation" in shown
    assert session.scalar(select(func.count(Job.id))) == 0

    assert client.post(f"/rounds/{opened.id}/close").status_code == 302
    assert session.scalar(select(func.count(Job.id)).where(Job.kind == "close_round")) == 1


def test_approving_is_confirmed_with_the_orders_it_makes(signed_in, session, make, sessions):
    batch, lead, *_ = closed_batch(session, make, sessions)
    session.commit()
    client = signed_in(lead)
    page = client.get(f"/batches/{batch.id}")
    assert f'<form method="get" action="/batches/{batch.id}/approve"' in page.get_data(as_text=True)
    assert f'href="/batches/{batch.id}/reject"' in page.get_data(as_text=True)

    asked = client.get(f"/batches/{batch.id}/approve?scenario=1")
    assert asked.status_code == 200
    shown = text(asked)
    assert "Approuver le scénario 1 du lot n° " in shown
    assert "2 bons de commande seront créés, un par fournisseur" in shown
    assert "besoins sont entièrement servis" in shown or "besoin est entièrement servi" in shown
    session.expire_all()
    assert session.get(Batch, batch.id).status == "proposed"
    assert session.scalar(select(func.count(PurchaseOrder.id))) == 0

    done = client.post(f"/batches/{batch.id}/approve", data={"scenario": "1"})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Batch, batch.id).status == "approved"
    assert session.scalar(select(func.count(PurchaseOrder.id))) == 2
    # Once decided, the confirmation page sends the lead back to the batch.
    assert client.get(f"/batches/{batch.id}/approve").status_code == 302


def test_rejecting_is_confirmed_with_the_needs_that_go_back(signed_in, session, make, sessions):
    batch, lead, *_ = closed_batch(session, make, sessions)
    session.commit()
    client = signed_in(lead)
    asked = client.get(f"/batches/{batch.id}/reject")
    assert asked.status_code == 200
    assert "besoins retournent au tour suivant" in text(asked)
    empty = client.post(f"/batches/{batch.id}/reject", data={"comment": " "})
    assert empty.status_code == 422
    assert "Refuser le lot n°" in text(empty) and "indiquez pourquoi" in text(empty)
    session.expire_all()
    assert session.get(Batch, batch.id).status == "proposed"
    client.post(f"/batches/{batch.id}/reject", data={"comment": "Trop cher"})
    session.expire_all()
    assert session.get(Batch, batch.id).status == "rejected"


def test_accepting_a_suppliers_change_is_confirmed_with_the_new_quantities(
    client, signed_in, session, make, sessions
):
    approved = approved_batch(session, make, sessions)
    orders = list(
        session.scalars(select(PurchaseOrder).where(PurchaseOrder.batch_id == approved.batch.id))
    )
    for order in orders:
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    order = min(orders, key=lambda o: o.sequence)
    line = order.lines[0]
    url = f"/s/{order.number}/{answer_token(order, SECRET)}"
    client.post(url, data={"answer": "change", f"quantity-{line.id}": "40", "note": "Rupture"})
    signed_in(approved.lead)
    page = client.get(f"/orders/{order.id}")
    assert f'href="/orders/{order.id}/accept"' in page.get_data(as_text=True)

    asked = client.get(f"/orders/{order.id}/accept")
    assert asked.status_code == 200
    shown = text(asked)
    assert "Ramette A4 recyclée 80 g : 50 ramettes deviennent 40 ramettes." in shown
    assert "coupées en proportion" in shown
    session.expire_all()
    assert session.get(PurchaseOrder, order.id).lines[0].quantity == 50

    client.post(f"/orders/{order.id}/accept")
    session.expire_all()
    assert session.get(PurchaseOrder, order.id).lines[0].quantity == 40
    assert client.get(f"/orders/{order.id}/accept").status_code == 302
