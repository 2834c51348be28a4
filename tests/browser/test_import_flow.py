"""A purchasing lead uploads a price list, reads the preview (analysed by the scheduler while
the page shows its progress), imports it and reviews a match."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from suppliers.models import Offer
from tests.browser.pages import sign_in
from tests.conftest import Factory

pytestmark = pytest.mark.browser

PRICE_LIST = "Réf.;Désignation;Unité;Colisage;Prix HT;Prix dès 50\n" + "".join(
    f"R-{i};Cahier A4 recyclé {i} pages;unité;1;{i % 7 + 1},20;{i % 7 + 1},05\n"
    for i in range(1, 1500)
)


@pytest.mark.long
def test_a_lead_imports_a_price_list_after_its_preview(
    page: Page, live_server: str, live_session, scheduler, tmp_path
):
    make = Factory(live_session)
    lead = make.user("lead", email="julien@coop.fr")
    make.supplier("Papeterie Stanislas")
    live_session.commit()
    file = tmp_path / "tarifs.csv"
    file.write_bytes(PRICE_LIST.encode("cp1252"))

    sign_in(page, live_server, lead.email)
    page.get_by_role("link", name="Importer une liste de prix").click()
    page.get_by_label("Fournisseur").select_option(label="Papeterie Stanislas — Metz")
    page.get_by_label("Fichier de la liste de prix").set_input_files(str(file))
    page.get_by_role("button", name="Voir l’aperçu de l’import").click()

    expect(page.locator("#upload-status")).to_have_text("prêt à importer", timeout=60_000)
    expect(page.locator("#counts")).to_contain_text("1499")
    assert live_session.scalar(select(func.count(Offer.id))) == 0
    # Importing 1,499 lines takes several seconds on a busy machine.
    page.get_by_role("button", name="Importer ces 1499 lignes").click(timeout=90_000)
    expect(page.get_by_role("status")).to_contain_text("1499 offres créées", timeout=90_000)
    live_session.expire_all()
    assert live_session.scalar(select(func.count(Offer.id))) == 1499


def test_a_bad_price_list_shows_every_bad_row_and_cannot_be_imported(
    page: Page, live_server: str, live_session, scheduler, tmp_path
):
    make = Factory(live_session)
    lead = make.user("lead", email="julien@coop.fr")
    make.supplier("Papeterie Stanislas")
    live_session.commit()
    file = tmp_path / "tarifs.csv"
    file.write_text("Réf.;Désignation;Prix HT\nA;Crayon;-1\nB;Gomme;abc\n", encoding="utf-8")

    sign_in(page, live_server, lead.email)
    page.goto(f"{live_server}/catalog/imports/new")
    page.get_by_label("Fournisseur").select_option(label="Papeterie Stanislas — Metz")
    page.get_by_label("Fichier de la liste de prix").set_input_files(str(file))
    page.get_by_role("button", name="Voir l’aperçu de l’import").click()
    expect(page.locator("#upload-status")).to_have_text("erreurs à corriger", timeout=60_000)
    errors = page.locator("#errors li")
    expect(errors).to_have_count(2)
    expect(errors.first).to_contain_text("ligne 2")
    expect(page.get_by_role("button", name="Importer")).to_have_count(0)
