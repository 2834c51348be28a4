"""The lead prices delivery by the km of each supplier's round trip in a scenario: the form
checks the price, the optimizer charges each order its tour, the batch page shows each tour's
cost, and a member's statement its share and its round trips alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from purchasing.batches.batches import approve_batch
from purchasing.errors import Invalid
from purchasing.models import Batch, Scenario
from purchasing.rounds.policies import policy_from_json, read_policy
from scheduling.jobs import work_jobs
from tests.conftest import page_words, sign_in
from tests.purchasing.orders_setup import closed_batch

POLICY = {"cost": "60", "delay": "10", "eco": "30", "time_limit": "30"}


def french(amount: str) -> str:
    return amount.replace(".", ",")


def test_the_price_per_km_is_kept_with_the_policy_and_reaches_the_optimizer():
    policy = read_policy(POLICY | {"delivery_cost_per_km": "1,20"})
    assert policy.delivery_cost_per_km == Decimal("1.20")
    assert policy.as_json()["rules"]["delivery_cost_per_km"] == "1.2"
    assert policy_from_json(policy.as_json()) == policy
    # left empty: the policy has no such key, as policies kept before the option
    assert "delivery_cost_per_km" not in read_policy(POLICY).as_json()["rules"]


@pytest.mark.parametrize("typed", ["-1", "abc", "1.234", "101", "1 €/km"])
def test_a_wrong_price_per_km_is_refused_naming_the_field(typed):
    with pytest.raises(Invalid) as refused:
        read_policy(POLICY | {"delivery_cost_per_km": typed})
    assert set(refused.value.errors) == {"delivery_cost_per_km"}


def test_the_lead_prices_the_round_trips_and_reads_each_tours_cost(
    session, make, sessions, signed_in
):
    batch, lead, *_ = closed_batch(session, make, sessions)
    client = signed_in(lead)
    refused = client.post(
        f"/batches/{batch.id}/scenarios", data=POLICY | {"delivery_cost_per_km": "-2"}
    )
    assert refused.status_code == 422
    assert "Le prix au km est un montant en euros de 0 à 100, au centime près." in page_words(
        refused
    )
    session.expire_all()
    assert session.scalar(select(func.count(Scenario.id))) == 1

    asked = client.post(
        f"/batches/{batch.id}/scenarios", data=POLICY | {"delivery_cost_per_km": "0,80"}
    )
    assert asked.status_code == 302
    assert work_jobs(sessions) == 1
    session.expire_all()
    first, priced = session.get(Batch, batch.id).scenarios
    result = priced.result
    tours = result["transport"]["tours"]
    assert Decimal(result["transport"]["delivery_cost_per_km"]) == Decimal("0.80")
    assert tours and all(Decimal(t["cost"]) > 0 for t in tours)
    # each order pays its supplier's round trip on top of what the first scenario charged
    for tour in tours:
        order = next(o for o in result["orders"] if o["supplier"] == tour["by"])
        before = next(o for o in first.result["orders"] if o["supplier"] == tour["by"])
        assert Decimal(order["delivery"]) == Decimal(before["delivery"]) + Decimal(tour["cost"])
        assert Decimal(tour["cost"]) == (Decimal(tour["km"]) * Decimal("0.80")).quantize(
            Decimal("0.01")
        )
    page = page_words(client.get(f"/batches/{batch.id}?scenario=2"))
    assert "tournées de livraison à 0,80 € le km" in page
    assert "Prix de la livraison 0,80 € par km de la tournée de chaque fournisseur" in page
    assert "Coût de la tournée" in page
    for tour in tours:
        assert french(tour["cost"]) in page


def test_a_member_reads_its_share_and_its_round_trips_alone(session, make, sessions, app):
    batch, lead, members, users, *_ = closed_batch(session, make, sessions)
    client = app.test_client()
    sign_in(client, lead)
    client.post(f"/batches/{batch.id}/scenarios", data=POLICY | {"delivery_cost_per_km": "1"})
    work_jobs(sessions)
    approve_batch(session, batch.id, "2", actor=lead)
    session.commit()
    member = app.test_client()
    sign_in(member, users[0])
    page = page_words(member.get(f"/statements/{batch.id}/{members[0].id}"))
    assert "Prix de la livraison 1,00 € par km" in page
    assert "Coût de la tournée" in page
    session.expire_all()
    result = session.get(Batch, batch.id).chosen.result
    row = next(m for m in result["members"] if m["member"] == str(members[0].id))
    for trip in row["alone_tours"]:
        assert french(trip["cost"]) in page.split("Si vous aviez acheté seul")[1]
    # alone, the member pays at least its share of each tour
    assert Decimal(row["alone_total"]) >= Decimal(row["total"])
