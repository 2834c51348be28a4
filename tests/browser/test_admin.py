"""The administrator adds member companies and the people who sign in for them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from purchasing.models import Member, User
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def fill_member(page: Page, siret: str) -> None:
    page.get_by_label("Raison sociale").fill("Recyclerie des Trois Maisons")
    page.get_by_label("SIRET").fill(siret)
    page.get_by_label("Activité").fill("Réemploi")
    page.get_by_label("Adresse").fill("5 rue de la Hache")
    page.get_by_label("Code postal").fill("54000")
    page.get_by_label("Commune").fill("Nancy")
    page.get_by_label("Latitude").fill("48.6921")
    page.get_by_label("Longitude").fill("6.1844")


@pytest.fixture
def admin(live_session) -> User:
    user = Factory(live_session).user("admin", email="admin@coop.fr", name="Sophie Admin")
    live_session.commit()
    return user


def test_an_admin_adds_a_member_company(page: Page, live_server: str, live_session, admin):
    sign_in(page, live_server, admin.email)
    expect(page.get_by_role("heading", name="Entreprises membres")).to_be_visible()
    page.get_by_role("link", name="Nouveau membre").click()
    expect(page.get_by_role("heading", name="Nouveau membre")).to_be_visible()
    fill_member(page, "73282932000074")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text(
        "Membre Recyclerie des Trois Maisons enregistré."
    )
    row = page.locator("tbody tr").filter(has_text="Recyclerie des Trois Maisons")
    expect(row).to_contain_text("73282932000074")
    expect(row).to_contain_text("54000 Nancy")
    expect(row).to_contain_text("Réemploi")
    live_session.expire_all()
    member = live_session.scalars(select(Member)).one()
    assert (member.name, member.siret, member.postcode, member.town, member.activity) == (
        "Recyclerie des Trois Maisons",
        "73282932000074",
        "54000",
        "Nancy",
        "Réemploi",
    )
    assert (member.latitude, member.longitude) == pytest.approx((48.6921, 6.1844))
    assert [(site.name, site.town) for site in member.sites] == [("Siège", "Nancy")]


def test_an_admin_adds_a_member_user_who_then_signs_in_for_the_company(
    page: Page, live_server: str, live_session, admin
):
    member = Factory(live_session).member("Recyclerie des Trois Maisons")
    live_session.commit()

    sign_in(page, live_server, admin.email)
    page.get_by_role("navigation").get_by_role("link", name="Utilisateurs").click()
    page.get_by_role("link", name="Nouvel utilisateur").click()
    expect(page.get_by_role("heading", name="Nouvel utilisateur")).to_be_visible(timeout=1_000)
    page.get_by_label("Nom", exact=True).fill("Léa Martin")
    page.get_by_label("Courriel").fill("Lea@Recyclerie.fr")
    page.get_by_label("Rôle").select_option(label="membre")
    page.get_by_label("Entreprise membre").select_option(label="Recyclerie des Trois Maisons")
    page.get_by_label("Mot de passe").fill("une longue phrase de passe")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text("Compte de Léa Martin enregistré.")
    row = page.locator("tbody tr").filter(has_text="Léa Martin")
    expect(row).to_contain_text("lea@recyclerie.fr")
    expect(row).to_contain_text("Recyclerie des Trois Maisons")
    live_session.expire_all()
    user = live_session.scalars(select(User).where(User.name == "Léa Martin")).one()
    assert (user.email, user.role, user.member_id, user.active) == (
        "lea@recyclerie.fr",
        "member",
        member.id,
        True,
    )

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté.")
    sign_in(page, live_server, "lea@recyclerie.fr", "une longue phrase de passe")
    expect(
        page.get_by_role("heading", name="Besoins de Recyclerie des Trois Maisons")
    ).to_be_visible()
    expect(page.locator(".who")).to_have_text("Léa Martin · Recyclerie des Trois Maisons")


def test_a_bad_siret_is_refused_next_to_the_field_and_nothing_is_stored(
    page: Page, live_server: str, live_session, admin
):
    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server}/admin/members/new")
    fill_member(page, "73282932000075")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text(
        "Rien n’a été enregistré : corrigez les champs signalés ci-dessous."
    )
    siret = page.get_by_label("SIRET")
    expect(siret).to_have_value("73282932000075")
    expect(siret.locator("xpath=..").get_by_role("alert")).to_have_text(
        "Un SIRET compte 14 chiffres avec une clé de contrôle valide."
    )
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.get_by_label("Raison sociale")).to_have_value("Recyclerie des Trois Maisons")
    live_session.expire_all()
    assert live_session.scalar(select(func.count(Member.id))) == 0


def test_a_siret_typed_with_its_spaces_is_accepted(
    page: Page, live_server: str, live_session, admin
):
    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server}/admin/members/new")
    fill_member(page, "732 829 320 00074")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_have_text(
        "Membre Recyclerie des Trois Maisons enregistré.", timeout=1_000
    )
    live_session.expire_all()
    assert live_session.scalars(select(Member.siret)).one() == "73282932000074"
