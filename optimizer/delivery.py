"""Delivery between suppliers and sites: cost per unit and distance (tours: optimizer.tours)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from optimizer.problem import Problem

_TENTH_OF_A_CENT = Decimal("0.001")


class DeliveryTable:
    """Per-unit delivery cost and distance for every (supplier, site) pair.

    A cost given for the pair wins; otherwise, when both ends have a location, the cost is the
    policy's rate per unit and km times the great-circle distance, to the tenth of a cent;
    otherwise delivery is free. The distance is None when a location is missing.
    """

    def __init__(self, problem: Problem) -> None:
        self._given = {(c.supplier, c.site): c.cost_per_unit for c in problem.delivery_costs}
        self._supplier_at = {s.id: s.location for s in problem.suppliers}
        self._site_at = {s.id: s.location for s in problem.sites}
        self._rate = problem.policy.delivery_cost_per_unit_km
        self._cost: dict[tuple[str, str], Decimal] = {}
        point = problem.collection_point
        # delivered to the collection point, every site is reached through it
        self._point = point if problem.policy.deliver_to_collection_point else None
        self._detour = float(problem.policy.road_detour)

    def km(self, supplier: str, site: str) -> float | None:
        """The distance from the supplier to the site, or None when not known."""
        start, end = self._supplier_at.get(supplier), self._site_at.get(site)
        if start is None or end is None:
            return None
        return start.km_to(end)

    def van_km(self, supplier: str, sites: Sequence[str]) -> list[float]:
        """How far by road the supplier's van goes to each of ``sites`` it can place (to the
        collection point instead when the lead has suppliers deliver there)."""
        places = sites if self._point is None else [self._point]
        return [km * self._detour for site in places if (km := self.km(supplier, site)) is not None]

    def cost_per_unit(self, supplier: str, site: str) -> Decimal:
        """What delivering one unit from the supplier to the site costs in this batch (to the
        collection point when the lead has suppliers deliver there)."""
        return self.own_cost_per_unit(supplier, site if self._point is None else self._point)

    def own_cost_per_unit(self, supplier: str, site: str) -> Decimal:
        """What delivering one unit from the supplier to the site itself costs."""
        key = (supplier, site)
        cost = self._cost.get(key)
        if cost is None:
            given = self._given.get(key)
            if given is not None:
                cost = given
            else:
                km = self.km(supplier, site)
                cost = (
                    Decimal(0)
                    if km is None or not self._rate
                    else (self._rate * Decimal(repr(km))).quantize(_TENTH_OF_A_CENT)
                )
            self._cost[key] = cost
        return cost
