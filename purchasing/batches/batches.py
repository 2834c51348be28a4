"""Batches: scenarios computed for them, and the lead's decision (approve one, or reject).

A decision is a conditional update of the batch (`proposed` → `approved` or `rejected`): of
two leads deciding at once, one wins and the other is told who decided first; deciding again
changes nothing again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from persistence import utcnow
from persistence.audit import Actor, record_event
from persistence.ids import parse_id
from persistence.jobs import Job, active_job, enqueue
from persistence.pages import Page, paginate
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import COMMENT_MAX, Allocation, Batch, Need, Scenario
from purchasing.orders.orders import create_orders
from purchasing.people.collection_point import NO_COLLECTION_POINT, collection_point
from purchasing.permissions import COMPUTE_SCENARIOS, DECIDE_BATCH, require
from purchasing.results import read_result
from purchasing.rounds.policies import ScenarioPolicy
from purchasing.rounds.rounds import earliest_delivery, open_round, order_day
from purchasing.tenders.outcome import after_approval, check_approval
from suppliers.models import Offer

MAX_SCENARIOS = 20
FRONTIER_POINTS = 6

REASONS = {
    "no_offer": N_("no offer in the catalog"),
    "deadline": N_("no offer can deliver by the needed-by date"),
    "price_ceiling": N_("every offer is above the price ceiling"),
    "capacity": N_("the suppliers' capacity is used up"),
    "minimum_quantity": N_("the pooled quantity stays below the minimum order"),
    "pack_size": N_("the pack size does not fit the quantity and tolerance"),
    "rule": N_("a rule of the policy excludes it"),
    "not_solved": N_("the optimizer found no solution in time"),
}


def batch_for(session: Session, batch_id: int) -> Batch:
    """The batch with its round and scenarios; `NotFound` when there is none."""
    batch = session.scalar(
        select(Batch)
        .where(Batch.id == batch_id)
        .options(selectinload(Batch.scenarios).selectinload(Scenario.job))
        .execution_options(populate_existing=True)
    )
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    return batch


def batches(session: Session, status: str | None = None, limit: int = 100) -> list[Batch]:
    """The batches, newest first."""
    query = select(Batch).order_by(Batch.id.desc()).limit(limit)
    if status:
        query = query.where(Batch.status == status)
    return list(session.scalars(query))


def batches_page(session: Session, status: str | None, page: int, per_page: int) -> Page[Batch]:
    """A page of the batches (of one status, or all), newest first."""
    query = select(Batch).order_by(Batch.id.desc())
    if status:
        query = query.where(Batch.status == status)
    return paginate(session, query, page, per_page)


def job_by_id(session: Session, job_id: int) -> Job:
    """A job of the pooling loop (closing a round, a scenario, a frontier)."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(Message(N_("No such job.")))
    return job


def scenario_of(batch: Batch, number: object) -> Scenario:
    """The batch's scenario numbered `number` (as typed); `Invalid` on `scenario` otherwise."""
    text = str(number or "").strip()
    wanted = parse_id(text)
    found = next((s for s in batch.scenarios if s.number == wanted), None)
    if found is None:
        raise Invalid(
            {"scenario": Message(N_("This batch has no scenario %(number)s."), {"number": text})}
        )
    return found


def _must_be_open(batch: Batch) -> None:
    if batch.status != "proposed":
        who = batch.decided_by.name if batch.decided_by is not None else "—"
        when = batch.decided_at.isoformat() if batch.decided_at else ""
        texts = {
            "approved": N_("This batch was already approved by %(name)s."),
            "rejected": N_("This batch was already rejected by %(name)s."),
        }
        text = texts.get(batch.status, N_("This batch is no longer waiting for a decision."))
        raise Conflict(Message(text, {"name": who, "at": when}))


def request_scenario(
    session: Session, batch_id: int, policy: ScenarioPolicy, *, actor: Actor | None
) -> Scenario:
    """Queues a scenario of the batch under `policy`; the same policy asked again gives the
    scenario already there. Suppliers can deliver to the collection point the batch was closed
    with, not to one declared since. Flushes; the caller commits."""
    require(actor, COMPUTE_SCENARIOS)
    batch = batch_for(session, batch_id)
    _must_be_open(batch)
    if policy.deliver_to_collection_point and not (batch.problem or {}).get("collection_point"):
        text = NO_COLLECTION_POINT
        if collection_point(session) is not None:
            text = N_(
                "This batch was closed before the cooperative declared its collection point: "
                "suppliers can deliver there from the next round."
            )
        raise Invalid({"deliver_to_collection_point": Message(text)})
    for scenario in batch.scenarios:
        if scenario.policy_key == policy.key:
            return scenario
    if len(batch.scenarios) >= MAX_SCENARIOS:
        raise Conflict(
            Message(N_("A batch keeps at most %(count)d scenarios."), {"count": MAX_SCENARIOS})
        )
    number = max((s.number for s in batch.scenarios), default=0) + 1
    scenario = Scenario(
        batch_id=batch.id,
        number=number,
        name=str(number),
        policy=policy.as_json(),
        policy_key=policy.key,
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
    session.flush()
    record_event(
        session,
        "scenario.request",
        "batch",
        batch.id,
        scenario=number,
        policy=policy.key,
        actor=actor,
    )
    return scenario


def request_frontier(
    session: Session, batch_id: int, *, actor: Actor | None, points: int = FRONTIER_POINTS
) -> Job:
    """Queues the cost-versus-ecology frontier of the batch (or gives the one queued)."""
    require(actor, COMPUTE_SCENARIOS)
    batch = batch_for(session, batch_id)
    _must_be_open(batch)
    running = active_job(session, "frontier", batch_id=batch.id)
    if running is not None:
        return running
    job = enqueue(
        session,
        "frontier",
        {"batch_id": batch.id, "points": points},
        actor_id=actor.id if actor else None,
    )
    record_event(session, "batch.frontier", "batch", batch.id, job=job.id, actor=actor)
    return job


def _decide(session: Session, batch: Batch, status: str, actor: Actor | None, note: str) -> None:
    decided = session.execute(
        update(Batch)
        .where(Batch.id == batch.id, Batch.status == "proposed")
        .values(
            status=status,
            decided_at=utcnow(),
            decided_by_id=actor.id if actor else None,
            decision_note=note,
            version=Batch.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(batch)
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        _must_be_open(batch)
        raise Conflict(Message(N_("This batch is no longer waiting for a decision.")))


def approve_batch(
    session: Session,
    batch_id: int,
    scenario_number: object,
    *,
    actor: Actor | None,
    now: datetime | None = None,
) -> Batch:
    """The lead approves one scenario: its allocations are written, served needs become
    `allocated`, its purchase orders are made (`purchasing.orders`), and the others go back to
    the next round while their date can still be met (or become `unfulfilled`, with the
    reason). Refused while a tender of the batch is open. Flushes; the caller commits."""
    require(actor, DECIDE_BATCH)
    batch = batch_for(session, batch_id)
    _must_be_open(batch)
    scenario = scenario_of(batch, scenario_number)
    if not scenario.computed:
        raise Conflict(Message(N_("This scenario is still being computed.")))
    check_approval(session, batch.id, scenario.result)
    _decide(session, batch, "approved", actor, "")
    # Again once the batch's row is held: a tender opened meanwhile is seen now.
    check_approval(session, batch.id, scenario.result)
    session.execute(
        update(Scenario)
        .where(Scenario.id == scenario.id)
        .values(chosen=True)
        .execution_options(synchronize_session=False)
    )
    settle_needs(session, batch, scenario.result, now or utcnow())
    record_event(session, "batch.approve", "batch", batch.id, scenario=scenario.number, actor=actor)
    # In the same transaction, so that order numbers are taken only if the approval commits.
    create_orders(session, batch, scenario.result, actor=actor, now=now)
    after_approval(session, batch.id, scenario.result, actor=actor)
    session.expire_all()
    return batch_for(session, batch_id)


def reject_batch(session: Session, batch_id: int, comment: str, *, actor: Actor | None) -> Batch:
    """The lead rejects the batch with a comment; its needs go back to the next round."""
    require(actor, DECIDE_BATCH)
    note = " ".join(str(comment or "").split())
    if not note:
        raise Invalid({"comment": Message(N_("Say why the batch is rejected."))})
    if len(note) > COMMENT_MAX:
        raise Invalid(
            {
                "comment": Message(
                    N_("Keep the comment under %(count)d characters."), {"count": COMMENT_MAX}
                )
            }
        )
    batch = batch_for(session, batch_id)
    _must_be_open(batch)
    _decide(session, batch, "rejected", actor, note)
    today = cooperative_today()
    needs = session.scalars(select(Need).where(Need.batch_id == batch.id))
    for need in needs:
        _carry_over(session, need, N_("the batch was rejected"), today)
    session.flush()
    record_event(session, "batch.reject", "batch", batch.id, comment=note, actor=actor)
    session.expire_all()
    return batch_for(session, batch_id)


def settle_needs(session: Session, batch: Batch, result: Mapping[str, Any], now: datetime) -> None:
    """Writes the allocations of an approved scenario and moves each need of the batch on."""
    today = cooperative_today(now)
    solution = read_result(result)
    offers = {
        offer.id: offer
        for offer in session.scalars(
            select(Offer).where(Offer.id.in_({int(a.offer) for a in solution.allocations}))
        )
    }
    merged: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 5)
    prices: dict[tuple[int, int], Decimal] = {}
    for row in solution.allocations:
        key = (int(row.need), int(row.offer))
        figures = (row.quantity, row.packs, row.goods, row.fee_share, row.delivery)
        merged[key] = [total + figure for total, figure in zip(merged[key], figures, strict=True)]
        prices[key] = row.unit_price
    for (need_id, offer_id), sums in sorted(merged.items()):
        quantity, packs, goods, fee_share, delivery = sums
        if offer_id not in offers or quantity <= 0:
            continue
        session.add(
            Allocation(
                batch_id=batch.id,
                need_id=need_id,
                offer_id=offer_id,
                quantity=quantity,
                packs=packs,
                unit_price=prices[(need_id, offer_id)],
                goods_total=goods,
                fee_share=fee_share,
                delivery_share=delivery,
            )
        )
    outcomes = {int(outcome.need): outcome for outcome in solution.needs}
    needs = list(session.scalars(select(Need).where(Need.batch_id == batch.id).order_by(Need.id)))
    for need in needs:
        outcome = outcomes.get(need.id)
        if outcome is None:
            _carry_over(session, need, REASONS["not_solved"], today)
            continue
        reason = REASONS.get(outcome.reason.value) if outcome.reason is not None else None
        if outcome.status == "served":
            need.status = "allocated"
            need.status_reason = ""
        elif outcome.status == "partial":
            need.status = "allocated"
            need.status_reason = N_("partly served")
            _carry_over_rest(session, need, need.quantity - outcome.served, reason or "", today)
        else:
            _carry_over(session, need, reason or REASONS["not_solved"], today)
    session.flush()


def can_still_be_met(session: Session, need: Need, today: date) -> bool:
    """Whether an offer can still deliver the need in time if ordered at the next cut-off."""
    if need.product_id is None:
        return True
    ordered = max(order_day(open_round(session)), today)
    arrives = earliest_delivery(session, need.product_id, ordered)
    return arrives is not None and arrives <= need.needed_by


def _carry_over(session: Session, need: Need, reason: str, today: date) -> None:
    if need.needed_by > today and can_still_be_met(session, need, today):
        need.status = "submitted"
        need.status_reason = reason
        need.round_id = None
        need.batch_id = None
    else:
        need.status = "unfulfilled"
        need.status_reason = reason


def _carry_over_rest(session: Session, need: Need, rest: Decimal, reason: str, today: date) -> None:
    """What a partly served need still lacks becomes a need of its own for the next round,
    while its date can still be met."""
    if rest <= 0 or not (need.needed_by > today and can_still_be_met(session, need, today)):
        return
    session.add(
        Need(
            member_id=need.member_id,
            product_id=need.product_id,
            quantity=rest,
            unit=need.unit,
            tolerance_percent=need.tolerance_percent,
            needed_by=need.needed_by,
            delivery_site_id=need.delivery_site_id,
            price_ceiling=need.price_ceiling,
            comment=need.comment,
            status="submitted",
            status_reason=reason,
            repeat_of_id=need.id,
            created_by_id=need.created_by_id,
        )
    )


def waiting_count(session: Session) -> int:
    """How many batches wait for the lead's decision."""
    return session.scalar(select(func.count(Batch.id)).where(Batch.status == "proposed")) or 0


def needs_pooled(session: Session, batch_id: int) -> int:
    """How many needs the batch pools: those a rejection sends back to the next round."""
    return session.scalar(select(func.count(Need.id)).where(Need.batch_id == batch_id)) or 0
