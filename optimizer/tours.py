"""Delivery tours: what pooling saves on the road.

Pooled, each supplier's order is delivered in one round trip from the supplier through the
sites it serves in the batch, or, when the lead asks for it, to the cooperative's collection
point, from which each member fetches its goods in a round trip of its own (a pick-up). Alone,
each member receives its own delivery from each supplier: a round trip from the supplier
through that member's sites.

Distances are great-circle kilometres between the known locations (a site or supplier without
a location adds nothing), times the policy's road-detour coefficient (``road_detour``, road km
per km as the crow flies; 1 counts the crow's flight). The tour through several sites is a
good one, not always the shortest: nearest neighbour from the supplier, then 2-opt (reverse a
stretch of the tour while that shortens it), which is exact for up to three stops and within a
few per cent on the small tours of a batch. Transport CO2 is the kilometres times the policy's
emission factor (``co2_kg_per_km``, whose source the policy names); when the lead prices
delivery by the road, a delivery tour costs its kilometres times ``delivery_cost_per_km`` (see
:mod:`optimizer.vans`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import cast

import numpy as np

from optimizer.problem import Location, Problem

_KM = Decimal("0.001")
_GRAM = Decimal("0.001")
_CENT = Decimal("0.01")
_TWO_OPT_MOVES = 4  # improving moves per stop at most
_LONG_TOUR = 60  # stops beyond which 2-opt gets a fixed number of moves
_LONG_TOUR_MOVES = 30


@dataclass(frozen=True, slots=True)
class Tour:
    """One round trip: ``kind`` is ``delivery`` (a supplier's van, ``by`` the supplier) or
    ``pickup`` (a member fetching its goods at the collection point, ``by`` the member);
    ``start`` is where it leaves from and comes back to, ``stops`` the sites in visiting
    order; ``cost`` is what a delivery costs at the policy's price per km (a pick-up is the
    member's own trip: 0)."""

    kind: str
    by: str
    start: str
    stops: tuple[str, ...]
    km: Decimal
    co2_kg: Decimal
    cost: Decimal = Decimal(0)


def _km_matrix(points: Sequence[Location]) -> np.ndarray:
    """Great-circle km between every pair of points (haversine, as :meth:`Location.km_to`)."""
    lat = np.radians([p.lat for p in points])
    lon = np.radians([p.lon for p in points])
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return cast(np.ndarray, 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(h))))


def round_trip(origin: Location, stops: Sequence[Location]) -> tuple[float, list[int]]:
    """The length in km of a round trip from ``origin`` through ``stops`` and the visiting
    order (indices into ``stops``): nearest neighbour, then 2-opt (reverse the stretch of the
    tour whose reversal shortens it most, until none does; on tours through more than 60
    stops, 30 such moves at most, each being a pass over the whole distance matrix)."""
    if not stops:
        return 0.0, []
    if len(stops) == 1:
        return 2 * origin.km_to(stops[0]), [0]
    far = _km_matrix([origin, *stops])
    n = len(far)
    order = [0]
    left = np.ones(n, dtype=bool)
    left[0] = False
    for _ in range(n - 1):
        here = order[-1]
        distances = np.where(left, far[here], np.inf)
        nearest = int(np.argmin(distances))  # the first of equals: deterministic
        order.append(nearest)
        left[nearest] = False
    tour = np.array(order)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)[1:, 1:]
    # each move costs a pass over the n x n matrix: long tours get a bounded number of moves
    moves = _TWO_OPT_MOVES * n if n <= _LONG_TOUR else _LONG_TOUR_MOVES
    for _ in range(moves):
        # reversing tour[i..j] replaces edges (i-1, i) and (j, j+1) by (i-1, j) and (i, j+1)
        prev, first = tour[:-1], tour[1:]
        last, after = tour[1:], np.roll(tour, -1)[1:]
        change = (
            far[prev[:, None], last[None, :]]
            + far[first[:, None], after[None, :]]
            - far[prev, first][:, None]
            - far[last, after][None, :]
        )
        change = np.where(upper, change, np.inf)
        best = int(np.argmin(change))
        i, j = divmod(best, n - 1)
        if change[i, j] >= -1e-9:
            break
        tour[i + 1 : j + 2] = tour[i + 1 : j + 2][::-1].copy()
    length = float(far[tour, np.roll(tour, -1)].sum())
    return length, [int(k) - 1 for k in tour[1:]]


def share_of_tour(
    amount: Decimal, own: Mapping[str, Decimal], quantum: Decimal
) -> dict[str, Decimal]:
    """A delivery tour's ``amount`` (its CO2, or its price) shared among the members it serves
    in proportion to ``own``, each member's own round trip from that supplier (what it would
    have driven alone), in whole quanta by the largest remainder (the earlier member first on
    a tie); with no own round trip known, in equal parts. The shares add up to ``amount``, and
    whenever ``amount`` is no more than the own round trips together (counted in the same
    unit), no member's share exceeds its own round trip: its exact part does not, and a
    quantum left over only ever goes to a part that had a fraction cut off."""
    members = sorted(own)
    if not members:
        return {}
    weights = [Fraction(max(own[m], Decimal(0))) for m in members]
    if sum(weights) <= 0:
        weights = [Fraction(1)] * len(members)
    whole = sum(weights)
    quanta = int((amount / quantum).to_integral_value())
    # exact arithmetic: a share equal to its own round trip is never pushed a quantum above it
    exact = [quanta * w / whole for w in weights]
    counts = [math.floor(e) for e in exact]
    left = quanta - sum(counts)
    order = sorted(range(len(members)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return {m: quantum * n for m, n in zip(members, counts, strict=True)}


def tour_co2_shares(
    tours: list[Tour], alone: dict[str, tuple[Tour, ...]]
) -> dict[str, dict[str, Decimal]]:
    """Each member's share of each supplier's delivery tour CO2, by supplier then member: the
    tour's CO2 shared among the members it serves in proportion to the CO2 of their own round
    trip from that supplier (``alone``: each member's round trips alone), as its price is
    (:func:`share_of_tour`)."""
    own: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for member, trips in alone.items():
        for trip in trips:
            own[trip.by][member] = trip.co2_kg
    return {
        tour.by: share_of_tour(tour.co2_kg, own.get(tour.by, {}), _GRAM)
        for tour in tours
        if tour.kind == "delivery"
    }


class Road:
    """Tours between the problem's suppliers, sites and collection point, priced in km and
    CO2 with the policy's emission factor."""

    def __init__(self, problem: Problem) -> None:
        self.supplier_at = {s.id: s.location for s in problem.suppliers}
        self.site_at = {s.id: s.location for s in problem.sites}
        self.factor = problem.policy.co2_kg_per_km
        self.per_km = problem.policy.delivery_cost_per_km
        self.detour = problem.policy.road_detour

    def tour(self, kind: str, by: str, start: str, sites: Sequence[str]) -> Tour:
        """The round trip from ``start`` (a supplier, or a site for a pick-up) through
        ``sites``."""
        origin = self.supplier_at.get(start) if kind == "delivery" else self.site_at.get(start)
        # Suppliers and sites are named apart: a site may have its supplier's id.
        home = start if kind == "pickup" else None
        known = sorted({s for s in sites if self.site_at.get(s) is not None and s != home})
        unknown = sorted({s for s in sites if s not in known and s != home})
        if origin is None:
            return Tour(kind, by, start, tuple(known + unknown), Decimal(0), Decimal(0))
        located = [self.site_at[s] for s in known]
        km, order = round_trip(origin, [loc for loc in located if loc is not None])
        length = (Decimal(repr(km)) * self.detour).quantize(_KM)
        stops = tuple([known[i] for i in order] + unknown)
        co2 = (length * self.factor).quantize(_GRAM)
        cost = (length * self.per_km).quantize(_CENT) if kind == "delivery" else Decimal(0)
        return Tour(kind, by, start, stops, length, co2, cost)


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
