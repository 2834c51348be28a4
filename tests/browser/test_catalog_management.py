"""The purchasing lead keeps the catalog: a supplier with its labels, an offer with its tiers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from suppliers.models import Offer, PriceTier, Supplier, SupplierLabel
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def tier(page: Page, row: int, quantity: str, price: str) -> None:
    page.get_by_label(f"À partir de (unités) ({row})", exact=True).fill(quantity)
    page.get_by_label(f"Prix unitaire HT ({row})", exact=True).fill(price)


def test_a_lead_creates_a_supplier_with_a_label_and_its_expiry_date(
    page: Page, live_server: str, live_session, today
):
    make = Factory(live_session)
    lead = make.user("lead", email="julien@coop.fr")
    live_session.commit()
    expiry = today + timedelta(days=400)

    sign_in(page, live_server, lead.email)
    page.get_by_role("navigation").get_by_role("link", name="Fournisseurs", exact=True).click()
    page.get_by_role("link", name="Nouveau fournisseur").click()
    expect(page.get_by_role("heading", name="Nouveau fournisseur")).to_be_visible()
    page.get_by_label("Raison sociale").fill("Papeterie Stanislas")
    page.get_by_label("SIRET").fill("44382906400015")
    page.get_by_label("Statut de l’économie sociale").select_option(label="ESAT — 15 points")
    page.get_by_label("Adresse").fill("12 rue des Dominicains")
    page.get_by_label("Code postal").fill("54000")
    page.get_by_label("Commune").fill("Nancy")
    page.get_by_label("Latitude").fill("48,6921")
    page.get_by_label("Longitude").fill("6,1844")
    page.get_by_label("Frais de livraison par commande, HT").fill("12,50")
    page.get_by_label("Label ou certification").first.fill("Écolabel européen")
    page.get_by_label("Valable jusqu’au").first.fill(expiry.isoformat())
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text("Fournisseur Papeterie Stanislas enregistré.")
    expect(page.get_by_role("heading", name="Papeterie Stanislas")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("12 rue des Dominicains 54000 Nancy")
    expect(facts).to_contain_text("44382906400015")
    expect(facts).to_contain_text("12,50 €")
    label = facts.locator(".badge", has_text="Écolabel européen")
    expect(label).to_have_attribute(
        "title", f"valable jusqu’au {format_date(expiry, 'medium', locale='fr_FR')}"
    )
    expect(facts.locator(".badge", has_text="ESAT")).to_be_visible()

    live_session.expire_all()
    supplier = live_session.scalars(select(Supplier)).one()
    assert (supplier.name, supplier.siret, supplier.postcode, supplier.town) == (
        "Papeterie Stanislas",
        "44382906400015",
        "54000",
        "Nancy",
    )
    assert (supplier.latitude, supplier.longitude) == pytest.approx((48.6921, 6.1844))
    assert supplier.delivery_fee == Decimal("12.50")
    assert supplier.social_economy == "ESAT"
    assert [(label.name, label.expires_on) for label in supplier.labels] == [
        ("Écolabel européen", expiry)
    ]


def test_a_lead_adds_an_offer_with_two_tiers_and_finds_its_eco_score_on_the_product_page(
    page: Page, live_server: str, live_session, today
):
    make = Factory(live_session)
    lead = make.user("lead", email="julien@coop.fr")
    make.member("Atelier Vélo Solidaire", latitude=48.69, longitude=6.18)
    paper = make.product("Ramette papier A4 recyclé 80 g")
    supplier = make.supplier(
        "Papeterie Stanislas",
        town="Nancy",
        latitude=48.69,
        longitude=6.18,
        social_economy="ESAT",
        labels=[SupplierLabel(name="Écolabel européen", expires_on=today + timedelta(days=400))],
    )
    live_session.commit()

    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server}/catalog/suppliers/{supplier.id}")
    expect(page.locator("#offers")).to_contain_text("Ce fournisseur n’a pas encore d’offre.")
    page.get_by_role("link", name="Nouvelle offre").click()

    expect(page.get_by_role("heading", name="Nouvelle offre")).to_be_visible()
    expect(page.get_by_label("Fournisseur", exact=True)).to_have_value(str(supplier.id))
    page.get_by_label("Produit du catalogue").select_option(label="Ramette papier A4 recyclé 80 g")
    page.get_by_label("Référence fournisseur").fill("PS-80")
    page.get_by_label("Conditionnement (unités)").fill("5")
    page.get_by_label("Matière recyclée (%)").fill("50")
    tier(page, 1, "1", "4,20")
    tier(page, 2, "50", "3,95")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text("Offre PS-80 enregistrée.")
    row = page.locator("#offers tbody tr").filter(has_text="PS-80")
    expect(row).to_contain_text("dès 1 : 4,20 €")
    expect(row).to_contain_text("dès 50 : 3,95 €")
    live_session.expire_all()
    offer = live_session.scalars(select(Offer)).one()
    assert (offer.supplier_id, offer.product_id, offer.supplier_ref) == (
        supplier.id,
        paper.id,
        "PS-80",
    )
    assert (offer.pack_size, offer.recycled_content) == (Decimal(5), 50)
    assert [(t.min_quantity, t.unit_price) for t in offer.tiers] == [
        (Decimal(1), Decimal("4.20")),
        (Decimal(50), Decimal("3.95")),
    ]

    row.get_by_role("link", name="Ramette papier A4 recyclé 80 g").click()
    expect(page.get_by_role("heading", name="Ramette papier A4 recyclé 80 g")).to_be_visible()
    row = page.locator("#offers tbody tr").filter(has_text="PS-80")
    expect(row).to_contain_text("Papeterie Stanislas")
    expect(row).to_contain_text("dès 50 : 3,95 €")
    # Écolabel européen 25 + ESAT 15 + half recycled 10 + delivered next door 30.
    expect(row.locator(".eco")).to_have_text("80/100")
    breakdown = page.locator(f"#eco-{offer.id}")
    expect(breakdown).to_have_attribute("open", "")
    parts = breakdown.locator("tbody tr")
    expect(parts).to_have_count(5)
    expect(parts.nth(0)).to_contain_text("Labels et certifications25/35")
    expect(parts.nth(0)).to_contain_text("Écolabel européen (fournisseur)")
    expect(parts.nth(1)).to_contain_text("Économie sociale et solidaire15/15")
    expect(parts.nth(2)).to_contain_text("Matière recyclée ou réemployée10/20")
    expect(parts.nth(3)).to_contain_text("Transport30/30")
    expect(parts.nth(4)).to_contain_text("Total80/100")


def test_a_rising_second_tier_price_is_refused_next_to_the_field_and_nothing_is_stored(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    lead = make.user("lead", email="julien@coop.fr")
    make.product("Ramette papier A4 recyclé 80 g")
    supplier = make.supplier("Papeterie Stanislas")
    live_session.commit()

    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server}/catalog/offers/new?supplier={supplier.id}")
    page.get_by_label("Produit du catalogue").select_option(label="Ramette papier A4 recyclé 80 g")
    page.get_by_label("Référence fournisseur").fill("PS-80")
    tier(page, 1, "1", "3,95")
    tier(page, 2, "50", "4,20")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text(
        "Rien n’a été enregistré : corrigez les champs signalés ci-dessous."
    )
    second_price = page.get_by_label("Prix unitaire HT (2)", exact=True)
    expect(second_price).to_have_value("4,20")
    expect(second_price.locator("xpath=..").get_by_role("alert")).to_have_text(
        "Acheter plus ne coûte jamais plus cher à l’unité : "
        "ce prix dépasse celui du palier précédent."
    )
    expect(page.get_by_role("alert")).to_have_count(1)
    live_session.expire_all()
    assert live_session.scalar(select(func.count(Offer.id))) == 0
    assert live_session.scalar(select(func.count(PriceTier.id))) == 0


def test_a_member_sees_the_catalog_without_the_leads_links(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    user = make.user("member", email="claire@atelier.fr")
    paper = make.product("Ramette papier A4 recyclé 80 g")
    supplier = make.supplier("Papeterie Stanislas")
    make.offer(paper, supplier, supplier_ref="PS-80")
    live_session.commit()

    sign_in(page, live_server, user.email)
    page.get_by_role("navigation").get_by_role("link", name="Fournisseurs", exact=True).click()
    expect(page.get_by_role("link", name="Papeterie Stanislas")).to_be_visible()
    expect(page.get_by_role("link", name="Nouveau fournisseur")).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Papeterie Stanislas").click()
    expect(page.get_by_role("heading", name="Papeterie Stanislas")).to_be_visible()
    expect(page.locator("#offers")).to_contain_text("PS-80")
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Nouvelle offre")).to_have_count(0)
    expect(page.get_by_role("button", name="Désactiver")).to_have_count(0)

    page.get_by_role("link", name="Ramette papier A4 recyclé 80 g").click()
    expect(page.locator("#offers")).to_contain_text("PS-80")
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Nouvelle offre")).to_have_count(0)

    response = page.goto(f"{live_server}/catalog/offers/new?supplier={supplier.id}")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("Votre rôle ne donne pas accès à cette page.")
    live_session.expire_all()
    assert live_session.scalar(select(func.count(Offer.id))) == 1
