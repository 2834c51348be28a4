"""A member changes or cancels a need until it is pooled, and sees only their company's needs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Dialog, Page, expect

from purchasing.models import Need
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def stored(session, need_id: int) -> Need:
    session.expire_all()
    need = session.get(Need, need_id)
    assert need is not None
    return need


def test_a_member_changes_the_quantity_of_a_need_and_then_cancels_it(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    member = make.member("Atelier Vélo Solidaire")
    user = make.user("member", member=member, email="claire@atelier.fr")
    paper = make.product("Ramette papier A4 recyclé 80 g")
    need = make.need(member, paper, quantity="10")
    live_session.commit()

    sign_in(page, live_server, user.email)
    page.locator("#needs").get_by_role("link", name="Ramette papier A4 recyclé 80 g").click()
    expect(page.get_by_role("heading", name=f"Besoin n° {need.id}")).to_be_visible()
    page.get_by_role("link", name="Modifier", exact=True).click()

    expect(page.get_by_role("heading", name=f"Modifier le besoin n° {need.id}")).to_be_visible()
    expect(page.get_by_label("Quantité")).to_have_value("10")
    page.get_by_label("Quantité").fill("25")
    page.get_by_role("button", name="Enregistrer le besoin").click()

    expect(page.get_by_role("status")).to_have_text(f"Besoin n° {need.id} modifié.")
    expect(page.locator("dl.facts")).to_contain_text("Quantité25 ramette")
    changed = stored(live_session, need.id)
    assert changed.quantity == Decimal("25")
    assert changed.status == "submitted"
    assert changed.product_id == paper.id

    questions: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Annuler le besoin").click()
    expect(page.get_by_role("button", name="Annuler le besoin")).to_be_visible()
    assert questions == ["Annuler ce besoin ?"]
    assert stored(live_session, need.id).status == "submitted"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler le besoin").click()

    expect(page.get_by_role("status")).to_have_text(f"Besoin n° {need.id} annulé.")
    row = page.locator("#needs tbody tr").filter(has_text="Ramette papier A4 recyclé 80 g")
    expect(row).to_contain_text("annulé")
    assert stored(live_session, need.id).status == "cancelled"

    row.get_by_role("link", name="Ramette papier A4 recyclé 80 g").click()
    expect(page.get_by_role("heading", name=f"Besoin n° {need.id}")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Annuler le besoin")).to_have_count(0)


def test_a_pooled_need_can_no_longer_be_changed_or_cancelled(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    member = make.member("Atelier Vélo Solidaire")
    user = make.user("member", member=member, email="claire@atelier.fr")
    need = make.need(member, make.product("Ramette papier A4 recyclé 80 g"), status="pooled")
    live_session.commit()

    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/needs/{need.id}")
    expect(page.get_by_role("heading", name=f"Besoin n° {need.id}")).to_be_visible()
    expect(page.locator(".toolbar .badge")).to_have_text("mutualisé")
    expect(page.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Annuler le besoin")).to_have_count(0)

    page.goto(f"{live_server}/needs/{need.id}/edit")
    expect(page.get_by_role("status")).to_have_text(
        "Ce besoin est déjà mutualisé et ne peut plus être modifié."
    )
    expect(page.get_by_label("Quantité")).to_have_count(0)
    kept = stored(live_session, need.id)
    assert (kept.status, kept.quantity) == ("pooled", Decimal("10"))


def test_a_member_opening_another_companys_need_sees_only_the_not_found_page(
    page: Page, live_server: str, live_session
):
    make = Factory(live_session)
    user = make.user("member", member=make.member("Atelier Vélo Solidaire"))
    bakery = make.member("Boulangerie du Port")
    flour = make.product("Farine de seigle bio T130", unit="kg")
    need = make.need(bakery, flour, quantity="75", comment="Livraison par la cour arrière")
    live_session.commit()

    sign_in(page, live_server, user.email)
    for path in (f"/needs/{need.id}", f"/needs/{need.id}/edit"):
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", name="404")).to_be_visible()
        expect(page.locator("main")).to_contain_text(
            "Cette page n’existe pas, ou vous n’y avez pas accès."
        )
        shown = page.locator("main").inner_text()
        for secret in ("Boulangerie du Port", "Farine de seigle", "75", "cour arrière"):
            assert secret not in shown
        expect(page.get_by_role("button", name="Annuler le besoin")).to_have_count(0)

    kept = stored(live_session, need.id)
    assert (kept.status, kept.quantity) == ("submitted", Decimal("75"))


def test_a_cancelled_need_gives_its_reason_in_french(page: Page, live_server: str, live_session):
    make = Factory(live_session)
    member = make.member("Atelier Vélo Solidaire")
    user = make.user("member", member=member, email="claire@atelier.fr")
    need = make.need(member, make.product("Ramette papier A4 recyclé 80 g"))
    live_session.commit()

    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/needs/{need.id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler le besoin").click()
    expect(page.get_by_role("status")).to_have_text(f"Besoin n° {need.id} annulé.")
    page.goto(f"{live_server}/needs/{need.id}")
    expect(page.locator(".toolbar .badge")).to_have_text("annulé")
    assert "cancelled" not in page.locator("dl.facts").inner_text()
