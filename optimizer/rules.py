"""The hard rules the purchasing lead may set. Each one can only make the batch serve less, never
make the model infeasible: demand that a rule prevents from serving is declared unmet."""

from __future__ import annotations

from collections import defaultdict

from optimizer.variables import Model, Terms, add_row, pulp_binaries


def min_average_eco(model: Model, floor: float) -> None:
    """The spend-weighted average eco score of the goods bought is at least ``floor``."""
    terms: Terms = []
    for o in model.offers:
        margin = float(model.offer(o).eco_score) - floor
        terms.extend((var, coef * margin) for var, coef in model.goods_terms(o))
    # sum_o goods[o] * (eco[o] - floor) >= 0
    add_row(model, terms, ">=", 0.0)


def budget_cap(model: Model, cap: float) -> None:
    """The batch's total cost (goods, fees, delivery, excluding VAT) stays within the budget."""
    # goods + fees + delivery <= cap
    add_row(model, model.cost_terms(), "<=", cap)


def _switches(model: Model, o: int) -> tuple[Terms, float]:
    """Terms that are positive exactly when offer ``o`` is bought, and their largest value."""
    tiers = model.tiers_in_model(o)
    if tiers:
        return [(model.tier_on[o, k], 1.0) for k in tiers], 1.0
    return model.order_terms(o), model.limit[o]


def max_suppliers_per_product(model: Model, most: int) -> None:
    """No product is bought from more than ``most`` suppliers."""
    offers_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for o in model.offers:
        offer = model.offer(o)
        offers_of[offer.product, offer.supplier].append(o)
    products: dict[str, list[str]] = defaultdict(list)
    for product, supplier in sorted(offers_of):
        products[product].append(supplier)
    for product, suppliers in products.items():
        if len(suppliers) <= most:
            continue
        chosen = pulp_binaries(model, f"supplies_{len(model.lp.constraints())}", len(suppliers))
        for supplier, choice in zip(suppliers, chosen, strict=True):
            for o in offers_of[product, supplier]:
                terms, top = _switches(model, o)
                # switches of o <= top * supplies[product, supplier]
                add_row(model, [*terms, (choice, -top)], "<=", 0.0)
        # sum_supplier supplies[product, supplier] <= most
        add_row(model, [(c, 1.0) for c in chosen], "<=", float(most))


def min_share(model: Model, share: float, qualifies: set[str]) -> None:
    """At least ``share`` of the goods value is bought from the qualifying suppliers."""
    terms: Terms = []
    for o in model.offers:
        weight = (1.0 if model.offer(o).supplier in qualifies else 0.0) - share
        terms.extend((var, coef * weight) for var, coef in model.goods_terms(o))
    # sum_o goods[o] * (qualifies[o] - share) >= 0
    add_row(model, terms, ">=", 0.0)


def single_supplier_per_need(model: Model) -> None:
    """Each need is served by a single supplier (groups then hold one need each)."""
    for g, group in enumerate(model.groups):
        by_supplier: dict[str, list[int]] = defaultdict(list)
        for arc in group.arcs:
            by_supplier[model.offer(arc.offer).supplier].append(arc.offer)
        if len(by_supplier) <= 1:
            continue
        names = sorted(by_supplier)
        chosen = pulp_binaries(model, f"serves_{g}", len(names))
        top = float(group.demand + group.tolerance)
        for supplier, choice in zip(names, chosen, strict=True):
            for o in by_supplier[supplier]:
                # flow[g, o] <= top * serves[g, supplier]
                add_row(model, [(model.flow[g, o], 1.0), (choice, -top)], "<=", 0.0)
        # sum_supplier serves[g, supplier] <= 1
        add_row(model, [(c, 1.0) for c in chosen], "<=", 1.0)


def apply_rules(model: Model) -> None:
    """Adds every rule the policy sets."""
    rules = model.problem.policy.rules
    if rules.min_average_eco is not None:
        min_average_eco(model, float(rules.min_average_eco))
    if rules.budget_cap is not None:
        budget_cap(model, float(rules.budget_cap))
    if rules.max_suppliers_per_product is not None:
        max_suppliers_per_product(model, rules.max_suppliers_per_product)
    suppliers = model.problem.suppliers
    if rules.min_local_share:
        min_share(model, rules.min_local_share, {s.id for s in suppliers if s.local})
    if rules.min_social_economy_share:
        min_share(
            model, rules.min_social_economy_share, {s.id for s in suppliers if s.social_economy}
        )
    if rules.single_supplier_per_need:
        single_supplier_per_need(model)
