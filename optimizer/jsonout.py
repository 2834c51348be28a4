"""Writing problems and results as JSON. Decimal values are written as strings (money to the
cent), so that no reader has to go through floating point."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from optimizer.frontier import FrontierPoint
from optimizer.problem import Location, Problem
from optimizer.solution import Solution
from optimizer.tours import Tour

Json = dict[str, Any]
_CENT = Decimal("0.01")


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _price(value: Decimal) -> str:
    """A unit price: to the cent at least, finer when the catalog is finer."""
    exponent = int(value.normalize().as_tuple().exponent)
    return format(value.quantize(_CENT) if exponent > -2 else value.normalize(), "f")


def _money(value: Decimal) -> str:
    return format(value.quantize(_CENT), "f")


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else _num(value)


def _location(location: Location | None) -> Json | None:
    return None if location is None else {"lat": location.lat, "lon": location.lon}


def problem_to_dict(problem: Problem) -> Json:
    """``problem`` in the documented JSON problem format."""
    policy, rules, weights = problem.policy, problem.policy.rules, problem.policy.weights

    def located(d: Json, location: Location | None) -> Json:
        if location is not None:
            d["location"] = _location(location)
        return d

    return {
        "policy": {
            "order_date": policy.order_date.isoformat(),
            "weights": {"cost": weights.cost, "delay": weights.delay, "eco": weights.eco},
            "rules": {
                "min_average_eco": rules.min_average_eco,
                "budget_cap": _opt(rules.budget_cap),
                "max_suppliers_per_product": rules.max_suppliers_per_product,
                "min_local_share": rules.min_local_share,
                "min_social_economy_share": rules.min_social_economy_share,
                "single_supplier_per_need": rules.single_supplier_per_need,
            },
            "delivery_cost_per_unit_km": _num(policy.delivery_cost_per_unit_km),
            "co2_kg_per_km": _num(policy.co2_kg_per_km),
            "co2_source": policy.co2_source,
            "deliver_to_collection_point": policy.deliver_to_collection_point,
            "delivery_cost_per_km": _num(policy.delivery_cost_per_km),
            "road_detour": _num(policy.road_detour),
        },
        "collection_point": problem.collection_point,
        "sites": [located({"id": s.id}, s.location) for s in problem.sites],
        "suppliers": [
            located(
                {
                    "id": s.id,
                    "delivery_fee": _num(s.delivery_fee),
                    "fee_waived_above": _opt(s.fee_waived_above),
                    "local": s.local,
                    "social_economy": s.social_economy,
                },
                s.location,
            )
            for s in problem.suppliers
        ],
        "offers": [
            {
                "id": o.id,
                "supplier": o.supplier,
                "product": o.product,
                "pack_size": _num(o.pack_size),
                "tiers": [
                    {"from": _num(t.min_quantity), "unit_price": _num(t.unit_price)}
                    for t in o.tiers
                ],
                "minimum_quantity": _num(o.minimum_quantity),
                "capacity": _opt(o.capacity),
                "lead_time_days": o.lead_time_days,
                "eco_score": _num(o.eco_score),
            }
            for o in problem.offers
        ],
        "needs": [
            {
                "id": n.id,
                "member": n.member,
                "product": n.product,
                "quantity": _num(n.quantity),
                "tolerance": _num(n.tolerance),
                "needed_by": n.needed_by.isoformat(),
                "site": n.site,
                "price_ceiling": _opt(n.price_ceiling),
            }
            for n in problem.needs
        ],
        "products": [
            {"id": p.id, "shipping_step": _num(p.shipping_step)} for p in problem.products
        ],
        "delivery_costs": [
            {"supplier": c.supplier, "site": c.site, "cost_per_unit": _num(c.cost_per_unit)}
            for c in problem.delivery_costs
        ],
    }


TOUR_METHOD = (
    "round trips in great-circle km times road_detour: each supplier's van from the supplier "
    "through the sites it serves (nearest neighbour, then 2-opt) or to the collection point, "
    "plus each member's pick-up round trip from its site to the collection point; alone, each "
    "supplier's round trip to the member's own sites; CO2 = km x co2_kg_per_km; a delivery "
    "tour's CO2 and cost (km x delivery_cost_per_km) are shared by the members it serves in "
    "proportion to their own round trips from that supplier"
)


def _tour(tour: Tour) -> Json:
    return {
        "kind": tour.kind,
        "by": tour.by,
        "start": tour.start,
        "stops": list(tour.stops),
        "km": _num(tour.km),
        "co2_kg": _num(tour.co2_kg),
        "cost": _money(tour.cost),
    }


def result_to_dict(solution: Solution, frontier: Sequence[FrontierPoint] | None = None) -> Json:
    """``solution`` (and the frontier when computed) in the documented JSON result format."""
    r, ind, transport = solution.report, solution.indicators, solution.transport
    result: Json = {
        "status": r.status.value,
        "report": {
            "solver": r.solver,
            "objective": r.objective,
            "bound": r.bound,
            "gap": r.gap,
            "build_seconds": round(r.build_seconds, 4),
            "solve_seconds": round(r.solve_seconds, 4),
            "variables": r.variables,
            "integer_variables": r.integer_variables,
            "constraints": r.constraints,
            "groups": r.groups,
            "message": r.message,
        },
        "indicators": {
            "total_cost": _money(ind.total_cost),
            "goods": _money(ind.goods),
            "fees": _money(ind.fees),
            "delivery": _money(ind.delivery),
            "eco_score": _opt(ind.eco_score),
            "average_lead_days": _opt(ind.average_lead_days),
            "transport_co2_kg": _num(ind.transport_co2_kg),
            "alone_total": _money(ind.alone_total),
            "savings": _money(ind.savings),
            "alone_co2_kg": _num(ind.alone_co2_kg),
            "co2_avoided_kg": _num(ind.co2_avoided_kg),
            "needs_served": ind.needs_served,
            "needs_partial": ind.needs_partial,
            "needs_unmet": ind.needs_unmet,
            "transport_km": _num(ind.transport_km),
            "alone_km": _num(ind.alone_km),
            "suppliers_used": ind.suppliers_used,
        },
        "transport": {
            "co2_kg_per_km": _num(transport.co2_kg_per_km),
            "co2_source": transport.co2_source,
            "method": TOUR_METHOD,
            "delivery_cost_per_km": _num(transport.delivery_cost_per_km),
            "road_detour": _num(transport.road_detour),
            "collection_point": transport.collection_point,
            "tours": [_tour(t) for t in solution.tours],
        },
        "orders": [
            {
                "supplier": o.supplier,
                "goods": _money(o.goods),
                "fee": _money(o.fee),
                "delivery": _money(o.delivery),
                "total": _money(o.total),
                "lines": [
                    {
                        "offer": line.offer,
                        "product": line.product,
                        "packs": line.packs,
                        "quantity": _num(line.quantity),
                        "tier": line.tier,
                        "unit_price": _price(line.unit_price),
                        "goods": _money(line.goods),
                    }
                    for line in o.lines
                ],
            }
            for o in solution.orders
        ],
        "allocations": [
            {
                "need": a.need,
                "member": a.member,
                "offer": a.offer,
                "supplier": a.supplier,
                "quantity": _num(a.quantity),
                "packs": _num(a.packs.quantize(Decimal("0.001"))),
                "unit_price": _price(a.unit_price),
                "tier": a.tier,
                "goods": _money(a.goods),
                "fee_share": _money(a.fee_share),
                "delivery": _money(a.delivery),
                "total": _money(a.total),
                "runner_up": None
                if a.runner_up is None
                else {
                    "offer": a.runner_up.offer,
                    "supplier": a.runner_up.supplier,
                    "unit_price": _price(a.runner_up.unit_price),
                    "money": _money(a.runner_up.money),
                    "days": a.runner_up.days,
                    "eco": _num(a.runner_up.eco),
                },
            }
            for a in solution.allocations
        ],
        "needs": [
            {
                "need": n.need,
                "member": n.member,
                "status": n.status,
                "served": _num(n.served),
                "received": _num(n.received),
                "unmet": _num(n.unmet),
                "reason": None if n.reason is None else n.reason.value,
            }
            for n in solution.needs
        ],
        "members": [
            {
                "member": m.member,
                "goods": _money(m.goods),
                "fees": _money(m.fees),
                "delivery": _money(m.delivery),
                "total": _money(m.total),
                "alone_total": _money(m.alone),
                "savings": _money(m.savings),
                "co2_kg": _num(m.co2_kg),
                "alone_co2_kg": _num(m.alone_co2_kg),
                "fully_served": m.fully_served,
                "alone_tours": [_tour(t) for t in m.alone_tours],
            }
            for m in solution.members
        ],
    }
    if frontier is not None:
        result["frontier"] = [
            {
                "eco_floor": p.eco_floor,
                "total_cost": _money(p.total_cost),
                "eco_score": _opt(p.eco_score),
                "needs_unserved": p.needs_unmet,
                "status": p.status.value,
            }
            for p in frontier
        ]
    return result


def dumps(data: Json) -> str:
    """JSON text with sorted keys, indented, ending with a newline: the same data gives the
    same bytes."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
