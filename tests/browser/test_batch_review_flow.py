"""The lead reviews a batch: runs a greener scenario, compares it with the first, computes the
frontier, approves one; the member then sees the need allocated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from persistence import make_session_factory
from purchasing.models import Batch
from scheduling.jobs import work_jobs
from tests.browser.pages import sign_in
from tests.conftest import Factory
from tests.purchasing.test_batch_review import a_closed_batch

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("COACHAT_SCREENSHOTS", "")
"""A folder to save the batch page's screenshots in (docs/screenshots for the README)."""


def no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_lead_compares_two_scenarios_computes_the_frontier_and_approves_one(
    page: Page, browser: Browser, live_server: str, live_session
):
    make = Factory(live_session)
    sessions = make_session_factory(live_session.get_bind())
    coop = a_closed_batch(live_session, make, sessions)
    make.user("lead", name="Camille Martin", email="camille@coop.fr")
    member_user = make.user("member", member=coop.atelier, email="claire@atelier.fr")
    live_session.commit()

    sign_in(page, live_server, "camille@coop.fr")
    page.get_by_role("link", name="Lots", exact=True).click()
    expect(page.locator("#batches")).to_contain_text("en attente de décision")
    page.get_by_role("link", name=f"Examiner le lot n° {coop.batch_id}").click()
    expect(page.get_by_role("heading", name=f"Lot n° {coop.batch_id}")).to_be_visible()
    expect(page.locator("#scenario")).to_contain_text("Papeterie Lorraine")
    expect(page.locator("#scenario")).to_contain_text("Ensuite : ESAT Les Ateliers Verts")

    # a second scenario, greener
    expect(page.get_by_label("Poids du coût (%)")).to_have_value("60")
    page.get_by_label("Poids du coût (%)").fill("10")
    page.get_by_label("Poids du délai (%)").fill("0")
    page.get_by_label("Poids de l’écologie (%)").fill("90")
    page.get_by_role("button", name="Calculer ce scénario").click()
    expect(page.get_by_role("status")).to_have_text("Le scénario 2 est en cours de calcul.")
    expect(page.locator("#scenario")).to_contain_text("Le scénario 2 est en cours de calcul")
    expect(page.locator("#scenario-row-2 progress")).to_be_visible()
    assert work_jobs(sessions) == 1
    # the page polls the job and reloads itself once it is done
    expect(page.get_by_role("heading", name="Scénarios côte à côte")).to_be_visible()
    expect(page.locator("#scenario")).to_contain_text("ESAT Les Ateliers Verts")

    compare = page.locator("#compare")
    expect(compare.locator("tr[data-metric=eco_score]")).to_contain_text("diffère")
    esat = compare.locator(".compare-suppliers tbody tr")
    expect(esat.locator("th")).to_have_text("ESAT Les Ateliers Verts")
    expect(esat.locator("td")).to_have_text(["non utilisé", "utilisé"])
    expect(compare.locator(".compare-needs tbody tr")).to_have_count(2)

    # the frontier
    page.get_by_role("button", name="Calculer la frontière").click()
    expect(page.locator("#frontier progress")).to_be_attached()
    work_jobs(sessions)
    chart = page.get_by_role("img", name="Coût et écologie")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="Scénario 2")).to_have_count(1)
    page.get_by_text("Les chiffres du graphique").click()
    expect(page.locator(".frontier-points")).to_contain_text("Scénario 1")

    page.set_viewport_size({"width": 1280, "height": 900})
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / "batch.png"), full_page=True)
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        assert no_sideways_scrolling(page), f"the page scrolls sideways at {width} px"
    if SCREENSHOTS:
        page.set_viewport_size({"width": 390, "height": 800})
        page.screenshot(path=str(Path(SCREENSHOTS) / "batch-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # the decision
    page.locator("#decision").get_by_label("Scénario 2").check()
    page.get_by_role("button", name="Approuver ce scénario").click()
    # nothing is decided before the lead has read what follows
    expect(page.locator("#consequences")).to_contain_text("bons de commande seront créés")
    page.get_by_role("button", name="Approuver le scénario 2").click()
    expect(page.get_by_role("status")).to_contain_text("Scénario 2 approuvé")
    expect(page.locator("#batch-status")).to_have_text("approuvé")
    expect(page.get_by_role("button", name="Approuver ce scénario")).to_have_count(0)
    live_session.expire_all()
    batch = live_session.get(Batch, coop.batch_id)
    assert batch.status == "approved" and batch.chosen.number == 2

    # the member sees the need allocated
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    member_page = context.new_page()
    sign_in(member_page, live_server, member_user.email)
    row = member_page.locator("#needs tbody tr").filter(has_text="Ramette papier A4 recyclé 80 g")
    expect(row).to_contain_text("attribué")
    response = member_page.goto(f"{live_server}/batches/{coop.batch_id}")
    assert response is not None and response.status == 403
    context.close()
