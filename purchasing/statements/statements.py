"""Each member's proof of value: per batch, what it pays for what it received (at the price the
group reached, with its share of fees and delivery), what the same purchase would have cost it
alone, and the transport CO2 with and without pooling; and its totals since the start of the
year.

A member pays for what it received: the goods of each allocation follow the units received
(in proportion to the units expected) once the order has a delivery or is closed; until then
the statement is provisional and shows what was allocated. The fee and delivery shares are the
supplier's charge for the whole order, so they are re-invoiced as shared. The cost alone is
computed again by the optimizer's rule (`optimizer.alone`) on the units paid for, with the
offers of the problem the approved scenario was computed on (a tender's quotes included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, object_session, selectinload

import optimizer
from infrastructure.documents import Party, StatementDocument, StatementLine
from optimizer.alone import Catalog, alone_cost
from optimizer.delivery import DeliveryTable
from optimizer.jsonio import problem_from_dict
from optimizer.solution import Allocation as PlannedAllocation
from optimizer.solution import MemberTotal
from persistence import utcnow
from persistence.audit import Actor
from purchasing.batches.transport_review import Co2Reason, member_co2
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.models import Allocation, Batch, Member, Need, PurchaseOrder, User
from purchasing.orders.deliveries import expected_units
from purchasing.orders.order_document import buyer
from purchasing.permissions import SEE_BATCH_STATEMENTS, SEE_STATEMENT, require
from purchasing.results import read_result
from purchasing.tenders.closing import scenario_problem
from suppliers.models import Offer

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Statement:
    """One member's statement for one batch (money excl. VAT, CO2 in kg)."""

    member: Member
    batch: Batch
    lines: tuple[StatementLine, ...]
    goods: Decimal
    fees: Decimal
    total: Decimal
    alone_total: Decimal
    savings: Decimal
    co2_kg: Decimal
    alone_co2_kg: Decimal
    co2_reason: Co2Reason | None
    provisional: bool

    @property
    def co2_avoided_kg(self) -> Decimal:
        """Negative when pooling emits more for the member than buying alone (`co2_reason`
        says why): never rounded up to zero."""
        return self.alone_co2_kg - self.co2_kg


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _orders_by_offer(session: Session, batch: Batch) -> dict[int, PurchaseOrder]:
    orders = session.scalars(
        select(PurchaseOrder)
        .where(PurchaseOrder.batch_id == batch.id)
        .options(selectinload(PurchaseOrder.lines), selectinload(PurchaseOrder.deliveries))
    )
    return {line.offer_id: order for order in orders for line in order.lines}


def _member_result(batch: Batch, member_id: int) -> MemberTotal | None:
    """The member's figures in the approved scenario (None without one, or if not in it)."""
    chosen = batch.chosen
    rows = read_result(chosen.result).members if chosen is not None and chosen.result else ()
    return next((row for row in rows if row.member == str(member_id)), None)


def _alone(
    session: Session,
    batch: Batch,
    paid: list[tuple[Allocation, Decimal, Decimal]],
    fallback: MemberTotal | None,
) -> Decimal:
    """What the units paid for would have cost the member alone (`optimizer.alone`'s rule),
    on the problem the approved scenario was computed on: a tender's scenario buys from offers
    and on delivery terms the batch's own problem does not hold. The scenario's figure when
    that problem cannot be read again."""
    given = fallback.alone if fallback is not None else ZERO
    chosen = batch.chosen
    try:
        problem = problem_from_dict(
            scenario_problem(session, chosen) if chosen is not None else batch.problem
        )
    except (optimizer.InvalidProblem, KeyError, TypeError, ValueError):
        return given
    catalog = Catalog(problem)
    known_sites = {site.id for site in problem.sites}
    sites = {}
    planned = []
    for allocation, units, goods in paid:
        site = str(allocation.need.delivery_site_id)
        if units <= 0 or str(allocation.offer_id) not in catalog.offers:
            continue
        if site not in known_sites:
            return given
        need = str(allocation.need_id)
        sites[need] = site
        planned.append(
            PlannedAllocation(
                need=need,
                member=str(allocation.need.member_id),
                offer=str(allocation.offer_id),
                supplier=str(allocation.offer.supplier_id),
                quantity=units,
                packs=ZERO,
                unit_price=allocation.unit_price,
                tier=0,
                goods=goods,
                fee_share=allocation.fee_share,
                delivery=allocation.delivery_share,
            )
        )
    if not planned:
        return ZERO
    return alone_cost(problem, planned, sites, DeliveryTable(problem), catalog)


def settled(allocation: Allocation, order: PurchaseOrder | None) -> bool:
    """Whether nothing more will come for the allocation: its need was settled by a delivery,
    or its order is received."""
    if order is not None and order.status == "received":
        return True
    return allocation.received_quantity is not None and allocation.need.status in (
        "received",
        "unfulfilled",
    )


def statement_for(session: Session, batch_id: int, member_id: int) -> Statement:
    """The member's statement for the batch; `NotFound` when the member got nothing in it."""
    batch = session.get(Batch, batch_id)
    member = session.get(Member, member_id)
    if batch is None or member is None:
        raise NotFound(Message(N_("No such statement.")))
    allocations = list(
        session.scalars(
            select(Allocation)
            .join(Need, Need.id == Allocation.need_id)
            .where(Allocation.batch_id == batch.id, Need.member_id == member.id)
            .options(
                selectinload(Allocation.need).selectinload(Need.product),
                selectinload(Allocation.offer).selectinload(Offer.supplier),
            )
            .order_by(Allocation.need_id, Allocation.offer_id)
        )
    )
    if not allocations:
        raise NotFound(Message(N_("No such statement.")))
    orders = _orders_by_offer(session, batch)
    lines = []
    paid = []
    for allocation in allocations:
        order = orders.get(allocation.offer_id)
        done = settled(allocation, order)
        due = expected_units(allocation)
        if done and due > 0:
            received = allocation.received_quantity or ZERO
            # Units beyond those expected (a surplus the site kept) are not re-invoiced.
            units = min(received, due)
            goods = cents(allocation.goods_total * units / due)
        else:
            received = ZERO
            units = allocation.quantity
            goods = allocation.goods_total
        shares = allocation.fee_share + allocation.delivery_share
        paid.append((allocation, units, goods))
        lines.append(
            StatementLine(
                need_id=allocation.need_id,
                product=allocation.need.label,
                supplier=allocation.offer.supplier.name,
                order_number=order.number if order else "",
                ordered=due,
                received=received,
                unit=allocation.need.unit,
                unit_price=allocation.unit_price,
                goods=goods,
                shares=shares,
                settled=done,
            )
        )
    goods = sum((line.goods for line in lines), ZERO)
    fees = sum((line.shares for line in lines), ZERO)
    result = _member_result(batch, member.id)
    alone_total = max(_alone(session, batch, paid, result), goods + fees)
    total = goods + fees
    # Transport CO2 follows the tours the scenario planned, with pooling and alone, counted
    # once for the page, the files and the API.
    co2 = member_co2(batch.chosen.result or {}, member.id) if batch.chosen is not None else None
    return Statement(
        member=member,
        batch=batch,
        lines=tuple(lines),
        goods=goods,
        fees=fees,
        total=total,
        alone_total=alone_total,
        savings=alone_total - total,
        co2_kg=co2.co2_kg if co2 else ZERO,
        alone_co2_kg=co2.alone_co2_kg if co2 else ZERO,
        co2_reason=co2.reason if co2 else None,
        provisional=not all(line.settled for line in lines),
    )


def visible_statement(
    session: Session, viewer: User, batch_id: int, member_id: int | None = None
) -> Statement:
    """The statement of `member_id` for the batch, as `viewer` may read it: a member reads its
    own company's (another company's is not found), a lead any member's. Without `member_id`,
    the viewer's own company's; a lead of no company must name one (`Invalid` on
    `member_id`)."""
    wanted = member_id if member_id is not None else viewer.member_id
    if wanted is None:
        raise Invalid({"member_id": Message(N_("Name the member company of the statement."))})
    require(viewer, SEE_STATEMENT, wanted)
    return statement_for(session, batch_id, wanted)


def members_of_batch(session: Session, batch_id: int) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .join(Need, Need.member_id == Member.id)
            .join(Allocation, Allocation.need_id == Need.id)
            .where(Allocation.batch_id == batch_id)
            .distinct()
            .order_by(Member.name)
        )
    )


def statements_of_batch(session: Session, viewer: Actor | None, batch_id: int) -> list[Statement]:
    """Every member's statement for the batch, by member name (for the cooperative)."""
    require(viewer, SEE_BATCH_STATEMENTS)
    return [statement_for(session, batch_id, m.id) for m in members_of_batch(session, batch_id)]


CO2_NOTES = {
    Co2Reason.COLLECTION_POINT: (
        "Les fournisseurs livrent au point de collecte : leurs allers-retours jusqu'à lui et "
        "vos trajets pour y chercher vos marchandises émettent plus que leurs allers-retours "
        "jusqu'à votre site."
    ),
    Co2Reason.LONGER_TOUR: (
        "La tournée d'un fournisseur par les sites des membres est plus longue que leurs "
        "allers-retours seuls réunis : votre part de cette tournée dépasse votre aller-retour."
    ),
}
"""The documents' French words for why pooling emits more for a member than alone."""


def statement_document(statement: Statement, now: datetime | None = None) -> StatementDocument:
    """What the statement's PDF and CSV show, the cooperative named as its record says now."""
    member = statement.member
    # The statement's rows belong to the session that read them, which holds the record too.
    session = object_session(member)
    assert session is not None
    round_name = statement.batch.round.name if statement.batch.round else str(statement.batch.id)
    notes = []
    for line in statement.lines:
        if line.settled and line.received < line.ordered:
            notes.append(
                f"{line.product} : {_units(line.received)} reçus sur {_units(line.ordered)} "
                "commandés, seuls les reçus sont facturés."
            )
    return StatementDocument(
        member=Party(
            name=member.name,
            siret=member.siret,
            address=member.address,
            postcode=member.postcode,
            town=member.town,
        ),
        buyer=buyer(session),
        round_name=round_name,
        batch_id=statement.batch.id,
        issued_on=cooperative_today(now or utcnow()),
        lines=statement.lines,
        goods=statement.goods,
        fees=statement.fees,
        total=statement.total,
        alone_total=statement.alone_total,
        savings=statement.savings,
        co2_kg=statement.co2_kg,
        alone_co2_kg=statement.alone_co2_kg,
        provisional=statement.provisional,
        notes=tuple(notes),
        co2_note=CO2_NOTES[statement.co2_reason] if statement.co2_reason else "",
    )


def _units(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class YearTotals:
    """A member's proof of value since the start of the year, over its approved batches."""

    year: int
    paid: Decimal
    saved: Decimal
    co2_avoided_kg: Decimal
    batches: int


def _year_batches(member_id: int, start: datetime) -> Select[int]:
    return (
        select(Batch.id)
        .join(Allocation, Allocation.batch_id == Batch.id)
        .join(Need, Need.id == Allocation.need_id)
        .where(
            Need.member_id == member_id,
            Batch.status.in_(("approved", "ordered", "closed")),
            Batch.decided_at >= start,
        )
        .distinct()
    )


def _year_fingerprint(session: Session, member_id: int, start: datetime) -> tuple[Any, ...]:
    """What a member's year totals are computed from, in one row: it changes whenever a batch,
    one of its orders, one of the member's needs or allocations in it changes (versions only
    grow, received quantities and counts are summed, instants are to the microsecond)."""
    batches = select(_year_batches(member_id, start).subquery().c.id)
    in_batches = PurchaseOrder.batch_id.in_(batches)
    orders = select(func.count(PurchaseOrder.id)).where(in_batches).scalar_subquery()
    versions = select(func.sum(PurchaseOrder.version)).where(in_batches).scalar_subquery()
    return tuple(
        session.execute(
            select(
                func.count(Allocation.id),
                func.sum(Allocation.quantity),
                func.sum(Allocation.goods_total),
                func.sum(Allocation.fee_share + Allocation.delivery_share),
                func.sum(Allocation.received_quantity),
                func.count(Allocation.received_quantity),
                func.sum(Need.version),
                func.sum(Batch.version),
                func.max(Batch.decided_at),
                func.max(Batch.id),
                orders,
                versions,
            )
            .join(Need, Need.id == Allocation.need_id)
            .join(Batch, Batch.id == Allocation.batch_id)
            .where(Need.member_id == member_id, Allocation.batch_id.in_(batches))
        ).one()
    )


_YEAR_TOTALS: dict[tuple[str, int, int], tuple[tuple[Any, ...], YearTotals]] = {}
"""Each member's year totals as last computed by this process, with their fingerprint: the
member's dashboard shows them on every visit, and they change only when a batch does."""


def year_totals(session: Session, member_id: int, today: date | None = None) -> YearTotals:
    today = today or cooperative_today()
    start = datetime(today.year, 1, 1, tzinfo=utcnow().tzinfo)
    key = (str(session.get_bind().engine.url), member_id, today.year)
    fingerprint = _year_fingerprint(session, member_id, start)
    known = _YEAR_TOTALS.get(key)
    if known is not None and known[0] == fingerprint:
        return known[1]
    batch_ids = list(session.scalars(_year_batches(member_id, start).order_by(Batch.id)))
    paid = saved = co2 = ZERO
    for batch_id in batch_ids:
        statement = statement_for(session, batch_id, member_id)
        paid += statement.total
        saved += statement.savings
        co2 += statement.co2_avoided_kg
    totals = YearTotals(today.year, paid, saved, co2, len(batch_ids))
    if len(_YEAR_TOTALS) > 10_000:
        _YEAR_TOTALS.clear()
    _YEAR_TOTALS[key] = (fingerprint, totals)
    return totals
