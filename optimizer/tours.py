"""Delivery tours: what pooling saves on the road.

Pooled, each supplier's order is delivered in one round trip from the supplier through the
sites it serves in the batch, or, when the lead asks for it, to the cooperative's collection
point, from which each member fetches its goods in a round trip of its own (a pick-up). Alone,
each member receives its own delivery from each supplier: a round trip from the supplier
through that member's sites.

Distances are great-circle kilometres between the known locations (a site or supplier without
a location adds nothing). The tour through several sites is a good one, not always the
shortest: nearest neighbour from the supplier, then 2-opt (reverse a stretch of the tour while
that shortens it), which is exact for up to three stops and within a few per cent on the small
tours of a batch. Transport CO2 is the kilometres times the policy's emission factor
(``co2_kg_per_km``, whose source the policy names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from optimizer.problem import Location, Problem

_KM = Decimal("0.001")
_GRAM = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Tour:
    """One round trip: ``kind`` is ``delivery`` (a supplier's van, ``by`` the supplier) or
    ``pickup`` (a member fetching its goods at the collection point, ``by`` the member);
    ``start`` is where it leaves from and comes back to, ``stops`` the sites in visiting
    order."""

    kind: str
    by: str
    start: str
    stops: tuple[str, ...]
    km: Decimal
    co2_kg: Decimal


def round_trip(origin: Location, stops: Sequence[Location]) -> tuple[float, list[int]]:
    """The length in km of a round trip from ``origin`` through ``stops`` and the visiting
    order (indices into ``stops``): nearest neighbour, then 2-opt."""
    if not stops:
        return 0.0, []
    points = [origin, *stops]
    n = len(points)
    far = [[points[i].km_to(points[j]) for j in range(n)] for i in range(n)]
    order = [0]
    left = set(range(1, n))
    while left:
        here = order[-1]
        nearest = min(left, key=lambda j: (far[here][j], j))
        order.append(nearest)
        left.remove(nearest)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                a, b = order[i - 1], order[i]
                c, d = order[j], order[(j + 1) % n]
                if far[a][c] + far[b][d] < far[a][b] + far[c][d] - 1e-9:
                    order[i : j + 1] = reversed(order[i : j + 1])
                    improved = True
    length = sum(far[order[k]][order[(k + 1) % n]] for k in range(n))
    return length, [k - 1 for k in order[1:]]


class Road:
    """Tours between the problem's suppliers, sites and collection point, priced in km and
    CO2 with the policy's emission factor."""

    def __init__(self, problem: Problem) -> None:
        self.supplier_at = {s.id: s.location for s in problem.suppliers}
        self.site_at = {s.id: s.location for s in problem.sites}
        self.factor = problem.policy.co2_kg_per_km

    def tour(self, kind: str, by: str, start: str, sites: Sequence[str]) -> Tour:
        """The round trip from ``start`` (a supplier, or a site for a pick-up) through
        ``sites``."""
        origin = self.supplier_at.get(start) if kind == "delivery" else self.site_at.get(start)
        known = sorted({s for s in sites if self.site_at.get(s) is not None and s != start})
        unknown = sorted({s for s in sites if s not in known and s != start})
        if origin is None:
            return Tour(kind, by, start, tuple(known + unknown), Decimal(0), Decimal(0))
        located = [self.site_at[s] for s in known]
        km, order = round_trip(origin, [loc for loc in located if loc is not None])
        length = Decimal(repr(km)).quantize(_KM)
        stops = tuple([known[i] for i in order] + unknown)
        return Tour(kind, by, start, stops, length, (length * self.factor).quantize(_GRAM))


def pooled_tours(
    problem: Problem, deliveries: dict[str, set[str]], pickups: dict[str, set[str]]
) -> list[Tour]:
    """The batch's tours: each supplier's delivery round trip through the sites it serves
    (``deliveries``: supplier to sites; the collection point alone when delivered there),
    and each member's pick-up round trips from its sites to the collection point
    (``pickups``: member to sites)."""
    road = Road(problem)
    tours = [
        road.tour("delivery", supplier, supplier, sorted(sites))
        for supplier, sites in sorted(deliveries.items())
    ]
    point = problem.collection_point
    if point is not None:
        for member, sites in sorted(pickups.items()):
            for site in sorted(sites):
                if site != point:
                    tours.append(road.tour("pickup", member, site, [point]))
    return tours


def alone_tours(problem: Problem, member: str, deliveries: dict[str, set[str]]) -> list[Tour]:
    """The round trips of one member buying alone: each supplier delivers to the member's own
    sites (``deliveries``: supplier to the member's sites)."""
    road = Road(problem)
    return [
        road.tour("delivery", supplier, supplier, sorted(sites))
        for supplier, sites in sorted(deliveries.items())
    ]
