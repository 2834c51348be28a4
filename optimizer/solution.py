"""The optimizer's output: what to order, who gets what at what cost, and how the solve went."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from optimizer.groups import Reason
from optimizer.solve import SolverReport
from optimizer.tours import Tour


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """The best other offer for an allocation and what choosing it would have changed:
    ``money`` in euros (positive: dearer), ``days`` of lead time, ``eco`` points."""

    offer: str
    supplier: str
    unit_price: Decimal
    money: Decimal
    days: int
    eco: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """Units of one offer going to one need, with the need's share of the order's costs."""

    need: str
    member: str
    offer: str
    supplier: str
    quantity: Decimal
    packs: Decimal
    unit_price: Decimal
    tier: int
    goods: Decimal
    fee_share: Decimal
    delivery: Decimal
    runner_up: RunnerUp | None = None

    @property
    def total(self) -> Decimal:
        return self.goods + self.fee_share + self.delivery


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One offer in a supplier's order: whole packs, priced at the tier the pool reached."""

    offer: str
    product: str
    packs: int
    quantity: Decimal
    tier: int
    unit_price: Decimal
    goods: Decimal


@dataclass(frozen=True, slots=True)
class SupplierOrder:
    """Everything ordered from one supplier in the batch, excluding VAT."""

    supplier: str
    lines: tuple[OrderLine, ...]
    goods: Decimal
    fee: Decimal
    delivery: Decimal

    @property
    def total(self) -> Decimal:
        return self.goods + self.fee + self.delivery


@dataclass(frozen=True, slots=True)
class NeedResult:
    """How a need came out: ``served``, ``partial`` or ``unmet``, and why if not served."""

    need: str
    member: str
    status: str
    served: Decimal
    received: Decimal
    unmet: Decimal
    reason: Reason | None


@dataclass(frozen=True, slots=True)
class MemberTotal:
    """A member's cost in the pool, what the same purchase would cost it alone, and the
    transport CO2 with pooling (its share of the batch's tours) and alone (``alone_tours``,
    each supplier's round trip to the member's own sites)."""

    member: str
    goods: Decimal
    fees: Decimal
    delivery: Decimal
    alone: Decimal
    co2_kg: Decimal
    alone_co2_kg: Decimal
    fully_served: bool
    alone_tours: tuple[Tour, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.goods + self.fees + self.delivery

    @property
    def savings(self) -> Decimal:
        return self.alone - self.total


@dataclass(frozen=True, slots=True)
class Indicators:
    """Batch figures: cost excluding VAT, spend-weighted eco score, average lead time
    (spend-weighted, days), transport CO2, the suppliers ordered from, and the comparison with
    members buying alone. The one declaration of a batch's figures: the JSON result, the
    lead's review and the API all read these."""

    goods: Decimal
    fees: Decimal
    delivery: Decimal
    eco_score: Decimal | None
    average_lead_days: Decimal | None
    transport_co2_kg: Decimal
    alone_total: Decimal
    alone_co2_kg: Decimal
    needs_served: int
    needs_partial: int
    needs_unmet: int
    transport_km: Decimal = Decimal(0)
    alone_km: Decimal = Decimal(0)
    suppliers_used: int = 0

    @property
    def total_cost(self) -> Decimal:
        return self.goods + self.fees + self.delivery

    @property
    def savings(self) -> Decimal:
        return self.alone_total - self.total_cost

    @property
    def co2_avoided_kg(self) -> Decimal:
        return self.alone_co2_kg - self.transport_co2_kg


@dataclass(frozen=True, slots=True)
class TransportBasis:
    """What the transport CO2 is computed from: the emission factor and its source, the
    collection point the suppliers deliver to (None: they deliver to each site), and the price
    of a km of a supplier's delivery tour (0: delivery is priced per unit only), and the road
    km counted per km as the crow flies."""

    co2_kg_per_km: Decimal = Decimal("0.25")
    co2_source: str = ""
    collection_point: str | None = None
    delivery_cost_per_km: Decimal = Decimal(0)
    road_detour: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class Solution:
    """The result of one optimizer run."""

    report: SolverReport
    orders: tuple[SupplierOrder, ...]
    allocations: tuple[Allocation, ...]
    needs: tuple[NeedResult, ...]
    members: tuple[MemberTotal, ...]
    indicators: Indicators
    tours: tuple[Tour, ...] = ()
    transport: TransportBasis = TransportBasis()
