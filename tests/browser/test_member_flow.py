"""A member signs in, submits a need with a catalog suggestion, and sees it on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from purchasing.models import Need
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser


def test_a_member_submits_a_need_and_finds_it_on_the_dashboard(
    page: Page, live_server: str, live_session, today
):
    make = Factory(live_session)
    member = make.member("Atelier Vélo Solidaire")
    user = make.user("member", member=member, email="claire@atelier.fr")
    make.product("Ramette papier A4 recyclé 80 g")
    make.product("Savon mains liquide 5 L", unit="l")
    live_session.commit()

    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Besoins d’Atelier Vélo Solidaire")).to_be_visible()

    page.get_by_role("link", name="Nouveau besoin").first.click()
    page.get_by_label("Produit").fill("ramette recycl")
    suggestion = page.get_by_role("option", name="Ramette papier A4 recyclé 80 g")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator("#chosen-product")).to_contain_text("Produit du catalogue choisi")
    page.get_by_label("Quantité").fill("40")
    page.get_by_label("À livrer avant le").fill((today + timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Envoyer le besoin").click()

    expect(page.get_by_role("status")).to_contain_text("envoyé")
    row = page.locator("#needs tbody tr").first
    expect(row).to_contain_text("Ramette papier A4 recyclé 80 g")
    expect(row).to_contain_text("40")
    expect(row).to_contain_text("envoyé")

    live_session.expire_all()
    need = live_session.scalars(select(Need)).one()
    assert need.product is not None and need.product.name == "Ramette papier A4 recyclé 80 g"
    assert need.member_id == member.id


def test_a_bad_quantity_is_shown_next_to_the_field_and_nothing_is_stored(
    page: Page, live_server: str, live_session, today
):
    make = Factory(live_session)
    user = make.user("member", email="paul@atelier.fr")
    live_session.commit()
    page.goto(f"{live_server}/login")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.goto(f"{live_server}/needs/new")
    page.get_by_label("Produit").fill("bâche de chantier")
    page.get_by_label("Quantité").fill("-3")
    page.get_by_label("À livrer avant le").fill((today + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Envoyer le besoin").click()
    expect(page.get_by_role("alert").first).to_contain_text("supérieure à zéro")
    live_session.expire_all()
    assert live_session.scalars(select(Need)).all() == []
