"""In the browser, the lead receives suppliers' invoices as real files (Factur-X, CII, UBL) for
the orders of a small received batch: one agrees and is to pay, one bills a price and fees above
the order and waits in exception with its reasons in words, one sent twice is refused as a
duplicate and stores nothing. The lead asks a credit note for the exception, accepts a line,
refuses another invoice with its reason; types in a plain PDF beside it (a wrong total is marked
next to its field); changes the match's tolerances. Each page is checked by axe-core on a
1280 px screen and a 360 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from money.supplier_invoice_models import SupplierInvoice
from persistence import create_engine_for, make_session_factory
from tests.browser.conftest import new_database, serving
from tests.browser.pages import audit, session_cookies, signed_in_again
from tests.conftest import Factory
from tests.money.billing_setup import COOPERATIVE, received_batch
from tests.money.supplier_invoice_files import (
    cii_file,
    facturx_file,
    invoice_for,
    plain_pdf_for,
    ubl_file,
)

pytestmark = pytest.mark.browser

UPLOAD = "Fichiers de factures (PDF Factur-X, XML CII ou UBL)"


@dataclass
class World:
    database: str
    lead: str
    files: dict[str, bytes]
    soap: tuple[Decimal, Decimal, Decimal]  # the soap order line: quantity, unit price, VAT rate
    soap_order: str

    def stored(self) -> int:
        engine = create_engine_for(self.database)
        with make_session_factory(engine)() as session:
            count = session.scalar(select(func.count()).select_from(SupplierInvoice)) or 0
        engine.dispose()
        return count


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The batch received in full, and the files its suppliers send."""
    database = new_database(tmp_path_factory.mktemp("supplier-invoices") / "browser.db")
    engine = create_engine_for(database)
    sessions = make_session_factory(engine)
    session = sessions()
    received = received_batch(session, Factory(session), sessions)
    paper, soap = received.orders(session)
    higher = invoice_for(
        paper, COOPERATIVE, number="P-2027-88", prices={"PAP-A4": "4.35"}, delivery_fee="15"
    )
    again = invoice_for(paper, COOPERATIVE, number="P-2027-90", quantities={"PAP-A4": "10"})
    line = soap.lines[0]
    yield World(
        database=database,
        lead=received.lead.email,
        files={
            "D-2027-14.pdf": facturx_file(invoice_for(soap, COOPERATIVE, number="D-2027-14")),
            "P-2027-88.xml": cii_file(higher),
            "P-2027-90.xml": ubl_file(again),
            "scan-D-2027-15.pdf": plain_pdf_for(invoice_for(soap, COOPERATIVE, number="D-15")),
        },
        soap=(line.quantity, line.unit_price, line.vat_rate),
        soap_order=soap.number,
    )
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


def _upload(page: Page, world: World, *names: str) -> None:
    files = [
        {
            "name": name,
            "mimeType": "application/pdf" if name.endswith(".pdf") else "application/xml",
            "buffer": world.files[name],
        }
        for name in names
    ]
    page.get_by_label(UPLOAD).set_input_files(files)
    page.get_by_role("button", name="Recevoir", exact=True).click()


def _row(page: Page, number: str):  # type: ignore[no-untyped-def]
    return page.locator("#supplier-invoices tbody tr").filter(has_text=number)


def test_the_lead_receives_invoices_and_decides_on_the_exceptions(
    page: Page, server: str, world: World, lead: list[Any]
):
    found: list[str] = []
    signed_in_again(page, server, lead)
    page.get_by_role("link", name="Factures fournisseurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Factures fournisseurs")

    _upload(page, world, "D-2027-14.pdf", "P-2027-88.xml", "P-2027-90.xml")
    results = page.locator("#upload-results li")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text(
        "D-2027-14.pdf : reçue comme facture D-2027-14 de Droguerie Verte"
    )
    expect(results.nth(1)).to_contain_text("P-2027-88.xml : reçue comme facture P-2027-88")
    expect(_row(page, "D-2027-14")).to_contain_text("à payer")
    expect(_row(page, "P-2027-88")).to_contain_text("anomalie")
    found += audit(page, "si-received")

    # The same file again: refused with its reason, nothing more stored.
    stored, listed = world.stored(), page.locator("#supplier-invoices tbody tr").count()
    _upload(page, world, "D-2027-14.pdf")
    expect(page.locator("#upload-results li")).to_contain_text(
        "D-2027-14.pdf : refusé : La facture D-2027-14 de Droguerie Verte a déjà été reçue"
    )
    expect(page.locator("#supplier-invoices tbody tr")).to_have_count(listed)
    assert world.stored() == stored

    _row(page, "P-2027-88").get_by_role("link", name="P-2027-88").click()
    exceptions = page.locator("#exceptions li")
    expect(exceptions).to_have_count(2)
    expect(exceptions.nth(0)).to_contain_text("prix 4,35 € au lieu de 4,15 € commandé")
    expect(exceptions.nth(1)).to_contain_text("frais 15,00 € au lieu de 12,50 € sur la commande")
    found += audit(page, "si-exception")

    page.get_by_role("button", name="Demander un avoir au fournisseur").click()
    expect(page.locator(".flash").first).to_contain_text(
        "L’avoir est demandé à commandes@papeterie.example."
    )
    expect(page.locator("#credit-request")).to_contain_text("l’e-mail attend son envoi")
    exceptions.filter(has_text="Ligne 2").get_by_role(
        "button", name="Accepter telle que facturée"
    ).click()
    expect(page.locator(".flash").first).to_contain_text("Ligne 2 acceptée telle que facturée.")
    expect(exceptions).to_have_count(1)
    expect(page.locator("#invoice-lines")).to_contain_text("acceptée")

    page.get_by_role("link", name="Retour aux factures fournisseurs").click()
    _row(page, "P-2027-90").get_by_role("link", name="P-2027-90").click()
    page.get_by_label("Pourquoi la facture est refusée").fill("Déjà facturée sur P-2027-88")
    page.get_by_role("button", name="Refuser la facture").click()
    expect(page.locator(".flash").first).to_contain_text("La facture est refusée.")
    expect(page.locator("#match")).to_contain_text("Refusée : Déjà facturée sur P-2027-88")
    found += audit(page, "si-refused")
    page.get_by_role("link", name="Retour aux factures fournisseurs").click()
    expect(_row(page, "P-2027-90")).to_contain_text("refusée")
    assert found == [], "\n".join(found)


def test_the_lead_types_in_a_plain_pdf_beside_it(
    page: Page, server: str, world: World, lead: list[Any]
):
    found: list[str] = []
    before = world.stored()
    signed_in_again(page, server, lead)
    page.get_by_role("link", name="Factures fournisseurs").click()
    _upload(page, world, "scan-D-2027-15.pdf")
    result = page.locator("#upload-results li")
    expect(result).to_contain_text("scan-D-2027-15.pdf")
    result.get_by_role("link", name="La saisir").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("scan-D-2027-15.pdf")

    quantity, price, rate = world.soap
    net = (quantity * price).quantize(Decimal("0.01"))
    vat = (net * rate).quantize(Decimal("0.01"))

    def french(value: Decimal) -> str:
        return f"{value.normalize():f}".replace(".", ",")

    page.get_by_label("Fournisseur", exact=True).select_option(label="Droguerie Verte")
    page.get_by_label("Numéro de facture du fournisseur").fill("D-2027-15")
    page.get_by_label("Date de la facture").fill("20/01/2027")
    page.get_by_label("Échéance", exact=True).fill("19/02/2027")
    page.get_by_label("Bons de commande (BC-…)").fill(world.soap_order)
    page.get_by_label("Description, ligne 1").fill("Savon liquide 5 L")
    page.get_by_label("Quantité, ligne 1").fill(french(quantity))
    page.get_by_label("Prix unitaire HT, ligne 1").fill(french(price))
    page.get_by_label("Taux de TVA, ligne 1").fill(french(rate * 100))
    page.get_by_label("Total HT").fill(french(net))
    page.get_by_label("TVA", exact=True).fill(french(vat))
    total = page.get_by_label("Total TTC")
    total.fill(french(net + vat + 1))
    page.get_by_role("button", name="Enregistrer la facture").click()
    expect(total).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#grand_total-error")).to_contain_text(
        f"Le total HT plus la TVA font {net + vat:.2f}".replace(".", ",")
    )
    assert world.stored() == before
    found += audit(page, "si-enter-errors")

    page.get_by_label("Total TTC").fill(french(net + vat))
    page.get_by_role("button", name="Enregistrer la facture").click()
    expect(page.locator(".flash").first).to_contain_text("Facture D-2027-15 saisie.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("D-2027-15 · Droguerie Verte")
    assert world.stored() == before + 1
    assert found == [], "\n".join(found)


def test_the_lead_changes_the_tolerances(page: Page, server: str, world: World, lead: list[Any]):
    found: list[str] = []
    signed_in_again(page, server, lead)
    page.get_by_role("link", name="Factures fournisseurs").click()
    page.get_by_role("link", name="Tolérances du rapprochement des factures").click()
    price = page.get_by_label("Prix unitaire : tolérance dans les deux sens, en %")
    expect(price).to_have_value("0,5")
    price.fill("cinq")
    page.get_by_role("button", name="Enregistrer les tolérances").click()
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#price_percent-error")).to_contain_text(
        "Indiquez un pourcentage entre 0 et 50."
    )
    found += audit(page, "si-tolerances-errors")
    page.goto(f"{server}/supplier-invoices/tolerances")
    expect(price).to_have_value("0,5")  # the refused value changed nothing
    price.fill("1,5")
    page.get_by_role("button", name="Enregistrer les tolérances").click()
    expect(page.locator(".flash").first).to_contain_text("Tolérances enregistrées")
    expect(price).to_have_value("1,5")
    assert found == [], "\n".join(found)
