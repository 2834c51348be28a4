"""Closing a tender, exactly once, and the scenarios it brings.

The close is a conditional update of the tender (`open` → `closed`): of two closings at once
(the scheduler and the lead, or two processes), one finds it open and the other is told; a
quote stored meanwhile holds the tender's row, so it is either in the close or refused. Each
quote line then becomes an offer valid for this tender only (its tiers become price tiers, its
label and recycled content the offer's eco attributes). The tender's problem is the batch's
problem as it stood at the close plus these offers, and its scenarios (one per policy of the
batch's catalog scenarios, at most `MAX_TENDER_SCENARIOS`) are queued under keys of their own;
the scheduler computes them and the batch's earlier scenarios are kept.

In the tender's problem a supplier's delivery fee and free-delivery threshold are the ones it
quoted: they are its terms for this purchase.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

import optimizer
from optimizer.jsonio import problem_from_dict
from optimizer.jsonout import problem_to_dict
from persistence import utcnow
from persistence.audit import Actor, record_event
from persistence.jobs import enqueue
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.geography import cooperative_centroid, delivery_points
from purchasing.models import DeliverySite, Scenario
from purchasing.permissions import RUN_TENDERS, require
from purchasing.rounds.policies import ScenarioPolicy, policy_from_json
from purchasing.rounds.problem import delivery_cost, optimizer_offer, optimizer_supplier
from purchasing.tenders.models import (
    Tender,
    TenderInvitation,
    TenderQuote,
    TenderQuoteLine,
    TenderScenario,
)
from suppliers.models import Offer, PriceTier, Product, Supplier

MAX_TENDER_SCENARIOS = 3


def tender_key(tender_id: int, policy: ScenarioPolicy) -> str:
    """The key of a tender's scenario: the tender and the policy, hashed (a batch's scenario
    keys are unique, and a catalog scenario's key is its policy's)."""
    return hashlib.sha256(f"tender/{tender_id}/{policy.key}".encode()).hexdigest()


def close_tender(
    session: Session, tender_id: int, *, actor: Actor | None, now: datetime | None = None
) -> Tender:
    """Closes the tender now (before its closing time when the lead asks): its quotes become
    offers valid for it only, and its scenarios are queued. `Conflict` when it was closed
    already. Flushes; the caller commits."""
    require(actor, RUN_TENDERS)
    now = now or utcnow()
    if session.get(Tender, tender_id) is None:
        raise NotFound(Message(N_("No such tender.")))
    closed = session.execute(
        update(Tender)
        .where(Tender.id == tender_id, Tender.status == "open")
        .values(status="closed", closed_at=now, closed_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(Message(N_("This tender is already closed.")))
    tender = _loaded(session, tender_id)
    offers = _quotes_to_offers(session, tender, now)
    tender.problem = problem_to_dict(_tender_problem(session, tender, offers))
    queued = _queue_scenarios(session, tender, actor)
    record_event(
        session,
        "tender.close",
        "tender",
        tender.id,
        actor=actor,
        batch=tender.batch_id,
        quoted_offers=len(offers),
        scenarios=[scenario.number for scenario in queued],
    )
    return tender


def _loaded(session: Session, tender_id: int) -> Tender:
    tender = session.scalar(
        select(Tender)
        .where(Tender.id == tender_id)
        .options(
            selectinload(Tender.lines),
            selectinload(Tender.invitations)
            .selectinload(TenderInvitation.quote)
            .selectinload(TenderQuote.lines)
            .selectinload(TenderQuoteLine.tiers),
        )
        .execution_options(populate_existing=True)
    )
    assert tender is not None
    return tender


def _quotes_to_offers(
    session: Session, tender: Tender, now: datetime
) -> list[tuple[Offer, TenderQuote]]:
    """Each quoted line as an offer valid for this tender only. A label that expired before
    the close is not carried: it no longer vouches for anything."""
    today = cooperative_today(now)
    made = []
    for invitation in tender.invitations:
        quote = invitation.quote
        if quote is None or quote.declined or invitation.supplier_id is None:
            continue
        for line in quote.lines:
            tender_line = line.tender_line
            product = session.get(Product, tender_line.product_id)
            assert product is not None
            label_holds = line.label and (
                line.label_expires_on is None or line.label_expires_on >= today
            )
            offer = Offer(
                supplier_id=invitation.supplier_id,
                product_id=product.id,
                supplier_ref=f"AO{tender.id}-{tender_line.position}",
                description=f"Tender {tender.id}, line {tender_line.position}",
                pack_size=line.pack_size,
                min_order_quantity=line.min_order_quantity,
                lead_time_days=line.lead_time_days,
                label=line.label if label_holds else None,
                recycled_content=line.recycled_content,
                vat_rate=product.category.vat_rate,
                valid_until=quote.valid_until,
                tender_id=tender.id,
                tiers=[
                    PriceTier(min_quantity=tier.min_quantity, unit_price=tier.unit_price)
                    for tier in line.tiers
                ],
            )
            session.add(offer)
            session.flush()
            line.offer_id = offer.id
            made.append((offer, quote))
    session.flush()
    return made


def _tender_problem(
    session: Session, tender: Tender, offers: list[tuple[Offer, TenderQuote]]
) -> optimizer.Problem:
    """The batch's problem as it stood at the close, with the quoted offers, their suppliers
    (on the delivery terms they quoted) and their per-unit delivery costs to its sites."""
    base = problem_from_dict(tender.batch.problem)
    order_date = base.policy.order_date
    points = delivery_points(session)
    centre = cooperative_centroid(session)
    suppliers = {supplier.id: supplier for supplier in base.suppliers}
    known = set(suppliers)
    sites = list(
        session.scalars(
            select(DeliverySite).where(DeliverySite.id.in_([int(s.id) for s in base.sites]))
        )
    )
    added_offers = []
    costs = list(base.delivery_costs)
    for offer, quote in offers:
        session.refresh(offer)
        entry = optimizer_offer(offer, order_date, points)
        if entry is None:
            continue
        added_offers.append(entry)
        supplier = session.get(Supplier, offer.supplier_id)
        assert supplier is not None
        terms = replace(
            optimizer_supplier(supplier, centre),
            delivery_fee=quote.delivery_fee,
            fee_waived_above=quote.fee_waived_above,
        )
        suppliers[terms.id] = terms
        if terms.id not in known:
            known.add(terms.id)
            costs += [c for site in sites if (c := delivery_cost(supplier, site)) is not None]
    return optimizer.Problem(
        needs=base.needs,
        offers=(*base.offers, *added_offers),
        suppliers=tuple(suppliers[key] for key in sorted(suppliers, key=int)),
        policy=base.policy,
        sites=base.sites,
        delivery_costs=tuple(costs),
        collection_point=base.collection_point,
        products=base.products,
    )


def _queue_scenarios(session: Session, tender: Tender, actor: Actor | None) -> list[Scenario]:
    batch = tender.batch
    tendered = set(
        session.scalars(
            select(TenderScenario.scenario_id)
            .join(Tender, TenderScenario.tender_id == Tender.id)
            .where(Tender.batch_id == batch.id)
        )
    )
    catalog = [s for s in batch.scenarios if s.id not in tendered]
    policies: dict[str, tuple[ScenarioPolicy, Scenario | None]] = {}
    for scenario in catalog:
        policy = policy_from_json(scenario.policy)
        policies.setdefault(policy.key, (policy, scenario))
    if not policies:
        policy = policy_from_json(batch.policy or {})
        policies[policy.key] = (policy, None)
    queued = []
    for policy, baseline in list(policies.values())[:MAX_TENDER_SCENARIOS]:
        queued.append(_queue_scenario(session, tender, policy, baseline, actor))
    return queued


def _queue_scenario(
    session: Session,
    tender: Tender,
    policy: ScenarioPolicy,
    baseline: Scenario | None,
    actor: Actor | None,
) -> Scenario:
    batch = tender.batch
    number = max((s.number for s in batch.scenarios), default=0) + 1
    scenario = Scenario(
        batch_id=batch.id,
        number=number,
        name=str(number),
        policy=policy.as_json(),
        policy_key=tender_key(tender.id, policy),
        created_by_id=actor.id if actor else None,
    )
    batch.scenarios.append(scenario)
    session.flush()
    scenario.job_id = enqueue(
        session,
        "optimize_scenario",
        {"scenario_id": scenario.id},
        actor_id=actor.id if actor else None,
    ).id
    tender.scenarios.append(
        TenderScenario(scenario_id=scenario.id, baseline_id=baseline.id if baseline else None)
    )
    session.flush()
    return scenario


def close_due_tenders(
    session: Session, *, actor: Actor | None, now: datetime | None = None
) -> list[int]:
    """Closes every open tender whose closing time has passed; returns their ids. A tender
    closed meanwhile by someone else is left alone."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Tender.id)
            .where(Tender.status == "open", Tender.closes_at <= now)
            .order_by(Tender.id)
        )
    )
    closed = []
    for tender_id in due:
        try:
            close_tender(session, tender_id, actor=actor, now=now)
        except Conflict:
            continue
        closed.append(tender_id)
    return closed


def request_tender_scenario(
    session: Session, tender_id: int, policy: ScenarioPolicy, *, actor: Actor | None
) -> Scenario:
    """Queues one more scenario on the closed tender's problem under `policy` (the same
    policy asked again gives the scenario already there). Flushes; the caller commits."""
    require(actor, RUN_TENDERS)
    tender = session.get(Tender, tender_id)
    if tender is None:
        raise NotFound(Message(N_("No such tender.")))
    if tender.status != "closed" or tender.problem is None:
        raise Conflict(Message(N_("The tender's scenarios are computed once it has closed.")))
    if tender.batch.status != "proposed":
        raise Conflict(Message(N_("This batch is no longer waiting for a decision.")))
    key = tender_key(tender.id, policy)
    for scenario in tender.batch.scenarios:
        if scenario.policy_key == key:
            return scenario
    baseline = next((s for s in tender.batch.scenarios if s.policy_key == policy.key), None)
    scenario = _queue_scenario(session, tender, policy, baseline, actor)
    record_event(
        session,
        "scenario.request",
        "batch",
        tender.batch_id,
        scenario=scenario.number,
        policy=policy.key,
        tender=tender.id,
        actor=actor,
    )
    return scenario


def scenario_problem(session: Session, scenario: Scenario) -> dict[str, object]:
    """The problem a scenario is computed on: its tender's (the batch's problem at the close
    plus the quoted offers) for a tender's scenario, the batch's otherwise."""
    tender_problem = session.scalar(
        select(Tender.problem)
        .join(TenderScenario, TenderScenario.tender_id == Tender.id)
        .where(TenderScenario.scenario_id == scenario.id)
    )
    return dict(tender_problem or scenario.batch.problem)
