"""The demo cooperative's history, played with the same use cases as the pages: a past round
whose batch was approved, ordered, confirmed and received (with one discrepancy), one of its
lines bought on a tender's quote, a batch waiting for approval with four scenarios and an open
tender, and the open round (`demo.demo_tenders` plays the tenders).

Played as the demo's purchasing lead would have, so that the batch page, the orders and the
audit trail show who did what. Dates are counted back from the day of loading.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import cast

from sqlalchemy.orm import Session

from demo.demo_tenders import open_tender_on, tender_before_approval, told_not_retained
from persistence.jobs import Job, Progress
from purchasing.batches.batches import approve_batch, batch_for, request_scenario
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.models import Batch, Member, Need, PurchaseOrder, User
from purchasing.orders.confirmations import answer_token, confirm_order
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    expected_by_site,
    record_delivery,
)
from purchasing.orders.orders import mark_sent, orders
from purchasing.rounds.policies import read_policy
from purchasing.rounds.rounds import close_round, ensure_open_round
from purchasing.tenders.values import QuoteLinkFor
from scheduling.jobs import optimize_scenario_job
from suppliers.models import Product

DEMO_LINK_SECRET = "demo"  # the demo's confirmations are played, not clicked


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), COOPERATIVE_TIMEZONE)


def _no_progress(_percent: int, _step: str = "") -> None:
    """Nobody watches the demo's computations."""


def _compute(session: Session, batch: Batch) -> None:
    """Computes the batch's scenarios now, as the scheduler would have."""
    for scenario in batch.scenarios:
        if scenario.computed or scenario.job is None:
            continue
        job: Job = scenario.job
        optimize_scenario_job(session, job, cast(Progress, _no_progress))
        job.status = "done"
        job.progress = 100
        job.finished_at = job.created_at
    session.flush()


# The past round: what most members buy, so that the group reaches volume prices and shares
# delivery fees (product name, units a member asks for).
PAST_PURCHASES = (
    ("Ramette papier A4 recyclé 80 g", (10, 15, 20, 25, 40)),
    ("Papier toilette recyclé 2 plis", (48, 96)),
    ("Savon mains liquide 5 L", (5, 10)),
    ("Nettoyant multi-surfaces écologique 1 L", (6, 12)),
    ("Enveloppes C5 kraft recyclées", (2, 3, 5)),
)


def past_needs(
    rng: random.Random, members: Sequence[Member], products: Sequence[Product], today: date
) -> list[Need]:
    """The needs of the past round: two or three everyday products for each of twelve members,
    the demo member among them."""
    by_name = {product.name: product for product in products}
    needs = []
    for member in members[:12]:
        for name, quantities in rng.sample(PAST_PURCHASES, rng.randint(2, 3)):
            product = by_name[name]
            needs.append(
                Need(
                    member=member,
                    product=product,
                    quantity=Decimal(rng.choice(quantities)),
                    unit=product.unit,
                    tolerance_percent=rng.choice((0, 5, 10)),
                    needed_by=today - timedelta(days=rng.randint(2, 5)),
                    delivery_site=member.sites[0],
                    status="submitted",
                    created_by=member.users[0] if member.users else None,
                )
            )
    return needs


def _add(session: Session, needs: Sequence[Need], submitted: datetime) -> None:
    for need in needs:
        need.created_at = submitted
        need.updated_at = submitted
    session.add_all(needs)
    session.flush()


def play_history(
    session: Session,
    lead: User,
    past: Sequence[Need],
    waiting: Sequence[Need],
    today: date,
    link_for: QuoteLinkFor,
) -> None:
    """Takes `past` needs through the whole loop three weeks ago (a tender on one line before
    the approval, its scenario approved) and `waiting` needs to a batch closed two days ago
    that waits for approval with four scenarios (the default policy, a greener one, the default
    delivered to the collection point, and the default with delivery priced by the km) and a
    tender opened yesterday; `link_for` signs the tenders' quote links."""
    start = _at(today - timedelta(days=24), 9)
    ensure_open_round(session, start)
    _add(session, past, start + timedelta(hours=2))
    closed_at = _at(today - timedelta(days=21), 10)
    first = close_round(session, actor=lead, now=closed_at)
    assert first.batch_id is not None
    _compute(session, batch_for(session, first.batch_id))
    # The envelopes went out to tender for two days before the approval; its scenario won.
    tender_closed_at = closed_at + timedelta(days=2)
    tender = tender_before_approval(
        session,
        lead,
        batch_for(session, first.batch_id),
        closed_at + timedelta(hours=1),
        tender_closed_at,
        link_for,
    )
    _compute(session, batch_for(session, first.batch_id))
    approved_at = tender_closed_at + timedelta(hours=3)
    chosen = tender.scenarios[0].scenario.number
    approve_batch(session, first.batch_id, chosen, actor=lead, now=approved_at)
    # The decision is stamped with the clock; the history says when it was taken.
    batch_for(session, first.batch_id).decided_at = approved_at
    told_not_retained(session, tender, approved_at)
    made = sorted(orders(session, first.batch_id), key=lambda o: o.sequence)
    for order in made:
        mark_sent(session, order, actor=lead, now=approved_at + timedelta(minutes=5))
    for index, order in enumerate(made):
        if index % 2 == 0:
            confirm_order(
                session,
                order.number,
                answer_token(order, DEMO_LINK_SECRET),
                DEMO_LINK_SECRET,
                now=approved_at + timedelta(hours=20),
            )
    for index, order in enumerate(made):
        _receive(session, order, lead, today - timedelta(days=14), damaged=index == 0)

    _add(session, waiting, closed_at + timedelta(days=2))
    second = close_round(session, actor=lead, now=_at(today - timedelta(days=2), 10))
    assert second.batch_id is not None
    batch = batch_for(session, second.batch_id)
    request_scenario(
        session, batch.id, read_policy({"cost": "35", "delay": "5", "eco": "60"}), actor=lead
    )
    delivered = {"cost": "60", "delay": "10", "eco": "30", "deliver_to_collection_point": "on"}
    request_scenario(session, batch.id, read_policy(delivered), actor=lead)
    by_road = {"cost": "60", "delay": "10", "eco": "30", "delivery_cost_per_km": "0,90"}
    request_scenario(session, batch.id, read_policy(by_road), actor=lead)
    _compute(session, batch_for(session, batch.id))
    # Yesterday the lead put the batch's line worth the most out to tender, closing in three
    # days.
    yesterday = today - timedelta(days=1)
    open_tender_on(
        session,
        lead,
        batch_for(session, batch.id),
        _at(yesterday, 9),
        _at(today + timedelta(days=3), 12),
        link_for,
    )


def _receive(
    session: Session, order: PurchaseOrder, lead: User, day: date, *, damaged: bool
) -> None:
    """Everything arrives at each site; on the first order, two units of the first line (or the
    can that holds them) arrive damaged at the first site that expects more than that (the
    discrepancy the member is told about)."""
    expected = expected_by_site(session, order)
    sites = sorted({site for site, _line in expected})
    first = order.lines[0]
    step = first.offer.product.shipping_step
    two = (2 / step).to_integral_value(ROUND_CEILING) * step  # two bottles, one 5 L can
    hit = next((site for site in sites if expected.get((site, first.id), 0) > two), None)
    for site in sites:
        lines: list[DeliveryLineValues] = []
        for line in order.lines:
            units = expected.get((site, line.id))
            if units is None:
                continue
            broken = two if damaged and site == hit and line is first else 0
            lines.append(
                DeliveryLineValues(
                    line.id,
                    received=str(units - broken),
                    damaged=str(broken) if broken else "",
                    note="cartons écrasés à la livraison" if broken else "",
                )
            )
        record_delivery(
            session,
            order.id,
            DeliveryValues(site_id=site, lines=lines, received_on=day.isoformat()),
            actor=lead,
            now=_at(day, 15),
        )
