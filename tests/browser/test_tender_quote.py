"""The supplier's quote page in the browser, at a phone's width: checked by axe-core (no serious
or critical WCAG 2.1 A/AA violation), no sideways scrolling, every control at least 44 px high;
a wrong price is marked next to its field, then the quote is sent and can be changed. The lead's
tender pages are checked by axe as well, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from persistence import make_session_factory
from purchasing.tenders.links import quote_token
from tests.browser.conftest import SECRET
from tests.browser.pages import fits_a_phone, shot, sign_in, violations
from tests.conftest import PASSWORD, Factory
from tests.web.tenders_setup import opened, tender_batch

pytestmark = pytest.mark.browser


@pytest.fixture
def tender(live_session):  # type: ignore[no-untyped-def]
    sessions = make_session_factory(live_session.get_bind())
    return opened(live_session, Factory(live_session), sessions, new_supplier=True)


def test_the_supplier_quotes_from_a_phone(browser: Browser, live_server: str, tender):
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    url = f"{live_server}/tenders/quote/{quote_token(tender.invitation('Fibres Locales'), SECRET)}"
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demande de prix n°")
    shot(page, "quote-phone")
    assert violations(page) == []
    assert fits_a_phone(page) == []

    page.get_by_label("Prix unitaire HT – Ramette A4 recyclée 80 g (1)").fill("trois")
    page.get_by_label("Commune").fill("Toul")
    page.get_by_role("button", name="Envoyer mon offre").click()
    field = page.get_by_label("Prix unitaire HT – Ramette A4 recyclée 80 g (1)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lines-0-tiers-0-unit_price-error")).to_contain_text("nombre")
    assert violations(page) == []
    assert fits_a_phone(page) == []
    shot(page, "quote-phone-errors")

    field.fill("3,10")
    page.get_by_label("Label ou certification").fill("Ange bleu")
    page.get_by_role("button", name="Envoyer mon offre").click()
    expect(page.get_by_role("status")).to_contain_text("votre offre est enregistrée")
    page.get_by_role("link", name="Voir ou modifier ma réponse").click()
    expect(page.locator("#quote-state")).to_contain_text("vous pouvez la modifier")
    expect(page.get_by_label("Prix unitaire HT – Ramette A4 recyclée 80 g (1)")).to_have_value(
        "3,1"
    )
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_leads_tender_pages_pass_axe(browser: Browser, live_server: str, tender, width):
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    sign_in(page, live_server, tender.lead.email, PASSWORD)
    found = []
    for name, path in (
        ("tender", f"/tenders/{tender.tender.id}"),
        ("tenders", "/tenders/"),
        ("batch", f"/batches/{tender.batch.id}"),
        ("close", f"/tenders/{tender.tender.id}/close"),
    ):
        page.goto(f"{live_server}{path}")
        # On the batch page, the tenders' section only: the rest is the batch review's.
        found += [f"{path}: {v}" for v in violations(page, "#tenders" if name == "batch" else "")]
        if width == 360:
            found += [f"{path}: {p}" for p in fits_a_phone(page) if "wider" in p]
        shot(page, f"lead-{name}-{width}")
    assert found == [], "\n".join(found)
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_tender_form_passes_axe(browser: Browser, live_server: str, live_session, width):
    sessions = make_session_factory(live_session.get_bind())
    world = tender_batch(live_session, Factory(live_session), sessions)
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    sign_in(page, live_server, world.lead.email, PASSWORD)
    page.goto(f"{live_server}/batches/{world.batch.id}")
    page.get_by_role("link", name="Lancer un appel d’offres").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("en concurrence")
    found = violations(page)
    if width == 360:
        found += [p for p in fits_a_phone(page) if "wider" in p]
    shot(page, f"lead-new-{width}")
    page.get_by_role("button", name="Lancer l’appel d’offres et inviter les fournisseurs").click()
    expect(page.locator("#closes_at-error")).to_be_visible()
    found += violations(page)
    shot(page, f"lead-new-errors-{width}")
    assert found == [], "\n".join(found)
    context.close()
