"""The supplier's quote page, without an account: what it shows, a message per wrong field,
changing the quote until the close, declining; and every link refused — tampered, foreign,
after the close — with a clear page that changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence import utcnow
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.tenders.links import quote_token
from purchasing.tenders.models import Tender, TenderQuote, TenderQuoteLine
from tests.conftest import page_words
from tests.web.tenders_setup import SECRET, opened, quote_form


def _quotes(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(TenderQuote.id))) or 0


def test_the_page_shows_the_lines_and_the_terms_in_paris_time(client, session, make, sessions):
    world = opened(session, make, sessions)
    page = client.get(world.url("Papiers Verts SCOP"))
    assert page.status_code == 200
    words = page_words(page)
    assert f"Demande de prix n° {world.tender.id}" in words
    assert "Ramette A4 recyclée 80 g" in words and "Quantité totale : 50 ramettes" in words
    assert "livré à Nancy" in words
    closes = world.tender.closes_at.astimezone(COOPERATIVE_TIMEZONE)
    assert closes.strftime("%d/%m/%Y %H:%M") in words and "(heure de Paris)" in words
    assert "labels ou certifications" in words and "part de matière recyclée" in words
    assert "Savon" not in words  # the soap was not put out to tender
    assert "Papeterie de l'Est" not in words  # nothing of another supplier


def test_a_quote_is_recorded_then_changed_until_the_close(client, session, make, sessions):
    world = opened(session, make, sessions)
    url = world.url("Papiers Verts SCOP")
    done = client.post(url, data=quote_form([{"price": "3,90", "label": "FSC"}], delivery_fee="15"))
    assert done.status_code == 200 and "votre offre est enregistrée" in page_words(done)
    again = client.get(url)
    words = page_words(again)
    assert "Votre offre du" in words and "vous pouvez la modifier jusqu’à la clôture" in words
    assert 'value="3,9' in again.get_data(as_text=True)
    client.post(url, data=quote_form([{"tiers": [("", "3,90"), ("40", "3,20")]}]))
    session.expire_all()
    assert _quotes(session) == 1
    line = session.scalar(select(TenderQuoteLine))
    assert [(t.min_quantity, t.unit_price) for t in line.tiers][-1] == (40, Decimal("3.2"))


@pytest.mark.parametrize(
    ("line", "terms", "field", "message"),
    [
        ({"price": "trois euros"}, {}, "lines-0-tiers-0-unit_price", "Saisissez un nombre"),
        (
            {"tiers": [("", "3,90"), ("40", "")]},
            {},
            "lines-0-tiers-1-unit_price",
            "la quantité et son prix",
        ),
        ({"price": "-2"}, {}, "lines-0-tiers-0-unit_price", ""),
        ({"price": "3,90", "pack_size": "0"}, {}, "lines-0-pack_size", ""),
        ({"price": "3,90", "lead_time_days": "2,5"}, {}, "lines-0-lead_time_days", "nombre entier"),
        ({"price": "3,90", "recycled_content": "140"}, {}, "lines-0-recycled_content", ""),
        ({"price": "3,90", "label_expires_on": "hier"}, {}, "lines-0-label_expires_on", "JJ/MM"),
        ({"price": "3,90"}, {"delivery_fee": "-5"}, "delivery_fee", ""),
        ({"price": "3,90"}, {"valid_until": "01/01/2020"}, "valid_until", ""),
    ],
)
def test_a_wrong_field_gets_its_message_and_nothing_is_stored(
    client, session, make, sessions, line, terms, field, message
):
    world = opened(session, make, sessions)
    page = client.post(world.url("Papiers Verts SCOP"), data=quote_form([line], **terms))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert f'id="{field}-error"' in html, field
    error = html[html.index(f'id="{field}-error"') :][:300]
    assert '<p class="error" role="alert">' in error and message in error
    assert f'aria-describedby="{field}-error"' in html
    assert _quotes(session) == 0


def test_a_quote_without_any_price_is_refused(client, session, make, sessions):
    world = opened(session, make, sessions)
    page = client.post(world.url("Papiers Verts SCOP"), data=quote_form([None]))
    words = page_words(page)
    assert page.status_code == 422 and "Corrigez ce qui est signalé" in words
    assert "Chiffrez au moins une ligne, ou déclinez." in words
    assert _quotes(session) == 0


def test_a_document_too_large_or_of_another_kind_is_refused(
    client, session, make, sessions, monkeypatch
):
    import io

    # A limit of 1 kB here: the test client leaves a large request's body in an open
    # temporary file, and the rule is the same.
    monkeypatch.setattr("purchasing.tenders.quotes.DOCUMENT_MAX_BYTES", 1024)
    monkeypatch.setattr("web.tenders.quote.DOCUMENT_MAX_BYTES", 1024)
    world = opened(session, make, sessions)
    url = world.url("Papiers Verts SCOP")
    too_large = b"%PDF-1.7\n" + b"0" * 1024
    for name, data in (("preuve.exe", b"MZ\x90\x00"), ("preuve.pdf", too_large)):
        form = quote_form([{"price": "3,90"}])
        form["lines-0-document"] = (io.BytesIO(data), name)
        page = client.post(url, data=form, content_type="multipart/form-data")
        assert page.status_code == 422, name
        html = page.get_data(as_text=True)
        assert 'id="lines-0-document-error"' in html
        assert (
            "Un document pèse au plus" if name.endswith(".pdf") else "en PDF, PNG ou JPEG"
        ) in html
    assert _quotes(session) == 0
    form = quote_form([{"price": "3,90", "label": "FSC"}])
    form["lines-0-document"] = (io.BytesIO(b"%PDF-1.7\nattestation"), "fsc.pdf")
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 200
    session.expire_all()
    assert session.scalar(select(TenderQuoteLine)).document_name == "fsc.pdf"


def test_the_supplier_declines_with_a_reason(client, session, make, sessions):
    world = opened(session, make, sessions)
    url = world.url("Papeterie de l'Est")
    empty = client.post(url, data={"answer": "decline", "decline_reason": " "})
    assert empty.status_code == 422 and 'id="decline_reason-error"' in empty.get_data(as_text=True)
    assert _quotes(session) == 0
    done = client.post(url, data={"answer": "decline", "decline_reason": "Pas de stock avant mars"})
    assert "ne remettez pas d’offre" in page_words(done)
    session.expire_all()
    quote = session.scalar(select(TenderQuote))
    assert quote.declined and quote.decline_reason == "Pas de stock avant mars"


def test_a_tampered_link_is_refused_with_a_clear_page(client, session, make, sessions):
    world = opened(session, make, sessions)
    token = quote_token(world.invitation("Papiers Verts SCOP"), SECRET)
    spoiled = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    for method in (client.get, lambda u: client.post(u, data=quote_form([{"price": "1"}]))):
        page = method(f"/tenders/quote/{spoiled}")
        assert page.status_code == 403
        assert "Ce lien ne peut pas être utilisé" in page_words(page)
        assert "Ce lien n’est pas valable" in page_words(page)
    assert _quotes(session) == 0


def test_a_link_signed_with_another_secret_or_for_another_invitation_is_refused(
    client, session, make, sessions
):
    world = opened(session, make, sessions)
    invitation = world.invitation("Papiers Verts SCOP")
    other_secret = quote_token(invitation, "another-secret-0123456789")
    assert client.get(f"/tenders/quote/{other_secret}").status_code == 403
    invitation.nonce = "0" * 32  # the invitation withdrawn and made again: the old link is foreign
    foreign = quote_token(invitation, SECRET)
    session.rollback()
    assert client.get(f"/tenders/quote/{foreign}").status_code == 403


def test_a_quote_after_the_closing_time_is_refused_and_the_link_is_gone(
    client, session, make, sessions
):
    world = opened(session, make, sessions)
    url = world.url("Papiers Verts SCOP")
    session.get(Tender, world.tender.id).closes_at = utcnow() - timedelta(seconds=1)
    session.commit()
    page = client.post(url, data=quote_form([{"price": "3,90"}]))
    assert page.status_code == 410
    assert "Cette demande de prix est close depuis le" in page_words(page)
    assert client.get(url).status_code == 410
    assert _quotes(session) == 0
