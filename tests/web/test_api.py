"""The JSON API: tokens, a member's needs, the lead's loop and catalog, one error shape."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence import utcnow
from purchasing.models import ApiToken, AuditEvent, Need
from purchasing.people.tokens import revoke_token
from tests.web.api_world import World, build_world


@pytest.fixture
def world(session, make) -> World:
    return build_world(session, make)


def need_body(world: World, today, **changes):
    body = {
        "product_id": world.offer.product_id,
        "quantity": "40",
        "needed_by": (today + timedelta(days=20)).isoformat(),
        "delivery_site_id": world.member.member.sites[0].id,
    }
    return {**body, **changes}


def test_without_a_valid_token_the_api_answers_401_in_json(client, world, session):
    assert client.get("/api/v1/needs").status_code == 401
    wrong = client.get("/api/v1/needs", headers={"Authorization": "Bearer coa_nope"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.get_json()["error"]["code"] == "unauthorized"
    assert set(wrong.get_json()["error"]) == {"code", "message", "fields"}

    token = session.scalar(select(ApiToken).where(ApiToken.user_id == world.member.id))
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/needs", headers=world.headers("member")).status_code == 401

    revoke_token(
        session,
        session.scalar(select(ApiToken.id).where(ApiToken.user_id == world.lead.id)),
        actor=world.lead,
    )
    session.commit()
    assert client.get("/api/v1/needs", headers=world.headers("lead")).status_code == 401


def test_a_browser_session_does_not_reach_the_api_and_the_api_sets_no_cookie(
    client, world, signed_in
):
    signed_in(world.member)
    assert client.get("/api/v1/needs").status_code == 401
    answer = client.get("/api/v1/needs", headers=world.headers("member"))
    assert answer.status_code == 200
    assert "Set-Cookie" not in answer.headers


def test_a_member_sees_and_changes_only_its_companys_needs(client, world, session, today):
    mine = client.get("/api/v1/needs", headers=world.headers("member")).get_json()
    assert [need["id"] for need in mine["items"]] == [world.need.id]
    assert mine["total"] == 1 and mine["page"] == 1 and mine["pages"] == 1
    assert mine["items"][0]["quantity"] == "10.000"

    theirs = f"/api/v1/needs/{world.other_need.id}"
    assert client.get(theirs, headers=world.headers("member")).status_code == 404
    assert client.post(theirs + "/cancel", headers=world.headers("member")).status_code == 404
    changed = client.put(theirs, json=need_body(world, today), headers=world.headers("member"))
    assert changed.status_code == 404
    assert client.get(theirs, headers=world.headers("lead")).status_code == 200

    every = client.get("/api/v1/needs?per_page=1", headers=world.headers("lead")).get_json()
    assert every["total"] == 2 and every["pages"] == 2 and len(every["items"]) == 1


def test_lists_are_filtered_by_the_ids_written_in_the_query_string(client, world):
    member = world.member.member_id
    needs = client.get(f"/api/v1/needs?member_id={member}", headers=world.headers("lead"))
    assert needs.status_code == 200, needs.get_json()
    assert [need["id"] for need in needs.get_json()["items"]] == [world.need.id]
    offers = client.get(
        f"/api/v1/offers?product_id={world.offer.product_id}", headers=world.headers("member")
    )
    assert offers.status_code == 200, offers.get_json()
    assert [offer["id"] for offer in offers.get_json()["items"]] == [world.offer.id]
    wrong = client.get("/api/v1/needs?member_id=1.5", headers=world.headers("lead"))
    assert wrong.status_code == 422 and "member_id" in wrong.get_json()["error"]["fields"]


def test_a_member_submits_changes_and_cancels_a_need_with_the_audit_trail(
    client, world, session, today
):
    made = client.post(
        "/api/v1/needs",
        json=need_body(world, today, price_ceiling="2.50"),
        headers=world.headers("member"),
    )
    assert made.status_code == 201, made.get_json()
    need = made.get_json()
    assert need["member_id"] == world.member.member_id
    assert need["price_ceiling"] == "2.5000"
    assert need["status"] == "submitted"

    url = f"/api/v1/needs/{need['id']}"
    changed = client.put(
        url, json=need_body(world, today, quantity="12"), headers=world.headers("member")
    )
    assert changed.status_code == 200 and changed.get_json()["quantity"] == "12.000"
    assert client.post(url + "/cancel", headers=world.headers("member")).status_code == 200
    again = client.post(url + "/cancel", headers=world.headers("member"))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"

    session.expire_all()
    events = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.user_id == world.member.id, AuditEvent.object_id == need["id"]
        )
    ).all()
    assert events == ["need.submit", "need.update", "need.cancel"]


def test_invalid_values_answer_422_per_field_in_the_readers_language_and_store_nothing(
    client, world, session, today
):
    before = len(session.scalars(select(Need)).all())
    body = need_body(world, today, quantity="0", needed_by=today.isoformat())
    french = client.post("/api/v1/needs", json=body, headers=world.headers("member"))
    assert french.status_code == 422
    error = french.get_json()["error"]
    assert error["code"] == "invalid"
    assert (
        error["fields"]["needed_by"]
        == "La date de livraison souhaitée doit être après aujourd’hui."
    )
    assert "quantity" in error["fields"]

    english = client.post("/api/v1/needs", json=body, headers=world.headers("member", "en"))
    assert english.get_json()["error"]["fields"]["needed_by"] == (
        "The needed-by date must be after today."
    )
    float_money = client.post(
        "/api/v1/needs",
        json=need_body(world, today, quantity=40.5),
        headers=world.headers("member", "en"),
    )
    assert float_money.status_code == 422
    assert "decimal point" in float_money.get_json()["error"]["fields"]["quantity"]
    missing = client.post("/api/v1/needs", json={}, headers=world.headers("member"))
    assert missing.get_json()["error"]["fields"]["quantity"] == "Champ obligatoire manquant."
    session.expire_all()
    assert len(session.scalars(select(Need)).all()) == before


def test_malformed_requests_unknown_urls_and_roles_answer_json(client, world):
    malformed = client.post(
        "/api/v1/needs",
        data="{not json",
        content_type="application/json",
        headers=world.headers("member"),
    )
    assert malformed.status_code == 400
    assert malformed.get_json()["error"]["code"] == "malformed"
    unknown = client.get("/api/v1/nothing-here", headers=world.headers("member"))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    method = client.delete("/api/v1/needs", headers=world.headers("member"))
    assert method.status_code == 405 and method.is_json
    forbidden = client.get("/api/v1/batches", headers=world.headers("member"))
    assert forbidden.status_code == 403
    assert forbidden.get_json()["error"]["message"] == "Votre rôle ne le permet pas."
    too_many = client.get("/api/v1/needs?per_page=1000", headers=world.headers("member"))
    assert too_many.status_code == 422 and "per_page" in too_many.get_json()["error"]["fields"]


def test_a_lead_runs_the_round_and_the_batch(client, world, session):
    headers = world.headers("lead")
    rounds = client.get("/api/v1/rounds", headers=headers).get_json()
    assert [r["status"] for r in rounds["items"]] == ["open", "closed"]
    assert rounds["items"][1]["batch_id"] == world.batch.id

    closing = client.post(f"/api/v1/rounds/{world.open_round.id}/close", headers=headers)
    assert closing.status_code == 202
    assert closing.get_json()["kind"] == "close_round"
    assert (
        client.post(f"/api/v1/rounds/{world.open_round.id}/close", headers=headers).status_code
        == 409
    )
    job = client.get(f"/api/v1/jobs/{closing.get_json()['id']}", headers=headers)
    assert job.get_json()["status"] == "queued"

    batch_url = f"/api/v1/batches/{world.batch.id}"
    shown = client.get(batch_url, headers=headers).get_json()
    assert shown["scenarios"][0]["computed"] is False
    scenario = client.post(batch_url + "/scenarios", json={"cost": 20, "eco": 80}, headers=headers)
    assert scenario.status_code == 202 and scenario.get_json()["number"] == 2
    detail = client.get(batch_url + "/scenarios/2", headers=headers).get_json()
    assert detail["policy"]["weights"] == {
        "cost": 20,
        "delay": 0,
        "eco": 80,
    }  # a weight left out is 0
    assert detail["indicators"] is None
    no_point = client.post(
        batch_url + "/scenarios", json={"deliver_to_collection_point": True}, headers=headers
    )
    assert no_point.status_code == 422
    assert (
        "point de collecte" in no_point.get_json()["error"]["fields"]["deliver_to_collection_point"]
    )
    negative = client.post(
        batch_url + "/scenarios", json={"delivery_cost_per_km": "150"}, headers=headers
    )
    assert negative.status_code == 422
    assert "prix au km" in negative.get_json()["error"]["fields"]["delivery_cost_per_km"]
    by_road = client.post(
        batch_url + "/scenarios", json={"delivery_cost_per_km": "0.90"}, headers=headers
    )
    assert by_road.status_code == 202 and by_road.get_json()["number"] == 3
    kept = client.get(batch_url + "/scenarios/3", headers=headers).get_json()
    assert kept["policy"]["rules"]["delivery_cost_per_km"] == "0.9"
    assert client.post(batch_url + "/frontier", headers=headers).status_code == 202
    early = client.post(batch_url + "/approve", json={"scenario": 1}, headers=headers)
    assert early.status_code == 409
    assert (
        client.post(batch_url + "/reject", json={"comment": " "}, headers=headers).status_code
        == 422
    )
    rejected = client.post(batch_url + "/reject", json={"comment": "Trop cher"}, headers=headers)
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.user_id == world.lead.id)
    ).all()
    assert {"round.close_requested", "scenario.request", "batch.frontier", "batch.reject"} <= set(
        actions
    )


def test_members_read_the_catalog_and_leads_keep_the_offers(client, world, session):
    offers = client.get("/api/v1/offers", headers=world.headers("member")).get_json()
    assert offers["items"][0]["tiers"] == [{"min_quantity": "1.000", "unit_price": "2.1000"}]
    assert (
        client.get(
            f"/api/v1/suppliers/{world.offer.supplier_id}", headers=world.headers("member")
        ).get_json()["delivery_fee"]
        == "10.00"
    )
    body = {
        "supplier_id": world.offer.supplier_id,
        "product_id": world.offer.product_id,
        "supplier_ref": "API-1",
        "tiers": [
            {"min_quantity": "1", "unit_price": "1.95"},
            {"min_quantity": "100", "unit_price": "1.80"},
        ],
    }
    assert (
        client.post("/api/v1/offers", json=body, headers=world.headers("member")).status_code == 403
    )
    made = client.post("/api/v1/offers", json=body, headers=world.headers("lead"))
    assert made.status_code == 201, made.get_json()
    offer = made.get_json()
    body.pop("supplier_id")
    body["tiers"][1]["unit_price"] = "1.9"
    body["tiers"].append({"min_quantity": "50", "unit_price": "-1"})
    refused = client.put(f"/api/v1/offers/{offer['id']}", json=body, headers=world.headers("lead"))
    assert refused.status_code == 422
    body["tiers"].pop()
    changed = client.put(f"/api/v1/offers/{offer['id']}", json=body, headers=world.headers("lead"))
    assert changed.status_code == 200
    assert changed.get_json()["tiers"][1]["unit_price"] == "1.9000"
    session.expire_all()
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "offer", AuditEvent.user_id == world.lead.id
        )
    ).all()
    assert actions == ["offer.create", "offer.update"]


def test_the_openapi_document_and_its_page_are_public(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    spec = document.get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["schemas"]["Need"]["properties"]["quantity"]["type"] == "string"
    # Issuing a batch's invoices answers at once with the job to follow, whose result names them.
    issuing = spec["paths"]["/api/v1/batches/{batch_id}/invoices"]["post"]["responses"]
    assert set(issuing) == {"202", "409", "default"}
    assert issuing["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/Job")
    assert "Location" in issuing["202"]["headers"]
    job = spec["components"]["schemas"]["Job"]
    assert {"result", "error"} <= set(job["required"])
    assert job["properties"]["result"]["type"] == "object"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/needs" in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers


def test_a_fractional_quantity_of_a_counted_product_is_refused_naming_the_step(
    client, world, session, today
):
    answer = client.post(
        "/api/v1/needs",
        json=need_body(world, today, quantity="2.5"),
        headers=world.headers("member") | {"Accept-Language": "fr"},
    )
    assert answer.status_code == 422
    message = answer.get_json()["error"]["fields"]["quantity"]
    assert "il se livre par 1" in str(message)
    session.expire_all()
    assert session.scalar(select(func.count(Need.id)).where(Need.quantity == Decimal("2.5"))) == 0


def test_the_api_documentation_page_is_in_one_language_whatever_the_readers(client):
    for language in ("fr", "en"):
        page = client.get("/api/v1/docs", headers={"Accept-Language": language})
        text = page.get_data(as_text=True)
        assert '<html lang="en">' in text
        assert "Operations" in text and "What it does" in text
        assert "Opérations" not in text and "Ce que fait l’opération" not in text


def test_the_api_documentation_page_renders_its_markdown(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<code>Authorization: Bearer coa_…</code>" in page
    assert "*API tokens*" not in page and "<em>API tokens</em>" in page
    assert "`" not in page.split("<main>", 1)[1]


def test_a_negative_quantity_is_answered_by_the_rule_not_by_how_to_write_a_number(
    client, world, today
):
    for quantity in ("-4", "0"):
        answer = client.post(
            "/api/v1/needs",
            json=need_body(world, today, quantity=quantity),
            headers=world.headers("member", "en"),
        )
        assert answer.status_code == 422
        assert answer.get_json()["error"]["fields"]["quantity"] == (
            "The quantity must be more than zero."
        )
    ceiling = client.post(
        "/api/v1/needs",
        json=need_body(world, today, price_ceiling="-2.50"),
        headers=world.headers("member", "en"),
    )
    assert ceiling.get_json()["error"]["fields"]["price_ceiling"] == "Must be zero or more."


def test_a_member_lists_its_companys_open_sites_to_name_one_in_a_need(
    client, world, session, today
):
    from purchasing.models import DeliverySite

    mine = world.member.member
    closed = DeliverySite(name="Ancien dépôt", town="Nancy", latitude=48.7, longitude=6.2)
    closed.active = False
    mine.sites.append(closed)
    session.commit()
    listed = client.get("/api/v1/sites", headers=world.headers("member"))
    assert listed.status_code == 200
    assert [(s["id"], s["member_id"]) for s in listed.get_json()] == [(mine.sites[0].id, mine.id)]
    body = need_body(world, today, delivery_site_id=listed.get_json()[0]["id"])
    assert (
        client.post("/api/v1/needs", json=body, headers=world.headers("member")).status_code == 201
    )
    everyone = client.get("/api/v1/sites", headers=world.headers("lead")).get_json()
    assert {s["member_id"] for s in everyone} == {mine.id, world.other_member.member_id}
