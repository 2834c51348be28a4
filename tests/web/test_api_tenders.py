"""Tenders through the API with a lead's token: open one (201, 422 per field, 409), list and
read them with the quotes side by side, close one (200, then 409); a member's token is refused;
a refused request stores nothing."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from persistence import utcnow
from purchasing.people.tokens import create_token
from purchasing.tenders.models import Tender
from tests.web.tenders_setup import NEW_SIRET, opened, quote_form, tender_batch, wanted


def _token(session, user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    secret = create_token(session, "script", 90, actor=user).secret
    session.commit()
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}


def _body(world, **changes):  # type: ignore[no-untyped-def]
    body = {
        "closes_at": (utcnow() + timedelta(days=3)).astimezone(UTC).isoformat(),
        "wanted_date": wanted().isoformat(),
        "product_ids": [world.paper_id],
        "evidence_wanted": ["labels"],
        "rules": "per_line",
        "supplier_ids": [world.green.id],
        "invitations": [{"name": "Fibres Locales", "email": "devis@fibres.example",
                         "siret": NEW_SIRET}],
    }  # fmt: skip
    body.update(changes)
    return body


def _tenders(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(Tender.id))) or 0


def test_a_lead_opens_a_tender_and_each_supplier_is_sent_its_link(client, session, make, sessions):
    world = tender_batch(session, make, sessions)
    headers = _token(session, world.lead)
    answer = client.post(
        f"/api/v1/batches/{world.batch.id}/tenders", json=_body(world), headers=headers
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "open" and body["batch_id"] == world.batch.id
    assert body["invited"] == 2 and body["evidence_wanted"] == ["labels"]
    assert [line["product_id"] for line in body["lines"]] == [world.paper_id]
    assert body["lines"][0]["quantity"] == "50.000" and body["lines"][0]["towns"] == ["Nancy"]
    emails = list(session.scalars(select(OutgoingEmail)))
    assert len(emails) == 2 and all("/tenders/quote/" in email.body for email in emails)

    listed = client.get(f"/api/v1/tenders?batch_id={world.batch.id}", headers=headers)
    assert listed.status_code == 200
    assert [t["id"] for t in listed.get_json()["items"]] == [body["id"]]
    # The paper is in an open tender: a second tender on it is refused on the products...
    again = client.post(
        f"/api/v1/batches/{world.batch.id}/tenders", json=_body(world), headers=headers
    )
    assert again.status_code == 422
    assert (
        (again.get_json()["error"]["fields"]["product_ids"])
        == "Déjà dans un appel d’offres ouvert : Ramette A4 recyclée 80 g."
    )
    assert _tenders(session) == 1 and len(list(session.scalars(select(OutgoingEmail)))) == 2
    # ...while the soap of the same batch is put out to tender in a tender of its own.
    soap = client.post(
        f"/api/v1/batches/{world.batch.id}/tenders",
        json=_body(world, product_ids=[world.soap_id]),
        headers=headers,
    )
    assert soap.status_code == 201, soap.get_json()
    assert [line["product_id"] for line in soap.get_json()["lines"]] == [world.soap_id]
    assert _tenders(session) == 2


def test_wrong_values_answer_422_per_field_and_store_nothing(client, session, make, sessions):
    world = tender_batch(session, make, sessions)
    headers = _token(session, world.lead)
    url = f"/api/v1/batches/{world.batch.id}/tenders"
    past = client.post(
        url, json=_body(world, closes_at="2020-01-01T10:00:00+01:00"), headers=headers
    )
    assert past.status_code == 422
    assert "dans le futur" in past.get_json()["error"]["fields"]["closes_at"]
    naive = client.post(url, json=_body(world, closes_at="2030-01-01T10:00:00"), headers=headers)
    assert naive.status_code == 422 and "closes_at" in naive.get_json()["error"]["fields"]
    evidence = client.post(url, json=_body(world, evidence_wanted=["smile"]), headers=headers)
    assert evidence.status_code == 422
    siret = _body(world)
    siret["invitations"][0]["siret"] = "12345678901234"
    refused = client.post(url, json=siret, headers=headers)
    assert refused.status_code == 422
    assert "14 chiffres" in refused.get_json()["error"]["fields"]["invitations.0.siret"]
    assert _tenders(session) == 0
    assert session.scalar(select(func.count(OutgoingEmail.id))) == 0


def test_a_members_token_is_refused(client, session, make, sessions):
    world = opened(session, make, sessions)
    headers = _token(session, world.users[0])
    assert client.get("/api/v1/tenders", headers=headers).status_code == 403
    assert client.get(f"/api/v1/tenders/{world.tender.id}", headers=headers).status_code == 403
    refused = client.post(f"/api/v1/tenders/{world.tender.id}/close", headers=headers)
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(Tender, world.tender.id).status == "open"


def test_a_tender_reads_with_its_quotes_side_by_side_and_closes_once(
    client, session, make, sessions
):
    world = opened(session, make, sessions)
    client.post(world.url("Papiers Verts SCOP"), data=quote_form([{"price": "3,20"}]))
    decline = {"answer": "decline", "decline_reason": "Hors saison"}
    client.post(world.url("Papeterie de l'Est"), data=decline)
    headers = _token(session, world.lead)
    shown = client.get(f"/api/v1/tenders/{world.tender.id}", headers=headers)
    assert shown.status_code == 200
    summary = shown.get_json()
    (line,) = summary["lines"]
    (quote,) = line["quotes"]
    assert quote["supplier"] == "Papiers Verts SCOP" and quote["whole_volume_cost"] == "160.00"
    assert quote["tiers"] == [{"min_quantity": "1.000", "unit_price": "3.2000"}]
    assert line["catalog_unit_price"] == "4.1500"
    answers = {i["name"]: (i["answered"], i["decline_reason"]) for i in summary["invited"]}
    assert answers == {
        "Papiers Verts SCOP": ("quoted", ""),
        "Papeterie de l'Est": ("declined", "Hors saison"),
    }
    assert summary["savings"] == []

    closed = client.post(f"/api/v1/tenders/{world.tender.id}/close", headers=headers)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    again = client.post(f"/api/v1/tenders/{world.tender.id}/close", headers=headers)
    assert again.status_code == 409
    after = client.get(f"/api/v1/tenders/{world.tender.id}", headers=headers).get_json()
    assert after["lines"][0]["quotes"][0]["offer_id"] is not None
    assert [s["computed"] for s in after["savings"]] == [False]
    assert client.get("/api/v1/tenders/99999", headers=headers).status_code == 404


def test_the_openapi_document_describes_the_tender_operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/tenders", "/api/v1/tenders/{tender_id}", "/api/v1/tenders/{tender_id}/close",
            "/api/v1/batches/{batch_id}/tenders"} <= set(document["paths"])  # fmt: skip
    schemas = document["components"]["schemas"]
    assert {"closes_at", "wanted_date"} <= set(schemas["TenderIn"]["required"])
    assert "whole_volume_cost" in schemas["QuotedLine"]["properties"]
    opening = document["paths"]["/api/v1/batches/{batch_id}/tenders"]["post"]
    assert {"201", "409", "422"} <= set(opening["responses"])
