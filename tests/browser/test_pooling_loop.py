"""The pooling loop in the browser, with the real scheduler working in the background: members
submit needs, the lead closes the round by hand, the scheduler closes the next one at its
cut-off, the lead runs a second scenario, compares, looks at the frontier and approves; the
member then sees the need allocated with its price."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from persistence import utcnow
from purchasing.models import Batch, Round
from purchasing.rounds.rounds import ensure_open_round
from suppliers.models import PriceTier
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def submit(
    page: Page,
    base: str,
    email: str,
    typed: str,
    product: str,
    quantity: str,
    day,
    *,
    tolerance: str = "0",
):
    sign_in(page, base, email)
    page.get_by_role("link", name="Nouveau besoin").first.click()
    page.get_by_label("Produit").fill(typed)
    page.get_by_role("option", name=product).click()
    page.get_by_label("Quantité").fill(quantity)
    page.get_by_label("Tolérance (%)").fill(tolerance)
    page.get_by_label("À livrer avant le").fill(day.isoformat())
    page.get_by_role("button", name="Envoyer le besoin").click()
    expect(page.locator(".flash").first).to_contain_text("envoyé")


@pytest.mark.long
def test_members_pool_the_lead_closes_compares_and_approves(
    browser: Browser, page: Page, live_server: str, live_session, scheduler, today
):
    make = Factory(live_session)
    atelier = make.member("Atelier Vélo Solidaire")
    bakery = make.member("Boulangerie du Port")
    claire = make.user("member", member=atelier, email="claire@atelier.fr")
    make.user("member", member=bakery, email="paul@boulangerie.fr")
    make.user("lead", name="Camille Martin", email="camille@coop.fr")
    paper = make.product("Ramette papier A4 recyclé 80 g")
    cheap = make.supplier("Papeterie Lorraine")
    green = make.supplier("ESAT Les Ateliers Verts", social_economy="ESAT")
    offer = make.offer(paper, cheap, price="2.40", lead_time_days=2)
    offer.tiers.append(PriceTier(min_quantity=Decimal(60), unit_price=Decimal("2.10")))
    make.offer(paper, green, price="2.90", lead_time_days=3, recycled_content=100)
    ensure_open_round(live_session)
    live_session.commit()

    # Two members submit; the second sees where the group stands against the next tier.
    # Claire accepts up to 15 % more, so that the group can reach the next tier.
    submit(
        page, live_server, claire.email, "ramette recycl", paper.name, "40", today + timedelta(20),
        tolerance="15",
    )  # fmt: skip
    member = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    paul = "paul@boulangerie.fr"
    submit(member, live_server, paul, "ramette", paper.name, "15", today + timedelta(25))
    expect(member.locator("#open-round")).to_contain_text(
        "encore 5 ramettes et le groupe passe à 2,10 € au lieu de 2,40 €"
    )

    # The lead closes the round by hand; the scheduler pools it and optimises the batch.
    lead = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    sign_in(lead, live_server, "camille@coop.fr")
    expect(lead.get_by_role("heading", name="Groupement", exact=True)).to_be_visible()
    expect(lead.locator("#open-round .card").first).to_contain_text("besoins à grouper")
    expect(lead.locator("#open-round .card .value").first).to_have_text("2")
    lead.get_by_role("link", name="Clore ce tour maintenant").click()
    expect(lead.locator("#consequences")).to_contain_text("2 besoins de 2 membres seront regroupés")
    lead.get_by_role("button", name="Clore le tour").click()
    expect(lead.locator(".flash").first).to_contain_text("en cours de clôture")
    # jobs.js reloads the page once the scheduler has closed the round
    expect(lead.locator("#batches-waiting")).to_contain_text("Lot n°", timeout=60_000)

    # A member submits in the next round, whose cut-off then comes: the scheduler meets it by
    # itself.
    make.need(bakery, paper, quantity="8")
    live_session.commit()
    live_session.expire_all()
    following = live_session.scalar(select(Round).where(Round.status == "open"))
    following.cutoff_at = utcnow()
    live_session.commit()
    for _ in range(600):
        live_session.expire_all()
        if live_session.scalar(select(func.count(Batch.id))) == 2:
            break
        page.wait_for_timeout(100)
    assert live_session.get(Round, following.id).status == "closed"

    # The lead reviews the first batch, runs a greener scenario and compares the two.
    first = live_session.scalar(select(Batch).order_by(Batch.id))
    lead.goto(f"{live_server}/batches/{first.id}")
    expect(lead.locator("#scenario")).to_contain_text("Papeterie Lorraine", timeout=60_000)
    lead.get_by_label("Poids du coût (%)").fill("10")
    lead.get_by_label("Poids du délai (%)").fill("0")
    lead.get_by_label("Poids de l’écologie (%)").fill("90")
    lead.get_by_role("button", name="Calculer ce scénario").click()
    expect(lead.get_by_role("heading", name="Scénarios côte à côte")).to_be_visible(timeout=60_000)
    expect(lead.locator("#compare")).to_contain_text("ESAT Les Ateliers Verts")

    # The frontier, computed by the scheduler, drawn with the scenarios on it.
    lead.get_by_role("button", name="Calculer la frontière").click()
    chart = lead.get_by_role("img", name="Coût et écologie")
    expect(chart).to_be_visible(timeout=60_000)
    expect(chart.locator("text", has_text="Scénario 2")).to_have_count(1)

    lead.locator("#decision").get_by_label("Scénario 1").check()
    lead.get_by_role("button", name="Approuver ce scénario").click()
    lead.get_by_role("button", name="Approuver le scénario 1").click()
    expect(lead.locator("#batch-status")).to_have_text("approuvé")

    # The member sees the need allocated, with the price the group reached.
    page.goto(f"{live_server}/needs/")
    row = page.locator("#needs tbody tr").filter(has_text=paper.name)
    expect(row).to_contain_text("attribué")
    expect(row).to_contain_text("2,10")
