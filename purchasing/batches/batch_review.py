"""What the lead reads when reviewing a batch: a scenario's result with names instead of ids.

A scenario keeps the optimizer's result as JSON, with the database ids of needs, members,
offers and suppliers as strings. This module looks the names up and shapes the result into
rows: the allocations by supplier and by member, the needs not fully served with their
reason, the indicators, and scenarios compared side by side with what differs between them.
It reads and changes nothing; the result is read with `purchasing.results.read_result`, so
the figures are the optimizer's own dataclasses (one `Indicators`, one `SolverReport`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from optimizer.solution import Allocation as PlannedAllocation
from optimizer.solution import Indicators, Solution
from optimizer.solution import RunnerUp as PlannedRunnerUp
from optimizer.solve import SolverReport
from persistence.jobs import Job
from purchasing.batches.batches import REASONS
from purchasing.errors import N_
from purchasing.models import Batch, Member, Need, Scenario
from purchasing.results import as_id, read_result
from suppliers.models import Offer, Supplier

ZERO = Decimal(0)


@dataclass(frozen=True)
class RunnerUp:
    """The best other offer for an allocation, and what choosing it would have changed:
    `money` in euros (positive: dearer), `days` of lead time, `eco` points."""

    supplier: str
    unit_price: Decimal | None
    money: Decimal
    days: int
    eco: Decimal


@dataclass(frozen=True)
class AllocationRow:
    """Units of one offer going to one need, with its share of the order's costs."""

    need_id: int
    member: str
    product: str
    unit: str
    supplier: str
    supplier_ref: str
    quantity: Decimal
    packs: Decimal
    unit_price: Decimal | None
    goods: Decimal
    fee_share: Decimal
    delivery: Decimal
    total: Decimal
    runner_up: RunnerUp | None


@dataclass(frozen=True)
class SupplierOrder:
    """What the scenario orders from one supplier."""

    supplier_id: int
    supplier: str
    goods: Decimal
    fee: Decimal
    delivery: Decimal
    total: Decimal
    rows: tuple[AllocationRow, ...]


@dataclass(frozen=True)
class MemberCost:
    """What one member pays in the scenario, against buying the same alone."""

    member_id: int
    member: str
    goods: Decimal
    fees: Decimal
    delivery: Decimal
    total: Decimal
    alone_total: Decimal
    savings: Decimal
    co2_kg: Decimal
    alone_co2_kg: Decimal
    fully_served: bool
    rows: tuple[AllocationRow, ...]


@dataclass(frozen=True)
class ShortNeed:
    """A need the scenario serves only in part, or not at all, and why (English text to
    translate: one of `purchasing.batches.batches.REASONS`)."""

    need_id: int
    member: str
    product: str
    unit: str
    status: str
    served: Decimal
    unmet: Decimal
    reason: str


Outcome = tuple[str, tuple[str, ...]]
"""A need's outcome in one scenario: its status (served, partial, unmet) and its suppliers."""


@dataclass(frozen=True)
class ScenarioReview:
    """One computed scenario, ready to be shown: the optimizer's own indicators and solver
    report, and its rows with names."""

    number: int
    status: str
    indicators: Indicators
    by_supplier: tuple[SupplierOrder, ...]
    by_member: tuple[MemberCost, ...]
    short_needs: tuple[ShortNeed, ...]
    report: SolverReport
    supplier_names: frozenset[str]
    outcomes: Mapping[int, Outcome]

    @property
    def allocations(self) -> tuple[AllocationRow, ...]:
        return tuple(row for order in self.by_supplier for row in order.rows)


@dataclass
class Names:
    """Names of the needs, members, suppliers and offers a set of results mention."""

    needs: dict[int, Need] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)
    suppliers: dict[int, str] = field(default_factory=dict)
    offers: dict[int, Offer] = field(default_factory=dict)

    def member(self, key: str) -> str:
        number = as_id(key)
        return self.members.get(number, f"#{key}") if number is not None else "—"

    def supplier(self, key: str) -> str:
        number = as_id(key)
        return self.suppliers.get(number, f"#{key}") if number is not None else "—"

    def need(self, key: str | int) -> tuple[str, str]:
        """The need's product (or free text) and unit."""
        need = self.needs.get(as_id(str(key)) or 0)
        if need is None:
            return f"#{key}", "unit"
        return need.label, need.unit


def _ids(keys: Iterable[str]) -> set[int]:
    return {number for key in keys if (number := as_id(key)) is not None}


def names_for(session: Session, results: Sequence[Mapping[str, Any]]) -> Names:
    """Looks up, in four queries, every name that `results` mention (results not computed yet
    are empty and mention none)."""
    return _names_for(session, [read_result(result) for result in results if result])


def _names_for(session: Session, solutions: Sequence[Solution]) -> Names:
    needs: set[int] = set()
    members: set[int] = set()
    suppliers: set[int] = set()
    offers: set[int] = set()
    for solution in solutions:
        allocations = solution.allocations
        runners = [row.runner_up for row in allocations if row.runner_up is not None]
        needs |= _ids(row.need for row in allocations) | _ids(n.need for n in solution.needs)
        members |= (
            _ids(row.member for row in allocations)
            | _ids(n.member for n in solution.needs)
            | _ids(m.member for m in solution.members)
        )
        suppliers |= (
            _ids(row.supplier for row in allocations)
            | _ids(r.supplier for r in runners)
            | _ids(o.supplier for o in solution.orders)
        )
        offers |= _ids(row.offer for row in allocations)
    names = Names()
    if needs:
        names.needs = {
            need.id: need
            for need in session.scalars(
                select(Need).where(Need.id.in_(needs)).options(selectinload(Need.product))
            )
        }
    if members:
        rows = session.execute(select(Member.id, Member.name).where(Member.id.in_(members)))
        names.members = {number: name for number, name in rows}
    if suppliers:
        rows = session.execute(select(Supplier.id, Supplier.name).where(Supplier.id.in_(suppliers)))
        names.suppliers = {number: name for number, name in rows}
    if offers:
        names.offers = {
            offer.id: offer for offer in session.scalars(select(Offer).where(Offer.id.in_(offers)))
        }
    return names


def _runner_up(planned: PlannedRunnerUp | None, names: Names) -> RunnerUp | None:
    if planned is None:
        return None
    return RunnerUp(
        supplier=names.supplier(planned.supplier),
        unit_price=planned.unit_price,
        money=planned.money,
        days=planned.days,
        eco=planned.eco,
    )


def _allocation(planned: PlannedAllocation, names: Names) -> AllocationRow:
    product, unit = names.need(planned.need)
    offer = names.offers.get(as_id(planned.offer) or 0)
    return AllocationRow(
        need_id=as_id(planned.need) or 0,
        member=names.member(planned.member),
        product=product,
        unit=unit,
        supplier=names.supplier(planned.supplier),
        supplier_ref=offer.supplier_ref if offer is not None else "",
        quantity=planned.quantity,
        packs=planned.packs,
        unit_price=planned.unit_price,
        goods=planned.goods,
        fee_share=planned.fee_share,
        delivery=planned.delivery,
        total=planned.total,
        runner_up=_runner_up(planned.runner_up, names),
    )


def _outcome(status: str, suppliers: Iterable[str]) -> Outcome:
    return status, tuple(sorted(set(suppliers), key=str.casefold))


def review(scenario: Scenario, names: Names) -> ScenarioReview | None:
    """The scenario's result with names, or None while it is not computed."""
    if not scenario.result:
        return None
    return _review(scenario.number, read_result(scenario.result), names)


def _review(number: int, solution: Solution, names: Names) -> ScenarioReview:
    rows = [_allocation(planned, names) for planned in solution.allocations]
    by_supplier_rows: dict[str, list[AllocationRow]] = {}
    for planned, row in zip(solution.allocations, rows, strict=True):
        by_supplier_rows.setdefault(planned.supplier, []).append(row)
    orders: list[SupplierOrder] = [
        SupplierOrder(
            supplier_id=as_id(planned.supplier) or 0,
            supplier=names.supplier(planned.supplier),
            goods=planned.goods,
            fee=planned.fee,
            delivery=planned.delivery,
            total=planned.total,
            rows=tuple(by_supplier_rows.get(planned.supplier, [])),
        )
        for planned in solution.orders
    ]
    listed = {planned.supplier for planned in solution.orders}
    for key, supplier_rows in by_supplier_rows.items():  # allocations of no listed order
        if key not in listed:
            orders.append(
                SupplierOrder(
                    supplier_id=as_id(key) or 0,
                    supplier=names.supplier(key),
                    goods=sum((r.goods for r in supplier_rows), ZERO),
                    fee=sum((r.fee_share for r in supplier_rows), ZERO),
                    delivery=sum((r.delivery for r in supplier_rows), ZERO),
                    total=sum((r.total for r in supplier_rows), ZERO),
                    rows=tuple(supplier_rows),
                )
            )
    orders.sort(key=lambda order: (order.supplier.casefold(), order.supplier_id))

    member_rows: dict[str, list[AllocationRow]] = {}
    for planned, row in zip(solution.allocations, rows, strict=True):
        member_rows.setdefault(planned.member, []).append(row)
    members = sorted(
        (
            MemberCost(
                member_id=as_id(planned.member) or 0,
                member=names.member(planned.member),
                goods=planned.goods,
                fees=planned.fees,
                delivery=planned.delivery,
                total=planned.total,
                alone_total=planned.alone,
                savings=planned.savings,
                co2_kg=planned.co2_kg,
                alone_co2_kg=planned.alone_co2_kg,
                fully_served=planned.fully_served,
                rows=tuple(member_rows.get(planned.member, [])),
            )
            for planned in solution.members
        ),
        key=lambda cost: (cost.member.casefold(), cost.member_id),
    )

    short: list[ShortNeed] = []
    outcomes: dict[int, Outcome] = {}
    suppliers_of_need: dict[int, list[str]] = {}
    for row in rows:
        suppliers_of_need.setdefault(row.need_id, []).append(row.supplier)
    for outcome in solution.needs:
        need_id = as_id(outcome.need) or 0
        outcomes[need_id] = _outcome(outcome.status, suppliers_of_need.get(need_id, []))
        if outcome.status == "served":
            continue
        product, unit = names.need(outcome.need)
        reason = outcome.reason.value if outcome.reason is not None else "not_solved"
        short.append(
            ShortNeed(
                need_id=need_id,
                member=names.member(outcome.member),
                product=product,
                unit=unit,
                status=outcome.status,
                served=outcome.served,
                unmet=outcome.unmet,
                reason=REASONS.get(reason, REASONS["not_solved"]),
            )
        )
    return ScenarioReview(
        number=number,
        status=solution.report.status.value,
        indicators=solution.indicators,
        by_supplier=tuple(orders),
        by_member=tuple(members),
        short_needs=tuple(short),
        report=solution.report,
        supplier_names=frozenset(order.supplier for order in orders if order.rows or order.total),
        outcomes=outcomes,
    )


def review_scenarios(session: Session, batch: Batch) -> dict[int, ScenarioReview]:
    """Every computed scenario of the batch, by number."""
    solutions = {s.number: read_result(s.result) for s in batch.scenarios if s.result}
    names = _names_for(session, list(solutions.values()))
    return {number: _review(number, solution, names) for number, solution in solutions.items()}


# Comparing scenarios ---------------------------------------------------------------------------

METRICS: tuple[tuple[str, str, str], ...] = (
    # (indicator, label, which is better: "low" or "high")
    ("total_cost", N_("Total excl. VAT"), "low"),
    ("savings", N_("Savings against buying alone"), "high"),
    ("eco_score", N_("Eco score"), "high"),
    ("average_lead_days", N_("Average lead time (days)"), "low"),
    ("transport_co2_kg", N_("Transport CO2 (kg)"), "low"),
    ("needs_served", N_("Needs served"), "high"),
    ("needs_partial", N_("Needs partly served"), "low"),
    ("needs_unmet", N_("Needs not served"), "low"),
    ("suppliers_used", N_("Suppliers used"), "low"),
)


@dataclass(frozen=True)
class MetricRow:
    """One indicator across scenarios: the values in scenario order, the positions of the
    best, and whether the scenarios differ on it at all."""

    name: str
    label: str
    values: tuple[Decimal | int | None, ...]
    best: frozenset[int]
    differs: bool


@dataclass(frozen=True)
class SupplierPresence:
    """A supplier used by some scenarios and not by others."""

    supplier: str
    used_in: tuple[bool, ...]


@dataclass(frozen=True)
class NeedDifference:
    """A need served differently across scenarios: per scenario, its status (served,
    partial, unmet) and the suppliers serving it."""

    need_id: int
    member: str
    product: str
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class Comparison:
    """Computed scenarios side by side."""

    numbers: tuple[int, ...]
    metrics: tuple[MetricRow, ...]
    suppliers: tuple[SupplierPresence, ...]
    needs: tuple[NeedDifference, ...]
    needs_alike: int


def _best(values: Sequence[Decimal | int | None], better: str) -> frozenset[int]:
    known = [(value, index) for index, value in enumerate(values) if value is not None]
    if len(known) < 2 or len({value for value, _index in known}) == 1:
        return frozenset()
    target = min(v for v, _ in known) if better == "low" else max(v for v, _ in known)
    return frozenset(index for value, index in known if value == target)


def compare(reviews: Sequence[ScenarioReview], names: Names | None = None) -> Comparison:
    """What differs between scenarios: each indicator (the best marked), the suppliers only
    some of them use, and the needs they serve differently."""
    metrics = []
    for name, label, better in METRICS:
        values = tuple(getattr(found.indicators, name) for found in reviews)
        metrics.append(
            MetricRow(
                name=name,
                label=label,
                values=values,
                best=_best(values, better),
                differs=len(set(values)) > 1,
            )
        )
    everyone = sorted(
        set().union(*(found.supplier_names for found in reviews)) if reviews else set(),
        key=str.casefold,
    )
    suppliers = tuple(
        SupplierPresence(name, tuple(name in found.supplier_names for found in reviews))
        for name in everyone
        if not all(name in found.supplier_names for found in reviews)
    )
    need_ids = sorted(set().union(*(found.outcomes for found in reviews)) if reviews else set())
    rows_by_need: dict[int, AllocationRow] = {}
    short_by_need: dict[int, ShortNeed] = {}
    for found in reviews:
        for row in found.allocations:
            rows_by_need.setdefault(row.need_id, row)
        for short in found.short_needs:
            short_by_need.setdefault(short.need_id, short)
    needs = []
    alike = 0
    for need_id in need_ids:
        outcomes = [found.outcomes.get(need_id, ("unmet", ())) for found in reviews]
        if len(set(outcomes)) == 1:
            alike += 1
            continue
        known = rows_by_need.get(need_id) or short_by_need.get(need_id)
        member = known.member if known is not None else f"#{need_id}"
        product = known.product if known is not None else f"#{need_id}"
        if names is not None and known is None:
            product = names.need(need_id)[0]
        needs.append(
            NeedDifference(
                need_id=need_id,
                member=member,
                product=product,
                outcomes=tuple(outcomes),
            )
        )
    return Comparison(
        numbers=tuple(found.number for found in reviews),
        metrics=tuple(metrics),
        suppliers=suppliers,
        needs=tuple(needs),
        needs_alike=alike,
    )


# Background work shown on the page -------------------------------------------------------------


def frontier_job(session: Session, batch_id: int) -> Job | None:
    """The batch's latest frontier job (queued, running, done or failed), if any."""
    recent = session.scalars(
        select(Job).where(Job.kind == "frontier").order_by(Job.id.desc()).limit(200)
    )
    return next((job for job in recent if job.params.get("batch_id") == batch_id), None)


def awaiting_match(session: Session, batch: Batch) -> list[Need]:
    """The free-text needs left out of the batch because no catalog product was chosen yet."""
    if not batch.awaiting_match:
        return []
    return list(
        session.scalars(
            select(Need)
            .where(Need.id.in_([int(i) for i in batch.awaiting_match]))
            .options(selectinload(Need.member))
            .order_by(Need.id)
        )
    )
