"""The whole cycle on the demo cooperative, in the browser: a member submits, the round closes,
the lead compares two scenarios and approves one, downloads a purchase order, sends the orders
by e-mail (they arrive at a real SMTP server), the supplier confirms through its link, a
partial delivery is received, and the member sees the received need, its price and the
savings. The scheduler's work is done by the test, between the steps, with the same jobs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from demo.demo import DEMO_PASSWORD, load_demo
from persistence import create_engine_for, make_session_factory
from purchasing.clock import cooperative_today
from purchasing.models import Allocation, Batch, Need, PurchaseOrder, PurchaseOrderLine
from scheduling.jobs import work_jobs
from tests.browser.pages import sign_in
from tests.smtp_server import SmtpServer, attachments, send_all

pytestmark = pytest.mark.browser

MEMBER = "membre@demo.coachat.fr"
LEAD = "achats@demo.coachat.fr"
PAPER = "Ramette papier A4 recyclé 80 g"


@pytest.fixture
def mail_server(monkeypatch) -> Iterator[SmtpServer]:
    """A real SMTP server; the application (made after this fixture) and the jobs use it."""
    server = SmtpServer().start()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


@pytest.fixture
def demo(live_database: str) -> Iterator[object]:
    engine = create_engine_for(live_database)
    sessions = make_session_factory(engine)
    with sessions() as session:
        load_demo(session, cooperative_today())
        session.commit()
    yield sessions
    engine.dispose()


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(20_000)
    return context.new_page()


@pytest.mark.long
def test_the_whole_cycle_from_need_to_delivery(
    mail_server: SmtpServer, demo, browser: Browser, page: Page, live_server: str
):
    sessions = demo
    today = cooperative_today()

    # A member submits a need in the open round.
    sign_in(page, live_server, MEMBER, DEMO_PASSWORD)
    page.get_by_role("link", name="Nouveau besoin").first.click()
    page.get_by_label("Produit").fill("ramette A4 recycl")
    page.get_by_role("option", name=PAPER).click()
    page.get_by_label("Quantité").fill("30")
    page.get_by_label("À livrer avant le").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Envoyer le besoin").click()
    expect(page.locator(".flash").first).to_contain_text("envoyé")

    # The lead closes the round; the scheduler's job pools it and computes the first scenario.
    lead = _new_page(browser)
    sign_in(lead, live_server, LEAD, DEMO_PASSWORD)
    lead.get_by_role("link", name="Clore ce tour maintenant").click()
    expect(lead.locator("#consequences")).to_contain_text("seront regroupés en un lot")
    lead.get_by_role("button", name="Clore le tour").click()
    while work_jobs(sessions):
        pass
    with sessions() as session:
        batch_id = session.scalar(select(Batch.id).order_by(Batch.id.desc()))
    lead.goto(f"{live_server}/batches/{batch_id}")

    # A greener second scenario, compared side by side; the lead approves the first.
    lead.get_by_label("Poids du coût (%)").fill("20")
    lead.get_by_label("Poids du délai (%)").fill("0")
    lead.get_by_label("Poids de l’écologie (%)").fill("80")
    lead.get_by_role("button", name="Calculer ce scénario").click()
    work_jobs(sessions)
    lead.goto(f"{live_server}/batches/{batch_id}")
    expect(lead.get_by_role("heading", name="Scénarios côte à côte")).to_be_visible()
    lead.locator("#decision").get_by_label("Scénario 1").check()
    lead.get_by_role("button", name="Approuver ce scénario").click()
    lead.get_by_role("button", name="Approuver le scénario 1").click()
    expect(lead.locator("#batch-status")).to_have_text("approuvé")

    # The member's paper is on one of the purchase orders: the lead downloads it.
    with sessions() as session:
        need = session.scalar(
            select(Need)
            .where(Need.batch_id == batch_id, Need.quantity == 30)
            .order_by(Need.id.desc())
        )
        allocation = session.scalar(select(Allocation).where(Allocation.need_id == need.id))
        order = session.scalar(
            select(PurchaseOrder)
            .join(PurchaseOrderLine)
            .where(
                PurchaseOrder.batch_id == batch_id,
                PurchaseOrderLine.offer_id == allocation.offer_id,
            )
        )
        number, order_id, need_id = order.number, order.id, need.id
    orders = lead.locator("#orders")
    expect(orders).to_contain_text(number)
    with lead.expect_download() as download:
        orders.get_by_role("row").filter(has_text=number).get_by_role("link", name="PDF").click()
    text = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages[0].extract_text()
    assert f"Bon de commande {number}" in text and PAPER in text

    # The orders go by e-mail, with their PDF and CSV, to the local SMTP server.
    lead.get_by_role("button", name="Envoyer les bons de commande par e-mail").click()
    expect(lead.locator(".flash").first).to_contain_text("en cours d’envoi")
    send_all(sessions)
    ours = next(m for m in mail_server.inbox.messages if number in m["Subject"])
    assert set(attachments(ours)) == {f"{number}.pdf", f"{number}.csv"}
    body = ours.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/s/\S+", body).group(0)
    assert link.startswith(live_server + "/s/")  # under the configured base URL

    # The supplier confirms through the link, without an account.
    supplier = _new_page(browser)
    supplier.goto(link)
    supplier.get_by_role("button", name="Confirmer la commande telle quelle").click()
    expect(supplier.locator("#supplier-done")).to_contain_text("la commande est confirmée")
    lead.goto(f"{live_server}/batches/{batch_id}")
    expect(lead.locator("#orders").get_by_role("row").filter(has_text=number)).to_contain_text(
        "confirmé par le fournisseur"
    )

    # A partial delivery at the member's site: 4 units short, and nothing more will come.
    lead.goto(f"{live_server}/orders/{order_id}")
    with sessions() as session:
        site_id = session.get(Need, need_id).delivery_site_id
    form = lead.locator(f"#delivery-{site_id}")
    row = form.get_by_role("row").filter(has_text=PAPER)
    expected = row.locator("td.num").first.inner_text().strip().replace("\u202f", "")
    row.get_by_label(f"Reçu – {PAPER}").fill(str(int(expected) - 4))
    row.get_by_label(f"Manquant – {PAPER}").fill("4")
    form.get_by_role("button", name="Enregistrer la livraison").click()
    expect(lead.locator(".flash").first).to_contain_text("La livraison est enregistrée")

    # The member sees the need received, short by 4, with the price paid and the savings.
    page.goto(f"{live_server}/needs/")
    path = page.locator("#need-paths tbody tr").filter(has_text=str(need_id))
    expect(path).to_contain_text("reçus sur")
    expect(path).to_contain_text("€")
    needs_row = page.locator("#needs tbody tr").filter(has_text=PAPER).first
    expect(needs_row).to_contain_text("reçu")
    path.get_by_role("link", name="Relevé").click()
    expect(page.locator("#statement-lines")).to_contain_text("4 manquants")
    expect(page.locator("#statement-savings")).to_contain_text("€")
