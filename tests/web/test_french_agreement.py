"""French plurals and agreement on the pages the first French pass did not cover, one
apostrophe throughout, numbers in forms as French people type them, and the audit trail in
words."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path

from babel.messages.pofile import read_po

from purchasing.clock import cooperative_today
from purchasing.orders.orders import mark_sent_by_hand
from tests.purchasing.orders_setup import approved_batch
from tests.purchasing.test_batch_review import a_closed_batch

PO = Path(__file__).resolve().parents[2] / "web/translations/fr/LC_MESSAGES/messages.po"


def words(response) -> str:
    page = response.get_data(as_text=True)
    page = page[page.index("<main") :]
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u202f", " ").split())


def test_french_texts_use_one_apostrophe():
    with PO.open("rb") as file:
        catalog = read_po(file, locale="fr")
    straight = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if re.search(r"\w'\w", text)
    ]
    assert straight == []


def test_batch_tables_give_units_in_the_plural(session, make, sessions, signed_in):
    coop = a_closed_batch(session, make, sessions)
    lead = make.user("lead")
    shown = words(signed_in(lead).get(f"/batches/{coop.batch_id}"))
    assert re.search(r"\b40 ramettes\b", shown) and not re.search(r"\b40 ramette\b", shown)
    assert "points éco" in shown or "point éco" in shown
    assert not re.search(r"[+-]?\b[01] points éco", shown)


def test_the_open_round_on_the_dashboard_agrees_with_its_members(signed_in, make, session):
    product = make.product("Gobelets compostables", unit="unit")
    make.offer(product=product, price="0.10")
    alone, other = make.member("Atelier Vélo"), make.member("Épicerie du Coin")
    make.need(alone, product, quantity="2", unit="unit")
    page = words(signed_in(make.user("member", member=alone)).get("/needs/"))
    assert "votre entreprise seule demande 2 unités pour l’instant" in page
    make.need(other, product, quantity="8000", unit="unit")
    page = words(signed_in(make.user("member", member=alone)).get("/needs/"))
    assert "2 membres regroupent 8 002 unités" in page


def test_a_statement_says_one_missing_in_the_singular(client, signed_in, session, make, sessions):
    from sqlalchemy import select

    from purchasing.models import PurchaseOrder
    from purchasing.orders.deliveries import DeliveryLineValues, DeliveryValues, record_delivery

    approved = approved_batch(session, make, sessions)
    order = session.scalars(
        select(PurchaseOrder).where(PurchaseOrder.batch_id == approved.batch.id)
    ).first()
    mark_sent_by_hand(session, order.id, actor=approved.lead)
    line = order.lines[0]
    share = next(a for a in approved.batch.allocations if a.offer_id == line.offer_id)
    site, got = share.need.delivery_site_id, share.quantity
    record_delivery(
        session,
        order.id,
        DeliveryValues(
            site_id=site,
            received_on=cooperative_today().strftime("%d/%m/%Y"),
            note="",
            lines=[
                DeliveryLineValues(
                    line_id=line.id,
                    received=str(got - 1),
                    missing="1",
                    damaged="",
                    substituted="",
                    note="",
                )
            ],
        ),
        actor=approved.lead,
    )
    session.commit()
    page = words(signed_in(approved.lead).get(f"/orders/{order.id}"))
    assert "1 manquant" in page and "1 manquants" not in page


def test_an_account_saved_elides_before_a_vowel(signed_in, make):
    admin = make.user("admin")
    user = make.user("member", name="Inès Moreau", email="ines@example.org")
    client = signed_in(admin)
    answer = client.post(
        f"/admin/users/{user.id}",
        data={
            "name": "Inès",
            "email": "ines@example.org",
            "role": "member",
            "member_id": str(user.member_id),
            "active": "y",
        },
        follow_redirects=True,
    )
    assert "Compte d’Inès enregistré." in words(answer)


def test_the_need_form_shows_a_price_ceiling_as_french_people_write_it(signed_in, make):
    member = make.member()
    need = make.need(
        member,
        make.product(),
        quantity="12.5",
        price_ceiling="4.5",
        needed_by=date.today() + timedelta(days=30),
    )
    page = signed_in(make.user("member", member=member)).get(f"/needs/{need.id}/edit")
    text = page.get_data(as_text=True)
    assert 'value="4,50"' in text and 'value="12,5"' in text


def test_the_need_form_says_one_suggestion_in_the_singular(signed_in, make):
    page = signed_in(make.user("member", member=make.member())).get("/needs/new")
    text = html.unescape(page.get_data(as_text=True))
    assert 'data-one="%(count)s suggestion : choisissez' in text
    assert 'data-some="%(count)s suggestions : choisissez' in text


def test_the_audit_trail_says_each_action_and_detail_in_words(
    client, signed_in, session, make, sessions
):
    approved = approved_batch(session, make, sessions)
    signed_in(approved.lead)
    page = words(client.get("/audit"))
    for raw in ("user.login", "order.create", "purchase_order", "batch.approve", "{", "}"):
        assert raw not in page
    assert "a ouvert une session" in page
    assert "a créé un bon de commande" in page or "a établi un bon de commande" in page
    assert re.search(r"bon de commande BC-\d{4}-\d{4}", page)
    assert "lot n° " in page and "scénario 1" in page and "total HT " in page


def test_every_recorded_action_has_words():
    from web.audit.labels import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    recorded = set()
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"record_event\((.*?)\)", text, flags=re.S):
            recorded |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
    recorded |= {"product_match." + s for s in ("confirmed", "changed", "new_product")}
    assert recorded and recorded - set(ACTION_LABELS) == set()
