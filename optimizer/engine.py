"""The optimizer's pipeline: problem -> groups -> model -> solver -> solution."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from optimizer.allocate import (
    Outcome,
    Portion,
    Purchase,
    read_flows,
    read_purchases,
    split_groups,
    unmet_reason,
)
from optimizer.alone import Catalog, alone_cost
from optimizer.delivery import DeliveryTable
from optimizer.explain import runner_up
from optimizer.groups import Reason, build_groups
from optimizer.model import Model
from optimizer.money import split_exactly, to_cents
from optimizer.phases import least_unmet_without_rules, solve_in_parts
from optimizer.problem import Problem
from optimizer.solution import (
    Allocation,
    Indicators,
    MemberTotal,
    NeedResult,
    OrderLine,
    Solution,
    SupplierOrder,
    TransportBasis,
)
from optimizer.solve import SolveOptions, SolverReport, Status, relative_gap
from optimizer.tours import (
    Road,
    Tour,
    alone_tours,
    pooled_tours,
    share_of_tour,
    tour_co2_shares,
)
from optimizer.vans import counted_km

_TENTH = Decimal("0.1")
_GRAM = Decimal("0.001")
_CENT = Decimal("0.01")


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """Solves ``problem`` and returns the batch it proposes. Never raises for an instance that
    cannot be (fully) served or a solver that stops early: the report's status says so."""
    options = options or SolveOptions()
    started = time.perf_counter()
    delivery = DeliveryTable(problem)
    groups, hopeless = build_groups(problem, delivery, options.pool_sites_above)
    model, report = solve_in_parts(
        problem, groups, delivery, options, time.perf_counter() - started
    )
    if report.status is Status.ERROR:
        return _unsolved(problem, model, report, hopeless)
    purchases = read_purchases(model)
    flows = read_flows(model, purchases)
    portions, outcomes = split_groups(model, flows)
    report = priced_at_real_sites(model, report, portions, options)
    tours = batch_tours(problem, _stops(model, portions))
    report = priced_along_tours(model, report, tours, options)
    unmet = [
        sum((outcomes[need.id].unmet for need in group.needs), Decimal(0)) for group in model.groups
    ]
    relaxed = None
    if any(unmet) and problem.policy.rules.any:
        relaxed = least_unmet_without_rules(problem, model.groups, delivery, options)
    reasons = dict(hopeless)
    for g, group in enumerate(model.groups):
        if unmet[g] > 0:
            reason = unmet_reason(model, g, purchases, relaxed, float(unmet[g]))
            for need in group.needs:
                if outcomes[need.id].unmet > 0:
                    reasons[need.id] = reason
    return _assemble(problem, model, report, purchases, portions, outcomes, reasons, options, tours)


def priced_at_real_sites(
    model: Model, report: SolverReport, portions: list[Portion], options: SolveOptions
) -> SolverReport:
    """The report for the exact problem when sites were pooled.

    A pooled group's model sees the cheapest delivery among its sites, so the model's bound is a
    bound for the exact problem; the answer, placed at the real sites, costs more. Its objective
    is recomputed with each portion's real delivery cost, and the gap and status follow from
    that objective and the model's bound: ``optimal`` or ``feasible`` only when the exact answer
    is within the gap, ``approximate`` when the solver finished but the answer is not."""
    pooled = sum(1 for group in model.groups if group.pooled)
    if not pooled or report.objective is None:
        return report
    extra = 0.0
    for portion in portions:
        if model.groups[portion.group].pooled:
            supplier = model.offer(portion.offer).supplier
            real = float(model.delivery.cost_per_unit(supplier, portion.need.site))
            extra += float(portion.quantity) * (real - model.shipping[portion.group, portion.offer])
    objective = report.objective + model.scales.per_euro * max(0.0, extra)
    note = (
        f"sites pooled in {pooled} group(s): the model priced their delivery at the cheapest "
        f"site, the answer is priced at the real sites, and the bound holds for the exact problem"
    )
    return _restated(report, objective, note, options)


def priced_along_tours(
    model: Model, report: SolverReport, tours: list[Tour], options: SolveOptions
) -> SolverReport:
    """The report for the exact problem when delivery tours are priced by the km.

    The model counts each supplier's van as a round trip to the farthest site it serves, which
    no tour through those sites beats (:mod:`optimizer.vans`): its bound is a bound for the
    tours as priced. The objective is recomputed with the tours found, and the gap and status
    follow from it, as for pooled sites."""
    if not model.reach or report.objective is None:
        return report
    counted = counted_km(model)
    extra = sum(
        float(tour.km) - counted.get(tour.by, 0.0) for tour in tours if tour.kind == "delivery"
    )
    price = float(model.problem.policy.delivery_cost_per_km)
    objective = report.objective + model.scales.per_euro * price * extra
    note = (
        "delivery priced along each supplier's tour: the model counted each van's round trip "
        "to its farthest stop (no tour is shorter), the answer is priced along the tour found, "
        "and the bound holds for the tours as priced"
    )
    return _restated(report, objective, note, options)


def _restated(
    report: SolverReport, objective: float, note: str, options: SolveOptions
) -> SolverReport:
    """``report`` with the exact problem's objective: the gap to the model's bound, the status
    that gap allows (``approximate`` when the solver finished but the answer is outside the
    requested gap), and the note added to the message."""
    gap = relative_gap(objective, report.bound)
    status = report.status
    if status in (Status.OPTIMAL, Status.FEASIBLE, Status.TIME_LIMIT) and gap is not None:
        if gap <= 1e-6 and status is not Status.TIME_LIMIT:
            status = Status.OPTIMAL
        elif gap <= options.gap:
            status = Status.FEASIBLE
        elif status is not Status.TIME_LIMIT:
            status = Status.APPROXIMATE
    message = "; ".join(m for m in (report.message, note) if m)
    return replace(report, status=status, objective=objective, gap=gap, message=message)


def _unsolved(
    problem: Problem, model: Model, report: SolverReport, hopeless: dict[str, Reason]
) -> Solution:
    outcomes = {n.id: Outcome(Decimal(0), Decimal(0), n.quantity) for n in problem.needs}
    reasons = {n.id: hopeless.get(n.id, Reason.NOT_SOLVED) for n in problem.needs}
    options = SolveOptions(explain=False, compare_alone=False)
    return _assemble(problem, model, report, {}, [], outcomes, reasons, options, [])


def _assemble(
    problem: Problem,
    model: Model,
    report: SolverReport,
    purchases: dict[int, Purchase],
    portions: list[Portion],
    outcomes: dict[str, Outcome],
    reasons: dict[str, Reason],
    options: SolveOptions,
    tours: list[Tour],
) -> Solution:
    delivery = model.delivery
    suppliers = {s.id: s for s in problem.suppliers}
    by_offer: dict[int, list[int]] = defaultdict(list)
    for i, portion in enumerate(portions):
        by_offer[portion.offer].append(i)
    goods = [Decimal(0)] * len(portions)
    shipping = [Decimal(0)] * len(portions)
    lines: dict[str, list[OrderLine]] = defaultdict(list)
    for o, purchase in sorted(purchases.items()):
        offer = model.offer(o)
        line_goods = to_cents(purchase.quantity * purchase.unit_price)
        members = by_offer[o]
        for i, cents in zip(
            members, split_exactly(line_goods, [portions[i].quantity for i in members]), strict=True
        ):
            goods[i] = cents
        exact = [
            portions[i].quantity * delivery.cost_per_unit(offer.supplier, portions[i].need.site)
            for i in members
        ]
        for i, cents in zip(
            members, split_exactly(to_cents(sum(exact, Decimal(0))), exact), strict=True
        ):
            shipping[i] = cents
        lines[offer.supplier].append(
            OrderLine(
                offer.id,
                offer.product,
                purchase.packs,
                purchase.quantity,
                purchase.tier,
                purchase.unit_price,
                line_goods,
            )
        )
    fee_share = [Decimal(0)] * len(portions)
    of_supplier: dict[str, list[int]] = defaultdict(list)
    for i, portion in enumerate(portions):
        of_supplier[model.offer(portion.offer).supplier].append(i)
    road_share = _tour_shares(problem, portions, of_supplier, goods, tours)
    for i, cents in road_share.items():
        shipping[i] += cents
    orders = []
    for supplier_id in sorted(lines):
        supplier = suppliers[supplier_id]
        order_goods = sum((line.goods for line in lines[supplier_id]), Decimal(0))
        threshold = supplier.fee_waived_above
        fee = (
            Decimal(0)
            if threshold is not None and order_goods >= threshold
            else to_cents(supplier.delivery_fee)
        )
        members = of_supplier[supplier_id]
        value = [portions[i].quantity * purchases[portions[i].offer].unit_price for i in members]
        for i, cents in zip(members, split_exactly(fee, value), strict=True):
            fee_share[i] = cents
        orders.append(
            SupplierOrder(
                supplier_id,
                tuple(lines[supplier_id]),
                order_goods,
                fee,
                sum((shipping[i] for i in members), Decimal(0)),
            )
        )
    paying = {order.supplier for order in orders if order.fee > 0}
    allocations = []
    for i, portion in enumerate(portions):
        offer = model.offer(portion.offer)
        purchase = purchases[portion.offer]
        best = None
        if options.explain:
            best = runner_up(
                model,
                portion,
                purchases,
                goods[i] + shipping[i] + fee_share[i],
                paying,
                suppliers,
            )
        allocations.append(
            Allocation(
                need=portion.need.id,
                member=portion.need.member,
                offer=offer.id,
                supplier=offer.supplier,
                quantity=portion.quantity,
                packs=portion.quantity / offer.pack_size,
                unit_price=purchase.unit_price,
                tier=purchase.tier,
                goods=goods[i],
                fee_share=fee_share[i],
                delivery=shipping[i],
                runner_up=best,
            )
        )
    allocations.sort(key=lambda a: (a.need, a.offer))
    needs = _need_results(problem, outcomes, reasons)
    shares = {
        (portions[i].need.id, model.offer(portions[i].offer).id): cents
        for i, cents in road_share.items()
    }
    totals = _member_totals(
        problem, allocations, needs, delivery, options.compare_alone, tours, shares
    )
    indicators = _indicators(model, purchases, orders, allocations, totals, needs, tours)
    policy = problem.policy
    basis = TransportBasis(
        co2_kg_per_km=policy.co2_kg_per_km,
        co2_source=policy.co2_source,
        collection_point=problem.collection_point if policy.deliver_to_collection_point else None,
        delivery_cost_per_km=policy.delivery_cost_per_km,
        road_detour=policy.road_detour,
    )
    return Solution(
        report, tuple(orders), tuple(allocations), needs, totals, indicators, tuple(tours), basis
    )


def _need_results(
    problem: Problem, outcomes: dict[str, Outcome], reasons: dict[str, Reason]
) -> tuple[NeedResult, ...]:
    results = []
    for need in problem.needs:
        outcome = outcomes.get(need.id, Outcome(Decimal(0), Decimal(0), need.quantity))
        if outcome.unmet <= 0:
            status, reason = "served", None
        else:
            status = "partial" if outcome.served > 0 else "unmet"
            reason = reasons.get(need.id, Reason.NOT_SOLVED)
        results.append(
            NeedResult(
                need.id,
                need.member,
                status,
                outcome.served,
                outcome.received,
                outcome.unmet,
                reason,
            )
        )
    return tuple(results)


def _stops(model: Model, portions: list[Portion]) -> list[tuple[str, str, str]]:
    """Who delivers to whom: (supplier, member, site) for each portion."""
    return [
        (model.offer(p.offer).supplier, p.need.member, p.need.site)
        for p in portions
        if p.quantity > 0
    ]


def batch_tours(problem: Problem, stops: list[tuple[str, str, str]]) -> list[Tour]:
    """The batch's round trips: each supplier's delivery through the sites it serves (or to
    the collection point, with each member's pick-up from its sites); ``stops`` are
    (supplier, member, site)."""
    point = problem.collection_point if problem.policy.deliver_to_collection_point else None
    deliveries: dict[str, set[str]] = defaultdict(set)
    pickups: dict[str, set[str]] = defaultdict(set)
    for supplier, member, site in stops:
        deliveries[supplier].add(site if point is None else point)
        if point is not None:
            pickups[member].add(site)
    return pooled_tours(problem, deliveries, pickups)


def _tour_shares(
    problem: Problem,
    portions: list[Portion],
    of_supplier: dict[str, list[int]],
    goods: list[Decimal],
    tours: list[Tour],
) -> dict[int, Decimal]:
    """Each portion's share of its supplier's tour cost, in cents. A tour is shared by the
    members it serves in proportion to their own round trip from that supplier (what each
    would have driven alone: :func:`optimizer.tours.share_of_tour`), then within a member by
    the goods value of its portions."""
    shares: dict[int, Decimal] = {}
    road = Road(problem)
    for tour in tours:
        if tour.kind != "delivery" or tour.cost <= 0:
            continue
        parts: dict[str, list[int]] = defaultdict(list)
        for i in of_supplier.get(tour.by, []):
            if portions[i].quantity > 0:
                parts[portions[i].need.member].append(i)
        own = {
            member: road.tour(
                "delivery", tour.by, tour.by, sorted({portions[i].need.site for i in mine})
            ).km
            for member, mine in parts.items()
        }
        for member, cents in share_of_tour(tour.cost, own, _CENT).items():
            mine = parts[member]
            weights = [goods[i] if goods[i] > 0 else portions[i].quantity for i in mine]
            for i, part in zip(mine, split_exactly(cents, weights), strict=True):
                shares[i] = part
    return shares


def _member_totals(
    problem: Problem,
    allocations: list[Allocation],
    needs: tuple[NeedResult, ...],
    delivery: DeliveryTable,
    compare_alone: bool,
    tours: list[Tour],
    road_shares: dict[tuple[str, str], Decimal],
) -> tuple[MemberTotal, ...]:
    """Each member's costs, its share of the batch's transport CO2 (a delivery tour's CO2
    shared in proportion to the members' own round trips, as its price is; a pick-up is its
    own), and what the same purchase would cost and emit alone (with, when tours are priced,
    its own round trip from each supplier, never less than its share of the pooled tour)."""
    sites = {n.id: n.site for n in problem.needs}
    of_member: dict[str, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        of_member[allocation.member].append(allocation)
    members = sorted({n.member for n in problem.needs})
    trips_of: dict[str, tuple[Tour, ...]] = {}
    for member in members:
        own: dict[str, set[str]] = defaultdict(set)
        for allocation in of_member.get(member, []):
            if allocation.quantity > 0:
                own[allocation.supplier].add(sites[allocation.need])
        trips_of[member] = tuple(alone_tours(problem, member, own))
    co2: dict[str, Decimal] = defaultdict(Decimal)
    for tour in tours:
        if tour.kind == "pickup":
            co2[tour.by] += tour.co2_kg
    for by_member in tour_co2_shares(tours, trips_of).values():
        for member, kg in by_member.items():
            co2[member] += kg
    catalog = Catalog(problem)
    served: dict[str, bool] = defaultdict(lambda: True)
    for result in needs:
        served[result.member] = served[result.member] and result.status == "served"
    totals = []
    for member in members:
        parts = of_member.get(member, [])
        goods = sum((a.goods for a in parts), Decimal(0))
        fees = sum((a.fee_share for a in parts), Decimal(0))
        shipping = sum((a.delivery for a in parts), Decimal(0))
        trips = trips_of[member]
        alone_co2 = sum((t.co2_kg for t in trips), Decimal(0))
        alone = goods + fees + shipping
        if compare_alone:
            # per unit, alone; the tours apart: each supplier's own round trip to the member
            road: dict[str, Decimal] = defaultdict(Decimal)
            per_unit = []
            for allocation in parts:
                share = road_shares.get((allocation.need, allocation.offer), Decimal(0))
                road[allocation.supplier] += share
                per_unit.append(replace(allocation, delivery=allocation.delivery - share))
            alone = alone_cost(problem, per_unit, sites, delivery, catalog)
            alone += sum((max(trip.cost, road[trip.by]) for trip in trips), Decimal(0))
        totals.append(
            MemberTotal(
                member=member,
                goods=goods,
                fees=fees,
                delivery=shipping,
                alone=alone,
                co2_kg=co2[member],
                alone_co2_kg=alone_co2,
                fully_served=served[member],
                alone_tours=trips,
            )
        )
    return tuple(totals)


def _indicators(
    model: Model,
    purchases: dict[int, Purchase],
    orders: list[SupplierOrder],
    allocations: list[Allocation],
    members: tuple[MemberTotal, ...],
    needs: tuple[NeedResult, ...],
    tours: list[Tour],
) -> Indicators:
    spend = Decimal(0)
    eco = Decimal(0)
    lead = Decimal(0)
    for o, purchase in purchases.items():
        value = purchase.quantity * purchase.unit_price
        spend += value
        eco += value * model.offer(o).eco_score
        lead += value * model.offer(o).lead_time_days
    co2 = sum((t.co2_kg for t in tours), Decimal(0))
    return Indicators(
        goods=sum((o.goods for o in orders), Decimal(0)),
        fees=sum((o.fee for o in orders), Decimal(0)),
        delivery=sum((o.delivery for o in orders), Decimal(0)),
        eco_score=(eco / spend).quantize(_TENTH) if spend else None,
        average_lead_days=(lead / spend).quantize(_TENTH) if spend else None,
        transport_co2_kg=co2,
        alone_total=sum((m.alone for m in members), Decimal(0)),
        alone_co2_kg=sum((m.alone_co2_kg for m in members), Decimal(0)),
        needs_served=sum(1 for n in needs if n.status == "served"),
        needs_partial=sum(1 for n in needs if n.status == "partial"),
        needs_unmet=sum(1 for n in needs if n.status == "unmet"),
        transport_km=sum((t.km for t in tours), Decimal(0)),
        alone_km=sum((t.km for m in members for t in m.alone_tours), Decimal(0)),
        suppliers_used=len({o.supplier for o in orders}),
    )
