"""The lead's tender pages: opening a tender from a proposed batch (with a message per field
when something is wrong, storing nothing), the tender page, closing early from a confirmation
page, checking a new supplier, and the batch page while a tender is open."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from persistence.audit import AuditEvent
from purchasing.models import Batch
from purchasing.tenders.models import Tender
from tests.conftest import page_words
from tests.web.tenders_setup import NEW_SIRET, lead_form, opened, quote_form, tender_batch


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_form_lists_the_pooled_lines_and_proposes_suppliers_of_their_category(
    client, signed_in, session, make, sessions
):
    world = tender_batch(session, make, sessions)
    signed_in(world.lead)
    page = client.get(f"/batches/{world.batch.id}/tenders/new")
    assert page.status_code == 200
    words = page_words(page)
    assert "Ramette A4 recyclée 80 g · 50 ramettes · 2 sites de livraison" in words
    assert "Savon liquide 5 L · 4 unités · 1 site de livraison" in words
    # Proposed: the catalog suppliers of the category, nearest first, with what they are.
    assert "Papiers Verts SCOP" in words and "économie sociale" in words
    assert words.index("Papiers Verts SCOP") < words.index("Papeterie de l'Est")
    html = page.get_data(as_text=True)
    # Those that already sell a pooled product are ticked; the others are for the lead to tick.
    assert f'name="supplier_ids" value="{world.papeterie.id}" checked' in html
    assert f'name="supplier_ids" value="{world.green.id}">' in html


def test_a_member_cannot_open_a_tender(client, signed_in, session, make, sessions):
    world = tender_batch(session, make, sessions)
    signed_in(world.users[0])
    assert client.get(f"/batches/{world.batch.id}/tenders/new").status_code == 403
    posted = client.post(f"/batches/{world.batch.id}/tenders/new", data=lead_form(world))
    assert posted.status_code == 403
    assert _count(session, Tender) == 0


def test_the_lead_opens_a_tender_and_each_supplier_is_sent_its_link(
    client, signed_in, session, make, sessions
):
    world = tender_batch(session, make, sessions)
    signed_in(world.lead)
    form = lead_form(
        world,
        **{
            "invitations-0-name": "Fibres Locales",
            "invitations-0-email": "devis@fibres.example",
            "invitations-0-siret": "732 829 320 00074",
        },
    )
    answer = client.post(f"/batches/{world.batch.id}/tenders/new", data=form)
    assert answer.status_code == 302
    session.expire_all()
    tender = session.scalar(select(Tender))
    assert answer.location.endswith(f"/tenders/{tender.id}")
    assert [line.product_id for line in tender.lines] == [world.paper_id, world.soap_id]
    assert sorted(i.name for i in tender.invitations) == [
        "Fibres Locales",
        "Papeterie de l'Est",
        "Papiers Verts SCOP",
    ]
    emails = list(session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))
    assert len(emails) == 3
    assert all("/tenders/quote/" in email.body for email in emails)
    # The link is under the configured base URL, never the request's host.
    assert all("http://localhost/" not in email.body for email in emails)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "tender.open")) is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_at": "31/02/2027 10:00"}, "closes_at", "JJ/MM/AAAA HH:MM"),
        ({"closes_at": "01/01/2020 10:00"}, "closes_at", "dans le futur"),
        ({"wanted_date": ""}, "wanted_date", "date à laquelle"),
        ({"wanted_date": "demain"}, "wanted_date", "JJ/MM/AAAA"),
        ({"supplier_ids": []}, "suppliers", "au moins un fournisseur"),
        (
            {
                "invitations-0-name": "Fibres",
                "invitations-0-email": "pas-une-adresse",
                "invitations-0-siret": NEW_SIRET,
            },
            "invitations-0-email",
            "adresse électronique valide",
        ),
        (
            {
                "invitations-0-name": "Fibres",
                "invitations-0-email": "devis@fibres.example",
                "invitations-0-siret": "12345678901234",
            },
            "invitations-0-siret",
            "14 chiffres",
        ),
        (
            {
                "invitations-0-name": "",
                "invitations-0-email": "devis@fibres.example",
                "invitations-0-siret": NEW_SIRET,
            },
            "invitations-0-name",
            "nom du fournisseur",
        ),
    ],
)
def test_a_wrong_field_is_refused_next_to_it_and_nothing_is_stored(
    client, signed_in, session, make, sessions, changes, field, message
):
    world = tender_batch(session, make, sessions)
    signed_in(world.lead)
    page = client.post(f"/batches/{world.batch.id}/tenders/new", data=lead_form(world, **changes))
    assert page.status_code == 422
    assert "L’appel d’offres n’a pas été lancé" in page_words(page)
    html = page.get_data(as_text=True)
    error = html[html.index(f'id="{field}-error"') :][:400]
    assert message in error.replace("&#39;", "'").replace("&#x27;", "'")
    assert _count(session, Tender) == 0 and _count(session, OutgoingEmail) == 0


def test_the_batch_page_says_a_tender_is_open_and_approving_is_refused_with_why(
    client, signed_in, session, make, sessions
):
    world = opened(session, make, sessions)
    signed_in(world.lead)
    page = page_words(client.get(f"/batches/{world.batch.id}"))
    assert f"L’appel d’offres n° {world.tender.id} est ouvert jusqu’au" in page
    assert "le lot ne peut pas être approuvé avant sa clôture" in page
    refused = client.post(
        f"/batches/{world.batch.id}/approve", data={"scenario": "1"}, follow_redirects=True
    )
    assert "appel d’offres" in page_words(refused) and "ouvert" in page_words(refused)
    session.expire_all()
    assert session.get(Batch, world.batch.id).status == "proposed"


def test_the_form_offers_only_the_lines_not_out_to_tender_then_says_none_is_left(
    client, signed_in, session, make, sessions
):
    world = opened(session, make, sessions)  # the paper is out to tender, the soap is not
    signed_in(world.lead)
    assert "Lancer un appel d’offres" in page_words(client.get(f"/batches/{world.batch.id}"))
    page = client.get(f"/batches/{world.batch.id}/tenders/new")
    assert page.status_code == 200
    words = page_words(page)
    assert "Déjà dans un appel d’offres ouvert, donc pas proposé ici" in words
    html = page.get_data(as_text=True)
    assert f'href="/tenders/{world.tender.id}"' in html
    assert f'name="product_ids" value="{world.soap_id}" checked' in html
    assert f'name="product_ids" value="{world.paper_id}"' not in html
    # The paper posted all the same is refused on the products, nothing stored.
    refused = client.post(f"/batches/{world.batch.id}/tenders/new", data=lead_form(world))
    assert refused.status_code == 422
    assert _count(session, Tender) == 1
    answer = client.post(
        f"/batches/{world.batch.id}/tenders/new",
        data=lead_form(world, product_ids=[str(world.soap_id)]),
    )
    assert answer.status_code == 302
    session.expire_all()
    soap = session.scalars(select(Tender).order_by(Tender.id.desc())).first()
    assert soap.id != world.tender.id and [line.product_id for line in soap.lines] == [
        world.soap_id
    ]
    # Every line is out to tender now: the form says so, the batch page offers no new tender,
    # says both are open, and approval is refused.
    page = client.get(f"/batches/{world.batch.id}/tenders/new")
    assert page.status_code == 200
    assert "Chaque ligne groupée de ce lot est déjà dans un appel d’offres ouvert" in (
        page_words(page)
    )
    assert 'id="tender-form"' not in page.get_data(as_text=True)
    batch_page = page_words(client.get(f"/batches/{world.batch.id}"))
    assert "Lancer un appel d’offres" not in batch_page
    assert f"L’appel d’offres n° {soap.id} est ouvert jusqu’au" in batch_page
    refused = client.post(
        f"/batches/{world.batch.id}/approve", data={"scenario": "1"}, follow_redirects=True
    )
    assert "ouvert" in page_words(refused)
    session.expire_all()
    assert session.get(Batch, world.batch.id).status == "proposed"


def test_the_tender_page_shows_the_invitations_and_each_quote_for_the_whole_volume(
    client, signed_in, session, make, sessions
):
    world = opened(session, make, sessions)
    client.post(
        world.url("Papiers Verts SCOP"),
        data=quote_form(
            [{"tiers": [("", "3,90"), ("40", "3,20")], "label": "FSC", "recycled_content": "100"}]
        ),
    )
    declined = {"answer": "decline", "decline_reason": "Rupture de stock"}
    client.post(world.url("Papeterie de l'Est"), data=declined)
    signed_in(world.lead)
    page = page_words(client.get(f"/tenders/{world.tender.id}"))
    assert "ouvert" in page and "Clore l’appel d’offres maintenant" in page
    assert "Papiers Verts SCOP" in page and "a remis une offre" in page
    assert "a décliné" in page and "Rupture de stock" in page
    # 50 reams reach the tier from 40: 50 × 3,20 €.
    assert "160,00 €" in page and "FSC" in page and "100 %" in page


def test_closing_early_is_confirmed_on_a_page_then_done_by_its_button(
    client, signed_in, session, make, sessions
):
    world = opened(session, make, sessions)
    signed_in(world.lead)
    page = client.get(f"/tenders/{world.tender.id}")
    assert f'href="/tenders/{world.tender.id}/close"' in page.get_data(as_text=True)
    asked = client.get(f"/tenders/{world.tender.id}/close")
    assert asked.status_code == 200
    assert "refuse toute offre à partir de maintenant" in page_words(asked)
    session.expire_all()
    assert session.get(Tender, world.tender.id).status == "open"
    done = client.post(f"/tenders/{world.tender.id}/close")
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Tender, world.tender.id).status == "closed"
    # Closed, the confirmation page sends the lead back, and the supplier's link is gone.
    assert client.get(f"/tenders/{world.tender.id}/close").status_code == 302
    assert client.get(world.url("Papiers Verts SCOP")).status_code == 410


def test_a_new_supplier_that_quoted_is_checked_by_the_lead(
    client, signed_in, session, make, sessions
):
    world = opened(session, make, sessions, new_supplier=True)
    quoted = client.post(
        world.url("Fibres Locales"),
        data=quote_form([{"price": "3,10", "label": "Ange bleu"}], town="Toul", postcode="54200"),
    )
    assert quoted.status_code == 200
    signed_in(world.lead)
    page = client.get(f"/tenders/{world.tender.id}")
    invitation = world.invitation("Fibres Locales")
    check = f"/tenders/{world.tender.id}/invitations/{invitation.id}/check"
    assert check in page.get_data(as_text=True)
    asked = page_words(client.get(check))
    assert "73282932000074" in asked and "Toul" in asked and "Ange bleu" in asked
    assert client.post(check, data={"latitude": "48,68", "longitude": "5,89"}).status_code == 302
    session.expire_all()
    assert session.get(type(world.green), invitation.supplier_id).active is True
