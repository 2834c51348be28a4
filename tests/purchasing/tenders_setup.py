"""A small cooperative with a proposed batch to put out to tender, and a way to quote."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from persistence import utcnow
from purchasing.clock import cooperative_today
from purchasing.models import Batch
from purchasing.rounds.policies import ScenarioPolicy
from purchasing.rounds.rounds import close_round, set_default_policy
from purchasing.tenders.closing import close_tender
from purchasing.tenders.links import quote_link, quote_token
from purchasing.tenders.models import Tender, TenderInvitation
from purchasing.tenders.opening import open_tender
from purchasing.tenders.values import QuoteLineValues, QuoteValues, TenderValues, TierValues
from scheduling.jobs import work_jobs

SECRET = "test-secret-key-0123456789"
BASE_URL = "https://coachat.example"


def link_for(invitation: TenderInvitation) -> str:
    return quote_link(BASE_URL, invitation, SECRET)


def proposed_batch(session, make, sessions, *, price="2.40", cost_only=True) -> dict[str, Any]:
    """Two members needing 10 and 30 reams of one product, one catalog offer at `price` from a
    supplier with a 10 € fee, closed into a proposed batch whose first scenario is computed."""
    lead = make.user("lead")
    if cost_only:
        set_default_policy(session, ScenarioPolicy(cost=100, delay=0, eco=0), actor=None)
    product = make.product("Ramette A4 recyclée")
    catalog = make.offer(product=product, price=price, lead_time_days=2)
    first = make.member(town="Nancy")
    second = make.member(town="Metz")
    make.need(first, product, quantity="10")
    make.need(second, product, quantity="30")
    result = close_round(session, actor=None)
    session.commit()
    work_jobs(sessions)
    session.expire_all()
    batch = session.get(Batch, result.batch_id)
    other = make.supplier("Papeterie Verte", contact_email="devis@verte.example", delivery_fee="5")
    session.commit()
    return {"lead": lead, "product": product, "catalog": catalog, "batch": batch, "other": other}


def tender_values(**changes: Any) -> TenderValues:
    values: dict[str, Any] = {
        "closes_at": utcnow() + timedelta(days=2),
        "wanted_date": cooperative_today() + timedelta(days=10),
    }
    values.update(changes)
    return TenderValues(**values)


def opened(session, world, **changes: Any):
    values = tender_values(**{"supplier_ids": [world["other"].id], **changes})
    return open_tender(session, world["batch"].id, values, actor=world["lead"], link_for=link_for)


def closed_and_computed(session, sessions, tender, lead):
    """The tender closed by the lead, its scenarios computed as the scheduler does."""
    close_tender(session, tender.id, actor=lead)
    session.commit()
    work_jobs(sessions)
    session.expire_all()
    return session.get(Tender, tender.id)


def token_of(invitation: TenderInvitation) -> str:
    return quote_token(invitation, SECRET)


def quote(tender, price="2.00", pack="1", minimum="0", **changes: Any) -> QuoteValues:
    line = tender.lines[0]
    values: dict[str, Any] = {
        "lines": [
            QuoteLineValues(
                tender_line_id=line.id,
                tiers=[TierValues(Decimal(0), Decimal(price))],
                pack_size=Decimal(pack),
                min_order_quantity=Decimal(minimum),
                lead_time_days=2,
                label="Ange bleu",
                recycled_content=100,
            )
        ],
        "delivery_fee": Decimal("5"),
    }
    values.update(changes)
    return QuoteValues(**values)
