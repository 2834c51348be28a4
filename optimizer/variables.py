"""The pieces every constraint family shares: the :class:`Model` with its variables, and how
a row is written (:func:`add_row`). The constraint families live in :mod:`optimizer.model` and
:mod:`optimizer.rules`, which both import from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pulp
from pulp import LpVariable

from optimizer.delivery import DeliveryTable
from optimizer.groups import Group
from optimizer.normalise import Scales
from optimizer.problem import Offer, Problem

Terms = list[tuple[LpVariable, float]]


@dataclass
class Model:
    """A built model and the variables needed to read a solution back."""

    problem: Problem
    groups: list[Group]
    delivery: DeliveryTable
    scales: Scales
    lp: pulp.LpProblem
    offers: list[int]
    limit: dict[int, float]
    flow: dict[tuple[int, int], LpVariable] = field(default_factory=dict)
    packs: dict[int, LpVariable] = field(default_factory=dict)
    tier_on: dict[tuple[int, int], LpVariable] = field(default_factory=dict)
    tier_qty: dict[tuple[int, int], LpVariable] = field(default_factory=dict)
    supplier_used: dict[str, LpVariable] = field(default_factory=dict)
    fee_waived: dict[str, LpVariable] = field(default_factory=dict)
    unmet: list[LpVariable] = field(default_factory=list)
    arcs_of_offer: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    shipping: dict[tuple[int, int], float] = field(default_factory=dict)
    shortfall: list[LpVariable] = field(default_factory=list)
    # delivery tours priced by the km (optimizer.vans): reach switches per supplier and level,
    # the km each counts, each group's level per supplier, the cost in euros
    reach: dict[tuple[str, float], LpVariable] = field(default_factory=dict)
    reach_km: dict[tuple[str, float], float] = field(default_factory=dict)
    reach_level: dict[tuple[int, str], float] = field(default_factory=dict)
    van_terms: Terms = field(default_factory=list)
    # each shortfall's cluster (groups) and the unmet demand it is held at (the row's bound)
    held: list[list[int]] = field(default_factory=list)
    held_levels: list[float] = field(default_factory=list)
    # the models whose variables this one holds (a PuLP variable needs its model alive)
    parts: list[pulp.LpProblem] = field(default_factory=list)

    def offer(self, o: int) -> Offer:
        return self.problem.offers[o]

    def tiers_in_model(self, o: int) -> list[int]:
        return [k for k in range(len(self.offer(o).tiers)) if (o, k) in self.tier_on]

    def goods_terms(self, o: int) -> Terms:
        """The goods value of offer ``o``'s order: each tier's units at that tier's price."""
        offer = self.offer(o)
        tiers = self.tiers_in_model(o)
        if tiers:
            return [(self.tier_qty[o, k], float(offer.tiers[k].unit_price)) for k in tiers]
        return [(self.packs[o], float(offer.tiers[0].unit_price * offer.pack_size))]

    def order_terms(self, o: int) -> Terms:
        """The units ordered from offer ``o``."""
        return [(self.packs[o], float(self.offer(o).pack_size))]

    def fee_terms(self) -> Terms:
        """The delivery fees paid, in euros."""
        terms: Terms = []
        fees = self._supplier_fee
        for s, used in self.supplier_used.items():
            fee = float(fees[s])
            terms.append((used, fee))
            if s in self.fee_waived:
                terms.append((self.fee_waived[s], -fee))
        return terms

    def delivery_terms(self) -> Terms:
        """The per-unit delivery costs, in euros."""
        terms: Terms = []
        for key, var in self.flow.items():
            cost = self.shipping[key]
            if cost:
                terms.append((var, cost))
        return terms

    def cost_terms(self) -> Terms:
        """Goods, fees and delivery (per unit, and the tours as the model counts them): what
        the batch costs, excluding VAT."""
        terms: Terms = []
        for o in self.offers:
            terms.extend(self.goods_terms(o))
        return terms + self.fee_terms() + self.delivery_terms() + self.van_terms

    @property
    def _supplier_fee(self) -> dict[str, Decimal]:
        return {s.id: s.delivery_fee for s in self.problem.suppliers}


def add_row(model: Model, terms: Terms, sense: str, rhs: float) -> None:
    """Adds ``sum(coef * var) <sense> rhs`` to the model. Each call site states its row in
    readable form in a comment just above it (``sum_o flow[g, o] + unmet[g] >= demand[g]``)."""
    expr = pulp.lpSum_vars_coefs(terms)
    if sense == "<=":
        model.lp.addConstraint(expr <= rhs)
    elif sense == ">=":
        model.lp.addConstraint(expr >= rhs)
    else:
        model.lp.addConstraint(expr == rhs)


def batch_variables(
    lp: pulp.LpProblem, name: str, count: int, cat: str = "Continuous"
) -> list[LpVariable]:
    if count == 0:
        return []
    made = lp.add_variable_dicts(name, range(count), lowBound=0, cat=cat)  # type: ignore[arg-type]
    return [made[i] for i in range(count)]


def continuous(model: Model, name: str, count: int) -> list[LpVariable]:
    """``count`` new non-negative continuous variables named after ``name``."""
    return batch_variables(model.lp, name, count)


def pulp_binaries(model: Model, name: str, count: int) -> list[LpVariable]:
    """``count`` new binary variables named after ``name``."""
    return batch_variables(model.lp, name, count, "Binary")
