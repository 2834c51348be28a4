"""Scenarios side by side: each indicator across scenarios with the best marked, which
suppliers each uses, and the needs served differently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from purchasing.batches.batch_review import AllocationRow, Names, Outcome, ScenarioReview, ShortNeed
from purchasing.errors import N_

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
