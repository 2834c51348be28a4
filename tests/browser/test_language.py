"""The interface is French first; anyone may switch it to English and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from purchasing.models import User
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def stored_locale(session, user_id: int) -> str | None:
    session.expire_all()
    user = session.get(User, user_id)
    assert user is not None
    return user.locale


def test_a_member_switches_to_english_on_every_page_and_back_to_french(
    browser: Browser, page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    user = make.user("member", member=make.member("Atelier Vélo Solidaire"))
    live_session.commit()

    sign_in(page, live_server, user.email)
    expect(page.get_by_role("heading", name="Besoins d’Atelier Vélo Solidaire")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="EN", exact=True).click()

    expect(page.get_by_role("heading", name="Needs of Atelier Vélo Solidaire")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="FR", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="EN", exact=True)).to_have_count(0)
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="My needs")).to_be_visible()
    nav.get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("heading", name="Catalog")).to_be_visible()
    nav.get_by_role("link", name="Suppliers").click()
    expect(page.get_by_role("heading", name="Suppliers")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert stored_locale(live_session, user.id) == "en"

    elsewhere = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        other = elsewhere.new_page()
        sign_in(other, live_server, user.email)
        expect(other.get_by_role("heading", name="Needs of Atelier Vélo Solidaire")).to_be_visible()
    finally:
        elsewhere.close()

    page.get_by_role("button", name="FR", exact=True).click()
    expect(page.get_by_role("heading", name="Fournisseurs")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("navigation").get_by_role("link", name="Mes besoins").click()
    expect(page.get_by_role("heading", name="Besoins d’Atelier Vélo Solidaire")).to_be_visible()
    assert stored_locale(live_session, user.id) == "fr"


def test_a_visitor_reads_the_sign_in_page_in_english_until_switching_back(
    page: Page, live_server: str
):
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    page.get_by_role("button", name="EN", exact=True).click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_role("button", name="FR", exact=True).click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page.get_by_label("Courriel")).to_be_visible()
