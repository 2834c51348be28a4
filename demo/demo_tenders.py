"""The demo cooperative's tenders, played with the same use cases as the pages and the scheduler.

The received batch's recycled envelopes, which seven members asked for, were put out to tender
before the batch's approval: the three nearest catalog suppliers of their category that the
catalog scenario did not buy them from were invited; one quoted a tenth below the catalog price
with its label, one quoted above it, one declined. The tender closed, its scenario was computed
as the scheduler would have, and it is the scenario the lead approved: the envelopes came from
the supplier whose quote won, every other product from the same supplier as in the catalog
scenario.

The batch waiting for approval has a tender open on its pooled line worth the most, closing in
a few days: the two nearest catalog suppliers of its
category invited, one quote in, one still awaited. Approving that batch is
refused until the tender closes (the lead closes it early, or the scheduler at its time).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailing.models import OutgoingEmail
from mailing.outbox import JOB_KIND as SEND_EMAIL
from persistence.jobs import active_job
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.models import Batch, User
from purchasing.results import read_result
from purchasing.tenders.closing import close_tender
from purchasing.tenders.links import quote_link, quote_token
from purchasing.tenders.models import Tender, TenderInvitation
from purchasing.tenders.opening import open_tender
from purchasing.tenders.proposals import proposed_suppliers
from purchasing.tenders.quotes import submit_quote
from purchasing.tenders.values import (
    QuoteLineValues,
    QuoteLinkFor,
    QuoteValues,
    TenderValues,
    TierValues,
)
from suppliers.models import Offer, Product

TENDERED_PRODUCT = "Enveloppes C5 kraft recyclées"
DEMO_BASE_URL = "http://127.0.0.1:5000"
# The demo's quotes are played, not typed: their links are signed with the demo's own secret.
DEMO_QUOTE_SECRET = "demo-tenders"


def demo_quote_link(invitation: TenderInvitation) -> str:
    """The quote link the demo's invitations carry when the loader is given none."""
    return quote_link(DEMO_BASE_URL, invitation, DEMO_QUOTE_SECRET)


def _chosen_suppliers(batch: Batch, product_id: int) -> set[int]:
    """The suppliers the batch's first (catalog) scenario buys the product from."""
    products = {offer["id"]: offer["product"] for offer in batch.problem["offers"]}
    result = read_result(batch.scenarios[0].result)
    return {
        int(row.supplier)
        for row in result.allocations
        if products.get(row.offer) == str(product_id)
    }


def _catalog_price(batch: Batch, product_id: int) -> Decimal:
    """The lowest unit price the catalog scenario pays for the product."""
    products = {offer["id"]: offer["product"] for offer in batch.problem["offers"]}
    result = read_result(batch.scenarios[0].result)
    return min(
        row.unit_price for row in result.allocations if products.get(row.offer) == str(product_id)
    )


def _price(amount: Decimal) -> Decimal:
    """A price as suppliers quote it: to the cent, or to the tenth of a cent below 1 €."""
    step = Decimal("0.001") if amount < 1 else Decimal("0.01")
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def _pack(session: Session, product: Product) -> Decimal:
    """The largest pack the catalog sells the product in: what a supplier quotes in too."""
    packs = session.scalars(select(Offer.pack_size).where(Offer.product_id == product.id))
    return max(packs, default=Decimal(1))


def _worth_most(batch: Batch) -> int:
    """The product on which the catalog scenario spends the most."""
    products = {offer["id"]: offer["product"] for offer in batch.problem["offers"]}
    spent: dict[int, Decimal] = {}
    for row in read_result(batch.scenarios[0].result).allocations:
        product = int(products[row.offer])
        spent[product] = spent.get(product, Decimal(0)) + row.goods
    return max(sorted(spent), key=lambda product: spent[product])


def _quote_line(
    invitation: TenderInvitation, price: Decimal, pack: Decimal, label: str | None, today_plus: int
) -> QuoteLineValues:
    line = invitation.tender.lines[0]
    opened = invitation.tender.created_at.astimezone(COOPERATIVE_TIMEZONE).date()
    return QuoteLineValues(
        tender_line_id=line.id,
        tiers=[TierValues(Decimal(0), price)],
        pack_size=pack,
        min_order_quantity=pack,
        lead_time_days=3,
        label=label or "",
        label_expires_on=opened + timedelta(days=today_plus) if label else None,
        recycled_content=100 if label else 0,
    )


def emails_sent(session: Session, emails: Sequence[int | None], at: datetime) -> None:
    """The e-mails went when the history says: nobody sends them again at the next start."""
    for email_id in emails:
        if email_id is None:
            continue
        email = session.get(OutgoingEmail, email_id)
        assert email is not None
        email.status, email.attempts, email.sent_at, email.handed_over_at = "sent", 1, at, at
        job = active_job(session, SEND_EMAIL, email_id=email_id)
        if job is not None:
            job.status, job.progress, job.started_at, job.finished_at = "done", 100, at, at
    session.flush()


def _invitees(session: Session, batch: Batch, product: Product, count: int) -> list[int]:
    """The nearest catalog suppliers of the product's category that the catalog scenario does
    not buy it from: whom the lead ticks among those proposed."""
    chosen = _chosen_suppliers(batch, product.id)
    proposed = proposed_suppliers(session, batch.id, [product.id])
    return [p.supplier_id for p in proposed if p.supplier_id not in chosen][:count]


def tender_before_approval(
    session: Session,
    lead: User,
    batch: Batch,
    opened_at: datetime,
    closes_at: datetime,
    link_for: QuoteLinkFor,
) -> Tender:
    """Puts the received batch's envelopes out to tender between its close and its
    approval, takes the three answers and closes the tender; returns it (its scenario, queued,
    is the one the lead approves once computed)."""
    product = session.scalars(select(Product).where(Product.name == TENDERED_PRODUCT)).one()
    catalog_price = _catalog_price(batch, product.id)
    invited = _invitees(session, batch, product, 3)
    wanted = (closes_at + timedelta(days=2)).astimezone(COOPERATIVE_TIMEZONE).date()
    values = TenderValues(
        closes_at=closes_at,
        wanted_date=wanted,
        product_ids=[product.id],
        evidence_wanted=["labels", "recycled_content"],
        supplier_ids=invited,
        note="Volume regroupé de plusieurs adhérents ; livraison sur chaque site.",
    )
    tender = open_tender(session, batch.id, values, actor=lead, link_for=link_for, now=opened_at)
    emails_sent(session, [i.email_id for i in tender.invitations], opened_at + timedelta(minutes=2))
    pack = _pack(session, product)
    winner = tender.invitations[0].supplier
    assert winner is not None
    answers = (
        # The winner: a tenth below the catalog, with its label and recycled content, on its
        # catalog's delivery terms (the tender's terms are the supplier's for everything it
        # sells in the batch: a better fee would move other products too).
        QuoteValues(
            lines=[
                _quote_line(
                    tender.invitations[0],
                    _price(catalog_price * Decimal("0.90")),
                    pack,
                    "EU Ecolabel",
                    400,
                )
            ],
            delivery_fee=winner.delivery_fee,
            fee_waived_above=winner.fee_waived_above,
            valid_until=wanted + timedelta(days=60),
        ),
        QuoteValues(
            lines=[
                _quote_line(
                    tender.invitations[1], _price(catalog_price * Decimal("1.06")), pack, None, 0
                )
            ],
            delivery_fee=Decimal("9.00"),
            fee_waived_above=Decimal("300.00"),
            valid_until=wanted + timedelta(days=30),
        ),
        QuoteValues(
            declined=True, decline_reason="Stock d’enveloppes recyclées insuffisant ce mois-ci"
        ),
    )
    for hours, (invitation, answer) in enumerate(
        zip(tender.invitations, answers, strict=True), start=3
    ):
        token = quote_token(invitation, DEMO_QUOTE_SECRET)
        submit_quote(
            session,
            token,
            answer,
            secret=DEMO_QUOTE_SECRET,
            now=opened_at + timedelta(hours=hours * 5),
        )
    return close_tender(session, tender.id, actor=lead, now=closes_at)


def told_not_retained(session: Session, tender: Tender, at: datetime) -> None:
    """After the approval: the suppliers not retained were told then."""
    session.refresh(tender)
    tender.outcome_sent_at = at
    keys = [f"tender/{tender.id}/{i.id}/not-retained" for i in tender.invitations]
    emails = session.scalars(
        select(OutgoingEmail.id).where(OutgoingEmail.idempotency_key.in_(keys))
    )
    emails_sent(session, list(emails), at + timedelta(minutes=2))


def open_tender_on(
    session: Session,
    lead: User,
    batch: Batch,
    opened_at: datetime,
    closes_at: datetime,
    link_for: QuoteLinkFor,
) -> Tender:
    """Opens a tender on the waiting batch's pooled line worth the most: the two nearest catalog
    suppliers of its category that the catalog scenario does not choose are invited; one has
    quoted, the other not yet."""
    product = session.get(Product, _worth_most(batch))
    assert product is not None
    invited = _invitees(session, batch, product, 2)
    catalog_price = _catalog_price(batch, product.id)
    wanted = (closes_at + timedelta(days=5)).astimezone(COOPERATIVE_TIMEZONE).date()
    values = TenderValues(
        closes_at=closes_at,
        wanted_date=wanted,
        product_ids=[product.id],
        evidence_wanted=["labels"],
        supplier_ids=invited,
    )
    tender = open_tender(session, batch.id, values, actor=lead, link_for=link_for, now=opened_at)
    emails_sent(session, [i.email_id for i in tender.invitations], opened_at + timedelta(minutes=2))
    first = tender.invitations[0]
    pack = _pack(session, product)
    submit_quote(
        session,
        quote_token(first, DEMO_QUOTE_SECRET),
        QuoteValues(
            lines=[_quote_line(first, _price(catalog_price * Decimal("0.95")), pack, None, 0)],
            delivery_fee=Decimal("8.00"),
            fee_waived_above=Decimal("250.00"),
            valid_until=wanted + timedelta(days=30),
        ),
        secret=DEMO_QUOTE_SECRET,
        now=opened_at + timedelta(hours=6),
    )
    return tender
