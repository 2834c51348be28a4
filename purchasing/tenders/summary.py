"""What pages, the API and commands show of tenders: the list, one tender, and its summary
(quotes side by side per line, what each would cost for the whole volume, eco evidence, and
what the tender saved against the catalog scenario of the same policy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import optimizer
from mailing.models import OutgoingEmail
from optimizer.jsonio import problem_from_dict
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Message, NotFound
from purchasing.geography import delivery_points
from purchasing.models import Batch
from purchasing.results import as_id, read_result
from purchasing.tenders.models import (
    Tender,
    TenderInvitation,
    TenderLine,
    TenderQuote,
    TenderQuoteLine,
    TenderScenario,
)
from suppliers.eco_display import offer_eco

CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuotedLine:
    """One supplier's terms for one tender line, and what it would cost for the whole
    pooled quantity (whole packs, the tier reached, excluding delivery)."""

    supplier_id: int | None
    supplier: str
    offer_id: int | None
    unit_price: Decimal
    whole_volume_cost: Decimal
    pack_size: Decimal
    min_order_quantity: Decimal
    lead_time_days: int
    tiers: tuple[tuple[Decimal, Decimal], ...]
    label: str
    label_expires_on: date | None
    recycled_content: int
    has_document: bool
    eco_score: int | None
    retained: bool


@dataclass(frozen=True)
class SummaryLine:
    tender_line_id: int
    product_id: int
    product: str
    unit: str
    quantity: Decimal
    towns: tuple[str, ...]
    quotes: tuple[QuotedLine, ...]
    catalog_unit_price: Decimal | None


@dataclass(frozen=True)
class Invited:
    invitation_id: int
    supplier_id: int | None
    name: str
    email: str
    new_supplier: bool
    awaiting_check: bool
    answered: str  # "" (not yet), "quoted" or "declined"
    decline_reason: str
    email_status: str


@dataclass(frozen=True)
class Savings:
    """The tender's scenario against the catalog scenario of the same policy (positive: the
    tender saves)."""

    scenario_number: int
    baseline_number: int | None
    computed: bool
    cost: Decimal | None
    baseline_cost: Decimal | None
    euros_saved: Decimal | None
    co2_kg: Decimal | None
    baseline_co2_kg: Decimal | None
    co2_kg_saved: Decimal | None


@dataclass(frozen=True)
class TenderSummary:
    tender_id: int
    batch_id: int
    status: str
    closes_at: datetime
    wanted_date: date
    rules: str
    evidence_wanted: tuple[str, ...]
    lines: tuple[SummaryLine, ...]
    invited: tuple[Invited, ...]
    savings: tuple[Savings, ...]


def tender_by_id(session: Session, tender_id: int) -> Tender:
    """The tender with its lines, invitations and quotes; `NotFound` when there is none."""
    tender = session.scalar(
        select(Tender)
        .where(Tender.id == tender_id)
        .options(
            selectinload(Tender.lines).selectinload(TenderLine.product),
            selectinload(Tender.invitations)
            .selectinload(TenderInvitation.quote)
            .selectinload(TenderQuote.lines)
            .selectinload(TenderQuoteLine.tiers),
            selectinload(Tender.scenarios),
        )
        .execution_options(populate_existing=True)
    )
    if tender is None:
        raise NotFound(Message(N_("No such tender.")))
    return tender


def tenders(session: Session, batch_id: int | None = None, limit: int = 100) -> list[Tender]:
    """The tenders (of one batch, or all), newest first."""
    query = select(Tender).order_by(Tender.id.desc()).limit(limit)
    if batch_id is not None:
        query = query.where(Tender.batch_id == batch_id)
    return list(session.scalars(query))


def whole_volume(
    tiers: Sequence[tuple[Decimal, Decimal]], pack: Decimal, minimum: Decimal, quantity: Decimal
) -> tuple[Decimal, Decimal]:
    """The unit price and cost of buying `quantity` from one offer alone: whole packs, at
    least the minimum order, every unit at the tier the units bought reach (delivery apart)."""
    units = max(quantity, minimum)
    units = (units / pack).to_integral_value(ROUND_CEILING) * pack
    reached = [price for start, price in tiers if start <= units]
    price = reached[-1] if reached else tiers[0][1]
    return price, (units * price).quantize(CENT, rounding=ROUND_HALF_UP)


def tender_summary(session: Session, tender_id: int) -> TenderSummary:
    """The tender as the lead compares its quotes: per line the quotes side by side (what each
    costs for the whole volume, its evidence and eco score, whether the approved scenario used
    it) against the best catalog price the batch had; who was invited and what they answered;
    and per tender scenario what it saved against the catalog scenario of the same policy."""
    tender = tender_by_id(session, tender_id)
    batch = tender.batch
    used = _used_offers(batch)
    points = delivery_points(session)
    today = cooperative_today()
    catalog = _catalog_prices(batch.problem or {})
    rows = []
    for line in tender.lines:
        quotes = []
        for invitation in tender.invitations:
            quote = invitation.quote
            if quote is None or quote.declined:
                continue
            for quoted in quote.lines:
                if quoted.tender_line_id != line.id:
                    continue
                tiers = tuple((t.min_quantity, t.unit_price) for t in quoted.tiers)
                price, cost = whole_volume(
                    tiers, quoted.pack_size, quoted.min_order_quantity, line.quantity
                )
                offer = quoted.offer
                quotes.append(
                    QuotedLine(
                        supplier_id=invitation.supplier_id,
                        supplier=invitation.name,
                        offer_id=quoted.offer_id,
                        unit_price=price,
                        whole_volume_cost=cost,
                        pack_size=quoted.pack_size,
                        min_order_quantity=quoted.min_order_quantity,
                        lead_time_days=quoted.lead_time_days,
                        tiers=tiers,
                        label=quoted.label,
                        label_expires_on=quoted.label_expires_on,
                        recycled_content=quoted.recycled_content,
                        has_document=quoted.document is not None,
                        eco_score=offer_eco(offer, today, points).total if offer else None,
                        retained=quoted.offer_id in used,
                    )
                )
        rows.append(
            SummaryLine(
                tender_line_id=line.id,
                product_id=line.product_id,
                product=line.product.name,
                unit=line.product.unit,
                quantity=line.quantity,
                towns=tuple(line.towns),
                quotes=tuple(sorted(quotes, key=lambda q: (q.whole_volume_cost, q.supplier))),
                catalog_unit_price=_catalog_price(catalog, str(line.product_id), line.quantity),
            )
        )
    return TenderSummary(
        tender_id=tender.id,
        batch_id=tender.batch_id,
        status=tender.status,
        closes_at=tender.closes_at,
        wanted_date=tender.wanted_date,
        rules=tender.rules,
        evidence_wanted=tuple(tender.evidence_wanted),
        lines=tuple(rows),
        invited=tuple(_invited(session, invitation) for invitation in tender.invitations),
        savings=tuple(_savings(link) for link in tender.scenarios),
    )


def _used_offers(batch: Batch) -> set[int]:
    chosen = batch.chosen
    if chosen is None or not chosen.result:
        return set()
    return {as_id(row.offer) or 0 for row in read_result(chosen.result).allocations}


def _catalog_prices(problem: dict[str, Any]) -> list[optimizer.Offer]:
    if not problem:
        return []
    return list(problem_from_dict(problem).offers)


def _catalog_price(
    offers: list[optimizer.Offer], product: str, quantity: Decimal
) -> Decimal | None:
    """The lowest unit price a catalog offer of the batch reached for the whole volume."""
    prices = [
        whole_volume(
            tuple((t.min_quantity, t.unit_price) for t in offer.tiers),
            offer.pack_size,
            offer.minimum_quantity,
            quantity,
        )[0]
        for offer in offers
        if offer.product == product and offer.tiers
    ]
    return min(prices) if prices else None


def _invited(session: Session, invitation: TenderInvitation) -> Invited:
    quote = invitation.quote
    email = session.get(OutgoingEmail, invitation.email_id) if invitation.email_id else None
    return Invited(
        invitation_id=invitation.id,
        supplier_id=invitation.supplier_id,
        name=invitation.name,
        email=invitation.email,
        new_supplier=invitation.new_supplier,
        awaiting_check=invitation.new_supplier
        and invitation.supplier_id is not None
        and invitation.checked_at is None,
        answered="" if quote is None else ("declined" if quote.declined else "quoted"),
        decline_reason=quote.decline_reason if quote is not None else "",
        email_status=email.status if email is not None else "",
    )


def _figures(result: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
    if not result:
        return None
    indicators = read_result(result).indicators
    return indicators.total_cost, indicators.transport_co2_kg


def _savings(link: TenderScenario) -> Savings:
    scenario, baseline = link.scenario, link.baseline
    mine = _figures(scenario.result)
    theirs = _figures(baseline.result) if baseline is not None else None
    return Savings(
        scenario_number=scenario.number,
        baseline_number=baseline.number if baseline is not None else None,
        computed=mine is not None,
        cost=mine[0] if mine else None,
        baseline_cost=theirs[0] if theirs else None,
        euros_saved=(theirs[0] - mine[0]).quantize(CENT) if mine and theirs else None,
        co2_kg=mine[1] if mine else None,
        baseline_co2_kg=theirs[1] if theirs else None,
        co2_kg_saved=theirs[1] - mine[1] if mine and theirs else None,
    )
