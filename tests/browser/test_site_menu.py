"""The site's menu: on a phone its links fold behind a "Menu" button, so that a page starts with
its content; on a wide screen, and without JavaScript, every link shows in the header."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from purchasing.models import User
from tests.browser.pages import menu, sign_in, violations
from tests.conftest import Factory

pytestmark = pytest.mark.browser

# An administrator is a lead too: the longest menu there is.
ADMIN_LINKS = [
    "Groupement", "Besoins", "Lots", "Appels d’offres", "Commandes",
    "Factures", "Factures fournisseurs", "Encaissements", "Paiements fournisseurs", "Comptabilité",
    "Catalogue", "Fournisseurs", "Importer une liste de prix", "Rapprochements à revoir",
    "Journal", "Membres", "Utilisateurs", "La coopérative", "Facturation", "Jetons d’API",
]  # fmt: skip
GROUPS = ["Achats", "Argent", "Catalogue", "Administration"]


@pytest.fixture
def admin(live_session) -> User:
    user = Factory(live_session).user("admin", email="admin@coop.fr", name="Sophie Admin")
    live_session.commit()
    return user


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 360, "height": 800})
    return page


@pytest.fixture
def screen(page: Page) -> Page:
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def shown_links(page: Page) -> list[str]:
    """The texts of the header's menu links a person can see (the hidden ones have no box)."""
    texts: list[str] = page.evaluate(
        "[...document.querySelectorAll('header nav a')]"
        ".filter(a => a.getClientRects().length > 0).map(a => a.textContent.trim())"
    )
    return texts


def test_on_a_phone_the_links_wait_behind_the_menu_button(phone: Page, live_server, admin):
    sign_in(phone, live_server, admin.email)
    phone.goto(f"{live_server}/batches/")
    button = phone.get_by_role("button", name="Menu", exact=True)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    assert phone.locator("header nav a").count() == len(ADMIN_LINKS)
    assert shown_links(phone) == []
    # closed, the page's title is on the first screen, just below the header
    title = phone.get_by_role("heading", level=1).bounding_box()
    assert title is not None and title["y"] < 200, title
    assert violations(phone) == []

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    assert shown_links(phone) == ADMIN_LINKS
    for name in GROUPS:
        expect(phone.get_by_role("group", name=name)).to_be_visible()
    assert violations(phone) == []
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    assert shown_links(phone) == []

    # From the keyboard: into the menu, then Escape closes it and the focus is back on the button.
    button.focus()
    phone.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Groupement")).to_be_focused()
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Besoins", exact=True)).to_be_focused()
    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    assert shown_links(phone) == []
    assert violations(phone) == []

    menu(phone).get_by_role("link", name="Utilisateurs").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
    expect(button).to_have_attribute("aria-expanded", "false")  # a new page starts closed


def test_on_a_wide_screen_every_link_shows_and_the_button_does_not(
    screen: Page, live_server, admin
):
    sign_in(screen, live_server, admin.email)
    screen.goto(f"{live_server}/batches/")
    expect(screen.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
    assert shown_links(screen) == ADMIN_LINKS
    # the group headings are there for screen readers, out of sight
    expect(screen.get_by_role("group", name="Achats")).to_be_visible()
    heading = screen.locator(".menu-heading", has_text="Achats").bounding_box()
    assert heading is not None and heading["width"] <= 1
    assert violations(screen) == []
    menu(screen).get_by_role("link", name="Lots", exact=True).click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Lots")


def test_without_javascript_every_link_stays_in_view_on_a_phone(
    browser: Browser, live_server, admin
):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 360, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, live_server, admin.email)
    expect(page.locator(".menu-toggle")).to_be_hidden()
    assert shown_links(page) == ADMIN_LINKS
    context.close()


def test_a_members_short_menu_folds_without_group_headings(phone: Page, live_server, live_session):
    make = Factory(live_session)
    user = make.user("member", member=make.member("Atelier Vélo Solidaire"))
    live_session.commit()
    sign_in(phone, live_server, user.email)
    assert shown_links(phone) == []
    menu(phone)
    assert shown_links(phone) == [
        "Mes besoins", "Nouveau besoin", "Mon compte", "Catalogue", "Fournisseurs", "Jetons d’API"
    ]  # fmt: skip
    expect(phone.get_by_role("group")).to_have_count(0)
    assert violations(phone) == []
