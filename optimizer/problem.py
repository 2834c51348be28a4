"""The optimizer's input: needs, offers, suppliers, sites and a policy, validated on construction.

Every value object checks its own fields and raises :class:`InvalidProblem` naming the field and
the value; :class:`Problem` checks the references between them and prefixes the path
(``needs[3].quantity``) so that a message always points at the place to fix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

Number = Decimal | int
CO2_SOURCE = (
    "order of magnitude for a diesel light commercial van (about 0.25 kg CO2e per km); "
    "set it from ADEME Base Empreinte for your vehicles"
)


class InvalidProblem(ValueError):
    """A problem that cannot be solved as given: ``path`` says where, ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def within(self, prefix: str) -> InvalidProblem:
        """The same error seen from the enclosing object, e.g. ``needs[3]`` + ``quantity``."""
        return InvalidProblem(f"{prefix}.{self.path}" if self.path else prefix, self.reason)


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidProblem(name, f"must be a decimal number, got {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidProblem(name, f"must be finite, got {value}")
    return number


def _positive(name: str, value: object) -> Decimal:
    number = _decimal(name, value)
    if number <= 0:
        raise InvalidProblem(name, f"must be > 0, got {number}")
    return number


def _non_negative(name: str, value: object) -> Decimal:
    number = _decimal(name, value)
    if number < 0:
        raise InvalidProblem(name, f"must be >= 0, got {number}")
    return number


def _identifier(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidProblem(name, f"must be a non-empty string, got {value!r}")
    return value


def _fraction(name: str, value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise InvalidProblem(name, f"must be between 0 and 1, got {value}")


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, slots=True)
class Location:
    """A point on the map, in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90 <= self.lat <= 90:
            raise InvalidProblem("lat", f"must be between -90 and 90, got {self.lat}")
        if not -180 <= self.lon <= 180:
            raise InvalidProblem("lon", f"must be between -180 and 180, got {self.lon}")

    def km_to(self, other: Location) -> float:
        """Great-circle distance in kilometres (haversine, mean Earth radius 6371 km)."""
        lat1, lat2 = math.radians(self.lat), math.radians(other.lat)
        dlat = lat2 - lat1
        dlon = math.radians(other.lon - self.lon)
        h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Site:
    """A delivery site; its location, when known, prices delivery by distance."""

    id: str
    location: Location | None = None

    def __post_init__(self) -> None:
        _identifier("id", self.id)


@dataclass(frozen=True, slots=True)
class Supplier:
    """A supplier: one delivery fee per order, waived when the order's goods reach a value."""

    id: str
    delivery_fee: Decimal = Decimal(0)
    fee_waived_above: Decimal | None = None
    location: Location | None = None
    local: bool = False
    social_economy: bool = False

    def __post_init__(self) -> None:
        _identifier("id", self.id)
        _set(self, "delivery_fee", _non_negative("delivery_fee", self.delivery_fee))
        if self.fee_waived_above is not None:
            _set(self, "fee_waived_above", _non_negative("fee_waived_above", self.fee_waived_above))


@dataclass(frozen=True, slots=True)
class PriceTier:
    """From ``min_quantity`` units in the order, every unit costs ``unit_price`` (all-units)."""

    min_quantity: Decimal
    unit_price: Decimal

    def __post_init__(self) -> None:
        _set(self, "min_quantity", _non_negative("min_quantity", self.min_quantity))
        _set(self, "unit_price", _non_negative("unit_price", self.unit_price))


@dataclass(frozen=True, slots=True)
class Offer:
    """What a supplier sells for a product, in whole packs of ``pack_size`` units."""

    id: str
    supplier: str
    product: str
    pack_size: Decimal
    tiers: tuple[PriceTier, ...]
    minimum_quantity: Decimal = Decimal(0)
    capacity: Decimal | None = None
    lead_time_days: int = 0
    eco_score: Decimal = Decimal(50)

    def __post_init__(self) -> None:
        for name in ("id", "supplier", "product"):
            _identifier(name, getattr(self, name))
        _set(self, "pack_size", _positive("pack_size", self.pack_size))
        _set(self, "tiers", tuple(self.tiers))
        if not self.tiers:
            raise InvalidProblem("tiers", "must hold at least one price tier, got none")
        for i in range(1, len(self.tiers)):
            before, tier = self.tiers[i - 1], self.tiers[i]
            if tier.min_quantity <= before.min_quantity:
                raise InvalidProblem(
                    f"tiers[{i}].min_quantity",
                    f"must be above the previous tier's {before.min_quantity}, "
                    f"got {tier.min_quantity}",
                )
            if tier.unit_price > before.unit_price:
                raise InvalidProblem(
                    f"tiers[{i}].unit_price",
                    f"must not exceed the previous tier's {before.unit_price}, "
                    f"got {tier.unit_price}",
                )
        _set(self, "minimum_quantity", _non_negative("minimum_quantity", self.minimum_quantity))
        if self.capacity is not None:
            _set(self, "capacity", _non_negative("capacity", self.capacity))
        if isinstance(self.lead_time_days, bool) or not isinstance(self.lead_time_days, int):
            raise InvalidProblem(
                "lead_time_days", f"must be a whole number of days, got {self.lead_time_days!r}"
            )
        if self.lead_time_days < 0:
            raise InvalidProblem("lead_time_days", f"must be >= 0, got {self.lead_time_days}")
        eco = _decimal("eco_score", self.eco_score)
        if not 0 <= eco <= 100:
            raise InvalidProblem("eco_score", f"must be between 0 and 100, got {eco}")
        _set(self, "eco_score", eco)

    @property
    def smallest_order(self) -> Decimal:
        """The least quantity that can be ordered: the minimum, or the first tier's start."""
        return max(self.minimum_quantity, self.tiers[0].min_quantity)

    def tier_for(self, quantity: Decimal) -> int:
        """Index of the price tier reached by ``quantity`` units (the first one below it)."""
        reached = 0
        for i, tier in enumerate(self.tiers):
            if quantity >= tier.min_quantity:
                reached = i
        return reached

    def unit_price_for(self, quantity: Decimal) -> Decimal:
        """The all-units price of every unit in an order of ``quantity`` units."""
        return self.tiers[self.tier_for(quantity)].unit_price


@dataclass(frozen=True, slots=True)
class Need:
    """A member's need: ``quantity`` units, up to ``tolerance`` more to complete a pack."""

    id: str
    member: str
    product: str
    quantity: Decimal
    needed_by: date
    site: str
    tolerance: Decimal = Decimal(0)
    price_ceiling: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("id", "member", "product", "site"):
            _identifier(name, getattr(self, name))
        _set(self, "quantity", _positive("quantity", self.quantity))
        _set(self, "tolerance", _non_negative("tolerance", self.tolerance))
        if not isinstance(self.needed_by, date):
            raise InvalidProblem("needed_by", f"must be a date, got {self.needed_by!r}")
        if self.price_ceiling is not None:
            _set(self, "price_ceiling", _non_negative("price_ceiling", self.price_ceiling))


@dataclass(frozen=True, slots=True)
class Product:
    """The smallest quantity a supplier ships of a product (its ``shipping_step``): 1 for
    counted goods, a fraction for bulk sold by weight or volume. Every quantity of the product
    (needs, tolerances, packs, and so every allocation) is a whole multiple of it."""

    id: str
    shipping_step: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        _identifier("id", self.id)
        _set(self, "shipping_step", _positive("shipping_step", self.shipping_step))


def is_multiple(quantity: Decimal, step: Decimal) -> bool:
    """Whether ``quantity`` is a whole number of ``step``s."""
    return quantity % step == 0


@dataclass(frozen=True, slots=True)
class DeliveryCost:
    """The per-unit delivery cost from a supplier to a site, when it is known as such."""

    supplier: str
    site: str
    cost_per_unit: Decimal

    def __post_init__(self) -> None:
        _identifier("supplier", self.supplier)
        _identifier("site", self.site)
        _set(self, "cost_per_unit", _non_negative("cost_per_unit", self.cost_per_unit))


@dataclass(frozen=True, slots=True)
class Weights:
    """How much cost, delay and ecology count; only their proportions matter."""

    cost: float = 1.0
    delay: float = 0.0
    eco: float = 0.0

    def __post_init__(self) -> None:
        for name in ("cost", "delay", "eco"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise InvalidProblem(name, f"must be a number >= 0, got {value!r}")
            _set(self, name, float(value))
        if self.cost + self.delay + self.eco <= 0:
            raise InvalidProblem("cost", "the weights must not all be zero")

    def shares(self) -> tuple[float, float, float]:
        """The weights scaled to add up to one."""
        total = self.cost + self.delay + self.eco
        return self.cost / total, self.delay / total, self.eco / total


@dataclass(frozen=True, slots=True)
class Rules:
    """Hard rules the purchasing lead may set; ``None`` (or ``False``) leaves a rule off."""

    min_average_eco: float | None = None
    budget_cap: Decimal | None = None
    max_suppliers_per_product: int | None = None
    min_local_share: float | None = None
    min_social_economy_share: float | None = None
    single_supplier_per_need: bool = False

    def __post_init__(self) -> None:
        if self.min_average_eco is not None and not 0 <= self.min_average_eco <= 100:
            raise InvalidProblem(
                "min_average_eco", f"must be between 0 and 100, got {self.min_average_eco}"
            )
        if self.budget_cap is not None:
            _set(self, "budget_cap", _non_negative("budget_cap", self.budget_cap))
        if self.max_suppliers_per_product is not None and self.max_suppliers_per_product < 1:
            raise InvalidProblem(
                "max_suppliers_per_product", f"must be >= 1, got {self.max_suppliers_per_product}"
            )
        _fraction("min_local_share", self.min_local_share)
        _fraction("min_social_economy_share", self.min_social_economy_share)

    @property
    def any(self) -> bool:
        """Whether at least one rule is set."""
        return (
            self.min_average_eco is not None
            or self.budget_cap is not None
            or self.max_suppliers_per_product is not None
            or bool(self.min_local_share)
            or bool(self.min_social_economy_share)
            or self.single_supplier_per_need
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """The lead's choices for one run: the order date, the weights, the rules, the rates that
    turn distances into delivery cost (euros per unit and km; and, when the lead prices
    delivery by the road, euros per km of each supplier's delivery tour) and transport CO2 (kg
    CO2e per km driven, with the source of that factor), and whether suppliers deliver to the
    cooperative's collection point rather than to each site."""

    order_date: date
    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)
    delivery_cost_per_unit_km: Decimal = Decimal(0)
    co2_kg_per_km: Decimal = Decimal("0.25")
    co2_source: str = CO2_SOURCE
    deliver_to_collection_point: bool = False
    delivery_cost_per_km: Decimal = Decimal(0)
    road_detour: Decimal = Decimal(1)
    """Road km per km as the crow flies: a tour's great-circle length times this coefficient
    is the length driven, priced and turned into CO2 (1: distances as the crow flies)."""

    @property
    def prices_tours(self) -> bool:
        """Whether each supplier's delivery round trip has a price (the lead's choice)."""
        return self.delivery_cost_per_km > 0

    def __post_init__(self) -> None:
        if not isinstance(self.order_date, date):
            raise InvalidProblem("order_date", f"must be a date, got {self.order_date!r}")
        _set(
            self,
            "delivery_cost_per_unit_km",
            _non_negative("delivery_cost_per_unit_km", self.delivery_cost_per_unit_km),
        )
        _set(self, "co2_kg_per_km", _non_negative("co2_kg_per_km", self.co2_kg_per_km))
        _set(
            self,
            "delivery_cost_per_km",
            _non_negative("delivery_cost_per_km", self.delivery_cost_per_km),
        )
        detour = _non_negative("road_detour", self.road_detour)
        if detour < 1:
            raise InvalidProblem("road_detour", f"must be at least 1, got {detour}")
        _set(self, "road_detour", detour)


def _unique(kind: str, items: Sequence[Site | Supplier | Offer | Need | Product]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise InvalidProblem(f"{kind}[{i}].id", f"duplicate id {item.id!r}")
        seen.add(item.id)


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything one optimizer run needs, checked for consistency and sorted by id.

    ``products`` gives each product's shipping step; a product it does not list ships in
    whole units (step 1). A need's quantity and tolerance and an offer's pack size must be
    whole multiples of their product's step."""

    needs: tuple[Need, ...]
    offers: tuple[Offer, ...]
    suppliers: tuple[Supplier, ...]
    policy: Policy
    sites: tuple[Site, ...] = ()
    delivery_costs: tuple[DeliveryCost, ...] = ()
    collection_point: str | None = None
    products: tuple[Product, ...] = ()
    _steps: dict[str, Decimal] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("needs", "offers", "suppliers", "sites", "delivery_costs", "products"):
            _set(self, name, tuple(getattr(self, name)))
        _unique("needs", self.needs)
        _unique("offers", self.offers)
        _unique("suppliers", self.suppliers)
        _unique("sites", self.sites)
        _unique("products", self.products)
        _set(self, "_steps", {p.id: p.shipping_step for p in self.products})
        self._check_steps()
        supplier_ids = {s.id for s in self.suppliers}
        site_ids = {s.id for s in self.sites}
        for i, offer in enumerate(self.offers):
            if offer.supplier not in supplier_ids:
                raise InvalidProblem(
                    f"offers[{i}].supplier", f"unknown supplier {offer.supplier!r}"
                )
        for i, need in enumerate(self.needs):
            if need.site not in site_ids:
                raise InvalidProblem(f"needs[{i}].site", f"unknown site {need.site!r}")
            if need.needed_by < self.policy.order_date:
                raise InvalidProblem(
                    f"needs[{i}].needed_by",
                    f"is before the order date {self.policy.order_date}, got {need.needed_by}",
                )
        if self.collection_point is not None and self.collection_point not in site_ids:
            raise InvalidProblem("collection_point", f"unknown site {self.collection_point!r}")
        if self.policy.deliver_to_collection_point and self.collection_point is None:
            raise InvalidProblem(
                "policy.deliver_to_collection_point",
                "the cooperative has no collection point to deliver to",
            )
        pairs: set[tuple[str, str]] = set()
        for i, cost in enumerate(self.delivery_costs):
            if cost.supplier not in supplier_ids:
                raise InvalidProblem(
                    f"delivery_costs[{i}].supplier", f"unknown supplier {cost.supplier!r}"
                )
            if cost.site not in site_ids:
                raise InvalidProblem(f"delivery_costs[{i}].site", f"unknown site {cost.site!r}")
            if (cost.supplier, cost.site) in pairs:
                raise InvalidProblem(
                    f"delivery_costs[{i}]", f"duplicate pair {cost.supplier!r}, {cost.site!r}"
                )
            pairs.add((cost.supplier, cost.site))
        _set(self, "needs", tuple(sorted(self.needs, key=lambda n: n.id)))
        _set(self, "offers", tuple(sorted(self.offers, key=lambda o: o.id)))
        _set(self, "suppliers", tuple(sorted(self.suppliers, key=lambda s: s.id)))
        _set(self, "sites", tuple(sorted(self.sites, key=lambda s: s.id)))
        _set(self, "products", tuple(sorted(self.products, key=lambda p: p.id)))
        _set(
            self,
            "delivery_costs",
            tuple(sorted(self.delivery_costs, key=lambda c: (c.supplier, c.site))),
        )

    def step_of(self, product: str) -> Decimal:
        """The shipping step of ``product``: what its quantities are whole multiples of."""
        return self._steps.get(product, Decimal(1))

    def _check_steps(self) -> None:
        def check(place: str, quantity: Decimal, product: str) -> None:
            step = self.step_of(product)
            if not is_multiple(quantity, step):
                raise InvalidProblem(
                    place,
                    f"must be a multiple of the shipping step {step} of product {product!r}, "
                    f"got {quantity}",
                )

        for i, need in enumerate(self.needs):
            check(f"needs[{i}].quantity", need.quantity, need.product)
            check(f"needs[{i}].tolerance", need.tolerance, need.product)
        for i, offer in enumerate(self.offers):
            check(f"offers[{i}].pack_size", offer.pack_size, offer.product)

    def replace_policy(self, policy: Policy) -> Problem:
        """The same problem under another policy (for scenarios and the frontier)."""
        return Problem(
            self.needs,
            self.offers,
            self.suppliers,
            policy,
            self.sites,
            self.delivery_costs,
            self.collection_point,
            self.products,
        )

    def only_needs(self, needs: Iterable[Need]) -> Problem:
        """The same catalog and policy for a subset of the needs."""
        return Problem(
            tuple(needs),
            self.offers,
            self.suppliers,
            self.policy,
            self.sites,
            self.delivery_costs,
            self.collection_point,
            self.products,
        )
