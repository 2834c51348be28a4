"""The purchasing lead gives a free-text need its catalog product, so that it can be pooled."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from purchasing.models import Need
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def test_the_lead_matches_a_free_text_need(page: Page, live_server: str, live_session):
    make = Factory(live_session)
    member = make.member("Atelier Vélo Solidaire")
    make.product("Savon mains liquide 5 L", unit="l")
    paper = make.product("Ramette papier A4 recyclé 80 g")
    need = make.need(member, paper, free_text="ramettes papier recyclé")
    need.product = None
    lead = make.user("lead", email="julien@coop.fr")
    live_session.commit()

    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server}/needs/{need.id}")
    panel = page.locator("#match-need")
    expect(panel).to_contain_text("ramettes papier recyclé")
    panel.get_by_label("Ramette papier A4 recyclé 80 g").check()
    panel.get_by_role("button", name="Rapprocher").click()
    expect(page.get_by_role("status")).to_contain_text("sera mutualisé")
    expect(page.locator("#match-need")).to_have_count(0)
    live_session.expire_all()
    assert live_session.get(Need, need.id).product_id == paper.id
