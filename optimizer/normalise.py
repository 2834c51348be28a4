"""Normalisation of the three criteria, so that the lead's weights mean what they say.

Each criterion is divided by its *range* over the batch, estimated from the data before
solving:

- cost (euros): for every group, its demand times the spread between the dearest unit cost
  (first-tier price plus delivery) and the cheapest (best-tier price plus delivery) among the
  offers that may serve it, summed over groups;
- delay (euro-days): every unit served counts its offer's lead time in days, weighted by the
  group's reference price (the mean first-tier price of its offers) so that a ream of paper and
  a printer weigh by what they are worth; the range is demand x reference price x (slowest -
  fastest lead time), summed over groups;
- ecology (euro-points): the same with the eco penalty ``100 - eco score`` of the offer.

With weights 60/10/30, going from the cheapest to the dearest choice everywhere costs 0.6 in the
objective, from the fastest to the slowest 0.1, from the greenest to the least green 0.3. A
criterion whose range is zero (every offer alike) is divided by the batch value instead.
Delivery fees count as cost at the same scale. The penalty per unit of demand left unmet is
above anything serving that unit could cost, including the dearest fee plus minimum order (or
pack) and, when tours are priced by the km, the van's round trip, among the offers that could
serve it; it only holds the demand served at the most the first phase found possible (see
:mod:`optimizer.phases`).
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.delivery import DeliveryTable
from optimizer.groups import Group
from optimizer.problem import Problem


@dataclass(frozen=True, slots=True)
class Scales:
    """The divisors of the three criteria and the per-group reference and penalty."""

    weights: tuple[float, float, float]
    cost: float
    delay: float
    eco: float
    reference_price: tuple[float, ...]
    unmet_penalty: tuple[float, ...]

    @property
    def per_euro(self) -> float:
        """Objective units per euro of cost."""
        return self.weights[0] / self.cost

    def subset(self, groups: list[int]) -> Scales:
        """The same scales for a part of the groups, renumbered in the order given."""
        reference = tuple(self.reference_price[g] for g in groups)
        penalty = tuple(self.unmet_penalty[g] for g in groups)
        return Scales(self.weights, self.cost, self.delay, self.eco, reference, penalty)

    def per_unit(self, group: int, unit_cost: float, lead_days: int, eco_score: float) -> float:
        """The objective weight of one unit of ``group`` served at these unit figures."""
        w_cost, w_delay, w_eco = self.weights
        reference = self.reference_price[group]
        return (
            w_cost * unit_cost / self.cost
            + w_delay * reference * lead_days / self.delay
            + w_eco * reference * (100.0 - eco_score) / self.eco
        )


def scales_for(problem: Problem, groups: list[Group], delivery: DeliveryTable) -> Scales:
    """The scales of one problem, as described in this module's documentation."""
    weights = problem.policy.weights.shares()
    fees = {s.id: float(s.delivery_fee) for s in problem.suppliers}
    per_km = float(problem.policy.delivery_cost_per_km)
    references, cost_range, delay_range, eco_range, value = [], 0.0, 0.0, 0.0, 0.0
    per_group: list[tuple[float, float, float, int, float]] = []
    for group in groups:
        offers = [problem.offers[a.offer] for a in group.arcs]
        demand = float(group.demand)
        list_prices = [float(o.tiers[0].unit_price) for o in offers]
        reference = sum(list_prices) / len(list_prices) or 1.0
        # a pooled group's range is its sites' (the exact problem's), not the model's cheapest
        at_sites = (
            [
                (float(quantity), [float(delivery.cost_per_unit(o.supplier, site)) for o in offers])
                for site, quantity in group.sites
            ]
            if group.pooled
            else [(demand, list(group.shipping))]
        )
        dearest = 0.0
        for quantity, shipping in at_sites:
            most = max(p + s for p, s in zip(list_prices, shipping, strict=True))
            least = min(
                float(o.tiers[-1].unit_price) + s for o, s in zip(offers, shipping, strict=True)
            )
            cost_range += quantity * (most - least)
            dearest = max(dearest, most)
        slowest = max(o.lead_time_days for o in offers)
        fastest = min(o.lead_time_days for o in offers)
        greenest = max(float(o.eco_score) for o in offers)
        least_green = min(float(o.eco_score) for o in offers)
        references.append(reference)
        delay_range += demand * reference * (slowest - fastest)
        eco_range += demand * reference * (greenest - least_green)
        value += demand * reference
        fixed = max(
            fees[o.supplier]
            + float(o.tiers[0].unit_price) * float(max(o.pack_size, o.smallest_order))
            + (_round_trip(delivery, o.supplier, group) * per_km if per_km else 0.0)
            for o in offers
        )
        per_group.append((dearest, fixed, reference, slowest, demand))
    value = value or 1.0
    scales = Scales(
        weights=weights,
        cost=cost_range or value,
        delay=delay_range or value,
        eco=eco_range or value,
        reference_price=tuple(references),
        unmet_penalty=(),
    )
    penalties = []
    for g, (dearest, fixed, _reference, slowest, demand) in enumerate(per_group):
        most = scales.per_unit(g, dearest, slowest, 0.0)
        penalties.append(2.0 * most + 2.0 * scales.per_euro * fixed / min(demand, 1.0) + 1e-3)
    return Scales(
        weights=weights,
        cost=scales.cost,
        delay=scales.delay,
        eco=scales.eco,
        reference_price=tuple(references),
        unmet_penalty=tuple(penalties),
    )


def _round_trip(delivery: DeliveryTable, supplier: str, group: Group) -> float:
    """The km of the supplier's round trip to the farthest of the group's sites (or to the
    collection point)."""
    return 2.0 * max(delivery.van_km(supplier, [site for site, _ in group.sites]), default=0.0)
