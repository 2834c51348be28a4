"""Whom the lead is proposed to invite to a tender (the active catalog suppliers of the
tendered products' categories, with their labels, nearest first), and the scenarios a lead asks
for on a closed tender's problem."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from tenders_setup import SECRET, closed_and_computed, opened, proposed_batch, quote, token_of

from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.batches.batches import approve_batch
from purchasing.errors import Conflict, NotAllowed, NotFound
from purchasing.models import Batch
from purchasing.rounds.policies import ScenarioPolicy, policy_from_json
from purchasing.tenders.closing import close_tender, request_tender_scenario, tender_key
from purchasing.tenders.proposals import proposed_suppliers
from purchasing.tenders.quotes import submit_quote
from scheduling.jobs import work_jobs
from suppliers.models import Category, Offer, Product, SupplierLabel


def test_the_lead_is_proposed_the_suppliers_of_the_tendered_categories_nearest_first(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)  # the members' sites are in Nancy
    paper = world["product"]
    envelopes = make.product("Enveloppes kraft")  # paper too, but no member asked for it
    soap = Product(name="Savon liquide", unit="l", category=Category(name="Hygiène"))
    session.add(soap)
    near = make.supplier("Papeterie du Coin", latitude=48.70, longitude=6.19)
    near.labels.append(SupplierLabel(name="Imprim'Vert"))
    make.offer(product=envelopes, supplier=near)
    far = make.supplier("Papiers d'Alsace", latitude=48.58, longitude=7.75, social_economy="ESAT")
    make.offer(product=paper, supplier=far)
    make.offer(product=soap, supplier=make.supplier("Droguerie du Coin", latitude=48.70))
    closed = make.supplier("Papeterie fermée", latitude=48.70, active=False)
    make.offer(product=paper, supplier=closed)
    withdrawn = make.supplier("Papeterie sans offre", latitude=48.70)
    make.offer(product=paper, supplier=withdrawn, active=False)
    session.commit()

    proposed = proposed_suppliers(session, world["batch"].id)
    catalog = world["catalog"].supplier  # in Metz
    assert [p.name for p in proposed] == [near.name, catalog.name, far.name]
    distances = [p.distance_km for p in proposed]
    assert distances == sorted(distances) and distances[0] < 2 < 40 < distances[1] < distances[2]
    by_name = {p.name: p for p in proposed}
    assert by_name[near.name].labels == ("Imprim'Vert",) and by_name[far.name].labels == ()
    assert by_name[far.name].social_economy and not by_name[near.name].social_economy
    assert all(p.product_ids == (paper.id,) and p.categories == ("Papier",) for p in proposed)
    # the lead sees who sells the product already and who sells only its category
    assert [p.offers_already for p in proposed] == [False, True, True]
    # products the batch does not pool propose no one
    assert proposed_suppliers(session, world["batch"].id, [soap.id]) == []
    with pytest.raises(NotFound):
        proposed_suppliers(session, 999999)


def test_a_supplier_known_only_by_a_tender_quote_is_not_proposed_from_the_catalog(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    submit_quote(session, token_of(tender.invitations[0]), quote(tender), secret=SECRET)
    session.commit()
    close_tender(session, tender.id, actor=world["lead"])
    session.commit()
    assert session.scalar(select(Offer).where(Offer.supplier_id == world["other"].id)).tender_id
    names = [p.name for p in proposed_suppliers(session, world["batch"].id)]
    assert names == [world["catalog"].supplier.name]


def _scenarios(session) -> int:
    return session.scalar(select(func.count(Job.id)).where(Job.kind == "optimize_scenario"))


def test_a_lead_asks_for_another_scenario_on_the_closed_tenders_problem(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    lead = world["lead"]
    tender = opened(session, world)
    session.commit()
    greener = ScenarioPolicy(cost=40, delay=0, eco=60)
    with pytest.raises(Conflict):  # its quotes are not in yet
        request_tender_scenario(session, tender.id, greener, actor=lead)
    session.rollback()
    submit_quote(session, token_of(tender.invitations[0]), quote(tender), secret=SECRET)
    session.commit()
    tender = closed_and_computed(session, sessions, tender, lead)
    batch = session.get(Batch, world["batch"].id)
    catalog_policy = policy_from_json(batch.scenarios[0].policy)
    queued = _scenarios(session)

    # The catalog scenario's policy was computed with the quotes at the close: nothing more.
    again = request_tender_scenario(session, tender.id, catalog_policy, actor=lead)
    assert again.id == tender.scenarios[0].scenario_id and _scenarios(session) == queued

    scenario = request_tender_scenario(session, tender.id, greener, actor=lead)
    session.commit()
    assert scenario.number == 3 and scenario.policy_key == tender_key(tender.id, greener)
    assert scenario.policy_key != greener.key  # not to be mistaken for a catalog scenario
    assert _scenarios(session) == queued + 1
    assert request_tender_scenario(session, tender.id, greener, actor=lead).id == scenario.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "scenario.request")).one()
    assert (event.details["tender"], event.details["scenario"]) == (tender.id, 3)
    work_jobs(sessions)
    session.expire_all()
    session.refresh(tender)
    link = next(link for link in tender.scenarios if link.scenario_id == scenario.id)
    assert link.baseline is None  # no catalog scenario of that policy to compare with
    quoted = session.scalar(select(Offer.id).where(Offer.tender_id == tender.id))
    result = link.scenario.result
    assert {a["offer"] for a in result["allocations"]} == {str(quoted)}
    assert Decimal(result["indicators"]["total_cost"]) == 40 * Decimal("2.00") + 5


def test_another_tender_scenario_is_refused_to_a_member_and_after_the_decision(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    tender = closed_and_computed(session, sessions, tender, world["lead"])
    greener = ScenarioPolicy(cost=40, delay=0, eco=60)
    with pytest.raises(NotAllowed):
        request_tender_scenario(session, tender.id, greener, actor=make.user("member"))
    session.rollback()
    with pytest.raises(NotFound):
        request_tender_scenario(session, 999999, greener, actor=world["lead"])
    approve_batch(session, world["batch"].id, "1", actor=world["lead"])
    session.commit()
    queued = _scenarios(session)
    with pytest.raises(Conflict) as refused:
        request_tender_scenario(session, tender.id, greener, actor=world["lead"])
    assert "no longer waiting" in refused.value.message.text
    session.rollback()
    assert _scenarios(session) == queued
