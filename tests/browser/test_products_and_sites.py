"""The lead creates and merges products; the admin adds and closes a member's delivery site."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from purchasing.models import DeliverySite, Need
from suppliers.models import Category, Product
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def test_the_lead_creates_a_product_and_merges_a_twin_into_it(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    make.user("lead", email="camille@coop.fr")
    live_session.add(Category(name="Ménage"))
    twin = make.product("Eponges vegetales x3", unit="pack")
    need = make.need(make.member(), twin, unit="pack")
    live_session.commit()

    sign_in(page, live_server, "camille@coop.fr")
    page.goto(f"{live_server}/catalog/products")
    page.get_by_role("link", name="Nouveau produit").click()
    page.get_by_label("Nom").fill("Éponges végétales (lot de 3)")
    page.get_by_label("Catégorie").select_option(label="Ménage")
    page.get_by_label("Unité").select_option(label="paquet")
    page.get_by_role("button", name="Enregistrer le produit").click()
    expect(page.get_by_role("heading", name="Éponges végétales (lot de 3)")).to_be_visible()

    page.get_by_text("Fusionner un autre produit dans celui-ci").click()
    page.get_by_label("Produit à fusionner dans celui-ci").select_option(label=twin.name)
    page.get_by_role("button", name="Fusionner").click()
    expect(page.locator(".flash").first).to_contain_text("1 besoins déplacés")
    live_session.expire_all()
    kept = live_session.scalar(select(Product).where(Product.name.like("Éponges%")))
    assert live_session.get(Need, need.id).product_id == kept.id
    assert not live_session.get(Product, twin.id).active


def test_the_admin_adds_a_delivery_site_and_closes_it(page: Page, live_server: str, live_session):
    make = Factory(live_session)
    make.user("admin", email="awa@coop.fr")
    member = make.member("Atelier Vélo Solidaire")
    live_session.commit()

    sign_in(page, live_server, "awa@coop.fr")
    page.goto(f"{live_server}/admin/members/{member.id}")
    page.get_by_role("link", name="Ajouter un site").click()
    page.get_by_label("Nom du site").fill("Atelier mobile")
    page.get_by_label("Commune").fill("Nancy")
    page.get_by_label("Latitude").fill("48,6975")
    page.get_by_label("Longitude").fill("6,185")
    page.get_by_role("button", name="Enregistrer").click()
    row = page.locator("#sites tbody tr").filter(has_text="Atelier mobile")
    expect(row).to_contain_text("ouvert")
    row.get_by_role("button", name="Fermer").click()
    expect(page.locator("#sites tbody tr").filter(has_text="Atelier mobile")).to_contain_text(
        "clos"
    )
    live_session.expire_all()
    site = live_session.scalar(select(DeliverySite).where(DeliverySite.name == "Atelier mobile"))
    assert site is not None and not site.active
