"""A member submits, changes and cancels needs; bad input is refused and stores nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.models import Need


@pytest.fixture
def member_user(make):
    return make.user("member", name="Claire")


@pytest.fixture
def product(make):
    return make.product("Ramette papier A4 recyclé 80 g")


def form(product, member_user, today, **changes):
    values = {
        "product_id": str(product.id),
        "free_text": product.name,
        "quantity": "40",
        "unit": "ream",
        "tolerance_percent": "5",
        "needed_by": (today + timedelta(days=30)).isoformat(),
        "delivery_site_id": str(member_user.member.sites[0].id),
        "price_ceiling": "4,50",
        "comment": "Pour l'atelier",
    }
    values.update(changes)
    return values


def count_needs(session):
    session.expire_all()
    return session.scalar(select(func.count(Need.id)))


def test_a_submitted_need_is_stored_for_the_members_company(
    signed_in, member_user, product, session, today
):
    client = signed_in(member_user)
    response = client.post("/needs/new", data=form(product, member_user, today))
    assert response.status_code == 302
    need = session.scalars(select(Need)).one()
    assert need.member_id == member_user.member_id
    assert need.product_id == product.id
    assert str(need.quantity) == "40.000"
    assert str(need.price_ceiling) == "4.5000"
    assert need.status == "submitted"
    assert need.needed_by == today + timedelta(days=30)
    dashboard = client.get("/needs/").get_data(as_text=True)
    assert "Ramette papier A4 recyclé 80 g" in dashboard


def test_free_text_is_kept_when_nothing_in_the_catalog_fits(
    signed_in, member_user, product, session, today
):
    client = signed_in(member_user)
    data = form(product, member_user, today, product_id="", free_text="filtres à café n°4")
    assert client.post("/needs/new", data=data).status_code == 302
    need = session.scalars(select(Need)).one()
    assert need.product_id is None
    assert need.free_text == "filtres à café n°4"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": "0"}, "supérieure à zéro"),
        ({"quantity": "-5"}, "supérieure à zéro"),
        ({"quantity": "beaucoup"}, "en chiffres"),
        ({"quantity": "99999999"}, "1 000 000"),
        ({"needed_by": "2001-01-01"}, "après aujourd"),
        ({"needed_by": "demain"}, "JJ/MM/AAAA"),
        ({"product_id": "", "free_text": ""}, "produit du catalogue"),
        ({"product_id": "999999"}, "pas au catalogue"),
        ({"comment": "x" * 10_000}, "2000 caractères"),
        ({"tolerance_percent": "150"}, "entre 0 et 100"),
        ({"price_ceiling": "-1"}, "plafond"),
        ({"delivery_site_id": "999999"}, "sites de livraison"),
        # reams are counted: 2,5 reams cannot be shipped
        ({"quantity": "2,5"}, "se compte à l’unité (il se livre par 1) : saisissez un nombre"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    signed_in, member_user, product, session, today, changes, message
):
    client = signed_in(member_user)
    response = client.post("/needs/new", data=form(product, member_user, today, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_needs(session) == 0


def test_a_member_cannot_open_or_change_another_companys_need(
    signed_in, make, member_user, product, session, today
):
    other = make.member("Brasserie Voisine")
    need = make.need(other, product, comment="secret recipe malt")
    client = signed_in(member_user)
    for response in (
        client.get(f"/needs/{need.id}"),
        client.get(f"/needs/{need.id}/edit"),
        client.post(f"/needs/{need.id}/edit", data=form(product, member_user, today, quantity="1")),
        client.post(f"/needs/{need.id}/cancel"),
    ):
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "secret recipe malt" not in body and "Brasserie Voisine" not in body
    assert "Brasserie Voisine" not in client.get("/needs/").get_data(as_text=True)
    session.expire_all()
    assert session.get(Need, need.id).status == "submitted"
    assert str(session.get(Need, need.id).quantity) == "10.000"


def test_a_need_can_be_changed_then_cancelled_until_it_is_pooled(
    signed_in, make, member_user, product, session, today
):
    coffee = make.product("Café en grains", unit="kg", shipping_step=Decimal("0.5"))
    need = make.need(member_user.member, coffee)
    pooled = make.need(member_user.member, product, status="pooled")
    client = signed_in(member_user)
    response = client.post(
        f"/needs/{need.id}/edit", data=form(coffee, member_user, today, quantity="12,5")
    )
    assert response.status_code == 302
    assert client.post(f"/needs/{need.id}/cancel").status_code == 302
    client.post(f"/needs/{pooled.id}/edit", data=form(product, member_user, today, quantity="1"))
    client.post(f"/needs/{pooled.id}/cancel")
    session.expire_all()
    changed = session.get(Need, need.id)
    assert (str(changed.quantity), changed.status) == ("12.500", "cancelled")
    untouched = session.get(Need, pooled.id)
    assert (str(untouched.quantity), untouched.status) == ("10.000", "pooled")


def test_a_lead_sees_every_members_needs(signed_in, make, product):
    first, second = make.member("Atelier Un"), make.member("Atelier Deux")
    make.need(first, product)
    make.need(second, product)
    client = signed_in(make.user("lead"))
    page = client.get("/needs/").get_data(as_text=True)
    assert "Atelier Un" in page and "Atelier Deux" in page


def test_suggestions_rank_catalog_products_as_the_member_types(signed_in, make, member_user):
    make.product("Ramette papier A4 recyclé 80 g")
    make.product("Savon mains liquide 5 L", unit="l")
    client = signed_in(member_user)
    suggestions = client.get("/catalog/suggest?q=ramette recyclé").get_json()["suggestions"]
    assert suggestions[0]["name"] == "Ramette papier A4 recyclé 80 g"
    assert all(s["name"] != "Savon mains liquide 5 L" for s in suggestions[:1])


def test_the_lead_matches_a_free_text_need_to_a_catalog_product(signed_in, make, session):
    member = make.member("Atelier Un")
    paper = make.product("Ramette papier A4 recyclé 80 g")
    need = make.need(member, paper, free_text="ramettes recyclées", comment="urgent")
    need.product = None
    session.flush()
    client = signed_in(make.user("lead"))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Rapprocher ce besoin" in page and "Ramette papier A4 recyclé 80 g" in page
    response = client.post(f"/needs/{need.id}/match", data={"product_id": str(paper.id)})
    assert response.status_code == 302
    session.expire_all()
    matched = session.get(Need, need.id)
    assert matched.product_id == paper.id and matched.free_text == ""
    assert matched.comment.startswith("« ramettes recyclées »") and "urgent" in matched.comment
    again = client.post(f"/needs/{need.id}/match", data={"product_id": str(paper.id)})
    assert "déjà un produit du catalogue" in client.get(again.location).get_data(as_text=True)


def test_a_member_cannot_match_needs(signed_in, make, member_user, session):
    paper = make.product()
    need = make.need(member_user.member, paper, free_text="papier")
    need.product = None
    session.flush()
    client = signed_in(member_user)
    assert (
        client.post(f"/needs/{need.id}/match", data={"product_id": str(paper.id)}).status_code
        == 403
    )
    assert "Rapprocher ce besoin" not in client.get(f"/needs/{need.id}").get_data(as_text=True)
    session.expire_all()
    assert session.get(Need, need.id).product_id is None


def test_the_dashboard_counts_the_companys_needs_by_status(signed_in, make, member_user, product):
    make.need(member_user.member, product)
    make.need(member_user.member, product)
    make.need(member_user.member, product, status="cancelled")
    make.need(make.member("Voisin"), product)
    page = signed_in(member_user).get("/needs/").get_data(as_text=True)
    cards = dict(
        (label.strip(), value)
        for value, label in re.findall(
            r'<div class="value">(\d+)</div>\s*<div class="label">([^<]*)</div>', page
        )
    )
    assert cards["envoyé"] == "2" and cards["annulé"] == "1" and cards["mutualisé"] == "0"


def test_bulk_is_asked_in_whole_shipping_steps(signed_in, make, member_user, session, today):
    coffee = make.product("Café en grains", unit="kg", shipping_step=Decimal("0.5"))
    client = signed_in(member_user)
    refused = client.post("/needs/new", data=form(coffee, member_user, today, quantity="2,25"))
    assert refused.status_code == 422
    assert "Café en grains se livre par 0,5 : saisissez un multiple de 0,5" in refused.get_data(
        as_text=True
    )
    assert count_needs(session) == 0
    taken = client.post("/needs/new", data=form(coffee, member_user, today, quantity="2,5"))
    assert taken.status_code == 302
    assert count_needs(session) == 1
