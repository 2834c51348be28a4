"""In the browser: the lead issues a received batch's invoices from the batch page after the
confirmation, follows the issuing (a job of the scheduler) on a page that refreshes itself and
passes axe on a phone, and the member, on a phone, reads its account and downloads its
invoice."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from money.models import MemberInvoice
from persistence import create_engine_for, make_session_factory
from scheduling.jobs import work_jobs
from tests.browser.pages import menu, sign_in
from tests.browser.test_accessibility import AXE, WCAG
from tests.conftest import Factory
from tests.money.billing_setup import received_batch

pytestmark = pytest.mark.browser


def test_the_lead_issues_a_batch_invoices_and_the_member_sees_its_account(
    page: Page, live_server: str, live_session, live_database: str
):
    engine = create_engine_for(live_database)
    sessions = make_session_factory(engine)
    received = received_batch(live_session, Factory(live_session), sessions)
    sign_in(page, live_server, received.lead.email)
    page.goto(f"{live_server}/batches/{received.batch.id}")
    page.get_by_role("link", name="Émettre les factures du lot").click()
    expect(page.locator("#invoice-count")).to_contain_text("2 factures seront émises")
    page.get_by_role("button", name="Émettre les factures").click()

    # The request only queued the issuing: the page follows the job, on a phone too.
    expect(page.locator("h1")).to_have_text("Émission des factures du lot n° 1")
    expect(page.locator("#job-state")).to_contain_text("En attente du planificateur")
    assert _invoices(live_session) == 0
    page.set_viewport_size({"width": 360, "height": 740})
    assert _violations(page) == [] and _width(page) <= 360
    assert work_jobs(sessions) >= 1  # the scheduler's turn
    engine.dispose()
    expect(page.locator("#job-state")).to_contain_text(
        "2 factures émises et envoyées aux membres.", timeout=10_000
    )  # the page refreshed itself once the job was done
    assert _invoices(live_session) == 2
    assert _violations(page) == [] and _width(page) <= 360
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Voir les factures").click()
    expect(page.locator("table.invoices tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Se déconnecter").click()

    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, received.users[0].email)
    menu(page).get_by_role("link", name="Mon compte").click()
    expect(page.locator("h1")).to_contain_text("Mon compte")
    expect(page.locator("table.invoices tbody tr")).to_have_count(1)
    expect(page.locator("#account-due")).not_to_have_text("0,00 €")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the account page is {width} px wide on a 360 px phone"
    with page.expect_download() as download:
        page.locator("table.invoices").get_by_role("link", name="PDF FA-").click()
    assert download.value.suggested_filename.startswith("FA-")


def _invoices(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(MemberInvoice)) or 0


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def _violations(page: Page) -> list[str]:
    """axe's serious and critical WCAG 2.1 A/AA violations on the page."""
    page.evaluate(AXE)
    return list(
        page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
            ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.help)",
            WCAG,
        )
    )
