"""In the browser: the lead issues a received batch's invoices from the batch page after the
confirmation, and the member, on a phone, reads its account and downloads its invoice."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from persistence import create_engine_for, make_session_factory
from tests.browser.pages import sign_in
from tests.conftest import Factory
from tests.money.billing_setup import received_batch

pytestmark = pytest.mark.browser


def test_the_lead_issues_a_batch_invoices_and_the_member_sees_its_account(
    page: Page, live_server: str, live_session, live_database: str
):
    engine = create_engine_for(live_database)
    received = received_batch(live_session, Factory(live_session), make_session_factory(engine))
    engine.dispose()
    sign_in(page, live_server, received.lead.email)
    page.goto(f"{live_server}/batches/{received.batch.id}")
    page.get_by_role("link", name="Émettre les factures du lot").click()
    expect(page.locator("#invoice-count")).to_contain_text("2 factures seront émises")
    page.get_by_role("button", name="Émettre les factures").click()
    expect(page.locator(".flash").first).to_contain_text("2 factures émises")
    expect(page.locator("table.invoices tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Se déconnecter").click()

    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, received.users[0].email)
    page.get_by_role("link", name="Mon compte").click()
    expect(page.locator("h1")).to_contain_text("Mon compte")
    expect(page.locator("table.invoices tbody tr")).to_have_count(1)
    expect(page.locator("#account-due")).not_to_have_text("0,00 €")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the account page is {width} px wide on a 360 px phone"
    with page.expect_download() as download:
        page.locator("table.invoices").get_by_role("link", name="PDF FA-").click()
    assert download.value.suggested_filename.startswith("FA-")
