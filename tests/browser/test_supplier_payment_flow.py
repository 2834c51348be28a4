"""In the browser, the supplier payment pages: a lead proposes a new supplier's IBAN (a wrong one
is refused with its message), may not confirm it, and the transfers page holds the supplier
until an administrator, in another browser, confirms it; the lead builds the pain.001 file of
what is due by a date and downloads it. Each page is checked by axe-core on a 1280 px screen and
a 360 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page, expect

from persistence import create_engine_for, make_session_factory
from tests.browser.conftest import new_database, serving
from tests.browser.pages import audit, session_cookies, sign_in, signed_in_again
from tests.conftest import Factory
from tests.money.payables_setup import payables, supplier_invoice

pytestmark = pytest.mark.browser

IBAN = "FR7699999000000000123456783"
PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"


@dataclass
class World:
    database: str
    lead: str
    admin: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Two suppliers with confirmed bank details, owed 120 € and 60 € on 1 March 2027, and a new
    supplier without any, owed 240 € on 15 April 2027."""
    database = new_database(tmp_path_factory.mktemp("supplier-payments") / "browser.db")
    engine = create_engine_for(database)
    session = make_session_factory(engine)()
    make = Factory(session)
    known = payables(session, make)
    admin = make.user("admin", name="Ada Admin", email="ada@example.org")
    newcomer = make.supplier("Nouveau Fournisseur")
    supplier_invoice(session, known.suppliers["Papeterie du Rhône"], "F-118", "100.00")
    supplier_invoice(session, known.suppliers["Éco-Entretien Lorraine"], "E-55", "50.00")
    supplier_invoice(session, newcomer, "N-7", "200.00", due=date(2027, 4, 15))
    session.commit()
    yield World(database, known.lead.email, admin.email)
    session.close()
    engine.dispose()


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:
    with serving(world.database) as base:
        yield base


@pytest.fixture(scope="module")
def lead(browser: Browser, server: str, world: World) -> list[Any]:
    """The lead signed in once for the module's pages."""
    return session_cookies(browser, server, world.lead)


def _due_by(page: Page, day: str) -> None:
    page.get_by_label("Échéance au plus tard le").fill(day)
    page.get_by_role("button", name="Voir ce qui est dû").click()


def _newcomer(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#plan tbody tr").filter(has_text="Nouveau Fournisseur")


def test_new_bank_details_hold_transfers_until_an_admin_confirms_them(
    browser: Browser, page: Page, server: str, world: World, lead: list[Any]
):
    found: list[str] = []
    signed_in_again(page, server, lead)
    page.get_by_role("link", name="Paiements fournisseurs").click()
    _due_by(page, "2027-04-30")
    expect(_newcomer(page)).to_contain_text("suspendu : pas de coordonnées bancaires confirmées")
    found += audit(page, "pay-transfers-held")
    _newcomer(page).get_by_role("link", name="Coordonnées bancaires").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nouveau Fournisseur")
    expect(page.locator("#held")).to_contain_text("Pas de coordonnées bancaires confirmées")

    wrong = IBAN[:-1] + "4"
    page.get_by_label("IBAN").fill(wrong)
    page.get_by_role("button", name="Proposer").click()
    expect(page.locator("#iban-error")).to_contain_text("Cet IBAN n’est pas valide")
    expect(page.get_by_label("IBAN")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("IBAN")).to_have_value(wrong)
    expect(page.locator("#accounts")).to_have_count(0)
    found += audit(page, "pay-supplier-wrong-iban")
    page.get_by_label("IBAN").fill(IBAN)
    page.get_by_label("BIC").fill("AGRIFRPP881")
    page.get_by_label("D’où viennent les coordonnées").fill("RIB reçu par courrier")
    page.get_by_role("button", name="Proposer").click()
    expect(page.locator(".flash").first).to_contain_text("un administrateur les confirme")
    expect(page.locator("#accounts tbody tr")).to_have_count(1)

    # The one who proposed may not confirm.
    page.get_by_role("button", name="Confirmer ces coordonnées bancaires").click()
    expect(page.locator(".flash").first).to_contain_text(
        "Vous avez proposé ces coordonnées bancaires"
    )
    expect(page.locator("#held")).to_contain_text("attend la confirmation")
    found += audit(page, "pay-supplier-proposed")
    page.get_by_role("link", name="Virements").click()
    _due_by(page, "2027-04-30")
    expect(_newcomer(page)).to_contain_text(
        "suspendu : ses nouvelles coordonnées bancaires attendent leur confirmation"
    )

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    admin = context.new_page()
    sign_in(admin, server, world.admin)
    admin.get_by_role("link", name="Paiements fournisseurs").click()
    admin.get_by_role("link", name="Coordonnées bancaires à confirmer").click()
    waiting = admin.locator("#pending tbody tr").filter(has_text="Nouveau Fournisseur")
    expect(waiting).to_contain_text(IBAN)
    found += audit(admin, "pay-pending")
    waiting.get_by_role("button", name="Confirmer ces coordonnées bancaires").click()
    expect(admin.locator(".flash").first).to_contain_text(
        "Les coordonnées bancaires de Nouveau Fournisseur sont confirmées."
    )
    context.close()

    page.reload()
    expect(_newcomer(page)).to_contain_text(IBAN)
    expect(_newcomer(page)).not_to_contain_text("suspendu")
    assert found == [], "\n".join(found)


def test_the_lead_builds_and_downloads_the_transfer_file(
    page: Page, server: str, world: World, lead: list[Any]
):
    found: list[str] = []
    signed_in_again(page, server, lead)
    page.get_by_role("link", name="Paiements fournisseurs").click()
    _due_by(page, "2027-03-10")
    rows = page.locator("#plan tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Papeterie du Rhône")).to_contain_text("120,00")
    expect(rows.filter(has_text="Éco-Entretien Lorraine")).to_contain_text("60,00")
    found += audit(page, "pay-transfers")
    page.get_by_role("button", name="Préparer le fichier de virements").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fichier de virements VIR-")
    expect(page.get_by_text("2 virements, 180,00 € en tout")).to_be_visible()
    found += audit(page, "pay-run")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier (pain.001)").click()
    assert download.value.suggested_filename.startswith("virements-VIR-")
    document = etree.parse(str(download.value.path()))
    schema = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"
    etree.XMLSchema(etree.parse(str(schema))).assertValid(document)
    names = {"p": PAIN}
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=names) == "180.00"
    paid = {
        transfer.findtext("p:Cdtr/p:Nm", namespaces=names): Decimal(
            transfer.findtext("p:Amt/p:InstdAmt", namespaces=names) or "0"
        )
        for transfer in document.iterfind(".//p:CdtTrfTxInf", namespaces=names)
    }
    # Names in the SEPA character set, as the bank takes them.
    assert paid == {
        "Papeterie du Rhone": Decimal("120.00"),
        "Eco-Entretien Lorraine": Decimal("60.00"),
    }
    assert Path(download.value.path()).read_bytes().startswith(b"<?xml")

    # Paid, they are no longer due; the file is listed.
    page.get_by_role("link", name="Virements").click()
    _due_by(page, "2027-03-10")
    expect(page.locator("#plan")).to_have_count(0)
    expect(page.locator("#runs tbody tr")).to_have_count(1)
    assert found == [], "\n".join(found)
