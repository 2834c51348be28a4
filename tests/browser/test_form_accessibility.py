"""The need form with a keyboard and a screen reader: a combobox that says what it shows, fields
that say they are wrong and why, the focus on what to correct, a skip link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def test_the_product_field_is_a_combobox_announcing_its_options(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    user = make.user("member", email="claire@atelier.fr")
    make.product("Ramette papier A4 recyclé 80 g")
    make.product("Ramette papier A3 recyclé 80 g")
    live_session.commit()
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/needs/new")

    field = page.get_by_role("combobox", name="Produit")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.fill("ramette recycl")
    expect(page.get_by_role("listbox")).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#suggestions-status")).to_contain_text("2 suggestions")
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "suggestion-0")
    expect(page.locator("#suggestion-0")).to_have_attribute("aria-selected", "true")
    field.press("Enter")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).not_to_have_attribute("aria-activedescendant", "suggestion-0")


def test_a_refused_form_marks_its_fields_and_takes_the_focus_to_the_summary(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    user = make.user("member", email="claire@atelier.fr")
    live_session.commit()
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/needs/new")
    expect(page.get_by_label("Quantité")).to_have_attribute("aria-required", "true")
    page.get_by_label("Produit").fill("crayons de couleur")
    page.get_by_label("Quantité").fill("-3")
    page.get_by_role("button", name="Envoyer le besoin").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    quantity = page.get_by_label("Quantité")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    described = quantity.get_attribute("aria-describedby") or ""
    assert "quantity-error" in described.split()
    expect(page.locator("#quantity-error")).to_contain_text("supérieure à zéro")
    summary.get_by_role("link", name="Quantité").click()
    expect(quantity).to_be_focused()


def test_a_skip_link_leads_past_the_navigation(page: Page, live_server: str, live_session):
    make = Factory(live_session)
    user = make.user("member", email="claire@atelier.fr")
    live_session.commit()
    sign_in(page, live_server, user.email)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page.locator("main")).to_be_focused()
