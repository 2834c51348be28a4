"""The admin declares the cooperative's collection point on a member's sites; the lead has the
suppliers deliver there, reads the round trips behind the transport CO2, on a desktop and on a
phone; the member reads its share on its statement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from infrastructure.figures import co2_text
from persistence import make_session_factory
from purchasing.batches.batches import approve_batch
from purchasing.models import Batch, DeliverySite
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def test_suppliers_deliver_to_the_collection_point_and_everyone_reads_the_round_trips(
    page: Page, browser: Browser, live_server: str, live_session
):
    make = Factory(live_session)
    make.user("admin", email="awa@coop.fr")
    lead = make.user("lead", email="camille@coop.fr")
    workshop = make.member("Atelier Vélo Solidaire")
    make.user("member", member=workshop, email="claire@atelier.fr")
    grocery = make.member("Épicerie Vrac & Co")
    grocery.sites[0].town, grocery.sites[0].latitude = "Malzéville", 48.7122
    recyclerie = make.member("Recyclerie du Plateau", town="Vandœuvre-lès-Nancy")
    depot = recyclerie.sites[0]
    depot.latitude, depot.longitude = 48.6567, 6.1683
    paper = make.product("Ramette papier A4 recyclé 80 g")
    make.offer(paper, make.supplier("Papeterie Lorraine"), price="4.00", lead_time_days=2)
    make.need(workshop, paper, quantity="20")
    make.need(grocery, paper, quantity="30")
    live_session.commit()

    # The admin makes the ressourcerie's site the collection point.
    sign_in(page, live_server, "awa@coop.fr")
    page.get_by_role("link", name="Membres").click()
    expect(page.locator("#collection-point")).to_contain_text("Aucun point de collecte")
    page.get_by_role("link", name="Recyclerie du Plateau").click()
    page.get_by_role("button", name="En faire le point de collecte (Siège)").click()
    expect(page.locator(".flash").first).to_contain_text("est désormais le point de collecte")
    expect(page.locator("#sites tbody tr").first).to_contain_text("point de collecte")
    live_session.expire_all()
    assert live_session.get(DeliverySite, depot.id).collection_point

    # The round closes as the scheduler would; the lead asks for delivery to the point.
    sessions = make_session_factory(live_session.get_bind())
    closed = close_round(live_session, actor=None)
    live_session.commit()
    assert work_jobs(sessions) == 1
    lead_page = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    sign_in(lead_page, live_server, "camille@coop.fr")
    lead_page.goto(f"{live_server}/batches/{closed.batch_id}")
    expect(lead_page.locator("#transport")).to_have_text("Transport : d’où vient le CO2")
    expect(lead_page.locator("#collection-point-hint")).to_contain_text("Siège · Recyclerie")
    lead_page.get_by_label("Livrer au point de collecte").check()
    lead_page.get_by_role("button", name="Calculer ce scénario").click()
    expect(lead_page.get_by_role("status")).to_have_text("Le scénario 2 est en cours de calcul.")
    assert work_jobs(sessions) == 1
    expect(lead_page.locator("#scenario-row-2")).to_contain_text("livré au point de collecte")
    tours = lead_page.locator("#scenario table.tours")
    expect(tours).to_contain_text("Retrait par Épicerie Vrac & Co")
    expect(tours).to_contain_text("Retrait par Atelier Vélo Solidaire")

    # On a phone, the round trips read without scrolling sideways.
    lead_page.set_viewport_size({"width": 360, "height": 800})
    lead_page.reload()
    width = lead_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    expect(lead_page.locator("#scenario table.tours tbody tr").first).to_be_visible()

    # Approved, the member reads its share of each round trip on its statement.
    approve_batch(live_session, closed.batch_id, "2", actor=lead)
    live_session.commit()
    member_page = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 800}
    ).new_page()
    sign_in(member_page, live_server, "claire@atelier.fr")
    member_page.goto(f"{live_server}/statements/{closed.batch_id}/{workshop.id}")
    section = member_page.locator("#transport")
    expect(section).to_contain_text("Livraison par Papeterie Lorraine")
    expect(section).to_contain_text("Retrait par Atelier Vélo Solidaire")
    expect(section).not_to_contain_text("Épicerie")
    result = live_session.scalar(select(Batch).where(Batch.id == closed.batch_id)).chosen.result
    mine = next(row for row in result["members"] if row["member"] == str(workshop.id))
    # kilograms of CO2 to one decimal, as every page shows them
    expect(section).to_contain_text(co2_text(Decimal(mine["co2_kg"])))
