"""The lead settles the imported lines whose catalog product was matched without certainty."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from suppliers.imports import apply_import, plan_import
from suppliers.models import Offer, Product, ProductMatch
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser

PRICE_LIST = (
    "Référence;Désignation;Unité;Conditionnement;Prix unitaire HT;Prix dès 50\n"
    "P-9;Ramette A4 recyclée;ramette;5;4,20;\n"
).encode("cp1252")


@pytest.fixture
def doubtful_import(live_session) -> dict[str, int]:
    """An imported line that could be either ream of recycled paper, waiting for the lead."""
    make = Factory(live_session)
    lead = make.user("lead", email="julien@coop.fr")
    grams_80 = make.product("Ramette papier A4 recyclé 80 g")
    grams_90 = make.product("Ramette papier A4 recyclé 90 g")
    make.product("Savon mains liquide 5 L", unit="l")
    supplier = make.supplier("Papeterie Stanislas")
    plan = plan_import(live_session, supplier.id, PRICE_LIST, "tarifs.csv")
    assert plan.lines[0].product.verdict == "review"
    apply_import(live_session, plan, actor=None)
    live_session.commit()
    return {"lead": lead.id, "80 g": grams_80.id, "90 g": grams_90.id}


def the_offer(session) -> Offer:
    session.expire_all()
    return session.scalars(select(Offer).where(Offer.supplier_ref == "P-9")).one()


def test_the_lead_picks_a_candidate_and_the_line_leaves_the_queue(
    page: Page, live_server: str, live_session, doubtful_import
):
    sign_in(page, live_server, "julien@coop.fr")
    page.get_by_role("link", name="Rapprochements à revoir").click()

    expect(page.get_by_role("heading", name="Rapprochements à revoir")).to_be_visible()
    line = page.locator("section.match").filter(
        has=page.get_by_role("heading", name="Ramette A4 recyclée")
    )
    expect(line).to_contain_text("Papeterie Stanislas · référence P-9")
    expect(line.get_by_role("radio", name="Ramette papier A4 recyclé 80 g")).to_be_checked()
    expect(line.get_by_role("radio", name="Ramette papier A4 recyclé 90 g")).not_to_be_checked()
    line.get_by_role("radio", name="Ramette papier A4 recyclé 90 g").check()
    line.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text("Rapprochement enregistré.")
    expect(page.locator("section.match")).to_have_count(0)
    expect(page.get_by_text("Rien à revoir.")).to_be_visible()
    offer = the_offer(live_session)
    assert offer.product_id == doubtful_import["90 g"]
    match = live_session.scalars(select(ProductMatch)).one()
    assert match.status == "changed"
    assert match.decided_by_id == doubtful_import["lead"]


def test_the_lead_makes_the_line_a_new_product(
    page: Page, live_server: str, live_session, doubtful_import
):
    sign_in(page, live_server, "julien@coop.fr")
    page.goto(f"{live_server}/catalog/matches")
    page.get_by_role("radio", name="Un nouveau produit nommé « Ramette A4 recyclée »").check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text("Rapprochement enregistré.")
    expect(page.get_by_text("Rien à revoir.")).to_be_visible()
    offer = the_offer(live_session)
    assert offer.product.name == "Ramette A4 recyclée"
    assert offer.product_id not in (doubtful_import["80 g"], doubtful_import["90 g"])
    assert live_session.scalars(select(ProductMatch.status)).one() == "new_product"
    assert live_session.scalar(select(Product).where(Product.name == "Ramette A4 recyclée"))
