"""A tender from end to end through the pages: the lead opens it on a proposed batch, the
invitation arrives on a real SMTP server, the supplier follows the link from the e-mail and
quotes below the catalog, the scheduler's jobs close the tender and compute its scenario, the new
scenario buys the quote, and the tender page shows what it saved."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from infrastructure.smtp import smtp_settings
from purchasing.models import Scenario
from purchasing.results import as_id, read_result
from purchasing.tenders.models import Tender
from scheduling.jobs import close_tenders_due
from tests.conftest import page_words
from tests.smtp_server import SmtpServer, send_all
from tests.web.tenders_setup import lead_form, quote_form, tender_batch


def test_a_quote_from_the_emailed_link_wins_the_paper_and_the_page_shows_the_saving(
    app, client, signed_in, session, make, sessions, monkeypatch
):
    server = SmtpServer().start()
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        app.config["SMTP"] = smtp_settings()
        app.config["BASE_URL"] = "https://achats.cooperative.example"
        world = tender_batch(session, make, sessions)
        signed_in(world.lead)

        # The lead puts the paper out to tender and invites the green supplier only.
        form = lead_form(
            world, product_ids=[str(world.paper_id)], supplier_ids=[str(world.green.id)]
        )
        opened = client.post(f"/batches/{world.batch.id}/tenders/new", data=form)
        assert opened.status_code == 302
        send_all(sessions)
        assert server.inbox.recipients == [["devis@papiers-verts.example"]]
        body = server.inbox.messages[0].get_body(("plain",)).get_content()
        assert "Ramette A4 recyclée 80 g" in body
        link = re.search(r"https://achats\.cooperative\.example/tenders/quote/\S+", body)
        assert link is not None, body

        # The supplier, without an account, follows its link and quotes below the catalog.
        supplier = app.test_client()
        path = urlsplit(link.group(0)).path
        page = supplier.get(path)
        assert page.status_code == 200 and "Quantité totale : 50 ramettes" in page_words(page)
        done = supplier.post(
            path, data=quote_form([{"price": "3,20", "label": "FSC", "recycled_content": "100"}])
        )
        assert "votre offre est enregistrée" in page_words(done)

        # The closing time passes; the scheduler closes the tender and computes its scenario.
        tender = session.scalar(select(Tender))
        assert close_tenders_due(sessions, now=tender.closes_at + timedelta(seconds=1)) == [
            tender.id
        ]
        send_all(sessions)
        session.expire_all()
        assert session.get(Tender, tender.id).status == "closed"
        link_after = supplier.post(path, data=quote_form([{"price": "1"}]))
        assert link_after.status_code == 410

        # The new scenario buys the paper from the quote; the catalog scenario is kept.
        scenarios = list(
            session.scalars(
                select(Scenario)
                .where(Scenario.batch_id == world.batch.id)
                .order_by(Scenario.number)
            )
        )
        assert len(scenarios) >= 2 and scenarios[0].result
        batch_page = page_words(client.get(f"/batches/{world.batch.id}"))
        tender_scenario = session.get(Tender, tender.id).scenarios[0].scenario
        assert f"Scénario {tender_scenario.number}" in batch_page
        shown = page_words(
            client.get(f"/batches/{world.batch.id}?scenario={tender_scenario.number}")
        )
        assert "Papiers Verts SCOP" in shown
        quoted = session.get(Tender, tender.id).invitations[0].quote.lines[0].offer_id
        used = {as_id(row.offer) for row in read_result(tender_scenario.result).allocations}
        assert quoted in used

        # The tender page: the quote for the whole volume (50 × 3,20 €), against the catalog's
        # 4,15 €, and what the tender saved in euros and CO2.
        page = page_words(client.get(f"/tenders/{tender.id}"))
        assert "160,00 €" in page and "4,15 €" in page and "retenue" not in page
        assert "Ce que l’appel d’offres a fait gagner" in page
        with_quote = read_result(tender_scenario.result).indicators
        baseline = read_result(session.get(Tender, tender.id).scenarios[0].baseline.result)
        saved = baseline.indicators.total_cost - with_quote.total_cost
        assert saved > 0 and with_quote.transport_co2_kg < baseline.indicators.transport_co2_kg
        assert f"{saved:.2f} € économisés".replace(".", ",") in page
        assert "kg évités" in page
    finally:
        server.stop()
