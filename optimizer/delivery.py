"""Delivery between suppliers and sites: cost per unit, distance, and transport CO2."""

from __future__ import annotations

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
        self._co2_per_km = problem.policy.co2_kg_per_km
        self._cost: dict[tuple[str, str], Decimal] = {}

    def km(self, supplier: str, site: str) -> float | None:
        """The distance from the supplier to the site, or None when not known."""
        start, end = self._supplier_at.get(supplier), self._site_at.get(site)
        if start is None or end is None:
            return None
        return start.km_to(end)

    def cost_per_unit(self, supplier: str, site: str) -> Decimal:
        """What delivering one unit from the supplier to the site costs."""
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

    def trip_co2_kg(self, supplier: str, site: str) -> Decimal:
        """Transport CO2 of one delivery from the supplier to the site (0 when unknown)."""
        km = self.km(supplier, site)
        if km is None:
            return Decimal(0)
        return (self._co2_per_km * Decimal(repr(km))).quantize(_TENTH_OF_A_CENT)
